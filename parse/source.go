package parse

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"
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
	// NoHeader: the file has no header row; Columns is then required. Cells beyond Columns are
	// ignored (Mapping.Ignored lists them as "column N").
	NoHeader bool
	// Columns (fileColumns): one field name per column ("" skips a column): a field's API name or
	// any header name the automatic mapping knows ("phone", "name" …). With a header row it
	// overrides the automatic mapping (the header row is still skipped).
	Columns []string
	// ColumnMap maps header names to fields ("Telefon" → "msisdn"; the field written as Columns
	// accepts it, or "" / "ignore" to ignore the column). A header name is matched exactly, else
	// as header names are (case and accents folded). It wins over the automatic mapping: a field
	// it gives is read from its columns only. A name the header does not have is an error
	// (*HeaderError wrapping ErrUnknownColumn).
	ColumnMap map[string]string
	// StrictColumns refuses a file in which some column feeds nothing (*HeaderError wrapping
	// ErrIgnoredColumn), instead of ignoring it.
	StrictColumns bool
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
	// TempDir is where a non-seekable spreadsheet stream is spooled, and where a large XLSX shared
	// string table is kept (an unlinked file, mapped: see sheet.Options.SpillDir); "" = os.TempDir().
	TempDir string
	// StrictCSV stops reading text at the first quoted field that is never closed (Next returns
	// a fatal *RowError matching ErrUnterminatedQuote) instead of rejecting the line it opens on
	// and reading on; a quoted field longer than MaxRecordBytes is then a record_too_large row
	// skipped to its closing quote.
	StrictCSV bool
	// AllowNoAddress opens a file in which no column maps to an address instead of refusing it,
	// for a preview of how the file is read (every row then lacks an address). The refusal the
	// file would otherwise get is Source.NoAddress.
	AllowNoAddress bool
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
	Raw    []string          // every original cell of the row (caller may keep it: not reused): padded to the header's width, longer when the row has non-empty cells beyond it (empty trailing cells beyond it are dropped); nil when the row could not be read
	Values [NumFields]string // raw (un-normalized, untrimmed) value per field after mapping ("" when absent); empty when Err is set
	Err    error             // non-nil: the row cannot be read (a *RowError); the caller rejects it and goes on
}

// Source reads the data rows of one file. It is not safe for concurrent use, except BytesRead.
type Source struct {
	format    Format
	noAddress *HeaderError // the refusal Options.AllowNoAddress let pass
	header    []string
	mapping   Mapping
	width     int
	opts      Options
	counter   *countingReader

	text   *scanner // text files
	dec    decoder
	sheet  sheetRows // spreadsheets
	closer func() error

	slab []string // Raw slices are cut from it; never reused once handed out
	kept []byte   // the text of records is appended to it (see keep); never reused once handed out
	done error    // sticky fatal error or io.EOF

	ctx      context.Context // from OpenContext; checked by the text scanner and every ctxEvery rows
	rows     int             // rows returned by readRow, for the context check
	ahead    []rawRow        // rows read ahead by Open (header search, sample), returned first
	aheadErr error           // fatal error met while reading ahead, returned after ahead
	skipped  []int           // rows before the header row that were skipped
	rejected int             // >0: the file is contactpipe's rejected.csv; its last columns (error_*) are dropped
	given    int             // without a header: the number of Columns; else -1
}

// rawRow is a row as readRow returns it, kept while reading ahead.
type rawRow struct {
	row   int
	line  int
	cells []string
	rerr  *RowError
}

const ctxEvery = 1024

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

// Open is OpenContext with context.Background().
func Open(r io.Reader, opts Options) (*Source, error) {
	return OpenContext(context.Background(), r, opts)
}

// OpenContext sniffs the format (and for text: encoding, delimiter), finds the header row, reads
// the first rows ahead (up to SampleRows) and builds the mapping. ctx is kept: reading text checks
// it once per 64 KiB read and every 1,024 rows, and stops with an error for which errors.Is(err,
// context.Canceled) (or DeadlineExceeded) holds and that also wraps context.Cause(ctx).
// Errors are typed: *FormatError, *HeaderError naming the columns (ErrNoAddressColumn when no
// column maps to an address), ErrColumnsRequired, ErrNoHeader, ErrUnknownEncoding,
// ErrBadDelimiter, a *RowError for a header row that cannot be read, or the reader's own error.
func OpenContext(ctx context.Context, r io.Reader, opts Options) (*Source, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return nil, contextError(ctx)
	}
	opts.setDefaults()
	if opts.NoHeader && len(opts.Columns) == 0 {
		return nil, ErrColumnsRequired
	}
	if len(opts.Columns) > 0 {
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

	s := &Source{opts: opts, counter: &countingReader{r: r}, ctx: ctx, given: -1}
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
		return s.started()
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
	if ctx.Done() != nil {
		s.text.ctx = ctx
	}
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
	return s.started()
}

func (s *Source) started() (*Source, error) {
	if err := s.start(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func bytesHasBOM(b []byte) bool { return len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF }

// headerSearchRows is how many rows may come before the header row (notes, titles).
const headerSearchRows = 20

// rejectedColumns is the tail of the header of the rejected.csv that contactpipe writes.
var rejectedColumns = []string{"error_row", "error_column", "error_code", "error_message"}

// start finds the header row (unless NoHeader), reads the first data rows ahead and builds the
// mapping.
func (s *Source) start() error {
	if s.opts.NoHeader {
		s.given = len(s.opts.Columns)
		s.width = s.given
		width := s.readAhead(s.given)
		names := make([]string, max(width, s.given))
		for i := range names {
			if i < s.given && strings.TrimSpace(s.opts.Columns[i]) != "" {
				names[i] = s.opts.Columns[i]
			} else {
				names[i] = "column " + strconv.Itoa(i+1)
			}
		}
		s.header = names
		return s.buildMapping()
	}
	if err := s.findHeader(); err != nil {
		return err
	}
	s.readAhead(len(s.header))
	return s.buildMapping()
}

// findHeader reads the header row: the first non-blank row, unless it maps to no contact field
// and one of the next rows (within headerSearchRows rows and sampleBytes of text) looks like a
// header (looksLikeHeader) — exports that open with notes or a title. The rows before it are skipped (SkippedRows). With
// Options.Columns the first non-blank row is the header, whatever it holds.
func (s *Source) findHeader() error {
	var rows []rawRow
	size := 0
	for len(rows) < headerSearchRows && size < sampleBytes {
		r, err := s.readRaw()
		if err != nil {
			if len(rows) > 0 {
				s.aheadErr = err
				break
			}
			if err == io.EOF {
				return ErrNoHeader
			}
			return err
		}
		if r.cells == nil && r.rerr == nil { // blank
			continue
		}
		rows = append(rows, r)
		if len(rows) == 1 && (len(s.opts.Columns) > 0 || r.rerr == nil && s.mapsSomething(r.cells)) {
			break // the usual case: the first row is the header (with Columns, it is skipped as it is)
		}
		for _, c := range r.cells {
			size += len(c)
		}
	}
	if len(rows) == 0 {
		return ErrNoHeader
	}
	at := 0
	for i, r := range rows {
		if i > 0 && r.rerr == nil && s.looksLikeHeader(r.cells) {
			at = i
			break
		}
	}
	if rows[at].rerr != nil {
		return rows[at].rerr
	}
	for _, r := range rows[:at] {
		s.skipped = append(s.skipped, r.row)
	}
	s.header = rows[at].cells
	s.width = len(s.header)
	if s.text != nil {
		s.text.width = s.width // a record spanning lines with more fields fails (see scanner)
	}
	s.ahead = append(s.ahead, rows[at+1:]...)
	// contactpipe's own rejected.csv: drop the error columns it added.
	if n := len(s.header); n >= len(rejectedColumns) && slices.Equal(s.header[n-len(rejectedColumns):], rejectedColumns) {
		s.rejected = n - len(rejectedColumns)
		s.header = s.header[:s.rejected:s.rejected]
		s.width = s.rejected
		for i := range s.header {
			s.header[i] = unneutralize(s.header[i])
		}
		for i := range s.ahead {
			s.ahead[i].cells = s.fromRejected(s.ahead[i].cells)
		}
	}
	return nil
}

func nonBlank(cells []string) int {
	n := 0
	for _, c := range cells {
		if !isBlank(c) {
			n++
		}
	}
	return n
}

// looksLikeHeader reports whether a row below the first may be the header: at least two of its
// cells are known column names (or ColumnMap names), and none looks like a phone number or an
// email — a data row that happens to hold the word "Mobile" is not taken for a header.
func (s *Source) looksLikeHeader(cells []string) bool {
	known := 0
	for _, c := range cells {
		if phoneLike(c) || emailLike(c) {
			return false
		}
		if _, _, _, ok := lookupAlias(c); ok {
			known++
			continue
		}
		for key := range s.opts.ColumnMap {
			if len(columnsNamed([]string{c}, key)) > 0 {
				known++
				break
			}
		}
	}
	return known >= 2
}

// mapsSomething reports whether a row, read as a header, maps some column to a contact field.
func (s *Source) mapsSomething(cells []string) bool {
	for key := range s.opts.ColumnMap {
		if len(columnsNamed(cells, key)) > 0 {
			return true
		}
	}
	for _, c := range cells {
		if _, _, _, ok := lookupAlias(c); ok {
			return true
		}
	}
	return false
}

// readAhead reads up to SampleRows non-blank data rows (and sampleBytes of text) into s.ahead and
// returns the width of the widest. A fatal error is kept for after the rows.
func (s *Source) readAhead(width int) int {
	data, size := 0, 0
	for _, r := range s.ahead {
		if r.cells != nil {
			data++
			width = max(width, len(r.cells))
		}
	}
	for data < SampleRows && size < sampleBytes && s.aheadErr == nil {
		r, err := s.readRaw()
		if err != nil {
			s.aheadErr = err
			break
		}
		if s.rejected > 0 {
			r.cells = s.fromRejected(r.cells)
		}
		s.ahead = append(s.ahead, r)
		if r.cells != nil {
			data++
			width = max(width, len(r.cells))
			for _, c := range r.cells {
				size += len(c)
			}
		}
	}
	return width
}

// buildMapping maps the columns, with the rows read ahead as the sample, and applies the checks
// that refuse a file.
func (s *Source) buildMapping() error {
	var sample [][]string
	for _, r := range s.ahead {
		if r.cells != nil && r.rerr == nil {
			sample = append(sample, r.cells)
		}
	}
	in := mapInput{names: s.header, colMap: s.opts.ColumnMap, sample: sample, content: true, given: s.given}
	if len(s.opts.Columns) > 0 {
		in.columns = s.opts.Columns
	}
	m, err := buildMapping(in)
	if err != nil {
		return err
	}
	s.mapping = m
	s.width = len(s.header)
	if !hasAddress(m) {
		e := &HeaderError{Columns: slices.Clone(s.header), Info: m.Describe(), Err: ErrNoAddressColumn}
		if len(m.Fields()) == 0 {
			e.Err = &detailError{msg: ErrNoAddressColumn.Error(), errs: []error{ErrNoAddressColumn, ErrNoMappedColumn}}
		}
		if !s.opts.AllowNoAddress {
			return e
		}
		s.noAddress = e
	}
	if s.opts.StrictColumns {
		var bad []string
		for _, c := range m.Describe() {
			if (c.Status == StatusIgnored || c.Status == StatusAmbiguous) && (strings.TrimSpace(s.header[c.Index]) != "" || nonEmptyColumn(sample, c.Index)) {
				bad = append(bad, c.Header)
			}
		}
		if len(bad) > 0 {
			return &HeaderError{Columns: bad, Info: m.Describe(), Err: ErrIgnoredColumn}
		}
	}
	return nil
}

func nonEmptyColumn(sample [][]string, col int) bool {
	for _, r := range sample {
		if col < len(r) && !isBlank(r[col]) {
			return true
		}
	}
	return false
}

// addressFields are the fields a contact can be reached at.
var addressFields = []Field{Msisdn, Email, WeChatUserID, FacebookUserID, ZaloID, LineID, KakaoTalkID}

func hasAddress(m Mapping) bool {
	for _, f := range m.Fields() {
		if slices.Contains(addressFields, f) {
			return true
		}
	}
	return false
}

// fromRejected drops the error columns of a rejected.csv row and the apostrophes contactpipe
// added to its cells.
func (s *Source) fromRejected(cells []string) []string {
	if cells == nil {
		return nil
	}
	if len(cells) > s.rejected {
		tail := cells[min(len(cells), s.rejected+len(rejectedColumns)):]
		cells = append(cells[:s.rejected], tail...)
	}
	for i, c := range cells {
		cells[i] = unneutralize(c)
	}
	return cells
}

// unneutralize removes the apostrophe contactpipe's rejected.csv writer puts before a cell a
// spreadsheet would run as a formula, and only that one.
func unneutralize(c string) string {
	if len(c) > 1 && c[0] == '\'' && FormulaRisk(c[1:]) {
		return c[1:]
	}
	return c
}

// nextAhead returns the next row read ahead by Open, then the fatal error met doing so.
func (s *Source) nextAhead() (row, line int, cells []string, rerr *RowError, err error) {
	if len(s.ahead) == 0 {
		return 0, 0, nil, nil, s.aheadErr
	}
	r := &s.ahead[0]
	s.ahead = s.ahead[1:]
	return r.row, r.line, r.cells, r.rerr, nil
}

// line is the line of the text file where the row just read starts (0 for spreadsheets).
func (s *Source) line() int {
	if s.text != nil {
		return s.text.startLine
	}
	return 0
}

// pad extends cells to n with "": in place when the slab left room (rows read once the width was
// known), else in a copy (rows read ahead).
func pad(cells []string, n int) []string {
	if cap(cells) >= n {
		return cells[:n:n]
	}
	out := make([]string, n)
	copy(out, cells)
	return out
}

// readRaw reads the next row, checking the context every ctxEvery rows.
func (s *Source) readRaw() (rawRow, error) {
	s.rows++
	if s.rows%ctxEvery == 0 && s.ctx.Err() != nil {
		return rawRow{}, contextError(s.ctx)
	}
	row, cells, rerr, err := s.readRow()
	r := rawRow{row: row, cells: cells, rerr: rerr}
	if s.text != nil {
		r.line = s.text.startLine
	}
	return r, err
}

// readRow reads the next row's cells. cells is nil for a blank row. rerr is a problem with this row
// only; err is fatal (io.EOF at the end).
func (s *Source) readRow() (row int, cells []string, rerr *RowError, err error) {
	if s.text == nil {
		row, cells, err = s.sheet.Next()
		if err != nil {
			if rerr := s.badCell(row, err); rerr != nil {
				return row, nil, rerr, nil
			}
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
	b, bad := s.dec.decode(sc.rec, sc.ends)
	text := s.keep(b)
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

// brokenQuoteError is the error of a line rejected because the record that starts on it failed:
// a quoted field never closed, or a record spanning lines that is malformed (a stray quote pairs
// with a later one and makes the lines between one record).
func (s *Source) brokenQuoteError(row int) *RowError {
	sc := s.text
	var why string // completes "the record that starts on line N …"
	errs := []error{ErrQuote}
	spans := "spans lines " + strconv.Itoa(sc.failStart) + "–" + strconv.Itoa(sc.failEnd)
	switch sc.fail {
	case failEOF, failLimit:
		runs := "runs to the end of the file"
		if sc.fail == failLimit {
			runs = "runs past the record limit of " + strconv.Itoa(s.opts.MaxRecordBytes) + " bytes"
		}
		if sc.startLine == sc.failStart && sc.failQuoteLine == sc.failStart {
			return &RowError{Row: row, Line: sc.startLine, Column: s.columnName(sc.badField), Code: CodeMalformedCSV,
				Err: detail("a quoted field that opens on this line is never closed (it "+runs+
					"): the line is rejected and reading resumes at the next line", ErrQuote, ErrUnterminatedQuote)}
		}
		why = "has a quoted field, opened on line " + strconv.Itoa(sc.failQuoteLine) + ", that is never closed (it " + runs + ")"
		errs = append(errs, ErrUnterminatedQuote)
	case failQuote:
		why = spans + " and has text after a closing quote on line " + strconv.Itoa(sc.failBadLine)
	case failFieldCount:
		why = spans + " and has more fields than the header"
		errs = append(errs, ErrFieldCount)
	}
	msg := "the record that starts on this line " + why + ": the line is rejected and reading resumes at the next line"
	if sc.startLine != sc.failStart {
		msg = "line " + strconv.Itoa(sc.startLine) + " is part of a record that starts on line " + strconv.Itoa(sc.failStart) +
			" and " + why + ": the line is rejected"
	}
	return &RowError{Row: row, Line: sc.startLine, Column: s.columnName(sc.badField), Code: CodeMalformedCSV,
		Err: detail(msg, errs...)}
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

// textChunk is the size of the buffers keep copies records into: one allocation for dozens of
// records rather than one each. Larger buffers raised an import's peak RSS (a string held keeps
// its whole buffer).
const textChunk = 4 << 10

// keep returns b as a string held by the text buffer. Its bytes are never written again: a string
// handed out stays valid (it keeps its whole buffer alive). A record larger than a quarter of a
// buffer gets an allocation of its own.
func (s *Source) keep(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if cap(s.kept)-len(s.kept) < len(b) {
		if len(b) > textChunk/4 {
			return string(b)
		}
		s.kept = make([]byte, 0, textChunk)
	}
	start := len(s.kept)
	s.kept = append(s.kept, b...)
	return unsafe.String(&s.kept[start], len(b))
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
		var (
			row, line int
			cells     []string
			rerr      *RowError
			err       error
		)
		if len(s.ahead) == 0 && s.aheadErr == nil {
			s.rows++
			if s.rows%ctxEvery == 0 && s.ctx.Err() != nil {
				err = contextError(s.ctx)
			} else {
				row, cells, rerr, err = s.readRow()
				if s.rejected > 0 && err == nil {
					cells = s.fromRejected(cells)
				}
			}
		} else {
			row, line, cells, rerr, err = s.nextAhead()
		}
		if err != nil {
			s.done = err
			return Record{}, err
		}
		if rerr != nil {
			if cells != nil && len(cells) < s.width {
				cells = pad(cells, s.width)
			}
			return Record{Row: row, Raw: cells, Err: rerr}, nil
		}
		if cells == nil {
			continue
		}
		if n := len(cells); n > s.width {
			last := n - 1
			for last >= s.width && isBlank(cells[last]) {
				last--
			}
			if last >= s.width && s.given < 0 {
				return Record{Row: row, Raw: cells[: last+1 : last+1], Err: &RowError{Row: row, Line: cmp.Or(line, s.line()), Code: CodeExtraFields,
					Err: detail("row has a value in field "+strconv.Itoa(last+1)+" but the header has "+
						strconv.Itoa(s.width)+" columns", ErrFieldCount)}}, nil
			}
			cells = cells[:max(last+1, s.width):max(last+1, s.width)]
		} else if n < s.width {
			cells = pad(cells, s.width)
		}
		rec := Record{Row: row, Raw: cells}
		s.mapping.fill(cells, &rec.Values)
		return rec, nil
	}
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

// Header returns the header names as in the file. Without a header row: Columns, with "column N"
// for a skipped column and for each column beyond them in the rows read ahead. In contactpipe's own
// rejected.csv the error_* columns it added are left out.
func (s *Source) Header() []string { return s.header }

// SkippedRows returns the row numbers of the rows before the header row that were skipped (notes
// or a title at the top of an export); nil when the header is the first non-blank row.
func (s *Source) SkippedRows() []int { return s.skipped }

// Rejected reports whether the file is a rejected.csv written by contactpipe (recognized by its
// trailing error_row, error_column, error_code, error_message header): those columns are left
// out of Header and every Record.Raw, and the apostrophes contactpipe put before formula-like
// cells are removed.
func (s *Source) Rejected() bool { return s.rejected > 0 }

// Sheet returns the name of the worksheet read, as the workbook spells it; "" for text. It is the
// sheet Options.Sheet named (matched as parse/sheet matches it: exactly, else ignoring case), or
// the only sheet of a one-sheet workbook. When several sheets could have been read by default (the
// first visible worksheet) it is known only if the spreadsheet reader tells it (a Sheet() string
// method), else "".
func (s *Source) Sheet() string {
	if n, ok := s.sheet.(interface{ Sheet() string }); ok {
		return n.Sheet()
	}
	if s.sheet == nil {
		return ""
	}
	names := s.Sheets()
	if s.opts.Sheet == "" {
		if len(names) == 1 {
			return names[0] // Open read it, so it is the visible worksheet
		}
		return ""
	}
	if slices.Contains(names, s.opts.Sheet) {
		return s.opts.Sheet
	}
	for _, n := range names {
		if strings.EqualFold(n, s.opts.Sheet) {
			return n // the reader refuses a name that matches two sheets this way
		}
	}
	return s.opts.Sheet
}

// Sheets returns the names of the workbook's sheets, in workbook order, when the spreadsheet
// reader tells them; nil for text.
func (s *Source) Sheets() []string {
	if n, ok := s.sheet.(interface{ Sheets() []string }); ok {
		return n.Sheets()
	}
	return nil
}

// NoAddress returns the *HeaderError (wrapping ErrNoAddressColumn) that refuses the file because
// no column maps to an address, when Options.AllowNoAddress opened it anyway; else nil.
func (s *Source) NoAddress() error {
	if s.noAddress == nil {
		return nil
	}
	return s.noAddress
}

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

// DelimiterName returns the delimiter for a report: ",", ";", "|", "tab", or "" for spreadsheets.
func (s *Source) DelimiterName() string {
	switch d := s.Delimiter(); d {
	case 0:
		return ""
	case '\t':
		return "tab"
	default:
		return string(d)
	}
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
