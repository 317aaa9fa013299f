package sheet

import (
	"fmt"
	"os"
	"syscall"
)

// spill writes a shared string table to an unlinked temporary file: the
// entries' ends from offset 0 (a region of endSize bytes, sparse where
// unused), the text after them, each through a buffer of its own.
type spill struct {
	f                *os.File
	ends, text       []byte // buffered, not yet written
	endOff, textOff  int64  // where each buffer goes
	textBase, endCap int64
}

const spillBuf = 64 << 10

// newSpill makes the file in dir, or returns nil when it cannot.
func newSpill(dir string, endSize int64) *spill {
	f, err := os.CreateTemp(dir, "contactpipe-sst-*")
	if err != nil {
		return nil
	}
	// Unlinked at once: nothing is left behind however the process ends.
	if err := os.Remove(f.Name()); err != nil {
		_ = f.Close()
		return nil
	}
	page := int64(os.Getpagesize())
	base := (endSize + page - 1) / page * page
	return &spill{f: f, ends: make([]byte, 0, spillBuf), text: make([]byte, 0, spillBuf),
		textBase: base, textOff: base, endCap: endSize}
}

// add writes one entry: its text and its end.
func (s *spill) add(item []byte, end [4]byte) error {
	if s.endOff+int64(len(s.ends))+4 > s.endCap {
		return xlsxErr("more shared strings than the part can hold") // not reached: the count is bounded by the part's size
	}
	if len(s.ends)+4 > cap(s.ends) {
		if err := s.flush(&s.ends, &s.endOff); err != nil {
			return err
		}
	}
	s.ends = append(s.ends, end[:]...)
	for len(item) > 0 {
		if len(s.text) == cap(s.text) {
			if err := s.flush(&s.text, &s.textOff); err != nil {
				return err
			}
		}
		n := min(len(item), cap(s.text)-len(s.text))
		s.text = append(s.text, item[:n]...)
		item = item[n:]
	}
	return nil
}

func (s *spill) flush(b *[]byte, off *int64) error {
	if len(*b) == 0 {
		return nil
	}
	if _, err := s.f.WriteAt(*b, *off); err != nil {
		return fmt.Errorf("sheet: spilling the shared string table: %w", err)
	}
	*off += int64(len(*b))
	*b = (*b)[:0]
	return nil
}

// finish writes what is buffered, maps the file (read only) and closes it:
// the mapping holds the ends from its start and textLen bytes of text at
// its end; mapped is false when the file could not be mapped and was read
// into memory (allocBytes) instead. An empty table maps nothing.
func (s *spill) finish(textLen int64) (_ []byte, mapped bool, err error) {
	defer s.close()
	if err := s.flush(&s.ends, &s.endOff); err != nil {
		return nil, false, err
	}
	if err := s.flush(&s.text, &s.textOff); err != nil {
		return nil, false, err
	}
	size := s.textBase + textLen
	if s.endOff == 0 && textLen == 0 {
		return nil, false, nil
	}
	if size != int64(int(size)) {
		return nil, false, tooLarge("shared string table of %d bytes", size)
	}
	if err := s.f.Truncate(size); err != nil { // the ends region may end in a hole
		return nil, false, fmt.Errorf("sheet: spilling the shared string table: %w", err)
	}
	if m, err := mmapFile(s.f, int(size)); err == nil {
		return m, true, nil
	}
	m := allocBytes(int(size))
	if _, err := s.f.ReadAt(m, 0); err != nil {
		freeBytes(m)
		return nil, false, fmt.Errorf("sheet: reading the spilled shared string table: %w", err)
	}
	return m, false, nil
}

// mmapFile maps size bytes of f read-only (a variable for tests).
var mmapFile = func(f *os.File, size int) ([]byte, error) {
	return syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
}

func (s *spill) close() {
	if s.f != nil {
		_ = s.f.Close()
		s.f = nil
	}
}

// dropPages removes a spilled table's pages from the process's mapping;
// the file keeps them (in the page cache), and the next access maps them
// again.
func dropPages(m []byte) { _ = syscall.Madvise(m, syscall.MADV_DONTNEED) }

// unmapFile releases a spilled table's mapping.
func unmapFile(m []byte) { _ = syscall.Munmap(m) }
