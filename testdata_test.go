package contactpipe_test

import (
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "regenerate the generated files in testdata/")

// TestGenerateXLSX writes testdata/contacts.xlsx from testdata/contacts.csv with excelize, as a
// spreadsheet user would have it: a phone typed as a bare number is a numeric cell. Run with
// -update to regenerate; otherwise it only checks the file is there.
func TestGenerateXLSX(t *testing.T) {
	out := filepath.Join("testdata", "contacts.xlsx")
	if !*update {
		_, err := os.Stat(out)
		require.NoError(t, err, "run go test -run TestGenerateXLSX -update")
		return
	}
	in, err := os.Open(filepath.Join("testdata", "contacts.csv"))
	require.NoError(t, err)
	defer in.Close()
	rows, err := csv.NewReader(in).ReadAll()
	require.NoError(t, err)
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Contacts"
	require.NoError(t, f.SetSheetName("Sheet1", sheet))
	for r, row := range rows {
		for c, v := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			require.NoError(t, err)
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				require.NoError(t, f.SetCellValue(sheet, cell, n))
			} else {
				require.NoError(t, f.SetCellStr(sheet, cell, v))
			}
		}
	}
	require.NoError(t, f.SaveAs(out))
}
