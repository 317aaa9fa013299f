package contactpipe

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/contactpipe/contactpipe/upload"
)

// Sink receives accepted contacts in batches, in row order: a database writer, a message queue, a
// bulk API of your own. ImportTo calls Write for one batch at a time, from one goroutine, and
// waits for it to return before it hands over the next (so a slow Sink slows the import, and
// memory stays bounded).
//
// A nil error acknowledges the batch: its rows count as landed. An error fails the batch: its
// rows are reported in a ChunkReport with the error, like a chunk that failed to upload, and the
// import goes on with the next batch, unless the error wraps upload.ErrStopImport, which stops
// the import. With Config.SinkRetry a failed Write is tried again as the API uploaders retry a
// request (backoff, attempts, a run-wide budget); ChunkReport.Attempts counts the tries. Write
// must return promptly when ctx is cancelled.
type Sink interface {
	Write(ctx context.Context, b Batch) error
}

// SinkFunc adapts a function to a Sink.
type SinkFunc func(ctx context.Context, b Batch) error

// Write calls f.
func (f SinkFunc) Write(ctx context.Context, b Batch) error { return f(ctx, b) }

// Batch is a run of accepted contacts, in row order. Its slices are reused once Write returns:
// copy what you keep.
type Batch struct {
	Index    int       // 1-based, in row order
	Rows     []int     // the source row of each contact
	Contacts []Contact // the contacts
	Bytes    int64     // the contacts as CSV lines of their canonical fields, header included
}

// sinkDefaultRows is the batch size of a Sink when Config.MaxChunkRows is 0.
const sinkDefaultRows = 1000

// sinkConsumer is ImportTo's consumer of the stream: it cuts batches and writes them to the Sink
// on the collector goroutine.
type sinkConsumer struct {
	e       *engine
	t       *tally
	sink    Sink  // nil for a dry run
	header  int64 // bytes of the header line
	maxRows int   // 0: no limit
	retry   *upload.RetryPolicy
	b       Batch
}

func newSinkConsumer(e *engine, t *tally, sink Sink) (*sinkConsumer, error) {
	hdr, cols, err := chunkColumns(e, nil)
	if err != nil {
		return nil, err
	}
	return startSinkConsumer(e, t, sink, hdr, cols, sinkDefaultRows)
}

// newDryRun returns the consumer of a dry run: chunks are cut exactly as Import cuts them, for
// the report, but nothing is written or uploaded.
func newDryRun(e *engine, t *tally) (*sinkConsumer, error) {
	columner, _ := e.cfg.Uploader.(upload.Columner)
	hdr, cols, err := chunkColumns(e, columner)
	if err != nil {
		return nil, err
	}
	return startSinkConsumer(e, t, nil, hdr, cols, 0)
}

func startSinkConsumer(e *engine, t *tally, sink Sink, hdr []string, cols []func(*Contact) string, defaultRows int) (*sinkConsumer, error) {
	if v, ok := sink.(validator); ok {
		if err := v.Validate(); err != nil {
			return nil, fmt.Errorf("contactpipe: %w: sink: %w", ErrConfig, err)
		}
	}
	e.encodeColumns(hdr, cols, e.cfg.MaxChunkBytes)
	if e.maxLine <= 0 {
		return nil, fmt.Errorf("contactpipe: %w: MaxChunkBytes %d does not hold the header", ErrConfig, e.cfg.MaxChunkBytes)
	}
	s := &sinkConsumer{e: e, t: t, sink: sink, header: e.cfg.MaxChunkBytes - int64(e.maxLine), maxRows: e.cfg.MaxChunkRows, retry: retryPolicy(e.cfg.SinkRetry)}
	if s.maxRows == 0 {
		s.maxRows = defaultRows
	}
	s.b.Bytes = s.header
	return s, nil
}

func (s *sinkConsumer) consume(ctx context.Context, b *batch) error {
	t := s.t
	for i := range b.recs {
		if !t.settle(s.e, b, i) {
			continue
		}
		rec, o := &b.recs[i], &b.outs[i]
		n := int64(o.line[1] - o.line[0])
		if len(s.b.Rows) > 0 && (s.maxRows > 0 && len(s.b.Rows) >= s.maxRows || s.b.Bytes+n > s.e.cfg.MaxChunkBytes) {
			if err := s.flush(ctx); err != nil {
				t.rows--
				return err
			}
		}
		if s.sink != nil {
			s.b.Contacts = append(s.b.Contacts, o.contact)
		}
		s.b.Rows = append(s.b.Rows, rec.Row)
		s.b.Bytes += n
		t.accept(o.warns)
	}
	return nil
}

// flush writes the batch and records what became of it. An error is returned only when the
// import must stop.
func (s *sinkConsumer) flush(ctx context.Context) error {
	s.b.Index++
	cr := ChunkReport{Index: s.b.Index, Rows: len(s.b.Rows), Bytes: s.b.Bytes, Target: "sink"}
	err := ctx.Err()
	if s.sink == nil {
		cr.Target, cr.Status, err = "", "dry-run", nil
	} else if err != nil {
		err = fmt.Errorf("not written: the import stopped (%w)", context.Cause(ctx))
	} else if cr.Attempts, err = s.write(ctx); err == nil {
		cr.Landed, cr.Status = cr.Rows, "written"
	}
	s.t.chunkDone(cr, err)
	s.b.Contacts, s.b.Rows, s.b.Bytes = s.b.Contacts[:0], s.b.Rows[:0], s.header
	if err != nil && (errors.Is(err, upload.ErrStopImport) || ctx.Err() != nil) {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return fmt.Errorf("contactpipe: batch %d: %w", cr.Index, err)
	}
	return nil
}

// write hands the batch to the Sink, again while Config.SinkRetry says so, and returns the
// attempts made.
func (s *sinkConsumer) write(ctx context.Context) (int, error) {
	p := s.retry
	for attempt := 1; ; attempt++ {
		err := s.sink.Write(ctx, s.b)
		if err == nil || p == nil || attempt >= p.MaxAttempts || errors.Is(err, upload.ErrStopImport) ||
			ctx.Err() != nil || !p.CheckRetry(0, err) || !p.Budget.Take() {
			return attempt, err
		}
		t := time.NewTimer(p.Backoff(attempt, p.BaseDelay, p.MaxDelay))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return attempt, err
		}
	}
}

// retryPolicy returns p with upload's defaults in its zero fields, or nil.
func retryPolicy(p *upload.RetryPolicy) *upload.RetryPolicy {
	if p == nil {
		return nil
	}
	q := *p
	if q.MaxAttempts <= 0 {
		q.MaxAttempts = upload.DefaultMaxAttempts
	}
	if q.BaseDelay <= 0 {
		q.BaseDelay = upload.DefaultBaseDelay
	}
	if q.MaxDelay <= 0 {
		q.MaxDelay = upload.DefaultMaxDelay
	}
	if q.Budget == nil {
		q.Budget = upload.NewRetryBudget(upload.DefaultRetryBudget)
	}
	if q.CheckRetry == nil {
		q.CheckRetry = upload.DefaultCheckRetry
	}
	if q.Backoff == nil {
		q.Backoff = upload.FullJitter
	}
	return &q
}

func (s *sinkConsumer) finish(ctx context.Context, err error) error {
	if len(s.b.Rows) == 0 {
		return err
	}
	if ferr := s.flush(ctx); err == nil {
		err = ferr
	}
	return err
}
