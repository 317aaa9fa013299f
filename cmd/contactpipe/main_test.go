package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe"
)

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func readCSV(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open(name)
	require.NoError(t, err)
	defer f.Close()
	br := bufio.NewReader(f)
	if b, _ := br.Peek(3); string(b) == "\ufeff" { // files for people start with a BOM
		br.Discard(3)
	}
	r := csv.NewReader(br)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	require.NoError(t, err)
	return recs
}

func readReport(t *testing.T, dir string) contactpipe.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "report.json"))
	require.NoError(t, err)
	var rep contactpipe.Report
	require.NoError(t, json.Unmarshal(data, &rep))
	return rep
}

func TestImportMessyFiles(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "", "import", "-out", out, "../../testdata/messy.csv")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "messy.csv: 12 rows: 3 accepted in 1 chunk, 6 rejected, 3 duplicates")

	rep := readReport(t, out)
	assert.Equal(t, 12, rep.Rows)
	assert.Equal(t, rep.Rows, rep.Accepted+rep.Rejected+rep.Duplicates)
	require.Len(t, rep.Chunks, 1)
	assert.Equal(t, "chunk-0001.csv", rep.Chunks[0].File)

	chunk := readCSV(t, filepath.Join(out, "chunk-0001.csv"))
	assert.Equal(t, []string{"msisdn", "firstName", "lastName", "country", "email"}, chunk[0])
	assert.Len(t, chunk, 4)
	st, err := os.Stat(filepath.Join(out, "chunk-0001.csv"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	rej := readCSV(t, filepath.Join(out, "rejected.csv"))
	assert.Equal(t, []string{"firstName", "lastName", "msisdn", "email", "country", "nickname", "error_row", "error_column", "error_code", "error_message"}, rej[0])
	require.Len(t, rej, 7)
	assert.Equal(t, []string{"Cy", "Nobody", "", "", "US", "no address", "5", "", "no_address"}, rej[1][:9])
	assert.Equal(t, []string{"6", "msisdn", "invalid_phone"}, rej[2][6:9])

	dups := readCSV(t, filepath.Join(out, "duplicates.csv"))
	assert.Equal(t, [][]string{
		{"row", "duplicate_of_row", "column", "value", "duplicate_of_file", "firstName", "lastName", "msisdn", "email", "country", "nickname"},
		{"3", "2", "msisdn", "+12015550123", "", "Ann", "Lee-Dup", "(201) 555-0123", "", "US", "dup of row 2 by phone"},
		{"4", "2", "email", "ANN@example.com", "", "Bo", "Chen", "+44 7400 123457", "ANN@EXAMPLE.COM", "", "dup of row 2 by email"},
		{"11", "10", "msisdn", "+4915123456789", "", "Ivy", "Long", "+4915123456789", "", "DE", "dup of row 10 by phone"},
	}, dups)
}

func TestImportRerunReplacesOutputs(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := runCLI(t, "", "import", "-out", out, "-max-chunk-bytes", "200", "../../testdata/contacts.csv")
	require.Equal(t, 0, code, stderr)
	many, _ := filepath.Glob(filepath.Join(out, "chunk-*.csv"))
	require.Greater(t, len(many), 2)
	code, _, stderr = runCLI(t, "", "import", "-out", out, "-quiet", "../../testdata/contacts.csv")
	require.Equal(t, 0, code, stderr)
	one, _ := filepath.Glob(filepath.Join(out, "chunk-*.csv"))
	assert.Equal(t, []string{filepath.Join(out, "chunk-0001.csv")}, one, "stale chunks of the earlier run are gone")
}

func TestImportStdinHeaderless(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "+12015550123;Ann\n+4915123456789;Dieter\n", "import", "-out", out, "-header=false", "-columns", "msisdn,firstName", "-delimiter", ";", "-")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "stdin: 2 rows: 2 accepted")
	assert.Equal(t, [][]string{{"msisdn", "firstName"}, {"+12015550123", "Ann"}, {"+4915123456789", "Dieter"}}, readCSV(t, filepath.Join(out, "chunk-0001.csv")))
}

func TestImportRejectedNeutralized(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := runCLI(t, "name,phone,email\n=HYPERLINK(\"x\"),12,\n@SUM(1),+12015550123,\n", "import", "-out", out, "-")
	require.Equal(t, 0, code, stderr)
	rej := readCSV(t, filepath.Join(out, "rejected.csv"))
	require.Len(t, rej, 2)
	assert.Equal(t, `'=HYPERLINK("x")`, rej[1][0])
	chunk := readCSV(t, filepath.Join(out, "chunk-0001.csv"))
	assert.Equal(t, "@SUM(1)", chunk[1][1], "chunks are not altered")
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "Usage:"},
		{"unknown command", []string{"export"}, "unknown command"},
		{"no file", []string{"import"}, "exactly one FILE"},
		{"headerless without columns", []string{"import", "-header=false", "x.csv"}, "-columns"},
		{"too many groups", []string{"import", "-groups", "1,2,3,4,5,6,7,8,9,10,11", "x.csv"}, "at most 10"},
		{"bad group", []string{"import", "-groups", "1,x", "x.csv"}, "not a positive integer"},
		{"bad format", []string{"import", "-format", "pdf", "x.csv"}, "-format"},
		{"bad delimiter", []string{"import", "-delimiter", ";;", "x.csv"}, "-delimiter"},
		{"bad target", []string{"import", "-target", "ftp", "x.csv"}, "-target"},
		{"unknown flag", []string{"import", "-frobnicate", "x.csv"}, "frobnicate"},
		{"bad country", []string{"import", "-out", "", "-country", "Atlantis", "../../testdata/contacts.csv"}, "country"},
		{"unknown column field", []string{"import", "-out", "", "-header=false", "-columns", "msisdn,nickname", "../../testdata/contacts-noheader.csv"}, "nickname"},
		{"unknown encoding", []string{"import", "-out", "", "-encoding", "ebcdic", "../../testdata/contacts.csv"}, "ebcdic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.args) > 2 && tt.args[1] == "-out" {
				tt.args[2] = t.TempDir()
			}
			code, _, stderr := runCLI(t, "", tt.args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, stderr, tt.want)
		})
	}
}

func TestFatalErrors(t *testing.T) {
	code, _, stderr := runCLI(t, "", "import", "-out", t.TempDir(), "does-not-exist.csv")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "does-not-exist.csv")
}
