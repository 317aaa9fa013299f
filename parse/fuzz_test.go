package parse_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/contactpipe/contactpipe/parse"
)

var fuzzEncodings = []string{"", "utf-8", "utf-16le", "windows-1252"}

// FuzzOpenText runs arbitrary bytes through Open (format sniffing, encoding detection and decoding,
// delimiter sniffing, the record scanner, the header mapper) and Next. mode selects options: bit 0
// no header (columns given), bit 1 tiny limits, bits 2-3 a forced encoding, bit 4 StrictCSV (only
// then may a quote stop the reading). It checks that nothing
// panics or loops, that every error is typed, and the invariants of accepted rows.
func FuzzOpenText(f *testing.F) {
	seeds := []string{
		"msisdn,firstName\n1,a\n",
		"First Name;Last Name;Phone\r\nA;B;1\r\n",
		"msisdn\tfirstName\r1\t\"a\"\"b\"\r",
		"phone,name\n1,\"x\ny\"\n2,\"a\"b\n3,\"unterminated\n",
		"\xEF\xBB\xBFmsisdn|email\n1|a@b\n",
		"\xFF\xFEm\x00s\x00i\x00s\x00d\x00n\x00\n\x001\x00\n\x00",
		"lastName,msisdn\nM\xfcller,1\n\x81,2\n",
		"<html><table><tr><td>x</td></tr></table></html>",
		"PK\x03\x04",
		"msisdn,firstName,lastName\n1,,,,,\n2\n3,a,b,c\n,,\n",
		"Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Name\nWork,1,Mobile,2,Ann Lee\n",
		"msisdn,firstName,lastName\n1,\"x\ny\",\"a\n2,b,c\n3,\"d\r\n4,e,f",
		"msisdn,firstName\n1,\"" + strings.Repeat("x\n", 40) + "2,b\n",
	}
	for i, s := range seeds {
		f.Add([]byte(s), byte(0), byte(i%4))
	}
	f.Add([]byte("a;b\n1;2\n"), byte(';'), byte(1))
	f.Fuzz(func(t *testing.T, data []byte, delim byte, mode byte) {
		opts := parse.Options{Encoding: fuzzEncodings[(mode>>2)&3]}
		if mode&1 != 0 {
			opts.NoHeader = true
			opts.Columns = []string{"msisdn", "firstName", "", "email"}
		}
		if mode&2 != 0 {
			opts.MaxRecordBytes, opts.MaxFields = 64, 8
		}
		opts.StrictCSV = mode&16 != 0
		switch delim {
		case 0, ',', ';', '\t', '|', ':':
			opts.Delimiter = rune(delim)
		}
		src, err := parse.Open(bytes.NewReader(data), opts)
		if err != nil {
			checkTypedOpenError(t, err)
			return
		}
		defer src.Close()
		width := len(src.Header())
		hasFFFD := bytes.Contains(data, []byte("\uFFFD"))
		prevRow := 0
		for n := 0; ; n++ {
			if n > len(data)+2 {
				t.Fatalf("more records (%d) than input bytes (%d)", n, len(data))
			}
			rec, err := src.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var re *parse.RowError
				if !opts.StrictCSV || !errors.As(err, &re) || re.Code != parse.CodeUnterminatedQuote {
					t.Fatalf("fatal error is not an unterminated quote in strict mode: %v", err)
				}
				break
			}
			if rec.Row <= prevRow {
				t.Fatalf("row %d after row %d", rec.Row, prevRow)
			}
			prevRow = rec.Row
			if rec.Err != nil {
				var re *parse.RowError
				if !errors.As(rec.Err, &re) || re.Code == "" || re.Row != rec.Row {
					t.Fatalf("row error not a *RowError for its row: %#v", rec.Err)
				}
				continue
			}
			if len(rec.Raw) < width {
				t.Fatalf("row %d has %d cells, header %d", rec.Row, len(rec.Raw), width)
			}
			joined := strings.Join(rec.Raw, "\x00")
			if !utf8.ValidString(joined) {
				t.Fatalf("row %d accepted with invalid UTF-8: %q", rec.Row, joined)
			}
			if strings.ContainsRune(joined, utf8.RuneError) && !(hasFFFD && src.Encoding() == "utf-8") {
				t.Fatalf("row %d accepted with U+FFFD that is not in the input (%s): %q", rec.Row, src.Encoding(), joined)
			}
			for fld, v := range rec.Values {
				if v != "" && !strings.Contains(joined, v) {
					t.Fatalf("value %s=%q is not from the row's cells %q", parse.Field(fld), v, joined)
				}
			}
		}
	})
}

func checkTypedOpenError(t *testing.T, err error) {
	t.Helper()
	var (
		he *parse.HeaderError
		re *parse.RowError
		fe *parse.FormatError
	)
	switch {
	case errors.As(err, &he), errors.As(err, &re), errors.As(err, &fe),
		errors.Is(err, parse.ErrNoHeader), errors.Is(err, parse.ErrColumnsRequired),
		errors.Is(err, parse.ErrMalformedSpreadsheet), errors.Is(err, parse.ErrSpreadsheetTooLarge),
		errors.Is(err, parse.ErrEncrypted), errors.Is(err, parse.ErrSheetNotFound):
	default:
		t.Fatalf("untyped error from Open: %v", err)
	}
	if msg := err.Error(); msg == "" {
		t.Fatal("empty error message")
	}
}

// FuzzMapHeader maps arbitrary header rows (names separated by '\n') and checks that errors are
// typed, that every non-empty column is either mapped or ignored, and that Values only returns text
// from the row.
func FuzzMapHeader(f *testing.F) {
	seeds := []string{
		"First Name\nLast Name\nPhone\nE-mail",
		"msisdn\nfirstName\nlastName\nexternalId\ncountry\nemail\nweChatUserId\nfacebookUserId\nzaloId\nlineId\nkakaoTalkId\nsalutation",
		"Name\nGiven Name\nFamily Name\nPhone 1 - Type\nPhone 1 - Value\nPhone 2 - Type\nPhone 2 - Value\nE-mail 1 - Value",
		"Title\nFirst Name\nLast Name\nBusiness Phone\nHome Phone\nMobile Phone\nE-mail Address\nE-mail 2 Address",
		"Phone Number\nMobile Phone Number\nEmail",
		"Phone\nTelephone",
		"Email\ne-mail",
		"Full Name\n\n\nphone 12345",
		"phone1value\nphone1type\nphone 1 type",
	}
	for _, s := range seeds {
		f.Add(s, "x\n1\nMobile\n+1 ::: 2\nAnn Lee")
	}
	f.Fuzz(func(t *testing.T, header, row string) {
		names := strings.Split(header, "\n")
		m, err := parse.MapHeader(names)
		if err != nil {
			var he *parse.HeaderError
			if !errors.As(err, &he) {
				t.Fatalf("untyped error: %v", err)
			}
			_ = err.Error()
			return
		}
		if m.Width() != len(names) {
			t.Fatalf("width %d for %d names", m.Width(), len(names))
		}
		cols, ignored := m.Columns(), m.Ignored()
		nonEmpty := 0
		for _, n := range names {
			if strings.TrimSpace(n) != "" {
				nonEmpty++
			}
		}
		if len(cols)+len(ignored) < nonEmpty {
			t.Fatalf("%d mapped + %d ignored < %d named columns", len(cols), len(ignored), nonEmpty)
		}
		if len(m.Fields()) == 0 {
			t.Fatal("a mapping without fields")
		}
		cells := strings.Split(row, "\n")
		joined := strings.Join(cells, "\n")
		for fld, v := range m.Values(cells) {
			if v != "" && !strings.Contains(joined, v) {
				t.Fatalf("value %s=%q not from the row", parse.Field(fld), v)
			}
		}
	})
}

// TestFuzzSeedFiles checks that the seed corpora under testdata/fuzz exist (they run as part of the
// Fuzz targets in every go test).
func TestFuzzSeedFiles(t *testing.T) {
	for _, target := range []string{"FuzzOpenText", "FuzzMapHeader"} {
		files, err := filepath.Glob(filepath.Join("testdata", "fuzz", target, "*"))
		if err != nil || len(files) == 0 {
			t.Errorf("no seed corpus for %s", target)
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil || !bytes.HasPrefix(b, []byte("go test fuzz v1\n")) {
				t.Errorf("%s is not a fuzz corpus file", file)
			}
		}
	}
}
