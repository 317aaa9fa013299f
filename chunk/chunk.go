// Package chunk packs rows into CSV files no larger than a byte limit, header included.
//
// Chunks are packed tightly: a chunk ends only when the next row would not fit (or the row cap is
// reached). A row that cannot fit even in an empty chunk is refused with ErrRowTooLarge and not
// written. Chunk files are created with mode 0600, since they hold personal data.
//
// Rows are written as RFC 4180 CSV with "\n" line ends; a field is quoted when it holds the
// delimiter ',', a quote, '\r' or '\n', or begins with a space or tab. Writing is deterministic: the
// same rows and options give byte-identical chunks, which is what lets an interrupted upload resume.
package chunk

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"
)

// DefaultMaxBytes is the default chunk size limit: under the 8x8 API's 30 MB file limit, with room
// to spare for the multipart envelope.
const DefaultMaxBytes = 29_000_000

// ErrRowTooLarge is returned by Writer.Add for a row that does not fit in a chunk on its own.
var ErrRowTooLarge = errors.New("row does not fit in a chunk")

// Options configure a Writer.
type Options struct {
	// Dir is where chunk files are created; "" means os.TempDir().
	Dir string
	// Header is the header row written at the top of every chunk. Required.
	Header []string
	// MaxBytes limits each chunk file's size in bytes, header included; 0 means DefaultMaxBytes.
	MaxBytes int64
	// MaxRows limits the data rows per chunk; 0 means no limit.
	MaxRows int
}

// File is a finished chunk.
type File struct {
	Index  int    // 1-based, in row order
	Path   string // the chunk file; the caller owns it now
	Rows   int    // data rows, header excluded
	Bytes  int64  // file size, header included
	SHA256 string // hex SHA-256 of the content
}

// Writer writes rows into successive chunk files. It is not safe for concurrent use.
type Writer struct {
	opts   Options
	header []byte
	line   []byte // the row being encoded

	index int
	f     *os.File
	buf   *bufio.Writer
	sum   hash.Hash
	rows  int
	bytes int64
}

// NewWriter returns a Writer. No file is created until the first row.
func NewWriter(opts Options) (*Writer, error) {
	if len(opts.Header) == 0 {
		return nil, errors.New("chunk: header is required")
	}
	if opts.MaxBytes == 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.Dir == "" {
		opts.Dir = os.TempDir()
	}
	w := &Writer{opts: opts, sum: sha256.New()}
	w.header = AppendRow(nil, opts.Header)
	if int64(len(w.header)) >= opts.MaxBytes {
		return nil, fmt.Errorf("chunk: header alone (%d bytes) does not fit in %d bytes", len(w.header), opts.MaxBytes)
	}
	return w, nil
}

// Add writes one row. When the row does not fit in the current chunk (or the current chunk is
// full by rows), the current chunk is finished and returned, and the row starts the next one. A row
// too large for any chunk returns ErrRowTooLarge and changes nothing.
func (w *Writer) Add(fields []string) (*File, error) {
	w.line = AppendRow(w.line[:0], fields)
	return w.AddLine(w.line)
}

// AddLine is Add for a row already encoded by AppendRow (one line, with its "\n"): it lets the
// encoding run elsewhere, on another goroutine, while one goroutine writes the chunks.
func (w *Writer) AddLine(line []byte) (*File, error) {
	if int64(len(w.header)+len(line)) > w.opts.MaxBytes {
		return nil, fmt.Errorf("chunk: %w (%d bytes with the header, limit %d)", ErrRowTooLarge, len(w.header)+len(line), w.opts.MaxBytes)
	}
	var done *File
	if w.f != nil && (w.bytes+int64(len(line)) > w.opts.MaxBytes || w.opts.MaxRows > 0 && w.rows >= w.opts.MaxRows) {
		f, err := w.finish()
		if err != nil {
			return nil, err
		}
		done = f
	}
	if w.f == nil {
		if err := w.start(); err != nil {
			return done, err
		}
	}
	if err := w.write(line); err != nil {
		return done, err
	}
	w.rows++
	return done, nil
}

// Fits reports whether a row fits in a chunk on its own, that is whether Add would not refuse it
// with ErrRowTooLarge. It lets a caller check before committing to the row elsewhere.
func (w *Writer) Fits(fields []string) bool {
	// Quoting at most doubles a field and adds two quotes; most rows are decided without encoding.
	bound := len(w.header) + len(fields) + 1
	for _, f := range fields {
		bound += 2*len(f) + 2
	}
	if int64(bound) <= w.opts.MaxBytes {
		return true
	}
	w.line = AppendRow(w.line[:0], fields)
	return int64(len(w.header)+len(w.line)) <= w.opts.MaxBytes
}

// HeaderBytes is the size of the header line every chunk starts with.
func (w *Writer) HeaderBytes() int { return len(w.header) }

// Close finishes the current chunk and returns it, or nil when it holds no rows.
func (w *Writer) Close() (*File, error) {
	if w.f == nil {
		return nil, nil
	}
	return w.finish()
}

// Abort removes the chunk being written, if any. Use it when the import is abandoned.
func (w *Writer) Abort() {
	if w.f != nil {
		name := w.f.Name()
		w.f.Close()
		os.Remove(name)
		w.f = nil
	}
}

func (w *Writer) start() error {
	f, err := os.CreateTemp(w.opts.Dir, ".chunk-*.csv.tmp") // CreateTemp makes the file 0600
	if err != nil {
		return fmt.Errorf("chunk: %w", err)
	}
	w.index++
	w.f = f
	if w.buf == nil {
		w.buf = bufio.NewWriterSize(io.MultiWriter(f, w.sum), 256<<10)
	}
	w.sum.Reset()
	w.buf.Reset(io.MultiWriter(f, w.sum))
	w.rows, w.bytes = 0, 0
	return w.write(w.header)
}

func (w *Writer) write(b []byte) error {
	if _, err := w.buf.Write(b); err != nil {
		return fmt.Errorf("chunk: %w", err)
	}
	w.bytes += int64(len(b))
	return nil
}

func (w *Writer) finish() (*File, error) {
	f := w.f
	w.f = nil
	err := w.buf.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return nil, fmt.Errorf("chunk: %w", err)
	}
	return &File{
		Index:  w.index,
		Path:   f.Name(),
		Rows:   w.rows,
		Bytes:  w.bytes,
		SHA256: hex.EncodeToString(w.sum.Sum(nil)),
	}, nil
}

// AppendRow appends fields as one CSV line (with its "\n") to dst, quoting as the package doc says.
func AppendRow(dst []byte, fields []string) []byte {
	for i, f := range fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		if !needsQuotes(f) {
			dst = append(dst, f...)
			continue
		}
		dst = append(dst, '"')
		for {
			j := strings.IndexByte(f, '"')
			if j < 0 {
				break
			}
			dst = append(dst, f[:j+1]...)
			dst = append(dst, '"')
			f = f[j+1:]
		}
		dst = append(dst, f...)
		dst = append(dst, '"')
	}
	return append(dst, '\n')
}

func needsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if f[0] == ' ' || f[0] == '\t' {
		return true
	}
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	return false
}
