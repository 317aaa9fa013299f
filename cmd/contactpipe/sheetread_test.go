package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSheetReadNamed: of a workbook of several sheets read without -sheet, inspect says which
// sheet it read and import's report.json has it as "sheet".
func TestSheetReadNamed(t *testing.T) {
	xlsx, err := filepath.Abs("../../parse/sheet/testdata/contacts.xlsx")
	require.NoError(t, err)
	t.Chdir(t.TempDir())
	code, stdout, stderr := runCLI(t, "", "inspect", xlsx)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, `contacts.xlsx: xlsx, sheet "Contacts"`)
	assert.Contains(t, stdout, `the workbook's sheets: "Notes", "Contacts", "Données"`)

	code, _, stderr = runCLI(t, "", "import", "-out", "out", xlsx)
	require.Equal(t, 0, code, stderr)
	b, err := os.ReadFile(filepath.Join("out", "report.json"))
	require.NoError(t, err)
	var rep struct {
		Sheet string `json:"sheet"`
	}
	require.NoError(t, json.Unmarshal(b, &rep))
	assert.Equal(t, "Contacts", rep.Sheet)
}
