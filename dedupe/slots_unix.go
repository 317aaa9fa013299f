//go:build unix

package dedupe

import (
	"syscall"
	"unsafe"
)

// allocSlots returns a zeroed table of n slots outside the Go heap (an anonymous memory mapping).
// The table is pointer-free and lives as long as the Set, so keeping it off the heap costs the
// garbage collector nothing and, above all, does not raise the heap goal: with GOGC=100 a set of
// 50 MB on the heap would let the rest of the heap grow by 50 MB before a collection.
func allocSlots(n int) []slot {
	size := n * int(unsafe.Sizeof(slot{}))
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]slot, n) // no mapping to be had: the heap will do
	}
	return unsafe.Slice((*slot)(unsafe.Pointer(unsafe.SliceData(mem))), n)
}

// freeSlots releases a table made by allocSlots.
func freeSlots(s []slot) {
	if len(s) == 0 {
		return
	}
	mem := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(slot{})))
	_ = syscall.Munmap(mem) // fails only for heap fallbacks, which the collector frees
}
