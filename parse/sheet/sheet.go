// Package sheet reads the rows of spreadsheet workbooks: XLSX (Office Open
// XML, Transitional and Strict, through a streaming reader) and legacy XLS
// (BIFF8 inside an OLE2 compound file, through a small bounded reader).
// Tests hold them to openpyxl and xlrd over public test workbooks and the
// XLSX reader to excelize by differential tests.
//
// # What a row looks like
//
// [Reader.Next] returns each non-empty row with its 1-based row number as the
// spreadsheet shows it (empty rows are skipped, the numbers of the others are
// kept) and its cells as strings. Trailing empty cells are dropped; empty cells
// in the middle of a row are "". Both readers follow one rule for cell values,
// so that the same sheet saved as .xlsx and as .xls reads the same:
//
//   - Text is returned as stored.
//   - Numbers are returned as their exact value in plain decimal notation:
//     15551234567 reads "15551234567" (never "1.5551234567E+10"), 1.5 reads
//     "1.5" (Go's strconv 'f' format with the shortest exact precision). The
//     cell's number format is ignored (currency, thousands separators, decimal
//     places, percent and scientific formats are not applied), with the
//     exceptions below. A number stored with more digits than Excel shows
//     reads exactly as stored: 1.0413926851582251, not 1.04139268515823.
//   - Numbers whose format is a date or time are returned in ISO 8601:
//     "2006-01-02" for a date, "2006-01-02 15:04:05" for a date and time,
//     "15:04:05" for a time of day; the workbook's 1900/1904 date system is
//     honoured. In the 1900 system serial 60 reads "1900-02-29", the day
//     Excel shows although it never was (Excel's 1900 leap-year bug): 59 is
//     "1900-02-28", 61 "1900-03-01".
//   - Numbers whose format counts elapsed time ("[h]:mm:ss", "[mm]:ss")
//     are returned as hours, minutes and seconds, the hours not wrapped at
//     24: 10.6320601851852 reads "255:10:10".
//   - Numbers whose format is made only of zeros ("00000", a ZIP code or an
//     identifier padded with leading zeros) are returned as displayed, zero
//     padded: 2134 with format "00000" reads "02134".
//   - Dates stored as ISO 8601 text (XLSX t="d" cells, as Strict Open XML
//     writes dates) read like the dates of number cells; ISO 8601 durations
//     ("PT0H11M0.000S") like elapsed time ("00:11:00").
//   - Booleans read "TRUE" / "FALSE"; error values read as Excel shows them
//     ("#N/A", "#DIV/0!", ...).
//   - Formulas read their cached value (the value Excel saved with the file);
//     a formula saved without a cached value reads "".
//
// # Cells that cannot be read
//
// One rule for XLSX and XLS: a cell whose value cannot be read (a shared
// string index outside the table, a string or cell record cut short, a
// style index that is not a number, markup nested too deep) is never read
// as blank and its row never disappears: [Reader.Next] returns the row's
// number with an error wrapping [ErrBadCell] that names the cell ("cell C7:
// ..."), and reading goes on with the next row. Faults that leave the
// intent clear are read through as xlrd, openpyxl and SheetJS read them: a
// shared string table whose count disagrees with its strings, an empty
// string missing its flags byte, a number format string cut short, a
// UTF-16 character split across records (the half character is dropped).
//
// # Sheets
//
// [Options.Sheet] selects a sheet by name (exact match first, then a unique
// case-insensitive match). Without a name the first visible worksheet is
// read: hidden and very hidden sheets, chart sheets and macro sheets are
// skipped.
//
// # Cancellation
//
// [OpenXLSXContext] and [OpenXLSContext] bind a reader to a context: every
// read of the file checks it first, so opening and Next stop within
// milliseconds of cancellation (the work between two reads is bounded by one
// read of at most 64 KiB, inflated at most 1:100), and return an error for
// which errors.Is(err, context.Canceled) (or context.DeadlineExceeded)
// holds, wrapping the cause given to context.WithCancelCause too.
//
// # Hostile input
//
// Every reader bounds its work by the size of its input and by [Options]:
// no crash, hang or unbounded memory on a malformed or malicious file. See
// [OpenXLSX] and [OpenXLS] for the limits each applies. A panic that escapes a
// bug in this package is recovered at the API boundary and reported as
// [ErrMalformed].
package sheet

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
)

// Default limits applied when an [Options] field is zero.
const (
	DefaultMaxUnzipSize = 1 << 30 // 1 GiB of uncompressed XLSX parts
	DefaultMaxXMLSize   = 16 << 20
	DefaultMaxCells     = 1024
	DefaultMaxCellBytes = 1 << 20
)

// Options bound and select what is read. The zero value reads the first
// visible worksheet with safe default limits.
type Options struct {
	// Sheet is the name of the sheet to read; "" reads the first visible
	// worksheet.
	Sheet string
	// MaxUnzipSize bounds the total uncompressed size of an XLSX file's parts,
	// in bytes (0 = DefaultMaxUnzipSize), and the shared string table to
	// MaxUnzipSize/256 entries. The worksheet and shared strings are streamed;
	// the table is kept decoded, off the Go heap (its text plus 4 bytes an
	// entry; see SpillDir).
	MaxUnzipSize int64
	// MaxXMLSize bounds, in bytes, every XLSX part other than worksheets and
	// shared strings (workbook, relationships, styles), which are read whole
	// (0 = DefaultMaxXMLSize).
	MaxXMLSize int64
	// MaxCells bounds the cells of a row (0 = DefaultMaxCells). A row with a
	// value beyond this column is an error.
	MaxCells int
	// MaxCellBytes bounds the length of one cell's text in bytes (0 =
	// DefaultMaxCellBytes).
	MaxCellBytes int
	// SpillDir, when set, is where an XLSX file's shared string table of
	// more than a few MiB is kept (on Linux), in an unlinked temporary file
	// mapped read-only, rather than in memory: its pages are then the
	// kernel's page cache, reclaimable, and the reader's resident memory
	// holds only those the recent rows used. "" keeps it in memory, as
	// does a SpillDir where no file can be made, or one that fills up while
	// the table is written (what was written is read back).
	SpillDir string
}

// withDefaults returns o with every zero limit replaced by its default.
func (o Options) withDefaults() Options {
	if o.MaxUnzipSize <= 0 {
		o.MaxUnzipSize = DefaultMaxUnzipSize
	}
	if o.MaxXMLSize <= 0 {
		o.MaxXMLSize = DefaultMaxXMLSize
	}
	if o.MaxXMLSize > o.MaxUnzipSize {
		o.MaxXMLSize = o.MaxUnzipSize
	}
	if o.MaxCells <= 0 {
		o.MaxCells = DefaultMaxCells
	}
	if o.MaxCellBytes <= 0 {
		o.MaxCellBytes = DefaultMaxCellBytes
	}
	return o
}

// Reader yields a sheet's rows in order.
type Reader interface {
	// Next returns the next non-empty row: its 1-based sheet row number (as
	// Excel shows it) and its cells as the text the user sees or the exact raw
	// value for numbers (see the package documentation). Missing cells in the
	// middle of a row are "". A row holding a cell that cannot be read is
	// returned as its number, nil cells and a *CellError wrapping ErrBadCell
	// that names the first such cell; the next call goes on with the next
	// row. Next returns io.EOF at the end; any other error is fatal and is
	// returned again by later calls.
	Next() (row int, cells []string, err error)
	// Sheets lists the workbook's sheet names in tab order, hidden ones
	// included.
	Sheets() []string
	// Close releases the reader's resources (an XLSX reader's shared string
	// table, held outside the Go heap, and an XLSX reader's goroutines,
	// which Close waits for). The rows returned stay valid.
	Close() error
}

var (
	// ErrSheetNotFound reports that the sheet asked for does not exist, or
	// that the workbook has no visible worksheet. It is wrapped with the name
	// asked for and the names available.
	ErrSheetNotFound = errors.New("sheet not found")
	// ErrEncrypted reports a password-protected (encrypted) workbook, which
	// cannot be read without its password.
	ErrEncrypted = errors.New("workbook is encrypted (password-protected): save it without a password")
	// ErrTooLarge reports input over a limit: a zip bomb, a part, row or cell
	// larger than allowed.
	ErrTooLarge = errors.New("workbook too large")
	// ErrMalformed reports a corrupt container or corrupt records, or a file
	// that is not a workbook of the format asked for.
	ErrMalformed = errors.New("malformed workbook")
	// ErrBadCell reports a cell whose value cannot be read (a shared string
	// index outside the table, a string record cut short, markup nested too
	// deep, a style that is not a number, ...). [Reader.Next] returns it in a
	// *CellError naming the cell: the row is rejected, reading goes on.
	ErrBadCell = errors.New("cell cannot be read")
)

// CellError locates an error at a row (and a column when known) of the
// sheet. It wraps [ErrBadCell] (the row is rejected, reading goes on),
// [ErrTooLarge] or [ErrMalformed] (fatal).
type CellError struct {
	Row    int // 1-based sheet row number
	Column int // 1-based column number, 0 when the whole row is concerned
	Err    error
}

// Error implements error: "cell C7: ..." names the cell as Excel does.
func (e *CellError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("cell %s%d: %v", ColumnName(e.Column), e.Row, e.Err)
	}
	return fmt.Sprintf("row %d: %v", e.Row, e.Err)
}

// ColumnName returns the letters Excel shows for a 1-based column number:
// 1 is "A", 27 is "AA".
func ColumnName(col int) string {
	if col < 1 {
		return "?"
	}
	var b []byte
	for ; col > 0; col = (col - 1) / 26 {
		b = append(b, byte('A'+(col-1)%26))
	}
	slices.Reverse(b)
	return string(b)
}

// badCell is the error of an unreadable cell (row and col 1-based).
func badCell(row, col int, format string, a ...any) error {
	return &CellError{Row: row, Column: col, Err: fmt.Errorf("%w: %s", ErrBadCell, fmt.Sprintf(format, a...))}
}

// Unwrap returns the underlying error.
func (e *CellError) Unwrap() error { return e.Err }

// recovered counts panics turned into ErrMalformed by the API boundary; tests
// assert that it stays zero.
var recovered atomic.Int64

// recoverMalformed turns a panic into ErrMalformed in *err. It must be
// deferred directly.
func recoverMalformed(err *error) {
	if p := recover(); p != nil {
		recovered.Add(1)
		*err = fmt.Errorf("%w: internal error reading the workbook: %v", ErrMalformed, p)
	}
}

// sheetInfo describes one sheet of a workbook for selection.
type sheetInfo struct {
	name      string
	visible   bool
	worksheet bool // false for chart, macro and dialog sheets
}

// pickSheet returns the index of the sheet to read: the one named want, or
// the first visible worksheet when want is "".
func pickSheet(sheets []sheetInfo, want string) (int, error) {
	if want == "" {
		for i, s := range sheets {
			if s.visible && s.worksheet {
				return i, nil
			}
		}
		return -1, fmt.Errorf("%w: no visible worksheet (sheets: %s)", ErrSheetNotFound, quoteNames(sheets))
	}
	for i, s := range sheets {
		if s.name == want {
			return i, nil
		}
	}
	found := -1
	for i, s := range sheets {
		if strings.EqualFold(s.name, want) {
			if found >= 0 {
				found = -2
				break
			}
			found = i
		}
	}
	if found >= 0 {
		return found, nil
	}
	return -1, fmt.Errorf("%w: %q (sheets: %s)", ErrSheetNotFound, want, quoteNames(sheets))
}

func quoteNames(sheets []sheetInfo) string {
	if len(sheets) == 0 {
		return "none"
	}
	const maxNames = 20
	var b strings.Builder
	for i, s := range sheets {
		if i == maxNames {
			fmt.Fprintf(&b, ", ... (%d more)", len(sheets)-maxNames)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(s.name))
	}
	return b.String()
}

// rowLimits checks a finished row against the limits and trims its trailing
// empty cells. It returns nil cells for an empty row.
func rowLimits(row int, cells []string, o *Options) ([]string, error) {
	n := len(cells)
	for n > 0 && cells[n-1] == "" {
		n--
	}
	cells = cells[:n]
	if n > o.MaxCells {
		return nil, &CellError{Row: row, Column: o.MaxCells + 1, Err: fmt.Errorf("%w: more than %d cells in the row", ErrTooLarge, o.MaxCells)}
	}
	for i, c := range cells {
		if len(c) > o.MaxCellBytes {
			return nil, &CellError{Row: row, Column: i + 1, Err: fmt.Errorf("%w: cell longer than %d bytes", ErrTooLarge, o.MaxCellBytes)}
		}
	}
	if n == 0 {
		return nil, nil
	}
	return cells, nil
}

// sticky remembers the first fatal error of a reader so later Next calls
// return it again.
type sticky struct{ err error }

func (s *sticky) set(err error) error {
	if s.err == nil && err != nil && err != io.EOF {
		s.err = err
	}
	return err
}

// stopped replaces *err, and the error remembered, by the cancellation error
// when c's context is done. It must be deferred directly by Next.
func (s *sticky) stopped(c canceler, err *error) {
	if *err == nil || *err == io.EOF {
		return
	}
	if cerr := c.err(); cerr != nil {
		*err, s.err = cerr, cerr
	}
}
