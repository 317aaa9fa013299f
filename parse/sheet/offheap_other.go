//go:build !unix

package sheet

// allocBytes returns n zeroed bytes (on the heap where memory mappings are
// not available).
func allocBytes(n int) []byte { return make([]byte, max(n, 0)) }

// freeBytes releases bytes made by allocBytes.
func freeBytes([]byte) {}
