//go:build !linux

package sheet

// spill is not available here: tables stay in memory.
type spill struct{}

func newSpill(string, int64) *spill               { return nil }
func (*spill) add([]byte, [4]byte) error          { return nil }
func (*spill) finish(int64) ([]byte, bool, error) { return nil, false, nil }
func (*spill) close()                             {}
func dropPages([]byte)                            {}
func unmapFile([]byte)                            {}
