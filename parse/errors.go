package parse

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. Callers branch on them with errors.Is; the typed errors below wrap them.
var (
	// ErrQuote: a quoted field is malformed (text after its closing quote) or never closed.
	ErrQuote = errors.New("malformed quoted field")
	// ErrUnterminatedQuote: a quoted field is never closed (still open at the end of the input,
	// or past the record limit). The line where it opened is rejected (code malformed_csv) and
	// reading goes on; with Options.StrictCSV it is fatal instead (returned by Next, wrapped in a
	// *RowError with code unterminated_quote naming the row where the quote opened). Either error
	// also matches ErrQuote.
	ErrUnterminatedQuote = errors.New("quoted field is never closed")
	// ErrRecordTooLarge: a record is longer than Options.MaxRecordBytes.
	ErrRecordTooLarge = errors.New("record too large")
	// ErrTooManyFields: a record has more fields than Options.MaxFields.
	ErrTooManyFields = errors.New("too many fields")
	// ErrFieldCount: a row has non-empty fields beyond the last header column (code
	// extra_fields; or malformed_csv, with ErrQuote, for the first line of a record spanning
	// lines that a stray quote made too wide).
	ErrFieldCount = errors.New("more fields than the header")
	// ErrEncoding: a row's bytes are not valid in the file's character encoding.
	ErrEncoding = errors.New("bytes not valid in the file's encoding")

	// ErrColumnsRequired: Options.NoHeader is set but Options.Columns is empty.
	ErrColumnsRequired = errors.New("a file without a header row needs columns")
	// ErrUnknownField: Options.Columns names a field that does not exist.
	ErrUnknownField = errors.New("unknown field")
	// ErrDuplicateField: Options.Columns names the same field twice.
	ErrDuplicateField = errors.New("field named twice")
	// ErrDuplicateColumn: two header columns have the same name (ignoring case, spaces, '_', '-')
	// and would feed the same field.
	ErrDuplicateColumn = errors.New("duplicate column")
	// ErrAmbiguousColumn: two differently named header columns would feed the same field with the
	// same priority (for example "Phone" and "Telephone").
	ErrAmbiguousColumn = errors.New("ambiguous columns")
	// ErrNoMappedColumn: no header column maps to a contact field (perhaps the file has no header row).
	ErrNoMappedColumn = errors.New("no column maps to a contact field")
	// ErrUnknownColumn: Options.ColumnMap names a column the header does not have.
	ErrUnknownColumn = errors.New("no such column")
	// ErrNoAddressColumn: no column maps to an address field (msisdn, email or a chat id), so no
	// row could be imported. The *HeaderError lists what each column was taken for.
	ErrNoAddressColumn = errors.New("no column maps to an address")
	// ErrIgnoredColumn: Options.StrictColumns is set and some column feeds nothing.
	ErrIgnoredColumn = errors.New("ignored column")
	// ErrNoHeader: the input holds no header row (it is empty or blank).
	ErrNoHeader = errors.New("no header row: the file is empty")

	// ErrUnsupportedFormat: the content is not CSV/text, XLSX or XLS (see *FormatError).
	ErrUnsupportedFormat = errors.New("unsupported file format")
	// ErrUnknownEncoding: Options.Encoding names no known encoding.
	ErrUnknownEncoding = errors.New("unknown encoding")
	// ErrBadDelimiter: Options.Delimiter cannot be used (not ASCII, or a quote or line break).
	ErrBadDelimiter = errors.New("invalid delimiter")
)

// Codes of RowError.Code. They are stable: reports and rejected-row files use them.
const (
	CodeMalformedCSV      = "malformed_csv"
	CodeUnterminatedQuote = "unterminated_quote" // fatal, with Options.StrictCSV only
	CodeRecordTooLarge    = "record_too_large"
	CodeTooManyFields     = "too_many_fields"
	CodeExtraFields       = "extra_fields"
	CodeBadEncoding       = "bad_encoding"
	CodeBadCell           = "bad_cell" // a spreadsheet cell that cannot be read (the message names it, e.g. C7)
)

// RowError is a problem with one row; Code is stable and machine-readable. In Record.Err the row is
// rejected and reading goes on; returned by Next (code unterminated_quote) it is fatal.
type RowError struct {
	Row    int    // 1-based row as a spreadsheet shows it (header = row 1)
	Line   int    // 1-based line of the text file where the row starts (0 for spreadsheets)
	Column string // header name of the column (or "" when not about one column)
	Code   string // e.g. "malformed_csv", "record_too_large", "too_many_fields", "extra_fields", "bad_encoding"
	Err    error  // wraps sentinel errors such as ErrQuote, ErrRecordTooLarge, ErrFieldCount, ErrEncoding
}

// Error returns "row N, column "X": message", with no cell content.
func (e *RowError) Error() string {
	var b strings.Builder
	b.WriteString("row ")
	b.WriteString(strconv.Itoa(e.Row))
	if e.Line > 0 && e.Line != e.Row {
		b.WriteString(" (line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(")")
	}
	if e.Column != "" {
		b.WriteString(", column ")
		b.WriteString(strconv.Quote(e.Column))
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString(e.Code)
	}
	return b.String()
}

// Unwrap returns the underlying error (a sentinel or a wrapped sentinel).
func (e *RowError) Unwrap() error { return e.Err }

// detailError wraps a sentinel with a detail message while errors.Is still finds the sentinel(s).
type detailError struct {
	msg  string
	errs []error
}

func (e *detailError) Error() string   { return e.msg }
func (e *detailError) Unwrap() []error { return e.errs }

func detail(msg string, sentinels ...error) error { return &detailError{msg: msg, errs: sentinels} }

// HeaderError is a problem with the header row or with Options.Columns: a duplicate or ambiguous
// column, an unknown field name, no mapped column. It names the columns concerned.
type HeaderError struct {
	Columns  []string     // the header names (or Columns entries) concerned
	Field    string       // the field they compete for, when there is one
	Position int          // 1-based position in Options.Columns for an unknown or repeated field name, else 0
	Info     []ColumnInfo // ErrNoAddressColumn, ErrIgnoredColumn: what each column was taken for
	Err      error        // ErrDuplicateColumn, ErrAmbiguousColumn, ErrUnknownField, ErrDuplicateField, ErrNoMappedColumn, ErrUnknownColumn, ErrNoAddressColumn, ErrIgnoredColumn
}

// Error describes the problem and names the columns (header names, never cell values).
func (e *HeaderError) Error() string {
	var b strings.Builder
	switch {
	case errors.Is(e.Err, ErrUnknownField):
		b.WriteString("columns: unknown field ")
		if len(e.Columns) > 0 {
			b.WriteString(strconv.Quote(e.Columns[0]))
		}
		b.WriteString(" at position ")
		b.WriteString(strconv.Itoa(e.Position))
		b.WriteString(" (known: ")
		for f := Field(0); f < NumFields; f++ {
			if f > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.String())
		}
		b.WriteString(")")
		return b.String()
	case errors.Is(e.Err, ErrDuplicateField):
		b.WriteString("columns: field ")
		b.WriteString(strconv.Quote(e.Field))
		b.WriteString(" is named twice (second time at position ")
		b.WriteString(strconv.Itoa(e.Position))
		b.WriteString(")")
		return b.String()
	case errors.Is(e.Err, ErrUnknownColumn):
		b.WriteString("column map: the header has no column ")
		if len(e.Columns) > 0 {
			b.WriteString(strconv.Quote(e.Columns[0]))
		}
		return b.String()
	case errors.Is(e.Err, ErrNoAddressColumn):
		b.WriteString("header: no column maps to an address (msisdn, email or a chat id), so no row can be imported; header: ")
		for i, c := range e.Columns {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(c))
		}
		writeInfo(&b, e.Info)
		b.WriteString("; map the column that holds the phone numbers or emails with a column map, e.g. -map 'Telefon=msisdn'")
		return b.String()
	case errors.Is(e.Err, ErrIgnoredColumn):
		b.WriteString("header: strict columns: these columns would be ignored: ")
		for i, c := range e.Columns {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(c))
		}
		writeInfo(&b, e.Info)
		b.WriteString("; map them with a column map (-map 'Header=field', or 'Header=ignore')")
		return b.String()
	case errors.Is(e.Err, ErrNoMappedColumn):
		return "header: no column maps to a contact field; if the file has no header row, say so and give the columns"
	}
	b.WriteString("header: ")
	b.WriteString(e.Err.Error())
	b.WriteString(" ")
	for i, c := range e.Columns {
		if i > 0 {
			b.WriteString(" and ")
		}
		b.WriteString(strconv.Quote(c))
	}
	if e.Field != "" {
		b.WriteString(" would both feed ")
		b.WriteString(e.Field)
	}
	if len(e.Columns) == 2 && e.Columns[0] != e.Columns[1] {
		// A column map names a column by its header: it can set one of two differently
		// spelled columns aside.
		b.WriteString("; ignore one with a column map (e.g. -map '")
		b.WriteString(e.Columns[1])
		b.WriteString("=ignore'), rename or remove one, or give the columns explicitly")
		return b.String()
	}
	b.WriteString("; rename or remove one, or give the columns explicitly")
	return b.String()
}

// Unwrap returns the sentinel.
func (e *HeaderError) Unwrap() error { return e.Err }

// FormatError says the content is not something Open reads (an HTML page saved as .xls, a
// compressed file, a binary file …) or does not match Options.Format. It wraps ErrUnsupportedFormat.
type FormatError struct {
	Detected string // what the content looks like: "html", "xml", "gzip", "pdf", "binary", "xlsx", "xls" …
	Hint     string // what the user can do about it
}

// Error describes what was found and what to do.
func (e *FormatError) Error() string {
	msg := "unsupported file format: the content looks like " + e.Detected
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// Unwrap returns ErrUnsupportedFormat.
func (e *FormatError) Unwrap() error { return ErrUnsupportedFormat }

// writeInfo appends "; columns taken as: "A" → firstName (alias), "B" → ignored …".
func writeInfo(b *strings.Builder, info []ColumnInfo) {
	if len(info) == 0 {
		return
	}
	b.WriteString("; columns taken as: ")
	for i, c := range info {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(c.Header))
		b.WriteString(" → ")
		switch {
		case c.Field != "":
			b.WriteString(c.Field)
			b.WriteString(" (")
			b.WriteString(c.Method)
			if c.Status == StatusAlternative {
				b.WriteString(", alternative")
			}
			b.WriteString(")")
		default:
			b.WriteString(c.Status)
			if c.Reason != "" {
				b.WriteString(" (")
				b.WriteString(c.Reason)
				b.WriteString(")")
			}
		}
	}
}
