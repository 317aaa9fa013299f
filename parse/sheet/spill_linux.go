package sheet

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// errSpill is wrapped by the errors of writing a spilled table: the table can then be kept in
// memory instead (see xlsxStrings.add).
var errSpill = errors.New("sheet: spilling the shared string table")

// spillWriteAt writes to the spill file (a variable for tests).
var spillWriteAt = func(f *os.File, b []byte, off int64) (int, error) { return f.WriteAt(b, off) }

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
	if _, err := spillWriteAt(s.f, *b, *off); err != nil {
		return fmt.Errorf("%w: %w", errSpill, err)
	}
	*off += int64(len(*b))
	*b = (*b)[:0]
	return nil
}

// flushAll writes what is buffered.
func (s *spill) flushAll() error {
	if err := s.flush(&s.ends, &s.endOff); err != nil {
		return err
	}
	return s.flush(&s.text, &s.textOff)
}

// readBack returns, in memory (allocBytes), the first textLen bytes of the text and endLen bytes
// of the ends the spill holds, on file and still buffered, and closes the file: what a table
// whose spill failed keeps in memory instead.
func (s *spill) readBack(textLen, endLen int64) (text, end []byte, err error) {
	defer s.close()
	text = allocBytes(int(max(textLen, 64<<10)))[:textLen]
	end = allocBytes(int(max(endLen, 64<<10)))[:endLen]
	if err := s.region(text, s.textBase, s.textOff, s.text); err != nil {
		freeBytes(text)
		freeBytes(end)
		return nil, nil, err
	}
	if err := s.region(end, 0, s.endOff, s.ends); err != nil {
		freeBytes(text)
		freeBytes(end)
		return nil, nil, err
	}
	return text, end, nil
}

// region fills dst from a region of the file written from base up to off, then from its buffer.
func (s *spill) region(dst []byte, base, off int64, buf []byte) error {
	onFile := min(int64(len(dst)), off-base)
	if onFile > 0 {
		if _, err := s.f.ReadAt(dst[:onFile], base); err != nil {
			return fmt.Errorf("sheet: reading the spilled shared string table back: %w", err)
		}
	}
	if rest := dst[max(onFile, 0):]; len(rest) > 0 {
		if copy(rest, buf) < len(rest) {
			return errors.New("sheet: the spilled shared string table is shorter than written") // not reached
		}
	}
	return nil
}

// finish writes what is buffered, maps the file (read only) and closes it:
// the mapping holds the ends from its start and textLen bytes of text at
// its end; mapped is false when the file could not be mapped and was read
// into memory (allocBytes) instead. An empty table maps nothing.
func (s *spill) finish(textLen int64) (_ []byte, mapped bool, err error) {
	defer s.close()
	if err := s.flushAll(); err != nil {
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
		return nil, false, fmt.Errorf("%w: %w", errSpill, err)
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
