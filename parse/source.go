package parse

import (
	"bufio"
	"context"
	"errors"
	"io"
	"iter"
	"strconv"
	"sync/atomic"
	"unicode/utf8"
)

// Format of a source file.
type Format string

// Formats. Auto (the zero value) detects the format from the content.
const (
	Auto Format = ""
	CSV  Format = "csv"
	XLSX Format = "xlsx"
	XLS  Format = "xls"
)

// Default limits (Options.MaxRecordBytes, Options.MaxFields).
const (
	DefaultMaxRecordBytes = 1 << 20
	DefaultMaxFields      = 1024
)

// Options configure Open. The zero value reads a CSV/XLSX/XLS with a header row, format and
// encoding and delimiter detected.
type Options struct {
	// Format: "" = detect from content (PK → xlsx, D0CF11E0 → xls, else text). CSV forces text
	// (a spreadsheet's bytes are then refused); XLSX or XLS on text content reads it as text, since
	// web apps save tab-separated text under an .xls name.
	Format Format
	// NoHeader: the file has no header row; Columns is then required.
	NoHeader bool
	// Columns (fileColumns): one field name per column ("" skips a column), names as FieldByName
	// accepts them. With a header row it overrides the automatic mapping (the header row is still
	// skipped).
	Columns []string
	// Delimiter: 0 = sniff among , ; \t | from the first records. Must be an ASCII character other
	// than '"', '\r' and '\n'.
	Delimiter rune
	// Encoding: "" = detect; else "utf-8", "utf-16le", "utf-16be", "windows-1252", "latin1"
	// (case-insensitive; latin1 is read as windows-1252), or another WHATWG encoding name.
	Encoding string
	// Sheet: spreadsheet sheet name; "" = first visible sheet.
	Sheet string
	// MaxRecordBytes bounds the text of one record (one cell of a spreadsheet); 0 = 1 MiB.
	MaxRecordBytes int
	// MaxFields bounds the fields of one record; 0 = 1024.
	MaxFields int
	// TempDir is where a non-seekable spreadsheet stream is spooled; "" = os.TempDir().
	TempDir string
	// StrictCSV stops reading text at the first quoted field that is never closed (Next returns
	// a fatal *RowError matching ErrUnterminatedQuote) instead of rejecting the line it opens on
	// and reading on; a quoted field longer than MaxRecordBytes is then a record_too_large row
	// skipped to its closing quote.
	StrictCSV bool
}

func (o *Options) setDefaults() {
	if o.MaxRecordBytes <= 0 {
		o.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if o.MaxFields <= 0 {
		o.MaxFields = DefaultMaxFields
	}
}

// Record is one data row.
type Record struct {
	Row    int               // 1-based row number as a spreadsheet shows it (header = row 1)
	Raw    []string          // the row's original cells (caller may keep it: not reused); width of the header, or longer for extra_fields; nil when the row could not be read
	Values [NumFields]string // raw (un-normalized, untrimmed) value per field after mapping ("" when absent); empty when Err is set
	Err    error             // non-nil: the row cannot be read (a *RowError); the caller rejects it and goes on
}

// Source reads the data rows of one file. It is not safe for concurrent use, except BytesRead.
type Source struct {
	format  Format
	header  []string
	mapping Mapping
	width   int
	opts    Options
	counter *countingReader

	text   *scanner // text files
	dec    decoder
	sheet  sheetRows // spreadsheets
	closer func() error

	slab []string // Raw slices are cut from it; never reused once handed out
	done error    // sticky fatal error or io.EOF
}

// sheetRows is the part of sheet.Reader that Source uses.
type sheetRows interface {
	Next() (row int, cells []string, err error)
}

// countingReader counts bytes read; BytesRead may be called from another goroutine.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

const sniffSize = 64 << 10

// Open sniffs the format (and for text: encoding, delimiter), reads the header and builds the mapping.
// Errors are typed: *FormatError, *HeaderError naming the columns, ErrColumnsRequired, ErrNoHeader,
// ErrUnknownEncoding, ErrBadDelimiter, a *RowError for a header row that cannot be read, or the
// reader's own error.
func Open(r io.Reader, opts Options) (*Source, error) {
	opts.setDefaults()
	if opts.NoHeader && len(opts.Columns) == 0 {
		return nil, ErrColumnsRequired
	}
	var colMapping Mapping
	if len(opts.Columns) > 0 && opts.NoHeader {
		m, err := MapColumns(opts.Columns, nil)
		if err != nil {
			return nil, err
		}
		colMapping = m
	} else if len(opts.Columns) > 0 {
		// Validate now; the mapping is rebuilt with the header's names once it is read.
		if _, err := MapColumns(opts.Columns, nil); err != nil {
			return nil, err
		}
	}
	if opts.Delimiter != 0 && (opts.Delimiter >= utf8.RuneSelf || opts.Delimiter == '"' ||
		opts.Delimiter == '\r' || opts.Delimiter == '\n') {
		return nil, detail("invalid delimiter "+strconv.QuoteRune(opts.Delimiter)+
			": use an ASCII character other than a quote or a line break", ErrBadDelimiter)
	}
	if opts.Format != Auto && opts.Format != CSV && opts.Format != XLSX && opts.Format != XLS {
		return nil, &FormatError{Detected: "unknown format option " + strconv.Quote(string(opts.Format)), Hint: "use csv, xlsx or xls"}
	}

	s := &Source{opts: opts, counter: &countingReader{r: r}}
	start, seekable := seekStart(r)
	br := bufio.NewReaderSize(s.counter, sniffSize)
	head, err := br.Peek(sniffSize)
	atEOF := errors.Is(err, io.EOF)
	if err != nil && !atEOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	format, err := sniffFormat(head)
	if err != nil && opts.Format != CSV {
		return nil, err
	}
	switch {
	case opts.Format == CSV && format != CSV:
		if err != nil {
			return nil, err
		}
		return nil, &FormatError{Detected: string(format), Hint: "the content is a spreadsheet, not csv: leave the format to detection"}
	case format == XLSX || format == XLS:
		s.format = format
		if err := s.openSheet(r, br, format, start, seekable); err != nil {
			return nil, err
		}
		return s.started(colMapping)
	}

	s.format = CSV
	enc, err := chooseEncoding(opts.Encoding, head, atEOF)
	if err != nil {
		return nil, err
	}
	if enc.bom > 0 {
		if _, err := br.Discard(enc.bom); err != nil {
			return nil, err
		}
	}
	if enc.name == "utf-32le" || enc.name == "utf-32be" {
		return nil, &FormatError{Detected: "utf-32 text", Hint: "save it as utf-8 or utf-16"}
	}
	s.dec = decoder{mode: enc.mode, name: enc.name, forced: enc.forced}
	s.text = newScanner(enc.textInput(br), opts.MaxRecordBytes, opts.MaxFields)
	s.text.strict = opts.StrictCSV
	sample := s.text.prime()
	if s.text.err != nil {
		return nil, s.text.err
	}
	if err := sniffText(sample); err != nil {
		return nil, err
	}
	if enc.mode == decUTF8 && !enc.forced {
		if multi, _ := utf8Stats(sample, s.text.eof); multi > 0 {
			s.dec.sawNonASCII = true
		}
	}
	if enc.mode == decTransformed && bytesHasBOM(sample) {
		s.text.pos += 3 // a BOM the decoder let through (UTF-16 detected without one, or forced)
	}
	d := byte(opts.Delimiter)
	if d == 0 {
		d = sniffDelimiter(sample[s.text.pos:], s.text.eof)
	}
	s.text.setDelimiter(d)
	return s.started(colMapping)
}

func (s *Source) started(colMapping Mapping) (*Source, error) {
	if err := s.start(colMapping); err != nil {
		return nil, err
	}
	return s, nil
}

func bytesHasBOM(b []byte) bool { return len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF }

// start reads the header row (unless NoHeader) and builds the mapping.
func (s *Source) start(colMapping Mapping) error {
	if s.opts.NoHeader {
		s.header = append([]string(nil), s.opts.Columns...)
		s.mapping = colMapping
		s.width = colMapping.Width()
		return nil
	}
	for {
		_, cells, rerr, err := s.readRow()
		if err == io.EOF {
			s.Close()
			return ErrNoHeader
		}
		if err != nil {
			s.Close()
			return err
		}
		if rerr != nil {
			s.Close()
			return rerr
		}
		if cells == nil { // blank
			continue
		}
		s.header = cells
		break
	}
	var err error
	if len(s.opts.Columns) > 0 {
		s.mapping, err = MapColumns(s.opts.Columns, s.header)
	} else {
		s.mapping, err = MapHeader(s.header)
	}
	if err != nil {
		s.Close()
		return err
	}
	s.width = s.mapping.Width()
	return nil
}

// readRow reads the next row's cells. cells is nil for a blank row. rerr is a problem with this row
// only; err is fatal (io.EOF at the end).
func (s *Source) readRow() (row int, cells []string, rerr *RowError, err error) {
	if s.text == nil {
		row, cells, err = s.sheet.Next()
		if err != nil {
			return row, nil, nil, err
		}
		for _, c := range cells {
			if !isBlank(c) {
				return row, s.cut(cells), nil, nil
			}
		}
		return row, nil, nil, nil
	}
	sc := s.text
	ok, err := sc.readRecord()
	row = sc.records
	if err != nil {
		if errors.Is(err, errUnterminated) {
			return row, nil, nil, &RowError{Row: row, Line: sc.quoteLine, Column: s.columnName(sc.badField),
				Code: CodeUnterminatedQuote, Err: detail("a quoted field opened on line "+strconv.Itoa(sc.quoteLine)+
					" is never closed: the rest of the file cannot be read", ErrUnterminatedQuote, ErrQuote)}
		}
		return row, nil, nil, err
	}
	if !ok {
		return row, nil, nil, io.EOF
	}
	switch sc.bad {
	case badTooLarge:
		return row, nil, &RowError{Row: row, Line: sc.startLine, Code: CodeRecordTooLarge,
			Err: detail("record is longer than "+strconv.Itoa(s.opts.MaxRecordBytes)+" bytes", ErrRecordTooLarge)}, nil
	case badTooManyFields:
		return row, nil, &RowError{Row: row, Line: sc.startLine, Code: CodeTooManyFields,
			Err: detail("record has more than "+strconv.Itoa(s.opts.MaxFields)+" fields", ErrTooManyFields)}, nil
	}
	if (sc.bad == badNone || sc.bad == badBrokenQuote && sc.badField < 0) && sc.blank() {
		return row, nil, nil, nil
	}
	text, bad := s.dec.decode(sc.rec, sc.ends)
	cells = s.cells(len(sc.ends))
	prev := 0
	for i, e := range sc.ends {
		cells[i] = text[prev:e]
		prev = e
	}
	if bad >= 0 {
		return row, cells, &RowError{Row: row, Line: sc.startLine, Column: s.columnName(sc.fieldAt(bad)),
			Code: CodeBadEncoding, Err: detail("bytes that are not valid "+s.dec.name+" at line "+strconv.Itoa(sc.startLine), ErrEncoding)}, nil
	}
	if sc.bad == badBrokenQuote {
		return row, cells, s.brokenQuoteError(row), nil
	}
	if sc.bad == badQuote {
		msg := "text after the closing quote of a quoted field"
		if sc.badLine != sc.startLine || sc.line-1 > sc.startLine {
			msg += " (the record spans lines " + strconv.Itoa(sc.startLine) + "–" + strconv.Itoa(max(sc.line-1, sc.startLine)) + ")"
		}
		return row, cells, &RowError{Row: row, Line: sc.startLine, Column: s.columnName(sc.badField),
			Code: CodeMalformedCSV, Err: detail(msg, ErrQuote)}, nil
	}
	return row, cells, nil, nil
}

// brokenQuoteError is the error of a line rejected after a quoted field that is never closed.
func (s *Source) brokenQuoteError(row int) *RowError {
	sc := s.text
	why := "runs to the end of the file"
	if !sc.brokenEOF {
		why = "runs past the record limit of " + strconv.Itoa(s.opts.MaxRecordBytes) + " bytes"
	}
	var msg string
	if sc.startLine == sc.brokenLine {
		msg = "a quoted field that opens on this line is never closed (it " + why +
			"): the line is rejected and reading resumes at the next line"
	} else {
		msg = "line " + strconv.Itoa(sc.startLine) + " is part of a record whose quoted field opened on line " +
			strconv.Itoa(sc.brokenLine) + " is never closed (it " + why + "): the line is rejected"
	}
	return &RowError{Row: row, Line: sc.startLine, Column: s.columnName(sc.badField), Code: CodeMalformedCSV,
		Err: detail(msg, ErrQuote, ErrUnterminatedQuote)}
}

// cells returns a slice of n cells cut from the slab, with room to pad it to the header's width.
func (s *Source) cells(n int) []string {
	c := max(n, s.width)
	if len(s.slab) < c {
		s.slab = make([]string, max(c, 4096))
	}
	out := s.slab[:n:c]
	s.slab = s.slab[c:]
	return out
}

// cut copies cells (which the spreadsheet reader may reuse) into the slab.
func (s *Source) cut(cells []string) []string {
	out := s.cells(len(cells))
	copy(out, cells)
	return out
}

func (s *Source) columnName(i int) string {
	if i >= 0 && i < len(s.header) {
		return s.header[i]
	}
	return s.mapping.columnName(i)
}

// Next returns the next data row; io.EOF at the end; other errors are fatal (and returned again by
// later calls). Blank rows (all cells empty or spaces) are skipped. A row that cannot be read has
// Record.Err set (a *RowError) and the caller goes on.
func (s *Source) Next() (Record, error) {
	if s.done != nil {
		return Record{}, s.done
	}
	for {
		row, cells, rerr, err := s.readRow()
		if err != nil {
			s.done = err
			return Record{}, err
		}
		if rerr != nil {
			if cells != nil && len(cells) < s.width {
				cells = cells[:s.width]
			}
			return Record{Row: row, Raw: cells, Err: rerr}, nil
		}
		if cells == nil {
			continue
		}
		if n := len(cells); n > s.width {
			for i := s.width; i < n; i++ {
				if !isBlank(cells[i]) {
					return Record{Row: row, Raw: cells, Err: &RowError{Row: row, Line: s.line(), Code: CodeExtraFields,
						Err: detail("row has a value in field "+strconv.Itoa(i+1)+" but the header has "+
							strconv.Itoa(s.width)+" columns", ErrFieldCount)}}, nil
				}
			}
			cells = cells[:s.width:s.width]
		} else if n < s.width {
			cells = cells[:s.width] // the slab left room; the padding cells are ""
		}
		rec := Record{Row: row, Raw: cells}
		s.mapping.fill(cells, &rec.Values)
		return rec, nil
	}
}

func (s *Source) line() int {
	if s.text != nil {
		return s.text.startLine
	}
	return 0
}

// All returns an iterator over the remaining records: for rec, err := range src.All(). It stops
// after the first fatal error (yielded with a zero Record) and at the end of the input.
func (s *Source) All() iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for {
			rec, err := s.Next()
			if err == io.EOF {
				return
			}
			if !yield(rec, err) || err != nil {
				return
			}
		}
	}
}

// Format returns the format of the content (CSV for any text).
func (s *Source) Format() Format { return s.format }

// Header returns the header names as in the file (or Columns when NoHeader).
func (s *Source) Header() []string { return s.header }

// Mapping returns the column mapping.
func (s *Source) Mapping() Mapping { return s.mapping }

// Encoding returns the text encoding in use ("utf-8", "utf-16le", "windows-1252" …; it can change
// from utf-8 to windows-1252 while reading, see the package documentation), or "" for spreadsheets.
func (s *Source) Encoding() string {
	if s.text == nil {
		return ""
	}
	return s.dec.name
}

// Delimiter returns the field delimiter in use, or 0 for spreadsheets.
func (s *Source) Delimiter() rune {
	if s.text == nil {
		return 0
	}
	return rune(s.text.delim)
}

// BytesRead returns the input bytes consumed so far (for progress). Text is read ahead by up to
// 128 KiB; a spreadsheet is consumed whole when it is opened. Safe to call from another goroutine.
func (s *Source) BytesRead() int64 { return s.counter.n.Load() }

// Close releases the source and any spool file. It does not close the reader given to Open.
func (s *Source) Close() error {
	if s.closer == nil {
		return nil
	}
	c := s.closer
	s.closer = nil
	return c()
}

// contextError is the error returned when ctx is done: it matches ctx.Err() (context.Canceled or
// context.DeadlineExceeded) and, when the context was cancelled with a cause, the cause too.
func contextError(ctx context.Context) error {
	err, cause := ctx.Err(), context.Cause(ctx)
	if cause == nil || cause == err {
		return err
	}
	return &causeError{err: err, cause: cause}
}

// causeError is a context's error together with the cause it was cancelled with.
type causeError struct{ err, cause error }

func (e *causeError) Error() string   { return e.err.Error() + ": " + e.cause.Error() }
func (e *causeError) Unwrap() []error { return []error{e.err, e.cause} }
