package parse_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/parse"
)

// row is a compact view of a Record for table tests: "row: cell|cell|cell" or "row! code column".
type row = string

// readAll opens in and returns its rows in the compact form.
func readAll(t testing.TB, src *parse.Source) []row {
	t.Helper()
	var out []row
	for {
		rec, err := src.Next()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		out = append(out, compact(rec))
	}
}

func compact(rec parse.Record) row {
	var b strings.Builder
	b.WriteString(itoa(rec.Row))
	if rec.Err != nil {
		var re *parse.RowError
		if errors.As(rec.Err, &re) {
			b.WriteString("! " + re.Code)
			if re.Column != "" {
				b.WriteString(" " + re.Column)
			}
			return b.String()
		}
		return b.String() + "! " + rec.Err.Error()
	}
	b.WriteString(": ")
	b.WriteString(strings.Join(rec.Raw, "|"))
	return b.String()
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func open(t testing.TB, in string, opts parse.Options) *parse.Source {
	t.Helper()
	src, err := parse.Open(strings.NewReader(in), opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = src.Close() })
	return src
}

func TestOpenRows(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		opts   parse.Options
		header []string
		rows   []row
	}{
		{
			name:   "header and rows",
			in:     "msisdn,firstName\n+15551234567,Ann\n+15551234568,Bob\n",
			header: []string{"msisdn", "firstName"},
			rows:   []row{"2: +15551234567|Ann", "3: +15551234568|Bob"},
		},
		{
			name:   "no final newline",
			in:     "msisdn,firstName\n1,a",
			header: []string{"msisdn", "firstName"},
			rows:   []row{"2: 1|a"},
		},
		{
			name:   "crlf",
			in:     "msisdn,firstName\r\n1,a\r\n2,b\r\n",
			header: []string{"msisdn", "firstName"},
			rows:   []row{"2: 1|a", "3: 2|b"},
		},
		{
			name:   "lone cr (old Mac Excel)",
			in:     "msisdn,firstName\r1,a\r2,b\r",
			header: []string{"msisdn", "firstName"},
			rows:   []row{"2: 1|a", "3: 2|b"},
		},
		{
			name:   "mixed line endings",
			in:     "msisdn,firstName\n1,a\r\n2,b\r3,c\n",
			header: []string{"msisdn", "firstName"},
			rows:   []row{"2: 1|a", "3: 2|b", "4: 3|c"},
		},
		{
			name:   "blank rows are skipped but counted",
			in:     "msisdn,firstName\n\n1,a\n,\n  ,\t\n2,b\n\n",
			header: []string{"msisdn", "firstName"},
			rows:   []row{"3: 1|a", "6: 2|b"},
		},
		{
			name:   "blank lines before the header",
			in:     "\n\nmsisdn\n1\n",
			header: []string{"msisdn"},
			rows:   []row{"4: 1"},
		},
		{
			name:   "quoted fields and escaped quotes",
			in:     "msisdn,firstName\n\"1\",\"Ann \"\"Q\"\" Lee\"\n\"2\",\"a,b\"\n",
			header: []string{"msisdn", "firstName"},
			rows:   []row{"2: 1|Ann \"Q\" Lee", "3: 2|a,b"},
		},
		{
			name:   "multi-line quoted record is one row",
			in:     "msisdn,firstName\n1,\"two\nlines\"\n2,b\n",
			header: []string{"msisdn", "firstName"},
			rows:   []row{"2: 1|two\nlines", "3: 2|b"},
		},
		{
			name:   "crlf inside quotes is kept",
			in:     "msisdn,firstName\r\n1,\"a\r\nb\"\r\n",
			header: []string{"msisdn", "firstName"},
			rows:   []row{"2: 1|a\r\nb"},
		},
		{
			name:   "bare quote in unquoted field is literal",
			in:     "msisdn,firstName\n1,5\" screen\n2,O\"Neil\n",
			header: []string{"msisdn", "firstName"},
			rows:   []row{"2: 1|5\" screen", "3: 2|O\"Neil"},
		},
		{
			name:   "text after closing quote rejects one record and resumes",
			in:     "msisdn,firstName\n1,\"He said \"hi\" ok\"\n2,b\n",
			header: []string{"msisdn", "firstName"},
			rows:   []row{"2! malformed_csv firstName", "3: 2|b"},
		},
		{
			name:   "ragged rows: short padded, trailing empties dropped, extra values rejected",
			in:     "msisdn,firstName,lastName\n1\n2,b,c,,,\n3,b,c,d\n4,b,c, \n",
			header: []string{"msisdn", "firstName", "lastName"},
			rows:   []row{"2: 1||", "3: 2|b|c", "4! extra_fields", "5: 4|b|c"},
		},
		{
			name:   "semicolon sniffed",
			in:     "msisdn;firstName;notes\n1;a;x,y\n2;b;z\n",
			header: []string{"msisdn", "firstName", "notes"},
			rows:   []row{"2: 1|a|x,y", "3: 2|b|z"},
		},
		{
			name:   "tab sniffed",
			in:     "msisdn\tfirstName\n1\tSmith, John\n",
			header: []string{"msisdn", "firstName"},
			rows:   []row{"2: 1|Smith, John"},
		},
		{
			name:   "pipe sniffed",
			in:     "msisdn|firstName\n1|a\n",
			header: []string{"msisdn", "firstName"},
			rows:   []row{"2: 1|a"},
		},
		{
			name:   "sniffing ignores delimiters inside quotes",
			in:     "\"a;b\",firstName,msisdn\n\"x;y;z\",b,1\n",
			header: []string{"a;b", "firstName", "msisdn"},
			rows:   []row{"2: x;y;z|b|1"},
		},
		{
			name:   "delimiter option overrides sniffing",
			in:     "msisdn;x,phone\n1;2,a\n",
			opts:   parse.Options{Delimiter: ','},
			header: []string{"msisdn;x", "phone"},
			rows:   []row{"2: 1;2|a"},
		},
		{
			name:   "no header with columns",
			in:     "+15551234567,Ann,x\n+15551234568,Bob,y\n",
			opts:   parse.Options{NoHeader: true, Columns: []string{"msisdn", "first_name", ""}},
			header: []string{"msisdn", "first_name", "column 3"},
			rows:   []row{"1: +15551234567|Ann|x", "2: +15551234568|Bob|y"},
		},
		{
			name:   "columns override a header, which is still skipped",
			in:     "a,b\n1,x\n",
			opts:   parse.Options{Columns: []string{"email", "msisdn"}},
			header: []string{"a", "b"},
			rows:   []row{"2: 1|x"},
		},
		{
			name:   "utf-8 bom never reaches the header",
			in:     "\uFEFFmsisdn,firstName\n1,Müller\n",
			header: []string{"msisdn", "firstName"},
			rows:   []row{"2: 1|Müller"},
		},
		{
			name:   "header only",
			in:     "msisdn,firstName\n",
			header: []string{"msisdn", "firstName"},
		},
		{
			name:   "single column file",
			in:     "phone\n+15551234567\n+15551234568\n",
			header: []string{"phone"},
			rows:   []row{"2: +15551234567", "3: +15551234568"},
		},
		{
			name:   "empty last field at end of input",
			in:     "msisdn,firstName\n1,",
			header: []string{"msisdn", "firstName"},
			rows:   []row{"2: 1|"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := open(t, tt.in, tt.opts)
			assert.Equal(t, parse.CSV, src.Format())
			assert.Equal(t, tt.header, src.Header())
			assert.Equal(t, tt.rows, readAll(t, src))
		})
	}
}

func TestValuesMapped(t *testing.T) {
	src := open(t, "First Name,LAST_NAME,Phone Number,E-mail,Notes,Country\nAnn,Lee,555,a@b.c,hi,us\n", parse.Options{})
	rec, err := src.Next()
	require.NoError(t, err)
	want := [parse.NumFields]string{}
	want[parse.FirstName], want[parse.LastName], want[parse.Msisdn], want[parse.Email], want[parse.Country] = "Ann", "Lee", "555", "a@b.c", "us"
	assert.Equal(t, want, rec.Values)
	assert.Equal(t, []string{"Notes"}, src.Mapping().Ignored())
	assert.Equal(t, map[string]string{"First Name": "firstName", "LAST_NAME": "lastName", "Phone Number": "msisdn",
		"E-mail": "email", "Country": "country"}, src.Mapping().Columns())
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		opts  parse.Options
		is    error
		check func(t *testing.T, err error)
	}{
		{name: "no header and no columns", in: "1,2\n", opts: parse.Options{NoHeader: true}, is: parse.ErrColumnsRequired},
		{name: "unknown field in columns", in: "1,2\n", opts: parse.Options{NoHeader: true, Columns: []string{"msisdn", "phon"}},
			is: parse.ErrUnknownField, check: func(t *testing.T, err error) {
				var he *parse.HeaderError
				require.ErrorAs(t, err, &he)
				assert.Equal(t, 2, he.Position)
				assert.Equal(t, []string{"phon"}, he.Columns)
				assert.Contains(t, err.Error(), `"phon"`)
			}},
		{name: "field twice in columns", in: "1,2\n", opts: parse.Options{NoHeader: true, Columns: []string{"msisdn", "MSISDN"}}, is: parse.ErrDuplicateField},
		{name: "empty file", in: "", is: parse.ErrNoHeader},
		{name: "blank file", in: "\n\r\n  \n", is: parse.ErrNoHeader},
		{name: "bom only", in: "\uFEFF", is: parse.ErrNoHeader},
		{name: "nothing maps", in: "foo,bar\n1,2\n", is: parse.ErrNoMappedColumn},
		{name: "duplicate header", in: "First Name,first-name,Email\n", is: parse.ErrDuplicateColumn, check: func(t *testing.T, err error) {
			assert.Equal(t, `header: duplicate column "First Name" and "first-name" would both feed firstName; ignore one with a column map (e.g. -map 'first-name=ignore'), rename or remove one, or give the columns explicitly`, err.Error())
		}},
		{name: "one name twice", in: "First Name,First Name,Phone\n", is: parse.ErrDuplicateColumn, check: func(t *testing.T, err error) {
			assert.Equal(t, `header: duplicate column "First Name" and "First Name" would both feed firstName; rename or remove one, or give the columns explicitly`, err.Error())
		}},
		{name: "ambiguous header", in: "First Name,Given Name,Phone\n", is: parse.ErrAmbiguousColumn, check: func(t *testing.T, err error) {
			var he *parse.HeaderError
			require.ErrorAs(t, err, &he)
			assert.Equal(t, []string{"First Name", "Given Name"}, he.Columns)
			assert.Equal(t, "firstName", he.Field)
			assert.Contains(t, err.Error(), `-map 'Given Name=ignore'`)
			// The fix the message suggests works.
			src, err := parse.Open(strings.NewReader("First Name,Given Name,Phone\nAnn,A,+1 650 555 0101\n"),
				parse.Options{ColumnMap: map[string]string{"Given Name": "ignore"}})
			require.NoError(t, err)
			assert.Equal(t, "firstName", src.Mapping().Columns()["First Name"])
		}},
		{name: "bad delimiter", in: "a\n", opts: parse.Options{Delimiter: '"'}, is: parse.ErrBadDelimiter},
		{name: "non-ascii delimiter", in: "a\n", opts: parse.Options{Delimiter: '§'}, is: parse.ErrBadDelimiter},
		{name: "unknown encoding", in: "a\n", opts: parse.Options{Encoding: "klingon"}, is: parse.ErrUnknownEncoding},
		{name: "html table saved as xls", in: "<html><body><table><tr><td>msisdn</td></tr></table>", is: parse.ErrUnsupportedFormat,
			check: func(t *testing.T, err error) {
				var fe *parse.FormatError
				require.ErrorAs(t, err, &fe)
				assert.Equal(t, "html", fe.Detected)
			}},
		{name: "bare html table", in: "  <TABLE border=1><TR><TD>phone</TD></TR></TABLE>", is: parse.ErrUnsupportedFormat},
		{name: "xml spreadsheet", in: "<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">", is: parse.ErrUnsupportedFormat},
		{name: "gzip", in: "\x1f\x8b\x08\x00", is: parse.ErrUnsupportedFormat},
		{name: "binary", in: "msisdn\x00\x01\x02,x\n", is: parse.ErrUnsupportedFormat},
		{name: "csv forced on a workbook", in: "PK\x03\x04rest", opts: parse.Options{Format: parse.CSV}, is: parse.ErrUnsupportedFormat},
		{name: "unterminated quote in header", in: "msisdn,\"first\n", is: parse.ErrUnterminatedQuote},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := parse.Open(strings.NewReader(tt.in), tt.opts)
			require.Error(t, err)
			assert.Nil(t, src)
			assert.ErrorIs(t, err, tt.is)
			assert.Equal(t, strings.ToLower(err.Error()[:1]), err.Error()[:1], "messages are lower-case")
			if tt.check != nil {
				tt.check(t, err)
			}
		})
	}
}

func TestUnterminatedQuoteIsFatalWhenStrict(t *testing.T) {
	src := open(t, "msisdn,firstName\n1,a\n2,\"b\n3,c\n4,d\n", parse.Options{StrictCSV: true})
	rec, err := src.Next()
	require.NoError(t, err)
	assert.Equal(t, 2, rec.Row)
	_, err = src.Next()
	require.Error(t, err)
	assert.ErrorIs(t, err, parse.ErrUnterminatedQuote)
	assert.ErrorIs(t, err, parse.ErrQuote)
	var re *parse.RowError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 3, re.Row)
	assert.Equal(t, 3, re.Line)
	assert.Equal(t, "firstName", re.Column)
	assert.Equal(t, parse.CodeUnterminatedQuote, re.Code)
	_, again := src.Next()
	assert.Equal(t, err, again, "fatal errors are sticky")
}

// TestMalformedSpanningLines: a stray quote on row 2 pairs with the quote on line 4, making lines
// 2–4 one malformed record. Only line 2 is rejected; reading resumes on line 3, so row 3 is read and
// line 4 is judged on its own (its own quote is malformed too).
func TestMalformedSpanningLines(t *testing.T) {
	src := open(t, "msisdn,firstName\n1,\"a\n2,b\n3,\"c\"x\n4,d\n", parse.Options{})
	var rows []parse.Record
	for rec, err := range src.All() {
		require.NoError(t, err)
		rows = append(rows, rec)
	}
	require.Len(t, rows, 4)
	var re *parse.RowError
	require.ErrorAs(t, rows[0].Err, &re)
	assert.Equal(t, parse.CodeMalformedCSV, re.Code)
	assert.Equal(t, 2, re.Row)
	assert.Equal(t, "firstName", re.Column)
	assert.Equal(t, `row 2, column "firstName": the record that starts on this line spans lines 2–4 and has text after a closing quote on line 4: `+
		"the line is rejected and reading resumes at the next line", re.Error())
	assert.Equal(t, []string{"1", `"a`}, rows[0].Raw, "the line's own text")
	assert.Equal(t, "3: 2|b", compact(rows[1]))
	require.ErrorAs(t, rows[2].Err, &re)
	assert.Equal(t, 4, re.Row)
	assert.Equal(t, `row 4, column "firstName": text after the closing quote of a quoted field`, re.Error())
	assert.Equal(t, []string{"3", `c"x`}, rows[2].Raw)
	assert.Equal(t, "5: 4|d", compact(rows[3]))
}

func TestRawIsNotReused(t *testing.T) {
	src := open(t, "msisdn,firstName\n1,a\n2,b\n", parse.Options{})
	r1, err := src.Next()
	require.NoError(t, err)
	r2, err := src.Next()
	require.NoError(t, err)
	assert.Equal(t, []string{"1", "a"}, r1.Raw)
	assert.Equal(t, []string{"2", "b"}, r2.Raw)
	r1.Raw = append(r1.Raw, "x") // cap is trimmed: must not clobber r2
	assert.Equal(t, []string{"2", "b"}, r2.Raw)
}

// TestKeptTextStaysValid reads many records, keeping every one, through several of the buffers
// the record text is copied into (and records too large for them, and text decoded from
// Windows-1252): each record still reads as it was when it was returned.
func TestKeptTextStaysValid(t *testing.T) {
	for _, tc := range []struct {
		name string
		row  func(i int) string // the i'th row as written, without its newline
		want func(i int) []string
		enc  string
	}{
		{"ascii", func(i int) string { return fmt.Sprintf("+1201555%04d,ann%d", i%10000, i) },
			func(i int) []string { return []string{fmt.Sprintf("+1201555%04d", i%10000), fmt.Sprintf("ann%d", i)} }, ""},
		{"long", func(i int) string { return fmt.Sprintf("+1201555%04d,%s%d", i%10000, strings.Repeat("x", 5000), i) },
			func(i int) []string {
				return []string{fmt.Sprintf("+1201555%04d", i%10000), fmt.Sprintf("%s%d", strings.Repeat("x", 5000), i)}
			}, ""},
		{"windows-1252", func(i int) string { return fmt.Sprintf("+1201555%04d,J\xf6rg%d", i%10000, i) },
			func(i int) []string { return []string{fmt.Sprintf("+1201555%04d", i%10000), fmt.Sprintf("Jörg%d", i)} }, parse.EncodingWindows1252},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 3000
			var sb strings.Builder
			sb.WriteString("msisdn,firstName\n")
			for i := range n {
				sb.WriteString(tc.row(i) + "\n")
			}
			src := open(t, sb.String(), parse.Options{Encoding: tc.enc})
			var recs []parse.Record
			for rec, err := range src.All() {
				require.NoError(t, err)
				require.NoError(t, rec.Err)
				recs = append(recs, rec)
			}
			require.Len(t, recs, n)
			for i, rec := range recs {
				assert.Equal(t, tc.want(i), rec.Raw, "row %d", rec.Row)
				assert.Equal(t, tc.want(i)[1], rec.Values[parse.FirstName], "row %d", rec.Row)
			}
		})
	}
}

func TestBytesRead(t *testing.T) {
	in := "msisdn\n" + strings.Repeat("15551234567\n", 20000)
	src := open(t, in, parse.Options{})
	readAll(t, src)
	assert.Equal(t, int64(len(in)), src.BytesRead())
}

func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("msisdn\n1\n"), &errReader{boom})
	src, err := parse.Open(r, parse.Options{})
	if err != nil {
		assert.ErrorIs(t, err, boom)
		return
	}
	for {
		_, err = src.Next()
		if err != nil {
			break
		}
	}
	assert.ErrorIs(t, err, boom)
}

type errReader struct{ err error }

func (e *errReader) Read([]byte) (int, error) { return 0, e.err }

// TestBrokenQuoteCostsOneRow is issue 10 §5: an unterminated quote at row 801 of a 1,000-row file
// used to stop the import (the 799 rows before it were lost). Now its line is rejected
// (malformed_csv, naming row and column, its text kept in Raw) and every other row is read.
func TestBrokenQuoteCostsOneRow(t *testing.T) {
	var b strings.Builder
	b.WriteString("msisdn,firstName,lastName\n")
	for row := 2; row <= 1001; row++ {
		if row == 801 {
			b.WriteString("+1555000801,\"Smith, Ann,Lee\n")
			continue
		}
		b.WriteString("+1555000" + itoa(row) + ",Ann,Lee\n")
	}
	src := open(t, b.String(), parse.Options{})
	var good, bad []parse.Record
	for rec, err := range src.All() {
		require.NoError(t, err)
		if rec.Err != nil {
			bad = append(bad, rec)
		} else {
			good = append(good, rec)
		}
	}
	assert.Len(t, good, 999)
	require.Len(t, bad, 1)
	var re *parse.RowError
	require.ErrorAs(t, bad[0].Err, &re)
	assert.Equal(t, parse.CodeMalformedCSV, re.Code)
	assert.Equal(t, 801, re.Row)
	assert.Equal(t, 801, re.Line)
	assert.Equal(t, "firstName", re.Column)
	assert.ErrorIs(t, re, parse.ErrQuote)
	assert.ErrorIs(t, re, parse.ErrUnterminatedQuote)
	assert.Contains(t, re.Error(), "never closed")
	assert.Equal(t, []string{"+1555000801", `"Smith, Ann,Lee`, ""}, bad[0].Raw, "the line's text, cut at delimiters outside quotes")
	assert.Equal(t, 800, good[798].Row)
	assert.Equal(t, 802, good[799].Row)
	assert.Equal(t, "+1555000802", good[799].Raw[0])
	assert.Equal(t, 1001, good[998].Row)
}

func TestBrokenQuote(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts parse.Options
		want []row
	}{
		{"at the end of the file", "msisdn,firstName\n1,a\n2,\"b", parse.Options{},
			[]row{"2: 1|a", "3! malformed_csv firstName"}},
		{"crlf", "msisdn,firstName\r\n1,\"a\r\n2,b\r\n", parse.Options{},
			[]row{"2! malformed_csv firstName", "3: 2|b"}},
		{"lone cr", "msisdn,firstName\r1,\"a\r2,b\r", parse.Options{},
			[]row{"2! malformed_csv firstName", "3: 2|b"}},
		{"first field", "msisdn,firstName\n\"1,a\n2,b\n", parse.Options{},
			[]row{"2! malformed_csv msisdn", "3: 2|b"}},
		{"closed quote before it on the line", "msisdn,firstName\n\"1\",\"a\n2,b\n", parse.Options{},
			[]row{"2! malformed_csv firstName", "3: 2|b"}},
		{"record spanning lines before the broken quote", "msisdn,firstName,lastName\n1,\"x\ny\",\"a\n2,b,c\n", parse.Options{},
			[]row{"2! malformed_csv firstName", "3! malformed_csv firstName", "4: 2|b|c"}},
		{"past the record limit", "msisdn,firstName\n1,\"" + strings.Repeat("x\n", 40) + "2,b\n", parse.Options{MaxRecordBytes: 30},
			append(append([]row{"2! malformed_csv firstName"}, repeatRow("x", 3, 39)...), "42: 2|b")},
		{"a closed long field is still too large", "msisdn,firstName\n1,\"" + strings.Repeat("x", 40) + "\"\n2,b\n", parse.Options{MaxRecordBytes: 30},
			[]row{"2! record_too_large", "3: 2|b"}},
		{"escaped quotes and blank lines in the broken field", "msisdn,firstName\n1,\"a\"\"b\n\n2,b\n", parse.Options{},
			[]row{"2! malformed_csv firstName", "4: 2|b"}},
		{"a stray quote closes the broken one", "msisdn,firstName\n1,\"a\n2,\"b\n3,\"c\n", parse.Options{},
			[]row{"2! malformed_csv firstName", "3! malformed_csv firstName", "4! malformed_csv firstName"}},
		// Records that span lines and turn out malformed: their first line only is rejected and the
		// lines after it are read again (issue 10 §5).
		{"a stray quote pairs with a quoted field", "msisdn,firstName,lastName\n1,\"Bob,Broken\n2,b,c\n3,\"Smith, John\",B\n4,d,e\n", parse.Options{},
			[]row{"2! malformed_csv firstName", "3: 2|b|c", "4: 3|Smith, John|B", "5: 4|d|e"}},
		{"crlf stray quote", "msisdn,firstName,lastName\r\n1,\"Bob,Broken\r\n2,b,c\r\n3,\"Smith, John\",B\r\n4,d,e\r\n", parse.Options{},
			[]row{"2! malformed_csv firstName", "3: 2|b|c", "4: 3|Smith, John|B", "5: 4|d|e"}},
		{"two stray quotes before the quoted field", "msisdn,firstName,lastName\n1,\"Bob\n2,b,c\n3,\"Al\n4,d,e\n5,\"Smith, John\",B\n6,f,g\n", parse.Options{},
			[]row{"2! malformed_csv firstName", "3: 2|b|c", "4! malformed_csv firstName", "5: 4|d|e", "6: 5|Smith, John|B", "7: 6|f|g"}},
		{"a stray quote pairs with an inch mark: more fields than the header", "msisdn,firstName,lastName\n1,\"Bob\n2,b,c\n3,TV 55\",x,y\n4,d,e\n", parse.Options{},
			[]row{"2! malformed_csv firstName", "3: 2|b|c", "4! extra_fields", "5: 4|d|e"}},
		{"text after a quote on the first line of a record that spans lines", "msisdn,firstName,lastName\n1,\"a\"x,\"b\nc\"\n2,d,e\n", parse.Options{},
			[]row{"2! malformed_csv lastName", "3: c\"||", "4: 2|d|e"}},
		{"a faulty quote after a multi-line cell", "msisdn,firstName,lastName\n1,\"x\ny\",\"a\"b\n2,c,d\n", parse.Options{},
			[]row{"2! malformed_csv firstName", "3! malformed_csv firstName", "4: 2|c|d"}},
		{"a multi-line cell that ends well is kept", "msisdn,firstName,lastName\n1,\"x\ny\",z\n2,\"a\r\nb\"\n3,c,d\n", parse.Options{},
			[]row{"2: 1|x\ny|z", "3: 2|a\r\nb|", "4: 3|c|d"}},
		{"a multi-line cell with an escaped quote is kept", "msisdn,firstName,lastName\n1,\"x \"\"y\"\"\nz\",w\n2,c,d\n", parse.Options{},
			[]row{"2: 1|x \"y\"\nz|w", "3: 2|c|d"}},
		{"without a header extra fields are no error", "1,\"Bob\n2,TV 55\",x,y,z\n3,d\n", parse.Options{NoHeader: true, Columns: []string{"msisdn", "firstName"}},
			[]row{"1: 1|Bob\n2,TV 55|x|y|z", "2: 3|d|||"}},
		{"strict: the record stays one rejected row", "msisdn,firstName\n1,\"a\n2,b\n3,\"c\"x\n4,d\n", parse.Options{StrictCSV: true},
			[]row{"2! malformed_csv firstName", "3: 4|d"}},
		{"quote opening after a too-large start", "msisdn,firstName\n" + strings.Repeat("y", 40) + ",\"a\n2,b\n", parse.Options{MaxRecordBytes: 30},
			[]row{"2! record_too_large", "3: 2|b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, readAll(t, open(t, tt.in, tt.opts)))
		})
	}
}

func repeatRow(cell string, from, n int) []row {
	var out []row
	for i := range n {
		out = append(out, itoa(from+i)+": "+cell+"|")
	}
	return out
}

// TestBrokenQuoteInOtherEncodings: going back over a broken quote works on decoded streams too
// (UTF-16 is decoded before the scanner; Windows-1252 after it).
func TestBrokenQuoteInOtherEncodings(t *testing.T) {
	text := "msisdn,firstName\r\n1,J\u00fcrgen\r\n2,\"Gro\u00df\r\n3,Z\u00f6e\r\n"
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range text {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	win := []byte(strings.NewReplacer("\u00fc", "\xfc", "\u00df", "\xdf", "\u00f6", "\xf6").Replace(text))
	for name, in := range map[string][]byte{"utf-16le": utf16, "windows-1252": win} {
		t.Run(name, func(t *testing.T) {
			src := open(t, string(in), parse.Options{})
			assert.Equal(t, name, src.Encoding())
			var got []row
			var raw []string
			for rec, err := range src.All() {
				require.NoError(t, err)
				got = append(got, compact(rec))
				if rec.Err != nil {
					raw = rec.Raw
				}
			}
			assert.Equal(t, []row{"2: 1|J\u00fcrgen", "3! malformed_csv firstName", "4: 3|Z\u00f6e"}, got)
			assert.Equal(t, []string{"2", "\"Gro\u00df"}, raw)
		})
	}
}

// TestStrayQuoteCostsOneRow is the auditor's case for issue 10 §5: a stray quote at row 801 pairs
// with the legitimately quoted field of row 900. It used to make rows 801–900 one rejected record
// (98 good rows inside one cell, 901 rows counted for a 1,000-row file). The record spans several
// lines and ends in a quote error, so only its first line is rejected and reading resumes on the
// next line: every physical row is counted and every other row is read.
func TestStrayQuoteCostsOneRow(t *testing.T) {
	var b strings.Builder
	b.WriteString("msisdn,firstName,lastName\n")
	for row := 2; row <= 1000; row++ {
		switch row {
		case 801:
			b.WriteString("+6591000801,\"Bob,Broken\n")
		case 900:
			b.WriteString("+6591000900,\"Smith, John\",B\n")
		default:
			b.WriteString("+6591000" + itoa(row) + ",A" + itoa(row) + ",B\n")
		}
	}
	src := open(t, b.String(), parse.Options{})
	var good, bad []parse.Record
	rows := 0
	for rec, err := range src.All() {
		require.NoError(t, err)
		rows++
		assert.Equal(t, rows+1, rec.Row, "one row per physical line")
		if rec.Err != nil {
			bad = append(bad, rec)
		} else {
			good = append(good, rec)
		}
	}
	assert.Equal(t, 999, rows, "every data row of the 1,000-row file is accounted for")
	require.Equal(t, 998, len(good))
	require.Equal(t, 1, len(bad))
	var re *parse.RowError
	require.ErrorAs(t, bad[0].Err, &re)
	assert.Equal(t, parse.CodeMalformedCSV, re.Code)
	assert.Equal(t, 801, re.Row)
	assert.Equal(t, 801, re.Line)
	assert.Equal(t, "firstName", re.Column)
	assert.ErrorIs(t, re, parse.ErrQuote)
	assert.NotErrorIs(t, re, parse.ErrUnterminatedQuote, "the quote is closed, on line 900")
	assert.Contains(t, re.Error(), "line 900")
	assert.Equal(t, []string{"+6591000801", `"Bob,Broken`, ""}, bad[0].Raw, "the line's own text")
	assert.Equal(t, 802, good[799].Row)
	assert.Equal(t, []string{"+6591000802", "A802", "B"}, good[799].Raw)
	assert.Equal(t, 900, good[897].Row)
	assert.Equal(t, []string{"+6591000900", "Smith, John", "B"}, good[897].Raw, "the quoted field that closed the stray one is read as it is written")
	assert.Equal(t, 1000, good[997].Row)
}
