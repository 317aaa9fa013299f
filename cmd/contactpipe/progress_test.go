package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/internal/contactsim"
	"github.com/contactpipe/contactpipe/upload"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }
func testProgress(tty bool, size int64) (*progress, *bytes.Buffer, *fakeClock) {
	var buf bytes.Buffer
	c := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := newProgress(&buf, tty, size)
	p.now, p.start, p.lastLine = c.now, c.t, c.t
	return p, &buf, c
}

func TestProgressTerminal(t *testing.T) {
	p, buf, c := testProgress(true, 1000)
	c.add(2 * time.Second)
	p.update(contactpipe.Progress{Rows: 1, BytesRead: 250, Elapsed: 2 * time.Second})
	assert.Equal(t, "\r1 row (25%), 0.5 rows/s, 2s, ETA 6s\x1b[K", buf.String(), "redrawn in place; plurals; ETA from the share of bytes")
	buf.Reset()
	p.update(contactpipe.Progress{Rows: 4000, BytesRead: 500, Elapsed: 2 * time.Second})
	assert.Equal(t, "\r4000 rows (50%), 2000 rows/s, 2s, ETA 2s\x1b[K", buf.String())

	buf.Reset()
	p.chunkStarted()
	assert.Contains(t, buf.String(), "; chunks: 1 written, 1 uploading, 0 landed")
	p.chunkStarted()
	p.chunkDone(upload.Result{Status: "completed"}, nil)
	assert.True(t, strings.HasSuffix(buf.String(), "; chunks: 2 written, 1 uploading, 1 landed (last: completed)\x1b[K"), buf.String())

	// Reading done at 4s; the rate stays over reading time while uploads go on.
	c.add(2 * time.Second)
	p.update(contactpipe.Progress{Rows: 8000, BytesRead: 1000, Elapsed: 4 * time.Second})
	buf.Reset()
	c.add(6 * time.Second)
	p.update(contactpipe.Progress{Rows: 8000, BytesRead: 1000, Elapsed: 10 * time.Second})
	assert.Contains(t, buf.String(), "8000 rows (100%), 2000 rows/s, 10s;")

	buf.Reset()
	p.update(contactpipe.Progress{Rows: 8000, Done: true})
	assert.Equal(t, "\r\x1b[K", buf.String(), "the line gives way to the summary")
}

func TestProgressPlainLines(t *testing.T) {
	p, buf, c := testProgress(false, -1) // a spreadsheet: no % of bytes
	c.add(time.Second)
	p.update(contactpipe.Progress{Rows: 10, BytesRead: 5000, Elapsed: time.Second})
	assert.Empty(t, buf.String(), "a short run prints no progress line")
	c.add(10 * time.Second)
	p.update(contactpipe.Progress{Rows: 100, BytesRead: 5000, Elapsed: 11 * time.Second})
	assert.Equal(t, "contactpipe: 100 rows, 9.1 rows/s, 11s\n", buf.String(), "plain lines, no % for a spreadsheet")
	c.add(time.Second)
	p.update(contactpipe.Progress{Rows: 200, Elapsed: 12 * time.Second})
	assert.Equal(t, 1, strings.Count(buf.String(), "\n"), "at most one line per period")
	assert.NotContains(t, buf.String(), "\r")
}

func TestSummaryRates(t *testing.T) {
	rep := contactpipe.Report{Source: "a.csv", Rows: 1000, Accepted: 1, Rejected: 999, DurationMs: 21000,
		Chunks: []contactpipe.ChunkReport{{Index: 1}}}
	assert.Equal(t, "a.csv: 1000 rows: 1 accepted in 1 chunk, 999 rejected, 0 duplicates in 21.0s (1000 rows/s over 1.0s of reading, then 20.0s of uploading); see out/report.json",
		summary(rep, "out/report.json", 20*time.Second))
	rep = contactpipe.Report{Source: "b.csv", Rows: 1, Accepted: 1, Duplicates: 1, DurationMs: 500}
	assert.Equal(t, "b.csv: 1 row: 1 accepted in 0 chunks, 0 rejected, 1 duplicate in 0.5s (2.0 rows/s)", summary(rep, "", 0))
}

// TestImportJSON: -json prints the final report on stdout (the summary goes to stderr).
func TestImportJSON(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := runCLI(t, "", "import", "-out", out, "-json", messy)
	require.Equal(t, 0, code, stderr)
	var rep contactpipe.Report
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep), stdout)
	assert.Equal(t, readReport(t, out), rep)
	assert.Contains(t, stderr, "messy.csv: 12 rows")

	code, stdout, stderr = runCLI(t, "", "import", "-out", filepath.Join(t.TempDir(), "o"), "-json", "-quiet", messy)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))

	code, stdout, _ = runCLI(t, "", "import", "-dry-run", "-json", messy)
	require.Equal(t, 0, code)
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, 12, rep.Rows)
}

// TestProgressOfAnUpload: the chunk counts follow an 8x8 upload (a log, not a terminal: lines
// every period; here the period is shortened).
func TestProgressOfAnUpload(t *testing.T) {
	_, base := simServer(t, contactsim.Options{})
	t.Setenv(envAPIKey, contactsim.DefaultAPIKey)
	p, buf, c := testProgress(false, -1)
	p.every = 0
	u := &outUploader{out: &outDir{dir: t.TempDir(), rename: map[string]string{}}, progress: p}
	e := &upload.EightByEight{KeepDir: "", Poll: upload.PollPolicy{Initial: time.Millisecond}}
	e.BaseURL, e.APIKey, e.AccountID = base, contactsim.DefaultAPIKey, contactsim.DefaultAccountID
	u.inner = e
	chunk := filepath.Join(t.TempDir(), "c.csv")
	require.NoError(t, writeBytes(chunk, "msisdn\n+6591000001\n"))
	c.add(time.Second)
	res, err := u.Upload(t.Context(), upload.Chunk{Index: 1, Path: chunk, Rows: 1})
	require.NoError(t, err, "%+v", res)
	assert.Contains(t, buf.String(), "chunks: 1 written, 1 uploading, 0 landed")
	assert.Contains(t, buf.String(), "chunks: 1 written, 0 uploading, 1 landed (last: completed)")
}

func writeBytes(path, s string) error { return os.WriteFile(path, []byte(s), 0o600) }
