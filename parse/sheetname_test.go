package parse_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/contactpipe/contactpipe/parse"
)

// TestSheetName: Source.Sheet names the sheet read as the workbook spells it — the only sheet of a
// one-sheet workbook, the sheet Options.Sheet picked (which matches names ignoring case), "" for
// text. (Of several sheets, the first visible one read by default is named only by a sheet reader
// that tells it: parse/sheet's readers do not, so Sheet is then "".)
func TestSheetName(t *testing.T) {
	f := excelize.NewFile()
	require.NoError(t, f.SetSheetName("Sheet1", "Notes"))
	_, err := f.NewSheet("Kontakte")
	require.NoError(t, err)
	for _, sh := range []string{"Notes", "Kontakte"} {
		require.NoError(t, f.SetSheetRow(sh, "A1", &[]any{"Email"}))
		require.NoError(t, f.SetSheetRow(sh, "A2", &[]any{"ann@example.com"}))
	}
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))
	two := buf.Bytes()

	tests := []struct {
		name string
		in   func(t *testing.T) []byte
		opts parse.Options
		want string
	}{
		{"one sheet xlsx", file("spreadsheet_contacts.xlsx"), parse.Options{}, "spreadsheet_contacts"},
		{"one sheet xls", file("spreadsheet_contacts.xls"), parse.Options{}, "spreadsheet_contacts"},
		{"asked for in another case", file("spreadsheet_contacts.xlsx"), parse.Options{Sheet: "SPREADSHEET_Contacts"}, "spreadsheet_contacts"},
		{"of two, asked for", func(*testing.T) []byte { return two }, parse.Options{Sheet: "kontakte"}, "Kontakte"},
		{"of two, exactly", func(*testing.T) []byte { return two }, parse.Options{Sheet: "Notes"}, "Notes"},
		{"text", func(*testing.T) []byte { return []byte("email\nann@example.com\n") }, parse.Options{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := parse.Open(bytes.NewReader(tt.in(t)), tt.opts)
			require.NoError(t, err)
			defer src.Close()
			assert.Equal(t, tt.want, src.Sheet())
		})
	}
}

func file(name string) func(t *testing.T) []byte {
	return func(t *testing.T) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(t, err)
		return b
	}
}
