package redisdedupe_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/dedupe"
	"github.com/contactpipe/contactpipe/dedupe/redisdedupe"
	"github.com/contactpipe/contactpipe/internal/redistest"
	"github.com/contactpipe/contactpipe/upload"
)

// longFlag makes the process tests import large files; .ci/run sets CONTACTPIPE_LONG=1.
var longFlag = flag.Bool("long", false, "import 200,000-row files in the two-process test (also CONTACTPIPE_LONG=1)")

func longRun() bool { return *longFlag || os.Getenv("CONTACTPIPE_LONG") == "1" }

// importWorkerEnv, when set, makes the test binary an import worker (see importWorker): its
// value is a JSON importSpec.
const importWorkerEnv = "REDISDEDUPE_TEST_IMPORT"

// importFile is a contact list: rows 2…Rows+1, row r holding the phone +44 7911 idx and the
// email u(idx+EmailShift)@x.example, idx = First + (r-2), or First + Rows-1 - (r-2) when Desc.
type importFile struct {
	Name        string
	First, Rows int
	Desc        bool
	EmailShift  int
}

func (f importFile) idx(r int) int {
	if f.Desc {
		return f.First + f.Rows - 1 - (r - 2)
	}
	return f.First + r - 2
}

func (f importFile) phone(r int) string { return fmt.Sprintf("+447911%06d", f.idx(r)) }
func (f importFile) email(r int) string { return fmt.Sprintf("u%d@x.example", f.idx(r)+f.EmailShift) }

// write writes the file into dir and returns its path.
func (f importFile) write(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("Name,Mobile,Email\n")
	for r := 2; r < f.Rows+2; r++ {
		fmt.Fprintf(&b, "P%d,+44 7911 %06d,U%d@X.example\n", r, f.idx(r), f.idx(r)+f.EmailShift)
	}
	path := filepath.Join(dir, f.Name)
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	return path
}

// importSpec tells an import worker what to import.
type importSpec struct {
	URL, Job, File, Out string
}

// importResult is what an import worker reports.
type importResult struct {
	Report     contactpipe.Report
	Duplicates []contactpipe.Duplicate
	Err        string
}

// importWorker imports one file with the Redis deduper into a directory of chunk files, once its
// standard input closes, and writes an importResult as JSON to stdout.
func importWorker() int {
	var spec importSpec
	if err := json.Unmarshal([]byte(os.Getenv(importWorkerEnv)), &spec); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
	res := runImport(context.Background(), spec)
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		return 1
	}
	return 0
}

// runImport imports spec.File as its worker would.
func runImport(ctx context.Context, spec importSpec, wrap ...func(dedupe.Deduper) dedupe.Deduper) importResult {
	var res importResult
	source := filepath.Base(spec.File)
	d, err := redisdedupe.Open(ctx, spec.URL, redisdedupe.Options{Job: spec.Job, Source: source})
	if err != nil {
		res.Err = err.Error()
		return res
	}
	defer d.Close()
	var dd dedupe.Deduper = d
	for _, w := range wrap {
		dd = w(dd)
	}
	f, err := os.Open(spec.File)
	if err != nil {
		res.Err = err.Error()
		return res
	}
	defer f.Close()
	res.Report, err = contactpipe.Import(ctx, f, contactpipe.Config{
		Source:      source,
		Deduper:     dd,
		Uploader:    upload.Dir{Path: spec.Out},
		WorkDir:     spec.Out,
		OnDuplicate: func(dup contactpipe.Duplicate) { res.Duplicates = append(res.Duplicates, dup) },
	})
	if err != nil {
		res.Err = err.Error()
	}
	return res
}

// acceptedRows reads the chunk files of dir and returns, for each accepted contact, its phone
// and email.
func acceptedRows(t *testing.T, dir string, rep contactpipe.Report) [][2]string {
	t.Helper()
	var rows [][2]string
	for _, c := range rep.Chunks {
		f, err := os.Open(filepath.Join(dir, c.File))
		require.NoError(t, err)
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		require.NoError(t, err)
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		for _, rec := range recs[1:] {
			rows = append(rows, [2]string{rec[col["msisdn"]], rec[col["email"]]})
		}
	}
	return rows
}

// TestImportTwoProcessesOverlapping runs contactpipe.Import in two processes at once, on one job,
// over two files sharing half their addresses (walked in opposite orders, pairing phones and
// emails differently): across both imports every address is accepted exactly once, and every
// duplicate names the accepted row, in the other file, that holds its address.
func TestImportTwoProcessesOverlapping(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	dir := t.TempDir()
	n := 6_000
	if longRun() {
		n = 200_000 // 400,000 rows in all, a few hundred batches each
	}
	files := []importFile{
		{Name: "a.csv", First: 0, Rows: n},
		{Name: "b.csv", First: n / 2, Rows: n, Desc: true, EmailShift: 1},
	}
	type proc struct {
		cmd       *exec.Cmd
		stdin     io.WriteCloser
		out, errb strings.Builder
		dir       string
	}
	procs := make([]*proc, len(files))
	for i, f := range files {
		p := &proc{dir: filepath.Join(dir, "out-"+f.Name)}
		require.NoError(t, os.Mkdir(p.dir, 0o700))
		js, err := json.Marshal(importSpec{URL: srv.URL(0), Job: "import-overlap", File: f.write(t, dir), Out: p.dir})
		require.NoError(t, err)
		p.cmd = exec.Command(os.Args[0], "-test.run=^$")
		p.cmd.Env = append(os.Environ(), importWorkerEnv+"="+string(js))
		p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.errb
		p.stdin, err = p.cmd.StdinPipe()
		require.NoError(t, err)
		require.NoError(t, p.cmd.Start())
		procs[i] = p
	}
	for _, p := range procs {
		require.NoError(t, p.stdin.Close())
	}
	results := make([]importResult, len(procs))
	for i, p := range procs {
		require.NoError(t, p.cmd.Wait(), "worker %s: %s", files[i].Name, p.errb.String())
		require.NoError(t, json.Unmarshal([]byte(p.out.String()), &results[i]), p.out.String())
		require.Empty(t, results[i].Err, files[i].Name)
	}

	// address → how many accepted rows, across both imports, hold it
	acceptedBy := map[string]int{}
	holds := map[string]bool{} // "file row address" of accepted rows
	rowOfPhone := make([]map[string]int, len(files))
	for i, f := range files {
		rowOfPhone[i] = map[string]int{}
		for r := 2; r < f.Rows+2; r++ {
			rowOfPhone[i][f.phone(r)] = r
		}
	}
	for i, f := range files {
		rep := results[i].Report
		assert.Equal(t, contactpipe.StatusCompleted, rep.Status)
		assert.Equal(t, n, rep.Rows)
		assert.Zero(t, rep.Rejected)
		assert.Equal(t, n, rep.Accepted+rep.Duplicates, f.Name)
		assert.Len(t, results[i].Duplicates, rep.Duplicates)
		rows := acceptedRows(t, procs[i].dir, rep)
		require.Len(t, rows, rep.Accepted)
		for _, row := range rows {
			r, ok := rowOfPhone[i][row[0]]
			require.True(t, ok, "%s: accepted phone %s is not in the file", f.Name, row[0])
			require.Equal(t, f.email(r), strings.ToLower(row[1]), "%s row %d", f.Name, r)
			for _, a := range row {
				a = strings.ToLower(a)
				acceptedBy[a]++
				holds[fmt.Sprintf("%s %d %s", f.Name, r, a)] = true
			}
		}
	}
	for a, k := range acceptedBy {
		require.Equal(t, 1, k, "%s accepted %d times across the imports", a, k)
	}
	for i, f := range files {
		other := files[1-i].Name
		for _, d := range results[i].Duplicates {
			assert.Equal(t, other, d.DuplicateOfSource, "%s row %d: the two files share no address within themselves", f.Name, d.Row)
			assert.True(t, holds[fmt.Sprintf("%s %d %s", d.DuplicateOfSource, d.DuplicateOf, strings.ToLower(d.Value))],
				"%s row %d duplicates %s row %d by %s, which that row does not hold accepted", f.Name, d.Row, d.DuplicateOfSource, d.DuplicateOf, d.Value)
		}
	}
	assert.Positive(t, results[0].Report.Duplicates+results[1].Report.Duplicates)
	t.Logf("a.csv: %d accepted, %d duplicates; b.csv: %d accepted, %d duplicates",
		results[0].Report.Accepted, results[0].Report.Duplicates, results[1].Report.Accepted, results[1].Report.Duplicates)
}

// TestImportRerunAndSecondFile: importing a file again under its own name (a rerun after a crash)
// accepts what it accepted before; the same rows under another name are all duplicates, naming
// the first file.
func TestImportRerunAndSecondFile(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	dir := t.TempDir()
	f := importFile{Name: "a.csv", Rows: 1500}
	path := f.write(t, dir)
	run := func(file string) importResult {
		out, err := os.MkdirTemp(dir, "out-")
		require.NoError(t, err)
		res := runImport(context.Background(), importSpec{URL: srv.URL(0), Job: "rerun", File: file, Out: out})
		require.Empty(t, res.Err)
		return res
	}
	first := run(path)
	assert.Equal(t, 1500, first.Report.Accepted)
	again := run(path)
	assert.Equal(t, 1500, again.Report.Accepted, "a rerun is not a duplicate of itself")

	copyPath := filepath.Join(dir, "a-copy.csv")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(copyPath, data, 0o600))
	second := run(copyPath)
	assert.Zero(t, second.Report.Accepted)
	require.Len(t, second.Duplicates, 1500)
	for _, d := range second.Duplicates {
		assert.Equal(t, "a.csv", d.DuplicateOfSource)
		assert.Equal(t, d.Row, d.DuplicateOf)
	}
}

// killAfter is a Deduper that kills the Redis server after its first batches succeeded.
type killAfter struct {
	dedupe.Deduper
	srv     *redistest.Server
	mu      sync.Mutex
	batches int // successful batches before the kill
	claimed int // rows of the successful batches
}

func (k *killAfter) ClaimBatch(ctx context.Context, claims []dedupe.Claim, results []dedupe.Result) error {
	k.mu.Lock()
	if k.batches <= 0 { // below 0 when batches in flight succeeded meanwhile
		k.srv.Kill()
	}
	k.mu.Unlock()
	err := k.Deduper.ClaimBatch(ctx, claims, results)
	if err == nil {
		k.mu.Lock()
		k.batches--
		k.claimed += len(claims)
		k.mu.Unlock()
	}
	return err
}

// concurrentKillAfter is killAfter claiming several batches at once, as the Redis deduper does.
type concurrentKillAfter struct{ *killAfter }

func (k concurrentKillAfter) ConcurrentBatches() int {
	return k.Deduper.(dedupe.Concurrent).ConcurrentBatches()
}

// TestImportRedisKilled: a Redis that dies during an import fails the import with an error that
// names the Redis (not its password) and the rows, and the report counts only the rows whose
// claims Redis answered — also when batches are claimed concurrently.
func TestImportRedisKilled(t *testing.T) {
	t.Parallel() // waits out the client's retries
	for _, concurrent := range []bool{false, true} {
		t.Run(fmt.Sprintf("concurrent=%v", concurrent), func(t *testing.T) {
			t.Parallel()
			const password = "kill-pw-77"
			srv := redistest.Start(t, redistest.Options{Password: password})
			dir := t.TempDir()
			f := importFile{Name: "a.csv", Rows: 5000}
			k := &killAfter{srv: srv, batches: 3}
			res := runImport(context.Background(), importSpec{URL: srv.URL(0), Job: "killed", File: f.write(t, dir), Out: dir},
				func(d dedupe.Deduper) dedupe.Deduper {
					k.Deduper = d
					if concurrent {
						return concurrentKillAfter{k}
					}
					return k
				})
			require.NotEmpty(t, res.Err, "the import must fail")
			t.Log(res.Err)
			assert.Contains(t, res.Err, "redis "+srv.Addr)
			assert.Contains(t, res.Err, "dedupe rows")
			assert.NotContains(t, res.Err, password)
			rep := res.Report
			assert.Equal(t, contactpipe.StatusFailed, rep.Status)
			assert.Equal(t, rep.Rows, rep.Accepted+rep.Rejected+rep.Duplicates)
			k.mu.Lock()
			assert.LessOrEqual(t, rep.Rows, k.claimed, "rows counted must have been claimed")
			k.mu.Unlock()
			chunkRows := 0
			for _, c := range rep.Chunks {
				chunkRows += c.Rows
			}
			assert.Equal(t, rep.Accepted, chunkRows)
		})
	}
}
