//go:build !unix

package dedupe

// allocSlots returns a zeroed table of n slots, on the heap (not a mapping).
func allocSlots(n int) ([]slot, bool) { return make([]slot, n), false }

// freeSlots releases a table made by allocSlots; on the heap, the collector does.
func freeSlots([]slot, bool) {}
