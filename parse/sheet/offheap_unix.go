//go:build unix

package sheet

import "syscall"

// allocBytes returns n zeroed bytes outside the Go heap (an anonymous
// memory mapping whose pages become resident only when written), so that
// a large table does not raise the garbage collector's heap goal: with
// GOGC=100 a 50 MB table on the heap lets the rest of the heap grow by
// 50 MB before a collection. The bytes must be released with freeBytes and
// must hold no Go pointers; nothing may refer to them after that.
func allocBytes(n int) []byte {
	if n <= 0 {
		return nil
	}
	mem, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE|syscall.MAP_NORESERVE)
	if err != nil {
		return make([]byte, n) // no mapping to be had: the heap will do
	}
	return mem
}

// freeBytes releases bytes made by allocBytes.
func freeBytes(b []byte) {
	if cap(b) > 0 {
		_ = syscall.Munmap(b[:cap(b)]) // fails only for heap fallbacks, which the collector frees
	}
}
