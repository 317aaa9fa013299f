package contactpipe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/contactpipe/contactpipe/parse"
)

// Import reads contacts from src and sends them through the stages: parse → normalize → validate
// → dedupe (the contact stream, see Contacts) → chunk files → cfg.Uploader. It returns when every
// chunk has been handed to the uploader and answered, or at the first fatal error, or when ctx is
// cancelled; in every case no goroutine it started is left running (but see below for a source
// blocked in Read), unfinished chunk files are removed, and the Report accounts for what was done.
//
// Chunk files are built in a directory of the import's own, made with os.MkdirTemp inside
// cfg.WorkDir (or cfg.TempDir, or os.TempDir(), when WorkDir is "") and removed at the end, so
// concurrent imports never touch each other's files.
//
// Rejected and duplicate rows are not errors: they are counted in the Report and handed to
// cfg.OnRejected and cfg.OnDuplicate. A chunk that fails to upload is recorded in its
// ChunkReport, and Import then returns an error wrapping ErrNotLanded joined with each chunk's
// error (errors.As finds an *upload.APIError among them).
//
// The Config and the uploader (its Validate method, when it has one) are checked before the first
// row is read; errors about them wrap ErrConfig. A panic in any goroutine of the import is
// returned as an error.
//
// Cancelling ctx makes Import return promptly (within tens of milliseconds) with an error for
// which errors.Is(err, context.Canceled) (or context.DeadlineExceeded) holds, wrapping the cause
// given to context.WithCancelCause too. If the source is then blocked in Read, Import closes it
// when it is an io.Closer; otherwise it returns anyway and leaves the goroutine that reads it
// behind, to end when Read returns.
func Import(ctx context.Context, src io.Reader, cfg Config) (Report, error) {
	return importTo(ctx, src, cfg, nil)
}

// ImportTo is Import with a Sink in place of chunk files and an Uploader: the accepted contacts
// are handed to sink in batches, in row order, one batch at a time. Batches are cut as chunks
// are: at most cfg.MaxChunkRows contacts (0 means 1,000 here) and at most cfg.MaxChunkBytes bytes,
// counted as the contacts' CSV lines of the canonical fields, header included. A contact whose
// line alone does not fit is rejected with CodeRowTooLarge. Each batch is reported as a
// ChunkReport (Target "sink"): a batch Write acknowledges counts as landed, a batch it fails is
// reported like a chunk that failed to upload. cfg.Uploader and cfg.WorkDir are not used.
func ImportTo(ctx context.Context, src io.Reader, cfg Config, sink Sink) (Report, error) {
	if isNil(sink) {
		return newReport(cfg), fmt.Errorf("contactpipe: %w: ImportTo needs a Sink", ErrConfig)
	}
	return importTo(ctx, src, cfg, sink)
}

// consumer takes the stream's batches, in row order, on the collector goroutine.
type consumer interface {
	// consume accounts for every row of b.
	consume(ctx context.Context, b *batch) error
	// finish is called once when the stream has ended (err says how): it flushes what is
	// pending, waits for it to be answered, and returns the import's error.
	finish(ctx context.Context, err error) error
}

func newReport(cfg Config) Report {
	return Report{
		Source: cfg.Source, Status: StatusFailed, Columns: map[string]string{}, IgnoredColumns: []string{},
		DedupeKeys: []string{}, RejectReasons: map[string]int{}, Chunks: []ChunkReport{}, ColumnDetails: []ColumnDetail{},
	}
}

func importTo(ctx context.Context, src io.Reader, cfg Config, sink Sink) (rep Report, err error) {
	start := time.Now()
	rep = newReport(cfg)
	defer func() {
		rep.DurationMs = time.Since(start).Milliseconds()
		switch {
		case err == nil:
			rep.Status = StatusCompleted
		case ctx.Err() != nil:
			rep.Status, rep.Error = StatusInterrupted, err.Error()
		default:
			rep.Status, rep.Error = StatusFailed, err.Error()
		}
	}()
	if err := cfg.check(sink == nil && !cfg.DryRun); err != nil {
		return rep, err
	}
	if isNil(src) {
		return rep, fmt.Errorf("contactpipe: %w: no source to read", ErrConfig)
	}
	cfg = cfg.withDefaults()
	if sink != nil {
		cfg.Uploader = nil
	}
	ictx, stop := context.WithCancelCause(ctx)
	defer stop(nil)

	e, err := openEngine(ictx, src, cfg)
	if err != nil {
		return rep, err
	}
	rep.Format = string(e.in.Format())
	rep.Encoding = e.in.Encoding()
	rep.Delimiter = e.in.DelimiterName()
	m := e.in.Mapping()
	for k, v := range m.Columns() {
		rep.Columns[k] = v
	}
	rep.IgnoredColumns = append(rep.IgnoredColumns, m.Ignored()...)
	for _, ci := range m.Describe() {
		rep.ColumnDetails = append(rep.ColumnDetails, ColumnDetail{Column: ci.Header, Field: ci.Field, Method: ci.Method, Status: ci.Status, Reason: ci.Reason})
	}
	rep.SkippedRows = e.in.SkippedRows()
	if sh := e.in.Sheet(); sh != "" {
		rep.Sheet = sh
	}

	t := &tally{cfg: &cfg, e: e, reasons: map[string]int{}}
	var c consumer
	switch {
	case cfg.DryRun: // nothing is written, not even to a Sink
		c, err = newDryRun(e, t)
	case sink != nil:
		c, err = newSinkConsumer(e, t, sink)
	default:
		c, err = newChunker(ictx, e, t, stop)
	}
	if err != nil {
		e.in.Close()
		return rep, err
	}
	if !cfg.NoDedupe {
		mapped := kindSet(0)
		for _, f := range m.Fields() {
			mapped |= 1 << f
		}
		rep.DedupeKeys = (e.kinds & mapped).names()
	}

	t.totalRows = e.in.DeclaredRows() // before run: the source is the parse goroutine's from then on
	prog := startProgress(cfg, t, e, start, stop)
	err = e.run(ictx, func(b *batch) (err error) {
		defer recoverInto(&err) // a panic in OnRejected, OnDuplicate, OnWarning or a Sink
		if err := c.consume(ictx, b); err != nil {
			return err
		}
		prog.tick()
		return nil
	})
	// Reading has ended: the rows are final while the uploads finish, however short it was.
	t.readTime = max(time.Since(start), time.Nanosecond)
	prog.publish()
	err = finish(ictx, c, err)
	prog.stop()
	if err == nil && ctx.Err() == nil && ictx.Err() != nil { // stopped from inside (a panic in a goroutine of ours)
		err = context.Cause(ictx)
	}

	if e.parsed {
		rep.Encoding = e.encoding
	}
	rep.Rows, rep.Accepted, rep.Rejected, rep.Duplicates, rep.Warnings = t.rows, t.accepted, t.rejected, t.duplicates, t.warnings
	t.mu.Lock()
	for k, v := range t.reasons {
		rep.RejectReasons[k] = v
	}
	slices.SortFunc(t.chunks, func(a, b ChunkReport) int { return a.Index - b.Index })
	rep.Chunks = append(rep.Chunks, t.chunks...)
	rep.Landed = t.landed
	chunkErrs := t.errs
	t.mu.Unlock()
	if err == nil {
		if what := notLanded(rep.Chunks); what != "" {
			err = errors.Join(append([]error{fmt.Errorf("contactpipe: %w: %s", ErrNotLanded, what)}, chunkErrs...)...)
		}
	}
	if err != nil && ctx.Err() != nil { // cancelled before everything was done: that is the error
		err = ctxError(ctx)
	}
	if cfg.Progress != nil {
		func() {
			defer func() {
				if r := recover(); r != nil && err == nil {
					err = panicError(r)
				}
			}()
			cfg.Progress(t.snapshot(e, start, true))
		}()
	}
	return rep, err
}

// finish calls c.finish, turning a panic (in a Sink, say) into the error.
func finish(ctx context.Context, c consumer, err error) (ferr error) {
	defer func() {
		if r := recover(); r != nil {
			ferr = panicError(r)
		}
	}()
	return c.finish(ctx, err)
}

// tally accounts for the rows of one import. The collector goroutine owns the row counts; mu
// guards what upload goroutines touch too (reasons, chunks, landed, errs) and serializes the
// OnRejected and OnDuplicate callbacks.
type tally struct {
	cfg *Config
	e   *engine

	rows, accepted, rejected, duplicates, warnings int
	totalRows                                      int           // the rows the source declares (a hint)
	readTime                                       time.Duration // set when reading has ended

	mu      sync.Mutex
	reasons map[string]int
	chunks  []ChunkReport
	landed  int
	errs    []error
}

// settle counts row i of b and settles it when it was rejected or is a duplicate. It reports
// whether the row is to be accepted, which the consumer then does and records with accept.
func (t *tally) settle(e *engine, b *batch, i int) bool {
	t.rows++
	switch o := &b.outs[i]; {
	case o.err != nil:
		t.reject(b.recs[i].Raw, o.err)
	case o.dup:
		t.duplicate(e.duplicate(b, i))
	default:
		return true
	}
	return false
}

// accept counts a row the consumer took, with the values dropped from it.
func (t *tally) accept(ws []Warning) {
	t.accepted++
	t.warn(ws)
}

// reject counts a rejected row and hands it on. Collector goroutine only.
func (t *tally) reject(raw []string, e *RowError) {
	t.rejected++
	t.mu.Lock()
	defer t.mu.Unlock()
	t.reasons[e.Code]++
	if t.cfg.OnRejected != nil {
		t.cfg.OnRejected(Rejected{Header: t.e.in.Header(), Raw: raw, Err: e})
	}
}

// warn counts the values dropped from an accepted row and hands them on. Collector goroutine only.
func (t *tally) warn(ws []Warning) {
	t.warnings += len(ws)
	if t.cfg.OnWarning == nil || len(ws) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, w := range ws {
		t.cfg.OnWarning(w)
	}
}

// serverRejected hands on a row the server refused. It stays accepted (it is in its chunk) and is
// counted apart, under CodeServerRejected.
func (t *tally) serverRejected(raw []string, e *RowError) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.reasons[e.Code]++
	if t.cfg.OnRejected != nil {
		t.cfg.OnRejected(Rejected{Header: t.e.in.Header(), Raw: raw, Err: e})
	}
}

// duplicate counts a duplicate row and hands it on. Collector goroutine only.
func (t *tally) duplicate(d Duplicate) {
	t.duplicates++
	if t.cfg.OnDuplicate == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cfg.OnDuplicate(d)
}

// chunkDone records what became of a chunk (or a Sink batch).
func (t *tally) chunkDone(cr ChunkReport, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err != nil {
		cr.Error = err.Error()
		t.errs = append(t.errs, fmt.Errorf("contactpipe: chunk %d: %w", cr.Index, err))
	}
	t.chunks = append(t.chunks, cr)
	t.landed += cr.Landed
}

// snapshot is the progress so far. Collector goroutine only (or once it is done).
func (t *tally) snapshot(e *engine, start time.Time, done bool) Progress {
	return Progress{
		Rows: t.rows, Accepted: t.accepted, Rejected: t.rejected, Duplicates: t.duplicates,
		BytesRead: e.bytesRead.Load(), Elapsed: time.Since(start), Done: done,
		TotalRows: t.totalRows, ReadTime: t.readTime,
	}
}

// progressLoop calls Config.Progress on a goroutine of its own, so a slow callback never slows
// the import: the collector publishes snapshots, and the loop hands on the latest one.
type progressLoop struct {
	t     *tally
	e     *engine
	start time.Time
	every time.Duration
	last  time.Time

	latest atomic.Pointer[Progress]
	kick   chan struct{}
	quit   chan struct{}
	done   chan struct{}
}

// startProgress starts the loop, or returns nil when there is no callback. A panic in the
// callback stops the import with it as the error.
func startProgress(cfg Config, t *tally, e *engine, start time.Time, stop context.CancelCauseFunc) *progressLoop {
	if cfg.Progress == nil {
		return nil
	}
	p := &progressLoop{t: t, e: e, start: start, every: cfg.ProgressEvery, last: start,
		kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		var err error
		defer func() {
			if err != nil {
				stop(err)
			}
		}()
		defer recoverInto(&err)
		for {
			select {
			case <-p.kick:
				if s := p.latest.Swap(nil); s != nil {
					cfg.Progress(*s)
				}
			case <-p.quit:
				if s := p.latest.Swap(nil); s != nil { // published just before the stop
					cfg.Progress(*s)
				}
				return
			}
		}
	}()
	return p
}

// tick publishes a snapshot when the last one is old enough. Collector goroutine only.
func (p *progressLoop) tick() {
	if p == nil || time.Since(p.last) < p.every {
		return
	}
	p.publish()
}

// publish hands the loop a snapshot now; the loop delivers the latest. Collector goroutine only
// (or once it is done).
func (p *progressLoop) publish() {
	if p == nil {
		return
	}
	p.last = time.Now()
	s := p.t.snapshot(p.e, p.start, false)
	p.latest.Store(&s)
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// stop ends the loop and waits for a callback in progress.
func (p *progressLoop) stop() {
	if p == nil {
		return
	}
	close(p.quit)
	<-p.done
}

// isNil reports whether v is nil or an interface holding a nil pointer (a typed nil).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return r.IsNil()
	}
	return false
}

// validator is implemented by uploaders (and sinks) that can check their own configuration
// before any row is read.
type validator interface{ Validate() error }

// check reports what is wrong with the Config as given (before defaults), wrapping ErrConfig.
// withUploader says the Uploader is used.
func (c Config) check(withUploader bool) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("contactpipe: %w: "+format, append([]any{ErrConfig}, args...)...)
	}
	switch strings.ToLower(c.Format) {
	case "", "csv", "xlsx", "xls":
	default:
		return bad("unknown format %q: want csv, xlsx, xls or \"\" to detect it", c.Format)
	}
	for _, n := range []struct {
		name string
		v    int64
	}{
		{"MaxRecordBytes", int64(c.MaxRecordBytes)}, {"MaxFields", int64(c.MaxFields)},
		{"MaxChunkBytes", c.MaxChunkBytes}, {"MaxChunkRows", int64(c.MaxChunkRows)},
		{"UploadConcurrency", int64(c.UploadConcurrency)}, {"ProgressEvery", int64(c.ProgressEvery)},
	} {
		if n.v < 0 {
			return bad("%s is negative (%d)", n.name, n.v)
		}
	}
	if len(c.Groups) > maxGroups {
		return bad("%d groups given, the API takes at most %d", len(c.Groups), maxGroups)
	}
	for _, g := range c.Groups {
		if g <= 0 {
			return bad("group id %d is not a positive integer", g)
		}
	}
	if c.DefaultCountry != "" {
		if _, err := NewNormalizer(c.DefaultCountry, parse.Mapping{}); err != nil {
			return err
		}
	}
	if c.Deduper != nil && isNil(c.Deduper) {
		return bad("the Deduper is a nil %T", c.Deduper)
	}
	if c.Deduper != nil && c.NoDedupe {
		return bad("NoDedupe and a Deduper both set")
	}
	switch c.InvalidField {
	case "", InvalidFieldReject, InvalidFieldDrop:
	default:
		return bad("InvalidField %q: want %q or %q", c.InvalidField, InvalidFieldReject, InvalidFieldDrop)
	}
	if !withUploader {
		return nil
	}
	if c.Uploader == nil {
		if c.WorkDir == "" {
			return bad("no Uploader: set one, or set WorkDir to write the chunks to a directory")
		}
		return nil
	}
	if isNil(c.Uploader) {
		return bad("the Uploader is a nil %T", c.Uploader)
	}
	if v, ok := c.Uploader.(validator); ok {
		if err := v.Validate(); err != nil {
			return bad("uploader: %w", err)
		}
	}
	return nil
}

// notLanded says how many chunks failed and how many are in doubt ("1 failed, 1 in doubt (of 3
// chunks)"), or "" when every chunk landed. A chunk in doubt may have landed: it is not called failed.
func notLanded(chunks []ChunkReport) string {
	failed, doubt := 0, 0
	for _, c := range chunks {
		switch {
		case c.InDoubt:
			doubt++
		case c.Error != "":
			failed++
		}
	}
	var parts []string
	if failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", failed))
	}
	if doubt > 0 {
		parts = append(parts, fmt.Sprintf("%d in doubt", doubt))
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("%s (of %d %s)", strings.Join(parts, ", "), len(chunks), plural(len(chunks), "chunk", "chunks"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
