//go:build unix

package web

import "syscall"

// processCPU is the CPU time this process has used, in seconds, garbage
// collection included. Unlike the time per page, it hardly moves when other
// work shares the machine.
func processCPU() float64 {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return float64(u.Utime.Nano()+u.Stime.Nano()) / 1e9
}
