package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/contactpipe/contactpipe/bench"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readResult is everything a reader produced for one input.
type readResult struct {
	rows   []testRow
	sheets []string
	err    error
}

// readWith reads every row with open, stopping at the first error.
func readWith(open func(io.ReaderAt, int64, Options) (Reader, error), data []byte, opts Options) readResult {
	r, err := open(bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		return readResult{err: err}
	}
	defer r.Close()
	res := readResult{sheets: r.Sheets()}
	for i := 0; i < 1<<21; i++ {
		row, cells, err := r.Next()
		if err == io.EOF {
			return res
		}
		if errors.Is(err, ErrBadCell) {
			res.rows = append(res.rows, badRow(nil, row, err))
			continue
		}
		if err != nil {
			res.err = err
			return res
		}
		res.rows = append(res.rows, testRow{row, cells})
	}
	res.err = errors.New("too many rows")
	return res
}

// sentinel names the package error err wraps, "" for nil.
func sentinel(err error) string {
	if err == nil {
		return ""
	}
	for _, s := range []error{ErrSheetNotFound, ErrEncrypted, ErrTooLarge, ErrMalformed} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return "other: " + err.Error()
}

// sheetXMLBroken reports whether the worksheet or shared strings part that
// opts selects is not well-formed XML by encoding/xml. excelize's iterator
// stops silently at a syntax error (losing the rest of the sheet); the fast
// reader reports ErrMalformed instead, a documented difference.
func sheetXMLBroken(data []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	for _, zf := range zr.File {
		k := classifyPart(zf.Name)
		if k != partSheet && k != partSharedStr {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return true
		}
		d := xml.NewDecoder(rc)
		d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				rc.Close()
				return true
			}
		}
		rc.Close()
	}
	return false
}

// diffReaders compares the fast reader with the excelize reader on data and
// returns a description of the first difference, "" when they agree. The
// documented differences allowed:
//   - the sheet or shared strings are not well-formed XML: excelize stops
//     silently, the fast reader fails with ErrMalformed; the rows excelize
//     read must be the fast reader's rows, or they must both fail.
//   - both fail, with different sentinels or at different rows: both
//     refuse the file (excelize reports a broken shared-string table at the
//     first row, the fast reader when opening).
//   - excelize refuses the file and the fast reader reads it whole: the
//     fault is in a part the fast reader does not need (the content types,
//     another sheet...; it finds parts through the relationships and
//     verifies the checksum of every part it reads).
//   - a row holds a cell whose reference names a column at or before one
//     already placed (C2 then A2): the fast reader places it where its
//     reference says, as openpyxl and calamine do; excelize puts it after
//     the last cell, shifting the columns (backwardRefs).
//   - a cell cannot be read (a shared string index outside the table, a
//     style that is not a number, ...): excelize reads it blank or drops
//     it, the fast reader rejects its row with ErrBadCell; rows are
//     compared up to the first such row.
func diffReaders(data []byte, opts Options) string {
	fast := readWith(openXLSXFastPath, data, opts)
	ref := readWith(openXLSXExcelize, data, opts)
	if fast.err == nil && ref.err != nil {
		return "" // a fault in a part the fast reader does not read
	}
	if backwardRefs(data) {
		return "" // excelize shifts a cell whose reference goes back
	}
	for i, r := range fast.rows {
		if len(r.Cells) == 1 && strings.HasPrefix(r.Cells[0], "!bad") {
			fast.rows, fast.err = fast.rows[:i], nil
			ref.rows, ref.err = ref.rows[:min(i, len(ref.rows))], nil
			break
		}
	}
	if fast.err != nil && ref.err != nil {
		return ""
	}
	if fast.err == nil && ref.err == nil || !sheetXMLBroken(data) {
		if sentinel(fast.err) != sentinel(ref.err) {
			return fmt.Sprintf("errors differ: fast %v, excelize %v", fast.err, ref.err)
		}
		if fast.err == nil && len(ref.sheets) > 0 && !equalStrings(fast.sheets, ref.sheets) {
			return fmt.Sprintf("sheets differ: fast %q, excelize %q", fast.sheets, ref.sheets)
		}
		return diffRows(fast.rows, ref.rows)
	}
	// Broken XML: excelize's rows are a prefix of the fast reader's (which
	// fails), or the fast reader read the whole and excelize failed.
	n := min(len(fast.rows), len(ref.rows))
	if d := diffRows(fast.rows[:n], ref.rows[:n]); d != "" {
		return d
	}
	return ""
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// equalCells compares a row's cells, allowing one documented difference:
// excelize renders a date serial below 1 as the impossible day "1900-01-00"
// (also in the 1904 date system, where 0.5 is 1904-01-01 12:00); the fast
// reader renders it as the XLS reader does (excelDate: 1899-12-31 in the
// 1900 system, 1904-01-01 in the 1904 system).
//
// And one more: excelize renders a number stored with more than 15
// significant digits rounded to 15 ("0.123456789012346"), the fast reader
// exactly ("0.12345678901234568"); they are equal when they agree to 15
// significant digits.
func equalCells(fast, ref []string) bool {
	if len(fast) != len(ref) {
		return false
	}
	for i := range fast {
		if fast[i] != ref[i] && !strings.HasPrefix(ref[i], "1900-01-00") && !sameTo15Digits(fast[i], ref[i]) {
			return false
		}
	}
	return true
}

func sameTo15Digits(a, b string) bool {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	return errA == nil && errB == nil && (x == y || strconv.FormatFloat(x, 'g', 15, 64) == strconv.FormatFloat(y, 'g', 15, 64))
}

func diffRows(fast, ref []testRow) string {
	for i := 0; i < min(len(fast), len(ref)); i++ {
		f, r := fast[i], ref[i]
		if f.Row != r.Row || !equalCells(f.Cells, r.Cells) {
			return fmt.Sprintf("row %d differs: fast %d %q, excelize %d %q", i, f.Row, f.Cells, r.Row, r.Cells)
		}
	}
	if len(fast) != len(ref) {
		return fmt.Sprintf("fast read %d rows, excelize %d", len(fast), len(ref))
	}
	return ""
}

// craftXLSX builds a workbook from its sheet, shared strings and styles
// parts ("" leaves a part out).
func craftXLSX(t testing.TB, sheetXML, sstXML, stylesXML string, date1904 bool) []byte {
	t.Helper()
	pr := ""
	if date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` + pr + `<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + sheetXML + `</sheetData></worksheet>`},
	}
	if sstXML != "" {
		parts = append(parts, struct{ name, body string }{"xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + sstXML + `</sst>`})
	}
	if stylesXML != "" {
		parts = append(parts, struct{ name, body string }{"xl/styles.xml", `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + stylesXML + `</styleSheet>`})
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		require.NoError(t, err)
		_, err = io.WriteString(w, p.body)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return b.Bytes()
}

// craftStyles has cell formats: 0 General, 1 date (14), 2 custom date, 3
// zero padding 00000, 4 date-time (22), 5 time (21), 6 percent (10), 7
// text (49), 8 General again.
const craftStyles = `<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="00000"/></numFmts>` +
	`<cellXfs count="9"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="22"/><xf numFmtId="21"/><xf numFmtId="10"/><xf numFmtId="49"/><xf/></cellXfs>`

// craftSST has rich runs, phonetic runs, escapes, entities and spaces.
const craftSST = `<si><t>plain</t></si>` +
	`<si><r><rPr><b/></rPr><t>ri</t></r><r><t xml:space="preserve"> ch </t></r></si>` +
	`<si><t>base</t><rPh sb="0" eb="1"><t>ignored</t></rPh></si>` +
	`<si><t>a_x000D_b_x005F_x0041_c_xD800_d</t></si>` +
	`<si><t>&lt;&amp;&gt;&quot;&apos;&#233;&#x1F600;</t></si>` +
	`<si><t xml:space="preserve">  two  </t></si>` +
	`<si><t/></si>` +
	`<si><t><![CDATA[<cdata&>]]></t></si>` +
	`<si><t>line&#13;&#10;end</t></si>` +
	`<si><t>12345</t></si>`

// craftCases are worksheets that exercise the value rules and excelize's
// placement rules.
var craftCases = []struct {
	name, sheet string
	date1904    bool
}{
	{name: "shared strings", sheet: `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c><c r="G1" t="s"><v>6</v></c><c r="H1" t="s"><v>7</v></c><c r="I1" t="s"><v>8</v></c><c r="J1" t="s" s="1"><v>9</v></c></row>` +
		`<row r="2"><c r="A2" t="s"><v> 1 </v></c><c r="B2" t="s"><v>99</v></c><c r="C2" t="s"><v>x</v></c><c r="D2" t="s"><v>-1</v></c></row>`},
	{name: "inline strings", sheet: `<row r="1"><c r="A1" t="inlineStr"><is><t>in</t></is></c><c r="B1" t="inlineStr"><is><r><t>ri</t></r><r><t>ch</t></r></is></c><c r="C1" t="inlineStr"><is><t>x_x0009_y</t></is></c><c r="D1" t="inlineStr"><v>v only</v></c><c r="E1" t="inlineStr"><is><t>&amp;amp;</t><t>last t wins</t></is></c></row>`},
	{name: "numbers", sheet: `<row r="1"><c r="A1"><v>15551234567</v></c><c r="B1"><v>1.5</v></c><c r="C1"><v>1234567890123456789</v></c><c r="D1"><v>0.1234567890123456789</v></c><c r="E1"><v>1E+20</v></c><c r="F1"><v>1.5e3</v></c><c r="G1"><v>-0</v></c><c r="H1"><v>007</v></c><c r="I1"><v>100000000000000000000</v></c><c r="J1" t="n"><v>2.5</v></c><c r="K1"><v>12345678901234567</v></c><c r="L1"><v>1_000</v></c><c r="M1"><v>NaN</v></c></row>`},
	{name: "styles", sheet: `<row r="1"><c r="A1" s="1"><v>45306</v></c><c r="B1" s="2"><v>45306.75</v></c><c r="C1" s="3"><v>2134</v></c><c r="D1" s="4"><v>45306.5</v></c><c r="E1" s="5"><v>0.75</v></c><c r="F1" s="6"><v>0.5</v></c><c r="G1" s="7"><v>15551234567</v></c><c r="H1" s="99"><v>3</v></c><c r="I1" s="8"><v>4</v></c><c r="J1" s="3"><v>-12</v></c><c r="K1" s="1"><v>abc</v></c><c r="L1" s="3" t="s"><v>9</v></c></row>`},
	{name: "1904 dates", date1904: true, sheet: `<row r="1"><c r="A1" s="1"><v>43844</v></c><c r="B1" s="4"><v>0.5</v></c></row>`},
	{name: "booleans errors formulas", sheet: `<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c><c r="C1" t="b"><v>2</v></c><c r="D1" t="e"><v>#DIV/0!</v></c><c r="E1" t="str"><f>A1</f><v>cached</v></c><c r="F1"><f>1+1</f><v>2</v></c><c r="G1"><f>1+1</f></c><c r="H1" t="str"><v>1E+20</v></c><c r="I1" t="e" s="1"><v>#N/A</v></c></row>`},
	{name: "placement", sheet: `<row r="2"><c r="C2"><v>1</v></c><c><v>2</v></c><c r="A2"><v>3</v></c><c r="B2" t="s"><v>6</v></c><c r="F2"><f>x</f></c><c r="H2" t="str"><v></v></c></row>` +
		`<row><c><v>no r</v></c></row><row r="9"></row><row r="8"><c r="b8"><v>5</v></c></row><row r="20" spans="1:2"><c r="$B$20"><v>6</v></c></row><row r="21"><c r="A21"><v>   </v></c></row>`},
	{name: "entities and spaces", sheet: `<row r="1"><c r="A1" t="str"><v>a&#10;b&#x9;c&amp;</v></c><c r="B1" t="str"><v xml:space="preserve">  x  </v></c><c r="C1" t="str"><v>l1` + "\r\n" + `l2` + "\r" + `l3</v></c><c r="D1" t="str"><v><![CDATA[<&>]]></v></c><!-- comment --><?pi x?><c r="E1" t="str"><v>é</v></c></row>`},
	{name: "dates typed d", sheet: `<row r="1"><c r="A1" t="d"><v>2024-01-15T12:00:00Z</v></c><c r="B1" t="d" s="1"><v>2024-01-15T00:00:00Z</v></c><c r="C1" t="d" s="4"><v>2024-01-15T06:00:00Z</v></c><c r="D1" t="d"><v>not a date</v></c></row>`},
	{name: "namespaced", sheet: `<x:row r="1" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:c r="A1" x:t="inlineStr"><x:is><x:t>pre</x:t></x:is></x:c><x:c r="B1"><x:v>7</x:v></x:c></x:row>`},
	{name: "bad s attribute", sheet: `<row r="1"><c r="A1" s="x"><v>1</v></c><c s="y" r="C1"><v>2</v></c><c r="D1"><v>3</v></c></row>`},
	{name: "empty rows only", sheet: `<row r="1"/><row r="2"><c r="A2"/></row>`},
}

// TestFastMatchesExcelize reads every test workbook, the bench generator's
// workbooks and crafted sheets with both readers and requires the same
// rows, sheets and errors.
func TestFastMatchesExcelize(t *testing.T) {
	type input struct {
		name string
		data []byte
		opts Options
	}
	var inputs []input
	files, err := filepath.Glob("testdata/*.xlsx")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		inputs = append(inputs, input{name: filepath.Base(name), data: data})
		res := readWith(openXLSXExcelize, data, Options{})
		require.NoError(t, res.err)
		for _, s := range res.sheets {
			inputs = append(inputs, input{name: filepath.Base(name) + "/" + s, data: data, opts: Options{Sheet: s}})
		}
		for _, o := range []Options{{MaxCells: 3}, {MaxCellBytes: 4}, {Sheet: "nope"}} {
			inputs = append(inputs, input{name: fmt.Sprintf("%s/%+v", filepath.Base(name), o), data: data, opts: o})
		}
	}
	for _, format := range []bench.Format{bench.XLSXShared, bench.XLSXInline} {
		var b bytes.Buffer
		_, err := bench.Generate(&b, 5000, bench.Options{Format: format, Seed: 7})
		require.NoError(t, err)
		inputs = append(inputs, input{name: string(format), data: b.Bytes()})
	}
	for _, c := range craftCases {
		inputs = append(inputs, input{name: "craft/" + c.name, data: craftXLSX(t, c.sheet, craftSST, craftStyles, c.date1904)})
	}
	// A table of about 5 MiB crosses a chunk of the fast reader's table.
	var sst, sheet strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&sst, "<si><t>%04d%s</t></si>", i, strings.Repeat("é", 500))
		if i%100 == 0 {
			fmt.Fprintf(&sheet, `<row r="%d">`, i/100+1)
		}
		fmt.Fprintf(&sheet, `<c t="s"><v>%d</v></c>`, 4999-i)
		if i%100 == 99 {
			sheet.WriteString("</row>")
		}
	}
	inputs = append(inputs, input{name: "craft/large sst", data: craftXLSX(t, sheet.String(), sst.String(), "", false)})
	inputs = append(inputs, input{name: "craft/no styles no sst", data: craftXLSX(t, craftCases[2].sheet, "", "", false)})

	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			assert.Empty(t, diffReaders(in.data, in.opts))
			fast := readWith(openXLSXFastPath, in.data, in.opts)
			if strings.HasPrefix(in.name, "xlsx-") {
				require.NoError(t, fast.err)
				assert.Len(t, fast.rows, 5001)
			}
		})
	}
}

// TestFastCraftedValues pins the fast reader's output for the crafted
// sheets, so that a change in both readers is noticed too.
func TestFastCraftedValues(t *testing.T) {
	tests := []struct {
		name string
		want []testRow
	}{
		{"shared strings", []testRow{
			{1, []string{"plain", "ri ch ", "base", "a\rb_x0041_cd", `<&>"'é😀`, "  two  ", "", "<cdata&>", "line\r\nend", "12345"}},
			{2, []string{"!bad B2"}}, // " 1 " is 1; 99 is out of the table
		}},
		{"styles", []testRow{{1, []string{"2024-01-15", "2024-01-15", "02134", "2024-01-15 12:00:00", "18:00:00", "0.5", "15551234567", "3", "4", "-00012", "abc", "12345"}}}},
		{"1904 dates", []testRow{{1, []string{"2024-01-15", "1904-01-01 12:00:00"}}}},
		{"booleans errors formulas", []testRow{{1, []string{"TRUE", "FALSE", "2", "#DIV/0!", "cached", "2", "", "1E+20", "#N/A"}}}},
	}
	byName := map[string]int{}
	for i, c := range craftCases {
		byName[c.name] = i
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := craftCases[byName[tt.name]]
			res := readWith(openXLSXFastPath, craftXLSX(t, c.sheet, craftSST, craftStyles, c.date1904), Options{})
			require.NoError(t, res.err)
			assert.Equal(t, tt.want, res.rows)
		})
	}
}

// TestFastMalformedXML: where excelize stops silently at an XML syntax
// error and loses the rest of the sheet, the fast reader fails with
// ErrMalformed and the row.
func TestFastMalformedXML(t *testing.T) {
	for _, sheet := range []string{
		`<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>&bogus;</v></c></row><row r="3"><c r="A3"><v>3</v></c></row>`,
		`<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2" t="str"><v>` + "\xff" + `</v></c></row>`,
	} {
		data := craftXLSX(t, sheet, "", "", false)
		fast := readWith(openXLSXFastPath, data, Options{})
		ref := readWith(openXLSXExcelize, data, Options{})
		assert.ErrorIs(t, fast.err, ErrMalformed)
		var ce *CellError
		if assert.ErrorAs(t, fast.err, &ce) {
			assert.Equal(t, 2, ce.Row)
		}
		assert.Equal(t, []testRow{{1, []string{"1"}}}, fast.rows)
		assert.NoError(t, ref.err)
		assert.Equal(t, []testRow{{1, []string{"1"}}}, ref.rows, "excelize drops the rest silently")
	}
}

// FuzzXLSXFast compares the fast reader with the excelize reader on
// arbitrary input (diffReaders lists the differences allowed).
func FuzzXLSXFast(f *testing.F) {
	addFiles(f, "*.xlsx")
	for _, c := range craftCases {
		f.Add(craftXLSX(f, c.sheet, craftSST, craftStyles, c.date1904))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := Options{MaxCells: 300, MaxCellBytes: 1 << 16, MaxUnzipSize: 64 << 20, MaxXMLSize: 1 << 20}
		before := recovered.Load()
		if d := diffReaders(data, opts); d != "" {
			t.Fatal(d)
		}
		if recovered.Load() != before {
			t.Fatal("a panic was recovered")
		}
	})
}

// benchXLSX generates an n-row workbook of the bench data set.
func benchXLSX(b *testing.B, n int, format bench.Format) []byte {
	b.Helper()
	var buf bytes.Buffer
	_, err := bench.Generate(&buf, n, bench.Options{Format: format})
	require.NoError(b, err)
	return buf.Bytes()
}

// BenchmarkXLSXReaders reads a generated 100,000-row workbook (shared and
// inline strings) with the fast and the excelize reader.
func BenchmarkXLSXReaders(b *testing.B) {
	const n = 100_000
	for _, format := range []bench.Format{bench.XLSXShared, bench.XLSXInline} {
		data := benchXLSX(b, n, format)
		for _, r := range []struct {
			name string
			open func(io.ReaderAt, int64, Options) (Reader, error)
		}{{"fast", openXLSXFastPath}, {"excelize", openXLSXExcelize}} {
			b.Run(string(format)+"/"+r.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(data)))
				rows := 0
				var m0, m1 runtime.MemStats
				runtime.ReadMemStats(&m0)
				start := time.Now()
				for b.Loop() {
					rd, err := r.open(bytes.NewReader(data), int64(len(data)), Options{})
					require.NoError(b, err)
					rows += countRows(b, rd)
				}
				b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
				runtime.ReadMemStats(&m1)
				b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(max(rows, 1)), "allocs/row")
			})
		}
	}
}

var cellRefRE = regexp.MustCompile(`<(?:\w+:)?c\b[^>]*?\br="\$?([A-Za-z]+)\$?(\d+)"`)

// backwardRefs reports whether a worksheet of data has, within one row, a
// cell reference naming a column at or before the previous cell's.
func backwardRefs(data []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	for _, zf := range zr.File {
		if !strings.Contains(strings.ToLower(zf.Name), "sheet") || zf.UncompressedSize64 > 64<<20 {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		lastRow, lastCol := "", 0
		for _, m := range cellRefRE.FindAllSubmatch(b, -1) {
			col := 0
			for _, c := range bytes.ToUpper(m[1]) {
				col = col*26 + int(c-'A'+1)
			}
			if string(m[2]) == lastRow && col <= lastCol {
				return true
			}
			lastRow, lastCol = string(m[2]), col
		}
	}
	return false
}
