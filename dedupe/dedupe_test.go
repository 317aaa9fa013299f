package dedupe_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/dedupe"
)

func TestClaim(t *testing.T) {
	type step struct {
		row   int
		addrs []dedupe.Address
		dupOf int // 0 = not a duplicate
		kind  string
	}
	phone := func(v string) dedupe.Address { return dedupe.Address{Kind: "msisdn", Value: v} }
	email := func(v string) dedupe.Address { return dedupe.Address{Kind: "email", Value: v} }
	line := func(v string) dedupe.Address { return dedupe.Address{Kind: "lineId", Value: v} }
	tests := []struct {
		name  string
		steps []step
	}{
		{"distinct rows", []step{
			{2, []dedupe.Address{phone("+16511112222")}, 0, ""},
			{3, []dedupe.Address{phone("+16511112223")}, 0, ""},
		}},
		{"same phone", []step{
			{2, []dedupe.Address{phone("+16511112222")}, 0, ""},
			{3, []dedupe.Address{phone("+16511112222")}, 2, "msisdn"},
		}},
		{"email case-insensitive", []step{
			{2, []dedupe.Address{email("Ann@Example.com")}, 0, ""},
			{5, []dedupe.Address{phone("+16511112222"), email("ann@example.COM")}, 2, "email"},
		}},
		{"chat id case-sensitive", []step{
			{2, []dedupe.Address{line("Ann")}, 0, ""},
			{3, []dedupe.Address{line("ann")}, 0, ""},
		}},
		{"same value, different kinds are different addresses", []step{
			{2, []dedupe.Address{line("ann")}, 0, ""},
			{3, []dedupe.Address{{Kind: "zaloId", Value: "ann"}}, 0, ""},
			{4, []dedupe.Address{{Kind: "customId", Value: "ann"}}, 0, ""}, // a kind of no contact field
			{5, []dedupe.Address{{Kind: "otherId", Value: "ann"}}, 0, ""},
			{6, []dedupe.Address{{Kind: "customId", Value: "ann"}}, 4, "customId"},
			{7, []dedupe.Address{{Kind: "zaloId", Value: "ann"}}, 3, "zaloId"},
		}},
		{"any shared address; a duplicate claims nothing", []step{
			{2, []dedupe.Address{phone("+1"), email("a@x")}, 0, ""},
			{3, []dedupe.Address{phone("+2"), email("a@x")}, 2, "email"},
			{4, []dedupe.Address{phone("+2")}, 0, ""}, // row 3 was a duplicate, so +2 was not claimed
			{5, []dedupe.Address{email("b@x"), phone("+2")}, 4, "msisdn"},
		}},
		{"empty addresses ignored", []step{
			{2, []dedupe.Address{phone(""), email("a@x")}, 0, ""},
			{3, []dedupe.Address{phone(""), email("b@x")}, 0, ""},
		}},
		{"same address twice in one row", []step{
			{2, []dedupe.Address{email("a@x"), email("A@x")}, 0, ""},
			{3, []dedupe.Address{email("a@x")}, 2, "email"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dedupe.New()
			for _, st := range tt.steps {
				m, dup := s.Claim(st.row, st.addrs)
				assert.Equal(t, st.dupOf != 0, dup, "row %d", st.row)
				if st.dupOf != 0 {
					assert.Equal(t, st.dupOf, m.Row, "row %d", st.row)
					assert.Equal(t, st.kind, m.Address.Kind, "row %d", st.row)
				}
			}
		})
	}
}

func TestManyDistinctAddressesNoFalseDuplicates(t *testing.T) {
	s := dedupe.New()
	const n = 200_000
	for i := range n {
		_, dup := s.Claim(i+2, []dedupe.Address{{Kind: "msisdn", Value: "+1" + strconv.Itoa(6500000000+i)}})
		if dup {
			t.Fatalf("false duplicate at %d", i)
		}
	}
	assert.Equal(t, n, s.Len())
}

func BenchmarkClaim(b *testing.B) {
	const n = 1 << 20
	phones := make([]string, n)
	for i := range phones {
		phones[i] = "+1" + strconv.Itoa(6500000000+i)
	}
	s := dedupe.New()
	addrs := make([]dedupe.Address, 2)
	i := 0
	for b.Loop() {
		addrs[0] = dedupe.Address{Kind: "msisdn", Value: phones[i%n]}
		addrs[1] = dedupe.Address{Kind: "email", Value: phones[(i+7)%n]}
		s.Claim(i+1, addrs)
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func ExampleSet_Claim() {
	s := dedupe.New()
	s.Claim(2, []dedupe.Address{{Kind: "email", Value: "ann@example.com"}})
	m, dup := s.Claim(3, []dedupe.Address{{Kind: "email", Value: "ANN@example.com"}})
	fmt.Println(dup, m.Row, m.Address.Kind)
	// Output: true 2 email
}

func TestBytesPerAddress(t *testing.T) {
	s := dedupe.New()
	addr := make([]dedupe.Address, 1)
	for i := range 300_000 {
		addr[0] = dedupe.Address{Kind: "msisdn", Value: "+1" + strconv.Itoa(6500000000+i)}
		s.Claim(i+2, addr)
		if n := i + 1; n%50_000 == 0 {
			per := float64(s.Bytes()) / float64(n)
			// 16-byte slots between 53% and 80% full: 20 to 30 bytes.
			assert.LessOrEqual(t, per, 30.5, "bytes per address at %d addresses", n)
		}
	}
	// Every address is still found, with its row.
	for i := 0; i < 300_000; i += 997 {
		m, dup := s.Claim(1, []dedupe.Address{{Kind: "msisdn", Value: "+1" + strconv.Itoa(6500000000+i)}})
		assert.True(t, dup)
		assert.Equal(t, i+2, m.Row)
	}
}

func TestCloseReleases(t *testing.T) {
	s := dedupe.New()
	for i := range 10_000 {
		s.Claim(i+1, []dedupe.Address{{Kind: "email", Value: strconv.Itoa(i) + "@x.y"}})
	}
	assert.Positive(t, s.Bytes())
	s.Close()
	assert.Zero(t, s.Bytes())
	assert.Zero(t, s.Len())
}

// BenchmarkFill builds a set of 2,000,000 distinct addresses (1,000,000 rows of two), growth
// included, as an import of a 1M-row file does.
func BenchmarkFill(b *testing.B) {
	const rows = 1_000_000
	phones := make([]string, 2*rows)
	for i := range phones {
		phones[i] = "+1" + strconv.Itoa(6500000000+i)
	}
	addrs := make([]dedupe.Address, 2)
	for b.Loop() {
		s := dedupe.New()
		for i := range rows {
			addrs[0] = dedupe.Address{Kind: "msisdn", Value: phones[2*i]}
			addrs[1] = dedupe.Address{Kind: "email", Value: phones[2*i+1]}
			s.Claim(i+1, addrs)
		}
		s.Close()
	}
	b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkFillBatches is BenchmarkFill through the Deduper interface: 1,000,000 rows of two
// addresses in batches of 512, as an import claims them, next to the same rows claimed one by one.
func BenchmarkFillBatches(b *testing.B) {
	const rows, batch = 1_000_000, 512
	addrs := make([]dedupe.Address, 2*rows)
	for i := range addrs {
		kind := "msisdn"
		if i%2 == 1 {
			kind = "email"
		}
		addrs[i] = dedupe.Address{Kind: kind, Value: "+1" + strconv.Itoa(6500000000+i)}
	}
	claims := make([]dedupe.Claim, batch)
	results := make([]dedupe.Result, batch)
	for _, bc := range []struct {
		name  string
		claim func(s *dedupe.Set, claims []dedupe.Claim)
	}{
		{"per-row", func(s *dedupe.Set, claims []dedupe.Claim) {
			for i, c := range claims {
				m, dup := s.Claim(c.Row, c.Addrs)
				results[i] = dedupe.Result{Dup: dup, Match: m}
			}
		}},
		{"batch", func(s *dedupe.Set, claims []dedupe.Claim) {
			if err := s.ClaimBatch(context.Background(), claims, results); err != nil {
				b.Fatal(err)
			}
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cpu0 := processCPU()
			for b.Loop() {
				s := dedupe.New()
				for start := 0; start < rows; start += batch {
					n := min(batch, rows-start)
					for i := range n {
						r := start + i
						claims[i] = dedupe.Claim{Row: r + 1, Addrs: addrs[2*r : 2*r+2]}
					}
					bc.claim(s, claims[:n])
				}
				s.Close()
			}
			b.ReportMetric(float64(b.N*rows)/b.Elapsed().Seconds(), "rows/s")
			// CPU time moves less than wall time on a shared machine.
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N*rows), "cpu-ns/row")
		})
	}
}

func TestClaimBatchSameAsClaim(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := []string{"msisdn", "email", "lineId"}
	addr := func() dedupe.Address {
		if rng.IntN(10) == 0 {
			return dedupe.Address{Kind: "msisdn"} // empty: ignored
		}
		v := strconv.Itoa(rng.IntN(3000))
		if rng.IntN(2) == 0 {
			v = "X" + v // email folds it; lineId does not
		}
		return dedupe.Address{Kind: kinds[rng.IntN(len(kinds))], Value: v}
	}
	one, batched := dedupe.New(), dedupe.New()
	defer one.Close()
	defer batched.Close()
	row, dups := 2, 0
	for range 40 {
		claims := make([]dedupe.Claim, rng.IntN(600))
		for i := range claims {
			addrs := make([]dedupe.Address, rng.IntN(4))
			for j := range addrs {
				addrs[j] = addr()
			}
			if len(addrs) > 1 && rng.IntN(5) == 0 {
				addrs[1] = addrs[0] // the same address twice in a row
			}
			claims[i] = dedupe.Claim{Row: row, Addrs: addrs}
			row++
		}
		got := make([]dedupe.Result, len(claims))
		require.NoError(t, batched.ClaimBatch(context.Background(), claims, got))
		for i, c := range claims {
			m, dup := one.Claim(c.Row, c.Addrs)
			require.Equal(t, dedupe.Result{Dup: dup, Match: m}, got[i], "row %d", c.Row)
			if dup {
				dups++
			}
		}
	}
	assert.Equal(t, one.Len(), batched.Len())
	assert.Greater(t, dups, 1000, "the test must exercise duplicates")
}
