package upload

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors callers branch on with errors.Is. The typed errors below wrap them.
var (
	// ErrUnauthorized means the target refused our credentials (HTTP 401 or 403). It is fatal for the
	// whole import: every other chunk would be refused the same way, so errors matching it also
	// match ErrStopImport.
	ErrUnauthorized = errors.New("upload: credentials refused")
	// ErrFileTooLarge means the target refused a chunk file for its size (HTTP 413 or the API's
	// file-size error). The uploaders split such a chunk in two; it surfaces only for a chunk of a
	// single row.
	ErrFileTooLarge = errors.New("upload: file too large")
	// ErrRateLimited means the target answered 429 Too Many Requests.
	ErrRateLimited = errors.New("upload: rate limited")
	// ErrRetryAfterTooLong means the server asked us to wait longer than RetryPolicy.MaxRetryAfter;
	// the chunk fails instead of parking the import.
	ErrRetryAfterTooLong = errors.New("upload: server asked to retry later than the cap allows")
	// ErrRetryBudgetExhausted means the run-wide retry budget is spent; the chunk fails with the
	// last error it saw.
	ErrRetryBudgetExhausted = errors.New("upload: retry budget exhausted")
	// ErrInDoubt means a request was sent but no answer came back, and reconciliation could not tell
	// whether the chunk landed. The Result has InDoubt set; a rerun with the journal reconciles it.
	ErrInDoubt = errors.New("upload: chunk in doubt")
	// ErrBatchFailed means the target accepted the chunk as a batch that then ended in a terminal
	// status other than completed (failed, stopped, timeout).
	ErrBatchFailed = errors.New("upload: batch did not complete")
	// ErrPollTimeout means the batch did not reach a terminal status within PollPolicy.Timeout.
	ErrPollTimeout = errors.New("upload: batch still running when polling gave up")
	// ErrInsecureURL means a URL is not HTTPS and not a loopback address.
	ErrInsecureURL = errors.New("upload: https required")
	// ErrInvalidConfig means an uploader's or client's configuration is unusable (bad account id,
	// too many groups, missing key, plain-http URL…). It is reported before any request is made, and
	// errors matching it also match ErrStopImport.
	ErrInvalidConfig = errors.New("upload: invalid configuration")
	// ErrRedirect means the server answered with a redirect, which is never followed: Go forwards
	// some headers on redirects, and a contacts API has no reason to redirect an upload.
	ErrRedirect = errors.New("upload: redirect not followed")
	// ErrJournalMismatch means a journal in the output directory belongs to another import (another
	// source file or other settings). See JournalMismatchError.
	ErrJournalMismatch = errors.New("upload: journal belongs to another import")
)

// APIError is a non-2xx answer from a target API, decoded from its error body
// ({"code","message","errorId","timestamp"} for 8x8). At most 64 KiB of the body is read.
//
// errors.Is(err, ErrUnauthorized) holds for 401 and 403, ErrFileTooLarge for 413 (or the API's file
// size error), ErrRateLimited for 429, ErrRedirect for 3xx.
type APIError struct {
	// Target names the API ("8x8", "koreai").
	Target string
	// Op says what was being done ("create batch", "batch status", …).
	Op string
	// Status is the HTTP status code.
	Status int
	// Code is the API's error code (0 when the body had none).
	Code int
	// Message is the API's error description (or a short excerpt of a non-JSON body).
	Message string
	// ErrorID is the API's unique error id, useful in support enquiries.
	ErrorID string
	// Timestamp is when the API says the error occurred (zero when absent or unparsable).
	Timestamp time.Time
	// RetryAfter is the delay the server asked for in a Retry-After header (0 when none).
	RetryAfter time.Duration
}

// Error describes the failure. For 401/403 it says the key was refused, never what the key is.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("upload: ")
	if e.Target != "" {
		b.WriteString(e.Target)
		b.WriteString(" ")
	}
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	switch {
	case e.Status == 401 || e.Status == 403:
		fmt.Fprintf(&b, "credentials refused (status %d): check that the api key or token is valid and allowed for this account", e.Status)
	case e.Status >= 300 && e.Status < 400:
		fmt.Fprintf(&b, "server redirected (status %d); redirects are not followed", e.Status)
	default:
		fmt.Fprintf(&b, "status %d", e.Status)
	}
	if e.Code != 0 {
		b.WriteString(", code ")
		b.WriteString(strconv.Itoa(e.Code))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.ErrorID != "" {
		b.WriteString(" [error id ")
		b.WriteString(e.ErrorID)
		b.WriteString("]")
	}
	return b.String()
}

// Is reports whether e matches one of the package's sentinel errors.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized, ErrStopImport:
		return e.Status == 401 || e.Status == 403
	case ErrFileTooLarge:
		return e.Status == 413 || (e.Status == 400 && looksLikeFileTooLarge(e.Message))
	case ErrRateLimited:
		return e.Status == 429
	case ErrRedirect:
		return e.Status >= 300 && e.Status < 400
	}
	return false
}

// looksLikeFileTooLarge recognises the API's file-size error when it comes as a plain 400.
func looksLikeFileTooLarge(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "file") && (strings.Contains(m, "too large") || strings.Contains(m, "too big") ||
		strings.Contains(m, "size") || strings.Contains(m, "exceed"))
}

// retryAfterError is returned when the server's Retry-After exceeds the cap.
type retryAfterError struct {
	api *APIError
	max time.Duration
}

func (e *retryAfterError) Error() string {
	return fmt.Sprintf("%s; giving up on this chunk: the wait exceeds the %s cap", e.api.Error(), e.max)
}

func (e *retryAfterError) Unwrap() []error { return []error{ErrRetryAfterTooLong, e.api} }

// BatchError reports a batch that ended in a terminal status other than completed.
type BatchError struct {
	// ID is the batch id.
	ID string
	// Status is the terminal status (failed, stopped, timeout).
	Status BatchStatus
}

// Error says which batch ended how.
func (e *BatchError) Error() string {
	return fmt.Sprintf("upload: batch %s ended with status %s", e.ID, e.Status)
}

// Unwrap returns ErrBatchFailed.
func (e *BatchError) Unwrap() error { return ErrBatchFailed }

// JournalMismatchError is returned when the journal in the output directory was written by an
// import of another source file or with other settings: resuming it would skip chunks that do not
// match. Delete the journal (start fresh) to import anyway.
type JournalMismatchError struct {
	// Path is the journal file.
	Path string
}

// Error says what to do.
func (e *JournalMismatchError) Error() string {
	return fmt.Sprintf("upload: journal %s belongs to another import (different source file or settings); start fresh to discard it", e.Path)
}

// Unwrap returns ErrJournalMismatch.
func (e *JournalMismatchError) Unwrap() error { return ErrJournalMismatch }

// configError wraps ErrInvalidConfig (and ErrStopImport: no chunk can succeed) with a reason.
func configError(format string, args ...any) error {
	return &stopError{fmt.Errorf("%w: %s", ErrInvalidConfig, fmt.Sprintf(format, args...))}
}

// stopError marks an error after which the import cannot continue.
type stopError struct{ err error }

func (e *stopError) Error() string   { return e.err.Error() }
func (e *stopError) Unwrap() []error { return []error{e.err, ErrStopImport} }
