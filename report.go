package contactpipe

import (
	"encoding/json"
	"io"

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
	Error      string            `json:"error,omitempty"`
	Format     string            `json:"format"`
	Encoding   string            `json:"encoding,omitempty"`  // text encoding read ("utf-8", "windows-1252", …)
	Delimiter  string            `json:"delimiter,omitempty"` // CSV field delimiter
	Sheet      string            `json:"sheet,omitempty"`     // the spreadsheet sheet read (asked for, or the first visible one)
	DedupeKeys []string          `json:"dedupeKeys"`          // the address kinds deduped (those the target receives)
	Rows       int               `json:"rows"`
	Accepted   int               `json:"accepted"`
	Rejected   int               `json:"rejected"`
	Duplicates int               `json:"duplicates"`
	Warnings   int               `json:"warnings"` // values dropped from accepted rows (Config.InvalidField "drop")
	Landed     int               `json:"landed"`   // accepted rows the target confirms it holds
	Chunks     []ChunkReport     `json:"chunks"`
	Columns    map[string]string `json:"columns"` // source column → field
	// ColumnDetails says, per source column in file order, what it feeds and how that was decided
	// (method alias, map, content or columns), and why for an alternative, ignored or ambiguous
	// column.
	ColumnDetails []ColumnDetail `json:"columnDetails"`
	// SkippedRows are rows before the header row that were skipped (notes, titles).
	SkippedRows    []int          `json:"skippedRows,omitempty"`
	IgnoredColumns []string       `json:"ignoredColumns"` // source columns not imported
	RejectReasons  map[string]int `json:"rejectReasons"`  // code → rows
	DurationMs     int64          `json:"durationMs"`
}

// ColumnDetail is how one source column was used (see parse.ColumnInfo).
type ColumnDetail struct {
	Column string `json:"column"`
	Field  string `json:"field,omitempty"`
	Method string `json:"method,omitempty"` // "alias", "map", "content" or "columns"
	Status string `json:"status"`           // "mapped", "alternative", "ignored" or "ambiguous"
	Reason string `json:"reason,omitempty"`
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
