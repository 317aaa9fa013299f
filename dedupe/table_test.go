package dedupe

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkOrdered checks a shard's invariants: occupied slots in increasing key order, each at or
// after its first slot with no empty slot between, and n keys in all.
func checkOrdered(t *testing.T, sh *shard) {
	t.Helper()
	n, last := 0, -1
	for i := range sh.slots {
		sl := &sh.slots[i]
		if sl[3] == 0 {
			continue
		}
		n++
		if last >= 0 {
			require.True(t, before(&sh.slots[last], sl), "slot %d is not after slot %d", i, last)
		}
		h := sh.home(sl.k0())
		require.LessOrEqual(t, h, i, "slot %d holds a key whose first slot is %d", i, h)
		for j := h; j < i; j++ {
			require.NotZero(t, sh.slots[j][3], "empty slot %d between a key's first slot %d and its slot %d", j, h, i)
		}
		last = i
	}
	require.Equal(t, sh.n, n)
}

func TestTableOrdered(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	s := New()
	defer s.Close()
	var in []key
	for i := range 60_000 {
		k := key{rng.Uint64(), rng.Uint64()}
		if i%7 == 0 && len(in) > 0 { // same first half, another second half
			k[0] = in[rng.IntN(len(in))][0]
		}
		if s.lookup(k) != 0 {
			continue
		}
		s.insert(k, uint32(i+1))
		in = append(in, k)
	}
	for i := range s.shards {
		checkOrdered(t, &s.shards[i])
	}
	for i, k := range in {
		assert.NotZero(t, s.lookup(k), "key %d lost", i)
	}
	for range 10_000 {
		k := key{rng.Uint64(), rng.Uint64()}
		assert.Zero(t, s.lookup(k))
		k[0] = in[rng.IntN(len(in))][0]
		k[1] ^= 1 // a first half in the set, another second half
		assert.Zero(t, s.lookup(k))
	}
}

// TestTableTail fills one shard with keys that all have the last first slot, so that the cluster
// runs past the end of the table again and again: the table must make room, not lose a key or
// loop.
func TestTableTail(t *testing.T) {
	s := New()
	defer s.Close()
	const n = 500
	for i := range n {
		k := key{0x42<<56 | (1<<56 - 1 - uint64(i)), uint64(i)}
		require.Zero(t, s.lookup(k))
		s.insert(k, uint32(i+1))
	}
	sh := &s.shards[0x42]
	checkOrdered(t, sh)
	assert.Equal(t, n, sh.n)
	for i := range n {
		k := key{0x42<<56 | (1<<56 - 1 - uint64(i)), uint64(i)}
		assert.Equal(t, uint32(i+1), s.lookup(k))
	}
}
