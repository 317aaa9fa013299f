package contactpipe_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/dedupe"
	"github.com/contactpipe/contactpipe/dedupe/redisdedupe"
	"github.com/contactpipe/contactpipe/internal/redistest"
)

// slowConcurrent is a dedupe.Concurrent Deduper kept in a real dedupe.Set, whose ClaimBatch first
// waits as a server's round trip would, so that an import keeps several batches in flight. It
// records how many were in flight at once and whether two of them ever shared an address.
type slowConcurrent struct {
	set  *dedupe.Set
	wait time.Duration

	mu        sync.Mutex
	inFlight  map[int][]string // batch → its addresses
	next      int
	most      int // batches in flight at once, at most
	conflicts int // batches that shared an address with one in flight (must not happen)
}

func (d *slowConcurrent) ConcurrentBatches() int { return 3 }
func (d *slowConcurrent) Close() error           { return d.set.Close() }

func (d *slowConcurrent) ClaimBatch(ctx context.Context, claims []dedupe.Claim, results []dedupe.Result) error {
	var addrs []string
	for _, c := range claims {
		for _, a := range c.Addrs {
			addrs = append(addrs, a.Kind+" "+a.Canonical())
		}
	}
	d.mu.Lock()
	id := d.next
	d.next++
	for _, other := range d.inFlight {
		if slices.ContainsFunc(addrs, func(a string) bool { return slices.Contains(other, a) }) {
			d.conflicts++
		}
	}
	d.inFlight[id] = addrs
	d.most = max(d.most, len(d.inFlight))
	d.mu.Unlock()
	select {
	case <-time.After(d.wait):
	case <-ctx.Done():
		return ctx.Err()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.inFlight, id)
	return d.set.ClaimBatch(ctx, claims, results)
}

// nearDuplicates is a CSV of n rows in which every seventh row repeats the phone of the row 600
// rows before it (in the batch before, most often) and every eleventh the email of the row 3
// before it, so that consecutive batches share addresses often.
func nearDuplicates(n int) []byte {
	var b bytes.Buffer
	b.WriteString("phone,email\n")
	for r := range n {
		p, e := r, r
		if r%7 == 6 && r >= 600 {
			p = r - 600
		}
		if r%11 == 10 {
			e = r - 3
		}
		fmt.Fprintf(&b, "+44 7911 %06d,u%d@x.example\n", p, e)
	}
	return b.Bytes()
}

// outcomes imports data with cfg and returns, per row, what became of it.
func outcomes(t *testing.T, data []byte, cfg contactpipe.Config) []string {
	t.Helper()
	var out []string
	for o, err := range contactpipe.Contacts(context.Background(), bytes.NewReader(data), cfg) {
		require.NoError(t, err)
		switch {
		case o.Duplicate != nil:
			out = append(out, fmt.Sprintf("%d dup of %d (%s)", o.Row, o.Duplicate.DuplicateOf, o.Duplicate.Column))
		case o.Err != nil:
			out = append(out, fmt.Sprintf("%d rejected %s", o.Row, o.Err.Code))
		default:
			out = append(out, fmt.Sprintf("%d accepted", o.Row))
		}
	}
	return out
}

// TestConcurrentDeduperSameOutcome: a dedupe.Concurrent Deduper gets several batches at once, but
// never two sharing an address, and every row ends as it does with the in-memory Set claiming
// one batch after another.
func TestConcurrentDeduperSameOutcome(t *testing.T) {
	defer goleak.VerifyNone(t)
	data := nearDuplicates(20_000)
	want := outcomes(t, data, contactpipe.Config{})
	d := &slowConcurrent{set: dedupe.New(), wait: 2 * time.Millisecond, inFlight: map[int][]string{}}
	got := outcomes(t, data, contactpipe.Config{Deduper: d})
	require.NoError(t, d.Close())
	assert.Equal(t, want, got)
	assert.Zero(t, d.conflicts, "batches sharing an address were claimed at once")
	assert.Greater(t, d.most, 1, "the batches were claimed one at a time")
	assert.LessOrEqual(t, d.most, 3)
	dups := 0
	for _, o := range want {
		if bytes.Contains([]byte(o), []byte("dup of")) {
			dups++
		}
	}
	assert.Greater(t, dups, 3000, "the file must have many duplicates")
}

// TestRedisDeduperSameOutcome: the Redis deduper, claiming batches concurrently on a real
// redis-server, ends every row of a file whose consecutive batches share addresses as the
// in-memory Set does.
func TestRedisDeduperSameOutcome(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	data := nearDuplicates(20_000)
	want := outcomes(t, data, contactpipe.Config{})
	d, err := redisdedupe.Open(context.Background(), srv.URL(0), redisdedupe.Options{Job: "same-outcome", Source: "near.csv"})
	require.NoError(t, err)
	got := outcomes(t, data, contactpipe.Config{Deduper: d})
	require.NoError(t, d.Close())
	assert.Equal(t, want, got)
}
