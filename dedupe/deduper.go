package dedupe

import "context"

// Deduper decides, row by row in row order, which rows are duplicates: the first row to claim an
// address wins. The in-memory Set is the default; a shared store (see package
// dedupe/redisdedupe) lets many processes importing into one account dedupe across each other.
//
// ClaimBatch claims the addresses of each claim in order, as if Claim were called for each: a
// claim whose addresses include one already claimed (by an earlier claim of the same batch, an
// earlier batch, or — for a shared store — another process) is a duplicate, and claims nothing.
// results must have the length of claims; results[i] says what became of claims[i]. An error
// means the outcome of the whole batch is unknown: the caller must stop and must not count the
// batch's rows.
type Deduper interface {
	ClaimBatch(ctx context.Context, claims []Claim, results []Result) error
	Close() error
}

// Claim is one row's addresses.
type Claim struct {
	Row   int       // the row (≥ 1), as a spreadsheet shows it
	Addrs []Address // the row's non-empty addresses
}

// Result is what became of a Claim.
type Result struct {
	Dup   bool  // the row is a duplicate
	Match Match // when Dup: which earlier row holds the address
}

// ClaimBatch claims each claim in order, as Claim does. It never fails.
func (s *Set) ClaimBatch(_ context.Context, claims []Claim, results []Result) error {
	s.claimBatch(claims, results)
	return nil
}

var _ Deduper = (*Set)(nil)

// Concurrent is implemented by a Deduper whose ClaimBatch waits on a server and is safe for
// concurrent use. An import then keeps up to ConcurrentBatches batches claiming at once, so that
// one batch's wait overlaps the next one's work — but only batches that share no address, so
// that no claim depends on another still in flight: each row's outcome is the one it would have
// if the batches were claimed one after another, in row order.
type Concurrent interface {
	Deduper
	ConcurrentBatches() int
}
