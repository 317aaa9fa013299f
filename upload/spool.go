package upload

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrAnswerTooLarge means an answer (an invalid-rows file, Kore.ai's list of created contacts, a
// JSON answer) was larger than its cap. It is not retried: the chunk's outcome is in doubt.
var ErrAnswerTooLarge = errors.New("upload: answer larger than its cap")

// DefaultMaxAnswerBytes caps the answers that are spooled (the invalid-rows file, Kore.ai's answer)
// when MaxAnswerBytes is zero. A smaller cap proportional to the chunk applies too (see
// answerCap).
const DefaultMaxAnswerBytes = 64 << 20

// spoolMemory is how much of a spooled answer stays in memory before it moves to a temporary file.
const spoolMemory = 256 << 10

// answerCap is the most a spooled answer about a chunk of rows rows and bytes bytes may hold: the
// chunk itself, perRow bytes for each row (a reason, or an echoed contact) and 1 MiB, and never
// more than max (DefaultMaxAnswerBytes when max ≤ 0). An answer about a chunk has no reason to be
// much larger than the chunk.
func answerCap(max, bytes int64, rows int, perRow int64) int64 {
	if max <= 0 {
		max = DefaultMaxAnswerBytes
	}
	return min(max, bytes+int64(rows)*perRow+1<<20)
}

// spool holds an answer body: in memory up to spoolMemory bytes, then in a temporary file that is
// unlinked as soon as it is created (so nothing is left behind if the process dies). Not safe for
// concurrent use.
type spool struct {
	dir string
	mem bytes.Buffer
	f   *os.File
	n   int64
}

// fill copies at most limit bytes of r into the spool; more than that gives ErrAnswerTooLarge.
func (s *spool) fill(r io.Reader, limit int64) error {
	n, err := io.Copy(s, io.LimitReader(r, limit+1))
	if err != nil {
		return err
	}
	if n > limit {
		return fmt.Errorf("%w (%d bytes)", ErrAnswerTooLarge, limit)
	}
	return nil
}

// Write appends p.
func (s *spool) Write(p []byte) (int, error) {
	if s.f == nil && s.mem.Len()+len(p) > spoolMemory {
		f, err := os.CreateTemp(s.dir, ".contactpipe-answer-*")
		if err != nil {
			return 0, err
		}
		_ = os.Remove(f.Name())
		if _, err := f.Write(s.mem.Bytes()); err != nil {
			f.Close()
			return 0, err
		}
		s.mem = bytes.Buffer{}
		s.f = f
	}
	s.n += int64(len(p))
	if s.f != nil {
		return s.f.Write(p)
	}
	return s.mem.Write(p)
}

// Reader returns the body from its start.
func (s *spool) Reader() (io.Reader, error) {
	if s.f == nil {
		return bytes.NewReader(s.mem.Bytes()), nil
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return s.f, nil
}

// Len is the body's size.
func (s *spool) Len() int64 { return s.n }

// Close releases the temporary file, if any.
func (s *spool) Close() error {
	if s == nil || s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}
