//go:build !unix

package web

// processCPU is not measured here: the benchmarks report zero.
func processCPU() float64 { return 0 }
