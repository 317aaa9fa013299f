//go:build !unix

package dedupe_test

// processCPU is not measured here: the benchmarks' cpu-ns/row reads 0.
func processCPU() int64 { return 0 }
