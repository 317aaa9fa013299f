package contactpipe

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/contactpipe/contactpipe/chunk"
	"github.com/contactpipe/contactpipe/dedupe"
	"github.com/contactpipe/contactpipe/parse"
)

// This file is the pipeline: source → normalize in parallel → in-order dedupe → sink. It is the
// only place that knows the order of the stages and owns their goroutines and channels. What
// consumes the stream — chunk files and an Uploader (Import), a Sink (ImportTo), the caller's loop
// (Contacts) — is in chunks.go, sink.go and stream.go.

// ErrConfig is wrapped by errors about the Config itself (bad groups, default country, columns,
// limits, the uploader).
var ErrConfig = errors.New("invalid config")

// ErrNotLanded is wrapped by Import's error when the import ran to the end but some chunks failed
// to upload; the Report says which.
var ErrNotLanded = errors.New("some chunks did not land")

// batchSize is how many rows travel together between stages: one channel operation per batch,
// not per row.
const batchSize = 512

// errStopped cancels the pipeline's goroutines once the collector is done.
var errStopped = errors.New("contactpipe: stopped")

// stopGrace is how long the pipeline waits, once stopped, for the parse goroutine before it closes
// the source (when it is an io.Closer), and then again before it abandons a goroutine blocked in
// the source's Read.
const stopGrace = 20 * time.Millisecond

// engine is one run of the stream over one source. Its fields are set before run and read-only
// during it, except bytesRead.
type engine struct {
	cfg  Config
	src  io.Reader
	in   *parse.Source
	norm *Normalizer

	dd      dedupe.Deduper // nil: no dedupe
	set     *dedupe.Set    // dd when it is the in-memory Set: the workers hash the addresses
	ownDD   bool           // dd was made here and is closed by run
	depth   int            // batches claimed at once: more than 1 for a dedupe.Concurrent dd
	seed    maphash.Seed   // with depth > 1: the workers hash each batch's addresses with it
	kinds   kindSet        // the address kinds deduped
	enc     []func(*Contact) string
	maxLine int  // with enc: the largest chunk line that fits
	keepRaw bool // encode the accepted rows' original cells too (see appendCells)

	bytesRead atomic.Int64 // set by the parse goroutine

	// encoding is the source's encoding when the parse goroutine returned (it can change while
	// reading); read it only once parsed is true (the collector received the goroutine's result).
	encoding string
	parsed   bool
}

// batch is a run of consecutive rows. The parse goroutine fills recs; a worker fills the rest and
// sends on done; then the collector (dedupe and the consumer) owns it. Batches are recycled, each
// with its slices and its done channel.
type batch struct {
	recs  []parse.Record
	outs  []row
	lines []byte // the accepted rows' chunk lines, back to back (when encoding)
	raws  []byte // the accepted rows' original cells, back to back (with keepRaw)

	addrs   []dedupe.Address
	keys    []dedupe.Key // with set: the key of each address
	akeys   []uint64     // with depth > 1: the hashes of the addresses, sorted
	spans   []span       // the addresses (and keys) of each claim
	claims  []dedupe.Claim
	claimOf []int // the row (index in outs) of each claim
	results []dedupe.Result

	done chan struct{} // buffered (1): the worker sends once, the collector receives once
}

// span is a range of a batch's addresses.
type span struct{ from, to int }

// row is what became of one record.
type row struct {
	contact Contact
	err     *RowError
	dup     bool
	match   dedupe.Match
	line    [2]int // the row's chunk line: lines[line[0]:line[1]]
	raw     [2]int // the row's original cells: raws[raw[0]:raw[1]]
	warns   []Warning
}

// openEngine opens the source for cfg (checked, with its defaults applied).
func openEngine(ctx context.Context, src io.Reader, cfg Config) (*engine, error) {
	in, err := openSource(ctx, src, parse.Options{
		Format:         parse.Format(strings.ToLower(cfg.Format)),
		NoHeader:       cfg.NoHeader,
		Columns:        cfg.Columns,
		Delimiter:      cfg.Delimiter,
		Encoding:       cfg.Encoding,
		Sheet:          cfg.Sheet,
		MaxRecordBytes: cfg.MaxRecordBytes,
		MaxFields:      cfg.MaxFields,
		TempDir:        cfg.TempDir,
		StrictCSV:      cfg.StrictCSV,
		ColumnMap:      cfg.ColumnMap,
		StrictColumns:  cfg.StrictColumns,
		AllowNoAddress: cfg.allowNoAddress,
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctxError(ctx)
		}
		if isOptionError(err) {
			return nil, fmt.Errorf("contactpipe: %w: %w", ErrConfig, err)
		}
		return nil, fmt.Errorf("contactpipe: %w", err)
	}
	norm, err := NewNormalizer(cfg.DefaultCountry, in.Mapping())
	if err != nil {
		in.Close()
		return nil, err
	}
	norm.DropInvalid = cfg.InvalidField == InvalidFieldDrop
	return &engine{cfg: cfg, src: src, in: in, norm: norm, kinds: allKinds}, nil
}

// openSource opens src with parse.OpenContext (which checks ctx as it reads), returning early
// when ctx ends while it waits on the reader: src is then closed when it is an io.Closer, and
// otherwise abandoned.
func openSource(ctx context.Context, src io.Reader, opts parse.Options) (*parse.Source, error) {
	type opened struct {
		in  *parse.Source
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		var o opened
		defer func() {
			if r := recover(); r != nil {
				o.err = panicError(r)
			}
			ch <- o
		}()
		o.in, o.err = parse.OpenContext(ctx, src, opts)
	}()
	select {
	case o := <-ch:
		return o.in, o.err
	case <-ctx.Done():
	}
	closeSource(src)
	go func() { // the opener may still finish: release what it opened
		if o := <-ch; o.in != nil {
			o.in.Close()
		}
	}()
	return nil, ctxError(ctx)
}

// closeSource closes src when it is an io.Closer, to release a goroutine blocked in its Read.
func closeSource(src io.Reader) {
	if c, ok := src.(io.Closer); ok {
		_ = c.Close()
	}
}

// isOptionError reports whether a parse.Open error is about the options given rather than the
// file, or a refusal the options can fix (no column maps to an address: -map fixes it; an ignored
// column under StrictColumns).
func isOptionError(err error) bool {
	for _, target := range []error{
		parse.ErrColumnsRequired, parse.ErrUnknownField, parse.ErrDuplicateField, parse.ErrUnknownEncoding, parse.ErrBadDelimiter,
		parse.ErrUnknownColumn, parse.ErrIgnoredColumn, parse.ErrNoAddressColumn,
		// A header that cannot be mapped as it stands is fixed by a column map, like a missing
		// address column: the caller's settings must change, not the run be retried.
		parse.ErrAmbiguousColumn, parse.ErrDuplicateColumn, parse.ErrNoMappedColumn,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

// setDedupe chooses the Deduper: none, the caller's, or a new in-memory Set.
func (e *engine) setDedupe() {
	switch {
	case e.cfg.NoDedupe:
	case e.cfg.Deduper != nil:
		e.dd = e.cfg.Deduper
	default:
		e.dd, e.ownDD = dedupe.New(), true
	}
	e.set, _ = e.dd.(*dedupe.Set)
	e.depth = 1
	if c, ok := e.dd.(dedupe.Concurrent); ok && c.ConcurrentBatches() > 1 {
		e.depth, e.seed = c.ConcurrentBatches(), maphash.MakeSeed()
	}
}

// encodeColumns makes the workers encode each accepted row as a chunk line of these columns, and
// reject (CodeRowTooLarge) a row whose line does not fit in a chunk of maxBytes after the header.
func (e *engine) encodeColumns(header []string, cols []func(*Contact) string, maxBytes int64) {
	e.enc = cols
	e.maxLine = int(maxBytes) - len(chunk.AppendRow(nil, header))
}

// run streams the source through the workers and, in row order, the Deduper, handing each batch
// to consume on the calling goroutine. It returns when the source is exhausted, consume returns
// an error, or ctx ends. Every goroutine it started has then stopped, except a parse goroutine
// blocked in the source's Read that closing the source did not release: it is abandoned, and
// ends when Read returns.
func (e *engine) run(ctx context.Context, consume func(*batch) error) (err error) {
	e.setDedupe()
	ctx, cancel := context.WithCancelCause(ctx)
	workers := runtime.GOMAXPROCS(0)
	work := make(chan *batch, workers)
	ordered := make(chan *batch, workers+1)
	free := make(chan *batch, 3*workers+4)
	parsed := make(chan error, 1)
	parseDone := false
	go func() { parsed <- e.parse(ctx, work, ordered, free) }()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			if err := e.work(ctx, work); err != nil {
				cancel(err)
			}
		})
	}
	defer func() {
		cancel(errStopped)
		wg.Wait()
		if !parseDone {
			e.stopParse(parsed)
		}
		if e.ownDD {
			e.dd.Close()
		}
	}()

	// A Deduper other than the in-memory Set (one that waits on a server) claims in a goroutine
	// of its own, ahead of consume, so that its waits overlap the rest of the work.
	// A failed claim ends the claims, not the import at once: the batches claimed before it are
	// consumed first, as when claiming in line.
	in, ahead := (<-chan *batch)(ordered), e.dd != nil && e.set == nil
	var claimErr error // written by the claiming goroutine before it closes claimed
	if ahead {
		claimed := make(chan *batch, 1)
		wg.Go(func() {
			defer close(claimed)
			claimErr = e.claimAhead(ctx, ordered, claimed)
		})
		in = claimed
	}
	for {
		var b *batch
		select {
		case b = <-in:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		if b == nil { // closed: the parse goroutine has returned, or the claims failed
			if claimErr != nil {
				return claimErr
			}
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			parseDone, e.parsed = true, true
			return <-parsed
		}
		if !ahead {
			select {
			case <-b.done:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
			if err := e.claim(ctx, b); err != nil {
				return err
			}
		}
		if err := consume(b); err != nil {
			return err
		}
		select {
		case free <- b:
		default:
		}
	}
}

// claimAhead claims the batches from ordered once their workers are done, and hands them on to
// claimed in order. A dedupe.Concurrent Deduper claims several batches at once, but never two
// that share an address: a batch that shares one with a batch in flight waits for every batch in
// flight first. It returns nil when ordered is closed or ctx ends, and the first claim's error.
func (e *engine) claimAhead(ctx context.Context, ordered <-chan *batch, claimed chan<- *batch) (err error) {
	defer recoverInto(&err)
	ctx, cancel := context.WithCancel(ctx)
	var claims sync.WaitGroup
	defer func() {
		cancel()
		claims.Wait() // ClaimBatch returns once ctx is done
	}()
	type flight struct {
		b    *batch
		err  error         // the claim's, set before done is closed
		done chan struct{} // closed when the claim has returned
	}
	var inFlight []*flight
	// handOn waits for the oldest batch in flight and hands it on; false when the claims stop
	// (err is then its claim's error, or nil when ctx ended).
	handOn := func() (bool, error) {
		f := inFlight[0]
		<-f.done
		if f.err != nil {
			return false, f.err
		}
		select {
		case claimed <- f.b:
		case <-ctx.Done():
			return false, nil
		}
		inFlight = inFlight[1:]
		return true, nil
	}
	for closed := false; ; {
		next := ordered
		if closed || len(inFlight) == e.depth {
			next = nil
		}
		var head chan struct{}
		if len(inFlight) > 0 {
			head = inFlight[0].done
		}
		if next == nil && head == nil {
			return nil
		}
		select {
		case b := <-next:
			if b == nil {
				closed = true
				continue
			}
			select {
			case <-b.done:
			case <-ctx.Done():
				return nil
			}
			if slices.ContainsFunc(inFlight, func(f *flight) bool { return sharesKey(f.b.akeys, b.akeys) }) {
				for len(inFlight) > 0 { // all of them: keeps the order simple
					if ok, err := handOn(); !ok {
						return err
					}
				}
			}
			f := &flight{b: b, done: make(chan struct{})}
			claims.Go(func() {
				defer close(f.done)
				defer recoverInto(&f.err)
				f.err = e.claim(ctx, b)
			})
			inFlight = append(inFlight, f)
		case <-head:
			if ok, err := handOn(); !ok {
				return err
			}
		case <-ctx.Done():
			return nil
		}
	}
}

// sharesKey says whether the sorted lists a and b have a key in common.
func sharesKey(a, b []uint64) bool {
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			return true
		}
	}
	return false
}

// stopParse waits for the stopped parse goroutine; if it does not return (blocked in the source's
// Read), it closes the source and waits a little more, then abandons it.
func (e *engine) stopParse(parsed <-chan error) {
	t := time.NewTimer(stopGrace)
	defer t.Stop()
	select {
	case <-parsed:
		return
	case <-t.C:
	}
	closeSource(e.src)
	t.Reset(2 * stopGrace)
	select {
	case <-parsed:
	case <-t.C:
		e.cfg.Logger.Warn("the source is blocked in Read and is not an io.Closer: abandoned")
	}
}

// parse reads rows into batches and hands each to the workers and, in order, to the collector. It
// owns the source from now on and closes it when it returns.
func (e *engine) parse(ctx context.Context, work, ordered chan<- *batch, free <-chan *batch) (err error) {
	defer close(work)
	defer close(ordered)
	defer e.in.Close()
	defer func() { e.encoding = e.in.Encoding() }()
	defer recoverInto(&err)
	var fatal error // a fatal read error: the rows before it are handed on first
	for eof := false; !eof; {
		var b *batch
		select {
		case b = <-free:
			b.recs = b.recs[:0]
		default:
			b = &batch{recs: make([]parse.Record, 0, batchSize), done: make(chan struct{}, 1)}
		}
		for len(b.recs) < batchSize {
			if len(b.recs)%64 == 0 && ctx.Err() != nil {
				return nil
			}
			rec, err := e.in.Next()
			if err == io.EOF {
				eof = true
				break
			}
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				fatal, eof = fmt.Errorf("contactpipe: %w", err), true
				break
			}
			b.recs = append(b.recs, rec)
		}
		e.bytesRead.Store(e.in.BytesRead())
		if len(b.recs) == 0 {
			break
		}
		b.outs = slices.Grow(b.outs[:0], len(b.recs))[:len(b.recs)]
		select {
		case ordered <- b:
		case <-ctx.Done():
			return nil
		}
		select {
		case work <- b:
		case <-ctx.Done():
			return nil
		}
	}
	return fatal
}

// work normalizes batches, on every core: pure work on values.
func (e *engine) work(ctx context.Context, work <-chan *batch) (err error) {
	defer recoverInto(&err)
	fields := make([]string, len(e.enc))
	var a arena
	for {
		select {
		case b, ok := <-work:
			if !ok {
				return nil
			}
			e.process(b, fields, &a)
			b.done <- struct{}{}
		case <-ctx.Done():
			return nil
		}
	}
}

// process normalizes and validates each row of b, encodes the accepted ones as chunk lines, and
// lists (and, for the in-memory Set, hashes) their addresses for the Deduper. The strings it makes
// are kept in a, the worker's arena.
func (e *engine) process(b *batch, fields []string, a *arena) {
	// Room for a typical batch at once, not by doubling: a new batch does not grow each slice
	// ten times over.
	n := len(b.recs)
	b.lines, b.raws = b.lines[:0], b.raws[:0]
	if e.enc != nil {
		b.lines = slices.Grow(b.lines, 64*n)
	}
	b.addrs, b.keys = slices.Grow(b.addrs[:0], 2*n), b.keys[:0]
	if e.set != nil {
		b.keys = slices.Grow(b.keys, 2*n)
	}
	b.spans, b.claims, b.claimOf = slices.Grow(b.spans[:0], n), b.claims[:0], slices.Grow(b.claimOf[:0], n)
	for i := range b.recs {
		rec, o := &b.recs[i], &b.outs[i]
		*o = row{}
		if o.warns, o.err = e.norm.normalize(rec, &o.contact, a); o.err != nil {
			continue
		}
		if e.enc != nil {
			start := len(b.lines)
			for j, get := range e.enc {
				fields[j] = get(&o.contact)
			}
			b.lines = chunk.AppendRow(b.lines, fields)
			if len(b.lines)-start > e.maxLine {
				b.lines = b.lines[:start]
				o.err = &RowError{Row: rec.Row, Code: CodeRowTooLarge, Err: fmt.Errorf("the row is larger than the chunk limit of %d bytes", e.cfg.MaxChunkBytes)}
				continue
			}
			o.line = [2]int{start, len(b.lines)}
			if e.keepRaw {
				start := len(b.raws)
				b.raws = appendCells(b.raws, rec.Raw)
				o.raw = [2]int{start, len(b.raws)}
			}
		}
		if e.dd != nil {
			from := len(b.addrs)
			b.addrs = appendAddresses(b.addrs, &o.contact, e.kinds)
			if len(b.addrs) > from {
				b.spans = append(b.spans, span{from, len(b.addrs)})
				b.claimOf = append(b.claimOf, i)
			}
		}
	}
	if e.depth > 1 {
		b.akeys = b.akeys[:0]
		for _, a := range b.addrs {
			var h maphash.Hash
			h.SetSeed(e.seed)
			h.WriteString(a.Kind)
			h.WriteByte(0)
			h.WriteString(a.Canonical())
			b.akeys = append(b.akeys, h.Sum64())
		}
		slices.Sort(b.akeys)
	}
	if e.set != nil {
		for _, a := range b.addrs {
			b.keys = append(b.keys, e.set.Key(a))
		}
		return
	}
	for j, i := range b.claimOf {
		s := b.spans[j]
		b.claims = append(b.claims, dedupe.Claim{Row: b.recs[i].Row, Addrs: b.addrs[s.from:s.to:s.to]})
	}
}

// claim runs the batch's claims through the Deduper, in row order, and marks the duplicates.
func (e *engine) claim(ctx context.Context, b *batch) error {
	if e.set != nil { // the in-memory Set: keys hashed by the workers, slots prefetched
		e.set.Prefetch(b.keys)
		for j, i := range b.claimOf {
			s := b.spans[j]
			if k, first, dup := e.set.ClaimKeys(b.recs[i].Row, b.keys[s.from:s.to]); dup {
				o := &b.outs[i]
				o.dup, o.match = true, dedupe.Match{Row: first, Address: b.addrs[s.from+k]}
			}
		}
		return nil
	}
	if e.dd == nil || len(b.claims) == 0 {
		return nil
	}
	b.results = slices.Grow(b.results[:0], len(b.claims))[:len(b.claims)]
	clear(b.results)
	if err := e.dd.ClaimBatch(ctx, b.claims, b.results); err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return fmt.Errorf("contactpipe: dedupe rows %d to %d: %w", b.recs[0].Row, b.recs[len(b.recs)-1].Row, err)
	}
	for j, r := range b.results {
		if r.Dup {
			o := &b.outs[b.claimOf[j]]
			o.dup, o.match = true, r.Match
		}
	}
	return nil
}

// duplicate describes row i of b, a duplicate.
func (e *engine) duplicate(b *batch, i int) Duplicate {
	o := &b.outs[i]
	col := o.match.Address.Kind
	if f, ok := parse.FieldByName(col); ok {
		col = e.norm.column(f)
	}
	return Duplicate{
		Row: b.recs[i].Row, DuplicateOf: o.match.Row, DuplicateOfSource: o.match.Source,
		Column: col, Value: o.match.Address.Value, Header: e.in.Header(), Raw: b.recs[i].Raw,
	}
}

// appendCells appends cells to dst as a count and then each cell's length and bytes: how the
// original cells of chunk lines wait on disk for the server's answer (see readCells).
func appendCells(dst []byte, cells []string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(cells)))
	for _, c := range cells {
		dst = binary.AppendUvarint(dst, uint64(len(c)))
		dst = append(dst, c...)
	}
	return dst
}

// readCells reads back one record written by appendCells.
func readCells(r *bufio.Reader) ([]string, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > 1<<20 {
		return nil, errors.New("corrupt cell record")
	}
	cells := make([]string, 0, n)
	for range n {
		l, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		if l > 1<<30 {
			return nil, errors.New("corrupt cell record")
		}
		b := make([]byte, l)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, err
		}
		cells = append(cells, string(b))
	}
	return cells, nil
}

// ctxError is the error for a done ctx: it wraps ctx.Err(), so errors.Is finds context.Canceled
// or context.DeadlineExceeded, and the cause given to context.WithCancelCause when there is one.
func ctxError(ctx context.Context) error {
	err, cause := ctx.Err(), context.Cause(ctx)
	if cause == nil || cause == err {
		return fmt.Errorf("contactpipe: %w", err)
	}
	return fmt.Errorf("contactpipe: %w: %w", err, cause)
}

// PanicError is a panic in a goroutine of the pipeline (or in code it calls, such as an
// Uploader), returned as an error instead of crashing the program.
type PanicError struct {
	Value any    // what was passed to panic
	Stack []byte // the panicking goroutine's stack
}

// Error says what panicked, without the stack.
func (e *PanicError) Error() string { return fmt.Sprintf("contactpipe: panic: %v", e.Value) }

// panicError turns a recovered panic into an error.
func panicError(r any) error {
	buf := make([]byte, 8<<10)
	return &PanicError{Value: r, Stack: buf[:runtime.Stack(buf, false)]}
}

// recoverInto turns a panic of the goroutine it is deferred in into *err.
func recoverInto(err *error) {
	if r := recover(); r != nil {
		*err = panicError(r)
	}
}
