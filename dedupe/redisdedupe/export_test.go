package redisdedupe

// SetRowsPerCall makes d claim n rows per script call (n = 1: one EVALSHA per row, all of a
// batch in one pipeline), for the benchmarks' comparison.
func SetRowsPerCall(d *Deduper, n int) { d.rowsPerCall = n }
