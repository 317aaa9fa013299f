package normalize

import (
	"math/rand/v2"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// benchE164 returns valid numbers already in E.164, from the examples of
// every region and non-geographic calling code.
func benchE164() []genCase {
	var out []genCase
	for _, e := range loadCorpus().entries {
		for _, nsn := range e.examples {
			out = append(out, genCase{raw: "+" + e.cc + nsn})
		}
	}
	return out
}

// benchBareDigits returns benchE164's numbers without their '+' and with no
// region: read as international unless some region reads them as a
// national number (see nationalElsewhere).
func benchBareDigits() []genCase {
	out := benchE164()
	for i := range out {
		out[i].raw = out[i].raw[1:]
	}
	return out
}

// benchMixed returns numbers as spreadsheets hold them, each with its
// row's region: national formats (7 in 10), international formats with
// separators (2 in 10) and mistyped numbers (1 in 10), across every region.
func benchMixed() []genCase {
	r := rand.New(rand.NewPCG(42, 42))
	var out []genCase
	for _, e := range loadCorpus().entries {
		if e.region == "" {
			continue
		}
		for _, nsn := range e.examples {
			num, err := phonenumbers.Parse("+"+e.cc+nsn, "")
			if err != nil {
				continue
			}
			for k := range 10 {
				var raw string
				switch {
				case k < 4:
					raw = phonenumbers.Format(num, phonenumbers.NATIONAL)
				case k < 7:
					raw = group(r, e.prefix+nsn)
				case k < 9:
					raw = phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
				default:
					raw = group(r, e.prefix+mutate(r, nsn))
				}
				out = append(out, genCase{raw: raw, region: e.region})
			}
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

type phoneFunc func(raw, region string) (Phone, error)

// cpuTime is the CPU time the process has used (user + system). On a
// machine shared with other work, CPU time per number shows the cost and
// the scaling of the code better than wall time does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportRates reports numbers/s (wall time) and CPU nanoseconds per number.
func reportRates(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "numbers/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/number")
}

func benchPhone(b *testing.B, f phoneFunc, cases []genCase) {
	// Load every table the cases use (each region's on first use) outside
	// the timed loops.
	for _, c := range cases {
		_, _ = f(c.raw, c.region)
	}
	b.Run("sequential", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		cpu0 := cpuTime()
		for b.Loop() {
			c := &cases[i%len(cases)]
			i++
			_, _ = f(c.raw, c.region)
		}
		reportRates(b, cpu0)
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		var next atomic.Uint64
		cpu0 := cpuTime()
		b.RunParallel(func(pb *testing.PB) {
			i := int(next.Add(7919)) // spread the goroutines over the cases
			for pb.Next() {
				c := &cases[i%len(cases)]
				i++
				_, _ = f(c.raw, c.region)
			}
		})
		reportRates(b, cpu0)
	})
}

// BenchmarkPhoneNumber measures the fast path and the phonenumbers
// reference on numbers already in E.164 and on mixed national formats,
// on one goroutine and on GOMAXPROCS goroutines (go test -cpu=1,2).
func BenchmarkPhoneNumber(b *testing.B) {
	e164, mixed := benchE164(), benchMixed()
	b.Run("fast/e164", func(b *testing.B) { benchPhone(b, PhoneNumber, e164) })
	b.Run("fast/mixed", func(b *testing.B) { benchPhone(b, PhoneNumber, mixed) })
	b.Run("fast/bare-digits", func(b *testing.B) { benchPhone(b, PhoneNumber, benchBareDigits()) })
	b.Run("reference/e164", func(b *testing.B) { benchPhone(b, PhoneNumberReference, e164) })
	b.Run("reference/mixed", func(b *testing.B) { benchPhone(b, PhoneNumberReference, mixed) })
}

// BenchmarkFastTables measures building the fast path's tables, which
// happens once per process on the first PhoneNumber call; each entry's
// automaton is decoded and its prefixes compiled later, on first use.
func BenchmarkFastTables(b *testing.B) {
	for b.Loop() {
		buildFastTables()
	}
}

// BenchmarkFields measures the other normalizers.
func BenchmarkFields(b *testing.B) {
	countryTable()
	inputs := []struct {
		name string
		f    func(string) (string, error)
		in   string
	}{
		{"country/code", Country, "de"},
		{"country/name", Country, "United Kingdom"},
		{"country/alpha3", Country, "deu"},
		{"email", Email, "Anna.Smith@Example.com"},
		{"name/clean", Name, "Anna Maria"},
		{"name/dirty", Name, "  Anna \t Maria "},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = in.f(in.in)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "fields/s")
		})
	}
}

// BenchmarkPhoneTablesDecode measures reading every automaton of the
// generated file, what a process pays when it reads numbers of every
// region (or one without a country: see nationalElsewhere).
func BenchmarkPhoneTablesDecode(b *testing.B) {
	for b.Loop() {
		gen, err := decodePhoneTables(phoneTablesBin)
		if err != nil {
			b.Fatal(err)
		}
		for _, g := range gen {
			if g.states > 0 {
				if _, err := g.decode(); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}
