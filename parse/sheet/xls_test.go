package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readAll opens path with open and returns every row.
func readAll(t *testing.T, open func(io.ReaderAt, int64, Options) (Reader, error), data []byte, opts Options) ([]testRow, []string, error) {
	t.Helper()
	r, err := open(bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		return nil, nil, err
	}
	defer func() { assert.NoError(t, r.Close()) }()
	var rows []testRow
	for {
		row, cells, err := r.Next()
		if err == io.EOF {
			return rows, r.Sheets(), nil
		}
		if errors.Is(err, ErrBadCell) {
			rows = append(rows, badRow(t, row, err))
			continue
		}
		if err != nil {
			return rows, r.Sheets(), err
		}
		rows = append(rows, testRow{row, cells})
	}
}

// badRow is how readAll and readWith record a row returned with
// ErrBadCell: one cell "!bad " and the cell reference.
func badRow(t testing.TB, row int, err error) testRow {
	var ce *CellError
	if !errors.As(err, &ce) || ce.Row != row {
		if t == nil {
			return testRow{row, []string{"!bad without its cell"}}
		}
		t.Errorf("row %d: bad cell error without the row's CellError: %v", row, err)
		return testRow{row, []string{"!bad"}}
	}
	return testRow{row, []string{"!bad " + ColumnName(ce.Column) + strconv.Itoa(ce.Row)}}
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return data
}

// contactsRows is the "Contacts" sheet of contacts.xls and contacts.xlsx
// (make_xls.py, makexlsx) and of their LibreOffice conversions.
var contactsRows = []testRow{
	{1, []string{"firstName", "lastName", "msisdn", "email", "country", "zip", "joined", "score", "vip", "formula"}},
	{2, []string{"Ana", "Müller", "15551234567", "ana@example.com", "US", "02134", "2024-01-15", "12.34", "TRUE"}},
	{4, []string{"Søren", "Ødegård", "447911123456", "soren@example.dk", "GB", "", "2023-12-31 23:59:58", "42", "FALSE"}},
	{5, []string{"李", "雷", "+86 138 0013 8000", "", "CN", "", "", "0.1"}},
	{6, []string{"Zoë", "", "", "zoe@example.com"}},
	{7, []string{"Numbers", "", "-7", "", "", "1.5", "", "3.14159", "100000000000000000000"}},
}

var contactsSheets = []string{"Notes", "Contacts", "Données"}

// withFormula is contactsRows with the formula's cached value that
// LibreOffice computes and saves (xlwt and excelize save none).
func withFormula() []testRow {
	rows := append([]testRow(nil), contactsRows...)
	rows[1] = testRow{2, append(append([]string(nil), contactsRows[1].Cells...), "2")}
	return rows
}

func TestXLSFiles(t *testing.T) {
	longRow := func(i int) testRow {
		return testRow{i + 1, []string{
			"name-" + pad5(i), "müller-" + pad5(i), "имя-" + pad5(i) + "-✓",
		}}
	}
	tests := []struct {
		file   string
		sheet  string
		want   []testRow
		sheets []string
	}{
		{file: "contacts.xls", want: contactsRows, sheets: contactsSheets},
		{file: "contacts.xls", sheet: "Données", want: []testRow{{1, []string{"clé", "valeur"}}, {2, []string{"Ελληνικά", "7"}}}, sheets: contactsSheets},
		{file: "contacts.xls", sheet: "notes", want: []testRow{{1, []string{"this sheet is hidden"}}}, sheets: contactsSheets},
		{file: "libreoffice_contacts.xls", want: withFormula(), sheets: contactsSheets},
		{file: "long_sst.xls", want: []testRow{longRow(0), longRow(1), longRow(2999), {3001, []string{
			strings.Repeat("abc€", 2600), strings.Repeat("x", 9000) + "😀" + strings.Repeat("y", 10),
		}}}, sheets: []string{"Long"}},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.sheet, func(t *testing.T) {
			rows, sheets, err := readAll(t, OpenXLS, readFile(t, tt.file), Options{Sheet: tt.sheet})
			require.NoError(t, err)
			assert.Equal(t, tt.sheets, sheets)
			if tt.file == "long_sst.xls" {
				require.Len(t, rows, 3001)
				rows = []testRow{rows[0], rows[1], rows[2999], rows[3000]}
			}
			assert.Equal(t, tt.want, rows)
		})
	}
}

func pad5(i int) string { return fmt.Sprintf("%05d", i) }

func TestXLSRecords(t *testing.T) {
	for _, tc := range xlsRecordCases() {
		t.Run(tc.name, func(t *testing.T) {
			rows, _, err := readAll(t, OpenXLS, tc.file, Options{})
			if tc.err != nil {
				require.Error(t, err)
				assert.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, rows)
		})
	}
}

func TestXLSErrors(t *testing.T) {
	contacts := readFile(t, "contacts.xls")
	xlsx := readFile(t, "contacts.xlsx")
	tests := []struct {
		name string
		data []byte
		opts Options
		err  error
		msg  string
	}{
		{"encrypted ooxml", encryptedOOXML(), Options{}, ErrEncrypted, "encrypted"},
		{"xlsx given as xls", xlsx, Options{}, ErrMalformed, "xlsx (zip)"},
		{"html table", []byte("<html><table><tr><td>a</td></tr></table></html>"), Options{}, ErrMalformed, "html"},
		{"tab text", []byte("a\tb\nc\td\n"), Options{}, ErrMalformed, "not an ole2"},
		{"empty", nil, Options{}, ErrMalformed, "not an ole2"},
		{"missing sheet", contacts, Options{Sheet: "Nope"}, ErrSheetNotFound, `"Nope" (sheets: "Notes", "Contacts", "Données")`},
		{"too many cells", contacts, Options{MaxCells: 5}, ErrTooLarge, "cell F1"},
		{"cell too long", contacts, Options{MaxCellBytes: 6}, ErrTooLarge, "cell A1"},
		{"no workbook stream", buildCFB([]string{"WordDocument"}, [][]byte{{1}}), Options{}, ErrMalformed, "no workbook stream"},
		{"excel 95", buildCFB([]string{"Book"}, [][]byte{rec(recBOF, u16(0x0500), u16(5))}), Options{}, ErrMalformed, "excel 5.0/95 workbooks (biff5) are not supported: open the file in excel or libreoffice and save it as .xlsx or csv"},
		{"excel 4 (bare biff)", cat(rec(0x0409, u16(0), u16(0x10), u16(0)), eof()), Options{}, ErrMalformed, "excel 2.x-4.x workbooks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readAll(t, OpenXLS, tt.data, tt.opts)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.err)
			assert.Contains(t, err.Error(), tt.msg)
			assert.Equal(t, strings.ToLower(err.Error()[:1]), err.Error()[:1])
		})
	}
}

func TestCellError(t *testing.T) {
	_, _, err := readAll(t, OpenXLS, readFile(t, "contacts.xls"), Options{MaxCellBytes: 8})
	var ce *CellError
	require.True(t, errors.As(err, &ce), "%v", err)
	assert.Equal(t, 1, ce.Row)
	assert.Equal(t, 1, ce.Column) // "firstName" is 9 bytes
	assert.ErrorIs(t, err, ErrTooLarge)
}

// BenchmarkXLS60k reads a generated 60,000-row BIFF8 workbook (LABEL,
// NUMBER and RK cells; the format allows 65,536 rows per sheet).
func BenchmarkXLS60k(b *testing.B) {
	const n = 60_000
	recs := make([][]byte, 0, 4*n)
	for i := 0; i < n; i++ {
		r := uint16(i)
		recs = append(recs,
			rec(recLabel, rcx(r, 0, 0), xlString(fmt.Sprintf("First%d", i), 2)),
			rec(recLabel, rcx(r, 1, 0), xlString(fmt.Sprintf("user%d@example.com", i), 2)),
			rec(recNumber, rcx(r, 2, 0), f64(float64(15551000000+i))),
			rec(recRK, rcx(r, 3, 0), u32(rkInt(int32(i)))),
		)
	}
	data := buildXLS(nil, []testSheet{{name: "Contacts", records: recs}})
	rows := 0
	start := time.Now()
	for b.Loop() {
		r, err := OpenXLS(bytes.NewReader(data), int64(len(data)), Options{})
		require.NoError(b, err)
		rows += countRows(b, r)
	}
	b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
}
