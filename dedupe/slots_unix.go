//go:build unix

package dedupe

import (
	"syscall"
	"unsafe"
)

// allocSlots returns a zeroed table of n slots and whether it is a memory mapping: an anonymous
// mapping outside the Go heap, unless none is to be had. The table is pointer-free and lives as
// long as the Set, so keeping it off the heap costs the garbage collector nothing and, above all,
// does not raise the heap goal (with GOGC=100 a set of 50 MB on the heap would let the rest of the
// heap grow by 50 MB before a collection).
func allocSlots(n int) ([]slot, bool) {
	size := n * int(unsafe.Sizeof(slot{}))
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]slot, n), false // no mapping to be had: the heap will do
	}
	return unsafe.Slice((*slot)(unsafe.Pointer(unsafe.SliceData(mem))), n), true
}

// freeSlots releases a table made by allocSlots: a mapping is unmapped; the collector frees a heap
// fallback (unmapping it would unmap part of the Go heap).
func freeSlots(s []slot, mapped bool) {
	if !mapped || len(s) == 0 {
		return
	}
	_ = syscall.Munmap(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(slot{}))))
}
