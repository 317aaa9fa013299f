package contactpipe

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/contactpipe/contactpipe/chunk"
	"github.com/contactpipe/contactpipe/parse"
	"github.com/contactpipe/contactpipe/upload"
)

// chunkColumns works out the chunk columns: the uploader's when it is a Columner, else the
// canonical fields the source maps. With a Columner it also sets the fields the target requires
// and dedupes only the address kinds the target receives (Kore.ai gets only the phone).
func chunkColumns(e *engine, col upload.Columner) (hdr []string, cols []func(*Contact) string, err error) {
	if col != nil {
		kinds := kindSet(0)
		for _, name := range col.Columns() {
			get, from, ok := derivedColumn(name)
			if !ok {
				return nil, nil, fmt.Errorf("contactpipe: %w: the uploader asks for an unknown column %q", ErrConfig, name)
			}
			hdr, cols = append(hdr, name), append(cols, get)
			if allKinds.has(from) {
				kinds |= 1 << from
			}
		}
		for _, name := range col.Required() {
			f, ok := parse.FieldByName(name)
			if !ok {
				return nil, nil, fmt.Errorf("contactpipe: %w: the uploader requires an unknown field %q", ErrConfig, name)
			}
			e.norm.Required = append(e.norm.Required, f)
		}
		e.kinds = kinds
		return hdr, cols, nil
	}
	fields := slices.Sorted(slices.Values(e.in.Mapping().Fields())) // canonical order
	for _, f := range slices.Compact(fields) {
		if f == parse.Salutation { // not an 8x8 field
			continue
		}
		hdr, cols = append(hdr, f.String()), append(cols, fieldGetter(f))
	}
	if len(hdr) == 0 {
		return nil, nil, fmt.Errorf("contactpipe: %w: no column of the source maps to a contact field", ErrConfig)
	}
	return hdr, cols, nil
}

// chunker is Import's consumer of the stream: it packs accepted rows into chunk files (on the
// collector goroutine) and hands finished chunks to upload goroutines.
type chunker struct {
	e      *engine
	t      *tally
	up     upload.Uploader
	header []string
	dir    string // the import's own work directory, removed by finish
	cw     *chunk.Writer
	index  int           // the last chunk finished
	lines  rowList       // the source rows of the open chunk's lines
	cells  *os.File      // with keepRaw: the open chunk's lines' original cells (appendCells)
	cellsW *bufio.Writer // buffers cells
	chunks chan pendingChunk
	wg     sync.WaitGroup
}

// rowList is a list of source rows kept in blocks of rowBlock: growing it copies nothing, where a
// slice doubling to the ~400k rows of a chunk briefly held three times their 1.6 MB (and its
// garbage raised the import's peak RSS).
type rowList struct {
	blocks [][]int32
	n      int
}

// rowBlock is the number of rows in a block of a rowList (64 KiB).
const rowBlock = 16 << 10

// add appends row r.
func (l *rowList) add(r int32) {
	if l.n%rowBlock == 0 {
		l.blocks = append(l.blocks, make([]int32, 0, rowBlock))
	}
	b := &l.blocks[len(l.blocks)-1]
	*b = append(*b, r)
	l.n++
}

// len returns the number of rows.
func (l *rowList) len() int { return l.n }

// at returns row i (0-based).
func (l *rowList) at(i int) int32 { return l.blocks[i/rowBlock][i%rowBlock] }

// pendingChunk is a finished chunk on its way to the uploader, with the source row of each line.
type pendingChunk struct {
	file  *chunk.File
	rows  rowList
	cells string // with keepRaw: the file holding each line's original cells
}

func newChunker(ctx context.Context, e *engine, t *tally, stop context.CancelCauseFunc) (*chunker, error) {
	cfg := &e.cfg
	if cfg.Uploader == nil {
		cfg.Uploader = upload.Dir{Path: cfg.WorkDir}
	}
	columner, _ := cfg.Uploader.(upload.Columner)
	hdr, cols, err := chunkColumns(e, columner)
	if err != nil {
		return nil, err
	}
	base := cfg.WorkDir
	if base == "" {
		base = cfg.TempDir
	}
	dir, err := os.MkdirTemp(base, ".contactpipe-")
	if err != nil {
		return nil, fmt.Errorf("contactpipe: work directory: %w", err)
	}
	cw, err := chunk.NewWriter(chunk.Options{Dir: dir, Header: hdr, MaxBytes: cfg.MaxChunkBytes, MaxRows: cfg.MaxChunkRows})
	if err != nil {
		os.Remove(dir)
		return nil, fmt.Errorf("contactpipe: %w: %w", ErrConfig, err)
	}
	e.encodeColumns(hdr, cols, cfg.MaxChunkBytes)
	// Rows the server refuses go to OnRejected with their original cells: keep them on disk beside
	// the chunk until its answer is in. A directory refuses nothing.
	_, isDir := cfg.Uploader.(upload.Dir)
	e.keepRaw = cfg.OnRejected != nil && !isDir
	c := &chunker{e: e, t: t, up: cfg.Uploader, header: hdr, dir: dir, cw: cw, chunks: make(chan pendingChunk)}
	for range cfg.UploadConcurrency {
		c.wg.Go(func() {
			var err error
			func() {
				defer recoverInto(&err)
				err = c.upload(ctx)
			}()
			if err != nil {
				stop(err)
			}
		})
	}
	return c, nil
}

func (c *chunker) consume(ctx context.Context, b *batch) error {
	t := c.t
	for i := range b.recs {
		if !t.settle(c.e, b, i) {
			continue
		}
		rec, o := &b.recs[i], &b.outs[i]
		f, err := c.cw.AddLine(b.lines[o.line[0]:o.line[1]])
		var done pendingChunk
		if f != nil {
			c.index = f.Index
			done, c.lines = pendingChunk{file: f, rows: c.lines, cells: c.closeCells()}, rowList{}
		}
		if err == nil && c.e.keepRaw {
			err = c.writeCells(b.raws[o.raw[0]:o.raw[1]])
		}
		if err != nil {
			t.rows-- // not written: the row is not counted
			if f != nil {
				c.unsent(ctx, done)
			}
			return fmt.Errorf("contactpipe: %w", err)
		}
		c.lines.add(int32(rec.Row))
		t.accept(o.warns)
		if f != nil {
			if err := c.send(ctx, done); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeCells adds a line's original cells to the open chunk's cells file.
func (c *chunker) writeCells(rec []byte) error {
	if c.cells == nil {
		f, err := os.OpenFile(filepath.Join(c.dir, fmt.Sprintf("chunk-%d.cells", c.index+1)), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		c.cells = f
		if c.cellsW == nil {
			c.cellsW = bufio.NewWriterSize(f, 64<<10)
		}
		c.cellsW.Reset(f)
	}
	_, err := c.cellsW.Write(rec)
	return err
}

// closeCells finishes the open chunk's cells file and returns its name ("" when there is none).
func (c *chunker) closeCells() string {
	if c.cells == nil {
		return ""
	}
	f := c.cells
	c.cells = nil
	err := c.cellsW.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		c.e.cfg.Logger.Warn("keeping the original cells of a chunk failed", "err", err)
		return ""
	}
	return f.Name()
}

// rawCells reads the original cells of the given 1-based lines from a cells file; a line it cannot
// read has none.
func rawCells(name string, lines []int) map[int][]string {
	out := map[int][]string{}
	if name == "" || len(lines) == 0 {
		return out
	}
	want := map[int]bool{}
	last := 0
	for _, l := range lines {
		want[l] = true
		last = max(last, l)
	}
	f, err := os.Open(name)
	if err != nil {
		return out
	}
	defer f.Close()
	r := bufio.NewReader(f)
	for l := 1; l <= last; l++ {
		cells, err := readCells(r)
		if err != nil {
			break
		}
		if want[l] {
			out[l] = cells
		}
	}
	return out
}

// send hands a finished chunk to the upload goroutines.
func (c *chunker) send(ctx context.Context, pc pendingChunk) error {
	select {
	case c.chunks <- pc:
		return nil
	case <-ctx.Done():
		c.unsent(ctx, pc)
		return context.Cause(ctx)
	}
}

// finish closes the open chunk and sends it, or — when the stream stopped — reports it as not
// uploaded (its rows stay counted: they are in it). Then it waits for the uploads.
func (c *chunker) finish(ctx context.Context, err error) error {
	f, cerr := c.cw.Close()
	switch {
	case cerr != nil:
		if c.lines.len() > 0 {
			c.t.chunkDone(ChunkReport{Index: c.index + 1, Rows: c.lines.len()}, fmt.Errorf("not written: %w", cerr))
		}
		if err == nil {
			err = fmt.Errorf("contactpipe: %w", cerr)
		}
	case f != nil && err == nil:
		err = c.send(ctx, pendingChunk{file: f, rows: c.lines, cells: c.closeCells()})
	case f != nil:
		c.unsent(ctx, pendingChunk{file: f, rows: c.lines, cells: c.closeCells()})
	}
	if name := c.closeCells(); name != "" {
		os.Remove(name)
	}
	c.lines = rowList{}
	close(c.chunks)
	c.wg.Wait()
	os.RemoveAll(c.dir)
	return err
}

// unsent records a finished chunk that was never uploaded because the import stopped, and
// removes its file. Its rows stay accepted: they are in a chunk, and the report says it failed.
func (c *chunker) unsent(ctx context.Context, pc pendingChunk) {
	os.Remove(pc.file.Path)
	if pc.cells != "" {
		os.Remove(pc.cells)
	}
	reason := "not uploaded: the import stopped"
	if err := context.Cause(ctx); err != nil {
		reason += " (" + err.Error() + ")"
	}
	f := pc.file
	c.t.chunkDone(ChunkReport{Index: f.Index, Rows: f.Rows, Bytes: f.Bytes, SHA256: f.SHA256}, errors.New(reason))
}

// upload hands chunks to the uploader until there are none left. An error wrapping
// upload.ErrStopImport stops the import; any other fails only its chunk.
func (c *chunker) upload(ctx context.Context) error {
	for pc := range c.chunks {
		if ctx.Err() != nil {
			c.unsent(ctx, pc)
			continue
		}
		f := pc.file
		res, panicked, err := c.call(ctx, upload.Chunk{
			Index: f.Index, Path: f.Path, Header: c.header, Rows: f.Rows, Bytes: f.Bytes, SHA256: f.SHA256, Groups: c.e.cfg.Groups,
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
			c.e.cfg.Logger.Warn("chunk upload failed", "chunk", f.Index, "err", err)
		}
		var raws map[int][]string
		if len(res.ServerRejected) > 0 {
			lines := make([]int, len(res.ServerRejected))
			for i, sr := range res.ServerRejected {
				lines[i] = sr.Line
			}
			raws = rawCells(pc.cells, lines)
		}
		if pc.cells != "" {
			os.Remove(pc.cells)
		}
		for _, sr := range res.ServerRejected {
			row := 0
			if sr.Line >= 1 && sr.Line <= pc.rows.len() {
				row = int(pc.rows.at(sr.Line - 1))
			}
			c.t.serverRejected(raws[sr.Line], &RowError{Row: row, Code: CodeServerRejected, Err: errors.New(sr.Message)})
		}
		c.t.chunkDone(cr, err)
		if err != nil && (panicked || errors.Is(err, upload.ErrStopImport) || ctx.Err() != nil) {
			return fmt.Errorf("contactpipe: chunk %d: %w", f.Index, err)
		}
	}
	return nil
}

// call runs the uploader on one chunk, turning a panic into an error (that stops the import).
func (c *chunker) call(ctx context.Context, ch upload.Chunk) (res upload.Result, panicked bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			os.Remove(ch.Path)
			res, panicked, err = upload.Result{}, true, panicError(r)
		}
	}()
	res, err = c.up.Upload(ctx, ch)
	return res, false, err
}
