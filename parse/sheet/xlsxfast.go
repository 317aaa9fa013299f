package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"
)

// fastMaxTag bounds one tag (with its attributes), comment or CDATA section
// of a worksheet or the shared string table.
const fastMaxTag = 1 << 20

// excelMaxRows is the number of rows of a worksheet (excelize's TotalRows).
const excelMaxRows = 1048576

// excelMaxCols is the number of columns of a worksheet (XFD).
const excelMaxCols = 16384

// Parts decoded whole with encoding/xml (small: bounded by MaxXMLSize and
// the tag count of verifyParts). Elements and attributes are matched by
// local name, whatever their namespace, as excelize does after it rewrites
// the strict namespaces.
type (
	xmlRels struct {
		Rel []xmlRel `xml:"Relationship"`
	}
	xmlRel struct {
		ID         string `xml:"Id,attr"`
		Type       string `xml:"Type,attr"`
		Target     string `xml:"Target,attr"`
		TargetMode string `xml:"TargetMode,attr"`
	}
	xmlWorkbook struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"id,attr"`
		} `xml:"sheets>sheet"`
	}
	xmlStyles struct {
		NumFmts []struct {
			ID     int    `xml:"numFmtId,attr"`
			Code   string `xml:"formatCode,attr"`
			Code16 string `xml:"formatCode16,attr"`
		} `xml:"numFmts>numFmt"`
		CellXfs *struct {
			Xf []struct {
				NumFmtID *int `xml:"numFmtId,attr"`
			} `xml:"xf"`
		} `xml:"cellXfs"`
	}
)

// decodePart decodes a small part; a missing part leaves v empty.
func decodePart(zf *zip.File, v any, limit int64) error {
	if zf == nil {
		return nil
	}
	rc, err := zf.Open()
	if err != nil {
		return xlsxErr("part %q: %v", zf.Name, err)
	}
	defer rc.Close()
	d := xml.NewDecoder(io.LimitReader(rc, limit+1))
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	if err := d.Decode(v); err != nil && err != io.EOF {
		return xlsxErr("part %q: %v", zf.Name, err)
	}
	return nil
}

// styleKinds classifies each cell format (cellXfs) as the excelize path's
// remapStyles does.
func styleKinds(s *xmlStyles) []numFmt {
	if s.CellXfs == nil {
		return nil
	}
	custom := map[int]string{}
	for _, nf := range s.NumFmts {
		if _, dup := custom[nf.ID]; dup {
			continue // excelize uses the first
		}
		code := nf.Code
		if nf.Code16 != "" {
			code = nf.Code16
		}
		custom[nf.ID] = code
	}
	out := make([]numFmt, len(s.CellXfs.Xf))
	for i, xf := range s.CellXfs.Xf {
		id := 0
		if xf.NumFmtID != nil {
			id = *xf.NumFmtID
		}
		if code, ok := custom[id]; ok {
			out[i] = classifyFmt(code)
		} else {
			out[i] = builtinFmt(id)
		}
	}
	return out
}

// xlsxStrings is the shared string table, decoded as cells show it and
// held outside the Go heap: the text of entry i is text[end[i-1]:end[i]],
// end is a little-endian uint32 array. A large table is spilled to a file
// (Options.SpillDir) and mapped from it; a small one, or when no file can
// be made, is kept in anonymous memory (allocBytes). Cells copy the text
// they use into their row, so nothing refers to the table once the reader
// is closed (free).
type xlsxStrings struct {
	text []byte // len: bytes used; cap: bytes mapped (in memory)
	end  []byte // 4 bytes an entry

	n       int    // entries
	textLen int64  // bytes of text
	spill   *spill // while a spilled table is loaded
	mapped  []byte // a spilled table's mapping, once loaded
	block   []byte // a spilled table that could not be mapped, read back (allocBytes)
	gets    int
}

// spillMin is the size of the shared string part from which the table is
// spilled to a file (a variable for tests).
var spillMin uint64 = 4 << 20

// dropEvery is how many lookups of a spilled table go between two drops of
// its pages from the process's mapping (they stay in the page cache, and a
// later lookup maps them again): the table then takes about the pages the
// last few thousand rows used, not its whole size, of the resident memory.
var dropEvery = 1 << 15

func (t *xlsxStrings) len() int { return len(t.end) / 4 }

// get returns entry i; the bytes are valid until free.
func (t *xlsxStrings) get(i int) ([]byte, bool) {
	if i < 0 || i >= t.len() {
		return nil, false
	}
	if t.mapped != nil {
		if t.gets++; t.gets%dropEvery == 0 {
			dropPages(t.mapped)
		}
	}
	start := uint32(0)
	if i > 0 {
		start = le.Uint32(t.end[4*i-4:])
	}
	return t.text[start:le.Uint32(t.end[4*i:])], true
}

// appendOffHeap appends p to b, whose storage was made by allocBytes,
// moving it to a mapping twice as large when it is full.
func appendOffHeap(b []byte, p ...byte) []byte {
	if len(b)+len(p) > cap(b) {
		nb := allocBytes(max(2*cap(b), len(b)+len(p), 64<<10))
		copy(nb, b)
		freeBytes(b)
		b = nb[:len(b)]
	}
	return append(b, p...)
}

// free releases the table.
func (t *xlsxStrings) free() {
	if t.spill != nil {
		t.spill.close()
		t.spill = nil
	}
	switch {
	case t.mapped != nil:
		unmapFile(t.mapped)
	case t.block != nil:
		freeBytes(t.block)
	default:
		freeBytes(t.text)
		freeBytes(t.end)
	}
	t.text, t.end, t.mapped, t.block = nil, nil, nil, nil
}

// load streams the shared string table into t. Its entry count was bounded
// by verifyParts; its text by the part's size.
func (t *xlsxStrings) load(zf *zip.File, maxEntries int64, o *Options) error {
	if zf == nil {
		return nil
	}
	zrc, err := zf.Open()
	if err != nil {
		return xlsxErr("part %q: %v", zf.Name, err)
	}
	rc := newAheadReader(zrc)
	defer rc.Close()
	sc := newXMLScanner(rc, fastMaxTag)
	var (
		direct, run []byte
		item        []byte
		siDepth     = -1
		inT         = false
		tKind       = 0 // 1 direct <t>, 2 <t> of a run
		runStart    = 0
		rDepth      = -1
		limit       = int(min(o.MaxUnzipSize, math.MaxInt32))
		scratchOver bool
	)
	// The decoded text is never longer than the part's XML, and an entry
	// takes at least 5 bytes of it ("<si/>"): reserve that (only the pages
	// written become resident).
	xmlSize := min(zf.UncompressedSize64, uint64(o.MaxUnzipSize))
	endSize := int64(4 * min(xmlSize/5+1, uint64(maxEntries)))
	if o.SpillDir != "" && xmlSize >= spillMin {
		t.spill = newSpill(o.SpillDir, endSize) // nil when no file can be made
	}
	if t.spill == nil {
		t.text = allocBytes(int(xmlSize))[:0]
		t.end = allocBytes(int(endSize))[:0]
	}
	for {
		if !inT && siDepth < 0 && !noQuick {
			if text, ok := quickSI(sc, limit); ok {
				if err := t.add(text, maxEntries, o); err != nil {
					return err
				}
				continue
			}
		}
		if inT {
			var over bool
			if tKind == 1 {
				direct, over, err = sc.text(direct, true, limit)
			} else {
				run, over, err = sc.text(run, true, limit)
			}
			scratchOver = scratchOver || over
		} else {
			_, _, err = sc.text(nil, false, 0)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		tag, err := sc.next()
		if err != nil {
			return err
		}
		name := string(tag.name)
		switch tag.kind {
		case tagCDATA:
			if inT {
				if tKind == 1 {
					direct = append(direct, tag.text...)
				} else {
					run = append(run, tag.text...)
				}
			}
		case tagStart, tagEmpty:
			d := sc.depth // depth inside the element for tagStart
			if tag.kind == tagEmpty {
				d++
			}
			switch {
			case name == "si" && siDepth < 0 && d == 2:
				siDepth = d
				direct, run = direct[:0], run[:0]
			case siDepth >= 0 && name == "t" && d == siDepth+1:
				direct, tKind = direct[:0], 1
				inT = tag.kind == tagStart
			case siDepth >= 0 && name == "r" && d == siDepth+1:
				rDepth, runStart = d, len(run)
			case siDepth >= 0 && rDepth >= 0 && name == "t" && d == rDepth+1:
				run, tKind = run[:runStart], 2
				inT = tag.kind == tagStart
			}
			if tag.kind == tagEmpty && name == "si" && siDepth == d {
				siDepth = -1
				if err := t.add(nil, maxEntries, o); err != nil {
					return err
				}
			}
		case tagEnd:
			d := sc.depth + 1 // depth of the element just closed
			switch {
			case inT && name == "t":
				inT = false
			case name == "r" && d == rDepth:
				rDepth = -1
			case name == "si" && d == siDepth:
				siDepth = -1
				if scratchOver {
					return tooLarge("shared string longer than the %d-byte limit", limit)
				}
				item = append(append(item[:0], direct...), run...)
				if err := t.add(item, maxEntries, o); err != nil {
					return err
				}
			}
		}
	}
	if t.spill != nil {
		if err := t.spill.flushAll(); err != nil {
			if !errors.Is(err, errSpill) {
				return err
			}
			return t.unspill(t.textLen, 4*int64(t.n)) // as in add
		}
		m, mapped, err := t.spill.finish(t.textLen)
		t.spill = nil
		if err != nil {
			return err
		}
		if mapped {
			t.mapped = m
		} else {
			t.block = m
		}
		if m != nil {
			t.end = m[:4*t.n]
			t.text = m[len(m)-int(t.textLen):]
		}
	}
	return nil
}

// add appends an entry, its text as the part holds it (_xHHHH_ escapes
// still to decode).
func (t *xlsxStrings) add(item []byte, maxEntries int64, o *Options) error {
	if bytes.Contains(item, []byte("_x")) {
		item = []byte(bstrUnescape(item))
	}
	if t.textLen+int64(len(item)) > min(o.MaxUnzipSize, math.MaxUint32) {
		return tooLarge("shared strings larger than %d bytes", min(o.MaxUnzipSize, math.MaxUint32))
	}
	if int64(t.n) >= maxEntries {
		return tooLarge("more than %d shared strings", maxEntries)
	}
	t.textLen += int64(len(item))
	t.n++
	var e [4]byte
	le.PutUint32(e[:], uint32(t.textLen))
	if t.spill != nil {
		err := t.spill.add(item, e)
		if err == nil || !errors.Is(err, errSpill) {
			return err
		}
		// The file cannot take it (a full disk): keep the table in memory from here on, with
		// the entries before this one read back.
		if err := t.unspill(t.textLen-int64(len(item)), 4*int64(t.n-1)); err != nil {
			return err
		}
	}
	t.text = appendOffHeap(t.text, item...)
	t.end = appendOffHeap(t.end, e[:]...)
	return nil
}

// unspill moves a spilled table that could not be written whole into memory: textLen bytes of
// text and endLen bytes of ends, read back from the file and the spill's buffers.
func (t *xlsxStrings) unspill(textLen, endLen int64) error {
	text, end, err := t.spill.readBack(textLen, endLen)
	t.spill = nil
	if err != nil {
		return err
	}
	t.text, t.end = text, end
	return nil
}

// bstrUnescape decodes the _xHHHH_ escapes of OOXML strings as excelize's
// bstrUnmarshal does: _x005F_ is "_", a code that is not a character (a
// surrogate) is dropped.
func bstrUnescape(b []byte) string {
	if bytes.Index(b, []byte("_x")) < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		if b[i] == '_' && i+7 <= len(b) && b[i+1] == 'x' && b[i+6] == '_' && isHex4(b[i+2:i+6]) {
			v, _ := strconv.ParseUint(string(b[i+2:i+6]), 16, 32)
			switch {
			case v == 0x5F:
				out = append(out, '_')
			case v >= 0xD800 && v <= 0xDFFF:
			default:
				out = utf8.AppendRune(out, rune(v))
			}
			i += 7
			continue
		}
		out = append(out, b[i])
		i++
	}
	return string(out)
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// fastReader streams one worksheet part with xmlScanner, rendering cells
// by the package's value rules exactly as the excelize path does (the
// differential tests in xlsxfast_test.go hold it to that).
type fastReader struct {
	o        Options
	names    []string
	sheet    string // the name of the sheet read
	declared int    // the last row its <dimension ref> declares; 0 when none
	styles   []numFmt
	date1904 bool
	sst      xlsxStrings
	rc       io.ReadCloser
	sc       *xmlScanner
	st       sticky
	closed   bool
	done     bool
	drained  bool // the worksheet part was read to its end
	cancel   canceler

	// Row numbering as excelize's iterator counts: cur is the row's own
	// number (its r, else the previous plus one), reported is what Next
	// returns (never less than the previous plus one).
	cur, reported int
	pendingRow    bool   // a <row> start was read and not yet processed
	pendingAttrs  []byte // its attributes
	pendingEmpty  bool
	inRow         bool   // between readRow's start and return
	bad           error  // the row's first unreadable cell (ErrBadCell), nil if none
	cellBad       string // why the cell being read cannot be read, "" if it can

	// The row being built: the text of its cells in arena, cells as
	// positions into it or into the shared string table.
	arena   []byte
	kept    []byte   // the text of the rows returned (see finish)
	slab    []string // the cells of the rows to come (see finish)
	cells   []fastCell
	ncells  int // excelize's slice length: cells placed, empty ones included
	v, is   []byte
	isRun   []byte
	scratch []byte
}

type fastCell struct {
	pos        int
	start, end int // its text in the row's arena
}

var errReaderClosed = errors.New("sheet: reader closed")

// Next implements Reader.
func (x *fastReader) Next() (row int, cells []string, err error) {
	defer x.st.stopped(x.cancel, &err)
	defer recoverMalformed(&err)
	if x.st.err != nil {
		return 0, nil, x.st.err
	}
	if err := x.cancel.err(); err != nil {
		return 0, nil, err
	}
	if x.closed {
		return 0, nil, errReaderClosed
	}
	for !x.done {
		if !x.pendingRow {
			ok, err := x.seekRow()
			if err != nil {
				return 0, nil, x.st.set(err)
			}
			if !ok {
				x.done = true
				break
			}
		}
		x.pendingRow = false
		n, err := x.readRow()
		if err != nil {
			return 0, nil, x.st.set(err)
		}
		if x.bad != nil {
			err := x.bad
			x.bad = nil
			return x.reported, nil, err
		}
		if n > 0 {
			return x.reported, x.finish(), nil
		}
	}
	if err := x.drain(); err != nil {
		return 0, nil, x.st.set(err)
	}
	return 0, nil, io.EOF
}

// drain reads the worksheet part to its end once the rows are read, so that
// archive/zip verifies its size and CRC-32: a part found corrupt only there
// is a fatal error rather than a silent loss.
func (x *fastReader) drain() error {
	if x.drained || x.rc == nil {
		return nil
	}
	x.drained = true
	if _, err := io.Copy(io.Discard, x.rc); err != nil {
		return xlsxErr("the worksheet part is corrupt: %v", err)
	}
	return nil
}

// seekRow skips to the next <row> start, reporting false at </sheetData>
// or the end of the part.
func (x *fastReader) seekRow() (bool, error) {
	for {
		if _, _, err := x.sc.text(nil, false, 0); err == io.EOF {
			return false, nil
		} else if err != nil {
			return false, x.rowErr(err)
		}
		tag, err := x.sc.next()
		if err != nil {
			return false, x.rowErr(err)
		}
		switch {
		case tag.kind != tagEnd && string(tag.name) == "dimension" && x.reported == 0:
			x.declared = dimensionRows(tag.attrs)
		case (tag.kind == tagStart || tag.kind == tagEmpty) && string(tag.name) == "row":
			x.pendingAttrs = append(x.pendingAttrs[:0], tag.attrs...)
			x.pendingEmpty = tag.kind == tagEmpty
			return true, nil
		case tag.kind == tagEnd && string(tag.name) == "sheetData":
			return false, nil
		}
	}
}

// rowErr locates err at the row being read (inRow) or the next one.
func (x *fastReader) rowErr(err error) error {
	var ce *CellError
	if errors.As(err, &ce) {
		return err
	}
	row := x.reported
	if !x.inRow {
		row++
	}
	return &CellError{Row: row, Err: err}
}

// rowNumber parses a <row>'s r attribute: 0 when absent or "0", an error
// when it is not a number.
func rowNumber(attrs []byte) (int, error) {
	for len(attrs) > 0 {
		k, v, rest, ok := nextAttr(attrs)
		if !ok {
			return 0, nil
		}
		attrs = rest
		if string(k) != "r" {
			continue
		}
		n, ok := atoiBytes(v)
		if !ok {
			return 0, xlsxErr("bad row number %q", v)
		}
		if n > excelMaxRows {
			return 0, tooLarge("row number exceeds maximum limit")
		}
		return n, nil
	}
	return 0, nil
}

// readRow reads the cells of the row whose start tag was just read, up to
// the next <row> start (left pending), </sheetData> or the end. It returns
// the number of non-empty cells.
//
// Rows are numbered as excelize's iterator numbers them: a row's own
// number is its r attribute, else the previous row's plus one; a row is
// reported at that number or, when it is not after the previous row
// reported, at the previous plus one. A <row> whose number is not after the
// row being read is merged into it (its cells continue the row), as
// excelize's Columns does.
func (x *fastReader) readRow() (int, error) {
	n, err := rowNumber(x.pendingAttrs)
	if err != nil {
		return 0, &CellError{Row: x.reported + 1, Err: err}
	}
	if n != 0 {
		x.cur = n
	} else {
		x.cur++
	}
	x.reported = max(x.reported+1, x.cur)
	x.inRow = true
	defer func() { x.inRow = false }()
	x.arena, x.cells, x.ncells = x.arena[:0], x.cells[:0], 0
	col := 0
	if x.pendingEmpty {
		// <row/>: nothing inside, but a following row may still merge.
		x.pendingEmpty = false
	}
	for {
		if !noQuick {
			if x.quickEndRow() {
				continue
			}
			c, ok, err := x.quickCell(col + 1)
			if err != nil {
				return 0, err
			}
			if ok {
				col = c
				continue
			}
		}
		if _, _, err := x.sc.text(nil, false, 0); err == io.EOF {
			x.done = true
			break
		} else if err != nil {
			return 0, x.rowErr(err)
		}
		tag, err := x.sc.next()
		if err != nil {
			return 0, x.rowErr(err)
		}
		if tag.kind == tagEnd && string(tag.name) == "sheetData" {
			x.done = true
			break
		}
		if tag.kind != tagStart && tag.kind != tagEmpty {
			continue
		}
		switch string(tag.name) {
		case "row":
			n, err := rowNumber(tag.attrs)
			if err != nil {
				return 0, &CellError{Row: x.reported, Err: err}
			}
			next := n
			if n == 0 {
				next = x.cur + 1
			}
			if next > x.reported {
				x.pendingAttrs = append(x.pendingAttrs[:0], tag.attrs...)
				x.pendingRow = true
				return len(x.cells), nil
			}
			x.cur = next // merged into this row
		case "c":
			col++
			if col, err = x.readCell(tag, col); err != nil {
				return 0, err
			}
		}
	}
	return len(x.cells), nil
}

// cellCtx is the parsed content of one <c> element.
type cellCtx struct {
	t        string
	s        int
	formula  bool
	inline   bool
	hasV     bool
	colValid bool
	explicit bool // placed by its r attribute
}

// readCell reads one <c> element (its start tag just read) and places its
// value. col is the column excelize would assume without an r attribute;
// the column used is returned. A cell that cannot be read marks the row bad
// (see markBad) and is placed as an empty cell.
func (x *fastReader) readCell(start xmlTag, col int) (int, error) {
	var c cellCtx
	attrs := start.attrs
	var rval, sval []byte
	hasR, sBad := false, false
	for len(attrs) > 0 {
		k, v, rest, ok := nextAttr(attrs)
		if !ok {
			break
		}
		attrs = rest
		if len(k) != 1 {
			continue
		}
		switch k[0] {
		case 'r':
			rval, hasR = v, true
		case 's':
			// An empty s is the default style, as openpyxl and calamine
			// read it.
			if n, ok := atoiBytes(v); ok && n >= 0 {
				c.s = n
			} else if len(bytes.TrimSpace(v)) > 0 {
				sBad, sval = true, v
			}
		case 't':
			c.t = cellType(v)
		}
	}
	if hasR && len(rval) > 0 {
		cc, err := cellColumn(rval)
		if err != nil {
			return col, &CellError{Row: x.reported, Err: err}
		}
		col = cc
	}
	x.v, x.is, x.isRun = x.v[:0], x.is[:0], x.isRun[:0]
	x.cellBad = ""
	if start.kind == tagStart {
		if err := x.cellBody(&c); err != nil {
			return col, err
		}
	}
	if sBad && x.cellBad == "" {
		x.cellBad = fmt.Sprintf("style %q is not a number", sval)
	}
	c.explicit = hasR && len(rval) > 0
	return col, x.place(&c, col)
}

// markBad records that the cell at 1-based column col cannot be read; the
// row is returned as an ErrBadCell error naming its first bad cell.
func (x *fastReader) markBad(col int, why string) {
	if x.bad == nil {
		x.bad = badCell(x.reported, col, "%s", why)
	}
}

// maxCellDepth bounds the nesting of elements inside a <c>: real cells
// nest four deep (c, is, r, rPr, b).
const maxCellDepth = 32

// cellBody reads the content of a <c> element up to its end tag: <v>, <f>
// and <is> at any depth, as excelize's decoder does.
func (x *fastReader) cellBody(c *cellCtx) error {
	base := x.sc.depth - 1 // depth outside the <c>
	limit := 8*x.o.MaxCellBytes + 64
	var (
		target  *[]byte
		tDepth  = -1
		isDepth = -1
		rDepth  = -1
		runAt   = 0
		over    bool
	)
	for {
		var err error
		if target != nil && x.sc.depth == tDepth {
			var o bool
			*target, o, err = x.sc.text(*target, true, limit)
			over = over || o
		} else {
			_, _, err = x.sc.text(nil, false, 0)
		}
		if err == io.EOF {
			return &CellError{Row: x.reported, Err: xlsxErr("%v: unexpected end of part", errXMLSyntax)}
		}
		if err != nil {
			return x.rowErr(err)
		}
		tag, err := x.sc.next()
		if err != nil {
			return x.rowErr(err)
		}
		d := x.sc.depth
		switch tag.kind {
		case tagCDATA:
			if target != nil && d == tDepth {
				*target = append(*target, tag.text...)
			}
		case tagStart, tagEmpty:
			if tag.kind == tagEmpty {
				d++
			}
			name := string(tag.name)
			if d-base > maxCellDepth && x.cellBad == "" {
				x.cellBad = fmt.Sprintf("markup nested more than %d elements deep", maxCellDepth)
			}
			switch {
			case x.cellBad != "", target != nil:
			case isDepth >= 0 && name == "t" && d == isDepth+1:
				x.is = x.is[:0]
				if tag.kind == tagStart {
					target, tDepth = &x.is, d
				}
			case isDepth >= 0 && name == "r" && d == isDepth+1:
				rDepth, runAt = d, len(x.isRun)
			case rDepth >= 0 && name == "t" && d == rDepth+1:
				x.isRun = x.isRun[:runAt]
				if tag.kind == tagStart {
					target, tDepth = &x.isRun, d
				}
			case isDepth >= 0:
			case name == "v":
				x.v, c.hasV = x.v[:0], true
				if tag.kind == tagStart {
					target, tDepth = &x.v, d
				}
			case name == "f":
				c.formula = true
				if tag.kind == tagStart {
					if err := x.skipElement(); err != nil {
						return err
					}
				}
			case name == "is":
				c.inline = true
				x.is, x.isRun = x.is[:0], x.isRun[:0]
				if tag.kind == tagStart {
					isDepth = d
				}
			}
		case tagEnd:
			closed := d + 1
			switch {
			case closed == base+1:
				if over {
					return &CellError{Row: x.reported, Err: tooLarge("cell longer than %d bytes", x.o.MaxCellBytes)}
				}
				return nil
			case target != nil && closed == tDepth:
				target = nil
			case target != nil:
			case closed == rDepth:
				rDepth = -1
			case closed == isDepth:
				isDepth = -1
			}
		}
	}
}

// skipElement skips to the end of the element just started.
func (x *fastReader) skipElement() error {
	depth := x.sc.depth
	for x.sc.depth >= depth {
		if _, _, err := x.sc.text(nil, false, 0); err == io.EOF {
			return &CellError{Row: x.reported, Err: xlsxErr("%v: unexpected end of part", errXMLSyntax)}
		} else if err != nil {
			return x.rowErr(err)
		}
		if _, err := x.sc.next(); err != nil {
			return x.rowErr(err)
		}
	}
	return nil
}

// nextAttr splits the first attribute off raw attribute text. key is the
// local name; val is decoded (and then a copy) only when it holds a
// reference or white space to normalize.
func nextAttr(attrs []byte) (key, val, rest []byte, ok bool) {
	attrs = trimSpaceLeft(attrs)
	eq := bytes.IndexByte(attrs, '=')
	if eq < 0 {
		return nil, nil, nil, false
	}
	k := trimSpaceRight(attrs[:eq])
	r := trimSpaceLeft(attrs[eq+1:])
	if len(r) == 0 || (r[0] != '"' && r[0] != '\'') {
		return nil, nil, nil, false
	}
	end := bytes.IndexByte(r[1:], r[0])
	if end < 0 {
		return nil, nil, nil, false
	}
	if c := bytes.IndexByte(k, ':'); c >= 0 {
		k = k[c+1:]
	}
	v := r[1 : 1+end]
	if bytes.IndexAny(v, "&\t\r\n") >= 0 {
		v = []byte(attrValue(v))
	}
	return k, v, r[end+2:], true
}

func trimSpaceLeft(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	return b
}

func trimSpaceRight(b []byte) []byte {
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// cellType returns the t attribute as a string without allocating for the
// known types.
func cellType(v []byte) string {
	for _, t := range [...]string{"s", "n", "str", "inlineStr", "b", "e", "d"} {
		if string(v) == t {
			return t
		}
	}
	return string(v)
}

// cellColumn returns the column of a cell reference such as "B7", with
// excelize's rules (letters, optional '$', then a row number from 1 to
// 1048576; at most 16384 columns).
func cellColumn(ref []byte) (int, error) {
	alpha := func(c byte) bool { return 'A' <= c&^0x20 && c&^0x20 <= 'Z' || c == '$' }
	last := -1
	for i := 0; i < len(ref); i++ {
		if alpha(ref[i]) {
			last = i
		}
	}
	if len(ref) == 0 || !alpha(ref[0]) || last == len(ref)-1 {
		return 0, xlsxErr("bad cell reference %q", ref)
	}
	row, ok := atoiBytes(ref[last+1:])
	if !ok || row <= 0 {
		return 0, xlsxErr("bad cell reference %q", ref)
	}
	if row > excelMaxRows {
		return 0, tooLarge("row number exceeds maximum limit")
	}
	col := 0
	for i := 0; i <= last; i++ {
		c := ref[i]
		if c == '$' {
			continue
		}
		col = col*26 + int(c&^0x20-'A'+1)
		if col > excelMaxCols {
			return 0, xlsxErr("bad cell reference %q: column number exceeds maximum limit", ref)
		}
	}
	if col == 0 {
		return 0, xlsxErr("bad cell reference %q", ref)
	}
	return col, nil
}

// atoiBytes is strconv.Atoi on bytes, without allocating for short
// unsigned numbers.
func atoiBytes(b []byte) (int, bool) {
	if len(b) > 0 && len(b) < 10 && b[0] >= '0' && b[0] <= '9' {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	n, err := strconv.Atoi(string(b))
	return n, err == nil
}

// place renders the cell's value and puts it at column col, as excelize's
// rowXMLHandler does: a cell at or before the last one placed goes after it.
func (x *fastReader) place(c *cellCtx, col int) error {
	start := len(x.arena)
	switch {
	case x.cellBad != "":
		// Placed as an empty cell; the row is returned as bad.
	case c.t == "s":
		if len(x.v) == 0 {
			break
		}
		idx, ok := atoiBytes(bytes.TrimSpace(x.v))
		str, found := x.sst.get(idx)
		switch {
		case !ok:
			x.cellBad = fmt.Sprintf("shared string index %q is not a number", x.v)
		case !found:
			x.cellBad = fmt.Sprintf("shared string index %d is outside the table of %d strings", idx, x.sst.len())
		default:
			x.arena = append(x.arena, str...) // copied: the table is freed by Close
		}
	case c.t == "str":
		x.arena = append(x.arena, x.v...)
	case c.t == "inlineStr":
		if c.inline {
			x.scratch = append(append(x.scratch[:0], x.is...), x.isRun...)
			if bytes.Contains(x.scratch, []byte("_x")) {
				x.arena = append(x.arena, bstrUnescape(x.scratch)...)
			} else {
				x.arena = append(x.arena, x.scratch...)
			}
		} else {
			x.arena = append(x.arena, x.v...)
		}
	case c.t == "b":
		switch string(x.v) {
		case "1":
			x.arena = append(x.arena, "TRUE"...)
		case "0":
			x.arena = append(x.arena, "FALSE"...)
		default:
			x.arena = append(x.arena, x.v...)
		}
	case c.t == "d":
		x.arena = x.appendDate(x.arena, c)
	default:
		x.arena = x.appendNumber(x.arena, c.s, x.v, false)
	}
	empty := len(x.arena) == start
	if empty && !c.formula && x.cellBad == "" {
		return nil
	}
	// A cell goes to the column its reference names, as openpyxl and
	// calamine place it (a later cell at the same address wins); a cell
	// without a reference goes after the last one placed.
	pos := max(col-1, x.ncells)
	if c.explicit {
		pos = col - 1
	}
	x.ncells = max(x.ncells, pos+1)
	if x.cellBad != "" {
		x.markBad(pos+1, x.cellBad)
		return nil
	}
	if empty {
		return nil
	}
	if pos >= x.o.MaxCells {
		return &CellError{Row: x.reported, Column: x.o.MaxCells + 1, Err: fmt.Errorf("%w: more than %d cells in the row", ErrTooLarge, x.o.MaxCells)}
	}
	cell := fastCell{pos: pos, start: start, end: len(x.arena)}
	if c.t != "s" && !utf8.Valid(x.arena[start:]) {
		return &CellError{Row: x.reported, Column: pos + 1, Err: xlsxErr("%v: invalid UTF-8", errXMLSyntax)}
	}
	if cell.end-cell.start > x.o.MaxCellBytes {
		return &CellError{Row: x.reported, Column: pos + 1, Err: fmt.Errorf("%w: cell longer than %d bytes", ErrTooLarge, x.o.MaxCellBytes)}
	}
	x.cells = append(x.cells, cell)
	return nil
}

// kindOf returns how a cell with style s is rendered: excelize formats
// nothing for style 0 or a style outside the table.
func (x *fastReader) kindOf(s int) numFmt {
	if s <= 0 || s >= len(x.styles) {
		return numFmt{kind: kindRaw}
	}
	return x.styles[s]
}

// appendNumber renders the text of a number cell's <v> by the package's
// value rules (formatNumber): the exact value in plain decimal notation, or
// a date, time, duration or zero-padded number by the cell's format. Text
// that is not a number (error cells, unknown types) is kept as it is.
func (x *fastReader) appendNumber(dst []byte, s int, v []byte, dateCell bool) []byte {
	if len(v) == 0 {
		return dst
	}
	nf := x.kindOf(s)
	if nf.kind == kindRaw {
		if digits, ok := intText(v); ok {
			// An integer keeps every digit written, as openpyxl reads it
			// (a float would turn 1234567890123456789 into ...800).
			return append(dst, digits...)
		}
	}
	raw := string(v)
	if strings.Contains(raw, "_") {
		return append(dst, raw...)
	}
	f, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, raw...)
	}
	return append(dst, formatNumber(f, nf, x.date1904)...)
}

// intText returns v, an integer literal (an optional '-', digits), in
// canonical form: no leading zeros, "0" for zero.
func intText(v []byte) ([]byte, bool) {
	neg := len(v) > 0 && v[0] == '-'
	d := v
	if neg {
		d = v[1:]
	}
	if len(d) == 0 {
		return nil, false
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			return nil, false
		}
	}
	t := bytes.TrimLeft(d, "0")
	switch {
	case len(t) == 0:
		return []byte("0"), true
	case !neg && len(t) == len(v):
		return v, true
	}
	if neg {
		return append([]byte{'-'}, t...), true
	}
	return t, true
}

// appendDate renders a t="d" cell, whose value is ISO 8601 text (Strict
// Open XML stores dates so), like the dates of number cells: a date and
// time "2006-01-02 15:04:05" (rounded to the second), a date alone
// "2006-01-02", a time of day "15:04:05"; a date or time style of the cell
// picks the part shown, as for numbers. A duration ("PT0H11M0.000S") reads
// as hours, minutes and seconds ("00:11:00", "36:00:00"). A value that is
// none of these marks the cell bad.
func (x *fastReader) appendDate(dst []byte, c *cellCtx) []byte {
	v := string(bytes.TrimSpace(x.v))
	if v == "" {
		return dst
	}
	if d, ok := parseISODuration(v); ok {
		return append(dst, formatDuration(d)...)
	}
	t, hasDate, hasTime, ok := parseISODate(v)
	if !ok {
		x.cellBad = fmt.Sprintf("date %q is not an iso 8601 date", v)
		return dst
	}
	t = t.Round(time.Second)
	kind := kindDateTime
	switch nf := x.kindOf(c.s); {
	case nf.kind == kindDate || nf.kind == kindTime || nf.kind == kindDateTime:
		kind = nf.kind
	case !hasTime:
		kind = kindDate
	case !hasDate:
		kind = kindTime
	}
	switch kind {
	case kindDate:
		return t.AppendFormat(dst, "2006-01-02")
	case kindTime:
		return t.AppendFormat(dst, "15:04:05")
	}
	return t.AppendFormat(dst, "2006-01-02 15:04:05")
}

// parseISODate parses the ISO 8601 forms of xsd:dateTime, xsd:date and
// xsd:time that spreadsheets write, with any number of fractional digits
// and an optional zone (ignored: the wall clock time is kept, as Excel
// shows it).
func parseISODate(v string) (t time.Time, hasDate, hasTime bool, ok bool) {
	v = strings.Replace(v, ",", ".", 1)
	date, clock := v, ""
	if i := strings.IndexAny(v, "Tt "); i >= 0 {
		date, clock = v[:i], v[i+1:]
	} else if strings.Contains(v, ":") {
		date, clock = "", v
	}
	day := time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	if date != "" {
		d, err := time.Parse("2006-01-02", date)
		if err != nil {
			return time.Time{}, false, false, false
		}
		day, hasDate = d, true
	}
	if clock != "" {
		// Drop a zone: Z, +hh:mm, -hh:mm.
		clock = strings.TrimSuffix(strings.TrimSuffix(clock, "Z"), "z")
		if i := strings.LastIndexAny(clock, "+-"); i > 0 {
			clock = clock[:i]
		}
		c, err := time.Parse("15:04:05.999999999", clock)
		if err != nil {
			if c, err = time.Parse("15:04", clock); err != nil {
				return time.Time{}, false, false, false
			}
		}
		day = day.Add(time.Duration(c.Hour())*time.Hour + time.Duration(c.Minute())*time.Minute +
			time.Duration(c.Second())*time.Second + time.Duration(c.Nanosecond()))
		hasTime = true
	}
	return day, hasDate, hasTime, hasDate || hasTime
}

// parseISODuration parses an ISO 8601 duration such as "PT0H11M0.000S" or
// "P1DT2H" (days, hours, minutes, seconds; no years or months).
func parseISODuration(v string) (time.Duration, bool) {
	neg := strings.HasPrefix(v, "-")
	v = strings.TrimPrefix(v, "-")
	if len(v) < 3 || v[0] != 'P' {
		return 0, false
	}
	var d time.Duration
	inTime := false
	num := ""
	for _, r := range v[1:] {
		switch {
		case r >= '0' && r <= '9' || r == '.' || r == ',':
			num += string(r)
			continue
		case r == 'T' && !inTime && num == "":
			inTime = true
			continue
		}
		f, err := strconv.ParseFloat(strings.Replace(num, ",", ".", 1), 64)
		if err != nil || f > 1e9 {
			return 0, false
		}
		unit := time.Duration(0)
		switch {
		case r == 'D' && !inTime:
			unit = 24 * time.Hour
		case r == 'W' && !inTime:
			unit = 7 * 24 * time.Hour
		case r == 'H' && inTime:
			unit = time.Hour
		case r == 'M' && inTime:
			unit = time.Minute
		case r == 'S' && inTime:
			unit = time.Second
		default:
			return 0, false
		}
		d += time.Duration(f * float64(unit))
		num = ""
	}
	if num != "" {
		return 0, false
	}
	if neg {
		d = -d
	}
	return d, true
}

// formatDuration renders d rounded to the second as hours:minutes:seconds,
// the hours not wrapped at 24 (Excel's [h]:mm:ss).
func formatDuration(d time.Duration) string {
	d = d.Round(time.Second)
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	h, m, sec := int64(d/time.Hour), int64(d/time.Minute)%60, int64(d/time.Second)%60
	return fmt.Sprintf("%s%02d:%02d:%02d", sign, h, m, sec)
}

// rowChunk is the size of the buffers the rows' text and cells are cut
// from: a row's strings and slice share them with the rows around it rather
// than taking two allocations of their own.
const rowChunk = 16 << 10

// finish turns the row built into strings. The text goes into an
// append-only buffer and the cells are cut from a slab; neither is written
// again where a returned row points, so rows stay valid however long they
// are held (each keeps its buffers alive). A row of more than a quarter of
// a buffer gets its own.
func (x *fastReader) finish() []string {
	last := 0
	for _, c := range x.cells {
		last = max(last, c.pos+1)
	}
	var out []string
	if last > len(x.slab) {
		if last > rowChunk/64 {
			out = make([]string, last)
		} else {
			x.slab = make([]string, rowChunk/16)
		}
	}
	if out == nil {
		out, x.slab = x.slab[:last:last], x.slab[last:]
	}
	var text string
	switch n := len(x.arena); {
	case n == 0:
	case n > rowChunk/4:
		text = string(x.arena)
	default:
		if cap(x.kept)-len(x.kept) < n {
			x.kept = make([]byte, 0, rowChunk)
		}
		start := len(x.kept)
		x.kept = append(x.kept, x.arena...)
		text = unsafe.String(&x.kept[start], n)
	}
	for _, c := range x.cells {
		out[c.pos] = text[c.start:c.end]
	}
	return out
}

// Sheets implements Reader.
func (x *fastReader) Sheets() []string { return slices.Clone(x.names) }

// Sheet returns the name of the sheet read, as the workbook spells it
// (the one Options.Sheet named, or the first visible worksheet).
func (x *fastReader) Sheet() string { return x.sheet }

// DeclaredRows returns the last row number the worksheet's <dimension
// ref="A1:E300001"/> declares (300001), known once Next has been called:
// a hint for progress, never checked against the rows. It is 0 when the
// sheet declares none, or only its first row ("A1", as some writers put
// whatever the sheet holds).
func (x *fastReader) DeclaredRows() int { return x.declared }

// dimensionRows reads the last row of a <dimension>'s ref ("A1:E300001");
// 0 when absent, malformed or not beyond row 1.
func dimensionRows(attrs []byte) int {
	for {
		k, v, rest, ok := nextAttr(attrs)
		if !ok {
			return 0
		}
		attrs = rest
		if string(k) != "ref" {
			continue
		}
		if i := bytes.LastIndexByte(v, ':'); i >= 0 {
			v = v[i+1:]
		}
		if _, err := cellColumn(v); err != nil {
			return 0
		}
		i := bytes.IndexFunc(v, func(r rune) bool { return '0' <= r && r <= '9' })
		n, ok := atoiBytes(v[i:])
		if !ok || n <= 1 {
			return 0
		}
		return n
	}
}

// Close implements Reader.
func (x *fastReader) Close() (err error) {
	defer recoverMalformed(&err)
	if x.closed {
		return nil
	}
	x.closed = true
	x.sst.free()
	if x.rc != nil {
		return x.rc.Close()
	}
	return nil
}

// isExponent reports whether s looks like a number in scientific notation
// such as "1.23456789012346E+18".
func isExponent(s string) bool {
	e := strings.IndexAny(s, "Ee")
	if e < 1 || e+2 > len(s) || len(s) > 32 {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
