package contactpipe

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/contactpipe/contactpipe/upload"
)

// Report accounts for every row of an import. Rows = Accepted + Rejected + Duplicates, and the
// chunks' rows add up to Accepted. Import returns a valid Report even with an error: it then
// describes what was done before the failure, and Rows counts a prefix of the file whose every
// row is accounted for (an accepted row of a chunk that was never uploaded is in that chunk's
// ChunkReport, with its Error).
type Report struct {
	Source string `json:"source"`
	// Status says how the import ended: StatusCompleted, StatusInterrupted (ctx was cancelled)
	// or StatusFailed (any other error, chunks that did not land included).
	Status string `json:"status"`
	// Error is the error the import ended with, when Status is not StatusCompleted.
	Error          string            `json:"error,omitempty"`
	Format         string            `json:"format"`
	Encoding       string            `json:"encoding,omitempty"`  // text encoding read ("utf-8", "windows-1252", …)
	Delimiter      string            `json:"delimiter,omitempty"` // CSV field delimiter
	Sheet          string            `json:"sheet,omitempty"`     // the spreadsheet sheet asked for
	DedupeKeys     []string          `json:"dedupeKeys"`          // the address kinds deduped (those the target receives)
	Rows           int               `json:"rows"`
	Accepted       int               `json:"accepted"`
	Rejected       int               `json:"rejected"`
	Duplicates     int               `json:"duplicates"`
	Landed         int               `json:"landed"` // accepted rows the target confirms it holds
	Chunks         []ChunkReport     `json:"chunks"`
	Columns        map[string]string `json:"columns"`        // source column → field
	IgnoredColumns []string          `json:"ignoredColumns"` // source columns not imported
	RejectReasons  map[string]int    `json:"rejectReasons"`  // code → rows
	DurationMs     int64             `json:"durationMs"`
}

// The values of Report.Status.
const (
	StatusCompleted   = "completed"
	StatusInterrupted = "interrupted"
	StatusFailed      = "failed"
)

// ChunkReport is one chunk and what became of it.
type ChunkReport struct {
	Index    int    `json:"index"`
	File     string `json:"file"`
	Rows     int    `json:"rows"`
	Bytes    int64  `json:"bytes"`
	SHA256   string `json:"sha256,omitempty"`
	Target   string `json:"target,omitempty"`
	BatchID  string `json:"batchId,omitempty"`
	Status   string `json:"status,omitempty"`
	Attempts int    `json:"attempts,omitempty"`
	InDoubt  bool   `json:"inDoubt,omitempty"`
	Landed   int    `json:"landed"`
	Error    string `json:"error,omitempty"`
	// Server is the batch's result counts as the API reported them, when it did.
	Server *upload.BatchCounts `json:"server,omitempty"`
	// Reconciled is true when an answer was lost and the batch was found again instead of re-sent.
	Reconciled bool `json:"reconciled,omitempty"`
	// Resent counts re-sends after an answer was lost.
	Resent int `json:"resent,omitempty"`
	// Resumed is true when an earlier run had already uploaded the chunk (from the journal).
	Resumed bool `json:"resumed,omitempty"`
}

// WriteJSON writes r as indented JSON.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// RejectedWriter writes rejected rows as CSV a user can fix in a spreadsheet and import again:
// the row's original cells under the original header, then error_row, error_column, error_code
// and error_message. Cells a spreadsheet would run as a formula are neutralized (see Neutralize).
type RejectedWriter struct {
	w      *csv.Writer
	header []string
	rec    []string
	wrote  bool
}

// NewRejectedWriter returns a RejectedWriter writing to w.
func NewRejectedWriter(w io.Writer) *RejectedWriter {
	return &RejectedWriter{w: csv.NewWriter(w)}
}

// Write writes one rejected row (and the header row before the first).
func (rw *RejectedWriter) Write(r Rejected) error {
	if !rw.wrote {
		rw.wrote = true
		rw.header = r.Header
		h := make([]string, 0, len(r.Header)+4)
		for _, c := range r.Header {
			h = append(h, Neutralize(c))
		}
		if err := rw.w.Write(append(h, "error_row", "error_column", "error_code", "error_message")); err != nil {
			return err
		}
	}
	rec := rw.rec[:0]
	for i := range rw.header {
		v := ""
		if i < len(r.Raw) {
			v = r.Raw[i]
		}
		rec = append(rec, Neutralize(v))
	}
	msg := ""
	if r.Err.Err != nil {
		msg = r.Err.Err.Error()
	}
	rec = append(rec, strconv.Itoa(r.Err.Row), Neutralize(r.Err.Column), r.Err.Code, Neutralize(msg))
	rw.rec = rec
	return rw.w.Write(rec)
}

// Flush writes any buffered data and reports a write error.
func (rw *RejectedWriter) Flush() error {
	rw.w.Flush()
	return rw.w.Error()
}

// DuplicatesWriter writes duplicate rows as CSV: row,duplicate_of_row,column,value.
type DuplicatesWriter struct {
	w     *csv.Writer
	wrote bool
}

// NewDuplicatesWriter returns a DuplicatesWriter writing to w; the header is written at once.
func NewDuplicatesWriter(w io.Writer) *DuplicatesWriter {
	return &DuplicatesWriter{w: csv.NewWriter(w)}
}

// Write writes one duplicate (and the header row before the first).
func (dw *DuplicatesWriter) Write(d Duplicate) error {
	if err := dw.header(); err != nil {
		return err
	}
	return dw.w.Write([]string{strconv.Itoa(d.Row), strconv.Itoa(d.DuplicateOf), Neutralize(d.Column), Neutralize(d.Value)})
}

func (dw *DuplicatesWriter) header() error {
	if dw.wrote {
		return nil
	}
	dw.wrote = true
	return dw.w.Write([]string{"row", "duplicate_of_row", "column", "value"})
}

// Flush writes the header if nothing was written, any buffered data, and reports a write error.
func (dw *DuplicatesWriter) Flush() error {
	if err := dw.header(); err != nil {
		return err
	}
	dw.w.Flush()
	return dw.w.Error()
}

// Neutralize makes a cell safe to open in a spreadsheet: text that would run as a formula (it
// starts with '=', '@', a tab or a carriage return, or with '+' or '-' followed by something other
// than a phone-like run of digits, spaces, dots, dashes and parentheses) gets a leading
// apostrophe, which spreadsheets show as text. It is used for human-facing files only, never for
// chunks.
func Neutralize(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s
	case '+', '-':
		if strings.Trim(s[1:], "0123456789 .-()") != "" {
			return "'" + s
		}
	}
	return s
}
