// Package upload hands finished chunk files to their destination: a directory (Dir), or a contacts API
// as a batch. Every destination implements Uploader, so the pipeline does not know which one it feeds.
//
// An Uploader is called from several goroutines at once (one per chunk in flight); implementations
// must be safe for concurrent use.
package upload

import (
	"context"
	"errors"
	"fmt"
	"reflect"
)

// ErrStopImport is wrapped by upload errors after which no further chunk can succeed (a rejected
// API key, for instance). The pipeline stops the whole import on them; any other upload error fails
// only its chunk.
var ErrStopImport = errors.New("upload cannot continue")

// Chunk is one finished chunk file, ready to upload.
type Chunk struct {
	// Index is the chunk's 1-based position in the import, in row order.
	Index int
	// Path is the chunk file. The uploader may move or remove it; after Upload returns the
	// pipeline does not touch it again.
	Path string
	// Header is the chunk's header row (the CSV's column names).
	Header []string
	// Rows is the number of data rows in the chunk (header excluded).
	Rows int
	// Bytes is the chunk file's size, header included.
	Bytes int64
	// SHA256 is the hex SHA-256 of the chunk file's content.
	SHA256 string
	// Groups are the contact group ids the chunk's contacts are added to (≤ 10; may be empty).
	Groups []int
}

// Result is what became of one chunk.
type Result struct {
	// Target names the destination kind ("dir", "8x8", "koreai").
	Target string
	// File is where the chunk now is: a path for Dir, the uploaded file name for an API.
	File string
	// BatchID is the API's batch id, when the target has batches.
	BatchID string
	// Status is the final status known for the chunk (for Dir "written"; for 8x8 the batch status).
	Status string
	// Attempts is the number of requests it took (0 for Dir).
	Attempts int
	// InDoubt is true when a request was sent but no answer came back and reconciliation could not
	// tell whether it landed.
	InDoubt bool
	// Landed is the number of the chunk's rows the target confirms it holds (Rows for Dir).
	Landed int
	// ServerRejected lists rows the target refused, by their 1-based position among the chunk's data
	// rows, with the target's reason.
	ServerRejected []ServerRejection

	// BatchIDs lists every batch created for the chunk: one, or more when the chunk was split
	// (BatchID is then the first).
	BatchIDs []string
	// Counts are the server's result counts (summed over the batches of a split chunk); nil when
	// the server gave none.
	Counts *BatchCounts
	// Unmatched is the number of rows the target refused that could not be matched to a chunk line:
	// they are neither in ServerRejected nor in Landed.
	Unmatched int
	// Splits is how many times the chunk, or part of it, was split in two for being too large.
	Splits int
	// Reconciled is true when an upload whose answer was lost was found to have landed (by listing
	// the target's batches) instead of being sent again.
	Reconciled bool
	// Resent is how many times the chunk was sent again after an ambiguous failure (request sent,
	// no answer).
	Resent int
	// Resumed is true when a journal skipped the chunk because an earlier run had landed it; the
	// other fields are that run's.
	Resumed bool
}

// ServerRejection is one chunk row the target refused.
type ServerRejection struct {
	// Line is the 1-based data row within the chunk (header excluded).
	Line int
	// Message is the target's reason, as it gave it.
	Message string
}

// Uploader delivers chunks to one destination.
type Uploader interface {
	// Upload delivers c and reports what became of it. An error means the chunk did not land (or it
	// is unknown whether it did: then the Result has InDoubt set). Upload must return promptly when ctx
	// is cancelled.
	Upload(ctx context.Context, c Chunk) (Result, error)
}

// Columner is implemented by uploaders whose chunks need their own columns instead of the canonical
// contact fields (Kore.ai wants cellPhoneNumber, cellPhoneCountryCode, …).
type Columner interface {
	// Columns lists the chunk's header row. Names are the canonical field names ("msisdn", "firstName",
	// …, "salutation") or the derived "cellPhoneNumber", "cellPhoneCountryCode", "cellPhoneExtension".
	Columns() []string
	// Required lists fields a row must have to be sent to this target (e.g. "msisdn" for Kore.ai).
	Required() []string
}

// Validator is implemented by uploaders that can check their configuration without making a
// request (EightByEight, KoreAI, Dir, Journaled). Callers check it before reading any input, so
// that a bad account id or a missing directory is reported before the first row is processed.
// Errors match ErrInvalidConfig.
type Validator interface {
	Validate() error
}

// Check reports whether u can be used: it is not nil, not a typed nil (a nil *EightByEight in an
// Uploader, whose methods would panic), and its Validate, when it is a Validator, passes. Errors
// match ErrInvalidConfig. A panic inside Validate is returned as an error.
func Check(u Uploader) (err error) {
	if u == nil {
		return configError("no uploader")
	}
	switch v := reflect.ValueOf(u); v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		if v.IsNil() {
			return configError("uploader is a nil %T", u)
		}
	}
	val, ok := u.(Validator)
	if !ok {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = configError("validating the %T uploader panicked: %v", u, r)
		}
	}()
	if err := val.Validate(); err != nil {
		if errors.Is(err, ErrInvalidConfig) {
			return err
		}
		return &stopError{fmt.Errorf("%w: %w", ErrInvalidConfig, err)}
	}
	return nil
}
