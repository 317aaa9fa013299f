package parse_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"go.uber.org/goleak"

	"github.com/contactpipe/contactpipe/parse"
)

// streamOnly hides every method but Read, as a pipe or an HTTP body would.
type streamOnly struct{ r io.Reader }

func (s streamOnly) Read(p []byte) (int, error) { return s.r.Read(p) }

func readLanded(t *testing.T, src *parse.Source) []landed {
	t.Helper()
	var got []landed
	for rec, err := range src.All() {
		require.NoError(t, err)
		require.NoError(t, rec.Err)
		assert.Len(t, rec.Raw, len(src.Header()))
		got = append(got, landed{row: rec.Row, values: rec.Values})
	}
	return got
}

// TestSpreadsheetsMatchCSV reads the same contacts as CSV, and as XLSX and XLS written by
// LibreOffice (testdata/make.sh), seekable and streamed: the same rows land with the same values.
func TestSpreadsheetsMatchCSV(t *testing.T) {
	want := []landed{
		ok(2, person("16505550101", "Ann", "Lee", "ann@example.com", parse.Country, "US")),
		ok(3, person("+34 600 555 102", "José", "García", "jose@example.es", parse.Country, "ES")),
		ok(5, person("447700900103", "Zoë", "Ashford", "zoe@example.co.uk", parse.Country, "GB")),
	}
	wantColumns := map[string]string{"First Name": "firstName", "Last Name": "lastName", "Mobile": "msisdn", "Email": "email", "Country": "country"}
	for _, tt := range []struct {
		file   string
		format parse.Format
	}{
		{"spreadsheet_contacts.csv", parse.CSV},
		{"spreadsheet_contacts.xlsx", parse.XLSX},
		{"spreadsheet_contacts.xls", parse.XLS},
	} {
		for _, streamed := range []bool{false, true} {
			name := tt.file
			if streamed {
				name += " streamed"
			}
			t.Run(name, func(t *testing.T) {
				f, err := os.Open(filepath.Join("testdata", tt.file))
				require.NoError(t, err)
				defer f.Close()
				var r io.Reader = f
				tmp := t.TempDir()
				if streamed {
					r = streamOnly{f}
				}
				src, err := parse.Open(r, parse.Options{TempDir: tmp})
				require.NoError(t, err)
				assert.Equal(t, tt.format, src.Format())
				if tt.format != parse.CSV {
					assert.Empty(t, src.Encoding())
					assert.Zero(t, src.Delimiter())
				}
				assert.Equal(t, wantColumns, src.Mapping().Columns())
				if streamed && tt.format != parse.CSV {
					spooled, err := filepath.Glob(filepath.Join(tmp, "*"))
					require.NoError(t, err)
					assert.Empty(t, spooled, "the spool file is unlinked while open")
				}
				assert.Equal(t, want, readLanded(t, src))
				st, err := f.Stat()
				require.NoError(t, err)
				assert.Equal(t, st.Size(), src.BytesRead())
				require.NoError(t, src.Close())
				left, err := filepath.Glob(filepath.Join(tmp, "*"))
				require.NoError(t, err)
				assert.Empty(t, left, "Close removes the spool file")
			})
		}
	}
}

// TestSpoolUnlinked: the spool file of a streamed spreadsheet (a full copy of the user's file) is
// unlinked as soon as it is created, so that nothing is left in TempDir even if the process is
// killed while the stream is copied or the rows are read.
func TestSpoolUnlinked(t *testing.T) {
	// A workbook larger than the 64 KiB that format sniffing reads.
	f := excelize.NewFile()
	rng := rand.New(rand.NewPCG(1, 2))
	require.NoError(t, f.SetCellValue("Sheet1", "A1", "Email"))
	for i := 2; i < 10000; i++ {
		require.NoError(t, f.SetCellValue("Sheet1", "A"+strconv.Itoa(i), strconv.FormatUint(rng.Uint64(), 36)+"@example.com"))
	}
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))
	data := buf.Bytes()
	require.Greater(t, len(data), 2*(64<<10))
	tmp := t.TempDir()
	pr, pw := io.Pipe()
	type result struct {
		src *parse.Source
		err error
	}
	done := make(chan result, 1)
	go func() {
		src, err := parse.Open(streamOnly{pr}, parse.Options{TempDir: tmp})
		done <- result{src, err}
	}()
	// The first write is taken by format sniffing; the second returns once the copy into the
	// spool file has started.
	half := len(data) / 2
	_, err := pw.Write(data[:half])
	require.NoError(t, err)
	_, err = pw.Write(data[half : half+1])
	require.NoError(t, err)
	during, err := filepath.Glob(filepath.Join(tmp, "*"))
	require.NoError(t, err)
	assert.Empty(t, during, "no spool file visible while the stream is copied")
	_, err = pw.Write(data[half+1:])
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	res := <-done
	require.NoError(t, res.err)
	after, err := filepath.Glob(filepath.Join(tmp, "*"))
	require.NoError(t, err)
	assert.Empty(t, after, "no spool file visible while the rows are read")
	assert.NotEmpty(t, readLanded(t, res.src))
	require.NoError(t, res.src.Close())
}

func TestSpreadsheetErrors(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "spreadsheet_contacts.xlsx"))
	require.NoError(t, err)
	defer f.Close()
	_, err = parse.Open(f, parse.Options{Sheet: "No Such Sheet"})
	assert.ErrorIs(t, err, parse.ErrSheetNotFound)

	tmp := t.TempDir()
	_, err = parse.Open(streamOnly{bytesReader("PK\x03\x04 not really a zip")}, parse.Options{TempDir: tmp})
	assert.ErrorIs(t, err, parse.ErrMalformedSpreadsheet)
	left, _ := filepath.Glob(filepath.Join(tmp, "*"))
	assert.Empty(t, left, "a failed Open removes its spool file")

	_, err = parse.Open(bytesReader("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 truncated"), parse.Options{})
	assert.ErrorIs(t, err, parse.ErrMalformedSpreadsheet)

	// Excel 2.x-4.x workbooks are bare BIFF streams: the message names the format (issue 11 said
	// "looks like binary data ... give the encoding").
	for _, biff := range []string{"\x09\x00\x04\x00\x02\x00\x10\x00", "\x09\x02\x06\x00\x00\x00\x10\x00\x00\x00", "\x09\x04\x06\x00\x00\x00\x10\x00\x00\x00"} {
		_, err = parse.Open(bytesReader(biff+"\x0a\x00\x00\x00"), parse.Options{TempDir: tmp})
		assert.ErrorIs(t, err, parse.ErrMalformedSpreadsheet)
		assert.ErrorContains(t, err, "excel 2.x-4.x workbooks")
		assert.ErrorContains(t, err, "save it as .xlsx or csv")
	}
}

// TestFakeXLS: web apps save HTML tables and tab-separated text under an .xls name.
func TestFakeXLS(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "html_table.xls"))
	require.NoError(t, err)
	defer f.Close()
	_, err = parse.Open(f, parse.Options{Format: parse.XLS})
	var fe *parse.FormatError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "html", fe.Detected)
	assert.Contains(t, err.Error(), "save it as xlsx or csv")

	f2, err := os.Open(filepath.Join("testdata", "tab_text.xls"))
	require.NoError(t, err)
	defer f2.Close()
	src, err := parse.Open(f2, parse.Options{Format: parse.XLS})
	require.NoError(t, err)
	assert.Equal(t, parse.CSV, src.Format())
	assert.Equal(t, '\t', src.Delimiter())
	assert.Equal(t, []landed{
		ok(2, values(parse.FirstName, "Ann", parse.LastName, "Lee", parse.Msisdn, "+1 555 0702")),
		ok(3, values(parse.FirstName, "Bob", parse.LastName, "Brown", parse.Msisdn, "+1 555 0703")),
	}, readLanded(t, src))
}

func bytesReader(s string) io.Reader { return &stringsReader{s: s} }

// stringsReader is a plain io.Reader over a string (no ReaderAt, no Seeker).
type stringsReader struct{ s string }

func (r *stringsReader) Read(p []byte) (int, error) {
	if r.s == "" {
		return 0, io.EOF
	}
	n := copy(p, r.s)
	r.s = r.s[n:]
	return n, nil
}

// TestSpreadsheetBadCell: a cell that cannot be read rejects its row with code bad_cell naming the
// column and the cell; the rows around it are read and none disappears (issue 11 §3).
func TestSpreadsheetBadCell(t *testing.T) {
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	parts := []struct{ name, body string }{
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<workbook ` + ns + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/s.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sst.xml"/></Relationships>`},
		{"xl/sst.xml", `<sst ` + ns + `><si><t>Email</t></si><si><t>Phone</t></si><si><t>ann@example.com</t></si></sst>`},
		{"xl/worksheets/s.xml", `<worksheet ` + ns + `><sheetData>` +
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>` +
			`<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>15551234567</v></c></row>` +
			`<row r="3"><c r="B3" t="s"><v>9</v></c></row>` +
			`<row r="4"><c r="A4" t="inlineStr"><is><t>bob@example.com</t></is></c></row>` +
			`</sheetData></worksheet>`},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		require.NoError(t, err)
		_, err = io.WriteString(w, p.body)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())

	src, err := parse.Open(bytes.NewReader(buf.Bytes()), parse.Options{})
	require.NoError(t, err)
	defer src.Close()
	var rows []int
	var bad *parse.RowError
	for rec, err := range src.All() {
		require.NoError(t, err)
		rows = append(rows, rec.Row)
		if rec.Err != nil {
			require.ErrorAs(t, rec.Err, &bad)
			assert.Nil(t, rec.Raw)
		}
	}
	assert.Equal(t, []int{2, 3, 4}, rows)
	require.NotNil(t, bad)
	assert.Equal(t, 3, bad.Row)
	assert.Equal(t, parse.CodeBadCell, bad.Code)
	assert.Equal(t, "Phone", bad.Column)
	assert.ErrorIs(t, bad, parse.ErrBadCell)
	assert.Contains(t, bad.Error(), "cell B3")
}

// TestSpreadsheetContext: a spreadsheet's rows stop when the context given to OpenContext is
// cancelled, with an error matching context.Canceled and the cause (issue 12 §3).
func TestSpreadsheetContext(t *testing.T) {
	defer goleak.VerifyNone(t)
	f := excelize.NewFile()
	require.NoError(t, f.SetCellValue("Sheet1", "A1", "Email"))
	for i := 2; i < 5000; i++ {
		require.NoError(t, f.SetCellValue("Sheet1", "A"+strconv.Itoa(i), "user"+strconv.Itoa(i)+"@example.com"))
	}
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))
	require.NoError(t, f.Close())
	stop := errors.New("shutting down")
	for _, streamed := range []bool{false, true} {
		ctx, cancel := context.WithCancelCause(context.Background())
		defer cancel(nil)
		var r io.Reader = bytes.NewReader(buf.Bytes())
		if streamed {
			r = streamOnly{r}
		}
		src, err := parse.OpenContext(ctx, r, parse.Options{TempDir: t.TempDir()})
		require.NoError(t, err)
		n := 0
		var last error
		for rec, err := range src.All() {
			if err != nil {
				last = err
				break
			}
			require.NoError(t, rec.Err)
			if n++; n == 10 {
				cancel(stop)
			}
		}
		assert.ErrorIs(t, last, context.Canceled)
		assert.ErrorIs(t, last, stop)
		assert.Less(t, n, 1000, "stopped by the sheet reader, not by the source's check every 1024 rows")
		t.Logf("streamed %v: %d rows before the error", streamed, n)
		require.NoError(t, src.Close())
	}
}

// TestSpreadsheetSheetRead: of a workbook of several sheets ("Notes" hidden, "Contacts",
// "Données"), Source names the one read by default, XLSX and XLS alike, and tells how many data
// rows the sheet declares (its dimension, less the header row) as a hint for progress.
func TestSpreadsheetSheetRead(t *testing.T) {
	var buf bytes.Buffer
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	require.NoError(t, err)
	require.NoError(t, sw.SetRow("A1", []any{"Notes above the header"}))
	require.NoError(t, sw.SetRow("A2", []any{"email", "name"}))
	for i := 3; i <= 300; i++ {
		require.NoError(t, sw.SetRow("A"+strconv.Itoa(i), []any{"a" + strconv.Itoa(i) + "@example.com", "A"}))
	}
	require.NoError(t, sw.Flush())
	require.NoError(t, f.Write(&buf))
	streamed := withDimension(t, buf.Bytes(), "A1:B300") // excelize writes "A1"; Excel the range

	tests := []struct {
		name     string
		in       func(t *testing.T) []byte
		sheet    string
		want     string
		declared int
	}{
		{"xlsx by default", file("../sheet/testdata/contacts.xlsx"), "", "Contacts", 0}, // its dimension says "A1": none
		{"xls by default", file("../sheet/testdata/contacts.xls"), "", "Contacts", 6},
		{"xlsx with a dimension, a note above the header", func(*testing.T) []byte { return streamed }, "", "Sheet1", 298},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := parse.Open(bytes.NewReader(tt.in(t)), parse.Options{Sheet: tt.sheet})
			require.NoError(t, err)
			defer src.Close()
			assert.Equal(t, tt.want, src.Sheet())
			assert.Equal(t, tt.declared, src.DeclaredRows())
		})
	}
}

// withDimension returns the workbook with its first worksheet's <dimension ref> set to ref.
func withDimension(t *testing.T, data []byte, ref string) []byte {
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
		if zf.Name == "xl/worksheets/sheet1.xml" {
			require.Contains(t, string(b), `<dimension ref="A1">`)
			b = bytes.Replace(b, []byte(`<dimension ref="A1">`), []byte(`<dimension ref="`+ref+`">`), 1)
		}
		w, err := zw.Create(zf.Name)
		require.NoError(t, err)
		_, err = w.Write(b)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return out.Bytes()
}
