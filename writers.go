package contactpipe

import (
	"bufio"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/contactpipe/contactpipe/parse"
)

// bom is the UTF-8 byte order mark files meant for people start with, so that spreadsheet
// programs (Excel) read them as UTF-8 and show Jürgen and 佐藤 as written. Chunk files never
// have one: they go to the API byte for byte.
const bom = "\ufeff"

// RejectedWriter writes rejected rows as CSV a person can fix in a spreadsheet and import again:
// every original cell of the row under the original header, then error_row, error_column,
// error_code and error_message. The header is as wide as the widest row: cells beyond the
// source's header are named "column N" (N counting from 1). The file starts with a UTF-8 BOM, and
// cells a spreadsheet would run as a formula are neutralized (see Neutralize).
//
// Rows wait in an unlinked temporary file until Flush writes the file (so that the header, which
// comes first, can be as wide as a row that comes last), so memory stays bounded. Nothing is
// written to w before Flush, and nothing at all when no row was rejected.
type RejectedWriter struct {
	// TempDir is where rows wait for Flush; "" means os.TempDir().
	TempDir string

	w      io.Writer
	header []string
	sp     spill
}

// NewRejectedWriter returns a RejectedWriter writing to w.
func NewRejectedWriter(w io.Writer) *RejectedWriter {
	return &RejectedWriter{w: w}
}

// Write adds one rejected row (the first sets the header).
func (rw *RejectedWriter) Write(r Rejected) error {
	if rw.sp.n == 0 && rw.header == nil {
		rw.header = r.Header
	}
	msg := ""
	if r.Err.Err != nil {
		msg = r.Err.Err.Error()
	}
	return rw.sp.add(rw.TempDir, []string{strconv.Itoa(r.Err.Row), r.Err.Column, r.Err.Code, msg}, r.Raw)
}

// Flush writes the file and reports any error. Call it once, when every row has been written.
func (rw *RejectedWriter) Flush() error {
	if rw.sp.n == 0 {
		return rw.sp.close()
	}
	width := max(rw.sp.width, len(rw.header))
	head := widen(rw.header, width)
	head = append(head, "error_row", "error_column", "error_code", "error_message")
	return rw.sp.flush(rw.w, head, func(fixed, cells []string, rec []string) []string {
		for i := range width {
			v := ""
			if i < len(cells) {
				v = cells[i]
			}
			rec = append(rec, v)
		}
		return append(rec, fixed...)
	})
}

// DuplicatesWriter writes duplicate rows as CSV: row,duplicate_of_row,column,value,
// duplicate_of_file, then every original cell of the dropped row under the source's header
// (widened like RejectedWriter's). duplicate_of_file names the file that holds duplicate_of_row
// when a shared Deduper (many workers on one job) says it is another file; it is empty when the
// earlier row is in this file.
// The file starts with a UTF-8 BOM and cells are neutralized (see Neutralize). Like
// RejectedWriter, rows wait in an unlinked temporary file until Flush.
type DuplicatesWriter struct {
	// TempDir is where rows wait for Flush; "" means os.TempDir().
	TempDir string

	w      io.Writer
	header []string
	sp     spill
}

// NewDuplicatesWriter returns a DuplicatesWriter writing to w.
func NewDuplicatesWriter(w io.Writer) *DuplicatesWriter {
	return &DuplicatesWriter{w: w}
}

// Write adds one duplicate row (the first sets the header).
func (dw *DuplicatesWriter) Write(d Duplicate) error {
	if dw.sp.n == 0 && dw.header == nil {
		dw.header = d.Header
	}
	return dw.sp.add(dw.TempDir, []string{strconv.Itoa(d.Row), strconv.Itoa(d.DuplicateOf), d.Column, d.Value, d.DuplicateOfSource}, d.Raw)
}

// Flush writes the file — the header row alone when there were no duplicates — and reports any
// error. Call it once, when every row has been written.
func (dw *DuplicatesWriter) Flush() error {
	width := max(dw.sp.width, len(dw.header))
	head := append([]string{"row", "duplicate_of_row", "column", "value", "duplicate_of_file"}, widen(dw.header, width)...)
	return dw.sp.flush(dw.w, head, func(fixed, cells []string, rec []string) []string {
		rec = append(rec, fixed...)
		for i := range width {
			v := ""
			if i < len(cells) {
				v = cells[i]
			}
			rec = append(rec, v)
		}
		return rec
	})
}

// widen returns header with names "column N" added up to width cells.
func widen(header []string, width int) []string {
	out := make([]string, 0, width+4)
	out = append(out, header...)
	for i := len(header); i < width; i++ {
		out = append(out, "column "+strconv.Itoa(i+1))
	}
	return out
}

// spill keeps records — a few fixed fields and a row's cells — in an unlinked temporary file
// until flush, and tracks the widest row. Records are stored as lengths and bytes, so every
// cell comes back exactly as it went in.
type spill struct {
	f     *os.File
	bw    *bufio.Writer
	n     int // records
	width int // the most cells of a record
	buf   []byte
	err   error
}

func (s *spill) add(dir string, fixed, cells []string) error {
	if s.err != nil {
		return s.err
	}
	if s.f == nil {
		f, err := os.CreateTemp(dir, ".contactpipe-rows-*")
		if err != nil {
			s.err = fmt.Errorf("contactpipe: %w", err)
			return s.err
		}
		os.Remove(f.Name()) // unlinked: the rows (personal data) never outlive the process
		s.f, s.bw = f, bufio.NewWriterSize(f, 64<<10)
	}
	b := binary.AppendUvarint(s.buf[:0], uint64(len(fixed)))
	b = binary.AppendUvarint(b, uint64(len(cells)))
	for _, list := range [2][]string{fixed, cells} {
		for _, v := range list {
			b = binary.AppendUvarint(b, uint64(len(v)))
			b = append(b, v...)
		}
	}
	s.buf = b
	if _, err := s.bw.Write(b); err != nil {
		s.err = fmt.Errorf("contactpipe: %w", err)
		return s.err
	}
	s.n++
	s.width = max(s.width, len(cells))
	return nil
}

// flush writes a BOM, head and every record as build lays it out, neutralizing every cell, then
// releases the file.
func (s *spill) flush(w io.Writer, head []string, build func(fixed, cells, rec []string) []string) error {
	defer s.close()
	if s.err != nil {
		return s.err
	}
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	rec := make([]string, 0, len(head))
	neutral := func(rec []string) []string {
		for i, v := range rec {
			rec[i] = Neutralize(v)
		}
		return rec
	}
	if err := cw.Write(neutral(append(rec, head...))); err != nil {
		return err
	}
	if s.f != nil {
		if err := s.bw.Flush(); err != nil {
			return err
		}
		if _, err := s.f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		r := bufio.NewReaderSize(s.f, 64<<10)
		var fixed, cells []string
		for range s.n {
			var err error
			if fixed, cells, err = readRecord(r, fixed[:0], cells[:0]); err != nil {
				return fmt.Errorf("contactpipe: reading back rows: %w", err)
			}
			if err := cw.Write(neutral(build(fixed, cells, rec[:0]))); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func readRecord(r *bufio.Reader, fixed, cells []string) ([]string, []string, error) {
	nf, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, nil, err
	}
	nc, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, nil, err
	}
	read := func(dst []string, n uint64) ([]string, error) {
		for range n {
			l, err := binary.ReadUvarint(r)
			if err != nil {
				return nil, err
			}
			if l > 1<<30 {
				return nil, errors.New("corrupt record")
			}
			b := make([]byte, l)
			if _, err := io.ReadFull(r, b); err != nil {
				return nil, err
			}
			dst = append(dst, string(b))
		}
		return dst, nil
	}
	if fixed, err = read(fixed, nf); err != nil {
		return nil, nil, err
	}
	cells, err = read(cells, nc)
	return fixed, cells, err
}

func (s *spill) close() error {
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f, s.bw = nil, nil
	return err
}

// Neutralize makes a cell safe to open in a spreadsheet: text a spreadsheet would run as a
// formula (parse.FormulaRisk: it starts with '=', '@', a tab or a carriage return; with '-'
// followed by anything but a plain number; or with '+' followed by anything but a phone number of
// at least 7 digits) gets a leading apostrophe, which spreadsheets show as text and parse removes
// again when it reads contactpipe's own rejected.csv. It is used for files meant for people only,
// never for chunks.
func Neutralize(s string) string {
	if parse.FormulaRisk(s) {
		return "'" + s
	}
	return s
}
