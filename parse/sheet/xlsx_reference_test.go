package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// This file holds the excelize-based XLSX reader, kept as the reference
// the differential tests (xlsxfast_test.go) hold the product's streaming
// reader to. It reads the same container checks, then a reduced package
// (the parts needed to read cell values, copied still compressed) through
// excelize's row iterator, with the number formats remapped to the
// package's value rules.

// Limits of the reference reader.
const (
	// inMemoryZip is the largest rewritten package kept in memory rather
	// than in a temporary file.
	inMemoryZip = 8 << 20
	// passthroughFmt is a number format id that excelize does not know, so
	// it renders the cell's value unformatted. See remapStyles.
	passthroughFmt = 0x7FFF0000
)

// openXLSXExcelize is OpenXLSX through excelize's row iterator.
func openXLSXExcelize(r io.ReaderAt, size int64, opts Options) (Reader, error) {
	return openXLSX(r, size, opts)
}

// openXLSXFastPath is OpenXLSX, the product's streaming reader.
func openXLSXFastPath(r io.ReaderAt, size int64, opts Options) (Reader, error) {
	return OpenXLSX(r, size, opts)
}

func openXLSX(r io.ReaderAt, size int64, opts Options) (_ Reader, err error) {
	defer recoverMalformed(&err)
	o := opts.withDefaults()
	zr, err := openZip(r, size)
	if err != nil {
		return nil, err
	}
	keep, err := selectParts(zr, &o)
	if err != nil {
		return nil, err
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

// partDropped marks a zip entry the reference reader does not need.
const partDropped partKind = 255

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
	refs := make([]partRef, len(keep))
	for i, zf := range keep {
		refs[i] = partRef{zf, classifyPart(zf.Name)}
	}
	if _, err := verifyParts(refs, max(minSharedStrings, o.MaxUnzipSize/sharedStringCost)); err != nil {
		return nil, err
	}
	return keep, nil
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

// Sheets implements Reader.
func (x *xlsxReader) Sheets() []string { return append([]string(nil), x.names...) }

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
