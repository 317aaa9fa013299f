package normalize

import (
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/nyaruka/phonenumbers"
)

// The fast path answers readIn — phonenumbers.Parse of "+digits" or
// "digits" in a region, then IsValidNumber and Format(E164) — from tables
// compiled once from phonenumbers' own metadata. It follows parseHelper,
// maybeExtractCountryCode, maybeStripNationalPrefixAndCarrierCode,
// testNumberLength, GetRegionCodeForNumber and getNumberTypeHelper step by
// step for that input:
//
//   - every "does the number match pattern P" becomes a walk of a digit
//     automaton (digitDFA) compiled from P;
//   - the national and international prefix patterns, whose match end and
//     groups matter, run on a leftmost-first backtracker (prefixProg) that
//     reproduces regexp's answer;
//   - the possible-length rules become small tables.
//
// Whatever it does not model (a region whose patterns are too large, a '+'
// followed by an unknown country code, input past the limits) it reports
// as undecided, and phonenumbers answers. The differential test in
// fastpath_test.go holds the two to identical results.

// numberTables is what the fast path knows about one metadata entry (a
// region, or a non-geographic calling code such as 800).
type numberTables struct {
	id       string
	cc       int
	ccDigits string
	meta     *phonenumbers.PhoneMetadata
	gen      *generatedDFA // the entry in phonetables.bin, nil if none

	// The automata (valid, validLens, commonLens, leading) are decoded on
	// first use (loadDFA): dfaOnce guards them and dfaOK, read-only after.
	dfaOnce sync.Once
	dfaOK   bool
	loaded  atomic.Bool // dfaOK, set once it is true: read without the Once

	// The prefix patterns (idd, npp, nppGroups, transform) are compiled on
	// first use (ready): prefixOnce guards them and prefixOK, read-only
	// after. Not ready: the fast path cannot decide for this entry.
	prefixOnce sync.Once
	prefixOK   bool
	isReady    atomic.Bool // dfaOK && prefixOK, set once both are true

	// valid runs the general description (pattern 0) and every number
	// type's pattern at once. validLens[s] has bit L set when a national
	// number of length L ending in state s is a valid number
	// (getNumberTypeHelper != UNKNOWN), lengths included.
	valid     *digitDFA
	validLens []uint32
	// commonLens[s] is validLens[s] for the number types with a closed
	// set of lengths (at most maxCommonLengths): the numbers a national
	// reading is commonly meant as (see nationalElsewhere).
	commonLens []uint32

	// testNumberLength(number, metadata, UNKNOWN) data.
	lengths lengthRule

	np        string      // national (trunk) prefix, "" if none
	natPlain  bool        // the national format of a number is its national number, digits unchanged
	idd       *prefixProg // international prefix; nil never matches
	npp       *prefixProg // national prefix for parsing; nil if none
	nppGroups int         // number of groups of npp
	transform []byte      // national prefix transform rule
	leading   *digitDFA   // leading digits (prefix mode); nil if none
}

// lengthRule is testNumberLength for the general description.
type lengthRule struct {
	first, last int    // first and last element of possibleLengths
	possible    uint64 // bit L: L is a possible length
	local       uint64 // bit L: L is a local-only length
	none        bool   // possibleLengths[0] == -1
}

type lengthResult int

const (
	isPossible lengthResult = iota
	isPossibleLocalOnly
	tooShort
	tooLong
	invalidLength
)

func (r *lengthRule) test(n int) lengthResult {
	if r.none {
		return invalidLength
	}
	if n < 64 && r.local&(1<<n) != 0 {
		return isPossibleLocalOnly
	}
	switch {
	case r.first == n:
		return isPossible
	case r.first > n:
		return tooShort
	case r.last < n:
		return tooLong
	case n < 64 && r.possible&(1<<n) != 0:
		return isPossible
	}
	return invalidLength
}

// generalMatch reports whether digits match the general description's
// pattern (no length check), as phonenumbers' "validNumberPattern" does.
func (t *numberTables) generalMatch(digits []byte) bool {
	s := t.valid.walk(digits)
	return t.valid.accept[s]&1 != 0
}

// validNumber is getNumberTypeHelper(nsn, metadata) != UNKNOWN.
func (t *numberTables) validNumber(nsn []byte) bool {
	if len(nsn) >= 32 {
		return false
	}
	return t.validLens[t.valid.walk(nsn)]&(1<<len(nsn)) != 0
}

// callingCode is what the fast path knows about one country calling code.
type callingCode struct {
	cc      int
	digits  string          // cc in decimal
	main    *numberTables   // metadata phonenumbers formats and strips with
	regions []*numberTables // GetRegionCodesForCountryCode order
}

type fastTables struct {
	codes   [1000]*callingCode
	regions [26 * 26]*numberTables // by regionIndex; read-only once built
	geo     []*numberTables        // every region, in order of its code

	// elsewhere[d][L] lists, in geo's order, the regions where L digits starting with d can be a
	// common national number, with or without the region's national prefix: the only ones
	// nationalElsewhere need ask. Built on its first use (every region's automaton decoded).
	elsewhereOnce sync.Once
	elsewhere     [10][maxPhoneDigits + 1][]*numberTables
}

// nationalCandidates returns the regions nationalElsewhere asks about digits: those of elsewhere,
// or every region for digits it does not index.
func (ft *fastTables) nationalCandidates(digits []byte) []*numberTables {
	if len(digits) == 0 || len(digits) > maxPhoneDigits || !isDigit(digits[0]) {
		return ft.geo
	}
	ft.elsewhereOnce.Do(ft.indexElsewhere)
	return ft.elsewhere[digits[0]-'0'][len(digits)]
}

// indexElsewhere builds elsewhere. A region whose automaton cannot be decoded is in no list: it
// never reads a number as national there (loadDFA is false). A region is left out of a list only
// when its automaton rejects the first digit (the walk reaches the dead state 0, which accepts no
// length) and the first digit is not its national prefix's, or the length is not possible there.
func (ft *fastTables) indexElsewhere() {
	for _, t := range ft.geo {
		if !t.loadDFA() {
			continue
		}
		for d := range 10 {
			direct := t.commonLens[0] != 0 || t.valid.next[1*10+d] != 0
			viaNP := t.np != "" && int(t.np[0])-'0' == d
			for l := range maxPhoneDigits + 1 {
				if direct && t.lengths.possible&(1<<l) != 0 ||
					viaNP && l > len(t.np) && t.lengths.possible&(1<<(l-len(t.np))) != 0 {
					ft.elsewhere[d][l] = append(ft.elsewhere[d][l], t)
				}
			}
		}
	}
}

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// regionIndex maps an upper-case alpha-2 code to 0…675, anything else to -1.
func regionIndex(region string) int {
	if len(region) != 2 || region[0] < 'A' || region[0] > 'Z' || region[1] < 'A' || region[1] > 'Z' {
		return -1
	}
	return int(region[0]-'A')*26 + int(region[1]-'A')
}

var (
	fastOnce sync.Once
	fastTab  *fastTables
)

// tables returns the fast path's tables, building them on first use.
func tables() *fastTables {
	fastOnce.Do(func() { fastTab = buildFastTables() })
	return fastTab
}

func buildFastTables() *fastTables {
	ft := &fastTables{}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return ft // every answer will be undecided
	}
	gen, _ := decodePhoneTables(phoneTablesBin) // nil when damaged: everything is compiled here
	byRegion := map[string]*phonenumbers.PhoneMetadata{}
	nonGeo := map[int]*phonenumbers.PhoneMetadata{}
	for _, m := range coll.GetMetadata() {
		if m.GetId() == "001" {
			nonGeo[int(m.GetCountryCode())] = m
		} else {
			byRegion[m.GetId()] = m
		}
	}
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		if cc <= 0 || cc >= len(ft.codes) {
			continue
		}
		c := &callingCode{cc: cc, digits: strconv.Itoa(cc)}
		for _, id := range phonenumbers.GetRegionCodesForCountryCode(cc) {
			var m *phonenumbers.PhoneMetadata
			if id == "001" {
				m = nonGeo[cc]
			} else {
				m = byRegion[id]
			}
			t := &numberTables{id: id, cc: cc, ccDigits: strconv.Itoa(cc)}
			if m != nil {
				t = compileTables(id, m, gen[tableKey(m)])
			}
			c.regions = append(c.regions, t)
			if i := regionIndex(id); i >= 0 {
				ft.regions[i] = t
			}
		}
		if len(c.regions) > 0 {
			c.main = c.regions[0]
		}
		ft.codes[cc] = c
	}
	for _, t := range ft.regions {
		if t != nil {
			ft.geo = append(ft.geo, t)
		}
	}
	return ft
}

// numberDescs are the descriptions getNumberTypeHelper checks, in its
// order: the general description, then each type; mobile only when its
// pattern differs from fixed-line's. Missing ones are nil.
func numberDescs(m *phonenumbers.PhoneMetadata) []*phonenumbers.PhoneNumberDesc {
	descs := []*phonenumbers.PhoneNumberDesc{m.GetGeneralDesc(),
		m.GetPremiumRate(), m.GetTollFree(), m.GetSharedCost(), m.GetVoip(),
		m.GetPersonalNumber(), m.GetPager(), m.GetUan(), m.GetVoicemail(), m.GetFixedLine()}
	if !m.GetSameMobileAndFixedLinePattern() {
		descs = append(descs, m.GetMobile())
	}
	return descs
}

// numberDFA is the compiled form of an entry's number descriptions.
type numberDFA struct {
	valid      *digitDFA
	validLens  []uint32
	commonLens []uint32
}

// compileNumberDFA compiles the number descriptions of m into one
// automaton with, per state, the lengths at which a number ending there is
// valid (of any type, and of a type with closed lengths).
func compileNumberDFA(m *phonenumbers.PhoneMetadata) (*numberDFA, error) {
	descs := numberDescs(m)
	patterns := make([]string, len(descs))
	for i, d := range descs {
		patterns[i] = d.GetNationalNumberPattern() // "" for a nil desc: matches only ""
	}
	valid, err := compileDFA(patterns, false)
	if err != nil {
		return nil, err
	}
	lens := make([]uint32, len(descs))
	for i, d := range descs {
		lens[i] = lengthMask(d.GetPossibleLength())
	}
	nd := &numberDFA{valid: valid, validLens: make([]uint32, len(valid.accept)), commonLens: make([]uint32, len(valid.accept))}
	for s, acc := range valid.accept {
		if acc&1 == 0 {
			continue
		}
		var any, common uint32
		for i := 1; i < len(descs); i++ {
			if acc&(1<<i) != 0 {
				any |= lens[i]
				if closedLengths(descs[i].GetPossibleLength()) {
					common |= lens[i]
				}
			}
		}
		nd.validLens[s] = lens[0] & any
		nd.commonLens[s] = lens[0] & common
	}
	return nd, nil
}

// compileTables builds one metadata entry's tables. Its number automaton
// is decoded from gen (the generated file), or compiled when the file has
// none for the metadata, on first use (loadDFA); the prefix patterns are
// compiled on first use too (ready). On any pattern the compilers do not
// handle, the tables are not ready and phonenumbers answers.
func compileTables(id string, m *phonenumbers.PhoneMetadata, gen *generatedDFA) *numberTables {
	t := &numberTables{id: id, cc: int(m.GetCountryCode()), np: m.GetNationalPrefix(), meta: m, gen: gen}
	t.ccDigits = strconv.Itoa(t.cc)
	gd := m.GetGeneralDesc()
	if gd == nil || len(gd.PossibleLength) == 0 {
		t.dfaOnce.Do(func() {}) // testNumberLength would index an empty slice
		return t
	}
	t.lengths = lengthRule{
		first: int(gd.PossibleLength[0]),
		last:  int(gd.PossibleLength[len(gd.PossibleLength)-1]),
		none:  gd.PossibleLength[0] == -1,
	}
	for _, l := range gd.PossibleLength {
		if l >= 0 && l < 64 {
			t.lengths.possible |= 1 << l
		}
	}
	for _, l := range gd.PossibleLengthLocalOnly {
		if l >= 0 && l < 64 {
			t.lengths.local |= 1 << l
		}
	}
	t.natPlain = true
	for _, f := range m.GetNumberFormat() {
		if hasLiteralDigit(f.GetFormat()) || hasLiteralDigit(f.GetNationalPrefixFormattingRule()) {
			t.natPlain = false
		}
	}
	return t
}

// loadDFA reports whether t's number automaton (and the automaton of its
// leading digits) is there, decoding or compiling it on the first call.
func (t *numberTables) loadDFA() bool {
	return t.loaded.Load() || t.loadDFASlow() // inlined: one atomic load once loaded
}

func (t *numberTables) loadDFASlow() bool {
	t.dfaOnce.Do(func() {
		var err error
		dfa := generatedNumberDFA(t.gen, t.meta)
		if dfa == nil {
			if dfa, err = compileNumberDFA(t.meta); err != nil {
				return
			}
		}
		if ld := t.meta.GetLeadingDigits(); ld != "" {
			if t.leading, err = compileDFA([]string{ld}, true); err != nil {
				return
			}
		}
		t.valid, t.validLens, t.commonLens = dfa.valid, dfa.validLens, dfa.commonLens
		t.dfaOK = true
		t.loaded.Store(true)
	})
	return t.dfaOK
}

// ready reports whether the fast path can decide for t, compiling its
// prefix patterns on the first call.
func (t *numberTables) ready() bool {
	return t.isReady.Load() || t.readySlow() // inlined: one atomic load once ready
}

func (t *numberTables) readySlow() bool {
	if !t.loadDFA() {
		return false
	}
	t.prefixOnce.Do(t.compilePrefixes)
	if t.prefixOK {
		t.isReady.Store(true)
	}
	return t.prefixOK
}

// compilePrefixes compiles the international and national prefix patterns
// of t's metadata.
func (t *numberTables) compilePrefixes() {
	m := t.meta
	var err error
	if t.id != "001" { // non-geographic entries are never a default region
		// phonenumbers compiles the prefix as is (an empty one would match
		// everywhere).
		if t.idd, err = newPrefixProg(m.GetInternationalPrefix()); err != nil {
			return
		}
	}
	if npp := m.GetNationalPrefixForParsing(); npp != "" {
		if t.npp, err = newPrefixProg("^(?:" + npp + ")"); err != nil {
			return
		}
		t.nppGroups = t.npp.ncap/2 - 1
		if tr := m.GetNationalPrefixTransformRule(); tr != "" {
			t.transform = []byte(tr)
		}
	}
	t.prefixOK = true
}

// hasLiteralDigit reports whether a formatting rule writes a digit of its
// own (a national prefix), not only groups ($1, $2 …).
func hasLiteralDigit(rule string) bool {
	for i := 0; i < len(rule); i++ {
		if c := rule[i]; '0' <= c && c <= '9' && (i == 0 || rule[i-1] != '$') {
			return true
		}
	}
	return false
}

// maxCommonLengths is the most lengths a number type may have for its
// numbers to count as a common national reading: mobile numbers and the
// fixed-line numbers of closed numbering plans, not the open plans of
// Germany or Austria, where nearly any digit string is some number.
const maxCommonLengths = 3

// closedLengths reports whether a number type's possible lengths are a
// closed set: listed, and at most maxCommonLengths of them.
func closedLengths(lengths []int32) bool {
	n := 0
	for _, l := range lengths {
		if l >= 0 && l < 32 {
			n++
		}
	}
	return n > 0 && n <= maxCommonLengths
}

// commonNumber is validNumber for the number types with closed lengths.
func (t *numberTables) commonNumber(nsn []byte) bool {
	if len(nsn) >= 32 {
		return false
	}
	return t.commonLens[t.valid.walk(nsn)]&(1<<len(nsn)) != 0
}

// lengthMask turns possible lengths into a mask for isNumberPossibleForDesc:
// an empty list allows every length; -1 allows none.
func lengthMask(lengths []int32) uint32 {
	if len(lengths) == 0 {
		return ^uint32(0)
	}
	var m uint32
	for _, l := range lengths {
		if l >= 0 && l < 32 {
			m |= 1 << l
		}
	}
	return m
}

// extractCountryCode is phonenumbers' extractCountryCode: the first one to
// three digits that form a known calling code.
func (ft *fastTables) extractCountryCode(full []byte) (*callingCode, []byte) {
	if len(full) == 0 || full[0] == '0' {
		return nil, nil
	}
	cc := 0
	for i := 1; i <= 3 && i <= len(full); i++ {
		cc = cc*10 + int(full[i-1]-'0')
		if c := ft.codes[cc]; c != nil {
			return c, full[i:]
		}
	}
	return nil, nil
}

// maybeInternational is a cheap necessary condition for '+' and digits d
// to be a valid number: a known calling code, and a rest whose length,
// with or without a literal national prefix, some region of that code
// allows. When it is false, fastRead(d, true, "") is certainly 0; it says
// true whenever it cannot tell.
func (ft *fastTables) maybeInternational(d []byte) bool {
	code, rest := ft.extractCountryCode(d)
	if code == nil {
		return false // ErrInvalidCountryCode
	}
	main := code.main
	if main == nil || main.meta == nil || main.meta.GetNationalPrefixTransformRule() != "" {
		return true
	}
	short := -1 // the length after a literal national prefix
	if npp := main.meta.GetNationalPrefixForParsing(); npp != "" {
		if !isDigits(npp) {
			return true
		}
		if len(rest) >= len(npp) && string(rest[:len(npp)]) == npp {
			short = len(rest) - len(npp)
		}
	}
	for _, r := range code.regions {
		if r.meta == nil || r.lengths.possible == 0 && !r.lengths.none {
			return true // no lengths known: let the reading decide
		}
		if r.lengths.possible&(1<<len(rest)) != 0 || short >= 0 && r.lengths.possible&(1<<short) != 0 {
			return true
		}
	}
	return false
}

// fastScratch holds the buffers of one fastRead call.
type fastScratch struct {
	bt   *btState // from btPool, when a backtracker ran
	pot  [64]byte // national number after stripping a prefix
	pot2 [64]byte
}

func (sc *fastScratch) release() {
	if sc.bt != nil {
		btPool.Put(sc.bt)
		sc.bt = nil
	}
}

// stripNationalPrefix is maybeStripNationalPrefixAndCarrierCode: it returns
// number with the national prefix removed or transformed (written to buf
// when transformed), or number itself. ok is false when undecided.
func (t *numberTables) stripNationalPrefix(number []byte, buf *[64]byte, sc *fastScratch) (out []byte, ok bool) {
	if len(number) == 0 || t.npp == nil {
		return number, true
	}
	end, matched, ok := t.npp.match(number, &sc.bt)
	if !ok {
		return nil, false
	}
	if !matched {
		return number, true
	}
	viableOriginal := t.generalMatch(number)
	if len(t.transform) == 0 || (t.nppGroups > 0 && sc.bt.matchcap[2*t.nppGroups] < 0) {
		if viableOriginal && !t.generalMatch(number[end:]) {
			return number, true
		}
		return number[end:], true
	}
	// ReplaceAllString of a pattern anchored at the start: one
	// replacement, then the rest of the number. Without groups the match
	// is [0, end] (the backtracker may not have run).
	var whole [2]int
	match := whole[:]
	if t.nppGroups == 0 {
		whole[1] = end
	} else {
		match = sc.bt.matchcap[:t.npp.ncap]
	}
	out = t.npp.re.Expand(buf[:0], t.transform, number, match)
	if len(out)+len(number)-end > len(buf) {
		return nil, false
	}
	out = append(out, number[end:]...)
	for _, c := range out {
		if c < '0' || c > '9' {
			return nil, false
		}
	}
	if viableOriginal && !t.generalMatch(out) {
		return number, true
	}
	return out, true
}

type extractStatus int

const (
	extractNone      extractStatus = iota // no calling code in the number
	extractFound                          // a calling code was found
	extractShort                          // Parse fails: ErrTooShortAfterIDD
	extractBadCC                          // Parse fails: ErrInvalidCountryCode
	extractUndecided                      // the fast path cannot tell
)

// extractWithoutPlus is maybeExtractCountryCode for a number without a
// leading '+' in default region t: an international prefix followed by a
// calling code, or t's own calling code when removing it gives a better
// national number.
func (t *numberTables) extractWithoutPlus(ft *fastTables, digits []byte, sc *fastScratch) (*callingCode, []byte, extractStatus) {
	if t.idd != nil {
		end, matched, ok := t.idd.match(digits, &sc.bt)
		if !ok {
			return nil, nil, extractUndecided
		}
		if matched && (end == len(digits) || digits[end] != '0') {
			rest := digits[end:]
			if len(rest) <= 2 {
				return nil, nil, extractShort // ErrTooShortAfterIDD
			}
			code, national := ft.extractCountryCode(rest)
			if code == nil {
				return nil, nil, extractBadCC // ErrInvalidCountryCode
			}
			return code, national, extractFound
		}
	}
	if len(digits) >= len(t.ccDigits) && string(digits[:len(t.ccDigits)]) == t.ccDigits {
		pot := digits[len(t.ccDigits):]
		stripped, ok := t.stripNationalPrefix(pot, &sc.pot, sc)
		if !ok {
			return nil, nil, extractUndecided
		}
		if (!t.generalMatch(digits) && t.generalMatch(stripped)) ||
			t.lengths.test(len(digits)) == tooLong {
			return ft.codes[t.cc], stripped, extractFound
		}
	}
	return nil, nil, extractNone
}

// fastRead answers readIn(digits, plus, region) from the tables; ok is
// false when it cannot decide, and the caller asks phonenumbers. When n is
// 0, why says what phonenumbers would say is wrong.
func fastRead(digits []byte, plus bool, region string, out *[maxE164]byte) (n int, why phoneReason, ok bool) {
	var sc fastScratch
	n, why, ok = fastParse(tables(), digits, plus, region, out, &sc)
	sc.release()
	return n, why, ok
}

// statusReason is the reason of a failed extractWithoutPlus.
func statusReason(st extractStatus) phoneReason {
	if st == extractBadCC {
		return reasonBadCC
	}
	return reasonTooShort
}

// fastParse mirrors phonenumbers.Parse(text, region) + IsValidNumber +
// Format(E164) for text = ("+" if plus) + digits, where digits are ASCII.
func fastParse(ft *fastTables, digits []byte, plus bool, region string, out *[maxE164]byte, sc *fastScratch) (int, phoneReason, bool) {
	if len(digits) > maxPhoneDigits {
		return 0, 0, false
	}
	// isViablePhoneNumber: two digits alone, or three digits after '+'.
	if len(digits) < 2 || plus && len(digits) < 3 {
		return 0, reasonTooShort, true
	}
	var md *numberTables
	if i := regionIndex(region); i >= 0 {
		md = ft.regions[i]
	}
	if md == nil && !plus {
		return 0, reasonBadCC, true // checkRegionForParsing: ErrInvalidCountryCode
	}
	if md != nil && !md.ready() {
		return 0, 0, false
	}

	// maybeExtractCountryCode.
	var code *callingCode
	var national []byte
	if plus {
		// len(digits) ≥ 3 > MIN_LENGTH_FOR_NSN here.
		code, national = ft.extractCountryCode(digits)
		if code == nil {
			// ErrInvalidCountryCode after a '+': phonenumbers tries again
			// without it, and fails unless that finds a calling code.
			if md == nil {
				return 0, reasonBadCC, true
			}
			var st extractStatus
			code, national, st = md.extractWithoutPlus(ft, digits, sc)
			switch st {
			case extractFound:
			case extractNone:
				return 0, reasonBadCC, true
			case extractUndecided:
				return 0, 0, false
			default:
				return 0, statusReason(st), true
			}
		}
	} else {
		var st extractStatus
		code, national, st = md.extractWithoutPlus(ft, digits, sc)
		switch st {
		case extractUndecided:
			return 0, 0, false
		case extractShort, extractBadCC:
			return 0, statusReason(st), true
		}
	}
	meta := md
	if code != nil {
		meta = code.main
	} else {
		code, national = ft.codes[md.cc], digits
	}
	if code == nil || meta == nil || !meta.ready() {
		return 0, 0, false
	}
	if len(national) < 2 {
		return 0, reasonTooShort, true // ErrTooShortNSN
	}

	// Strip the national prefix when what remains has a possible length.
	potential, ok := meta.stripNationalPrefix(national, &sc.pot2, sc)
	if !ok {
		return 0, 0, false
	}
	switch meta.lengths.test(len(potential)) {
	case tooShort, isPossibleLocalOnly, invalidLength:
	default:
		national = potential
	}
	if len(national) < 2 {
		return 0, reasonTooShort, true // ErrTooShortNSN
	}
	if len(national) > 17 {
		return 0, reasonTooLong, true // ErrNumTooLong
	}

	// IsValidNumber: the region of the number, then its patterns.
	var reg *numberTables
	if len(code.regions) == 1 {
		reg = code.regions[0]
	} else {
		for _, r := range code.regions {
			if !r.loadDFA() { // the automata only: no prefixes needed
				return 0, 0, false
			}
			if r.leading != nil {
				if r.leading.matchesPrefix(national) {
					reg = r
					break
				}
			} else if r.validNumber(national) {
				reg = r
				break
			}
		}
	}
	if reg != nil && !reg.loadDFA() {
		return 0, 0, false
	}
	if reg == nil || !reg.validNumber(national) {
		// IsPossibleNumberWithReason: the lengths of the calling code's
		// main region.
		if !code.main.loadDFA() {
			return 0, 0, false
		}
		return 0, lengthReason(code.main.lengths.test(len(national))), true
	}

	// Format(E164).
	out[0] = '+'
	n := 1 + copy(out[1:], code.digits)
	n += copy(out[n:], national)
	return n, 0, true
}

// lengthReason turns testNumberLength's answer into a reason.
func lengthReason(r lengthResult) phoneReason {
	switch r {
	case tooShort, isPossibleLocalOnly:
		return reasonTooShort
	case tooLong:
		return reasonTooLong
	}
	return reasonInvalid
}
