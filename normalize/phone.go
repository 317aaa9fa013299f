package normalize

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// Phone is a normalized phone number.
type Phone struct {
	// E164 is the number as '+', country code and national number, e.g.
	// "+14155550123".
	E164 string
	// Extension holds the digits of an extension split off the text (rule
	// 2), "" when there was none. It is not part of E164.
	Extension string
}

// phoneField is the API field name used in phone errors.
const phoneField = "msisdn"

// maxE164 is the size of an E.164 output buffer: '+', a country code of up
// to 3 digits and a national significant number of up to 17.
const maxE164 = 1 + 3 + 17

// PhoneNumber normalizes raw, the text of a phone cell, read in region: the
// row's country or else the default country, as an ISO 3166 alpha-2 code
// ("" when there is none). It applies the rules of the package
// documentation. A blank raw gives the zero Phone and a nil error. Every
// other failure is an *Error with Field "msisdn".
//
// PhoneNumber is safe for concurrent use. Its results are identical to
// PhoneNumberReference's, which calls phonenumbers for every number;
// PhoneNumber answers most numbers from tables compiled from the same
// metadata.
func PhoneNumber(raw, region string) (Phone, error) {
	return phoneNumber(raw, region, true)
}

// PhoneNumberReference is PhoneNumber computed with
// github.com/nyaruka/phonenumbers alone (Parse, IsValidNumber and
// Format(E164) for each reading of rule 4). It is the reference the fast
// path is tested against, and the baseline of the benchmarks; it is much
// slower and does not scale across cores.
func PhoneNumberReference(raw, region string) (Phone, error) {
	return phoneNumber(raw, region, false)
}

// AppendPhoneNumber is PhoneNumber for a caller that keeps many numbers in
// buffers of its own rather than a string each: it appends the E.164 form
// to dst and returns the extended buffer and the extension. A blank raw
// appends nothing; on error dst is returned as it was.
func AppendPhoneNumber(dst []byte, raw, region string) (b []byte, ext string, err error) {
	var out [maxE164]byte
	n, ext, _, err := phoneDigits(raw, region, true, &out)
	if err != nil {
		return dst, "", err
	}
	return append(dst, out[:n]...), ext, nil
}

func phoneNumber(raw, region string, fast bool) (Phone, error) {
	var out [maxE164]byte
	n, ext, direct, err := phoneDigits(raw, region, fast, &out)
	if err != nil || n == 0 {
		return Phone{}, err
	}
	p := Phone{Extension: ext}
	if e := out[:n]; string(e) == direct {
		p.E164 = direct // already E.164: no allocation
	} else {
		p.E164 = string(e)
	}
	return p, nil
}

// phoneDigits applies the rules to raw: it writes the E.164 form to out and
// returns its length (0 for a blank raw), the extension, and the trimmed
// raw text when it was "+digits" (which may equal the E.164 form).
func phoneDigits(raw, region string, fast bool, out *[maxE164]byte) (n int, ext, direct string, err error) {
	var digitBuf [maxPhoneDigits]byte
	t := readPhoneText(raw, &digitBuf)
	if t.errCode != "" {
		return 0, "", "", phoneTextError(t)
	}
	if t.n == 0 {
		return 0, "", "", nil // blank cell
	}
	region = upperRegion(region)

	n, rerr := readNumber(&t, raw, digitBuf[:t.n], region, engine(fast), out)
	if rerr != nil {
		return 0, "", "", rerr
	}
	// Rule 5: what the API accepts, ^\+?[1-9][0-9]{6,14}$.
	if digits := n - 1; digits < 7 || digits > 15 || out[1] == '0' {
		return 0, "", "", newError(phoneField, CodeUnsupportedPhoneLength,
			"a valid phone number, but the API accepts only numbers of 7 to 15 digits including the country code; use another number for this contact")
	}
	return n, t.ext, t.direct, nil
}

// upperRegion upper-cases an ASCII region code, allocating only when it
// has lower-case letters.
func upperRegion(region string) string {
	for i := 0; i < len(region); i++ {
		if 'a' <= region[i] && region[i] <= 'z' {
			return strings.ToUpper(region)
		}
	}
	return region
}

// engine answers rule 4's questions about the metadata: from the fast
// tables (true) or from phonenumbers (false). Both give the same answers;
// the rules that use them (readNumber) are shared.
type engine bool

// read is one reading: phonenumbers.Parse of the text ('+' if plus, then
// digits) in region, IsValidNumber and Format(E164). It writes the E.164
// form to out and returns its length, or 0 and why the reading is not a
// valid number.
func (fast engine) read(digits []byte, plus bool, region string, out *[maxE164]byte) (int, phoneReason) {
	if fast {
		if n, why, ok := fastRead(digits, plus, region, out); ok {
			return n, why
		}
	}
	return slowRead(digits, plus, region, out)
}

// region reports whether phonenumbers has metadata for region and, if
// so, its national (trunk) prefix ("" if none).
func (fast engine) region(region string) (known bool, nationalPrefix string) {
	if fast {
		if i := regionIndex(region); i >= 0 {
			if t := tables().regions[i]; t != nil {
				return true, t.np
			}
		}
		return false, ""
	}
	if !supportedRegion(region) {
		return false, ""
	}
	return true, phonenumbers.GetNddPrefixForRegion(region, false)
}

// nationalElsewhere reports whether some region reads digits (bare digits
// without a leading 0) as one of its own valid numbers other than intl, of
// a type with a closed set of lengths (mobile numbers, the fixed-line
// numbers of closed numbering plans): the digits as its national
// significant number, or after its national prefix ("89123456789" in RU).
// It is the "common competing national reading" of the rules for a number
// without a country.
func (fast engine) nationalElsewhere(digits []byte, intl string) bool {
	if fast {
		for _, t := range tables().nationalCandidates(digits) {
			if t.readsNational(digits, intl) {
				return true
			}
		}
		return false
	}
	for _, r := range referenceRegions() {
		if refCommonIn(r, digits) && !isReading(intl, r.cc, digits) {
			return true
		}
		if np := r.np; np != "" && len(digits) > len(np) && string(digits[:len(np)]) == np &&
			digits[len(np)] != '0' && refCommonIn(r, digits[len(np):]) &&
			!isReading(intl, r.cc, digits[len(np):]) {
			return true
		}
	}
	return false
}

// readsNational reports whether region t reads digits (bare digits, or its national prefix and
// then digits) as a common national number other than intl.
func (t *numberTables) readsNational(digits []byte, intl string) bool {
	// A region's automaton is decoded only when the length is possible there (commonNumber
	// checks it too).
	if t.lengths.possible&(1<<len(digits)) != 0 && t.loadDFA() &&
		t.commonNumber(digits) && !isReading(intl, t.ccDigits, digits) {
		return true
	}
	np := t.np
	return np != "" && len(digits) > len(np) && string(digits[:len(np)]) == np &&
		digits[len(np)] != '0' && t.lengths.possible&(1<<(len(digits)-len(np))) != 0 && t.loadDFA() &&
		t.commonNumber(digits[len(np):]) && !isReading(intl, t.ccDigits, digits[len(np):])
}

// isReading reports whether e164 is '+', cc and nsn.
func isReading(e164, cc string, nsn []byte) bool {
	return len(e164) == 1+len(cc)+len(nsn) && e164[1:1+len(cc)] == cc && e164[1+len(cc):] == string(nsn)
}

// refRegion is a region as the reference sees it.
type refRegion struct {
	id, cc, np string
	lengths    uint64 // bit L: the general description allows length L (all bits: any)
	common     []commonDesc
}

// commonDesc is a number type with closed lengths (closedLengths).
type commonDesc struct {
	lengths []int32
	re      *regexp.Regexp
}

var (
	refRegionsOnce sync.Once
	refRegionList  []refRegion
)

// referenceRegions lists phonenumbers' regions in order of their code.
func referenceRegions() []refRegion {
	refRegionsOnce.Do(func() {
		var ids []string
		for r := range phonenumbers.GetSupportedRegions() {
			ids = append(ids, r)
		}
		slices.Sort(ids)
		lengths := map[string]uint64{}
		common := map[string][]commonDesc{}
		if coll, err := phonenumbers.MetadataCollection(); err == nil {
			for _, m := range coll.GetMetadata() {
				var mask uint64
				for _, l := range m.GetGeneralDesc().GetPossibleLength() {
					if l >= 0 && l < 64 {
						mask |= 1 << l
					}
				}
				if len(m.GetGeneralDesc().GetPossibleLength()) == 0 {
					mask = ^uint64(0)
				}
				lengths[m.GetId()] = mask
				descs := []*phonenumbers.PhoneNumberDesc{m.GetPremiumRate(), m.GetTollFree(), m.GetSharedCost(), m.GetVoip(),
					m.GetPersonalNumber(), m.GetPager(), m.GetUan(), m.GetVoicemail(), m.GetFixedLine()}
				if !m.GetSameMobileAndFixedLinePattern() {
					descs = append(descs, m.GetMobile())
				}
				for _, d := range descs {
					if closedLengths(d.GetPossibleLength()) {
						common[m.GetId()] = append(common[m.GetId()], commonDesc{d.GetPossibleLength(),
							regexp.MustCompile("^(?:" + d.GetNationalNumberPattern() + ")$")})
					}
				}
			}
		}
		for _, id := range ids {
			refRegionList = append(refRegionList, refRegion{id: id,
				cc:      strconv.Itoa(phonenumbers.GetCountryCodeForRegion(id)),
				np:      phonenumbers.GetNddPrefixForRegion(id, false),
				lengths: lengths[id], common: common[id]})
		}
	})
	return refRegionList
}

// refCommonIn reports whether nsn is a valid number of r of a type with
// closed lengths.
func refCommonIn(r refRegion, nsn []byte) bool {
	if !refValidIn(r, nsn) {
		return false
	}
	for _, d := range r.common {
		if slices.Contains(d.lengths, int32(len(nsn))) && d.re.MatchString(string(nsn)) {
			return true
		}
	}
	return false
}

// refValidIn is IsValidNumberForRegion of the national significant number
// nsn (no leading 0) in r.
func refValidIn(r refRegion, nsn []byte) bool {
	if len(nsn) < 2 || len(nsn) > 17 || nsn[0] == '0' {
		return false
	}
	if r.lengths&(1<<len(nsn)) == 0 {
		return false // IsValidNumberForRegion checks the general description's lengths first
	}
	v, err := strconv.ParseUint(string(nsn), 10, 64)
	if err != nil {
		return false
	}
	cc, _ := strconv.Atoi(r.cc)
	cc32 := int32(cc)
	num := &phonenumbers.PhoneNumber{CountryCode: &cc32, NationalNumber: &v}
	return phonenumbers.IsValidNumberForRegion(num, r.id)
}

// readNumber applies rule 4 to the digits d of t in region, writes the
// E.164 form of the reading it accepts to out and returns its length, or
// returns why it accepts none. See the package documentation for the
// rules and their tie-breaks.
func readNumber(t *phoneText, raw string, d []byte, region string, eng engine, out *[maxE164]byte) (int, *Error) {
	// '+': international, and nothing else.
	if t.plus {
		n, why := eng.read(d, true, "", out)
		if n == 0 {
			return 0, invalidPhoneError(why, "")
		}
		return n, nil
	}
	starts00 := len(d) > 2 && d[0] == '0' && d[1] == '0'

	known, np := eng.region(region)
	if !known {
		switch {
		case starts00:
			// 00 is the international prefix of most of the world.
			n, why := eng.read(d[2:], true, "", out)
			if n == 0 {
				return 0, invalidPhoneError(why, "")
			}
			return n, nil
		case d[0] == '0' || t.paren:
			return 0, needsCountryError(whyWrittenNationally)
		}
		n, why := eng.read(d, true, "", out)
		intl := string(out[:n])
		if eng.nationalElsewhere(d, intl) {
			return 0, needsCountryError(whyCouldBeNational)
		}
		if n == 0 {
			return 0, invalidPhoneError(why, "")
		}
		return n, nil
	}

	// A known country. The national reading, as phonenumbers reads the
	// text in the region (its international prefix included: "011 49 …"
	// in US).
	n, why := eng.read(d, false, region, out)
	if starts00 {
		if n > 0 {
			return n, nil
		}
		// 00 is an international prefix, even where the region's is
		// another one.
		m, _ := eng.read(d[2:], true, "", out)
		if m == 0 {
			return 0, invalidPhoneError(why, region)
		}
		return m, nil
	}
	if t.paren || np != "" && len(d) > len(np) && string(d[:len(np)]) == np {
		// National cues: the national reading only.
		if n == 0 {
			return 0, invalidPhoneError(why, region)
		}
		return n, nil
	}
	// Bare digits: both readings.
	var intlBuf [maxE164]byte
	m := 0
	if !bool(eng) || tables().maybeInternational(d) { // a shortcut: the reading would fail
		m, _ = eng.read(d, true, "", &intlBuf)
	}
	if (n > 0 || m > 0) && t.ngroups == 1 && d[0] != '0' && (np == "" || np[0] != '0') && len(d) < maxPhoneDigits {
		// Where national numbers may start with 0 that is not a national
		// prefix (Italy, Gabon), a spreadsheet that dropped it leaves
		// another number: the digits with their 0 back compete too.
		var zd [maxPhoneDigits]byte
		zd[0] = '0'
		k := 1 + copy(zd[1:], d)
		var zBuf [maxE164]byte
		if z, _ := eng.read(zd[:k], false, region, &zBuf); z > 0 {
			zero := string(zBuf[:z])
			switch {
			case n > 0 && zero != string(out[:n]) && !eng.writtenNationally(string(out[:n]), d):
				return 0, ambiguousZeroError(region, string(out[:n]), zero)
			case n == 0 && m > 0 && zero != string(intlBuf[:m]):
				return 0, ambiguousZeroError(region, string(intlBuf[:m]), zero)
			}
		}
	}
	switch {
	case n == 0 && m == 0:
		return 0, invalidPhoneError(why, region)
	case m == 0:
		return n, nil
	case n == 0 || string(out[:n]) == string(intlBuf[:m]):
		return copy(out[:], intlBuf[:m]), nil
	}
	national, intl := string(out[:n]), string(intlBuf[:m])
	switch tieBreak(t, raw, d, region, national, intl, eng) {
	case pickNational:
		return n, nil
	case pickInternational:
		return copy(out[:], intlBuf[:m]), nil
	}
	return 0, ambiguousError(region, national, intl)
}

type pick int

const (
	pickNone pick = iota
	pickNational
	pickInternational
)

// tieBreak decides between two valid, different readings of bare digits
// d in region, or picks none. Both engines decide alike: the fast one
// answers from its tables what phonenumbers' formatting would.
//
//  1. Grouping: text written in groups is national ("201 547 5000" in
//     US), unless its first group is the calling code of the
//     international reading; then it is national if its groups are those
//     of the national format of the national reading (its national prefix
//     left out: "220 919 5242" in MX), else international if they are
//     those of the international format ("44 7400 123456" in DE).
//  2. Convention: digits written without groups that are exactly how the
//     region writes the national reading (a national format without a
//     national prefix: ten digits in the NANP, "0212345678" in Italy) are
//     national, unless the international reading is a number of the same
//     calling code (the digits start with the region's own code).
func tieBreak(t *phoneText, raw string, d []byte, region, national, intl string, eng engine) pick {
	if t.ngroups > 1 {
		// International format starts with the calling code as a group of
		// its own; text that does not is written nationally.
		icc, _ := SplitE164(intl)
		runs := digitRuns(raw)
		if len(runs) == 0 || runs[0] != len(icc)-1 || string(d[:len(icc)-1]) != icc[1:] {
			return pickNational
		}
		nat, err := e164Number(national)
		if err != nil {
			return pickNone
		}
		in, err := e164Number(intl)
		if err != nil {
			return pickNone
		}
		np := phonenumbers.GetNddPrefixForRegion(region, true)
		natMatch := sameGroups(runs, phonenumbers.Format(nat, phonenumbers.NATIONAL), np)
		intlMatch := sameGroups(runs, strings.TrimPrefix(phonenumbers.Format(in, phonenumbers.INTERNATIONAL), "+"), "")
		switch {
		case natMatch:
			return pickNational // the country's own writing, even if it also looks international
		case intlMatch:
			return pickInternational
		}
		return pickNone
	}
	cc, _ := SplitE164(national)
	if !strings.HasPrefix(intl, cc) && eng.writtenNationally(national, d) {
		return pickNational
	}
	return pickNone
}

// writtenNationally reports whether digits d are exactly the digits of
// the national format of the valid number e164: how its country writes it
// at home.
func (fast engine) writtenNationally(e164 string, d []byte) bool {
	if fast {
		if c, nsn := tables().extractCountryCode([]byte(e164[1:])); c != nil && c.main != nil && c.main.natPlain {
			// The national format adds nothing to the national number.
			return string(nsn) == string(d)
		}
	}
	num, err := e164Number(e164)
	return err == nil && digitsOf(phonenumbers.Format(num, phonenumbers.NATIONAL)) == string(d)
}

// sameGroups reports whether the digit runs of the text are those of
// formatted, leaving out a leading national prefix np.
func sameGroups(textRuns []int, formatted, np string) bool {
	var runs []int
	run := 0
	for i := 0; i < len(formatted); i++ {
		if c := formatted[i]; '0' <= c && c <= '9' {
			run++
		} else if run > 0 {
			runs = append(runs, run)
			run = 0
		}
	}
	if run > 0 {
		runs = append(runs, run)
	}
	if np != "" && strings.HasPrefix(digitsOf(formatted), np) && len(runs) > 0 {
		runs[0] -= len(np)
		if runs[0] == 0 {
			runs = runs[1:]
		}
	}
	return slices.Equal(runs, textRuns)
}

// digitsOf returns the ASCII digits of s.
func digitsOf(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// slowRead is engine.read computed by phonenumbers.
func slowRead(digits []byte, plus bool, region string, out *[maxE164]byte) (int, phoneReason) {
	text := string(digits)
	if plus {
		text = "+" + text
	}
	num, err := phonenumbers.Parse(text, region)
	if err != nil {
		switch err {
		case phonenumbers.ErrInvalidCountryCode:
			return 0, reasonBadCC
		case phonenumbers.ErrNumTooLong:
			return 0, reasonTooLong
		case phonenumbers.ErrTooShortNSN, phonenumbers.ErrTooShortAfterIDD, phonenumbers.ErrNotANumber:
			return 0, reasonTooShort
		}
		return 0, reasonInvalid
	}
	if !phonenumbers.IsValidNumber(num) {
		switch phonenumbers.IsPossibleNumberWithReason(num) {
		case phonenumbers.TOO_SHORT, phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
			return 0, reasonTooShort
		case phonenumbers.TOO_LONG:
			return 0, reasonTooLong
		case phonenumbers.INVALID_COUNTRY_CODE:
			return 0, reasonBadCC
		}
		return 0, reasonInvalid
	}
	e := phonenumbers.Format(num, phonenumbers.E164)
	if len(e) > len(out) {
		return 0, reasonTooLong // cannot happen: a national number has at most 17 digits
	}
	return copy(out[:], e), 0
}

// supportedRegion reports whether phonenumbers has metadata for region.
func supportedRegion(region string) bool {
	return len(region) == 2 && phonenumbers.GetSupportedRegions()[region]
}

// phoneReason says why a reading is not a valid number.
type phoneReason uint8

const (
	reasonInvalid  phoneReason = iota // a possible length, but no number in use
	reasonTooShort                    // fewer digits than any number there
	reasonTooLong                     // more digits than any number there
	reasonBadCC                       // no country has this calling code
)

// Why a number needs a country, for the message.
const (
	whyWrittenNationally = "written as a national number"
	whyCouldBeNational   = "without a + these digits could also be a national number"
)

func phoneTextError(t phoneText) *Error {
	if t.errCode == CodePhoneTruncatedByExcel {
		return newError(phoneField, CodePhoneTruncatedByExcel,
			"in scientific notation (like 4.5E+11), so the spreadsheet may have dropped digits; format the column as text, re-enter or re-export the numbers and import again")
	}
	return newError(phoneField, t.errCode, t.errWhy)
}

// invalidPhoneError is an invalid_phone error for a reading that failed
// for why, in region ("" for an international reading).
func invalidPhoneError(why phoneReason, region string) *Error {
	var msg string
	switch {
	case why == reasonBadCC:
		msg = "unknown country calling code; check the digits after + or 00"
	case why == reasonTooShort && region == "":
		msg = "too short for a phone number; check for missing digits"
	case why == reasonTooShort:
		msg = "too short for a phone number in " + region + "; check for missing digits"
	case why == reasonTooLong && region == "":
		msg = "too long for a phone number; check for extra digits or two numbers in one cell"
	case why == reasonTooLong:
		msg = "too long for a phone number in " + region + "; check for extra digits or two numbers in one cell"
	case region == "":
		msg = "not a phone number in use; check the digits"
	default:
		msg = "not a phone number in use in " + region + "; check the digits, or write it with + and the country code if it is from another country"
	}
	return newError(phoneField, CodeInvalidPhone, msg)
}

func needsCountryError(why string) *Error {
	return newError(phoneField, CodePhoneNeedsCountry,
		"needs a country: "+why+"; add a country column or -country, or write it with + and the country code")
}

func ambiguousError(region, national, intl string) *Error {
	return newError(phoneField, CodeAmbiguousPhone,
		"ambiguous: in "+region+" it reads as "+formatIntl(national)+", written with + it is "+formatIntl(intl)+
			"; write it with + and the country code, or the national number with its national prefix")
}

func ambiguousZeroError(region, reading, zero string) *Error {
	return newError(phoneField, CodeAmbiguousPhone,
		"ambiguous: it reads as "+formatIntl(reading)+", but with the leading 0 a spreadsheet may have dropped it is "+formatIntl(zero)+
			" ("+region+"); format the column as text and write the number as dialled, or with + and the country code")
}

// formatIntl writes an E.164 number in international format.
func formatIntl(e164 string) string {
	num, err := e164Number(e164)
	if err != nil {
		return e164
	}
	return phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
}

// e164Number is phonenumbers.Parse(e164, "") for a valid E.164 number,
// built directly: Parse runs several regular expressions over the text.
func e164Number(e164 string) (*phonenumbers.PhoneNumber, error) {
	cc, nsn := SplitE164(e164)
	if cc == "" || len(nsn) < 2 || len(nsn) > 17 {
		return nil, errNotE164
	}
	v, err := strconv.ParseUint(nsn, 10, 64)
	if err != nil {
		return nil, errNotE164
	}
	code, _ := strconv.Atoi(cc[1:])
	code32 := int32(code)
	num := &phonenumbers.PhoneNumber{CountryCode: &code32, NationalNumber: &v}
	// setItalianLeadingZerosForPhoneNumber.
	if nsn[0] == '0' {
		yes := true
		num.ItalianLeadingZero = &yes
		zeros := int32(1)
		for int(zeros) < len(nsn)-1 && nsn[zeros] == '0' {
			zeros++
		}
		if zeros != 1 {
			num.NumberOfLeadingZeros = &zeros
		}
	}
	return num, nil
}

var errNotE164 = errors.New("normalize: not an E.164 number")

// SplitE164 splits an E.164 number into its country calling code with the
// '+' and the national significant number: "+14155550123" → "+1",
// "4155550123" (Kore.ai's cellPhoneCountryCode and phone fields). It
// returns "", e164 when e164 does not start with '+' and a known country
// calling code.
func SplitE164(e164 string) (countryCode, national string) {
	if len(e164) < 2 || e164[0] != '+' || e164[1] == '0' {
		return "", e164
	}
	cc := 0
	for i := 1; i <= 3 && i < len(e164); i++ {
		c := e164[i]
		if c < '0' || c > '9' {
			break
		}
		cc = cc*10 + int(c-'0')
		if callingCodeKnown(cc) {
			return e164[:i+1], e164[i+1:]
		}
	}
	return "", e164
}

// callingCodeKnown reports whether cc is a country calling code phonenumbers
// knows. The map is read-only after phonenumbers' initialization.
func callingCodeKnown(cc int) bool {
	return cc > 0 && phonenumbers.GetSupportedCallingCodes()[cc]
}
