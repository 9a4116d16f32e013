//go:build !linux && !darwin

package main

import "time"

// raiseFileLimit reports no limit where there is no rlimit to raise.
func raiseFileLimit() uint64 { return 0 }

// processCPU reports nothing where there is no getrusage.
func processCPU() time.Duration { return 0 }
