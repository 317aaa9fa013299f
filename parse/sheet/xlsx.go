package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Limits of the XLSX reader beyond Options.
const (
	// maxZipDirectory bounds the zip central directory read (about 40,000
	// entries): Go's zip reader keeps a struct per entry.
	maxZipDirectory = 4 << 20
	// maxRatio is the largest compression ratio accepted for a part larger
	// than ratioFloor: a zip bomb is refused before anything is inflated.
	// Apache POI's ZipSecureFile applies the same 1:100 rule.
	maxRatio   = 100
	ratioFloor = 1 << 20
	// maxMarkup bounds the number of XML tags ('<') in the parts excelize
	// decodes whole (workbook, relationships, styles, content types), whose
	// in-memory form is many times larger than the XML: 250,000 cell formats
	// take about 35 MiB. Excel itself allows 64,000 cell formats.
	maxMarkup = 256 << 10
	// sharedStringCost is the bytes of MaxUnzipSize allowed per entry of the
	// shared string table, which excelize indexes in memory (measured: 40 to
	// 70 bytes retained per entry): the default 1 GiB allows 4Mi strings.
	sharedStringCost = 256
	minSharedStrings = 64 << 10
	// inMemoryZip is the largest rewritten package kept in memory rather
	// than in a temporary file.
	inMemoryZip = 8 << 20
)

// passthroughFmt is a number format id that excelize does not know, so it
// renders the cell's value unformatted. See remapStyles.
const passthroughFmt = 0x7FFF0000

func xlsxErr(format string, a ...any) error {
	return fmt.Errorf("%w: xlsx: %s", ErrMalformed, fmt.Sprintf(format, a...))
}

func tooLarge(format string, a ...any) error {
	return fmt.Errorf("%w: xlsx: %s", ErrTooLarge, fmt.Sprintf(format, a...))
}

// OpenXLSX opens an Office Open XML workbook (.xlsx, .xlsm) read from r,
// which holds size bytes, and returns a streaming reader of the sheet chosen
// by opts. r is only read during OpenXLSX.
//
// Before excelize sees the file, its zip directory is checked: at most 4 MiB
// of directory, every part's declared size within opts.MaxUnzipSize (and
// their sum), no part larger than 1 MiB compressed more than 1:100 (a zip
// bomb is refused with ErrTooLarge before anything is inflated), and every
// part other than worksheets and the shared strings at most opts.MaxXMLSize.
// The parts needed to read cell values (workbook, relationships, styles,
// shared strings, worksheets) are then inflated once to verify their
// checksums (excelize would silently read a truncated part), to count the
// shared strings (at most opts.MaxUnzipSize/256: 4Mi by default; excelize
// keeps 40 to 70 bytes for each) and to count the tags of the parts excelize
// decodes whole (at most 256Ki). They are copied, still compressed, into a
// reduced package (in memory up to 8 MiB, else in a 0600 temporary file,
// removed at once) that excelize opens; images, drawings, pivot caches and
// the like are never inflated. Worksheets larger than opts.MaxXMLSize are
// extracted by excelize to temporary files (removed by Close) and streamed
// with its row iterator.
//
// Known limit: excelize holds one cell's text in memory before this package
// can check it against opts.MaxCellBytes, so a single huge cell costs memory
// up to its worksheet's size (itself bounded by opts.MaxUnzipSize and the
// 1:100 ratio) before it is refused.
//
// An encrypted (password-protected) workbook, which is an OLE2 container
// rather than a zip, is refused with ErrEncrypted.
//
// Since issue 7 the sheet is not read through excelize but by this
// package's streaming reader (xlsxfast.go), after the same checks: the
// workbook, its relationships and styles are decoded with encoding/xml, the
// shared strings are held in 4 MiB string chunks plus 4 bytes an entry, and
// the worksheet part is streamed through a small XML scanner (no temporary
// files; one cell's stored text is bounded by 8×opts.MaxCellBytes while it
// is read). It renders the same values as the excelize reader, which is
// kept unexported as the reference, with two documented differences: a
// worksheet that is not well-formed XML fails with ErrMalformed at the row
// (excelize stops silently and loses the rest), and a date serial below 1
// is rendered as the XLS reader does rather than as "1900-01-00".
func OpenXLSX(r io.ReaderAt, size int64, opts Options) (Reader, error) {
	return OpenXLSXContext(context.Background(), r, size, opts)
}

// OpenXLSXContext is [OpenXLSX] bound to ctx: once ctx is done, opening and
// the Reader's Next stop within a read of the file (milliseconds) and return
// an error that wraps ctx.Err() (errors.Is finds context.Canceled or
// context.DeadlineExceeded) and the cause given to context.WithCancelCause.
func OpenXLSXContext(ctx context.Context, r io.ReaderAt, size int64, opts Options) (_ Reader, err error) {
	c := newCanceler(ctx)
	if err := c.err(); err != nil {
		return nil, err
	}
	defer func() { err = c.stopped(err) }()
	rd, err := openXLSX(ctxReaderAt{r, c}, size, opts, useFastXLSX)
	if fr, ok := rd.(*fastReader); ok {
		fr.cancel = c
	}
	return rd, err
}

// useFastXLSX selects the reader behind OpenXLSX: this package's streaming
// reader (xlsxfast.go) or excelize's row iterator, kept as the reference the
// differential tests compare the fast reader with.
var useFastXLSX = true

// openXLSXExcelize is OpenXLSX through excelize's row iterator.
func openXLSXExcelize(r io.ReaderAt, size int64, opts Options) (Reader, error) {
	return openXLSX(r, size, opts, false)
}

// openXLSXFastPath is OpenXLSX through this package's streaming reader.
func openXLSXFastPath(r io.ReaderAt, size int64, opts Options) (Reader, error) {
	return openXLSX(r, size, opts, true)
}

func openXLSX(r io.ReaderAt, size int64, opts Options, fast bool) (_ Reader, err error) {
	defer recoverMalformed(&err)
	o := opts.withDefaults()
	var magic [8]byte
	n, _ := r.ReadAt(magic[:], 0)
	if n == len(magic) && bytes.Equal(magic[:], cfbMagic) {
		cf, err := openCFB(r, size)
		if err != nil {
			return nil, err
		}
		if cfbEncrypted(cf.rootStreams()) {
			return nil, ErrEncrypted
		}
		return nil, xlsxErr("the file is a legacy xls (ole2) workbook, not xlsx")
	}
	if n < 4 || !bytes.Equal(magic[:2], []byte("PK")) {
		return nil, xlsxErr("not a zip file")
	}
	if err := checkZipDirectory(r, size); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, xlsxErr("reading zip: %v", err)
	}
	keep, err := selectParts(zr, &o)
	if err != nil {
		return nil, err
	}
	if fast {
		return openXLSXFast(keep, o)
	}
	f, err := openReduced(keep, &o)
	if err != nil {
		return nil, err
	}
	x := &xlsxReader{f: f, o: o}
	if err := x.pick(); err != nil {
		_ = f.Close()
		return nil, err
	}
	remapStyles(f)
	return x, nil
}

// checkZipDirectory bounds the size of the zip central directory before
// archive/zip allocates a struct for each of its entries.
func checkZipDirectory(r io.ReaderAt, size int64) error {
	const eocdLen, zip64LocLen = 22, 20
	tail := min(size, 65535+eocdLen)
	buf := make([]byte, tail)
	if _, err := r.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return xlsxErr("reading zip: %v", err)
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || len(buf)-i < eocdLen {
		return xlsxErr("not a zip file (no end of central directory)")
	}
	dirSize := uint64(le.Uint32(buf[i+12:]))
	if dirSize == 0xFFFFFFFF && i >= zip64LocLen && bytes.Equal(buf[i-zip64LocLen:i-zip64LocLen+4], []byte("PK\x06\x07")) {
		var rec [56]byte
		off := int64(le.Uint64(buf[i-zip64LocLen+8:]))
		if off < 0 || off > size-int64(len(rec)) {
			return xlsxErr("bad zip64 directory")
		}
		if _, err := r.ReadAt(rec[:], off); err != nil {
			return xlsxErr("reading zip: %v", err)
		}
		dirSize = le.Uint64(rec[40:])
	}
	if dirSize > maxZipDirectory {
		return tooLarge("zip directory of %d bytes (more parts than a workbook has)", dirSize)
	}
	return nil
}

// partKind is the role of a zip entry in a workbook.
type partKind uint8

const (
	partDropped   partKind = iota // not needed to read cell values
	partMeta                      // decoded whole by excelize
	partSheet                     // a worksheet, streamed
	partSharedStr                 // the shared string table
)

// classifyPart says what excelize would do with the zip entry name.
func classifyPart(name string) partKind {
	n := strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
	switch {
	case n == "[content_types].xml", strings.HasSuffix(n, ".rels"):
		return partMeta
	case !strings.HasSuffix(n, ".xml"):
		return partDropped
	case n == "xl/sharedstrings.xml":
		return partSharedStr
	case strings.HasPrefix(n, "xl/worksheets/") && !strings.Contains(n[len("xl/worksheets/"):], "/"):
		return partSheet
	case n == "xl/calcchain.xml", n == "xl/metadata.xml", n == "xl/connections.xml", n == "xl/volatiledependencies.xml":
		return partDropped // read by excelize at open, not needed for cached values
	case strings.HasPrefix(n, "xl/") && !strings.Contains(n[len("xl/"):], "/"), !strings.Contains(n, "/"):
		return partMeta // workbook.xml, styles.xml, a workbook part elsewhere
	}
	return partDropped
}

// selectParts checks the declared sizes of the parts needed to read cells
// and returns them.
func selectParts(zr *zip.Reader, o *Options) ([]*zip.File, error) {
	var (
		keep  []*zip.File
		total uint64
	)
	for _, zf := range zr.File {
		kind := classifyPart(zf.Name)
		if kind == partDropped || zf.FileInfo().IsDir() {
			continue
		}
		usize, csize := zf.UncompressedSize64, zf.CompressedSize64
		total += usize
		switch {
		case usize > uint64(o.MaxUnzipSize):
			return nil, tooLarge("part %q inflates to %d bytes, over the %d-byte limit", zf.Name, usize, o.MaxUnzipSize)
		case total > uint64(o.MaxUnzipSize):
			return nil, tooLarge("parts inflate to more than the %d-byte limit", o.MaxUnzipSize)
		case usize > ratioFloor && usize/maxRatio > csize:
			return nil, tooLarge("part %q inflates %d bytes to %d (more than 1:%d: a zip bomb?)", zf.Name, csize, usize, maxRatio)
		case kind == partMeta && usize > uint64(o.MaxXMLSize):
			return nil, tooLarge("part %q is %d bytes (limit %d)", zf.Name, usize, o.MaxXMLSize)
		}
		keep = append(keep, zf)
	}
	if err := verifyParts(keep, max(minSharedStrings, o.MaxUnzipSize/sharedStringCost)); err != nil {
		return nil, err
	}
	return keep, nil
}

// verifyParts inflates the kept parts once: archive/zip checks each one's
// size and CRC-32 (excelize ignores a read error and would read a truncated
// part), and the markup excelize will hold in memory is counted.
func verifyParts(keep []*zip.File, maxSharedStrings int64) error {
	var meta int64
	br := bufio.NewReaderSize(nil, 64<<10)
	for _, zf := range keep {
		kind := classifyPart(zf.Name)
		rc, err := zf.Open()
		if err != nil {
			return xlsxErr("part %q: %v", zf.Name, err)
		}
		br.Reset(rc)
		var tags, si int64
		for err == nil {
			if kind == partSheet {
				_, err = br.WriteTo(io.Discard)
				if err == nil {
					err = io.EOF
				}
				break
			}
			_, err = br.ReadSlice('<')
			switch err {
			case nil:
				tags++
				if kind == partSharedStr {
					b, _ := br.Peek(40)
					if isSITag(b) {
						si++
					}
				}
			case bufio.ErrBufferFull:
				err = nil
			}
			if meta+tags > maxMarkup && kind == partMeta {
				_ = rc.Close()
				return tooLarge("workbook parts have more than %d tags", maxMarkup)
			}
			if si > maxSharedStrings {
				_ = rc.Close()
				return tooLarge("more than %d shared strings", maxSharedStrings)
			}
		}
		_ = rc.Close()
		if err != io.EOF {
			return xlsxErr("part %q is corrupt: %v", zf.Name, err)
		}
		if kind == partMeta {
			meta += tags
		}
	}
	return nil
}

// isSITag reports whether b (just after a '<') is the name "si" or "x:si"
// followed by a delimiter.
func isSITag(b []byte) bool {
	if k := bytes.IndexAny(b, ":> /\t\r\n"); k >= 0 && b[k] == ':' {
		b = b[k+1:]
	}
	return len(b) >= 3 && b[0] == 's' && b[1] == 'i' && strings.IndexByte("> /\t\r\n", b[2]) >= 0
}

// openReduced copies the kept parts, still compressed, into a new package
// and opens it with excelize.
func openReduced(keep []*zip.File, o *Options) (*excelize.File, error) {
	var csize uint64
	for _, zf := range keep {
		csize += zf.CompressedSize64
	}
	xo := excelize.Options{UnzipSizeLimit: o.MaxUnzipSize, UnzipXMLSizeLimit: o.MaxXMLSize}
	if csize <= inMemoryZip {
		var b bytes.Buffer
		if err := writeReduced(&b, keep); err != nil {
			return nil, err
		}
		f, err := excelize.OpenReader(&b, xo)
		return f, openErr(f, err)
	}
	tmp, err := os.CreateTemp("", "contactpipe-xlsx-*")
	if err != nil {
		return nil, fmt.Errorf("xlsx: temporary file: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	err = writeReduced(tmp, keep)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("xlsx: temporary file: %w", cerr)
	}
	if err != nil {
		return nil, err
	}
	f, err := excelize.OpenFile(tmp.Name(), xo)
	return f, openErr(f, err)
}

func writeReduced(w io.Writer, keep []*zip.File) error {
	zw := zip.NewWriter(w)
	for _, zf := range keep {
		fh := zf.FileHeader
		dst, err := zw.CreateRaw(&fh)
		if err != nil {
			return xlsxErr("part %q: %v", zf.Name, err)
		}
		src, err := zf.OpenRaw()
		if err != nil {
			return xlsxErr("part %q: %v", zf.Name, err)
		}
		if _, err := io.Copy(dst, src); err != nil {
			return xlsxErr("part %q: %v", zf.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return xlsxErr("%v", err)
	}
	return nil
}

// openErr maps an excelize open error, closing f.
func openErr(f *excelize.File, err error) error {
	if err == nil {
		return nil
	}
	if f != nil {
		_ = f.Close()
	}
	if strings.Contains(err.Error(), "unzip size") {
		return fmt.Errorf("%w: xlsx: %v", ErrTooLarge, err)
	}
	return xlsxErr("%v", err)
}

// xlsxReader streams one worksheet with excelize's row iterator.
type xlsxReader struct {
	f      *excelize.File
	o      Options
	names  []string
	sheet  string
	rows   *excelize.Rows
	row    int
	st     sticky
	closed bool

	// raw is a second iterator over the same sheet, reading unformatted
	// values, advanced lazily (rawRow) to the rows that need it: see exact.
	raw    *excelize.Rows
	rawRow int
}

// pick selects the sheet and starts its row iterator. excelize lists chart
// and dialog sheets with the worksheets; their parts were dropped from the
// package, so excelize cannot open rows on them.
func (x *xlsxReader) pick() error {
	x.names = x.f.GetSheetList()
	info := make([]sheetInfo, len(x.names))
	for i, name := range x.names {
		visible, _ := x.f.GetSheetVisible(name)
		info[i] = sheetInfo{name: name, visible: visible, worksheet: true}
	}
	for {
		i, err := pickSheet(info, x.o.Sheet)
		if err != nil {
			return err
		}
		rows, err := x.f.Rows(info[i].name)
		if err == nil {
			x.rows, x.sheet = rows, info[i].name
			return nil
		}
		if x.o.Sheet != "" {
			return fmt.Errorf("%w: %q is not a worksheet", ErrSheetNotFound, info[i].name)
		}
		info[i].worksheet = false
	}
}

// remapStyles makes excelize render cells by the package's value rule:
// number formats classified raw get a format id excelize does not know (it
// then returns the value unformatted, in plain decimal notation), date and
// time formats get an ISO 8601 format, zero-padding formats are kept. This
// edits the in-memory style sheet only; the file is never saved.
func remapStyles(f *excelize.File) {
	if f.Styles == nil || f.Styles.CellXfs == nil {
		return
	}
	n := len(f.Styles.CellXfs.Xf)
	custom := map[int]string{}
	if f.Styles.NumFmts != nil {
		for _, nf := range f.Styles.NumFmts.NumFmt {
			if nf == nil {
				continue
			}
			code := nf.FormatCode
			if nf.FormatCode16 != "" {
				code = nf.FormatCode16
			}
			custom[nf.NumFmtID] = code
		}
	}
	iso := map[fmtKind]*int{}
	isoFmt := func(kind fmtKind) *int {
		if id, ok := iso[kind]; ok {
			return id
		}
		code := map[fmtKind]string{kindDate: "yyyy-mm-dd", kindDateTime: "yyyy-mm-dd hh:mm:ss", kindTime: "hh:mm:ss"}[kind]
		style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil || style < 0 || style >= len(f.Styles.CellXfs.Xf) {
			iso[kind] = nil
			return nil
		}
		iso[kind] = f.Styles.CellXfs.Xf[style].NumFmtID
		return iso[kind]
	}
	pass := passthroughFmt
	for i := 0; i < n; i++ {
		xf := &f.Styles.CellXfs.Xf[i]
		id := 0
		if xf.NumFmtID != nil {
			id = *xf.NumFmtID
		}
		var nf numFmt
		if code, ok := custom[id]; ok {
			nf = classifyFmt(code)
		} else {
			nf = builtinFmt(id)
		}
		switch nf.kind {
		case kindRaw:
			xf.NumFmtID = &pass
		case kindDate, kindDateTime, kindTime:
			if p := isoFmt(nf.kind); p != nil {
				xf.NumFmtID = p
			}
		}
	}
}

// Next implements Reader.
func (x *xlsxReader) Next() (row int, cells []string, err error) {
	defer recoverMalformed(&err)
	if x.st.err != nil {
		return 0, nil, x.st.err
	}
	if x.closed {
		return 0, nil, errors.New("sheet: reader closed")
	}
	for x.rows.Next() {
		x.row++
		cols, err := x.rows.Columns()
		if err != nil {
			return 0, nil, x.st.set(&CellError{Row: x.row, Err: xlsxErr("%v", err)})
		}
		out, err := rowLimits(x.row, cols, &x.o)
		if err != nil {
			return 0, nil, x.st.set(err)
		}
		if out != nil {
			if err := x.exact(out); err != nil {
				return 0, nil, x.st.set(err)
			}
			return x.row, out, nil
		}
	}
	if err := x.rows.Error(); err != nil {
		if errors.Is(err, excelize.ErrMaxRows) {
			return 0, nil, x.st.set(tooLarge("%v", err))
		}
		return 0, nil, x.st.set(xlsxErr("%v", err))
	}
	return 0, nil, io.EOF
}

// exact replaces the scientific notation that excelize writes for numbers
// of more than 15 significant digits ("1.23456789012346E+18") by the exact
// value stored in the file, read from a second, raw iterator that is advanced
// to this row only when needed (such numbers are rare).
func (x *xlsxReader) exact(cells []string) error {
	need := false
	for _, c := range cells {
		if isExponent(c) {
			need = true
			break
		}
	}
	if !need {
		return nil
	}
	if x.raw == nil {
		raw, err := x.f.Rows(x.sheet)
		if err != nil {
			return xlsxErr("%v", err)
		}
		x.raw = raw
	}
	for x.rawRow < x.row {
		if !x.raw.Next() {
			return &CellError{Row: x.row, Err: xlsxErr("raw values of the row not found")}
		}
		x.rawRow++
	}
	raw, err := x.raw.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return &CellError{Row: x.row, Err: xlsxErr("%v", err)}
	}
	for i, c := range cells {
		if !isExponent(c) || i >= len(raw) || raw[i] == c {
			continue // a text cell, or the file itself stores this notation
		}
		if strings.ContainsAny(raw[i], "Ee") {
			if v, err := strconv.ParseFloat(raw[i], 64); err == nil {
				cells[i] = rawNumber(v)
				continue
			}
		}
		cells[i] = raw[i]
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

// Sheets implements Reader.
func (x *xlsxReader) Sheets() []string { return slicesClone(x.names) }

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// Close implements Reader: it removes excelize's temporary files.
func (x *xlsxReader) Close() (err error) {
	defer recoverMalformed(&err)
	if x.closed {
		return nil
	}
	x.closed = true
	var errs []error
	if x.rows != nil {
		errs = append(errs, x.rows.Close())
	}
	if x.raw != nil {
		errs = append(errs, x.raw.Close())
	}
	errs = append(errs, x.f.Close())
	return errors.Join(errs...)
}
