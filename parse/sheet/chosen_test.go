package sheet

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chosen is what a reader tells of the sheet it reads.
type chosen interface {
	Sheet() string
	DeclaredRows() int
}

// TestSheetChosen: both readers name the sheet they read, also when it was
// chosen by default (the first visible worksheet: "Notes" is hidden), as the
// workbook spells it; and tell the last row the sheet declares (XLSX
// <dimension ref>, XLS DIMENSIONS), 0 when it declares none worth a hint.
func TestSheetChosen(t *testing.T) {
	xlsx := readFile(t, "contacts.xlsx")
	dimensioned := func(ref string) []byte {
		return rewriteZip(t, xlsx, "xl/worksheets/sheet2.xml", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`<dimension ref="A1">`), []byte(`<dimension ref="`+ref+`">`), 1)
		}).Bytes()
	}
	tests := []struct {
		name     string
		open     func([]byte, Options) (Reader, error)
		data     []byte
		sheet    string
		want     string
		wantRows int
	}{
		{"xlsx default", openXLSXBytes, xlsx, "", "Contacts", 0}, // ref="A1": no declaration worth a hint
		{"xlsx asked in another case", openXLSXBytes, xlsx, "données", "Données", 0},
		{"xlsx dimension", openXLSXBytes, dimensioned("A1:J7"), "", "Contacts", 7},
		{"xlsx dimension lower-case", openXLSXBytes, dimensioned("b2:e300001"), "", "Contacts", 300001},
		{"xlsx dimension garbage", openXLSXBytes, dimensioned("A1:J"), "", "Contacts", 0},
		{"xls default", openXLSBytes, readFile(t, "contacts.xls"), "", "Contacts", 7},
		{"xls asked in another case", openXLSBytes, readFile(t, "contacts.xls"), "NOTES", "Notes", 0},
		{"xls libreoffice", openXLSBytes, readFile(t, "libreoffice_contacts.xls"), "", "Contacts", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.open(tt.data, Options{Sheet: tt.sheet})
			require.NoError(t, err)
			defer r.Close()
			c, ok := r.(chosen)
			require.True(t, ok, "%T tells neither Sheet nor DeclaredRows", r)
			_, _, err = r.Next() // the XLSX declaration precedes the rows: known once reading starts
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.Sheet())
			assert.Equal(t, tt.wantRows, c.DeclaredRows())
		})
	}
}

func openXLSXBytes(b []byte, o Options) (Reader, error) {
	return OpenXLSX(bytes.NewReader(b), int64(len(b)), o)
}
func openXLSBytes(b []byte, o Options) (Reader, error) {
	return OpenXLS(bytes.NewReader(b), int64(len(b)), o)
}
