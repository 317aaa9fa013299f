//go:build !unix

package dedupe

// allocSlots returns a zeroed table of n slots.
func allocSlots(n int) []slot { return make([]slot, n) }

// freeSlots releases a table made by allocSlots; on the heap, the collector does.
func freeSlots([]slot) {}
