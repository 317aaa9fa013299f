package parse

import (
	"bytes"
	"context"
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
//   - a record fails (see goBack) when a quoted field in it is still open at the end of the input
//     or once the record has passed maxBytes bytes (unless strict, where the end of the input is
//     the fatal errUnterminated), or when it spans several lines (a line break inside quotes) and
//     has text after a closing quote or more non-empty fields than the header (width). A stray
//     quote pairs with the next quote of the file, so such a record holds the lines in between:
//     the scanner goes back to where the record started, returns its first physical line as a
//     record of its own with bad = badBrokenQuote, and reads on from the next line as if the
//     record had never been read. A record that spans lines with the right number of fields (or
//     fewer) and well-formed quotes is kept: that is what a multi-line cell looks like.
//   - going back keeps the bytes since the record started (at most maxBytes plus two buffers), so
//     memory stays bounded by the record limit. Each going back reads its record's bytes again;
//     to keep the work linear on a hostile file (lines that each reopen a quote would otherwise
//     be read again once per line) the bytes read again may not exceed the bytes read from the
//     input. Past that budget a failed record's lines, from its first through the line where its
//     faulty quoted field opened, are each returned as a rejected record and reading resumes
//     after them: the lines after that one were inside that quoted field, so they hold quotes in
//     pairs only and each reads again as one line (at most its last line starts a new record).
//     Once a record is over a limit, a quoted field that opens in it gets its own budget and, if
//     broken, ends the record at its line's end.
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

	records   int  // records started so far: the row number of the current record
	line      int  // 1-based line of the next byte
	startLine int  // line where the current record starts
	quoteLine int  // line where the last quoted field opened
	multiline bool // the current record has a line break inside a quoted field
	skipLF    bool
	prevCR    bool // inside quotes: the last byte was '\r' (for counting CRLF as one line)

	// width is the number of header cells (0: unknown, or extra fields are no error): a record
	// that spans lines and has a non-empty field beyond it fails (see goBack).
	width int

	strict bool // a quote open at the end of the input is fatal (errUnterminated), as encoding/csv does

	// Going back to a record's start (see broken). mark is the index in buf of the point reading
	// can go back to (the record's start, or the opening quote of a field that opened in a record
	// already over a limit); raw holds the bytes from mark that an earlier buffer held.
	tracking    bool
	mark        int
	markIsStart bool
	raw         []byte
	rawFull     bool   // raw stopped growing: going back is impossible
	quoted      bool   // a quoted field opened in the current record
	replay      []byte // bytes to read again before the input
	wentBack    bool   // goBack went back to the record's start
	rejectLines int    // the physical lines up to this one are returned one by one as broken records
	lineBuf     []byte
	fresh       int64 // bytes read from the input
	reread      int64 // bytes read again after going back: at most fresh (see goBack)

	// The last failed record (see goBack), for the error of the lines it rejects.
	fail          failKind
	failStart     int // line where it started
	failEnd       int // line where it failed (its last line)
	failQuoteLine int // line where its faulty quoted field (the last one opened) opened
	failBadLine   int // failQuote: line of the text after a closing quote

	ctx context.Context // checked once per buffer fill; nil: never cancelled
}

type badKind uint8

const (
	badNone badKind = iota
	badQuote
	badBrokenQuote // a physical line rejected after a broken quote (see broken)
	badTooLarge
	badTooManyFields
)

// failKind says why a record failed and its lines were read again (see goBack).
type failKind uint8

const (
	failEOF        failKind = iota + 1 // a quoted field runs to the end of the input
	failLimit                          // a quoted field runs past maxBytes
	failQuote                          // text after a closing quote, in a record that spans lines
	failFieldCount                     // more fields than the header, in a record that spans lines
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
	if s.tracking {
		s.spill()
	}
	if len(s.replay) > 0 {
		n := copy(s.buf, s.replay)
		s.replay = s.replay[n:]
		s.pos, s.end = 0, n
		return true
	}
	if s.eof {
		s.pos, s.end = 0, 0
		return false
	}
	if s.ctx != nil && s.ctx.Err() != nil {
		s.err, s.eof = contextError(s.ctx), true
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
		s.fresh += int64(n)
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
		s.fresh += int64(n)
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

// spill keeps the bytes from mark to the end of the buffer in raw before the buffer is refilled.
func (s *scanner) spill() {
	if s.markIsStart && !s.quoted {
		s.mark = 0 // the record's bytes so far can be rebuilt from its fields (see quotedField)
		return
	}
	if s.markIsStart && s.bad >= badTooLarge {
		// The record is rejected already; a quoted field opening in it gets a mark of its own.
		s.tracking, s.rawFull = false, true
		return
	}
	if !s.rawFull {
		if len(s.raw)+s.end-s.mark > s.maxBytes {
			s.rawFull = true
		} else {
			s.raw = appendDoubling(s.raw, s.buf[s.mark:s.end], s.maxBytes)
		}
	}
	s.mark = 0
}

// rawLen is the number of bytes from mark to pos.
func (s *scanner) rawLen() int { return len(s.raw) + s.pos - s.mark }

// setMark makes position i of buf the point to go back to.
func (s *scanner) setMark(i int, isStart bool) {
	s.tracking, s.mark, s.markIsStart, s.rawFull = true, i, isStart, false
	if len(s.raw) > 0 { // (no pointer write, and so no write barrier, per record)
		s.raw = s.raw[:0]
	}
}

// rewind makes the bytes from mark to pos, then the rest of the buffer, the next bytes to read.
func (s *scanner) rewind(skip int) {
	b := append(s.raw, s.buf[s.mark:s.end]...) // raw's buffer becomes the replay buffer
	b = append(b, s.replay...)                 // (replay may alias the old replay buffer, not raw)
	s.replay = b[min(skip, len(b)):]
	s.raw, s.tracking = nil, false
	s.pos, s.end = 0, 0
}

// canGoBack reports whether the bytes since the current record started are kept.
func (s *scanner) canGoBack() bool { return s.tracking && s.markIsStart && !s.rawFull }

// goBack makes the current record, which failed for the reason kind, unread: reading resumes at
// its start, its first physical line is returned as a rejected record (readLine) and the lines
// after it are read again as records. Past the budget of bytes read again (see the type's
// documentation), the lines through the one where its last quoted field opened are all returned
// as rejected records. The caller checks canGoBack first.
func (s *scanner) goBack(kind failKind, end int) {
	s.fail, s.failStart, s.failEnd, s.failQuoteLine, s.failBadLine = kind, s.startLine, end, s.quoteLine, s.badLine
	cost := int64(s.rawLen())
	s.rejectLines = s.startLine
	if s.reread+cost > s.fresh {
		s.rejectLines = s.quoteLine
	}
	s.reread += cost
	s.rewind(0)
	s.wentBack = true
	s.line = s.startLine
	s.prevCR, s.skipLF, s.multiline = false, false, false
	s.rec, s.ends, s.nfields, s.bad = s.rec[:0], s.ends[:0], 0, badNone
}

// broken handles a quoted field that is still open at the end of the input or past the record
// limit (see the type's documentation). It reports whether the record ended.
func (s *scanner) broken(eof bool) bool {
	if s.canGoBack() {
		if eof {
			s.goBack(failEOF, s.line)
		} else {
			s.goBack(failLimit, s.line)
		}
		return false
	}
	// The record is already over a limit: go back to just after the opening quote and end the
	// record at the end of that line.
	s.setBad(badTooLarge)
	if !s.rawFull {
		s.rewind(1)
		s.line = s.quoteLine
	}
	s.prevCR = false
	s.skipToLineEnd()
	return true
}

// skipToLineEnd consumes the input up to and including the next line break, quotes being
// ordinary characters.
func (s *scanner) skipToLineEnd() {
	for {
		if s.pos >= s.end && !s.fill() {
			return
		}
		buf := s.buf[s.pos:s.end]
		i := 0
		for i < len(buf) && buf[i] != '\n' && buf[i] != '\r' {
			i++
		}
		s.pos += i
		if i < len(buf) {
			s.pos++
			s.line++
			s.skipLF = buf[i] == '\r'
			return
		}
	}
}

// readLine reads one physical line as a record rejected after a broken quote: its cells are split
// at the delimiter, quotes being honoured only within the line; a quoted field the line does not
// close keeps the rest of the line as it is, opening quote included (badField says which).
func (s *scanner) readLine() {
	s.tracking = false
	s.lineBuf, s.rec = s.rec[:0], s.lineBuf[:0] // swap: rec may be large after the broken record
	over := false
	for {
		if s.pos >= s.end && !s.fill() {
			break
		}
		buf := s.buf[s.pos:s.end]
		i := 0
		for i < len(buf) && buf[i] != '\n' && buf[i] != '\r' {
			i++
		}
		if !over {
			if len(s.lineBuf)+i > s.maxBytes {
				over = true
			} else {
				s.lineBuf = appendDoubling(s.lineBuf, buf[:i], s.maxBytes)
			}
		}
		s.pos += i
		if i < len(buf) {
			s.pos++
			s.line++
			s.skipLF = buf[i] == '\r'
			break
		}
	}
	s.bad, s.badField, s.badLine = badBrokenQuote, -1, s.startLine
	if over {
		s.bad = badTooLarge
		return
	}
	splitLine(s, s.lineBuf)
}

// splitLine splits one physical line into the record's fields (see readLine).
func splitLine(s *scanner, line []byte) {
	i := 0
	for {
		if i < len(line) && line[i] == '"' {
			j := i + 1
			closed := false
			start := len(s.rec)
			for j < len(line) {
				if line[j] != '"' {
					s.rec = append(s.rec, line[j])
					j++
					continue
				}
				if j+1 < len(line) && line[j+1] == '"' {
					s.rec = append(s.rec, '"')
					j += 2
					continue
				}
				closed = true
				j++
				break
			}
			if !closed { // the rest of the line, as it is
				s.rec = append(s.rec[:start], line[i:]...)
				if s.badField < 0 {
					s.badField = s.nfields
				}
				s.endField()
				return
			}
			i = j
			if i < len(line) && line[i] != s.delim { // text after the closing quote
				s.rec = append(s.rec, '"')
			}
		}
		k := i
		for k < len(line) && line[k] != s.delim {
			k++
		}
		s.rec = append(s.rec, line[i:k]...)
		s.endField()
		if k == len(line) {
			return
		}
		i = k + 1
	}
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

// appendDoubling is append that at least doubles the capacity when it grows (append grows large
// slices by 1.25, which allocates about five times the final size for a record of 1 MiB).
// The capacity does not grow past limit unless n needs it.
func appendDoubling(dst, src []byte, limit int) []byte {
	if n := len(dst) + len(src); n > cap(dst) {
		grown := make([]byte, len(dst), max(min(2*cap(dst), limit), n))
		copy(grown, dst)
		dst = grown
	}
	return append(dst, src...)
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
	s.tracking = false
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
	if s.line <= s.rejectLines {
		s.readLine()
		return true, s.err
	}
	s.quoted, s.multiline = false, false
	if !s.strict {
		s.setMark(s.pos, true)
	}
	for {
		if s.pos >= s.end && !s.fill() {
			s.endField() // input ends right after a delimiter: an empty last field
			return s.ended()
		}
		var done bool
		if s.buf[s.pos] == '"' {
			s.pos++
			var err error
			if done, err = s.quotedField(); err != nil {
				return true, err
			}
			if s.wentBack { // the record failed: read its first line instead
				s.wentBack = false
				s.readLine()
				return true, s.err
			}
		} else {
			done = s.unquotedField()
		}
		if done {
			return s.ended()
		}
	}
}

// ended finishes a record that ended at a line break or at the end of the input: one that spans
// lines and has text after a closing quote or too many fields fails (see goBack), and its first
// line is returned instead.
func (s *scanner) ended() (bool, error) {
	if s.multiline && s.err == nil && s.canGoBack() {
		kind := failKind(0)
		switch {
		case s.bad == badQuote:
			kind = failQuote
		case s.bad == badNone && s.extraFields():
			kind = failFieldCount
		}
		if kind != 0 {
			end := s.line
			if s.pos > 0 && (s.buf[s.pos-1] == '\n' || s.buf[s.pos-1] == '\r') {
				end-- // the record ended at a line break (at the end of the input, fill left pos at 0)
			}
			s.goBack(kind, end)
			s.wentBack = false
			s.readLine()
		}
	}
	return true, s.err
}

// extraFields reports whether the record has a non-empty field beyond the header's width.
func (s *scanner) extraFields() bool {
	if s.width <= 0 || len(s.ends) <= s.width {
		return false
	}
	for _, c := range s.rec[s.ends[s.width-1]:] {
		if c != ' ' && c != '\t' {
			return true
		}
	}
	return false
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
	if !s.strict {
		if s.markIsStart && !s.quoted && s.bad < badTooLarge {
			// Until now the record held unquoted fields only: its bytes are the fields joined
			// by the delimiter, so they need not have been kept.
			s.quoted = true
			raw, prev := s.raw[:0], 0
			for _, e := range s.ends {
				raw = appendDoubling(raw, s.rec[prev:e], s.maxBytes)
				raw = append(raw, s.delim)
				prev = e
			}
			s.raw, s.mark = raw, s.pos-1
		}
		if s.bad >= badTooLarge || s.rawFull || s.rawLen() > s.maxBytes {
			s.setBad(badTooLarge)
			s.setMark(s.pos-1, false) // this field gets a budget of its own
		}
	}
	for {
		buf := s.buf[s.pos:s.end]
		i := bytes.IndexByte(buf, '"')
		if i < 0 {
			s.addQuoted(buf)
			s.pos = s.end
			if !s.strict && s.rawLen() > s.maxBytes {
				return s.broken(false), nil
			}
			if !s.fill() {
				if s.err != nil {
					return true, s.err
				}
				if !s.strict {
					return s.broken(true), nil
				}
				s.badField = s.nfields
				return true, errUnterminated
			}
			continue
		}
		s.addQuoted(buf[:i])
		s.pos += i
		if !s.strict && s.rawLen() > s.maxBytes {
			return s.broken(false), nil
		}
		s.pos++
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
		if s.multiline && s.bad == badQuote && s.canGoBack() {
			s.goBack(failQuote, s.line) // the record fails: no need to read the rest of it
			return false, nil
		}
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
	s.multiline = true
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
