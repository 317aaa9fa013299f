package contactpipe

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/contactpipe/contactpipe/chunk"
	"github.com/contactpipe/contactpipe/dedupe"
	"github.com/contactpipe/contactpipe/normalize"
	"github.com/contactpipe/contactpipe/parse"
	"github.com/contactpipe/contactpipe/upload"
	"github.com/contactpipe/contactpipe/validate"
)

// ErrConfig is wrapped by errors about the Config itself (bad groups, default country, columns).
var ErrConfig = errors.New("invalid config")

// ErrNotLanded is wrapped by Import's error when the import ran to the end but some chunks failed
// to upload; the Report says which.
var ErrNotLanded = errors.New("some chunks did not land")

// batchSize is how many rows travel together between stages: one channel operation per batch,
// not per row.
const batchSize = 512

// Import reads contacts from src and sends them through the stages: parse → normalize → validate
// → dedupe → chunk → upload. It returns when every chunk has been handed to the uploader and
// answered, or at the first fatal error, or when ctx is cancelled; in every case no goroutine it
// started is left running, unfinished chunk files are removed, and the Report accounts for what
// was done.
//
// Rejected and duplicate rows are not errors: they are counted in the Report and handed to
// cfg.OnRejected and cfg.OnDuplicate. A chunk that fails to upload is recorded in its
// ChunkReport, and Import then returns an error wrapping ErrNotLanded.
func Import(ctx context.Context, src io.Reader, cfg Config) (rep Report, err error) {
	start := time.Now()
	cfg = cfg.withDefaults()
	rep = Report{Source: cfg.Source, Columns: map[string]string{}, IgnoredColumns: []string{}, RejectReasons: map[string]int{}, Chunks: []ChunkReport{}}
	defer func() { rep.DurationMs = time.Since(start).Milliseconds() }()

	p, err := newPipeline(cfg)
	if err != nil {
		return rep, err
	}
	in, err := parse.Open(src, parse.Options{
		Format:         parse.Format(strings.ToLower(cfg.Format)),
		NoHeader:       cfg.NoHeader,
		Columns:        cfg.Columns,
		Delimiter:      cfg.Delimiter,
		Encoding:       cfg.Encoding,
		Sheet:          cfg.Sheet,
		MaxRecordBytes: cfg.MaxRecordBytes,
		MaxFields:      cfg.MaxFields,
		TempDir:        cfg.TempDir,
	})
	if err != nil {
		if isOptionError(err) {
			return rep, fmt.Errorf("contactpipe: %w: %w", ErrConfig, err)
		}
		return rep, fmt.Errorf("contactpipe: %w", err)
	}
	defer in.Close()
	rep.Format = string(in.Format())
	m := in.Mapping()
	for k, v := range m.Columns() {
		rep.Columns[k] = v
	}
	rep.IgnoredColumns = append(rep.IgnoredColumns, m.Ignored()...)
	if err := p.prepare(in); err != nil {
		return rep, err
	}
	err = p.run(ctx, in, start, &rep)
	return rep, err
}

// isOptionError reports whether a parse.Open error is about the options given rather than the file.
func isOptionError(err error) bool {
	for _, target := range []error{parse.ErrColumnsRequired, parse.ErrUnknownField, parse.ErrDuplicateField, parse.ErrUnknownEncoding, parse.ErrBadDelimiter} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// pipeline holds what the stages share for one import. Fields set by newPipeline and prepare are
// read-only once run starts; the counters are owned by the collector goroutine until run returns.
type pipeline struct {
	cfg      Config
	columner upload.Columner // nil for targets that take the canonical fields

	header    []string                // the source's header row
	column    [parse.NumFields]string // the source column feeding each field (for messages)
	chunkCols []func(*Contact) string // how to fill each chunk column
	chunkHdr  []string
	required  []parse.Field // fields the target needs on every row

	bytesRead atomic.Int64 // set by the parse goroutine

	// sinkMu serializes cfg.OnRejected and cfg.OnDuplicate, which the collector and the upload
	// workers both call.
	sinkMu sync.Mutex
	// resMu guards the chunk results and landed count written by upload workers.
	resMu  sync.Mutex
	chunks []ChunkReport
	landed int

	rows, accepted, rejected, duplicates int
	reasons                              map[string]int
}

func newPipeline(cfg Config) (*pipeline, error) {
	if len(cfg.Groups) > maxGroups {
		return nil, fmt.Errorf("contactpipe: %w: %d groups given, the API takes at most %d", ErrConfig, len(cfg.Groups), maxGroups)
	}
	for _, g := range cfg.Groups {
		if g <= 0 {
			return nil, fmt.Errorf("contactpipe: %w: group id %d is not a positive integer", ErrConfig, g)
		}
	}
	if cfg.DefaultCountry != "" {
		cc, err := normalize.Country(cfg.DefaultCountry)
		if err != nil {
			return nil, fmt.Errorf("contactpipe: %w: default country: %v", ErrConfig, err)
		}
		cfg.DefaultCountry = cc
	}
	p := &pipeline{cfg: cfg, reasons: map[string]int{}}
	p.columner, _ = cfg.Uploader.(upload.Columner)
	return p, nil
}

// prepare works out, from the source's mapping and the target, the chunk columns and the names
// used in messages.
func (p *pipeline) prepare(in *parse.Source) error {
	p.header = in.Header()
	for f := range parse.NumFields {
		p.column[f] = f.String()
	}
	fed := map[parse.Field]int{}
	for col, name := range in.Mapping().Columns() {
		if f, ok := parse.FieldByName(name); ok {
			fed[f]++
			if fed[f] == 1 {
				p.column[f] = col
			} else {
				p.column[f] = f.String() // several columns feed it: name the field
			}
		}
	}
	if p.columner != nil {
		for _, name := range p.columner.Columns() {
			get, ok := derivedColumn(name)
			if !ok {
				return fmt.Errorf("contactpipe: %w: the uploader asks for an unknown column %q", ErrConfig, name)
			}
			p.chunkHdr = append(p.chunkHdr, name)
			p.chunkCols = append(p.chunkCols, get)
		}
		for _, name := range p.columner.Required() {
			f, ok := parse.FieldByName(name)
			if !ok {
				return fmt.Errorf("contactpipe: %w: the uploader requires an unknown field %q", ErrConfig, name)
			}
			p.required = append(p.required, f)
		}
		return nil
	}
	fields := slices.Sorted(slices.Values(in.Mapping().Fields())) // canonical order
	for _, f := range slices.Compact(fields) {
		if f == parse.Salutation { // not an 8x8 field
			continue
		}
		p.chunkHdr = append(p.chunkHdr, f.String())
		p.chunkCols = append(p.chunkCols, fieldGetter(f))
	}
	if len(p.chunkHdr) == 0 {
		return fmt.Errorf("contactpipe: %w: no column of the source maps to a contact field", ErrConfig)
	}
	return nil
}

// batch is a run of consecutive rows. The parse goroutine fills recs, a normalize worker fills
// outs and closes done, and the collector reads both after done.
type batch struct {
	recs []parse.Record
	outs []outcome
	done chan struct{}
}

// outcome is a row after normalize and validate: a contact or the reason it was rejected.
type outcome struct {
	contact Contact
	err     *RowError
}

// pendingChunk is a finished chunk on its way to the uploader, with the source row of each line.
type pendingChunk struct {
	file *chunk.File
	rows []int32
}

func (p *pipeline) run(ctx context.Context, in *parse.Source, start time.Time, rep *Report) error {
	workers := runtime.GOMAXPROCS(0)
	g, gctx := errgroup.WithContext(ctx)
	work := make(chan *batch, workers)
	ordered := make(chan *batch, 2*workers+2)
	chunks := make(chan pendingChunk)

	// Parse: read rows into batches; hand each batch to the workers and, in order, to the collector.
	g.Go(func() error {
		defer close(work)
		defer close(ordered)
		for eof := false; !eof; {
			b := &batch{recs: make([]parse.Record, 0, batchSize), done: make(chan struct{})}
			for len(b.recs) < batchSize {
				rec, err := in.Next()
				if err == io.EOF {
					eof = true
					break
				}
				if err != nil {
					return fmt.Errorf("contactpipe: %w", err)
				}
				b.recs = append(b.recs, rec)
			}
			p.bytesRead.Store(in.BytesRead())
			if len(b.recs) == 0 {
				break
			}
			b.outs = make([]outcome, len(b.recs))
			select {
			case ordered <- b:
			case <-gctx.Done():
				return context.Cause(gctx)
			}
			select {
			case work <- b:
			case <-gctx.Done():
				return context.Cause(gctx)
			}
		}
		return nil
	})

	// Normalize and validate: pure work on a batch, on every core.
	for range workers {
		g.Go(func() error {
			for b := range work {
				for i := range b.recs {
					p.normalize(&b.recs[i], &b.outs[i])
				}
				close(b.done)
			}
			return nil
		})
	}

	// Collect, in row order: dedupe and chunk.
	g.Go(func() error {
		defer close(chunks)
		return p.collect(gctx, ordered, chunks, start)
	})

	// Upload: several chunks at once.
	for range p.cfg.UploadConcurrency {
		g.Go(func() error { return p.upload(gctx, chunks) })
	}

	err := g.Wait()
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("contactpipe: %w", context.Cause(ctx))
	}
	rep.Rows, rep.Accepted, rep.Rejected, rep.Duplicates = p.rows, p.accepted, p.rejected, p.duplicates
	for k, v := range p.reasons {
		rep.RejectReasons[k] = v
	}
	slices.SortFunc(p.chunks, func(a, b ChunkReport) int { return cmp.Compare(a.Index, b.Index) })
	rep.Chunks = append(rep.Chunks, p.chunks...)
	rep.Landed = p.landed
	failed := 0
	for _, c := range rep.Chunks {
		if c.Error != "" {
			failed++
		}
	}
	if err == nil && failed > 0 {
		err = fmt.Errorf("contactpipe: %w: %d of %d chunks failed", ErrNotLanded, failed, len(rep.Chunks))
	}
	p.progress(start, true)
	return err
}

// collect takes batches in order, waits for their normalization, and sends each row to the
// rejected sink, the duplicates sink or a chunk.
func (p *pipeline) collect(ctx context.Context, ordered <-chan *batch, chunks chan<- pendingChunk, start time.Time) error {
	cw, err := chunk.NewWriter(chunk.Options{Dir: p.cfg.WorkDir, Header: p.chunkHdr, MaxBytes: p.cfg.MaxChunkBytes, MaxRows: p.cfg.MaxChunkRows})
	if err != nil {
		return fmt.Errorf("contactpipe: %w", err)
	}
	var set *dedupe.Set
	if !p.cfg.NoDedupe {
		set = dedupe.New()
		defer set.Close()
	}
	var (
		fields   = make([]string, len(p.chunkCols))
		addrs    = make([]dedupe.Address, 0, len(validate.AddressFields))
		lines    []int32 // source rows of the current chunk's lines
		lastTick = time.Now()
	)
	send := func(f *chunk.File, rows []int32) error {
		select {
		case chunks <- pendingChunk{file: f, rows: rows}:
			return nil
		case <-ctx.Done():
			p.unsent(ctx, pendingChunk{file: f, rows: rows})
			return context.Cause(ctx)
		}
	}
	// abort drops the chunk being built. Its rows were never handed on, so the report counts them
	// as not yet read: after a failure, Rows is the rows fully processed.
	abort := func() {
		cw.Abort()
		p.rows -= len(lines)
		p.accepted -= len(lines)
		lines = nil
	}
	for b := range ordered {
		select {
		case <-b.done:
		case <-ctx.Done():
			abort()
			return context.Cause(ctx)
		}
		for i := range b.recs {
			rec, out := &b.recs[i], &b.outs[i]
			p.rows++
			if out.err != nil {
				p.reject(rec.Raw, out.err)
				continue
			}
			c := &out.contact
			for j, get := range p.chunkCols {
				fields[j] = get(c)
			}
			if !cw.Fits(fields) {
				p.reject(rec.Raw, &RowError{Row: rec.Row, Code: CodeRowTooLarge, Err: fmt.Errorf("the row is larger than the chunk limit of %d bytes", p.cfg.MaxChunkBytes)})
				continue
			}
			if set != nil {
				addrs = appendAddresses(addrs[:0], c)
				if m, dup := set.Claim(rec.Row, addrs); dup {
					p.duplicate(Duplicate{Row: rec.Row, DuplicateOf: m.Row, Column: p.columnOf(m.Address.Kind), Value: m.Address.Value})
					continue
				}
			}
			f, err := cw.Add(fields)
			var finished []int32
			if f != nil {
				finished, lines = lines, nil
			}
			if err != nil {
				p.rows--
				if f != nil {
					p.unsent(ctx, pendingChunk{file: f, rows: finished})
				}
				abort()
				return fmt.Errorf("contactpipe: %w", err)
			}
			lines = append(lines, int32(rec.Row))
			p.accepted++
			if f != nil {
				if err := send(f, finished); err != nil {
					abort()
					return err
				}
			}
		}
		if time.Since(lastTick) >= p.cfg.ProgressEvery {
			lastTick = time.Now()
			p.progress(start, false)
		}
	}
	if err := context.Cause(ctx); err != nil {
		abort()
		return err
	}
	f, err := cw.Close()
	if err != nil {
		abort()
		return fmt.Errorf("contactpipe: %w", err)
	}
	if f != nil {
		return send(f, lines)
	}
	return nil
}

// unsent records a finished chunk that was never uploaded because the import stopped, and
// removes its file. Its rows stay accepted: they are in a chunk, and the report says it failed.
func (p *pipeline) unsent(ctx context.Context, pc pendingChunk) {
	removeChunk(pc.file)
	reason := "not uploaded: the import stopped"
	if err := context.Cause(ctx); err != nil {
		reason += " (" + err.Error() + ")"
	}
	p.resMu.Lock()
	defer p.resMu.Unlock()
	p.chunks = append(p.chunks, ChunkReport{Index: pc.file.Index, Rows: pc.file.Rows, Bytes: pc.file.Bytes, SHA256: pc.file.SHA256, Error: reason})
}

// upload hands chunks to the uploader until there are none left. An error wrapping
// upload.ErrStopImport stops the import; any other fails only its chunk.
func (p *pipeline) upload(ctx context.Context, chunks <-chan pendingChunk) error {
	for pc := range chunks {
		if ctx.Err() != nil {
			p.unsent(ctx, pc)
			continue
		}
		f := pc.file
		res, err := p.cfg.Uploader.Upload(ctx, upload.Chunk{
			Index: f.Index, Path: f.Path, Header: p.chunkHdr, Rows: f.Rows, Bytes: f.Bytes, SHA256: f.SHA256, Groups: p.cfg.Groups,
		})
		cr := ChunkReport{
			Index: f.Index, Rows: f.Rows, Bytes: f.Bytes, SHA256: f.SHA256,
			Target: res.Target, BatchID: res.BatchID, Status: res.Status, Attempts: res.Attempts, InDoubt: res.InDoubt, Landed: res.Landed,
			Server: res.Counts, Reconciled: res.Reconciled, Resent: res.Resent, Resumed: res.Resumed,
		}
		if res.File != "" {
			cr.File = filepath.Base(res.File)
		}
		if err != nil {
			cr.Error = err.Error()
			p.cfg.Logger.Warn("chunk upload failed", "chunk", f.Index, "err", err)
		}
		for _, sr := range res.ServerRejected {
			row := 0
			if sr.Line >= 1 && sr.Line <= len(pc.rows) {
				row = int(pc.rows[sr.Line-1])
			}
			p.sinkMu.Lock()
			p.reasons[CodeServerRejected]++ // counted apart from Rejected: the row is still in its chunk
			p.sinkMu.Unlock()
			p.emitRejected(Rejected{Header: p.header, Err: &RowError{Row: row, Code: CodeServerRejected, Err: errors.New(sr.Message)}})
		}
		p.resMu.Lock()
		p.chunks = append(p.chunks, cr)
		p.landed += res.Landed
		p.resMu.Unlock()
		if err != nil && (errors.Is(err, upload.ErrStopImport) || ctx.Err() != nil) {
			return fmt.Errorf("contactpipe: chunk %d: %w", f.Index, err)
		}
	}
	return nil
}

func removeChunk(f *chunk.File) {
	_ = os.Remove(f.Path)
}

// reject counts a rejected row and hands it on. Collector goroutine only.
func (p *pipeline) reject(raw []string, e *RowError) {
	p.rejected++
	p.sinkMu.Lock()
	p.reasons[e.Code]++
	p.sinkMu.Unlock()
	p.emitRejected(Rejected{Header: p.header, Raw: raw, Err: e})
}

func (p *pipeline) emitRejected(r Rejected) {
	if p.cfg.OnRejected == nil {
		return
	}
	p.sinkMu.Lock()
	defer p.sinkMu.Unlock()
	p.cfg.OnRejected(r)
}

// duplicate counts a duplicate row and hands it on. Collector goroutine only.
func (p *pipeline) duplicate(d Duplicate) {
	p.duplicates++
	if p.cfg.OnDuplicate == nil {
		return
	}
	p.sinkMu.Lock()
	defer p.sinkMu.Unlock()
	p.cfg.OnDuplicate(d)
}

// progress reports a snapshot. Collector goroutine only (or after the workers are done).
func (p *pipeline) progress(start time.Time, done bool) {
	if p.cfg.Progress == nil {
		return
	}
	p.cfg.Progress(Progress{
		Rows: p.rows, Accepted: p.accepted, Rejected: p.rejected, Duplicates: p.duplicates,
		BytesRead: p.bytesRead.Load(), Elapsed: time.Since(start), Done: done,
	})
}
