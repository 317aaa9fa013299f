package parse_test

import (
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/contactpipe/contactpipe/parse"
)

func utf16le(s string, bom bool) string {
	var b []byte
	if bom {
		b = append(b, 0xFF, 0xFE)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}

func utf16be(s string, bom bool) string {
	var b []byte
	if bom {
		b = append(b, 0xFE, 0xFF)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return string(b)
}

func win1252(t testing.TB, s string) string {
	out, err := charmap.Windows1252.NewEncoder().String(s)
	require.NoError(t, err)
	return out
}

func TestEncodings(t *testing.T) {
	const text = "lastName\tmsisdn\nMüller\t1\nGarçon €\t2\n"
	tests := []struct {
		name     string
		in       string
		opts     parse.Options
		encoding string
		rows     []row
	}{
		{"utf-8", text, parse.Options{}, "utf-8", []row{"2: Müller|1", "3: Garçon €|2"}},
		{"utf-8 bom", "\uFEFF" + text, parse.Options{}, "utf-8", []row{"2: Müller|1", "3: Garçon €|2"}},
		{"utf-16le bom (Excel unicode text)", utf16le(text, true), parse.Options{}, "utf-16le", []row{"2: Müller|1", "3: Garçon €|2"}},
		{"utf-16be bom", utf16be(text, true), parse.Options{}, "utf-16be", []row{"2: Müller|1", "3: Garçon €|2"}},
		{"utf-16le without bom", utf16le(text, false), parse.Options{}, "utf-16le", []row{"2: Müller|1", "3: Garçon €|2"}},
		{"utf-16be without bom", utf16be(text, false), parse.Options{}, "utf-16be", []row{"2: Müller|1", "3: Garçon €|2"}},
		{"windows-1252 detected", win1252(t, text), parse.Options{}, "windows-1252", []row{"2: Müller|1", "3: Garçon €|2"}},
		{"latin1 forced", win1252(t, text), parse.Options{Encoding: "Latin1"}, "windows-1252", []row{"2: Müller|1", "3: Garçon €|2"}},
		{"utf-16 forced without bom", utf16le(text, false), parse.Options{Encoding: "UTF-16LE"}, "utf-16le", []row{"2: Müller|1", "3: Garçon €|2"}},
		{"utf-16 forced with bom", utf16le(text, true), parse.Options{Encoding: "utf16"}, "utf-16le", []row{"2: Müller|1", "3: Garçon €|2"}},
		{"other whatwg encoding", "lastName,msisdn\n\xA4uro,1\n", parse.Options{Encoding: "iso-8859-15"}, "iso-8859-15", []row{"2: €uro|1"}},
		{"utf-8 forced rejects windows-1252 rows", win1252(t, text), parse.Options{Encoding: "utf-8"}, "utf-8",
			[]row{"2! bad_encoding lastName", "3! bad_encoding lastName"}},
		{"invalid utf-8 after real utf-8 is rejected", "lastName,msisdn\nMüller,1\n" + win1252(t, "Müller") + ",2\nok,3\n", parse.Options{}, "utf-8",
			[]row{"2: Müller|1", "3! bad_encoding lastName", "4: ok|3"}},
		{"a sequence cut between two fields is invalid", "lastName,msisdn\nMüller,1\n\xce,\x95\n", parse.Options{}, "utf-8",
			[]row{"2: Müller|1", "3! bad_encoding lastName"}},
		{"a cut sequence in a late row switches an ascii file to windows-1252", "lastName,msisdn\nMuller,1\n\xce,\x95\n", parse.Options{}, "windows-1252",
			[]row{"2: Muller|1", "3: Î|•"}},
		{"undefined windows-1252 byte is rejected", "lastName,msisdn\nM\xfcller,1\nx\x81y,2\n", parse.Options{}, "windows-1252",
			[]row{"2: Müller|1", "3! bad_encoding lastName"}},
		{"unpaired surrogate in utf-16 is rejected", utf16le("lastName\tmsisdn\nok\t1\n", true) + "\x00\xD8a\x00\t\x002\x00\n\x00" + utf16le("fine\t3\n", false),
			parse.Options{}, "utf-16le", []row{"2: ok|1", "3! bad_encoding lastName", "4: fine|3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := open(t, tt.in, tt.opts)
			assert.Equal(t, []string{"lastName", "msisdn"}, src.Header())
			assert.Equal(t, tt.rows, readAll(t, src))
			assert.Equal(t, tt.encoding, src.Encoding())
		})
	}
}

// A Windows-1252 file whose first non-ASCII byte comes after the 64 KiB sniffed at Open: the reader
// switches to Windows-1252 at that row, since every earlier row was ASCII.
func TestLateWindows1252(t *testing.T) {
	var b strings.Builder
	b.WriteString("lastName;msisdn\r\n")
	n := 0
	for b.Len() < 100_000 {
		b.WriteString("Smith;15551234567\r\n")
		n++
	}
	b.WriteString(win1252(t, "Müller;1\r\n"))
	src := open(t, b.String(), parse.Options{})
	assert.Equal(t, "utf-8", src.Encoding())
	rows := readAll(t, src)
	require.Len(t, rows, n+1)
	assert.Equal(t, itoa(n+2)+": Müller|1", rows[n])
	assert.Equal(t, "windows-1252", src.Encoding())
}

func TestBadEncodingRawKeepsBytes(t *testing.T) {
	src := open(t, "lastName,msisdn\nMüller,1\nM\xfcller,2\n", parse.Options{})
	_, err := src.Next()
	require.NoError(t, err)
	rec, err := src.Next()
	require.NoError(t, err)
	require.ErrorIs(t, rec.Err, parse.ErrEncoding)
	assert.Equal(t, []string{"M\xfcller", "2"}, rec.Raw, "the original bytes, never U+FFFD")
	assert.Equal(t, [parse.NumFields]string{}, rec.Values)
	assert.Equal(t, `row 3, column "lastName": bytes that are not valid utf-8 at line 3`, rec.Err.Error())
}
