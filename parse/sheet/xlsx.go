package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	kflate "github.com/klauspost/compress/flate"
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
	// maxMarkup bounds the number of XML tags ('<') in the parts decoded
	// whole (workbook, relationships, styles), whose in-memory form is many
	// times larger than the XML. Excel itself allows 64,000 cell formats.
	maxMarkup = 256 << 10
	// sharedStringCost is the bytes of MaxUnzipSize allowed per entry of the
	// shared string table: the default 1 GiB allows 4Mi strings.
	sharedStringCost = 256
	minSharedStrings = 64 << 10
)

func xlsxErr(format string, a ...any) error {
	return fmt.Errorf("%w: xlsx: %s", ErrMalformed, fmt.Sprintf(format, a...))
}

func tooLarge(format string, a ...any) error {
	return fmt.Errorf("%w: xlsx: %s", ErrTooLarge, fmt.Sprintf(format, a...))
}

// OpenXLSX opens an Office Open XML workbook (.xlsx, .xlsm, Strict or
// Transitional) read from r, which holds size bytes, and returns a streaming
// reader of the sheet chosen by opts. r must stay readable until the Reader
// is closed.
//
// The parts are located as the Open Packaging Conventions say: the package
// relationships (_rels/.rels) name the workbook part, whose relationships
// name its worksheets, shared string table and styles, wherever they are in
// the package. A zip holding two entries of one name (compared as OPC
// compares part names, ignoring ASCII case) is refused: which one a reader
// takes is a matter of chance.
//
// Limits: at most 4 MiB of zip directory; every part read declared within
// opts.MaxUnzipSize (and their sum); no part larger than 1 MiB compressed
// more than 1:100 (a zip bomb is refused with ErrTooLarge before anything is
// inflated); the workbook, relationships and styles at most opts.MaxXMLSize
// and 256Ki tags together; at most opts.MaxUnzipSize/256 shared strings (4Mi
// by default). The parts read are inflated once first to verify their
// checksums. The shared strings are held decoded (their text plus 4 bytes
// an entry) outside the Go heap, so that the table does not also raise the
// garbage collector's heap goal: in an anonymous memory mapping, or, when
// opts.SpillDir is set and the table is large, in an unlinked file there,
// mapped read-only (see Options.SpillDir); Close releases it. The worksheet
// and the shared strings are inflated a few buffers ahead on a goroutine of
// their own and streamed through a small XML scanner; one cell's stored
// text is bounded by 8×opts.MaxCellBytes while it is read. The Reader must
// be closed.
//
// An encrypted (password-protected) workbook, which is an OLE2 container
// rather than a zip, is refused with ErrEncrypted; a binary .xlsb workbook,
// an OpenDocument spreadsheet and a legacy .xls are refused with
// ErrMalformed and a message naming the format.
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
	defer recoverMalformed(&err)
	o := opts.withDefaults()
	zr, err := openZip(ctxReaderAt{r, c}, size)
	if err != nil {
		return nil, err
	}
	pkg, err := newOPCPackage(zr, &o)
	if err != nil {
		return nil, err
	}
	x, err := pkg.open()
	if err != nil {
		return nil, err
	}
	x.cancel = c
	return x, nil
}

// openZip checks the container and returns its zip directory.
func openZip(r io.ReaderAt, size int64) (*zip.Reader, error) {
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
	zr.RegisterDecompressor(zip.Deflate, inflater)
	return zr, nil
}

// inflater reads a deflated part with klauspost/compress's inflater, which
// takes about 0.7 of the time of compress/flate's on worksheets: inflating
// was a third of the time of reading an XLSX. archive/zip still checks the
// part's size and CRC-32.
func inflater(r io.Reader) io.ReadCloser { return kflate.NewReader(r) }

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

// partKind is the role of a part in a workbook.
type partKind uint8

const (
	partMeta      partKind = iota // decoded whole: workbook, relationships, styles
	partSheet                     // a worksheet, streamed
	partSharedStr                 // the shared string table
)

// opcPackage is a zip package whose parts are found by name, as OPC names
// them: without a leading '/', ASCII case ignored.
type opcPackage struct {
	parts map[string]*zip.File // by lower-cased part name
	o     *Options
	total uint64 // declared bytes of the parts checked so far
}

// partName normalizes a zip entry name or a resolved target to a part name
// key.
func partName(name string) string {
	return strings.ToLower(strings.TrimLeft(strings.ReplaceAll(name, "\\", "/"), "/"))
}

func newOPCPackage(zr *zip.Reader, o *Options) (*opcPackage, error) {
	p := &opcPackage{parts: make(map[string]*zip.File, len(zr.File)), o: o}
	for _, zf := range zr.File {
		if strings.HasSuffix(zf.Name, "/") {
			continue // a directory entry
		}
		key := partName(zf.Name)
		if _, dup := p.parts[key]; dup {
			return nil, xlsxErr("the zip holds two entries named %q: which one is the workbook's is ambiguous", zf.Name)
		}
		p.parts[key] = zf
	}
	return p, nil
}

// lookup returns the part named name, or nil.
func (p *opcPackage) lookup(name string) *zip.File { return p.parts[partName(name)] }

// check bounds a part's declared size and compression ratio before it is
// read.
func (p *opcPackage) check(zf *zip.File, kind partKind) error {
	usize, csize := zf.UncompressedSize64, zf.CompressedSize64
	p.total += usize
	switch {
	case usize > uint64(p.o.MaxUnzipSize):
		return tooLarge("part %q inflates to %d bytes, over the %d-byte limit", zf.Name, usize, p.o.MaxUnzipSize)
	case p.total > uint64(p.o.MaxUnzipSize):
		return tooLarge("parts inflate to more than the %d-byte limit", p.o.MaxUnzipSize)
	case usize > ratioFloor && usize/maxRatio > csize:
		return tooLarge("part %q inflates %d bytes to %d (more than 1:%d: a zip bomb?)", zf.Name, csize, usize, maxRatio)
	case kind == partMeta && usize > uint64(p.o.MaxXMLSize):
		return tooLarge("part %q is %d bytes (limit %d)", zf.Name, usize, p.o.MaxXMLSize)
	}
	return nil
}

// rels reads the relationships of the part named source ("" for the
// package); a missing relationships part reads as none (found false).
func (p *opcPackage) rels(source string) (rels []xmlRel, found bool, err error) {
	dir, base := path.Split(source)
	zf := p.lookup(dir + "_rels/" + base + ".rels")
	if zf == nil {
		return nil, false, nil
	}
	if err := p.check(zf, partMeta); err != nil {
		return nil, true, err
	}
	var v xmlRels
	if err := decodePart(zf, &v, p.o.MaxXMLSize); err != nil {
		return nil, true, err
	}
	return v.Rel, true, nil
}

// resolve returns the part name a relationship of the part named source
// targets, "" for an external target.
func resolve(source string, rel xmlRel) string {
	if strings.EqualFold(rel.TargetMode, "External") {
		return ""
	}
	t := rel.Target
	if u, err := url.PathUnescape(t); err == nil {
		t = u
	}
	t = strings.ReplaceAll(t, "\\", "/")
	if strings.HasPrefix(t, "/") {
		return strings.TrimLeft(path.Clean(t), "/")
	}
	return strings.TrimLeft(path.Join(path.Dir("/"+source), t), "/")
}

// relType reports whether a relationship type URI is of the given kind
// (its last segment), in the Transitional or the Strict namespace.
func relType(typ, kind string) bool {
	return strings.HasSuffix(typ, "/"+kind)
}

// open locates the workbook, picks the sheet and returns its reader.
func (p *opcPackage) open() (*fastReader, error) {
	wbPath := ""
	rootRels, _, err := p.rels("")
	if err != nil {
		return nil, err
	}
	for _, rel := range rootRels {
		if relType(rel.Type, "officeDocument") {
			wbPath = resolve("", rel)
			break
		}
	}
	if wbPath == "" && p.lookup("xl/workbook.xml") != nil {
		wbPath = "xl/workbook.xml" // no package relationships: the usual place
	}
	switch {
	case wbPath == "" && p.lookup("mimetype") != nil:
		return nil, xlsxErr("the file is an opendocument spreadsheet (.ods), not xlsx: save it as .xlsx or csv")
	case wbPath == "":
		return nil, xlsxErr("no workbook part (the package relationships name none): not an excel workbook")
	case strings.HasSuffix(strings.ToLower(wbPath), ".bin"):
		return nil, xlsxErr("binary excel workbooks (.xlsb) are not supported: save the file as .xlsx or csv")
	}
	wbFile := p.lookup(wbPath)
	if wbFile == nil {
		return nil, xlsxErr("the workbook part %q is missing", wbPath)
	}
	if err := p.check(wbFile, partMeta); err != nil {
		return nil, err
	}
	var wb xmlWorkbook
	if err := decodePart(wbFile, &wb, p.o.MaxXMLSize); err != nil {
		return nil, err
	}
	wbRels, found, err := p.rels(wbPath)
	if err != nil {
		return nil, err
	}
	if !found && len(wb.Sheets) > 0 {
		dir, base := path.Split(wbPath)
		return nil, xlsxErr("the workbook's relationships part %q is missing: its %d sheets cannot be located", dir+"_rels/"+base+".rels", len(wb.Sheets))
	}
	relByID := map[string]xmlRel{}
	var stylesPath, sstPath string
	for _, rel := range wbRels {
		relByID[rel.ID] = rel
		switch {
		case relType(rel.Type, "styles") && stylesPath == "":
			stylesPath = resolve(wbPath, rel)
		case relType(rel.Type, "sharedStrings") && sstPath == "":
			sstPath = resolve(wbPath, rel)
		}
	}

	x := &fastReader{o: *p.o, date1904: isTrue(wb.Pr.Date1904)}
	info := make([]sheetInfo, len(wb.Sheets))
	targets := make([]string, len(wb.Sheets))
	for i, s := range wb.Sheets {
		x.names = append(x.names, s.Name)
		rel, ok := relByID[s.RID]
		info[i] = sheetInfo{name: s.Name, visible: s.State == "" || s.State == "visible", worksheet: ok && relType(rel.Type, "worksheet")}
		if ok {
			targets[i] = resolve(wbPath, rel)
		}
	}
	i, err := pickSheet(info, p.o.Sheet)
	if err != nil {
		return nil, err
	}
	if !info[i].worksheet {
		return nil, fmt.Errorf("%w: %q is not a worksheet", ErrSheetNotFound, info[i].name)
	}
	x.sheet = info[i].name
	sheet := p.lookup(targets[i])
	if sheet == nil {
		return nil, xlsxErr("the part %q of sheet %q is missing", targets[i], info[i].name)
	}

	// Check the declared sizes, then inflate once to verify the checksums
	// and count the markup.
	var styles, sst *zip.File
	if stylesPath != "" {
		styles = p.lookup(stylesPath)
	}
	if sstPath != "" {
		sst = p.lookup(sstPath)
	}
	// The worksheet and the shared strings are checked as they are read
	// (archive/zip verifies a part's size and CRC-32 when it is read to its
	// end), not inflated twice; the styles, decoded whole, are verified and
	// their markup counted first.
	for _, pr := range []partRef{{sheet, partSheet}, {sst, partSharedStr}, {styles, partMeta}} {
		if pr.zf == nil {
			continue
		}
		if err := p.check(pr.zf, pr.kind); err != nil {
			return nil, err
		}
	}
	if styles != nil {
		if _, err := verifyParts([]partRef{{styles, partMeta}}, 0); err != nil {
			return nil, err
		}
	}

	var st xmlStyles
	if err := decodePart(styles, &st, p.o.MaxXMLSize); err != nil {
		return nil, err
	}
	x.styles = styleKinds(&st)
	if err := x.sst.load(sst, max(minSharedStrings, p.o.MaxUnzipSize/sharedStringCost), p.o); err != nil {
		x.sst.free()
		return nil, err
	}
	rc, err := sheet.Open()
	if err != nil {
		x.sst.free()
		return nil, xlsxErr("part %q: %v", sheet.Name, err)
	}
	x.rc = newAheadReader(rc)
	x.sc = newXMLScanner(x.rc, fastMaxTag)
	return x, nil
}

// isTrue reads an xsd:boolean attribute.
func isTrue(v string) bool {
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}

// partRef is a part to verify and its role.
type partRef struct {
	zf   *zip.File
	kind partKind
}

// verifyParts inflates the parts once: archive/zip checks each one's size
// and CRC-32 (a part cut short would otherwise read as a shorter part), the
// markup decoded whole is counted, and so are the shared strings, whose
// number it returns.
func verifyParts(parts []partRef, maxSharedStrings int64) (sharedStrings int64, err error) {
	var meta int64
	br := bufio.NewReaderSize(nil, 64<<10)
	for _, pr := range parts {
		zf, kind := pr.zf, pr.kind
		rc, err := zf.Open()
		if err != nil {
			return 0, xlsxErr("part %q: %v", zf.Name, err)
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
				return 0, tooLarge("workbook parts have more than %d tags", maxMarkup)
			}
			if si > maxSharedStrings {
				_ = rc.Close()
				return 0, tooLarge("more than %d shared strings", maxSharedStrings)
			}
		}
		_ = rc.Close()
		if err != io.EOF {
			return 0, xlsxErr("part %q is corrupt: %v", zf.Name, err)
		}
		if kind == partMeta {
			meta += tags
		}
		if kind == partSharedStr {
			sharedStrings += si
		}
	}
	return sharedStrings, nil
}

// isSITag reports whether b (just after a '<') is the name "si" or "x:si"
// followed by a delimiter.
func isSITag(b []byte) bool {
	if k := bytes.IndexAny(b, ":> /\t\r\n"); k >= 0 && b[k] == ':' {
		b = b[k+1:]
	}
	return len(b) >= 3 && b[0] == 's' && b[1] == 'i' && strings.IndexByte("> /\t\r\n", b[2]) >= 0
}
