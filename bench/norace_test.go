//go:build !race

package bench_test

// scale shrinks the row counts of the slower tests under the race detector (see race_test.go).
const scale = 1
