package contactpipe_test

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/contactpipe/contactpipe"
)

// stallingReader gives its data, then blocks in Read until release is closed. It is not an
// io.Closer: the pipeline cannot release it.
type stallingReader struct {
	data    []byte
	stalled chan struct{} // closed when Read blocks
	release chan struct{}
}

func newStallingReader(data string) *stallingReader {
	return &stallingReader{data: []byte(data), stalled: make(chan struct{}), release: make(chan struct{})}
}

func (r *stallingReader) Read(p []byte) (int, error) {
	if len(r.data) > 0 {
		n := copy(p, r.data)
		r.data = r.data[n:]
		return n, nil
	}
	close(r.stalled)
	<-r.release
	return 0, io.ErrUnexpectedEOF
}

// stallingPipe reads a pipe whose writer writes left bytes and then nothing: a Read past them
// blocks until the pipe is closed. stalled is closed when that Read starts.
type stallingPipe struct {
	pr      *io.PipeReader
	left    int
	stalled chan struct{}
	once    sync.Once
	closed  atomic.Bool
}

func (p *stallingPipe) Read(b []byte) (int, error) {
	if p.left <= 0 {
		p.once.Do(func() { close(p.stalled) })
	}
	n, err := p.pr.Read(b)
	p.left -= n
	return n, err
}

func (p *stallingPipe) Close() error {
	p.closed.Store(true)
	return p.pr.Close()
}

var errOperatorStop = errors.New("operator pressed stop")

// TestImportCancelWhileReadBlocks: cancelling returns at once even when the source's Read is
// blocked — before the header is read or after some rows — whether the source can be closed
// (a pipe) or not; the error is context.Canceled and keeps the cause.
func TestImportCancelWhileReadBlocks(t *testing.T) {
	for _, tt := range []struct {
		name   string
		data   string
		closer bool
	}{
		{"in the header, closable", "", true},
		{"in the rows, closable", bigCSV(2000), true},
		{"in the header, not closable", "", false},
		{"in the rows, not closable", bigCSV(2000), false},
	} {
		for _, stream := range []bool{false, true} {
			name := tt.name
			if stream {
				name += ", stream"
			}
			t.Run(name, func(t *testing.T) {
				defer goleak.VerifyNone(t)
				var src io.Reader
				var stalled <-chan struct{}
				var release func()
				var closed func() bool
				if tt.closer {
					pr, pw := io.Pipe()
					go func() { pw.Write([]byte(tt.data)) }() // ends once read, or when pr is closed
					p := &stallingPipe{pr: pr, left: len(tt.data), stalled: make(chan struct{})}
					src, stalled, release, closed = p, p.stalled, func() { pr.Close() }, p.closed.Load
				} else {
					r := newStallingReader(tt.data)
					src, stalled, release = r, r.stalled, func() { close(r.release) }
				}
				ctx, cancel := context.WithCancelCause(context.Background())
				done := make(chan error, 1)
				go func() {
					if stream {
						var last error
						for _, err := range contactpipe.Contacts(ctx, src, contactpipe.Config{}) {
							last = err
						}
						done <- last
						return
					}
					_, err := contactpipe.Import(ctx, src, contactpipe.Config{WorkDir: t.TempDir()})
					done <- err
				}()
				<-stalled
				cancel(errOperatorStop)
				select {
				case err := <-done:
					assert.ErrorIs(t, err, context.Canceled)
					assert.ErrorIs(t, err, errOperatorStop, "the cause is kept")
					if closed != nil {
						assert.True(t, closed(), "a source blocked in Read is closed")
					}
				case <-time.After(5 * time.Second):
					t.Fatal("the import did not return while the source's Read was blocked")
				}
				release()
			})
		}
	}
}

func TestImportDeadlineExceeded(t *testing.T) {
	defer goleak.VerifyNone(t)
	r := newStallingReader(bigCSV(100))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	rep, err := contactpipe.Import(ctx, r, contactpipe.Config{WorkDir: t.TempDir()})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, contactpipe.StatusInterrupted, rep.Status)
	close(r.release)
}
