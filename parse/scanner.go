package parse

import (
	"bytes"
	"errors"
	"io"
)

// scanner splits a byte stream into CSV records. It is written for this package instead of using
// encoding/csv because it must (1) bound the memory a record can use, skipping the rest of an
// over-long record without buffering it, (2) end records at a lone '\r' (old Mac Excel), (3) keep
// going after a malformed record, and (4) report spreadsheet row numbers as well as lines.
//
// Grammar (RFC 4180 with the leniencies spreadsheets have):
//   - a record ends at '\n', "\r\n" or a lone '\r' outside quotes, or at the end of the input;
//   - a field that starts with '"' is quoted; inside it "" is a quote and line breaks are kept
//     verbatim (a CRLF inside quotes stays CRLF);
//   - a '"' inside an unquoted field is an ordinary character (`5" screen` reads as it is written);
//   - text after the closing quote of a field (`"a"b`) makes the record malformed: the field goes on
//     to the next delimiter (as `a"b`), the record is returned with bad = badQuote, and reading
//     continues with the next record;
//   - a quoted field still open at the end of the input is a fatal error (errUnterminated).
type scanner struct {
	r   io.Reader
	buf []byte
	pos int // next byte to read in buf
	end int // end of valid data in buf
	eof bool
	err error // read error other than io.EOF, reported once the data before it is used

	delim     byte
	special   [256]bool // bytes that stop an unquoted run: delim, '"', '\r', '\n'
	maxBytes  int
	maxFields int

	// The current record: field contents concatenated in rec, ends[i] = end of field i in rec.
	rec     []byte
	ends    []int
	nfields int // fields seen, including those past maxFields

	bad      badKind
	badField int // 0-based field where bad was found
	badLine  int

	records   int // records started so far: the row number of the current record
	line      int // 1-based line of the next byte
	startLine int // line where the current record starts
	quoteLine int // line where the last quoted field opened
	skipLF    bool
	prevCR    bool // inside quotes: the last byte was '\r' (for counting CRLF as one line)
}

type badKind uint8

const (
	badNone badKind = iota
	badQuote
	badTooLarge
	badTooManyFields
)

// errUnterminated is returned by readRecord when the input ends inside a quoted field; the
// caller turns it into a *RowError naming the row (scanner.records, startLine, badField).
var errUnterminated = errors.New("unterminated quote")

const scanBufSize = 64 << 10

func newScanner(r io.Reader, maxBytes, maxFields int) *scanner {
	return &scanner{r: r, buf: make([]byte, scanBufSize), line: 1, maxBytes: maxBytes, maxFields: maxFields,
		rec: make([]byte, 0, 1024), ends: make([]int, 0, 64)}
}

func (s *scanner) setDelimiter(d byte) {
	s.delim = d
	s.special = [256]bool{}
	s.special[d] = true
	s.special['"'] = true
	s.special['\r'] = true
	s.special['\n'] = true
}

// fill replaces the buffer's content (all of which has been consumed) with the next bytes of input.
// It reports false at the end of the input or on a read error (kept in s.err).
func (s *scanner) fill() bool {
	if s.eof {
		s.pos, s.end = 0, 0
		return false
	}
	s.pos, s.end = 0, 0
	for tries := 0; s.end == 0; tries++ {
		if tries == 100 {
			s.err, s.eof = io.ErrNoProgress, true
			break
		}
		n, err := s.r.Read(s.buf)
		s.end = n
		if err != nil {
			if !errors.Is(err, io.EOF) {
				s.err = err
			}
			s.eof = true
			break
		}
	}
	return s.end > 0
}

// prime reads until the buffer is full or the input ends, so that the beginning of the input can be
// sniffed; it returns the bytes read. Call it before the first readRecord only.
func (s *scanner) prime() []byte {
	for s.end < len(s.buf) && !s.eof {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			if !errors.Is(err, io.EOF) {
				s.err = err
			}
			s.eof = true
		}
		if n == 0 && err == nil {
			break
		}
	}
	return s.buf[:s.end]
}

// add appends field content, unless the record is already over a limit.
func (s *scanner) add(b []byte) {
	if s.bad >= badTooLarge {
		return
	}
	if len(s.rec)+len(b) > s.maxBytes {
		s.setBad(badTooLarge)
		return
	}
	s.rec = append(s.rec, b...)
}

func (s *scanner) addByte(c byte) {
	if s.bad >= badTooLarge {
		return
	}
	if len(s.rec)+1 > s.maxBytes {
		s.setBad(badTooLarge)
		return
	}
	s.rec = append(s.rec, c)
}

func (s *scanner) setBad(k badKind) {
	if s.bad < badTooLarge { // a limit overrides a quote problem: the record is not kept at all
		s.bad, s.badField, s.badLine = k, s.nfields, s.line
	}
}

func (s *scanner) endField() {
	s.nfields++
	if s.bad >= badTooLarge {
		return
	}
	if s.nfields > s.maxFields {
		s.setBad(badTooManyFields)
		return
	}
	s.ends = append(s.ends, len(s.rec))
}

// readRecord reads the next record. It returns false at the end of the input. A non-nil error is
// fatal: a read error, or errUnterminated.
func (s *scanner) readRecord() (bool, error) {
	s.rec, s.ends, s.nfields, s.bad = s.rec[:0], s.ends[:0], 0, badNone
	if s.skipLF {
		s.skipLF = false
		if s.pos < s.end || s.fill() {
			if s.buf[s.pos] == '\n' {
				s.pos++
			}
		}
	}
	if s.pos >= s.end && !s.fill() {
		return false, s.err
	}
	s.records++
	s.startLine = s.line
	for {
		if s.pos >= s.end && !s.fill() {
			s.endField() // input ends right after a delimiter: an empty last field
			return true, s.err
		}
		var done bool
		if s.buf[s.pos] == '"' {
			s.pos++
			var err error
			if done, err = s.quotedField(); err != nil {
				return true, err
			}
		} else {
			done = s.unquotedField()
		}
		if done {
			return true, s.err
		}
	}
}

// unquotedField reads the rest of an unquoted field and reports whether the record ended.
func (s *scanner) unquotedField() bool {
	sp := &s.special
	for {
		buf := s.buf[s.pos:s.end]
		i := 0
		for i < len(buf) && !sp[buf[i]] {
			i++
		}
		s.add(buf[:i])
		s.pos += i
		if i == len(buf) {
			if !s.fill() {
				s.endField()
				return true
			}
			continue
		}
		c := buf[i]
		s.pos++
		switch c {
		case s.delim:
			s.endField()
			return false
		case '\n':
			s.endField()
			s.line++
			return true
		case '\r':
			s.endField()
			s.line++
			s.skipLF = true
			return true
		default: // '"' inside an unquoted field is an ordinary character
			s.addByte(c)
		}
	}
}

// quotedField reads a quoted field whose opening quote has been consumed, and reports whether the
// record ended.
func (s *scanner) quotedField() (bool, error) {
	s.quoteLine = s.line
	for {
		buf := s.buf[s.pos:s.end]
		i := bytes.IndexByte(buf, '"')
		if i < 0 {
			s.addQuoted(buf)
			s.pos = s.end
			if !s.fill() {
				if s.err != nil {
					return true, s.err
				}
				s.badField = s.nfields
				return true, errUnterminated
			}
			continue
		}
		s.addQuoted(buf[:i])
		s.pos += i + 1
		if s.pos >= s.end && !s.fill() {
			s.endField()
			return true, s.err
		}
		c := s.buf[s.pos]
		switch c {
		case '"':
			s.pos++
			s.addByte('"')
			s.prevCR = false
			continue
		case s.delim:
			s.pos++
			s.endField()
			return false, nil
		case '\n':
			s.pos++
			s.line++
			s.endField()
			return true, nil
		case '\r':
			s.pos++
			s.line++
			s.skipLF = true
			s.endField()
			return true, nil
		}
		// Text after the closing quote: keep it (with the quote) and read on as an unquoted field.
		s.setBad(badQuote)
		s.addByte('"')
		return s.unquotedField(), nil
	}
}

// addQuoted appends the content of a quoted field and counts the line breaks in it.
func (s *scanner) addQuoted(b []byte) {
	s.add(b)
	if len(b) == 0 {
		return
	}
	if bytes.IndexByte(b, '\n') < 0 && bytes.IndexByte(b, '\r') < 0 {
		s.prevCR = false
		return
	}
	for _, c := range b {
		switch c {
		case '\n':
			if !s.prevCR {
				s.line++
			}
			s.prevCR = false
		case '\r':
			s.line++
			s.prevCR = true
		default:
			s.prevCR = false
		}
	}
}

// blank reports whether every field of the current record is empty or only spaces and tabs.
func (s *scanner) blank() bool {
	for _, c := range s.rec {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// fieldAt returns the index of the field that holds byte offset off of rec.
func (s *scanner) fieldAt(off int) int {
	for i, e := range s.ends {
		if off < e {
			return i
		}
	}
	return max(len(s.ends)-1, 0)
}
