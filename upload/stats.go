package upload

import "sync/atomic"

// Stats counts what the API uploaders and clients did over a run. Share one *Stats between the
// uploader and a Client to get run-wide figures. Safe for concurrent use; the zero value is ready.
type Stats struct {
	requests   atomic.Int64
	faults     atomic.Int64
	retries    atomic.Int64
	ambiguous  atomic.Int64
	reconciled atomic.Int64
	resent     atomic.Int64
	splits     atomic.Int64
	polls      atomic.Int64
	resumed    atomic.Int64
}

// StatsSnapshot is a copy of Stats at one moment.
type StatsSnapshot struct {
	// Requests is the number of HTTP requests made.
	Requests int64 `json:"requests"`
	// Faults is the number of attempts that failed in a way worth retrying: connection errors,
	// timeouts, 429 and 5xx answers.
	Faults int64 `json:"faults"`
	// Retries is the number of attempts made after a fault (each one spends the retry budget).
	Retries int64 `json:"retries"`
	// Ambiguous is the number of attempts that were sent but got no usable answer, so that the
	// request may or may not have taken effect.
	Ambiguous int64 `json:"ambiguous"`
	// Reconciled is the number of ambiguous or in-doubt uploads that reconciliation found had landed
	// (so they were not sent again).
	Reconciled int64 `json:"reconciled"`
	// Resent is the number of uploads sent again after an ambiguous failure: for 8x8 only when
	// reconciliation proved the first one had not landed; for Kore.ai always (it refuses phones it
	// already has).
	Resent int64 `json:"resent"`
	// Splits is the number of chunks split in two because the target found them too large.
	Splits int64 `json:"splits"`
	// Polls is the number of batch status requests made while following batches.
	Polls int64 `json:"polls"`
	// Resumed is the number of chunks a journal skipped because an earlier run had landed them.
	Resumed int64 `json:"resumed"`
}

// Snapshot returns the current counts. A nil *Stats gives zeros.
func (s *Stats) Snapshot() StatsSnapshot {
	if s == nil {
		return StatsSnapshot{}
	}
	return StatsSnapshot{
		Requests:   s.requests.Load(),
		Faults:     s.faults.Load(),
		Retries:    s.retries.Load(),
		Ambiguous:  s.ambiguous.Load(),
		Reconciled: s.reconciled.Load(),
		Resent:     s.resent.Load(),
		Splits:     s.splits.Load(),
		Polls:      s.polls.Load(),
		Resumed:    s.resumed.Load(),
	}
}
