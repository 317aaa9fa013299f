package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFixAndReimportRoundTrip is issue 10 §3's loop end to end: import a messy file, fix the
// rejected rows in rejected.csv the way a person does in a spreadsheet (change the wrong cells,
// save as CSV UTF-8: BOM and CRLF kept, every other cell as it was, the apostrophes contactpipe
// added included), import that file, and the fixed rows land with exactly the intended values:
// no apostrophe contactpipe added reaches a chunk, and the error columns are not carried along.
func TestFixAndReimportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "leads.csv")
	writeFile(t, in, "Phone,First Name,Last Name,Email,Notes\n"+
		"12,@john,-Smith,j@example.com,\"=HYPERLINK(\"\"x\"\")\"\n"+
		"+12015550126,Ann,Lee,not-an-email,call back\n"+
		"99,Bo,+2-2,,left broken\n"+
		"+12015550127,Cy,Ok,cy@example.com,fine\n")
	out1 := filepath.Join(dir, "out1")
	code, _, stderr := runCLI(t, "", "import", "-quiet", "-out", out1, in)
	require.Equal(t, 0, code, stderr)

	rejected := readCSV(t, filepath.Join(out1, "rejected.csv"))
	require.Len(t, rejected, 4, "header and three rejected rows")
	head := rejected[0]
	col := func(name string) int {
		for i, h := range head {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %q in %q", name, head)
		return -1
	}
	assert.Equal(t, []string{"Phone", "First Name", "Last Name", "Email", "Notes", "error_row", "error_column", "error_code", "error_message"}, head)
	assert.Equal(t, "'@john", rejected[1][col("First Name")], "neutralized for the spreadsheet")
	assert.Equal(t, "'-Smith", rejected[1][col("Last Name")])
	assert.Equal(t, "'+2-2", rejected[3][col("Last Name")])

	// The person fixes two rows and leaves the third.
	rejected[1][col("Phone")] = "+12015550125"
	rejected[2][col("Email")] = "ann@example.com"
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	require.NoError(t, w.WriteAll(rejected))
	fixed := filepath.Join(dir, "rejected-fixed.csv")
	require.NoError(t, os.WriteFile(fixed, buf.Bytes(), 0o600))

	out2 := filepath.Join(dir, "out2")
	code, _, stderr = runCLI(t, "", "import", "-quiet", "-out", out2, fixed)
	require.Equal(t, 0, code, stderr)
	chunk := readCSV(t, filepath.Join(out2, "chunk-0001.csv"))
	assert.Equal(t, [][]string{
		{"msisdn", "firstName", "lastName", "email"},
		{"+12015550125", "@john", "-Smith", "j@example.com"},
		{"+12015550126", "Ann", "Lee", "ann@example.com"},
	}, chunk, "the fixed rows land with exactly the intended values")

	again := readCSV(t, filepath.Join(out2, "rejected.csv"))
	require.Len(t, again, 2)
	assert.Equal(t, head, again[0], "one set of error columns, not two")
	assert.Equal(t, []string{"99", "Bo", "'+2-2", "", "left broken"}, again[1][:5], "the unfixed row is neutralized once, not twice")
	assert.Equal(t, "invalid_phone", again[1][col("error_code")])
}
