package upload

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMatchInvalidRowsMemory: matching a batch's invalid-rows file indexes the chunk as it reads
// it, by key hashes rather than key text, and a hostile file of 300,000 records costs no more than a few allocations each. Issue 13
// bounds what a server can make us hold; before, the chunk was read whole into [][]string next to
// its index, and every invalid record allocated its keys (a 100k-row chunk with one refused row
// peaked at 56 MB RSS against 30 MB for the same import with none).
func TestMatchInvalidRowsMemory(t *testing.T) {
	const rows = 50_000
	var chunk strings.Builder
	chunk.WriteString("msisdn,firstName,email\n")
	for i := range rows {
		fmt.Fprintf(&chunk, "+6591%06d,Name%d,p%d@example.com\n", i, i, i)
	}
	p := writeFile(t, t.TempDir(), "c.csv", chunk.String())
	measure := func(invalid []byte) (alloc, mallocs uint64, rej []ServerRejection, unmatched int) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rej, unmatched, err := matchInvalidRows(p, bytes.NewReader(invalid))
		runtime.ReadMemStats(&after)
		require.NoError(t, err)
		return after.TotalAlloc - before.TotalAlloc, after.Mallocs - before.Mallocs, rej, unmatched
	}

	one := []byte("msisdn,firstName,email,errorMessage\n+6591000007,Name7,p7@example.com,refused\n")
	alloc, _, rej, _ := measure(one)
	require.Equal(t, []ServerRejection{{Line: 8, Message: "refused"}}, rej)
	// Reading the rows and three indexes of 64-bit key hashes (full row, msisdn, email): about 5x
	// the chunk in all. Holding the chunk as [][]string beside indexes keyed by the text took 21x,
	// and those indexes alone 13x.
	assert.Less(t, alloc, uint64(6*chunk.Len()), "the chunk is indexed, not also held as [][]string (%d bytes allocated for a %d-byte chunk)", alloc, chunk.Len())

	hostile := append([]byte("msisdn,firstName,email,errorMessage\n"), bytes.Repeat([]byte("+6591999999,x,nobody@example.com,refused\n"), 300_000)...)
	_, base, _, _ := measure(one)
	_, mallocs, rej, unmatched := measure(hostile)
	assert.Empty(t, rej)
	assert.Equal(t, 300_000, unmatched)
	assert.Less(t, mallocs-base, uint64(600_000), "at most 2 allocations per invalid record (%d for 300k)", mallocs-base)
}
