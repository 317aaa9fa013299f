package contactpipe

import (
	"log/slog"
	"time"

	"github.com/contactpipe/contactpipe/dedupe"
	"github.com/contactpipe/contactpipe/upload"
)

// Config configures Import, ImportTo and Contacts. With only WorkDir set, Import reads a CSV,
// XLSX or XLS file with a header row (format, encoding and delimiter detected), rejects national
// numbers without a country, removes duplicates, and writes chunks of at most 29,000,000 bytes
// into WorkDir. Negative numbers are config errors (ErrConfig).
type Config struct {
	// Source names the input in the report (a file name); it is not opened.
	Source string

	// Format is "csv", "xlsx" or "xls"; "" detects it from the content.
	Format string
	// NoHeader says the file has no header row. Columns is then required.
	NoHeader bool
	// Columns (the API's fileColumns) names the field of each column in order: "msisdn",
	// "firstName", …; "" skips a column. With a header row it overrides the automatic mapping.
	Columns []string
	// Delimiter of a CSV file; 0 sniffs it among ',' ';' tab and '|'.
	Delimiter rune
	// Encoding of a text file ("utf-8", "utf-16le", "utf-16be", "windows-1252", "latin1"); ""
	// detects it.
	Encoding string
	// Sheet is the spreadsheet sheet to read; "" reads the first visible one.
	Sheet string
	// MaxRecordBytes limits one CSV record; 0 means 1 MiB. Larger records are rejected.
	MaxRecordBytes int
	// MaxFields limits the fields of one record; 0 means 1024.
	MaxFields int
	// ColumnMap maps source header names to fields ("Telefon" → "msisdn", "Notes" → "ignore");
	// it wins over the automatic mapping. See parse.Options.ColumnMap.
	ColumnMap map[string]string
	// StrictColumns refuses (ErrConfig, before any row) a file in which some column feeds nothing.
	StrictColumns bool
	// StrictCSV stops the import at the first quoted field that is never closed (an error naming
	// its row), as before; by default that line alone is rejected (malformed_csv) and the import
	// goes on. See parse.Options.StrictCSV.
	StrictCSV bool

	// DefaultCountry (ISO alpha-2) is the region national phone numbers are read in when the row
	// has no country of its own. "" means none: such numbers must be international.
	DefaultCountry string

	// InvalidField says what an invalid value does to a row that has a valid address:
	// InvalidFieldReject ("reject", the default, also "") rejects the row; InvalidFieldDrop
	// ("drop") accepts it without the value and hands the value to OnWarning. A row whose every
	// address is invalid is rejected either way.
	InvalidField string
	// OnWarning, if set, receives every value dropped under InvalidFieldDrop, in row order, for
	// accepted rows. It is never called concurrently with OnRejected or OnDuplicate.
	OnWarning func(Warning)

	// NoDedupe keeps rows that share an address with an earlier row.
	NoDedupe bool
	// Deduper decides which rows are duplicates; nil means a new in-memory dedupe.Set for each
	// import. A shared store (package dedupe/redisdedupe) dedupes across the imports and processes
	// that use it; Import does not close a Deduper it is given. Import dedupes only the kinds of
	// address its target receives (Kore.ai: the phone); Report.DedupeKeys lists them.
	Deduper dedupe.Deduper

	// MaxChunkBytes limits each chunk file, header included; 0 means 29,000,000 (under the API's
	// 30 MB limit).
	MaxChunkBytes int64
	// MaxChunkRows limits the rows of each chunk; 0 means no limit.
	MaxChunkRows int
	// Groups are the contact group ids (at most 10) contacts are added to.
	Groups []int

	// SinkRetry, if set, makes ImportTo try a Sink's failed Write again, as the API uploaders retry
	// a request: while CheckRetry(0, err) says so (nil: any error but a cancellation), at most
	// MaxAttempts tries, with the policy's backoff and its run-wide budget (zero fields take
	// upload's defaults). An error wrapping upload.ErrStopImport is never retried.
	SinkRetry *upload.RetryPolicy

	// DryRun does everything but write chunk files and upload them: the Report counts every row as
	// a real run would and lists the chunks a real run would make (Status "dry-run", nothing
	// landed). The Uploader is consulted only for its columns (upload.Columner), not validated.
	DryRun bool

	// Uploader receives each finished chunk. nil means upload.Dir{Path: WorkDir} (WorkDir is then
	// required). An uploader with a method Validate() error is checked before the first row.
	Uploader upload.Uploader
	// UploadConcurrency is the number of chunks uploaded at once; 0 means 2.
	UploadConcurrency int
	// WorkDir is where each import makes a directory of its own (os.MkdirTemp) to build chunk
	// files in (mode 0600) before they are handed to the Uploader; the directory is removed at the
	// end. "" means TempDir. Put it on the same file system as a Dir uploader's path.
	WorkDir string
	// TempDir is where a spreadsheet read from a non-seekable stream is spooled, and where the
	// shared string table of a large XLSX workbook is kept (on Linux: an unlinked file, mapped, so
	// that it is page cache rather than the process's memory); "" means os.TempDir().
	TempDir string

	// Logger receives progress and diagnostics; nil discards them. No personal data is logged.
	Logger *slog.Logger
	// Progress, if set, is called now and then (at most every ProgressEvery), once when reading
	// ends (ReadTime set) and once at the end (Done set). It runs on a goroutine of its own, never concurrently with itself: a slow
	// callback does not slow the import, it only sees fewer snapshots (the latest wins). Rows
	// never goes backwards.
	Progress func(Progress)
	// ProgressEvery is the least time between Progress calls; 0 means 500ms.
	ProgressEvery time.Duration
	// OnRejected, if set, receives every rejected row in row order (rows refused by the server
	// after upload come later). It is never called concurrently.
	OnRejected func(Rejected)
	// OnDuplicate, if set, receives every duplicate row in row order. It is never called
	// concurrently with itself or OnRejected.
	OnDuplicate func(Duplicate)

	// allowNoAddress opens a file with no address column instead of refusing it (Inspect
	// previews such a file, then reports the refusal).
	allowNoAddress bool
}

// The values of Config.InvalidField.
const (
	InvalidFieldReject = "reject"
	InvalidFieldDrop   = "drop"
)

// Progress is a snapshot of a running import.
type Progress struct {
	Rows       int           // rows read so far
	Accepted   int           // rows written to chunks
	Rejected   int           // rows rejected
	Duplicates int           // duplicate rows
	BytesRead  int64         // input bytes consumed
	Elapsed    time.Duration // since Import started
	Done       bool          // the last call
	// TotalRows is the number of data rows the source declares (a spreadsheet's dimension),
	// 0 when unknown. A hint for a share and an ETA, never for accounting: Rows may end below
	// it (blank rows) or pass it (a writer that declares wrongly).
	TotalRows int
	// ReadTime is the time spent reading the source (and handing its rows on), set once it has
	// been read to its end (or reading stopped); 0 before. What follows is the wait on uploads.
	ReadTime time.Duration
}

// maxGroups is the API's limit on groups per batch.
const maxGroups = 10

// withDefaults returns c with every zero field that has a default filled in. It is the one place
// defaults are applied.
func (c Config) withDefaults() Config {
	if c.MaxChunkBytes == 0 {
		c.MaxChunkBytes = 29_000_000
	}
	if c.UploadConcurrency <= 0 {
		c.UploadConcurrency = 2
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.ProgressEvery == 0 {
		c.ProgressEvery = 500 * time.Millisecond
	}
	return c
}
