//go:build !linux

package sheet

import "errors"

// spill is not available here: tables stay in memory.
type spill struct{}

var errSpill = errors.New("sheet: spilling the shared string table")

func newSpill(string, int64) *spill               { return nil }
func (*spill) add([]byte, [4]byte) error          { return nil }
func (*spill) finish(int64) ([]byte, bool, error) { return nil, false, nil }
func (*spill) flushAll() error                    { return nil }
func (*spill) readBack(int64, int64) ([]byte, []byte, error) {
	return nil, nil, nil
}
func (*spill) close()  {}
func dropPages([]byte) {}
func unmapFile([]byte) {}
