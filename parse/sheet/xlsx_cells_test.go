package sheet

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestXLSXCellRule: an empty s attribute is the default style (issue 11:
// calamine's empty_s_attribute.xlsx read as 0 rows); a cell that cannot be
// read rejects its row with ErrBadCell naming the cell, and no row
// disappears, even one made only of such cells.
func TestXLSXCellRule(t *testing.T) {
	deep := strings.Repeat("<x>", 40) + "<v>1</v>" + strings.Repeat("</x>", 40)
	sheet := `<row r="1"><c r="A1" s=""><v>1</v></c><c r="B1" s="" t="s"><v>0</v></c></row>` +
		`<row r="2"><c r="A2" t="s"><v>7</v></c></row>` + // only an index out of the table
		`<row r="3"><c r="A3" t="s"><v>0</v></c><c r="C3" t="s"><v>x</v></c></row>` +
		`<row r="4"><c r="A4" s="x"><v>2</v></c></row>` +
		`<row r="5"><c r="B5">` + deep + `</c></row>` +
		`<row r="6"><c r="A6" t="s"><v>-1</v></c><c r="B6" t="s"><v>99</v></c></row>` +
		`<row r="7"><c r="A7"><v>7</v></c></row>`
	data := craftXLSX(t, sheet, `<si><t>text</t></si>`, "", false)
	rows, _, err := readAll(t, OpenXLSX, data, Options{})
	require.NoError(t, err)
	assert.Equal(t, []testRow{
		{1, []string{"1", "text"}},
		{2, []string{"!bad A2"}},
		{3, []string{"!bad C3"}},
		{4, []string{"!bad A4"}},
		{5, []string{"!bad B5"}},
		{6, []string{"!bad A6"}},
		{7, []string{"7"}},
	}, rows)

	r, err := OpenXLSX(bytes.NewReader(data), int64(len(data)), Options{})
	require.NoError(t, err)
	defer r.Close()
	_, _, err = r.Next()
	require.NoError(t, err)
	_, _, err = r.Next()
	assert.ErrorIs(t, err, ErrBadCell)
	assert.EqualError(t, err, "cell A2: cell cannot be read: shared string index 7 is outside the table of 1 strings")
}

// TestXLSXDateCells: t="d" cells, as Strict Open XML stores dates, render
// like the dates of number cells (issue 11: "2009-05-07T11:01:02.00000024"
// and "PT0H11M0.000S" came out raw).
func TestXLSXDateCells(t *testing.T) {
	for _, tc := range []struct {
		v, s, want string
	}{
		{"2009-05-07T11:01:02.00000024", "", "2009-05-07 11:01:02"},
		{"2009-05-07T11:01:02Z", "", "2009-05-07 11:01:02"},
		{"2009-05-07T11:01:02.6+02:00", "", "2009-05-07 11:01:03"},
		{"2009-05-07", "", "2009-05-07"},
		{"2009-05-07T00:00:00", "", "2009-05-07 00:00:00"},
		{"2009-05-07T11:01:02", "1", "2009-05-07"},         // a date style shows the date
		{"2009-05-07T11:01:02", "5", "11:01:02"},           // a time style the time
		{"1899-12-31T11:01:00", "", "1899-12-31 11:01:00"}, // a time of day saved by Excel
		{"11:01:02", "", "11:01:02"},
		{"PT0H11M0.000S", "", "00:11:00"},
		{"PT36H", "", "36:00:00"},
		{"P1DT2H30M", "", "26:30:00"},
		{"not a date", "", "!bad A1"},
	} {
		s := ""
		if tc.s != "" {
			s = ` s="` + tc.s + `"`
		}
		data := craftXLSX(t, `<row r="1"><c r="A1" t="d"`+s+`><v>`+tc.v+`</v></c></row>`, "", craftStyles, false)
		rows, _, err := readAll(t, OpenXLSX, data, Options{})
		require.NoError(t, err)
		assert.Equal(t, []testRow{{1, []string{tc.want}}}, rows, "%s s=%q", tc.v, tc.s)
	}
}

// TestXLSXStrict reads a Strict Open XML workbook: its namespaces and
// relationship types differ from Transitional, and it stores dates as t="d".
func TestXLSXStrict(t *testing.T) {
	const (
		rels = `xmlns="http://schemas.openxmlformats.org/package/2006/relationships"`
		typ  = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
		ns   = `xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships"`
	)
	data := zipParts(t,
		zipPart{"_rels/.rels", `<Relationships ` + rels + `><Relationship Id="rId1" Type="` + typ + `officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		zipPart{"xl/workbook.xml", `<workbook ` + ns + `><sheets><sheet name="Strict" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		zipPart{"xl/_rels/workbook.xml.rels", `<Relationships ` + rels + `><Relationship Id="rId1" Type="` + typ + `worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="` + typ + `sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		zipPart{"xl/sharedStrings.xml", `<sst ` + ns + `><si><t>when</t></si></sst>`},
		zipPart{"xl/worksheets/sheet1.xml", `<worksheet ` + ns + `><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="d"><v>2009-05-07T11:01:02.00000024</v></c><c r="C1" t="d"><v>PT0H11M0.000S</v></c></row></sheetData></worksheet>`},
	)
	rows, sheets, err := readAll(t, OpenXLSX, data, Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"Strict"}, sheets)
	assert.Equal(t, []testRow{{1, []string{"when", "2009-05-07 11:01:02", "00:11:00"}}}, rows)
}

// TestXLSXNumbersAsStored: numbers read exactly as stored, as openpyxl and
// xlrd read them (issue 11 corpus: 1.0413926851582251 read
// "1.04139268515823"), and elapsed-time formats read as durations (calamine's
// date.xlsx: "255:10:10", not "10.6320601851852").
func TestXLSXNumbersAsStored(t *testing.T) {
	styles := `<numFmts count="1"><numFmt numFmtId="164" formatCode="[h]:mm:ss"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="46"/></cellXfs>`
	sheet := `<row r="1"><c r="A1"><v>1.0413926851582251</v></c><c r="B1"><v>1234567890123456789</v></c><c r="C1"><v>-0</v></c><c r="D1"><v>0010</v></c><c r="E1"><v>1E+20</v></c></row>` +
		`<row r="2"><c r="A2" s="1"><v>10.6320601851852</v></c><c r="B2" s="2"><v>0.00763888888888897</v></c><c r="C2" s="1"><v>-1.5</v></c></row>`
	rows, _, err := readAll(t, OpenXLSX, craftXLSX(t, sheet, "", styles, false), Options{})
	require.NoError(t, err)
	assert.Equal(t, []testRow{
		{1, []string{"1.0413926851582251", "1234567890123456789", "0", "10", "100000000000000000000"}},
		{2, []string{"255:10:10", "00:11:00", "-36:00:00"}},
	}, rows)
}

// TestXLSXSharedStringsOffHeap: the shared string table is held outside
// the Go heap (issue 15: decoded on the heap, the table of a 1,048,575-row
// workbook raised the import's peak RSS to 179 MiB), and the rows read stay
// valid after the reader is closed and the table freed.
func TestXLSXSharedStringsOffHeap(t *testing.T) {
	var sst, sheet strings.Builder
	const n = 20_000
	for i := range n {
		fmt.Fprintf(&sst, "<si><t>%06d-%s</t></si>", i, strings.Repeat("é", 200))
	}
	for i := range n / 10 {
		fmt.Fprintf(&sheet, `<row r="%d"><c t="s"><v>%d</v></c></row>`, i+1, n-1-i)
	}
	data := craftXLSX(t, sheet.String(), sst.String(), "", false)
	table := n * 407 // bytes of decoded text

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r, err := OpenXLSX(bytes.NewReader(data), int64(len(data)), Options{})
	require.NoError(t, err)
	runtime.GC()
	runtime.ReadMemStats(&after)
	if !raceEnabled {
		assert.Less(t, int64(after.HeapAlloc)-int64(before.HeapAlloc), int64(table/4), "heap grown by the table")
	}

	var rows [][]string
	for {
		_, cells, err := r.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		rows = append(rows, cells)
	}
	require.NoError(t, r.Close())
	require.Len(t, rows, n/10)
	for i, cells := range rows {
		assert.Equal(t, fmt.Sprintf("%06d-%s", n-1-i, strings.Repeat("é", 200)), cells[0])
	}
}

// TestXLSXEmptyTag: "<>" in a part is a syntax error, not a recovered
// panic (found by FuzzXLSXFast).
func TestXLSXEmptyTag(t *testing.T) {
	for _, data := range [][]byte{
		craftXLSX(t, `<row r="1"><c r="A1"><v>1</v></c></row><>`, "", "", false),
		craftXLSX(t, `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`, `<si><t>a</t></si><>`, "", false),
	} {
		before := recovered.Load()
		_, _, err := readAll(t, OpenXLSX, data, Options{})
		assert.ErrorIs(t, err, ErrMalformed)
		assert.Equal(t, before, recovered.Load(), "a panic was recovered")
	}
}

// TestXLSXCellPlacement: a cell goes to the column its reference names,
// even after a cell to its right, and a later cell at the same address
// wins, as openpyxl and calamine read them; the excelize rule put such a
// cell after the last one, shifting it into another column (an email into
// the phone column). A cell without a reference goes after the last.
func TestXLSXCellPlacement(t *testing.T) {
	sheet := `<row r="1"><c r="C1"><v>1</v></c><c><v>2</v></c><c r="A1"><v>3</v></c><c r="A1"><v>4</v></c></row>`
	rows, _, err := readAll(t, OpenXLSX, craftXLSX(t, sheet, "", "", false), Options{})
	require.NoError(t, err)
	assert.Equal(t, []testRow{{1, []string{"4", "", "1", "2"}}}, rows)
}
