package contactpipe_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/parse"
)

// TestImportRealWorldFiles imports the real-world sample files of parse/testdata end to end and
// asserts exactly which rows land and which are rejected, and why. Several files use fictional
// 555 numbers that are not valid phone numbers: those rows are rejected as invalid_phone, which is
// what a real import must do with them.
func TestImportRealWorldFiles(t *testing.T) {
	tests := []struct {
		file     string
		landed   [][]string // chunk rows
		rejected map[int]string
	}{
		{"excel_semicolon_1252.csv", [][]string{
			{"+49305550101", "Jürgen", "Müller", "DE", "jurgen.muller@example.de"},
			{"+4315550102", "Zoë", "Strauß", "AT", "zoe@example.at"},
			{"+4555500103", "Søren", "Ærø", "DK", ""},
			{"+33155500104", "Anne; Marie", "Dupont", "FR", "anne@example.fr"},
		}, map[int]string{}},
		{"excel_unicode_text.txt", [][]string{
			{"+861055550101", "Wang", "Fang 王芳", "CN", "wang.fang@example.cn"},
			{"+34600555102", "José", "García", "ES", "jose.garcia@example.es"},
			{"+905555550104", "Ünal", "Çelik", "TR", ""},
		}, map[int]string{4: "invalid_phone"}},
		{"google_contacts.csv", [][]string{
			{"+16505550102", "Ann", "Lee", "", "ann.lee@example.com"}, // Phone 2, typed Mobile, preferred
			{"+442079460018", "Robert", "Brown", "", "bob@example.org"},
			{"+34915550104", "Carla", "Díaz", "ES", ""}, // Google's "Address 1 - Country" maps (issue 11)
			{"+919855550106", "Dev", "Patel", "", ""},
		}, map[int]string{}},
		{"hubspot_contacts.csv", [][]string{
			{"+442079460303", "Alan", "Turing", "alan@example.co.uk"},
		}, map[int]string{2: "invalid_phone", 4: "invalid_phone"}},
		{"outlook_contacts.csv", [][]string{
			{"+441615550102", "Zoë", "Ashford", "GB", "zoe.ashford@example.co.uk"}, // Outlook's Country/Region columns map (issue 11)
			{"+33155550103", "François", "Lefèvre", "FR", "francois@example.fr"},
		}, map[int]string{2: "invalid_phone"}},
		{"mac_cr_only.csv", nil, map[int]string{2: "invalid_phone", 3: "invalid_phone", 5: "invalid_phone"}},
		{"ragged_rows.csv", nil, map[int]string{2: "invalid_phone", 3: "invalid_phone", 4: "extra_fields", 6: "invalid_phone"}},
		// Row 6's stray quote pairs with a quote on line 7: row 6 only is rejected for it, and line 7
		// is read on its own (text after its own closing quote).
		{"malformed_quotes.csv", nil, map[int]string{2: "invalid_phone", 3: "invalid_phone", 4: "malformed_csv", 5: "invalid_phone", 6: "malformed_csv", 7: "malformed_csv", 8: "invalid_phone"}},
		{"spreadsheet_contacts.xls", [][]string{
			{"+16505550101", "Ann", "Lee", "US", "ann@example.com"},
			{"+34600555102", "José", "García", "ES", "jose@example.es"},
		}, map[int]string{5: "invalid_phone"}}, // row 4 is blank in the sheet
		{"tab_text.xls", nil, map[int]string{2: "invalid_phone", 3: "invalid_phone"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("parse", "testdata", tt.file))
			require.NoError(t, err)
			defer f.Close()
			r := runImport(t, f, contactpipe.Config{})
			require.NoError(t, r.err)
			assert.Equal(t, tt.landed, r.chunks)
			assert.Equal(t, tt.rejected, r.rejected)
			for _, rj := range r.rejections {
				if rj.Err.Code == "invalid_phone" {
					assert.NotEmpty(t, rj.Raw, "row %d keeps its cells for rejected.csv", rj.Err.Row)
				}
			}
		})
	}
}

// TestImportBrokenQuoteCostsOneRow: an unterminated quote rejects its line only (issue 10 §5).
func TestImportBrokenQuoteCostsOneRow(t *testing.T) {
	f, err := os.Open(filepath.Join("parse", "testdata", "unterminated_quote.csv"))
	require.NoError(t, err)
	defer f.Close()
	r := runImport(t, f, contactpipe.Config{})
	require.NoError(t, r.err)
	assert.Equal(t, 3, r.rep.Rows, "rows 2 and 4 are read (their made-up numbers are then rejected)")
	assert.Equal(t, parse.CodeMalformedCSV, r.rejected[3])
	for _, rj := range r.rejections {
		if rj.Err.Row == 3 {
			assert.Equal(t, []string{"+15550502", `"Bob`}, rj.Raw, "the line's text for rejected.csv")
		}
	}
}

func TestImportRefusesUnreadableFiles(t *testing.T) {
	for file, want := range map[string]error{
		"html_table.xls": parse.ErrUnsupportedFormat,
	} {
		t.Run(file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("parse", "testdata", file))
			require.NoError(t, err)
			defer f.Close()
			r := runImport(t, f, contactpipe.Config{})
			assert.ErrorIs(t, r.err, want)
		})
	}
}
