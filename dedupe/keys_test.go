package dedupe_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/contactpipe/contactpipe/dedupe"
)

// TestClaimKeysSameAsClaim: claiming pre-hashed keys (with or without a Prefetch first) decides
// exactly as Claim does.
func TestClaimKeysSameAsClaim(t *testing.T) {
	a, k := dedupe.New(), dedupe.New()
	defer a.Close()
	defer k.Close()
	for row := 1; row <= 20_000; row++ {
		addrs := []dedupe.Address{{Kind: "msisdn", Value: "+1" + strconv.Itoa(row%7000)}, {Kind: "email", Value: "U" + strconv.Itoa(row%9000) + "@x"}}
		if row%5 == 0 {
			addrs = addrs[1:]
		}
		keys := make([]dedupe.Key, len(addrs))
		for i, ad := range addrs {
			keys[i] = k.Key(ad)
		}
		if row%3 == 0 {
			k.Prefetch(keys)
		}
		m, dup := a.Claim(row, addrs)
		i, first, kdup := k.ClaimKeys(row, keys)
		assert.Equal(t, dup, kdup, "row %d", row)
		if dup {
			assert.Equal(t, m.Row, first, "row %d", row)
			assert.Equal(t, m.Address, addrs[i], "row %d", row)
		}
	}
	assert.Equal(t, a.Len(), k.Len())
}

// BenchmarkClaimKeys is what the pipeline's collector pays per address of a batch of 1,024 new
// addresses claimed in a set already holding 2M: with Claim (hashing included), with ClaimBatch
// (hashing included, slots touched first), with keys hashed beforehand (the workers hash them),
// and with a Prefetch of the batch's slots first.
func BenchmarkClaimKeys(b *testing.B) {
	const batch = 1024
	for _, mode := range []string{"claim", "claimbatch", "keys", "keys+prefetch"} {
		b.Run(mode, func(b *testing.B) {
			s := dedupe.New()
			defer s.Close()
			for i := range 2_000_000 {
				s.Claim(i+1, []dedupe.Address{{Kind: "msisdn", Value: "+4" + strconv.Itoa(i)}})
			}
			addrs := make([]dedupe.Address, batch)
			keys := make([]dedupe.Key, batch)
			claims := make([]dedupe.Claim, batch)
			results := make([]dedupe.Result, batch)
			next := 10_000_000
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				for j := range addrs {
					next++
					addrs[j] = dedupe.Address{Kind: "msisdn", Value: "+4" + strconv.Itoa(next)}
					keys[j] = s.Key(addrs[j])
				}
				b.StartTimer()
				switch mode {
				case "claim":
					for j := range addrs {
						s.Claim(next+j, addrs[j:j+1])
					}
				case "claimbatch":
					for j := range addrs {
						claims[j] = dedupe.Claim{Row: next + j, Addrs: addrs[j : j+1]}
					}
					s.ClaimBatch(context.Background(), claims, results)
				case "keys+prefetch":
					s.Prefetch(keys)
					fallthrough
				case "keys":
					for j := range keys {
						s.ClaimKeys(next+j, keys[j:j+1])
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*batch), "ns/address")
		})
	}
}
