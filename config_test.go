package contactpipe_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/dedupe"
	"github.com/contactpipe/contactpipe/upload"
)

// readTrap fails the test if the import reads its source.
type readTrap struct{ t *testing.T }

func (r readTrap) Read([]byte) (int, error) {
	r.t.Error("the source was read before the config was checked")
	return 0, errors.New("read")
}

// invalidUploader says it is misconfigured.
type invalidUploader struct{ upload.Dir }

func (invalidUploader) Validate() error { return errors.New("account id is not valid") }

func TestImportChecksConfigBeforeReading(t *testing.T) {
	defer goleak.VerifyNone(t)
	var nilDir *upload.Journaled
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		cfg  contactpipe.Config
		want string
	}{
		{"negative MaxChunkRows", contactpipe.Config{MaxChunkRows: -1}, "MaxChunkRows"},
		{"negative UploadConcurrency", contactpipe.Config{UploadConcurrency: -2}, "UploadConcurrency"},
		{"negative MaxRecordBytes", contactpipe.Config{MaxRecordBytes: -1}, "MaxRecordBytes"},
		{"negative ProgressEvery", contactpipe.Config{ProgressEvery: -time.Second}, "ProgressEvery"},
		{"negative MaxChunkBytes", contactpipe.Config{MaxChunkBytes: -1}, "MaxChunkBytes"},
		{"unknown format", contactpipe.Config{Format: "ods"}, "ods"},
		{"typed nil uploader", contactpipe.Config{Uploader: nilDir}, "nil"},
		{"invalid uploader", contactpipe.Config{Uploader: invalidUploader{}}, "account id"},
		{"no uploader, no work dir", contactpipe.Config{WorkDir: ""}, "Uploader"},
		{"too many groups", contactpipe.Config{Groups: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}, "groups"},
		{"bad default country", contactpipe.Config{DefaultCountry: "Atlantis"}, "country"},
		{"typed nil deduper", contactpipe.Config{Deduper: (*dedupe.Set)(nil)}, "Deduper"},
		{"deduper and NoDedupe", contactpipe.Config{Deduper: dedupe.New(), NoDedupe: true}, "NoDedupe"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.cfg.Uploader == nil && tt.name != "no uploader, no work dir" {
				tt.cfg.WorkDir = dir
			}
			rep, err := contactpipe.Import(context.Background(), readTrap{t}, tt.cfg)
			require.ErrorIs(t, err, contactpipe.ErrConfig)
			assert.Contains(t, err.Error(), tt.want)
			assert.Equal(t, contactpipe.StatusFailed, rep.Status)
		})
	}
	_, err := contactpipe.Import(context.Background(), nil, contactpipe.Config{WorkDir: dir})
	assert.ErrorIs(t, err, contactpipe.ErrConfig, "a nil source")
	// A chunk limit too small for the header is found before any row is handed on.
	_, err = contactpipe.Import(context.Background(), strings.NewReader("msisdn,firstName\n+12015550123,Ann\n"), contactpipe.Config{WorkDir: dir, MaxChunkBytes: 10})
	assert.ErrorIs(t, err, contactpipe.ErrConfig)
}

// panicUploader panics on the chunk it is given.
type panicUploader struct{}

func (panicUploader) Upload(ctx context.Context, c upload.Chunk) (upload.Result, error) {
	panic("uploader bug")
}

func TestImportPanicBecomesError(t *testing.T) {
	defer goleak.VerifyNone(t)
	rep, err := contactpipe.Import(context.Background(), strings.NewReader(bigCSV(5000)), contactpipe.Config{Uploader: panicUploader{}, WorkDir: t.TempDir(), MaxChunkBytes: 4 << 10, NoDedupe: true})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "uploader bug")
	var pe *contactpipe.PanicError
	assert.ErrorAs(t, err, &pe)
	assert.Equal(t, contactpipe.StatusFailed, rep.Status)
	checkInvariant(t, rep)
}

// apiFailUploader fails every chunk with an *upload.APIError.
type apiFailUploader struct{}

func (apiFailUploader) Upload(ctx context.Context, c upload.Chunk) (upload.Result, error) {
	os.Remove(c.Path)
	return upload.Result{Target: "test"}, &upload.APIError{Target: "test", Status: 413, Message: fmt.Sprint("chunk ", c.Index, " too large")}
}

func TestImportErrorJoinsChunkErrors(t *testing.T) {
	rep, err := contactpipe.Import(context.Background(), strings.NewReader(bigCSV(300)), contactpipe.Config{Uploader: apiFailUploader{}, WorkDir: t.TempDir(), MaxChunkBytes: 4 << 10, NoDedupe: true})
	require.ErrorIs(t, err, contactpipe.ErrNotLanded)
	var apiErr *upload.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 413, apiErr.Status)
	require.Greater(t, len(rep.Chunks), 1)
	for _, c := range rep.Chunks {
		assert.Contains(t, c.Error, "too large", "the report keeps each chunk's message")
		assert.Contains(t, err.Error(), fmt.Sprint("chunk ", c.Index, " too large"), "every chunk's error is joined")
	}
}

// TestImportSlowProgressDoesNotSlowImport: the Progress callback runs off the hot path. The first
// call blocks until the sink has received the last row; on the hot path it would block the import
// itself, and the gate would open only on its timeout.
func TestImportSlowProgressDoesNotSlowImport(t *testing.T) {
	defer goleak.VerifyNone(t)
	const n = 20_000
	gate := make(chan struct{})
	var openedBySink atomic.Bool
	var once sync.Once
	open := func(bySink bool) {
		once.Do(func() {
			openedBySink.Store(bySink)
			close(gate)
		})
	}
	timer := time.AfterFunc(10*time.Second, func() { open(false) })
	defer timer.Stop()
	var mu sync.Mutex
	var rows []int
	sink := contactpipe.SinkFunc(func(ctx context.Context, b contactpipe.Batch) error {
		if b.Rows[len(b.Rows)-1] == n+1 {
			open(true)
		}
		return nil
	})
	rep, err := contactpipe.ImportTo(context.Background(), strings.NewReader(bigCSV(n)), contactpipe.Config{
		NoDedupe: true, ProgressEvery: time.Nanosecond, MaxChunkRows: 100,
		Progress: func(p contactpipe.Progress) {
			<-gate
			mu.Lock()
			rows = append(rows, p.Rows)
			mu.Unlock()
		},
	}, sink)
	require.NoError(t, err)
	assert.Equal(t, n, rep.Landed)
	assert.True(t, openedBySink.Load(), "the import went on while the callback was blocked")
	assert.Less(t, len(rows), n/512, "the callback sees only the latest snapshots")
	assert.IsNonDecreasing(t, rows)
	assert.Equal(t, n, rows[len(rows)-1])
}

// countingDeduper is an in-memory Set that counts its calls and can fail.
type countingDeduper struct {
	*dedupe.Set
	calls  int
	failAt int
	source string
}

func (d *countingDeduper) ClaimBatch(ctx context.Context, claims []dedupe.Claim, results []dedupe.Result) error {
	d.calls++
	if d.calls == d.failAt {
		return errors.New("redis: connection refused")
	}
	if err := d.Set.ClaimBatch(ctx, claims, results); err != nil {
		return err
	}
	for i := range results {
		if results[i].Dup {
			results[i].Match.Source = d.source
		}
	}
	return nil
}

func TestImportDeduper(t *testing.T) {
	defer goleak.VerifyNone(t)
	d := &countingDeduper{Set: dedupe.New(), source: "other.csv"}
	defer d.Close()
	// A first import claims the addresses; a second with the same Deduper finds them all taken.
	r := runImport(t, strings.NewReader(bigCSV(2000)), contactpipe.Config{Deduper: d})
	require.NoError(t, r.err)
	assert.Equal(t, 2000, r.rep.Accepted)
	assert.Equal(t, 4, d.calls, "one ClaimBatch per batch of 512 rows")
	var dups []contactpipe.Duplicate
	cfg := contactpipe.Config{Deduper: d, WorkDir: t.TempDir(), OnDuplicate: func(x contactpipe.Duplicate) { dups = append(dups, x) }}
	rep, err := contactpipe.Import(context.Background(), strings.NewReader(bigCSV(10)), cfg)
	require.NoError(t, err)
	assert.Equal(t, 10, rep.Duplicates)
	require.Len(t, dups, 10)
	assert.Equal(t, "other.csv", dups[0].DuplicateOfSource)
	assert.Equal(t, 2, dups[0].DuplicateOf)
	assert.Equal(t, []string{"msisdn", "email"}, rep.DedupeKeys)
}

func TestImportDeduperFailure(t *testing.T) {
	defer goleak.VerifyNone(t)
	d := &countingDeduper{Set: dedupe.New(), failAt: 3}
	defer d.Close()
	rep, err := contactpipe.Import(context.Background(), strings.NewReader(bigCSV(5000)), contactpipe.Config{Deduper: d, WorkDir: t.TempDir()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "connection refused")
	assert.Equal(t, 1024, rep.Rows, "the rows of the failed batch are not counted")
	assert.Equal(t, contactpipe.StatusFailed, rep.Status)
	checkInvariant(t, rep)
}

// TestImportKoreDedupesOnlyPhones: Kore.ai receives only the phone, so two rows sharing an e-mail
// address but not a phone are two contacts there.
func TestImportKoreDedupesOnlyPhones(t *testing.T) {
	dir := t.TempDir()
	src := "first name,phone,email\nAnn,+12015550123,same@example.com\nBo,+12015550124,same@example.com\nCy,+12015550123,\n"
	var dups []int
	rep, err := contactpipe.Import(context.Background(), strings.NewReader(src), contactpipe.Config{
		Uploader: koreLike{upload.Dir{Path: dir}}, WorkDir: dir,
		OnDuplicate: func(d contactpipe.Duplicate) { dups = append(dups, d.Row) },
	})
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Accepted)
	assert.Equal(t, []int{4}, dups)
	assert.Equal(t, []string{"msisdn"}, rep.DedupeKeys)
}

func TestImportStatus(t *testing.T) {
	defer goleak.VerifyNone(t)
	rep, err := contactpipe.Import(context.Background(), strings.NewReader(bigCSV(10)), contactpipe.Config{WorkDir: t.TempDir()})
	require.NoError(t, err)
	assert.Equal(t, contactpipe.StatusCompleted, rep.Status)
	assert.Empty(t, rep.Error)

	rep, err = contactpipe.Import(context.Background(), strings.NewReader(bigCSV(1000)), contactpipe.Config{Uploader: failingUploader{fail: map[int]bool{1: true}}, WorkDir: t.TempDir(), MaxChunkBytes: 4 << 10})
	require.Error(t, err)
	assert.Equal(t, contactpipe.StatusFailed, rep.Status)
	assert.Equal(t, err.Error(), rep.Error)

	ctx, cancel := context.WithCancel(context.Background())
	up := &blockingUploader{started: make(chan struct{}), release: make(chan struct{})}
	go func() { <-up.started; cancel() }()
	rep, err = contactpipe.Import(ctx, strings.NewReader(bigCSV(100_000)), contactpipe.Config{Uploader: up, WorkDir: t.TempDir(), MaxChunkBytes: 32 << 10, NoDedupe: true})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, contactpipe.StatusInterrupted, rep.Status)
	assert.Contains(t, rep.Error, "canceled")
	checkInvariant(t, rep)
}

// TestImportProgressNeverBackwards: after a stop, Rows counts a prefix of the file, and the last
// Progress is not smaller than any before it.
func TestImportProgressNeverBackwards(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithCancel(context.Background())
	up := &blockingUploader{started: make(chan struct{}), release: make(chan struct{})}
	var mu sync.Mutex
	var rows []int
	go func() {
		<-up.started
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	var accepted []int
	rep, err := contactpipe.Import(ctx, strings.NewReader(bigCSV(100_000)), contactpipe.Config{
		Uploader: up, WorkDir: t.TempDir(), MaxChunkBytes: 32 << 10, NoDedupe: true, UploadConcurrency: 1, ProgressEvery: time.Nanosecond,
		Progress:   func(p contactpipe.Progress) { mu.Lock(); rows = append(rows, p.Rows); mu.Unlock() },
		OnRejected: func(r contactpipe.Rejected) { accepted = append(accepted, r.Err.Row) },
	})
	require.ErrorIs(t, err, context.Canceled)
	checkInvariant(t, rep)
	require.NotEmpty(t, rows)
	assert.IsNonDecreasing(t, rows)
	assert.Equal(t, rep.Rows, rows[len(rows)-1])
	assert.Greater(t, rep.Rows, 0)
	sum := 0
	for _, c := range rep.Chunks {
		sum += c.Rows
		if c.Landed == 0 {
			assert.NotEmpty(t, c.Error, "chunk %d did not land and says why", c.Index)
		}
	}
	assert.Equal(t, rep.Accepted, sum)
}

// TestImportOwnWorkDir: imports sharing one Config (one WorkDir, one Dir uploader path) never
// touch each other's chunk files, and the zero WorkDir no longer means the current directory.
func TestImportOwnWorkDir(t *testing.T) {
	defer goleak.VerifyNone(t)
	work := t.TempDir()
	outs := []string{t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()}
	var wg sync.WaitGroup
	reps := make([]contactpipe.Report, len(outs))
	for i, out := range outs {
		wg.Go(func() {
			var err error
			reps[i], err = contactpipe.Import(context.Background(), strings.NewReader(bigCSV(3000)), contactpipe.Config{
				Uploader: upload.Dir{Path: out}, WorkDir: work, MaxChunkBytes: 16 << 10, NoDedupe: true,
			})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	for i, out := range outs {
		files, _ := filepath.Glob(filepath.Join(out, "chunk-*.csv"))
		assert.Len(t, files, len(reps[i].Chunks))
		assert.Equal(t, 3000, reps[i].Landed)
	}
	left, _ := os.ReadDir(work)
	assert.Empty(t, left, "each import removes its own work directory")

	// No WorkDir: chunks are built under TempDir, not in the current directory.
	tmp, out := t.TempDir(), t.TempDir()
	cwd, _ := os.Getwd()
	before, _ := os.ReadDir(cwd)
	var inTmp bool
	_, err := contactpipe.Import(context.Background(), strings.NewReader(bigCSV(10)), contactpipe.Config{
		TempDir: tmp, Uploader: seeDir{upload.Dir{Path: out}, tmp, &inTmp},
	})
	require.NoError(t, err)
	assert.True(t, inTmp, "the chunk was built under TempDir")
	after, _ := os.ReadDir(cwd)
	assert.Equal(t, len(before), len(after), "nothing written to the current directory")
}

// seeDir is a Dir uploader that records whether chunks come from under dir.
type seeDir struct {
	upload.Dir
	dir string
	in  *bool
}

func (s seeDir) Upload(ctx context.Context, c upload.Chunk) (upload.Result, error) {
	*s.in = strings.HasPrefix(c.Path, s.dir+string(filepath.Separator))
	return s.Dir.Upload(ctx, c)
}

// TestImportsSharingDirNeverOverwrite: imports writing to one Dir path used to overwrite each
// other's chunk-0001.csv silently; now the second refuses, and says so.
func TestImportsSharingDirNeverOverwrite(t *testing.T) {
	out := t.TempDir()
	cfg := contactpipe.Config{Uploader: upload.Dir{Path: out}, WorkDir: t.TempDir(), NoDedupe: true}
	rep, err := contactpipe.Import(context.Background(), strings.NewReader(bigCSV(10)), cfg)
	require.NoError(t, err)
	first, err := os.ReadFile(filepath.Join(out, rep.Chunks[0].File))
	require.NoError(t, err)
	rep, err = contactpipe.Import(context.Background(), strings.NewReader(bigCSV(20)), cfg)
	require.ErrorIs(t, err, contactpipe.ErrNotLanded)
	require.ErrorIs(t, err, os.ErrExist)
	assert.Contains(t, rep.Chunks[0].Error, "already exists")
	again, err := os.ReadFile(filepath.Join(out, "chunk-0001.csv"))
	require.NoError(t, err)
	assert.Equal(t, first, again, "the first import's chunk is intact")
}

func TestImportStrictCSV(t *testing.T) {
	src := "msisdn,firstName\n+12015550123,Ann\n+12015550124,\"Bo\n+12015550125,Cy\n"
	r := runImport(t, strings.NewReader(src), contactpipe.Config{})
	require.NoError(t, r.err)
	assert.Equal(t, map[int]string{3: "malformed_csv"}, r.rejected, "the broken line alone is rejected")
	assert.Equal(t, 2, r.rep.Accepted)

	rep, err := contactpipe.Import(context.Background(), strings.NewReader(src), contactpipe.Config{StrictCSV: true, WorkDir: t.TempDir()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "row 3")
	assert.Equal(t, 1, rep.Rows, "the rows before the broken quote are accounted for")
	require.Len(t, rep.Chunks, 1)
	assert.Contains(t, rep.Chunks[0].Error, "not uploaded", "in a chunk that was not uploaded")
}

// TestImportCallbackPanicBecomesError: a panic in a callback or a Sink is returned as an error,
// and every goroutine of the import still stops.
func TestImportCallbackPanicBecomesError(t *testing.T) {
	defer goleak.VerifyNone(t)
	src := "msisdn\n+12015550123\n12\n+12015550123\n"
	for name, cfg := range map[string]contactpipe.Config{
		"OnRejected":  {OnRejected: func(contactpipe.Rejected) { panic("rejected bug") }},
		"OnDuplicate": {OnDuplicate: func(contactpipe.Duplicate) { panic("duplicate bug") }},
		"Progress":    {Progress: func(contactpipe.Progress) { panic("progress bug") }, ProgressEvery: time.Nanosecond},
	} {
		t.Run(name, func(t *testing.T) {
			cfg.WorkDir = t.TempDir()
			_, err := contactpipe.Import(context.Background(), strings.NewReader(src), cfg)
			var pe *contactpipe.PanicError
			require.ErrorAs(t, err, &pe)
			assert.Contains(t, err.Error(), "bug")
		})
	}
	_, err := contactpipe.ImportTo(context.Background(), strings.NewReader(src), contactpipe.Config{},
		contactpipe.SinkFunc(func(context.Context, contactpipe.Batch) error { panic("sink bug") }))
	var pe *contactpipe.PanicError
	require.ErrorAs(t, err, &pe)
}
