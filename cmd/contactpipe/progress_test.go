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
	"go.uber.org/goleak"

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
	tests := []struct {
		name    string
		rep     contactpipe.Report
		reading time.Duration
		want    string
	}{
		{"reading then uploading", contactpipe.Report{Source: "a.csv", Rows: 1000, Accepted: 1, Rejected: 999, DurationMs: 21000,
			Chunks: []contactpipe.ChunkReport{{Index: 1}}}, time.Second,
			"a.csv: 1000 rows: 1 accepted in 1 chunk, 999 rejected, 0 duplicates in 21.0s (1000 rows/s over 1.0s of reading, then 20.0s of uploading); see out/report.json"},
		{"no upload wait", contactpipe.Report{Source: "b.csv", Rows: 1, Accepted: 1, Duplicates: 1, DurationMs: 500}, 500 * time.Millisecond,
			"b.csv: 1 row: 1 accepted in 0 chunks, 0 rejected, 1 duplicate in 0.5s (2.0 rows/s)"},
		{"reading time unknown (dry run)", contactpipe.Report{Source: "b.csv", Rows: 1, Accepted: 1, Duplicates: 1, DurationMs: 500}, 0,
			"b.csv: 1 row: 1 accepted in 0 chunks, 0 rejected, 1 duplicate in 0.5s (2.0 rows/s)"},
		// Read in 3 ms: a rate over it says nothing, and "0.0s of reading" reads as a bug.
		{"read in a few ms, then uploading", contactpipe.Report{Source: "c.csv", Rows: 10, Accepted: 9, Rejected: 1, DurationMs: 5900,
			Chunks: []contactpipe.ChunkReport{{Index: 1}}}, 3 * time.Millisecond,
			"c.csv: 10 rows: 9 accepted in 1 chunk, 1 rejected, 0 duplicates in 5.9s (read in 3ms, then 5.9s of uploading)"},
		{"read in 70 ms", contactpipe.Report{Source: "c.csv", Rows: 700, Accepted: 700, DurationMs: 5070,
			Chunks: []contactpipe.ChunkReport{{Index: 1}}}, 70 * time.Millisecond,
			"c.csv: 700 rows: 700 accepted in 1 chunk, 0 rejected, 0 duplicates in 5.1s (10000 rows/s over 70ms of reading, then 5.0s of uploading)"},
		{"all in a few ms", contactpipe.Report{Source: "d.csv", Rows: 3, Accepted: 3, DurationMs: 4}, 3 * time.Millisecond,
			"d.csv: 3 rows: 3 accepted in 0 chunks, 0 rejected, 0 duplicates in 4ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.name == "reading then uploading" {
				path = "out/report.json"
			}
			assert.Equal(t, tt.want, summary(tt.rep, path, tt.reading))
		})
	}
}

// TestSummaryReadingTime: the reading time comes from the import's last Progress (ReadTime), not
// from the clock when the summary is printed: the same import prints the same rate however long
// the report took to write afterwards.
func TestSummaryReadingTime(t *testing.T) {
	p, _, c := testProgress(false, -1)
	assert.Zero(t, p.readTime(), "unknown before the import ends")
	p.chunkStarted()
	p.update(contactpipe.Progress{Rows: 10, Elapsed: 3 * time.Millisecond, ReadTime: 3 * time.Millisecond})
	c.add(6 * time.Second) // the upload wait, then writing report.json: neither is reading
	p.update(contactpipe.Progress{Rows: 10, Elapsed: 5900 * time.Millisecond, ReadTime: 3 * time.Millisecond, Done: true})
	c.add(time.Second)
	assert.Equal(t, 3*time.Millisecond, p.readTime())
	var none *progress // -quiet
	assert.Zero(t, none.readTime())
}

// TestProgressDeclaredRows: a spreadsheet that declares its rows (Progress.TotalRows) shows the
// share of them and an ETA; the share stays below 100% until reading has ended, however many
// rows come, and a hint overrun shows no ETA.
func TestProgressDeclaredRows(t *testing.T) {
	p, buf, c := testProgress(true, -1)
	c.add(2 * time.Second)
	p.update(contactpipe.Progress{Rows: 1000, TotalRows: 4000, BytesRead: 9999, Elapsed: 2 * time.Second})
	assert.Equal(t, "\r1000 rows (25% of 4000 declared), 500 rows/s, 2s, ETA 6s\x1b[K", buf.String())
	for _, rows := range []int{3999, 4000, 5000} {
		buf.Reset()
		p.update(contactpipe.Progress{Rows: rows, TotalRows: 4000, Elapsed: 4 * time.Second})
		assert.Contains(t, buf.String(), "rows (99% of 4000 declared), ", rows)
		assert.NotContains(t, buf.String(), "ETA", rows)
	}
	buf.Reset()
	p.update(contactpipe.Progress{Rows: 5000, TotalRows: 4000, Elapsed: 9 * time.Second, ReadTime: 5 * time.Second})
	assert.Equal(t, "\r5000 rows (100%), 1000 rows/s, 9s\x1b[K", buf.String(), "read: the rows are final; the rate is over reading")

	// Text with a known size: the share of bytes, as before, and 100% once read.
	p, buf, _ = testProgress(true, 1000)
	p.update(contactpipe.Progress{Rows: 10, BytesRead: 1000, Elapsed: 3 * time.Second, ReadTime: 2 * time.Second})
	assert.Equal(t, "\r10 rows (100%), 5.0 rows/s, 3s\x1b[K", buf.String())
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

// TestProgressClock: the display has a clock of its own, so a long wait on the target (one
// request hanging) still shows up: a plain line every plainEvery with the time gone by, a chunk
// in doubt counted as such. The clock's goroutine ends with stop.
func TestProgressClock(t *testing.T) {
	p, buf, c := testProgress(false, 100)
	p.update(contactpipe.Progress{Rows: 10, BytesRead: 100, Elapsed: 100 * time.Millisecond, ReadTime: 100 * time.Millisecond})
	p.chunkStarted()
	assert.Empty(t, buf.String(), "a short run prints no plain line")

	c.add(12 * time.Second)
	p.tick()
	assert.Equal(t, "contactpipe: 10 rows (100%), 12s; chunks: 1 written, 1 uploading, 0 landed\n", buf.String(),
		"no event came, yet the line shows the wait")
	buf.Reset()
	c.add(5 * time.Second)
	p.tick()
	assert.Empty(t, buf.String(), "at most one plain line per plainEvery")
	c.add(5 * time.Second)
	p.chunkDone(upload.Result{Status: "in-doubt", InDoubt: true}, upload.ErrInDoubt)
	assert.Equal(t, "contactpipe: 10 rows (100%), 22s; chunks: 1 written, 0 uploading, 0 landed, 1 in doubt (last: in-doubt)\n", buf.String())

	// On a terminal the line is redrawn every tick; after Done, never again.
	tp, tbuf, tc := testProgress(true, 0)
	tc.add(3 * time.Second)
	tp.tick()
	assert.Equal(t, "\r0 rows, 3s\x1b[K", tbuf.String())
	tp.update(contactpipe.Progress{Done: true})
	tbuf.Reset()
	tp.tick()
	assert.Empty(t, tbuf.String())

	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	stop := newProgress(&bytes.Buffer{}, true, 0).startClock(time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	stop()
	var none *progress
	none.startClock(time.Millisecond)() // -quiet: no progress, no goroutine
}
