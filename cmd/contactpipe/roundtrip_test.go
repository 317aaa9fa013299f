package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFixAndReimport runs the loop a user runs: import a messy file → fix rows of rejected.csv in
// a spreadsheet → import that file → the fixed rows land with exactly the intended values; the
// apostrophes contactpipe added against formulas never reach a chunk, the user's own stay, and no
// error_* columns pile up.
func TestFixAndReimport(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "leads.csv")
	require.NoError(t, os.WriteFile(src, []byte(
		"firstName,lastName,msisdn,email,notes\n"+
			"@john,-Smith,12,,formula-like names\n"+
			"=1+2,O'Brien,+6591000101,not-an-email,bad email\n"+
			"Ann,Good,+6591000102,ann@example.com,fine\n"+
			"+Plus,Tab,34,,\"two\nlines\"\n"), 0o600))
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "", "import", "-out", out, src)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "4 rows: 1 accepted")

	// The spreadsheet: rejected.csv as written (UTF-8 BOM, neutralized cells), three rows fixed.
	rejPath := filepath.Join(out, "rejected.csv")
	raw, err := os.ReadFile(rejPath)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(raw, []byte("\uFEFF")), "rejected.csv starts with a BOM")
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\uFEFF")))).ReadAll()
	require.NoError(t, err)
	header := rows[0]
	require.Equal(t, []string{"firstName", "lastName", "msisdn", "email", "notes", "error_row", "error_column", "error_code", "error_message"}, header)
	require.Len(t, rows, 4)
	assert.Equal(t, []string{"'@john", "'-Smith"}, rows[1][:2], "neutralized for the spreadsheet")
	assert.Equal(t, "'=1+2", rows[2][0])
	rows[1][2] = "+6591000100"    // a phone that was too short
	rows[2][3] = "eq@example.com" // a bad email
	rows[3][2] = "+6591000103"
	var edited bytes.Buffer
	edited.WriteString("\uFEFF")
	w := csv.NewWriter(&edited)
	w.UseCRLF = true // as spreadsheets save
	require.NoError(t, w.WriteAll(rows))
	fixed := filepath.Join(dir, "fixed.csv")
	require.NoError(t, os.WriteFile(fixed, edited.Bytes(), 0o600))

	out2 := filepath.Join(dir, "out2")
	code, stdout, stderr = runCLI(t, "", "import", "-out", out2, fixed)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "3 rows: 3 accepted")
	assert.NotContains(t, stderr, "error_row", "the error columns are recognized, not reported as ignored")

	chunk := readCSV(t, filepath.Join(out2, "chunk-0001.csv"))
	require.Equal(t, []string{"msisdn", "firstName", "lastName", "email"}, chunk[0])
	assert.Equal(t, [][]string{
		{"+6591000100", "@john", "-Smith", ""},
		{"+6591000101", "=1+2", "O'Brien", "eq@example.com"},
		{"+6591000103", "+Plus", "Tab", ""},
	}, chunk[1:], "exactly the intended values: contactpipe's apostrophes gone, the user's kept")
	b, err := os.ReadFile(filepath.Join(out2, "chunk-0001.csv"))
	require.NoError(t, err)
	assert.NotContains(t, string(b), "'@", "no anti-formula apostrophe reaches a chunk")
	assert.NotContains(t, string(b), "'=")

	// A second round with a row still wrong: the new rejected.csv has one set of error columns.
	rows[1][2] = "56"
	edited.Reset()
	edited.WriteString("\uFEFF")
	w = csv.NewWriter(&edited)
	require.NoError(t, w.WriteAll(rows))
	require.NoError(t, os.WriteFile(fixed, edited.Bytes(), 0o600))
	out3 := filepath.Join(dir, "out3")
	code, _, stderr = runCLI(t, "", "import", "-out", out3, fixed)
	require.Equal(t, 0, code, stderr)
	rej := readCSV(t, filepath.Join(out3, "rejected.csv"))
	require.Len(t, rej, 2)
	assert.Equal(t, header, []string{strings.TrimPrefix(rej[0][0], "\uFEFF"), rej[0][1], rej[0][2], rej[0][3], rej[0][4], rej[0][5], rej[0][6], rej[0][7], rej[0][8]})
	assert.Len(t, rej[0], len(header), "no error_* columns pile up")
	assert.Equal(t, []string{"'@john", "'-Smith", "56"}, rej[1][:3], "neutralized once, not twice")
}
