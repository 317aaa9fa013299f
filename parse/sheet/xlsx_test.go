package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// streamRows is stream.xlsx (makexlsx) and its LibreOffice conversion.
var streamRows = []testRow{
	{1, []string{"kind", "value", "formula"}},
	{2, []string{"general-bold", "447911123456", "447911123456"}}, // excelize alone would say 4.479111235E+11
	{3, []string{"scientific", "15551234567", "xscientific"}},
	{6, []string{"text-format", "15551234567"}},
	{7, []string{"percent", "0.5"}},
	{8, []string{"thousands", "1234567"}},
	{9, []string{"date14", "2024-01-15"}},
	{10, []string{"date22", "2024-01-15 12:00:00"}},
	{11, []string{"time21", "18:00:00"}},
	{12, []string{"ddmmyyyy", "2024-01-15"}},
	{13, []string{"phone-format", "5551234567"}},
	{14, []string{"big", "1234567890123456789"}},
	{15, []string{"bool", "TRUE", "#DIV/0!"}},
	{16, []string{"  spaced  ", "tab\there", "line\nbreak"}},
	{17, []string{"", "", "", "starts at D"}},
}

func TestXLSXFiles(t *testing.T) {
	tests := []struct {
		file   string
		sheet  string
		want   []testRow
		sheets []string
	}{
		{file: "contacts.xlsx", want: contactsRows, sheets: contactsSheets},
		{file: "contacts.xlsx", sheet: "Données", want: []testRow{{1, []string{"clé", "valeur"}}, {2, []string{"Ελληνικά", "7"}}}, sheets: contactsSheets},
		{file: "contacts.xlsx", sheet: "NOTES", want: []testRow{{1, []string{"this sheet is hidden"}}}, sheets: contactsSheets},
		{file: "stream.xlsx", want: streamRows, sheets: []string{"Data"}},
		{file: "openpyxl.xlsx", want: []testRow{
			{1, []string{"Given Name", "Family Name", "Phone 1 - Value", "Birthday"}},
			{2, []string{"José", "Núñez", "34612345678", "1990-05-17"}},
			{4, []string{"Émile", "Zola", "06 12 34 56 78", "2001-04-02 08:30:00"}},
			{5, []string{"Total"}}, // a formula saved without a cached value
		}, sheets: []string{"Archive", "People"}},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.sheet, func(t *testing.T) {
			rows, sheets, err := readAll(t, OpenXLSX, readFile(t, tt.file), Options{Sheet: tt.sheet})
			require.NoError(t, err)
			assert.Equal(t, tt.sheets, sheets)
			assert.Equal(t, tt.want, rows)
		})
	}
}

// TestSameRowsXLSAndXLSX checks that one sheet saved by different writers
// in both formats reads the same.
func TestSameRowsXLSAndXLSX(t *testing.T) {
	read := func(name string) []testRow {
		open := OpenXLS
		if filepath.Ext(name) == ".xlsx" {
			open = OpenXLSX
		}
		rows, _, err := readAll(t, open, readFile(t, name), Options{})
		require.NoError(t, err)
		return rows
	}
	assert.Equal(t, read("contacts.xlsx"), read("contacts.xls"))
	lo := read("libreoffice_contacts.xls")
	lo[1].Cells = lo[1].Cells[:9] // LibreOffice saved the formula's value
	assert.Equal(t, read("contacts.xls"), lo)
	xlsx, xls := read("stream.xlsx"), read("libreoffice_stream.xls")
	require.Len(t, xls, len(xlsx))
	// A 19-digit number: .xls stores a float, .xlsx its digits.
	assert.Equal(t, []string{"big", "1234567890123456800"}, xls[11].Cells)
	xls[11] = xlsx[11]
	assert.Equal(t, xlsx, xls)
}

func TestXLSXErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		opts Options
		err  error
		msg  string
	}{
		{"encrypted", encryptedOOXML(), Options{}, ErrEncrypted, "password"},
		{"xls given as xlsx", readFile(t, "contacts.xls"), Options{}, ErrMalformed, "legacy xls"},
		{"not a zip", []byte("name,phone\nAna,1555\n"), Options{}, ErrMalformed, "not a zip"},
		{"truncated zip", readFile(t, "stream.xlsx")[:3000], Options{}, ErrMalformed, "xlsx"},
		{"missing sheet", readFile(t, "contacts.xlsx"), Options{Sheet: "Nope"}, ErrSheetNotFound, `"Nope" (sheets: "Notes", "Contacts", "Données")`},
		{"too many cells", readFile(t, "contacts.xlsx"), Options{MaxCells: 9}, ErrTooLarge, "cell J1"},
		{"cell too long", readFile(t, "stream.xlsx"), Options{MaxCellBytes: 10}, ErrTooLarge, "cell A2"},
		{"part too large", readFile(t, "stream.xlsx"), Options{MaxXMLSize: 100}, ErrTooLarge, "limit 100"},
		{"unzip limit", readFile(t, "stream.xlsx"), Options{MaxUnzipSize: 1000}, ErrTooLarge, "1000-byte limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readAll(t, OpenXLSX, tt.data, tt.opts)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.err)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

// TestXLSXChartSheetSkipped puts a chart sheet and a hidden sheet before
// the first worksheet.
func TestXLSXChartSheetSkipped(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	require.NoError(t, f.SetSheetName("Sheet1", "Hidden"))
	_, err := f.NewSheet("Data")
	require.NoError(t, err)
	f.SetActiveSheet(1)
	require.NoError(t, f.SetSheetVisible("Hidden", false))
	require.NoError(t, f.SetSheetRow("Data", "A1", &[]any{"x", 1}))
	require.NoError(t, f.AddChartSheet("Chart", &excelize.Chart{
		Type:   excelize.Col,
		Series: []excelize.ChartSeries{{Name: "Data!$A$1", Categories: "Data!$A$1", Values: "Data!$B$1"}},
	}))
	var orig bytes.Buffer
	require.NoError(t, f.Write(&orig))
	// Put the chart sheet before "Data" (excelize's MoveSheet panics on
	// chart sheets): swap the two <sheet> elements of xl/workbook.xml.
	buf := rewriteZip(t, orig.Bytes(), "xl/workbook.xml", func(b []byte) []byte {
		data := regexp.MustCompile(`<sheet name="Data"[^>]*>`).Find(b)
		chart := regexp.MustCompile(`<sheet name="Chart"[^>]*>`).Find(b)
		require.NotNil(t, data)
		require.NotNil(t, chart)
		b = bytes.Replace(b, data, []byte("\x00"), 1)
		b = bytes.Replace(b, chart, data, 1)
		return bytes.Replace(b, []byte("\x00"), chart, 1)
	})

	rows, sheets, err := readAll(t, OpenXLSX, buf.Bytes(), Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"Hidden", "Chart", "Data"}, sheets)
	assert.Equal(t, []testRow{{1, []string{"x", "1"}}}, rows)
	_, _, err = readAll(t, OpenXLSX, buf.Bytes(), Options{Sheet: "Chart"})
	assert.ErrorIs(t, err, ErrSheetNotFound)
}

// rewriteZip returns the zip data with part name changed by edit.
func rewriteZip(t *testing.T, data []byte, name string, edit func([]byte) []byte) *bytes.Buffer {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		r, err := zf.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(r)
		require.NoError(t, err)
		if zf.Name == name {
			b = edit(b)
		}
		w, err := zw.Create(zf.Name)
		require.NoError(t, err)
		_, err = w.Write(b)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return &out
}

// writeBomb writes an .xlsx whose worksheet inflates to about 2 GiB of
// zeros from about 2 MB: 128 copies of one deflate block of 16 MiB, then
// an empty final block. With lie, the zip directory declares 64 KiB.
func writeBomb(t testing.TB, path string, lie bool) int64 {
	t.Helper()
	var block bytes.Buffer
	fw, err := flate.NewWriter(&block, flate.BestCompression)
	require.NoError(t, err)
	zeros := make([]byte, 16<<20)
	_, err = fw.Write(zeros)
	require.NoError(t, err)
	require.NoError(t, fw.Flush())
	const copies = 128
	crc := uint32(0)
	for range copies {
		crc = crc32.Update(crc, crc32.IEEETable, zeros)
	}

	orig := readFile(t, "stream.xlsx")
	src, err := zip.NewReader(bytes.NewReader(orig), int64(len(orig)))
	require.NoError(t, err)
	out, err := os.Create(path)
	require.NoError(t, err)
	defer out.Close()
	zw := zip.NewWriter(out)
	for _, zf := range src.File {
		if zf.Name == "xl/worksheets/sheet1.xml" {
			continue
		}
		w, err := zw.CreateRaw(&zf.FileHeader)
		require.NoError(t, err)
		r, err := zf.OpenRaw()
		require.NoError(t, err)
		_, err = io.Copy(w, r)
		require.NoError(t, err)
	}
	size := uint64(copies) * uint64(len(zeros))
	if lie {
		size = 64 << 10
	}
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(copies*block.Len() + 2), UncompressedSize64: size,
	})
	require.NoError(t, err)
	for range copies {
		_, err = w.Write(block.Bytes())
		require.NoError(t, err)
	}
	_, err = w.Write([]byte{0x03, 0x00}) // final empty block
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	st, err := out.Stat()
	require.NoError(t, err)
	return st.Size()
}

// openBomb opens path with OpenXLSX the way a caller with a file does.
func openBomb(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	// Refused when opened, or at the latest by the first rows: the
	// worksheet is verified as it is read.
	r, err := OpenXLSX(f, st.Size(), Options{})
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		if _, _, err := r.Next(); err != nil {
			if err == io.EOF {
				return errors.New("bomb read")
			}
			return err
		}
	}
}

// TestZipBomb refuses a 2 MB file that inflates to 2 GiB, quickly and in
// little memory; the peak RSS is measured in a child process.
func TestZipBomb(t *testing.T) {
	for _, lie := range []bool{false, true} {
		t.Run(fmt.Sprintf("lying size %v", lie), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bomb.xlsx")
			size := writeBomb(t, path, lie)
			assert.Less(t, size, int64(3<<20))

			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			err := openBomb(path)
			elapsed := time.Since(start)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if lie {
				// The directory passes; inflating stops at the declared size.
				assert.ErrorIs(t, err, ErrMalformed)
			} else {
				assert.ErrorIs(t, err, ErrTooLarge)
			}
			allocated := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d-byte bomb refused in %v, %d KiB allocated: %v", size, elapsed, allocated>>10, err)
			assert.Less(t, elapsed, 2*time.Second)
			assert.Less(t, allocated, uint64(100<<20))

			cmd := exec.Command(os.Args[0], "-test.run=^TestZipBombChild$", "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), "SHEET_BOMB="+path)
			outp, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", outp)
			// The child reports its own VmHWM: the rusage of a child started
			// with vfork counts the parent's peak too.
			m := regexp.MustCompile(`peak RSS: (\d+) KiB`).FindSubmatch(outp)
			if m == nil {
				t.Logf("child did not report its peak RSS: %s", outp)
				return
			}
			hwm, _ := strconv.Atoi(string(m[1]))
			t.Logf("child process peak RSS: %d KiB (race detector: %v)", hwm, raceEnabled)
			if !raceEnabled {
				assert.Less(t, hwm, 100<<10, "peak RSS in KiB")
			}
		})
	}
}

// TestZipBombChild is run by TestZipBomb in a child process to measure its
// peak RSS alone.
func TestZipBombChild(t *testing.T) {
	path := os.Getenv("SHEET_BOMB")
	if path == "" {
		t.Skip("run by TestZipBomb")
	}
	err := openBomb(path)
	if !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrMalformed) {
		t.Fatalf("bomb not refused: %v", err)
	}
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		if m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(status); m != nil {
			t.Logf("peak RSS: %s KiB", m[1])
		}
	}
}

// writeContacts writes an n-row XLSX contact list with excelize's
// StreamWriter.
func writeContacts(tb testing.TB, path string, n int) {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	require.NoError(tb, err)
	require.NoError(tb, sw.SetRow("A1", []any{"firstName", "lastName", "msisdn", "email", "country"}))
	for i := 2; i <= n+1; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		require.NoError(tb, sw.SetRow(cell, []any{
			fmt.Sprintf("First%d", i), fmt.Sprintf("Last%d", i), 15551000000 + i,
			fmt.Sprintf("user%d@example.com", i), "US",
		}))
	}
	require.NoError(tb, sw.Flush())
	require.NoError(tb, f.SaveAs(path))
}

// BenchmarkXLSX100k reads a generated 100,000-row XLSX file.
func BenchmarkXLSX100k(b *testing.B) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "contacts.xlsx")
	writeContacts(b, path, n)
	rows := 0
	start := time.Now()
	for b.Loop() {
		f, err := os.Open(path)
		require.NoError(b, err)
		st, _ := f.Stat()
		r, err := OpenXLSX(f, st.Size(), Options{})
		require.NoError(b, err)
		rows += countRows(b, r)
		require.NoError(b, f.Close())
	}
	b.ReportMetric(float64(rows)/time.Since(start).Seconds(), "rows/s")
}
