package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/contactsim"
)

// snapshot describes every entry under dir: its mode and its content (or link target).
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		st, err := os.Lstat(path)
		if err != nil {
			return err
		}
		switch {
		case st.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(path)
			snap[rel] = "link " + target
		case st.IsDir():
			snap[rel] = fmt.Sprintf("dir %v", st.Mode())
		default:
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			snap[rel] = fmt.Sprintf("%v %s", st.Mode(), b)
		}
		return nil
	})
	require.NoError(t, err)
	return snap
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
}

const messy = "../../testdata/messy.csv"

// TestOutForeignFilesSurvive: files contactpipe did not write are never removed, also among
// files it did write, and whatever their names.
func TestOutForeignFilesSurvive(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, _, stderr := runCLI(t, "", "import", "-out", out, "-max-chunk-bytes", "200", "../../testdata/contacts.csv")
	require.Equal(t, 0, code, stderr)
	require.FileExists(t, filepath.Join(out, manifestName))
	require.FileExists(t, filepath.Join(out, "chunk-0003.csv"))
	writeFile(t, filepath.Join(out, "chunk-Q3-sales.csv"), "the user's own\n")
	writeFile(t, filepath.Join(out, "notes.txt"), "mine\n")

	code, _, stderr = runCLI(t, "", "import", "-out", out, "-quiet", messy)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, []string{manifestName, "chunk-0001.csv", "chunk-Q3-sales.csv", "duplicates.csv", "notes.txt", "rejected.csv", "report.json"}, names(t, out),
		"the earlier run's chunks 2, 3, … are gone, the user's files are not")
	b, err := os.ReadFile(filepath.Join(out, "chunk-Q3-sales.csv"))
	require.NoError(t, err)
	assert.Equal(t, "the user's own\n", string(b))

	// The manifest lists exactly what this run wrote, with hashes.
	var m manifest
	b, err = os.ReadFile(filepath.Join(out, manifestName))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &m))
	var listed []string
	for _, f := range m.Files {
		listed = append(listed, f.Name)
		sum, err := hashFile(filepath.Join(out, f.Name))
		require.NoError(t, err)
		assert.Equal(t, sum, f.SHA256, f.Name)
	}
	sort.Strings(listed)
	assert.Equal(t, []string{"chunk-0001.csv", "duplicates.csv", "rejected.csv", "report.json"}, listed)

	// A file of the earlier run the user changed is theirs now: the run is refused, nothing lost.
	writeFile(t, filepath.Join(out, "rejected.csv"), "edited by hand\n")
	before := snapshot(t, out)
	code, _, stderr = runCLI(t, "", "import", "-out", out, messy)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "rejected.csv was not written by contactpipe, or was changed since")
	assert.Equal(t, before, snapshot(t, out))
}

// TestOutWithoutManifest: a non-empty directory contactpipe did not write is refused unless
// -force-out, and even then nothing in it is removed or overwritten.
func TestOutWithoutManifest(t *testing.T) {
	out := t.TempDir()
	writeFile(t, filepath.Join(out, "chunk-Q3-sales.csv"), "q3\n")
	writeFile(t, filepath.Join(out, "sub", "x.txt"), "x\n")
	before := snapshot(t, out)
	code, stdout, stderr := runCLI(t, "", "import", "-out", out, messy)
	assert.Equal(t, 2, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "is not empty and has no "+manifestName)
	assert.Contains(t, stderr, "-force-out")
	assert.Equal(t, before, snapshot(t, out), "a refused run leaves -out as it was")

	code, _, stderr = runCLI(t, "", "import", "-out", out, "-force-out", "-quiet", messy)
	require.Equal(t, 0, code, stderr)
	for name, v := range before {
		assert.Equal(t, v, snapshot(t, out)[name], name)
	}
	assert.FileExists(t, filepath.Join(out, "chunk-0001.csv"))

	// The user's own report.json: even -force-out does not overwrite it.
	out2 := t.TempDir()
	writeFile(t, filepath.Join(out2, "report.json"), `{"mine": true}`)
	before = snapshot(t, out2)
	code, _, stderr = runCLI(t, "", "import", "-out", out2, "-force-out", messy)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "report.json was not written by contactpipe")
	assert.Equal(t, before, snapshot(t, out2))
}

// TestOutInputNeverRemoved: the input file survives whatever its name, also when it is an
// output of the previous run in the same directory (the fix-and-reimport step).
func TestOutInputNeverRemoved(t *testing.T) {
	d := filepath.Join(t.TempDir(), "d")
	code, _, stderr := runCLI(t, "", "import", "-out", d, "-quiet", messy)
	require.Equal(t, 0, code, stderr)
	rejected := filepath.Join(d, "rejected.csv")
	orig, err := os.ReadFile(rejected)
	require.NoError(t, err)

	code, stdout, stderr := runCLI(t, "", "import", "-out", d, rejected)
	require.Equal(t, 3, code, "nothing fixed, nothing accepted: "+stderr)
	assert.Contains(t, stdout, "rejected.csv: 6 rows")
	assert.Contains(t, stderr, "rejected.csv is the input file: this run writes rejected-2.csv instead")
	now, err := os.ReadFile(rejected)
	require.NoError(t, err)
	assert.Equal(t, string(orig), string(now), "the input is untouched")
	assert.FileExists(t, filepath.Join(d, "rejected-2.csv"))

	// The same through standard input (< d/rejected-2.csv).
	stdin, err := os.Open(filepath.Join(d, "rejected-2.csv"))
	require.NoError(t, err)
	defer stdin.Close()
	before := snapshot(t, d)["rejected-2.csv"]
	var so, se bytes.Buffer
	code = run(t.Context(), []string{"import", "-out", d, "-"}, stdin, &so, &se)
	assert.Equal(t, 3, code, se.String())
	assert.Equal(t, before, snapshot(t, d)["rejected-2.csv"], "the input is untouched")
	assert.FileExists(t, filepath.Join(d, "rejected.csv"), "the previous run's input, unchanged since contactpipe wrote it, made way")
	assert.NoFileExists(t, filepath.Join(d, "rejected-3.csv"))

	// -out . with the input in it, named like an output.
	dir := t.TempDir()
	in := filepath.Join(dir, "chunk-2024-leads.csv")
	src, err := os.ReadFile(messy)
	require.NoError(t, err)
	writeFile(t, in, string(src))
	t.Chdir(dir)
	code, _, stderr = runCLI(t, "", "import", "-out", ".", "-quiet", "chunk-2024-leads.csv")
	require.Equal(t, 0, code, stderr)
	code, _, stderr = runCLI(t, "", "import", "-out", ".", "-quiet", "chunk-2024-leads.csv")
	require.Equal(t, 0, code, stderr)
	b, err := os.ReadFile(in)
	require.NoError(t, err)
	assert.Equal(t, string(src), string(b))

	// An input named like a chunk in -out would be replaced by the chunk: refused.
	chunkDir := t.TempDir()
	chunkIn := filepath.Join(chunkDir, "chunk-0001.csv")
	writeFile(t, chunkIn, string(src))
	code, _, stderr = runCLI(t, "", "import", "-out", chunkDir, chunkIn)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "chunk-0001.csv is the input file")
	b, err = os.ReadFile(chunkIn)
	require.NoError(t, err)
	assert.Equal(t, string(src), string(b))
}

// TestOutRefusedRunChangesNothing: every check that can refuse the run comes before anything in
// -out is touched (the previous run's chunks and report.json, with its batch ids, stay).
func TestOutRefusedRunChangesNothing(t *testing.T) {
	_, base := simServer(t, contactsim.Options{})
	src := writeContacts(t, 6)
	out := filepath.Join(t.TempDir(), "out")
	t.Setenv(envAPIKey, contactsim.DefaultAPIKey)
	args := append(eightByEightArgs(base, out), "-max-chunk-rows", "2")
	with := func(more ...string) []string { return append(append([]string(nil), args...), more...) }
	code, _, stderr := runCLI(t, "", with(src)...)
	require.Equal(t, 0, code, stderr)
	before := snapshot(t, out)
	require.Contains(t, before, "chunk-0003.csv")

	for _, tc := range []struct {
		name string
		env  string
		args []string
		code int
		want string
	}{
		{"missing key", "", with(src), 2, envAPIKey},
		{"bad account", contactsim.DefaultAPIKey, with("-account-id", "nope", src), 2, "pattern"},
		{"journal mismatch", contactsim.DefaultAPIKey, with("-groups", "5", src), 1, "rerun with -fresh"},
		{"unreadable input", contactsim.DefaultAPIKey, with(filepath.Join(t.TempDir(), "missing.csv")), 1, "missing.csv"},
		{"bad country", contactsim.DefaultAPIKey, with("-fresh", "-country", "Atlantis", src), 2, "Atlantis"},
		{"bad flag", contactsim.DefaultAPIKey, with("-max-chunk-rows", "-1", src), 2, "-max-chunk-rows"},
		{"unknown column", contactsim.DefaultAPIKey, with("-fresh", "-header=false", "-columns", "msisdn,nickname", src), 2, "nickname"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(envAPIKey, tc.env)
			code, _, stderr := runCLI(t, "", tc.args...)
			assert.Equal(t, tc.code, code, stderr)
			assert.Contains(t, stderr, tc.want)
			assert.Equal(t, before, snapshot(t, out), "-out is byte for byte as it was")
		})
	}

	// A refused run into a directory that did not exist leaves none behind.
	fresh := filepath.Join(t.TempDir(), "a", "b")
	code, _, _ = runCLI(t, "", "import", "-out", fresh, "-country", "Atlantis", messy)
	assert.Equal(t, 2, code)
	assert.NoDirExists(t, filepath.Dir(fresh))
}

// TestOutSymlinks: nothing is written through a symbolic link in -out.
func TestOutSymlinks(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "precious.txt")
	writeFile(t, outside, "precious\n")

	// A link where an output of the previous run was.
	out := t.TempDir()
	code, _, stderr := runCLI(t, "", "import", "-out", out, "-quiet", messy)
	require.Equal(t, 0, code, stderr)
	require.NoError(t, os.Remove(filepath.Join(out, "report.json")))
	require.NoError(t, os.Symlink(outside, filepath.Join(out, "report.json")))
	code, _, stderr = runCLI(t, "", "import", "-out", out, messy)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "report.json was not written by contactpipe")

	// A journal link planted for an API target.
	_, base := simServer(t, contactsim.Options{})
	t.Setenv(envAPIKey, contactsim.DefaultAPIKey)
	out2 := t.TempDir()
	code, _, stderr = runCLI(t, "", append(eightByEightArgs(base, out2), writeContacts(t, 2))...)
	require.Equal(t, 0, code, stderr)
	require.NoError(t, os.Remove(filepath.Join(out2, "journal.jsonl")))
	require.NoError(t, os.Symlink(outside, filepath.Join(out2, "journal.jsonl")))
	code, _, stderr = runCLI(t, "", append(eightByEightArgs(base, out2), "-fresh", writeContacts(t, 3))...)
	assert.NotEqual(t, 0, code)
	assert.Contains(t, stderr, "journal.jsonl")

	b, err := os.ReadFile(outside)
	require.NoError(t, err)
	assert.Equal(t, "precious\n", string(b))
}

func TestOutModeAndPath(t *testing.T) {
	open := t.TempDir()
	require.NoError(t, os.Chmod(open, 0o755))
	code, _, stderr := runCLI(t, "", "import", "-out", open, "../../testdata/contacts.csv")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "can be read by other users (mode 0755)")
	code, _, stderr = runCLI(t, "", "import", "-out", open, "-quiet", "../../testdata/contacts.csv")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr, "-quiet: nothing but errors")

	private := t.TempDir()
	require.NoError(t, os.Chmod(private, 0o700))
	code, _, stderr = runCLI(t, "", "import", "-out", private, "-quiet", messy)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)

	// -out x/../y creates y only, private.
	root := t.TempDir()
	code, _, stderr = runCLI(t, "", "import", "-out", filepath.Join(root, "x")+"/../y", "-quiet", messy)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, []string{"y"}, names(t, root))
	st, err := os.Stat(filepath.Join(root, "y"))
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o700), st.Mode().Perm())
}

// TestOutKilledRunLeftovers: a run that ended between creating a file and recording its content
// left it listed as being written; the next run removes it only if it is the same file.
func TestOutKilledRunLeftovers(t *testing.T) {
	out := t.TempDir()
	require.NoError(t, os.Chmod(out, 0o700))
	writeFile(t, filepath.Join(out, "rejected.csv"), "half written")
	writeFile(t, filepath.Join(out, "duplicates.csv"), "replaced by the user since")
	writeFile(t, filepath.Join(out, ".contactpipe-123456", ".chunk-1.csv.tmp"), "tmp")
	st, err := os.Stat(filepath.Join(out, "rejected.csv"))
	require.NoError(t, err)
	dev, ino, ok := fileID(st)
	require.True(t, ok)
	m := manifest{Contactpipe: 1, Files: []manifestEntry{
		{Name: "rejected.csv", Kind: kindOutput, Dev: dev, Ino: ino},
		{Name: "duplicates.csv", Kind: kindOutput, Dev: dev, Ino: ino + 1000},
	}}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	writeFile(t, filepath.Join(out, manifestName), string(b))

	code, _, stderr := runCLI(t, "", "import", "-out", out, messy)
	assert.Equal(t, 2, code, "duplicates.csv is no longer the file contactpipe created")
	assert.Contains(t, stderr, "duplicates.csv was not written by contactpipe")

	require.NoError(t, os.Remove(filepath.Join(out, "duplicates.csv")))
	code, _, stderr = runCLI(t, "", "import", "-out", out, "-quiet", messy)
	require.Equal(t, 0, code, stderr)
	assert.NoDirExists(t, filepath.Join(out, ".contactpipe-123456"), "a killed run's work directory is removed")
	rej, err := os.ReadFile(filepath.Join(out, "rejected.csv"))
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(rej), "error_code"), "rejected.csv is this run's")
}

// TestJournalRefusalHintWorks: the hint printed when the journal is refused is one that works. A
// journal contactpipe wrote (even of other settings, or with a damaged line) goes away with
// -fresh; a symbolic link in its place is not contactpipe's, so -fresh would refuse it too: the
// hint says to move it away, and doing so lets the run go on.
func TestJournalRefusalHintWorks(t *testing.T) {
	_, base := simServer(t, contactsim.Options{})
	t.Setenv(envAPIKey, contactsim.DefaultAPIKey)
	src := writeContacts(t, 2)

	t.Run("symlink", func(t *testing.T) {
		outside := filepath.Join(t.TempDir(), "precious.txt")
		writeFile(t, outside, "precious\n")
		out := t.TempDir()
		code, _, stderr := runCLI(t, "", append(eightByEightArgs(base, out), src)...)
		require.Equal(t, 0, code, stderr)
		journal := filepath.Join(out, "journal.jsonl")
		require.NoError(t, os.Remove(journal))
		require.NoError(t, os.Symlink(outside, journal))

		code, _, stderr = runCLI(t, "", append(eightByEightArgs(base, out), src)...)
		assert.NotEqual(t, 0, code)
		assert.Contains(t, stderr, "is a symbolic link")
		assert.NotContains(t, stderr, "-fresh", "-fresh refuses a journal contactpipe did not write")
		assert.Contains(t, stderr, "move "+journal+" away")

		require.NoError(t, os.Remove(journal)) // what the hint says
		code, _, stderr = runCLI(t, "", append(eightByEightArgs(base, out), src)...)
		assert.Equal(t, 0, code, stderr)
		b, err := os.ReadFile(outside)
		require.NoError(t, err)
		assert.Equal(t, "precious\n", string(b))
	})

	t.Run("damaged line", func(t *testing.T) {
		out := t.TempDir()
		code, _, stderr := runCLI(t, "", append(eightByEightArgs(base, out), src)...)
		require.Equal(t, 0, code, stderr)
		f, err := os.OpenFile(filepath.Join(out, "journal.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
		require.NoError(t, err)
		_, err = f.WriteString("not json at all\n")
		require.NoError(t, err)
		require.NoError(t, f.Close())

		code, _, stderr = runCLI(t, "", append(eightByEightArgs(base, out), src)...)
		assert.NotEqual(t, 0, code)
		assert.Contains(t, stderr, "rerun with -fresh")
		code, _, stderr = runCLI(t, "", append(eightByEightArgs(base, out), "-fresh", src)...)
		assert.Equal(t, 0, code, stderr)
	})
}
