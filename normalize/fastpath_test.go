package normalize

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	longFlag = flag.Bool("long", false, "run the long differential test (also CONTACTPIPE_LONG=1)")
	seedFlag = flag.Uint64("seed", 1, "seed of the differential test's generator")
)

// longRun reports whether the long versions of the tests were asked for.
func longRun() bool { return *longFlag || os.Getenv("CONTACTPIPE_LONG") == "1" }

// corpusEntry is one metadata entry's material for generating numbers.
type corpusEntry struct {
	region   string // "" for a non-geographic calling code
	cc       string
	prefix   string   // national prefix, "" if none
	idd      string   // preferred international prefix, "" if none
	examples []string // national significant numbers of valid examples
	formats  []string // the examples as phonenumbers formats them
}

type corpus struct {
	entries []corpusEntry
	regions []string // every supported region
}

var (
	corpusOnce sync.Once
	testCorpus *corpus
)

var allTypes = []phonenumbers.PhoneNumberType{
	phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE,
	phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST, phonenumbers.VOIP,
	phonenumbers.PERSONAL_NUMBER, phonenumbers.PAGER, phonenumbers.UAN,
	phonenumbers.VOICEMAIL,
}

// loadCorpus collects the example numbers of every region and
// non-geographic calling code phonenumbers knows.
func loadCorpus() *corpus {
	corpusOnce.Do(func() {
		c := &corpus{}
		coll, err := phonenumbers.MetadataCollection()
		if err != nil {
			panic(err)
		}
		meta := map[string]*phonenumbers.PhoneMetadata{}
		for _, m := range coll.GetMetadata() {
			meta[m.GetId()] = m
		}
		for r := range phonenumbers.GetSupportedRegions() {
			c.regions = append(c.regions, r)
		}
		slices.Sort(c.regions)
		add := func(e corpusEntry, nums []*phonenumbers.PhoneNumber) {
			for _, n := range nums {
				if n == nil {
					continue
				}
				e.examples = append(e.examples, phonenumbers.GetNationalSignificantNumber(n))
				for _, f := range []phonenumbers.PhoneNumberFormat{phonenumbers.E164, phonenumbers.INTERNATIONAL, phonenumbers.NATIONAL, phonenumbers.RFC3966} {
					e.formats = append(e.formats, phonenumbers.Format(n, f))
				}
			}
			if len(e.examples) > 0 {
				c.entries = append(c.entries, e)
			}
		}
		for _, r := range c.regions {
			m := meta[r]
			e := corpusEntry{region: r, cc: strconv.Itoa(phonenumbers.GetCountryCodeForRegion(r)),
				prefix: m.GetNationalPrefix(), idd: m.GetPreferredInternationalPrefix()}
			if e.idd == "" && isDigits(m.GetInternationalPrefix()) {
				e.idd = m.GetInternationalPrefix()
			}
			var nums []*phonenumbers.PhoneNumber
			for _, typ := range allTypes {
				nums = append(nums, phonenumbers.GetExampleNumberForType(r, typ))
			}
			add(e, nums)
		}
		var nonGeo []int
		for cc := range phonenumbers.GetSupportedGlobalNetworkCallingCodes() {
			nonGeo = append(nonGeo, cc)
		}
		slices.Sort(nonGeo)
		for _, cc := range nonGeo {
			add(corpusEntry{cc: strconv.Itoa(cc)}, []*phonenumbers.PhoneNumber{phonenumbers.GetExampleNumberForNonGeoEntity(cc)})
		}
		testCorpus = c
	})
	return testCorpus
}

// genCase is one generated phone cell and the region it is read in.
type genCase struct{ raw, region string }

// mutate changes a national number the ways typing and copying do.
func mutate(r *rand.Rand, nsn string) string {
	b := []byte(nsn)
	digit := func() byte { return byte('0' + r.IntN(10)) }
	switch r.IntN(9) {
	case 0, 1: // unchanged
	case 2: // one digit changed
		b[r.IntN(len(b))] = digit()
	case 3: // one digit dropped
		if len(b) > 1 {
			i := r.IntN(len(b))
			b = append(b[:i], b[i+1:]...)
		}
	case 4: // one digit added
		i := r.IntN(len(b) + 1)
		b = slices.Insert(b, i, digit())
	case 5: // too long
		for k := 1 + r.IntN(4); k > 0; k-- {
			b = append(b, digit())
		}
	case 6: // too short
		b = b[:max(1, len(b)-1-r.IntN(4))]
	case 7: // same start, random rest
		for i := 1 + r.IntN(3); i < len(b); i++ {
			b[i] = digit()
		}
	case 8: // two digits swapped
		if len(b) > 1 {
			i := r.IntN(len(b) - 1)
			b[i], b[i+1] = b[i+1], b[i]
		}
	}
	return string(b)
}

func randomDigits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// group inserts separators the way people write numbers.
func group(r *rand.Rand, s string) string {
	seps := []string{" ", "-", ".", " ", "\u00a0", "\u2009", "\u2011", "/", ""}
	sep := seps[r.IntN(len(seps))]
	var b strings.Builder
	for i := 0; i < len(s); {
		n := min(len(s)-i, 2+r.IntN(3))
		if i > 0 {
			b.WriteString(sep)
		}
		if i > 0 && i < 5 && r.IntN(6) == 0 {
			b.WriteString("(" + s[i:i+n] + ")")
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// excelForm writes digits as a numeric spreadsheet cell would: exact
// scientific notation, truncated scientific notation, or a trailing ".0".
func excelForm(r *rand.Rand, digits string) string {
	digits = strings.TrimLeft(digits, "0")
	if len(digits) < 2 {
		return digits + ".0"
	}
	exp := len(digits) - 1
	switch r.IntN(3) {
	case 0:
		return digits[:1] + "." + digits[1:] + "E+" + strconv.Itoa(exp)
	case 1:
		keep := 1 + r.IntN(len(digits)-1)
		return digits[:1] + "." + digits[1:keep] + "E+" + strconv.Itoa(exp)
	}
	return digits + ".0"
}

var fullwidth = strings.NewReplacer("0", "０", "1", "１", "2", "２", "3", "３", "4", "４",
	"5", "５", "6", "６", "7", "７", "8", "８", "9", "９", "+", "＋")

// decorate adds what spreadsheets and people add around a number.
func decorate(r *rand.Rand, s string) string {
	switch r.IntN(14) {
	case 0:
		return "'" + s
	case 1:
		return `="` + s + `"`
	case 2:
		return "tel:" + s
	case 3:
		return " " + s + "\u00a0"
	case 4:
		return fullwidth.Replace(s)
	case 5:
		return s + []string{" ext. ", " x", ";ext=", " #", " extension ", "x"}[r.IntN(6)] + randomDigits(r, 1+r.IntN(5))
	case 6:
		return s + " " + []string{"home", "mobile", "(work)", "*"}[r.IntN(4)]
	}
	return s
}

// generate returns n phone cells with regions, deterministic for a seed.
func generate(seed uint64, n int) []genCase {
	c := loadCorpus()
	r := rand.New(rand.NewPCG(seed, 0x636f6e74616374))
	out := make([]genCase, 0, n)
	for len(out) < n {
		e := &c.entries[r.IntN(len(c.entries))]
		nsn := mutate(r, e.examples[r.IntN(len(e.examples))])
		var raw string
		switch r.IntN(12) {
		case 0: // a format phonenumbers writes, unchanged
			raw = e.formats[r.IntN(len(e.formats))]
		case 1, 2: // E.164
			raw = "+" + e.cc + nsn
		case 3: // international with separators
			raw = "+" + e.cc + " " + group(r, nsn)
		case 4, 5: // national, with the national prefix when there is one
			raw = group(r, e.prefix+nsn)
		case 6: // national significant number alone
			raw = nsn
		case 7: // 00 / IDD
			idd := "00"
			if e.idd != "" && r.IntN(2) == 0 {
				idd = e.idd
			}
			raw = idd + e.cc + nsn
		case 8: // country code without '+'
			raw = e.cc + nsn
		case 9: // numeric spreadsheet cell
			raw = excelForm(r, []string{e.cc + nsn, nsn, e.prefix + nsn}[r.IntN(3)])
		case 10: // random digits
			raw = randomDigits(r, 1+r.IntN(20))
			if r.IntN(3) == 0 {
				raw = "+" + raw
			}
		case 11: // +cc with the national prefix kept, "+44 (0) …"
			raw = "+" + e.cc + " (" + e.prefix + ") " + nsn
		}
		raw = decorate(r, raw)
		var region string
		switch k := r.IntN(10); {
		case k < 4:
			region = e.region
		case k < 6:
			region = ""
		case k < 9:
			region = c.regions[r.IntN(len(c.regions))]
		default:
			region = []string{"US", "CA", "GB", "IM", "RU", "KZ", "IT", "VA", "AR", "BR", "XX", "de"}[r.IntN(12)]
		}
		out = append(out, genCase{raw: raw, region: region})
	}
	return out
}

// diffStats counts what a differential run saw.
type diffStats struct {
	cases, valid, rejected        int
	readings, undecided, fastOnly int
	codes                         map[string]int // rejections by code
}

// differential compares PhoneNumber with PhoneNumberReference on every case,
// and the fast engine with phonenumbers on every reading of it.
func differential(t *testing.T, cases []genCase) diffStats {
	t.Helper()
	var st diffStats
	fails := 0
	for _, c := range cases {
		st.cases++
		p, err := PhoneNumber(c.raw, c.region)
		ref, refErr := PhoneNumberReference(c.raw, c.region)
		same := p == ref && (err == nil) == (refErr == nil)
		if same && err != nil {
			same = err.(*Error).Code == refErr.(*Error).Code && err.Error() == refErr.Error()
		}
		if !same {
			fails++
			if fails <= 20 {
				t.Errorf("PhoneNumber(%q, %q) = %+v, %v; reference %+v, %v", c.raw, c.region, p, err, ref, refErr)
			}
		}
		if err == nil {
			st.valid++
		} else {
			st.rejected++
			if st.codes == nil {
				st.codes = map[string]int{}
			}
			st.codes[err.(*Error).Code]++
		}

		// Engine level: every reading rule 4 could make of these digits,
		// and those it never makes (a '+' number in a region).
		var buf [maxPhoneDigits]byte
		pt := readPhoneText(c.raw, &buf)
		if pt.errCode != "" || pt.n == 0 {
			continue
		}
		digits := buf[:pt.n]
		region := upperRegion(c.region)
		for _, rd := range []struct {
			plus   bool
			region string
		}{{false, region}, {true, ""}, {true, region}, {pt.plus, region}} {
			st.readings++
			var fo, so [maxE164]byte
			fn, fwhy, ok := fastRead(digits, rd.plus, rd.region, &fo)
			sn, swhy := slowRead(digits, rd.plus, rd.region, &so)
			if !ok {
				st.undecided++
				continue
			}
			if fn > 0 && sn == 0 {
				st.fastOnly++
			}
			if string(fo[:fn]) != string(so[:sn]) || fwhy != swhy {
				fails++
				if fails <= 20 {
					t.Errorf("fastRead(%q, plus=%v, %q) = %q, reason %d; phonenumbers %q, reason %d", digits, rd.plus, rd.region, fo[:fn], fwhy, so[:sn], swhy)
				}
			}
		}
	}
	if fails > 0 {
		t.Errorf("%d disagreements in %d cases", fails, st.cases)
	}
	return st
}

func (s diffStats) String() string {
	return fmt.Sprintf("%d cases (%d valid, %d rejected); %d engine readings, %d undecided by the fast path (%.3f%%)",
		s.cases, s.valid, s.rejected, s.readings, s.undecided, 100*float64(s.undecided)/float64(max(1, s.readings)))
}

// TestDifferential runs 20,000 generated numbers in every go test (4,000
// with -short or -race), and 1,000,000 with -long or CONTACTPIPE_LONG=1
// (split in parts that run in parallel).
func TestDifferential(t *testing.T) {
	n, parts := 20_000, 1
	if longRun() {
		n, parts = 1_000_000, 8
	}
	if testing.Short() || raceEnabled && !longRun() {
		n = 4_000
	}
	var mu sync.Mutex
	var total diffStats
	for part := range parts {
		t.Run(fmt.Sprintf("part%d", part), func(t *testing.T) {
			t.Parallel()
			st := differential(t, generate(*seedFlag+uint64(part)*1_000_003, n/parts))
			mu.Lock()
			defer mu.Unlock()
			total.cases += st.cases
			total.valid += st.valid
			total.rejected += st.rejected
			total.readings += st.readings
			total.undecided += st.undecided
			// The rules' own rejections are compared too, not only the
			// readings.
			if st.cases >= 10_000 { // about 1 in 800 cases is ambiguous
				assert.Positive(t, st.codes[CodePhoneNeedsCountry], "no phone_needs_country case")
				assert.Positive(t, st.codes[CodeAmbiguousPhone], "no ambiguous_phone case")
			}
		})
	}
	t.Cleanup(func() { t.Logf("differential: %s", total) })
}

// TestDifferentialExamples checks every example number of every region in
// every format phonenumbers writes, read in its own region and in none.
func TestDifferentialExamples(t *testing.T) {
	c := loadCorpus()
	var cases []genCase
	for _, e := range c.entries {
		for _, f := range e.formats {
			cases = append(cases, genCase{f, e.region}, genCase{f, ""})
		}
		for _, nsn := range e.examples {
			cases = append(cases, genCase{e.prefix + nsn, e.region}, genCase{nsn, e.region},
				genCase{"+" + e.cc + nsn, ""}, genCase{e.cc + nsn, e.region}, genCase{e.cc + nsn, ""})
		}
	}
	require.Greater(t, len(cases), 5000)
	if testing.Short() || raceEnabled {
		sample := cases[:0]
		for i := 0; i < len(cases); i += 5 {
			sample = append(sample, cases[i])
		}
		cases = sample
	}
	st := differential(t, cases)
	t.Logf("examples: %s", st)
	// Examples are valid numbers: the fast path must decide nearly all.
	assert.Less(t, st.undecided*100, st.readings)
}

// TestFastTablesCompile checks that the fast path covers every metadata
// entry: none is left to phonenumbers for every number.
func TestFastTablesCompile(t *testing.T) {
	ft := tables()
	n, states, maxStates, maxID := 0, 0, 0, ""
	for _, c := range ft.codes {
		if c == nil {
			continue
		}
		for _, r := range c.regions {
			n++
			if !assert.True(t, r.ready(), "tables for %s (+%d) did not compile", r.id, r.cc) {
				continue
			}
			s := len(r.valid.accept)
			states += s
			if s > maxStates {
				maxStates, maxID = s, r.id
			}
		}
	}
	t.Logf("%d metadata entries, %d automaton states (largest %d, %s), about %d KB",
		n, states, maxStates, maxID, states*(10*2+2*2+4)/1024)
	assert.Greater(t, n, 240)
	// The fast path's notion of a known region is phonenumbers'.
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			r := string([]rune{a, b})
			assert.Equal(t, supportedRegion(r), ft.regions[regionIndex(r)] != nil, r)
		}
	}
}

// TestPrefixProgMatchesRegexp compares the backtracker with regexp on
// every national and international prefix pattern of the metadata.
func TestPrefixProgMatchesRegexp(t *testing.T) {
	coll, err := phonenumbers.MetadataCollection()
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(*seedFlag, 7))
	for _, m := range coll.GetMetadata() {
		for _, expr := range []string{"^(?:" + m.GetNationalPrefixForParsing() + ")", m.GetInternationalPrefix()} {
			if expr == "^(?:)" {
				continue
			}
			p, err := newPrefixProg(expr)
			require.NoError(t, err, expr)
			for range 300 {
				in := []byte(randomDigits(r, r.IntN(18)))
				if r.IntN(2) == 0 && len(in) > 0 {
					// Start with a digit string the pattern likes.
					in[0] = []byte(m.GetNationalPrefix() + "0")[0]
				}
				var st *btState
				end, matched, ok := p.match(in, &st)
				require.True(t, ok)
				want := p.re.FindSubmatchIndex(in)
				if want != nil && want[0] != 0 {
					want = nil // only matches at 0 count
				}
				assert.Equal(t, want != nil, matched, "%s on %s", expr, in)
				if want != nil && matched {
					assert.Equal(t, want[1], end, "%s on %s", expr, in)
					if st != nil {
						assert.Equal(t, want, st.matchcap[:len(want)], "%s on %s", expr, in)
					}
				}
				if st != nil {
					btPool.Put(st)
				}
			}
		}
	}
}

// TestDigitDFAMatchesRegexp compares the automata with regexp on random
// digit strings and on the example numbers.
func TestDigitDFAMatchesRegexp(t *testing.T) {
	coll, err := phonenumbers.MetadataCollection()
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(*seedFlag, 11))
	c := loadCorpus()
	for _, m := range coll.GetMetadata() {
		gen := m.GetGeneralDesc().GetNationalNumberPattern()
		full, err := compileDFA([]string{gen}, false)
		require.NoError(t, err)
		reFull := compileRegexp(t, "^(?:"+gen+")$")
		var inputs [][]byte
		for range 200 {
			inputs = append(inputs, []byte(randomDigits(r, r.IntN(18))))
		}
		for _, e := range c.entries {
			if e.region == m.GetId() {
				for _, x := range e.examples {
					inputs = append(inputs, []byte(x), []byte(mutate(r, x)))
				}
			}
		}
		for _, in := range inputs {
			s := full.walk(in)
			assert.Equal(t, reFull.Match(in), full.accept[s]&1 != 0, "%s general on %s", m.GetId(), in)
		}
		if ld := m.GetLeadingDigits(); ld != "" {
			pre, err := compileDFA([]string{ld}, true)
			require.NoError(t, err)
			rePre := compileRegexp(t, "^(?:"+ld+")")
			for _, in := range inputs {
				assert.Equal(t, rePre.Match(in), pre.matchesPrefix(in), "%s leading on %s", m.GetId(), in)
			}
		}
	}
}

func compileRegexp(t *testing.T, expr string) *regexp.Regexp {
	t.Helper()
	re, err := regexp.Compile(expr)
	require.NoError(t, err)
	return re
}

// TestNationalCandidates: asking only the regions nationalCandidates lists gives the answer of
// asking every region, on random digits of every length and on the corpus's numbers with and
// without their national prefix.
func TestNationalCandidates(t *testing.T) {
	ft := tables()
	every := func(digits []byte) bool {
		for _, t := range ft.geo {
			if t.readsNational(digits, "") {
				return true
			}
		}
		return false
	}
	indexed := func(digits []byte) bool {
		for _, t := range ft.nationalCandidates(digits) {
			if t.readsNational(digits, "") {
				return true
			}
		}
		return false
	}
	var cases []string
	r := rand.New(rand.NewPCG(5, 6))
	for range 20_000 {
		cases = append(cases, randomDigits(r, 1+r.IntN(maxPhoneDigits)))
	}
	for _, e := range loadCorpus().entries {
		for _, nsn := range e.examples {
			cases = append(cases, nsn, e.prefix+nsn, e.cc+nsn)
		}
	}
	national := 0
	for _, c := range cases {
		want := every([]byte(c))
		if want {
			national++
		}
		if got := indexed([]byte(c)); got != want {
			t.Errorf("%s: indexed %v, every region %v", c, got, want)
		}
	}
	t.Logf("%d of %d read as national somewhere", national, len(cases))
	assert.Greater(t, national, len(cases)/10, "the cases reach the national readings")
}
