package parse

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"io"
	"os"
	"strconv"

	"github.com/contactpipe/contactpipe/parse/sheet"
)

// Spreadsheet errors of package parse/sheet, re-exported so that callers of Open can test for them
// with errors.Is without importing it.
var (
	ErrSheetNotFound        = sheet.ErrSheetNotFound // the sheet asked for does not exist (the error lists those that do)
	ErrEncrypted            = sheet.ErrEncrypted     // password-protected workbook
	ErrSpreadsheetTooLarge  = sheet.ErrTooLarge      // zip bomb, or a part, row or cell over a limit
	ErrMalformedSpreadsheet = sheet.ErrMalformed     // corrupt workbook
	ErrBadCell              = sheet.ErrBadCell       // a cell that cannot be read: its row is rejected (code bad_cell)
)

// MaxSpoolBytes bounds the size of a spreadsheet read from a stream that must be spooled to disk.
const MaxSpoolBytes = 4 << 30

// seekStart reports whether r can be read at offsets (io.ReaderAt + io.Seeker that really seeks: not
// a pipe), and its current offset, where the content starts.
func seekStart(r io.Reader) (int64, bool) {
	_, isAt := r.(io.ReaderAt)
	sk, isSeeker := r.(io.Seeker)
	if !isAt || !isSeeker {
		return 0, false
	}
	off, err := sk.Seek(0, io.SeekCurrent)
	return off, err == nil
}

// openSheet opens a spreadsheet with package parse/sheet. r is read in place when it is seekable
// (start is its offset when Open was called); otherwise the stream (the bytes buffered in br, then
// the rest) is spooled to a 0600 temporary file in Options.TempDir, unlinked as soon as it is
// created (it is read through its open descriptor, released by Close).
//
// In spreadsheets a row over Options.MaxFields cells or a cell over Options.MaxRecordBytes bytes
// is a fatal error of parse/sheet (ErrSpreadsheetTooLarge), not a rejected row; a cell that cannot
// be read rejects its row (see badCell). The copy and the reader check s.ctx.
func (s *Source) openSheet(r io.Reader, br *bufio.Reader, format Format, start int64, seekable bool) error {
	var (
		ra      io.ReaderAt
		size    int64
		cleanup = func() error { return nil }
	)
	if seekable {
		end, err := r.(io.Seeker).Seek(0, io.SeekEnd)
		if err != nil {
			return err
		}
		size = end - start
		ra = io.NewSectionReader(r.(io.ReaderAt), start, size)
		s.counter.n.Store(size)
	} else {
		f, err := os.CreateTemp(s.opts.TempDir, "contactpipe-spool-*")
		if err != nil {
			return err
		}
		// Unlinked at once: the open file stays readable, and nothing is left behind however
		// the process ends (even by SIGKILL).
		if err := os.Remove(f.Name()); err != nil {
			_ = f.Close()
			return err
		}
		cleanup = f.Close
		n, err := io.Copy(f, io.LimitReader(ctxReader{br, s.ctx}, MaxSpoolBytes+1))
		if err == nil && n > MaxSpoolBytes {
			err = errors.Join(ErrSpreadsheetTooLarge,
				errors.New("spreadsheet stream larger than "+strconv.Itoa(MaxSpoolBytes>>30)+" GiB"))
		}
		if err != nil {
			_ = cleanup()
			return err
		}
		ra, size = f, n
	}
	opts := sheet.Options{Sheet: s.opts.Sheet, MaxCells: s.opts.MaxFields, MaxCellBytes: s.opts.MaxRecordBytes,
		SpillDir: cmp.Or(s.opts.TempDir, os.TempDir())}
	var (
		rd  sheet.Reader
		err error
	)
	if format == XLSX {
		rd, err = sheet.OpenXLSXContext(s.ctx, ra, size, opts)
	} else {
		rd, err = sheet.OpenXLSContext(s.ctx, ra, size, opts)
	}
	if err != nil {
		_ = cleanup()
		return err
	}
	s.sheet = rd
	s.closer = func() error {
		err := rd.Close()
		if cerr := cleanup(); err == nil {
			err = cerr
		}
		return err
	}
	return nil
}

// DeclaredRows returns how many data rows the spreadsheet says it holds, for progress: the last
// row its sheet declares (an XLSX <dimension ref="A1:E300001"/>, an XLS DIMENSIONS record) less
// the header row and the rows skipped above it. It is a hint, never checked against the rows
// read: writers put what they like there. 0 for text and for a sheet that declares nothing.
func (s *Source) DeclaredRows() int {
	d, ok := s.sheet.(interface{ DeclaredRows() int })
	if !ok {
		return 0
	}
	n := d.DeclaredRows()
	if !s.opts.NoHeader {
		n -= 1 + len(s.skipped)
	}
	return max(n, 0)
}

// badCell turns a cell error of parse/sheet (ErrBadCell: a cell that cannot be read) into the
// rejection of its row, code bad_cell, naming the column and the cell (e.g. C7); nil for any other
// error, which is fatal.
func (s *Source) badCell(row int, err error) *RowError {
	var ce *sheet.CellError
	if !errors.Is(err, sheet.ErrBadCell) || !errors.As(err, &ce) {
		return nil
	}
	return &RowError{Row: row, Column: s.columnName(ce.Column - 1), Code: CodeBadCell, Err: err}
}

// ctxReader stops reading once ctx is done (between reads: a Read that blocks is not interrupted).
type ctxReader struct {
	r   io.Reader
	ctx context.Context
}

func (c ctxReader) Read(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, contextError(c.ctx)
	}
	return c.r.Read(p)
}
