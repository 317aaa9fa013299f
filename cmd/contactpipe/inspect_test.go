package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe"
)

// TestInspectCommand: inspect prints how the file is read and what an import would make of it,
// and writes nothing.
func TestInspectCommand(t *testing.T) {
	abs, err := filepath.Abs(messy)
	require.NoError(t, err)
	xlsx, err := filepath.Abs("../../testdata/contacts.xlsx")
	require.NoError(t, err)
	dir := t.TempDir()
	t.Chdir(dir)
	code, stdout, stderr := runCLI(t, "", "inspect", abs)
	require.Equal(t, 0, code, stderr)
	for _, want := range []string{
		`messy.csv: csv, encoding utf-8, delimiter ","`,
		`header (row 1): "firstName", "lastName", "msisdn", "email", "country", "nickname"`,
		"msisdn     msisdn     alias    77% of 9",
		"nickname   -          ignored",
		"12 rows: 3 accepted, 6 rejected, 3 duplicates",
		"no_address: 2 rows",
		`row 6, column "msisdn": too short`,
		`msisdn="+12015550123" email="ann@example.com" firstName="Ann" lastName="Lee" country="US"`,
	} {
		assert.Contains(t, stdout, want)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "inspect writes nothing")

	code, stdout, stderr = runCLI(t, "", "inspect", "-json", "-rows", "4", "-country", "GB", abs)
	require.Equal(t, 0, code, stderr)
	var in contactpipe.Inspection
	require.NoError(t, json.Unmarshal([]byte(stdout), &in))
	assert.Equal(t, 4, in.Rows)
	assert.True(t, in.Truncated)
	assert.Equal(t, "csv", in.Format)
	assert.Len(t, in.Columns, 6)

	// A workbook: its sheets; and the import's refusals are inspect's.
	code, stdout, stderr = runCLI(t, "", "inspect", xlsx)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, `the workbook's sheets: "Contacts"`)
	code, _, stderr = runCLI(t, "Wo,Notiz\nDE,x\n", "inspect", "-")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "no column maps to an address")
	code, _, stderr = runCLI(t, "", "inspect", "-rows", "-1", abs)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-rows")
	code, _, stderr = runCLI(t, "", "inspect", "-sheet", "x", abs)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-sheet has no effect")
}

// TestInspectNoAddress: a file with no address column is the one a user most needs to preview:
// inspect prints how it was read and how each column was taken, then the refusal with the -map
// hint (exit 2). A column without a name is printed readably.
func TestInspectNoAddress(t *testing.T) {
	path := filepath.Join(t.TempDir(), "people.csv")
	writeFile(t, path, "Wer;;Notiz\nAnn;x;first\nBo;y;second\n")
	code, stdout, stderr := runCLI(t, "", "inspect", path)
	assert.Equal(t, 2, code)
	for _, want := range []string{
		`people.csv: csv, encoding utf-8, delimiter ";"`,
		`header (row 1): "Wer", "", "Notiz"`,
		"(column 2)  -      ignored",
		"Notiz       -      ignored",
		"2 rows: 0 accepted, 2 rejected, 0 duplicates",
	} {
		assert.Contains(t, stdout, want)
	}
	assert.NotContains(t, stdout, `" (column 2)"`)
	assert.Contains(t, stderr, "no column maps to an address")
	assert.Contains(t, stderr, "-map")

	// -json: the same document, then the refusal.
	code, stdout, stderr = runCLI(t, "", "inspect", "-json", path)
	assert.Equal(t, 2, code)
	var in contactpipe.Inspection
	require.NoError(t, json.Unmarshal([]byte(stdout), &in))
	assert.Equal(t, ";", in.Delimiter)
	assert.Len(t, in.Columns, 3)
	assert.Contains(t, stderr, "no column maps to an address")
}

// TestInspectJSONKeys: inspect -json names every key in one style (lower camel case), the
// columns' too.
func TestInspectJSONKeys(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "inspect", "-json", messy)
	require.Equal(t, 0, code, stderr)
	var doc struct {
		Columns []map[string]any `json:"columns"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	require.NotEmpty(t, doc.Columns)
	for _, c := range doc.Columns {
		for k := range c {
			assert.Regexp(t, `^[a-z][A-Za-z]*$`, k)
		}
	}
	assert.Equal(t, "msisdn", doc.Columns[2]["header"])
	assert.Equal(t, "alias", doc.Columns[2]["method"])
	assert.Equal(t, float64(2), doc.Columns[2]["index"])
}
