package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMapAndStrictColumns(t *testing.T) {
	src := "Nummer,Wo,Notiz\n+4915123456789,DE,x\n"
	out := filepath.Join(t.TempDir(), "out")

	// No address column: refused before anything is written, the message says how to fix it.
	code, _, stderr := runCLI(t, "Wo,Notiz\nDE,x\n", "import", "-out", out, "-")
	assert.Equal(t, 2, code, stderr)
	assert.Contains(t, stderr, "no column maps to an address")
	assert.Contains(t, stderr, "-map")
	assert.NoDirExists(t, out)

	// A header two columns of which would feed one field: refused the same way, with the -map fix.
	code, _, stderr = runCLI(t, "First Name,Given Name,Phone\nA,B,+4915123456789\n", "import", "-out", out, "-")
	assert.Equal(t, 2, code, stderr)
	assert.Contains(t, stderr, "-map")
	assert.NoDirExists(t, out)

	code, _, stderr = runCLI(t, src, "import", "-out", out, "-map", "Nummer=msisdn, Wo=country", "-")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, [][]string{{"msisdn", "country"}, {"+4915123456789", "DE"}}, readCSV(t, filepath.Join(out, "chunk-0001.csv")))
	assert.Equal(t, "msisdn", readReport(t, out).Columns["Nummer"])

	out2 := filepath.Join(t.TempDir(), "out")
	code, _, stderr = runCLI(t, src, "import", "-out", out2, "-map", "Nummer=msisdn,Wo=country", "-strict-columns", "-")
	assert.Equal(t, 2, code, stderr)
	assert.Contains(t, stderr, "Notiz")
	assert.NoDirExists(t, out2)

	for _, bad := range []string{"Nummer", "=msisdn", "Nummer="} {
		code, _, stderr = runCLI(t, src, "import", "-out", out2, "-map", bad, "-")
		assert.Equal(t, 2, code, bad)
		assert.Contains(t, stderr, "-map", bad)
	}
}

func TestStrictCSV(t *testing.T) {
	src := "phone,name\n+6591000001,A\n+6591000002,\"B\n"
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI(t, src, "import", "-out", out, "-")
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "2 rows: 1 accepted")
	assert.Equal(t, 1, readReport(t, out).RejectReasons["malformed_csv"])

	code, _, stderr = runCLI(t, src, "import", "-out", filepath.Join(t.TempDir(), "out"), "-strict-csv", "-")
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stderr, "row 3")

	code, _, stderr = runCLI(t, "", "import", "-out", filepath.Join(t.TempDir(), "out"), "-strict-csv", "../../testdata/contacts.xlsx")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-strict-csv has no effect")
}

func TestInvalidFieldDrop(t *testing.T) {
	src := "phone,email,name\n+6591000001,not-an-email,Ann\n+6591000002,=cmd|calc,Bob\n"
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI(t, src, "import", "-out", out, "-")
	assert.Equal(t, 3, code, "by default both rows are rejected: "+stderr)
	assert.Contains(t, stdout, "2 rejected")
	assert.NoFileExists(t, filepath.Join(out, "warnings.csv"))

	out = filepath.Join(t.TempDir(), "out")
	code, stdout, stderr = runCLI(t, src, "import", "-out", out, "-invalid-field", "drop", "-")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "2 rows: 2 accepted")
	b, err := os.ReadFile(filepath.Join(out, "warnings.csv"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(b), "\uFEFFrow,column,value,code,message\n"), "%q", b)
	rows := readCSV(t, filepath.Join(out, "warnings.csv"))
	require.Len(t, rows, 3)
	assert.Equal(t, []string{"2", "email", "not-an-email", "invalid_email"}, rows[1][:4])
	assert.Equal(t, "'=cmd|calc", rows[2][2], "a formula is neutralized for spreadsheets")
	assert.Equal(t, 2, readReport(t, out).Warnings)
	chunk := readCSV(t, filepath.Join(out, "chunk-0001.csv"))
	require.Len(t, chunk, 3)
	assert.Equal(t, []string{"msisdn", "firstName"}, chunk[0][:2])
	assert.Equal(t, []string{"+6591000002", "Bob"}, chunk[2][:2])
	assert.NotContains(t, strings.Join(chunk[2], ","), "calc", "the dropped value is not sent")

	code, _, stderr = runCLI(t, src, "import", "-out", filepath.Join(t.TempDir(), "o"), "-invalid-field", "maybe", "-")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-invalid-field")
}

func TestDryRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI(t, "", "import", "-out", out, "-dry-run", messy)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "messy.csv: 12 rows: 3 accepted in 1 chunk, 6 rejected, 3 duplicates")
	assert.Contains(t, stdout, "dry run: nothing written or uploaded")
	assert.NoDirExists(t, out)

	// An API target needs no credentials and sends nothing.
	code, stdout, stderr = runCLI(t, "", "import", "-out", out, "-dry-run", "-target", "koreai", "-koreai-url", "https://bots.example.com",
		"-stream-id", "s", "-koreai-account-id", "a", messy)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "dry run")
	assert.NoDirExists(t, out)
}

// TestWarningsNameFilesWritten: a warning points at a file only when the run wrote it, under the
// name it was written as.
func TestWarningsNameFilesWritten(t *testing.T) {
	// The input is called rejected.csv in -out: the rejected rows go to rejected-2.csv.
	out := t.TempDir()
	input := filepath.Join(out, "rejected.csv")
	writeFile(t, input, "phone,name,nickname\n+12015550123,Ann,a\n12,Bo,b\n13,Cy,c\n")
	code, _, stderr := runCLI(t, "", "import", "-out", out, input)
	require.Equal(t, 0, code, stderr)
	require.FileExists(t, filepath.Join(out, "rejected-2.csv"))
	assert.Contains(t, stderr, "2 of 3; see rejected-2.csv)")
	assert.NotContains(t, stderr, "see rejected.csv")

	// Every row a duplicate or rejected, none rejected: duplicates.csv is the file to see.
	dups := filepath.Join(t.TempDir(), "dups.csv")
	writeFile(t, dups, "phone\n12\n")
	code, _, stderr = runCLI(t, "", "import", "-out", filepath.Join(t.TempDir(), "o"), dups)
	assert.Equal(t, 3, code)
	assert.Contains(t, stderr, "all 1 row were rejected or duplicates (see rejected.csv)")

	// A dry run writes nothing, so its warnings point at no file.
	code, _, stderr = runCLI(t, "", "import", "-out", filepath.Join(t.TempDir(), "o"), "-dry-run", messy)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, `1 column not imported: "nickname"`)
	assert.Contains(t, stderr, "of the rows were rejected (6 of 12)")
	assert.NotContains(t, stderr, "see ")
}
