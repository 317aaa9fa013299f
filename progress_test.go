package contactpipe_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/upload"
)

// heldUploader holds every chunk until release is closed: an upload wait after reading.
type heldUploader struct {
	upload.Dir
	started chan struct{}
	release chan struct{}
}

func (b *heldUploader) Upload(ctx context.Context, c upload.Chunk) (upload.Result, error) {
	select {
	case b.started <- struct{}{}:
	default:
	}
	<-b.release
	return b.Dir.Upload(ctx, c)
}

// TestProgressWhenReadingEnds: a file read in less than ProgressEvery still shows its rows while
// the import waits on the upload: a snapshot is published when reading ends (not Done, Rows
// final, ReadTime set), and it is delivered before the last one.
func TestProgressWhenReadingEnds(t *testing.T) {
	var calls []contactpipe.Progress // appended to by the callback, read once Import returned
	got := make(chan contactpipe.Progress, 10)
	up := &heldUploader{Dir: upload.Dir{Path: t.TempDir()}, started: make(chan struct{}, 1), release: make(chan struct{})}
	csv := "msisdn\n+12015550123\n+12015550124\n+12015550125\n"
	done := make(chan struct{})
	var rep contactpipe.Report
	go func() {
		defer close(done)
		var err error
		rep, err = contactpipe.Import(context.Background(), strings.NewReader(csv), contactpipe.Config{
			Uploader: up, WorkDir: t.TempDir(), ProgressEvery: time.Hour,
			Progress: func(p contactpipe.Progress) { calls = append(calls, p); got <- p },
		})
		assert.NoError(t, err)
	}()
	<-up.started
	// The upload waits until a snapshot has come (the bound only turns a hang into a failure).
	select {
	case p := <-got:
		assert.Equal(t, 3, p.Rows)
		assert.False(t, p.Done)
		assert.Positive(t, p.ReadTime)
	case <-time.After(10 * time.Second):
		t.Error("no progress while the upload waits")
	}
	close(up.release)
	<-done
	require.Len(t, calls, 2, "the snapshot when reading ended, then the last one")
	last := calls[1]
	assert.True(t, last.Done)
	assert.Equal(t, 3, last.Rows)
	assert.Equal(t, calls[0].ReadTime, last.ReadTime, "reading ended once")
	assert.Equal(t, 3, rep.Rows)
}

// TestProgressTotalRows: a spreadsheet that declares its rows gives Progress.TotalRows (a hint),
// text gives 0.
func TestProgressTotalRows(t *testing.T) {
	for _, tt := range []struct {
		file string
		want int
	}{
		{"parse/sheet/testdata/contacts.xls", 6},
		{"testdata/contacts.csv", 0},
	} {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(tt.file)
			require.NoError(t, err)
			defer f.Close()
			var last contactpipe.Progress
			_, err = contactpipe.Import(context.Background(), f, contactpipe.Config{DryRun: true, WorkDir: t.TempDir(),
				Progress: func(p contactpipe.Progress) { last = p }})
			require.NoError(t, err)
			assert.True(t, last.Done)
			assert.Equal(t, tt.want, last.TotalRows)
		})
	}
}
