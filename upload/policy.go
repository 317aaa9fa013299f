package upload

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults applied to zero fields of RetryPolicy and PollPolicy.
const (
	DefaultMaxAttempts    = 6
	DefaultBaseDelay      = 500 * time.Millisecond
	DefaultMaxDelay       = 30 * time.Second
	DefaultMaxRetryAfter  = 2 * time.Minute
	DefaultRetryBudget    = 500
	DefaultRequestTimeout = 2 * time.Minute
	DefaultPollInitial    = time.Second
	DefaultPollMax        = 30 * time.Second
	DefaultPollTimeout    = 30 * time.Minute
)

// RetryPolicy says which failed requests are tried again and how long to wait in between. The zero
// value is useful: 6 attempts, full-jitter exponential backoff from 500ms capped at 30s, Retry-After
// honoured up to 2 minutes, a budget of 500 retries for the whole run.
//
// Retried: connection errors, timeouts, 429 and 5xx answers (CheckRetry decides). A request that was
// sent and got no answer is ambiguous: the 8x8 uploader first looks for the batch it may have
// created (see EightByEight) before sending the file again.
type RetryPolicy struct {
	// MaxAttempts is the most requests made for one operation (first try included).
	MaxAttempts int
	// BaseDelay and MaxDelay bound the backoff: attempt n waits a random time in
	// [0, min(MaxDelay, BaseDelay·2^(n-1))] ("full jitter").
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter caps a server's Retry-After. A longer one fails the operation with
	// ErrRetryAfterTooLong instead of waiting.
	MaxRetryAfter time.Duration
	// Budget is the retry budget shared by every operation of the run. Nil gives each Client or
	// uploader its own budget of DefaultRetryBudget retries.
	Budget *RetryBudget
	// CheckRetry decides whether an attempt's outcome is worth another try: status is the HTTP
	// status (0 when err is a transport error). Nil means DefaultCheckRetry.
	CheckRetry func(status int, err error) bool
	// Backoff returns how long to wait before attempt+1 (attempt counts from 1). Nil means
	// FullJitter with BaseDelay and MaxDelay.
	Backoff func(attempt int, base, max time.Duration) time.Duration
}

// withDefaults fills zero fields.
func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = DefaultMaxRetryAfter
	}
	if p.Budget == nil {
		p.Budget = NewRetryBudget(DefaultRetryBudget)
	}
	if p.CheckRetry == nil {
		p.CheckRetry = DefaultCheckRetry
	}
	if p.Backoff == nil {
		p.Backoff = FullJitter
	}
	return p
}

// DefaultCheckRetry retries transport errors (except cancellation of the caller's context), 429
// and every 5xx but 501 Not Implemented.
func DefaultCheckRetry(status int, err error) bool {
	if err != nil {
		return !errors.Is(err, context.Canceled)
	}
	return status == http.StatusTooManyRequests || (status >= 500 && status != http.StatusNotImplemented)
}

// FullJitter is the "full jitter" exponential backoff: a uniformly random delay in
// [0, min(max, base·2^(attempt-1))].
func FullJitter(attempt int, base, max time.Duration) time.Duration {
	ceil := max
	if attempt < 1 {
		attempt = 1
	}
	if attempt < 32 {
		if d := base << (attempt - 1); d > 0 && d < max {
			ceil = d
		}
	}
	if ceil <= 0 {
		return 0
	}
	return rand.N(ceil + 1)
}

// RetryBudget is a run-wide allowance of retries shared by every chunk, so that a broken target
// fails the import in bounded time instead of each chunk retrying to its limit. Safe for concurrent
// use.
type RetryBudget struct {
	mu   sync.Mutex
	left int
}

// NewRetryBudget returns a budget of n retries.
func NewRetryBudget(n int) *RetryBudget { return &RetryBudget{left: n} }

// Take spends one retry; it reports false when none is left.
func (b *RetryBudget) Take() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.left <= 0 {
		return false
	}
	b.left--
	return true
}

// Remaining returns the retries left.
func (b *RetryBudget) Remaining() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.left
}

// PollPolicy says how a batch is followed to its terminal status: waits growing from Initial to Max
// (doubling, with jitter), for at most Timeout in all. The zero value polls after 1s, 2s, 4s, … up to
// every 30s, for at most 30 minutes. A batch whose status answers carry no status three times in a
// row is not polled further: its chunk is in doubt.
type PollPolicy struct {
	// Initial is the first wait after submission.
	Initial time.Duration
	// Max caps the wait between two polls.
	Max time.Duration
	// Timeout caps the total time spent following one batch (default 30 minutes); past it the
	// chunk is reported with ErrPollTimeout (and ErrInDoubt) and InDoubt set: the batch may still
	// complete. It also bounds reading the completed batch's invalid-rows file, counted from the
	// same start: past it the refused rows are counted but not located (Result.Unmatched), or,
	// when the batch gave no counts, the chunk is in doubt.
	Timeout time.Duration
}

func (p PollPolicy) withDefaults() PollPolicy {
	if p.Initial <= 0 {
		p.Initial = DefaultPollInitial
	}
	if p.Max <= 0 {
		p.Max = DefaultPollMax
	}
	if p.Timeout <= 0 {
		p.Timeout = DefaultPollTimeout
	}
	return p
}

// ParseRetryAfter reads a Retry-After header value: delay-seconds or an HTTP date (relative to
// now). It reports false when the value is absent or malformed; a date in the past gives 0.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > int64(365*24*3600) {
			n = 365 * 24 * 3600
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d < 0 {
		d = 0
	}
	return d, true
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
