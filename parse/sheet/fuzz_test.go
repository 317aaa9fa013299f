package sheet

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fuzzRead opens data with open, reads every row of the chosen sheet and of
// up to three sheets by name, and fails on a recovered panic or an error
// that is not one of the package's sentinels.
func fuzzRead(t *testing.T, open func(io.ReaderAt, int64, Options) (Reader, error), data []byte) {
	t.Helper()
	before := recovered.Load()
	defer func() {
		if recovered.Load() != before {
			t.Fatalf("a panic was recovered reading %d bytes", len(data))
		}
	}()
	opts := Options{MaxCells: 300, MaxCellBytes: 1 << 16, MaxUnzipSize: 64 << 20, MaxXMLSize: 1 << 20}
	r, err := open(bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		checkSentinel(t, err)
		return
	}
	names := r.Sheets()
	drain(t, r)
	for i, name := range names {
		if i == 3 {
			break
		}
		opts.Sheet = name
		if r, err := open(bytes.NewReader(data), int64(len(data)), opts); err == nil {
			drain(t, r)
		} else {
			checkSentinel(t, err)
		}
	}
}

// countRows reads every row of r, fails tb on an error, closes r and returns the row count.
func countRows(tb testing.TB, r Reader) int {
	tb.Helper()
	rows := 0
	for {
		_, _, err := r.Next()
		if err == io.EOF {
			break
		}
		require.NoError(tb, err)
		rows++
	}
	require.NoError(tb, r.Close())
	return rows
}

func drain(t *testing.T, r Reader) {
	t.Helper()
	defer r.Close()
	last := 0
	for i := 0; i < 1<<20; i++ {
		row, _, err := r.Next()
		if err == io.EOF {
			return
		}
		if errors.Is(err, ErrBadCell) {
			var ce *CellError
			if !errors.As(err, &ce) || ce.Row != row || ce.Column < 1 || row <= last {
				t.Fatalf("bad cell error without its cell, or out of order after row %d: row %d, %v", last, row, err)
			}
			last = row
			continue
		}
		if err != nil {
			checkSentinel(t, err)
			if _, _, again := r.Next(); again == nil || again == io.EOF {
				t.Fatalf("error not sticky: %v then %v", err, again)
			}
			return
		}
		if row <= last {
			t.Fatalf("row %d after row %d", row, last)
		}
		last = row
	}
	t.Fatal("more than 1Mi rows")
}

func checkSentinel(t *testing.T, err error) {
	t.Helper()
	for _, s := range []error{ErrMalformed, ErrTooLarge, ErrEncrypted, ErrSheetNotFound} {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("error without a sentinel: %v", err)
}

func addFiles(f *testing.F, pattern string) {
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzXLS reads arbitrary bytes as a legacy XLS workbook: never a panic, a
// hang or an error without a sentinel. Seeded with the real .xls files.
func FuzzXLS(f *testing.F) {
	addFiles(f, "*.xls")
	addFiles(f, "corpus/*/*.xls")
	for _, seed := range xlsSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, OpenXLS, data) })
}

// FuzzXLSX reads arbitrary bytes as an XLSX workbook. Seeded with the real
// .xlsx files, the public corpus and a workbook of each defect class of
// issue 11.
func FuzzXLSX(f *testing.F) {
	addFiles(f, "*.xlsx")
	addFiles(f, "corpus/*/*.xls[xm]")
	for _, seed := range xlsxDefectSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, OpenXLSX, data) })
}

// xlsxDefectSeeds are small workbooks of each XLSX defect class of issue 11:
// unreadable cells, an empty s attribute, t="d" dates, Strict Open XML,
// parts found only through the relationships, two entries of one name.
func xlsxDefectSeeds(tb testing.TB) [][]byte {
	std := func(extra ...zipPart) []byte {
		return zipParts(tb, append([]zipPart{
			{"_rels/.rels", relsXML("rId1", "officeDocument", "xl/workbook.xml")},
			{"xl/workbook.xml", workbookXML("A")},
			{"xl/_rels/workbook.xml.rels", relsXML("rId1", "worksheet", "worksheets/a.xml")},
		}, extra...)...)
	}
	return [][]byte{
		craftXLSX(tb, `<row r="1"><c r="A1" s=""><v>1</v></c><c r="B1" t="s"><v>7</v></c><c r="C1" s="x"><v>1</v></c></row><row r="2"><c r="A2" t="d"><v>2009-05-07T11:01:02.00000024</v></c><c r="B2" t="d"><v>PT0H11M0.000S</v></c></row>`, `<si><t>a</t></si>`, craftStyles, false),
		craftXLSX(tb, `<row r="1"><c r="A1">`+strings.Repeat("<x>", 40)+`<v>1</v>`+strings.Repeat("</x>", 40)+`</c></row>`, "", "", false),
		zipParts(tb,
			zipPart{"_rels/.rels", relsXML("rId1", "officeDocument", "/wtf/Book.xml")},
			zipPart{"wtf/Book.xml", workbookXML("Contacts")},
			zipPart{"wtf/_rels/Book.xml.rels", relsXML("rId1", "worksheet", "../sheets/one.xml", "rId2", "sharedStrings", "strings/table.xml", "rId3", "styles", "/look/st.xml")},
			zipPart{"sheets/one.xml", opcSheet}, zipPart{"wtf/strings/table.xml", opcSST}, zipPart{"look/st.xml", opcStyles}),
		std(zipPart{"xl/worksheets/a.xml", opcSheet}, zipPart{"xl/worksheets/A.xml", opcSheet}),
		std(),
	}
}
