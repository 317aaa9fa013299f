//go:build race

package bench_test

// scale shrinks the row counts of the slower tests under the race detector, which makes them
// ten times slower; the full sizes run in every plain `go test`.
const scale = 4
