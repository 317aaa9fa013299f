package sheet

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits of the XLS reader.
const (
	// maxWorkbookStream bounds the size of the Workbook stream read.
	maxWorkbookStream = 256 << 20
	// maxSSTBytes bounds the decoded (UTF-8) text of the shared string table.
	maxSSTBytes = 256 << 20
	// maxBufferedCells bounds the cells held when a sheet's records are not
	// in row order and the sheet must be sorted in memory.
	maxBufferedCells = 4 << 20
)

// BIFF8 record types ([MS-XLS] 2.3).
const (
	recFormula    = 0x0006
	recFormula3   = 0x0206 // BIFF3's FORMULA id, read as FORMULA in BIFF8 files (xlrd does)
	recFormula4   = 0x0406 // BIFF4's FORMULA id, written by some tools into BIFF8 files
	recEOF        = 0x000A
	recDateMode   = 0x0022
	recFilePass   = 0x002F
	recContinue   = 0x003C
	recBoundSheet = 0x0085
	recMulRK      = 0x00BD
	recRString    = 0x00D6
	recXF         = 0x00E0
	recSST        = 0x00FC
	recLabelSST   = 0x00FD
	recNumber     = 0x0203
	recLabel      = 0x0204
	recBoolErr    = 0x0205
	recString     = 0x0207
	recRK         = 0x027E
	recFormat     = 0x041E
	recBOF        = 0x0809
	recDimensions = 0x0200
)

var le = binary.LittleEndian

func xlsErr(format string, a ...any) error {
	return fmt.Errorf("%w: xls: %s", ErrMalformed, fmt.Sprintf(format, a...))
}

// OpenXLS opens a legacy Excel 97-2003 workbook (BIFF8 in an OLE2 compound
// file) read from r, which holds size bytes, and returns a reader of the
// sheet chosen by opts.
//
// Limits: the Workbook stream may be at most 256 MiB and the decoded shared
// string table at most 256 MiB (ErrTooLarge); memory use is bounded by a small
// multiple of the file's size. A workbook encrypted with a password (a
// FILEPASS record, or an encrypted OOXML package in an OLE2 container) is
// refused with ErrEncrypted. Excel 5.0/95 (BIFF5) and older formats are
// refused with ErrMalformed. r must stay readable until the Reader is closed.
func OpenXLS(r io.ReaderAt, size int64, opts Options) (Reader, error) {
	return OpenXLSContext(context.Background(), r, size, opts)
}

// OpenXLSContext is [OpenXLS] bound to ctx: once ctx is done, opening and
// the Reader's Next stop within a read of the file (milliseconds) and return
// an error that wraps ctx.Err() (errors.Is finds context.Canceled or
// context.DeadlineExceeded) and the cause given to context.WithCancelCause.
func OpenXLSContext(ctx context.Context, r io.ReaderAt, size int64, opts Options) (_ Reader, err error) {
	c := newCanceler(ctx)
	if err := c.err(); err != nil {
		return nil, err
	}
	defer func() { err = c.stopped(err) }()
	defer recoverMalformed(&err)
	r = ctxReaderAt{r, c}
	o := opts.withDefaults()
	var magic [8]byte
	if n, _ := r.ReadAt(magic[:], 0); n < len(magic) || !bytes.Equal(magic[:], cfbMagic) {
		return nil, notOLE2(magic[:n])
	}
	cf, err := openCFB(r, size)
	if err != nil {
		return nil, err
	}
	streams := cf.rootStreams()
	if cfbEncrypted(streams) {
		return nil, ErrEncrypted
	}
	ws := streams["WORKBOOK"]
	if ws == nil || ws.typ != 2 {
		if _, ok := streams["BOOK"]; ok {
			return nil, xlsErr("excel 5.0/95 workbooks (biff5) are not supported: open the file in excel or libreoffice and save it as .xlsx or csv")
		}
		return nil, xlsErr("no workbook stream in the ole2 container (not an excel file)")
	}
	stream, err := cf.open(ws, maxWorkbookStream)
	if err != nil {
		return nil, err
	}
	book, err := readGlobals(stream, ws.size)
	if err != nil {
		return nil, err
	}
	idx, err := pickSheet(book.info, o.Sheet)
	if err != nil {
		return nil, err
	}
	sh := book.sheets[idx]
	if !book.info[idx].worksheet {
		return nil, fmt.Errorf("%w: %q is not a worksheet", ErrSheetNotFound, sh.name)
	}
	x := &xlsReader{book: book, o: o, stream: stream, size: ws.size, curRow: -1, pending: -1, cancel: c, name: sh.name}
	if err := x.start(int64(sh.offset)); err != nil {
		return nil, err
	}
	return x, nil
}

// notOLE2 explains why a file that should be .xls is not an OLE2 container.
func notOLE2(head []byte) error {
	t := bytes.ToLower(bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n"))
	switch {
	case bytes.HasPrefix(head, []byte("PK")):
		return xlsErr("the file is an xlsx (zip) workbook, not xls")
	case bytes.HasPrefix(t, []byte("<")):
		return xlsErr("the file is html or xml, not a binary xls workbook")
	case len(head) >= 2 && slices.Contains([]uint16{0x0009, 0x0209, 0x0409, 0x0809}, le.Uint16(head)):
		return xlsErr("excel 2.x-4.x workbooks (a bare biff stream) are not supported: open the file in excel or libreoffice and save it as .xlsx or csv")
	}
	return xlsErr("not an ole2 container (the file is not a binary xls workbook)")
}

// xlsSheet is a BOUNDSHEET8 record.
type xlsSheet struct {
	name   string
	offset uint32
}

// xlsBook is what the workbook globals substream says.
type xlsBook struct {
	sheets   []xlsSheet
	info     []sheetInfo
	sst      sstTable
	xf       []numFmt // by XF index
	date1904 bool
}

// numFmtOf returns the number format of XF index ixfe.
func (b *xlsBook) numFmtOf(ixfe uint16) numFmt {
	if int(ixfe) < len(b.xf) {
		return b.xf[ixfe]
	}
	return numFmt{}
}

// readGlobals reads the workbook globals substream at the start of stream.
func readGlobals(stream io.ReaderAt, size int64) (*xlsBook, error) {
	rr := newRecReader(stream, 0, size)
	typ, data, err := rr.next()
	if err != nil {
		return nil, err
	}
	if typ != recBOF || len(data) < 4 {
		return nil, xlsErr("workbook stream does not start with a bof record")
	}
	switch vers, dt := le.Uint16(data), le.Uint16(data[2:]); {
	case vers == 0x0500:
		return nil, xlsErr("excel 5.0/95 workbooks (biff5) are not supported: open the file in excel or libreoffice and save it as .xlsx or csv")
	case vers != 0x0600:
		return nil, xlsErr("unsupported biff version %#04x", vers)
	case dt != 0x0005:
		return nil, xlsErr("workbook stream does not start with the globals substream")
	}
	b := &xlsBook{}
	formats := map[uint16]numFmt{}
	var xfFmt []uint16
	for done := false; !done; {
		typ, data, err := rr.next()
		if err != nil {
			return nil, err
		}
		switch typ {
		case recEOF:
			done = true
		case recFilePass:
			return nil, ErrEncrypted
		case recDateMode:
			b.date1904 = len(data) >= 2 && le.Uint16(data) == 1
		case recFormat:
			if len(data) >= 2 {
				// A format string cut short by a bad record length is read
				// as far as it goes, as xlrd reads it.
				id := le.Uint16(data)
				s, _ := readContinuedString(rr, data[2:], 2)
				formats[id] = classifyFmt(s)
			}
		case recXF:
			if len(data) >= 4 {
				xfFmt = append(xfFmt, le.Uint16(data[2:]))
			}
		case recBoundSheet:
			if len(data) < 8 {
				return nil, xlsErr("boundsheet record too short")
			}
			s, err := decodeString(data[6:], 1)
			if err != nil {
				return nil, fmt.Errorf("sheet name: %w", err)
			}
			b.sheets = append(b.sheets, xlsSheet{name: s, offset: le.Uint32(data)})
			b.info = append(b.info, sheetInfo{name: s, visible: data[4]&3 == 0, worksheet: data[5] == 0})
		case recSST:
			if b.sst, err = parseSST(rr, data); err != nil {
				return nil, err
			}
		}
	}
	b.xf = make([]numFmt, len(xfFmt))
	for i, id := range xfFmt {
		if f, ok := formats[id]; ok {
			b.xf[i] = f
		} else {
			b.xf[i] = builtinFmt(int(id))
		}
	}
	return b, nil
}

// recReader reads BIFF records sequentially from a stream.
type recReader struct {
	br  *bufio.Reader
	pos int64 // stream offset of the next record
	end int64
	buf []byte
}

func newRecReader(r io.ReaderAt, off, end int64) *recReader {
	return &recReader{br: bufio.NewReaderSize(io.NewSectionReader(r, off, end-off), 64<<10), pos: off, end: end}
}

// next returns the next record. data is valid until the next call.
func (rr *recReader) next() (uint16, []byte, error) {
	if rr.end-rr.pos < 4 {
		return 0, nil, xlsErr("record stream truncated (no eof record)")
	}
	var h [4]byte
	if _, err := io.ReadFull(rr.br, h[:]); err != nil {
		return 0, nil, xlsErr("reading record header: %v", err)
	}
	typ, n := le.Uint16(h[:]), int(le.Uint16(h[2:]))
	if rr.end-rr.pos-4 < int64(n) {
		return 0, nil, xlsErr("record %#04x runs past the end of the stream", typ)
	}
	if cap(rr.buf) < n {
		rr.buf = make([]byte, n, max(n, 8224))
	}
	data := rr.buf[:n]
	if _, err := io.ReadFull(rr.br, data); err != nil {
		return 0, nil, xlsErr("reading record %#04x: %v", typ, err)
	}
	rr.pos += 4 + int64(n)
	return typ, data, nil
}

// peek returns the type of the next record, or 0xFFFF at the end.
func (rr *recReader) peek() uint16 {
	if rr.end-rr.pos < 4 {
		return 0xFFFF
	}
	h, err := rr.br.Peek(2)
	if err != nil {
		return 0xFFFF
	}
	return le.Uint16(h)
}

// sstTable holds the shared strings compactly: string i is
// blob[ends[i-1]:ends[i]].
type sstTable struct {
	blob string
	ends []uint32
}

func (t *sstTable) get(i uint32) (string, bool) {
	if uint64(i) >= uint64(len(t.ends)) {
		return "", false
	}
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.blob[start:t.ends[i]], true
}

// chunkCursor walks a record's data followed by its CONTINUE records,
// pulled from rr one at a time as the reading reaches them: nothing is
// decoded twice and nothing is copied, so a string spread over any number of
// CONTINUE records costs time linear in its bytes. Bytes handed out are valid
// until the cursor moves to the next record.
type chunkCursor struct {
	cur []byte     // what is left of the current record's data
	rr  *recReader // source of the CONTINUE records that follow
}

// next moves to the following CONTINUE record and reports whether there is
// one.
func (c *chunkCursor) next() bool {
	if c.rr == nil || c.rr.peek() != recContinue {
		return false
	}
	_, data, err := c.rr.next()
	if err != nil {
		return false
	}
	c.cur = data
	return true
}

// fill makes the current record non-empty, moving past exhausted records;
// it reports whether a record boundary was crossed and whether bytes are
// left.
func (c *chunkCursor) fill() (crossed, ok bool) {
	for len(c.cur) == 0 {
		if !c.next() {
			return crossed, false
		}
		crossed = true
	}
	return crossed, true
}

// read reads len(p) bytes that may span records (no continuation flag
// bytes: used for string headers, rich text runs and phonetic data).
func (c *chunkCursor) read(p []byte) bool {
	for len(p) > 0 {
		if _, ok := c.fill(); !ok {
			return false
		}
		k := copy(p, c.cur)
		p, c.cur = p[k:], c.cur[k:]
	}
	return true
}

// skip skips n bytes that may span records.
func (c *chunkCursor) skip(n int64) bool {
	if n < 0 {
		return false
	}
	for n > 0 {
		if _, ok := c.fill(); !ok {
			return false
		}
		k := min(n, int64(len(c.cur)))
		c.cur = c.cur[k:]
		n -= k
	}
	return true
}

// atEnd reports whether no byte is left in the record and its CONTINUE
// records.
func (c *chunkCursor) atEnd() bool {
	_, ok := c.fill()
	return !ok
}

// errStringTruncated reports a string whose characters run past its record
// and CONTINUE records.
var errStringTruncated = xlsErr("string truncated")

// stringDecoder turns XLUnicodeString character data into UTF-8.
type stringDecoder struct {
	u []uint16
}

// readString reads an XLUnicodeRichExtendedString ([MS-XLS] 2.5.293) whose
// cch field is lenSize (1 or 2) bytes, appending its UTF-8 text to out. The
// header fields may not be split across records; the character data may be,
// and each continuation starts with a new fHighByte flag byte. Rich text
// runs and phonetic data are skipped.
//
// Faults that xlrd and SheetJS read through are tolerated the same way: an
// empty string missing its flags byte reads "", and a UTF-16 character
// split across records (one byte before the boundary) is dropped. When the
// characters run out, what was read is still appended to out and
// errStringTruncated is returned.
func (d *stringDecoder) readString(c *chunkCursor, lenSize int, out *strings.Builder) error {
	var h [4]byte
	if !c.read(h[:lenSize]) {
		return xlsErr("string header truncated")
	}
	cch := int(h[0])
	if lenSize == 2 {
		cch = int(le.Uint16(h[:]))
	}
	if !c.read(h[:1]) {
		if cch == 0 {
			return nil // an empty string written without its flags byte
		}
		return xlsErr("string header truncated")
	}
	flags := h[0]
	var cRun, cbExt int64
	if flags&0x08 != 0 {
		if !c.read(h[:2]) {
			return xlsErr("string header truncated")
		}
		cRun = int64(le.Uint16(h[:]))
	}
	if flags&0x04 != 0 {
		if !c.read(h[:4]) {
			return xlsErr("string header truncated")
		}
		cbExt = int64(le.Uint32(h[:]))
	}
	high := flags & 1
	d.u = d.u[:0]
	var err error
	for cch > 0 {
		crossed, ok := c.fill()
		if !ok {
			err = errStringTruncated
			break
		}
		if crossed {
			// Character data continued in a CONTINUE record: a new flag byte.
			high = c.cur[0] & 1
			c.cur = c.cur[1:]
			continue
		}
		take := min(cch, len(c.cur)>>high)
		if take == 0 {
			// Half a UTF-16 character before the record boundary: xlrd
			// drops it and goes on with the next record.
			c.cur = c.cur[1:]
			continue
		}
		if high == 0 {
			for _, b := range c.cur[:take] {
				d.u = append(d.u, uint16(b))
			}
		} else {
			for i := 0; i < take; i++ {
				d.u = append(d.u, le.Uint16(c.cur[2*i:]))
			}
		}
		c.cur = c.cur[take<<high:]
		cch -= take
	}
	if err == nil && !c.skip(4*cRun+cbExt) {
		err = xlsErr("string formatting runs truncated")
	}
	for i := 0; i < len(d.u); i++ {
		r := rune(d.u[i])
		if utf16.IsSurrogate(r) && i+1 < len(d.u) {
			if p := utf16.DecodeRune(r, rune(d.u[i+1])); p != utf8.RuneError {
				r = p
				i++
			}
		}
		out.WriteRune(r) // a lone surrogate becomes U+FFFD
	}
	return err
}

// decodeString decodes one string (cch of lenSize bytes) from data, which
// is not continued.
func decodeString(data []byte, lenSize int) (string, error) {
	var d stringDecoder
	var b strings.Builder
	if err := d.readString(&chunkCursor{cur: data}, lenSize, &b); err != nil {
		return "", err
	}
	return b.String(), nil
}

// readContinuedString decodes a string starting in data (a record just read
// from rr) and possibly continued in the CONTINUE records that follow in rr.
// On error the text read so far is returned with it.
func readContinuedString(rr *recReader, data []byte, lenSize int) (string, error) {
	var d stringDecoder
	var b strings.Builder
	err := d.readString(&chunkCursor{cur: data, rr: rr}, lenSize, &b)
	return b.String(), err
}

// parseSST decodes the shared string table ([MS-XLS] 2.4.265) from the SST
// record's data and the CONTINUE records that follow in rr. The count the
// record states is not trusted either way: a table holding fewer strings is
// read as far as it goes (as xlrd and SheetJS read it), one holding more
// (a count of zero, as some writers leave it) is read whole (as
// ExcelDataReader reads it).
func parseSST(rr *recReader, data []byte) (sstTable, error) {
	c := &chunkCursor{cur: data, rr: rr}
	var h [8]byte
	if !c.read(h[:]) {
		return sstTable{}, xlsErr("sst record too short")
	}
	count := int64(int32(le.Uint32(h[4:])))
	var (
		t   sstTable
		b   strings.Builder
		dec stringDecoder
	)
	t.ends = make([]uint32, 0, max(0, min(count, 1<<16)))
	for i := int64(0); !c.atEnd(); i++ {
		if err := dec.readString(c, 2, &b); err != nil {
			if i >= count {
				break // bytes after the strings counted: not strings after all
			}
			return sstTable{}, fmt.Errorf("shared string %d: %w", i, err)
		}
		if b.Len() > maxSSTBytes {
			return sstTable{}, fmt.Errorf("%w: shared strings exceed %d bytes", ErrTooLarge, maxSSTBytes)
		}
		t.ends = append(t.ends, uint32(b.Len()))
	}
	for c.next() { // CONTINUE records beyond the last string
	}
	t.blob = b.String()
	return t, nil
}

// xlsReader reads the rows of one worksheet substream.
type xlsReader struct {
	book     *xlsBook
	o        Options
	stream   io.ReaderAt
	size     int64
	rr       *recReader
	depth    int
	st       sticky
	closed   bool
	cancel   canceler
	name     string // the sheet read
	declared int    // the last row its DIMENSIONS record declares; 0 when none

	// Streaming (records in row order).
	curRow  int // 0-based BIFF row being assembled, -1 before the first
	cur     []string
	curBad  error // its first unreadable cell
	pending int   // column of a FORMULA awaiting its STRING record, or -1
	eof     bool

	// Buffered (records out of row order): rows sorted in memory.
	buffered bool
	rows     []xlsRow
	next     int

	vals []colVal // scratch for decodeCell
}

type colVal struct {
	col int
	val string
	bad error // the cell cannot be read (ErrBadCell)
}

type xlsRow struct {
	row   int
	cells []string
	bad   error
}

// start checks the sheet substream at off and decides between streaming and
// sorting.
func (x *xlsReader) start(off int64) error {
	if off < 0 || off >= x.size {
		return xlsErr("sheet offset out of range")
	}
	sorted, err := x.scanOrder(off)
	if err != nil {
		return err
	}
	x.rr = newRecReader(x.stream, off, x.size)
	if _, _, err := x.rr.next(); err != nil { // BOF, checked by scanOrder
		return err
	}
	x.depth = 1
	if !sorted {
		x.buffered = true
		return x.sortRows()
	}
	return nil
}

// isCell reports whether typ is a cell record whose first field is the row.
func isCell(typ uint16) bool {
	switch typ {
	case recLabelSST, recLabel, recRString, recNumber, recRK, recMulRK, recFormula, recFormula3, recFormula4, recBoolErr:
		return true
	}
	return false
}

// scanOrder walks the sheet substream once, checking its structure, and
// reports whether its cell records are in row order.
func (x *xlsReader) scanOrder(off int64) (bool, error) {
	rr := newRecReader(x.stream, off, x.size)
	typ, data, err := rr.next()
	if err != nil {
		return false, err
	}
	if typ != recBOF || len(data) < 4 {
		return false, xlsErr("sheet does not start with a bof record")
	}
	if dt := le.Uint16(data[2:]); dt != 0x0010 {
		return false, fmt.Errorf("%w: the sheet is not a worksheet", ErrSheetNotFound)
	}
	sorted, last := true, -1
	for depth := 1; depth > 0; {
		typ, data, err := rr.next()
		if err != nil {
			return false, err
		}
		switch {
		case typ == recBOF:
			depth++
		case typ == recEOF:
			depth--
		case depth == 1 && typ == recDimensions && len(data) >= 8:
			// rwMic, rwMac (the 0-based row after the last: the last row's 1-based number)
			if n := le.Uint32(data[4:]); n > 1 && n <= excelMaxRows {
				x.declared = int(n)
			}
		case depth == 1 && isCell(typ) && len(data) >= 2:
			row := int(le.Uint16(data))
			if row < last {
				sorted = false
			}
			last = row
		}
	}
	return sorted, nil
}

// readRecord returns the next record at depth 1 of the sheet, or io.EOF at
// the end of the sheet substream.
func (x *xlsReader) readRecord() (uint16, []byte, error) {
	for {
		if x.depth == 0 {
			return 0, nil, io.EOF
		}
		typ, data, err := x.rr.next()
		if err != nil {
			return 0, nil, err
		}
		switch typ {
		case recBOF:
			x.depth++
			continue
		case recEOF:
			x.depth--
			continue
		}
		if x.depth == 1 {
			return typ, data, nil
		}
	}
}

// decodeCell decodes a cell record into x.vals and returns its 0-based row.
// ok is false for records that are not cells. A FORMULA whose cached value is
// a string sets *pending to its column (the value follows in a STRING
// record). A cell that cannot be read is returned in x.vals with bad set
// (and the row, which is rejected); only a record too short to name its
// cell is an error.
func (x *xlsReader) decodeCell(typ uint16, data []byte, pending *int) (row int, ok bool, err error) {
	x.vals = x.vals[:0]
	if !isCell(typ) {
		return 0, false, nil
	}
	if len(data) < 6 {
		return 0, false, xlsErr("cell record %#04x too short", typ)
	}
	row, col, ixfe := int(le.Uint16(data)), int(le.Uint16(data[2:])), le.Uint16(data[4:])
	bad := func(format string, a ...any) (int, bool, error) {
		x.vals = append(x.vals[:0], colVal{col: col, bad: badCell(row+1, col+1, format, a...)})
		return row, true, nil
	}
	tooShort := func() (int, bool, error) { return bad("cell record %#04x too short", typ) }
	switch typ {
	case recLabelSST:
		if len(data) < 10 {
			return tooShort()
		}
		i := le.Uint32(data[6:])
		s, found := x.book.sst.get(i)
		if !found {
			return bad("shared string index %d is outside the table of %d strings", i, len(x.book.sst.ends))
		}
		x.vals = append(x.vals, colVal{col: col, val: s})
	case recLabel, recRString:
		s, err := readContinuedString(x.rr, data[6:], 2)
		if err != nil {
			return bad("%v", err)
		}
		x.vals = append(x.vals, colVal{col: col, val: s})
	case recNumber:
		if len(data) < 14 {
			return tooShort()
		}
		v := math.Float64frombits(le.Uint64(data[6:]))
		x.vals = append(x.vals, colVal{col: col, val: formatNumber(v, x.book.numFmtOf(ixfe), x.book.date1904)})
	case recRK:
		if len(data) < 10 {
			return tooShort()
		}
		v := rkValue(le.Uint32(data[6:]))
		x.vals = append(x.vals, colVal{col: col, val: formatNumber(v, x.book.numFmtOf(ixfe), x.book.date1904)})
	case recMulRK:
		n := (len(data) - 6) / 6
		if n < 1 {
			return tooShort()
		}
		for i := 0; i < n; i++ {
			rec := data[4+6*i:]
			v := rkValue(le.Uint32(rec[2:]))
			x.vals = append(x.vals, colVal{col: col + i, val: formatNumber(v, x.book.numFmtOf(le.Uint16(rec)), x.book.date1904)})
		}
	case recFormula, recFormula3, recFormula4:
		if len(data) < 14 {
			return tooShort()
		}
		val := data[6:14]
		if le.Uint16(val[6:]) != 0xFFFF {
			v := math.Float64frombits(le.Uint64(val))
			x.vals = append(x.vals, colVal{col: col, val: formatNumber(v, x.book.numFmtOf(ixfe), x.book.date1904)})
			break
		}
		switch val[0] {
		case 0: // string: the value is in the STRING record that follows
			*pending = col
			x.vals = append(x.vals, colVal{col: col, val: ""})
		case 1:
			x.vals = append(x.vals, colVal{col: col, val: boolText(val[2])})
		case 2:
			x.vals = append(x.vals, colVal{col: col, val: errorText(val[2])})
		default: // 3: empty string
			x.vals = append(x.vals, colVal{col: col, val: ""})
		}
	case recBoolErr:
		if len(data) < 8 {
			return tooShort()
		}
		if data[7] != 0 {
			x.vals = append(x.vals, colVal{col: col, val: errorText(data[6])})
		} else {
			x.vals = append(x.vals, colVal{col: col, val: boolText(data[6])})
		}
	}
	return row, true, nil
}

// rkValue decodes an RkNumber ([MS-XLS] 2.5.217).
func rkValue(rk uint32) float64 {
	var v float64
	if rk&2 != 0 {
		v = float64(int32(rk) >> 2)
	} else {
		v = math.Float64frombits(uint64(rk&0xFFFFFFFC) << 32)
	}
	if rk&1 != 0 {
		v /= 100
	}
	return v
}

func boolText(b byte) string {
	if b != 0 {
		return "TRUE"
	}
	return "FALSE"
}

// errorText renders a BErr error code as Excel shows it.
func errorText(code byte) string {
	switch code {
	case 0x00:
		return "#NULL!"
	case 0x07:
		return "#DIV/0!"
	case 0x0F:
		return "#VALUE!"
	case 0x17:
		return "#REF!"
	case 0x1D:
		return "#NAME?"
	case 0x24:
		return "#NUM!"
	case 0x2A:
		return "#N/A"
	case 0x2B:
		return "#GETTING_DATA"
	}
	return "#ERR" + strconv.Itoa(int(code))
}

// put stores the decoded cells of the current record into cells; the
// first unreadable one is kept in *bad.
func (x *xlsReader) put(cells []string, row int, bad *error) ([]string, error) {
	for _, cv := range x.vals {
		if cv.bad != nil {
			if *bad == nil {
				*bad = cv.bad
			}
			continue
		}
		if cv.col >= x.o.MaxCells {
			if cv.val == "" {
				continue
			}
			return nil, &CellError{Row: row + 1, Column: cv.col + 1, Err: fmt.Errorf("%w: more than %d cells in the row", ErrTooLarge, x.o.MaxCells)}
		}
		for len(cells) <= cv.col {
			cells = append(cells, "")
		}
		cells[cv.col] = cv.val
	}
	return cells, nil
}

// emit returns a finished row: its bad cell's error (not sticky), or its
// cells checked against the limits (nil for an empty row).
func (x *xlsReader) emit(row int, cells []string, bad error) ([]string, error) {
	if bad != nil {
		return nil, bad
	}
	out, err := rowLimits(row, cells, &x.o)
	if err != nil {
		return nil, x.st.set(err)
	}
	return out, nil
}

// Next implements Reader.
func (x *xlsReader) Next() (row int, cells []string, err error) {
	defer x.st.stopped(x.cancel, &err)
	defer recoverMalformed(&err)
	if x.st.err != nil {
		return 0, nil, x.st.err
	}
	if err := x.cancel.err(); err != nil {
		return 0, nil, err
	}
	if x.closed {
		return 0, nil, errors.New("sheet: reader closed")
	}
	if x.buffered {
		for x.next < len(x.rows) {
			r := x.rows[x.next]
			x.rows[x.next] = xlsRow{}
			x.next++
			cells, err := x.emit(r.row, r.cells, r.bad)
			if err != nil {
				return r.row, nil, err
			}
			if cells != nil {
				return r.row, cells, nil
			}
		}
		return 0, nil, io.EOF
	}
	for {
		if x.eof {
			return x.flush(io.EOF)
		}
		typ, data, err := x.readRecord()
		if err == io.EOF {
			x.eof = true
			continue
		}
		if err != nil {
			return 0, nil, x.st.set(err)
		}
		if typ == recString {
			x.stringResult(data)
			continue
		}
		pending := -1
		r, ok, err := x.decodeCell(typ, data, &pending)
		if err != nil {
			return 0, nil, x.st.set(err)
		}
		if !ok {
			continue
		}
		if r != x.curRow {
			prev, prevCells, prevBad := x.curRow, x.cur, x.curBad
			x.curRow, x.cur, x.curBad, x.pending = r, make([]string, 0, len(prevCells)), nil, -1
			if x.cur, err = x.put(x.cur, r, &x.curBad); err != nil {
				return 0, nil, x.st.set(err)
			}
			x.pending = pending
			if prev >= 0 {
				out, err := x.emit(prev+1, prevCells, prevBad)
				if err != nil || out != nil {
					return prev + 1, out, err
				}
			}
			continue
		}
		if x.cur, err = x.put(x.cur, r, &x.curBad); err != nil {
			return 0, nil, x.st.set(err)
		}
		x.pending = pending
	}
}

// flush returns the row being assembled, if any, then end.
func (x *xlsReader) flush(end error) (int, []string, error) {
	if x.curRow >= 0 {
		row, cells, bad := x.curRow+1, x.cur, x.curBad
		x.curRow, x.cur, x.curBad = -1, nil, nil
		out, err := x.emit(row, cells, bad)
		if err != nil || out != nil {
			return row, out, err
		}
	}
	return 0, nil, end
}

// stringResult stores a STRING record (a formula's cached string) into the
// pending formula cell of the current row; a string that cannot be read
// makes that cell bad.
func (x *xlsReader) stringResult(data []byte) {
	s, err := readContinuedString(x.rr, data, 2)
	if x.pending >= 0 && x.pending < len(x.cur) {
		if err != nil {
			if x.curBad == nil {
				x.curBad = badCell(x.curRow+1, x.pending+1, "formula result: %v", err)
			}
		} else {
			x.cur[x.pending] = s
		}
	}
	x.pending = -1
}

// sortRows reads a sheet whose records are not in row order into memory,
// sorted by row.
func (x *xlsReader) sortRows() error {
	type cell struct {
		row, col int
		val      string
		bad      error
	}
	var cells []cell
	pendingIdx := -1
	for {
		if err := x.cancel.err(); err != nil {
			return err
		}
		typ, data, err := x.readRecord()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if typ == recString {
			s, err := readContinuedString(x.rr, data, 2)
			if pendingIdx >= 0 {
				if err != nil {
					c := &cells[pendingIdx]
					c.bad = badCell(c.row+1, c.col+1, "formula result: %v", err)
				} else {
					cells[pendingIdx].val = s
				}
			}
			pendingIdx = -1
			continue
		}
		pending := -1
		r, ok, err := x.decodeCell(typ, data, &pending)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		pendingIdx = -1
		for _, cv := range x.vals {
			if cv.col == pending {
				pendingIdx = len(cells)
			}
			cells = append(cells, cell{r, cv.col, cv.val, cv.bad})
		}
		if len(cells) > maxBufferedCells {
			return fmt.Errorf("%w: sheet records out of row order and more than %d cells", ErrTooLarge, maxBufferedCells)
		}
	}
	slices.SortStableFunc(cells, func(a, b cell) int { return a.row - b.row })
	for i := 0; i < len(cells); {
		j := i
		for j < len(cells) && cells[j].row == cells[i].row {
			j++
		}
		x.vals = x.vals[:0]
		for _, c := range cells[i:j] {
			x.vals = append(x.vals, colVal{col: c.col, val: c.val, bad: c.bad})
		}
		var bad error
		row, err := x.put(nil, cells[i].row, &bad)
		if err != nil {
			return err
		}
		x.rows = append(x.rows, xlsRow{row: cells[i].row + 1, cells: row, bad: bad})
		i = j
	}
	return nil
}

// Sheet returns the name of the sheet read, as the workbook spells it
// (the one Options.Sheet named, or the first visible worksheet).
func (x *xlsReader) Sheet() string { return x.name }

// DeclaredRows returns the last row number the sheet's DIMENSIONS record
// declares: a hint for progress, never checked against the rows; 0 when
// the sheet declares none or only its first row.
func (x *xlsReader) DeclaredRows() int { return x.declared }

// Sheets implements Reader.
func (x *xlsReader) Sheets() []string {
	names := make([]string, len(x.book.sheets))
	for i, s := range x.book.sheets {
		names[i] = s.name
	}
	return names
}

// Close implements Reader.
func (x *xlsReader) Close() error {
	x.closed = true
	x.rows = nil
	return nil
}
