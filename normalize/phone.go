package normalize

import (
	"strings"

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

func phoneNumber(raw, region string, fast bool) (Phone, error) {
	var digitBuf [maxPhoneDigits]byte
	t := readPhoneText(raw, &digitBuf)
	if t.errCode != "" {
		return Phone{}, phoneTextError(t)
	}
	if t.n == 0 {
		return Phone{}, nil // blank cell
	}
	region = upperRegion(region)

	var out [maxE164]byte
	n := readNumber(digitBuf[:t.n], t.plus, region, fast, &out)
	if n == 0 {
		return Phone{}, invalidPhoneError(&t, region)
	}
	e := out[:n]
	// Rule 5: what the API accepts, ^\+?[1-9][0-9]{6,14}$.
	if digits := n - 1; digits < 7 || digits > 15 || e[1] == '0' {
		return Phone{}, newError(phoneField, CodeUnsupportedPhoneLength,
			"msisdn is a valid phone number but the API accepts only numbers of 7 to 15 digits including the country code; use another number for this contact")
	}
	p := Phone{Extension: t.ext}
	if string(e) == t.direct {
		p.E164 = t.direct // already E.164: no allocation
	} else {
		p.E164 = string(e)
	}
	return p, nil
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

// readNumber applies rule 4 to the digits d ('+' before them if plus) and
// writes the E.164 form of the first valid reading to out, returning its
// length, or 0 when no reading is valid.
//
//   - "+digits" is read as international only.
//   - Without a region (or with one phonenumbers does not know), "00digits"
//     is read as "+digits": 00 is the international prefix of most of the
//     world, and without a region there is nothing else to read it in.
//   - Otherwise the digits are read in the region; if that is not a valid
//     number and they do not start with 00, they are read as international
//     ("16502530000" → "+16502530000").
func readNumber(d []byte, plus bool, region string, fast bool, out *[maxE164]byte) int {
	if plus {
		return readIn(d, true, "", fast, out)
	}
	known := false
	if fast {
		i := regionIndex(region)
		known = i >= 0 && tables().regions[i] != nil
	} else {
		known = supportedRegion(region)
	}
	if !known {
		if len(d) > 2 && d[0] == '0' && d[1] == '0' {
			return readIn(d[2:], true, "", fast, out)
		}
		return readIn(d, true, "", fast, out)
	}
	if n := readIn(d, false, region, fast, out); n > 0 {
		return n
	}
	if len(d) >= 2 && d[0] == '0' && d[1] == '0' {
		return 0
	}
	return readIn(d, true, "", fast, out)
}

// readIn is one reading of rule 4: phonenumbers.Parse of the text ('+' if
// plus, then digits) in region, IsValidNumber and Format(E164). The fast
// engine answers when it can decide; otherwise phonenumbers does.
func readIn(digits []byte, plus bool, region string, fast bool, out *[maxE164]byte) int {
	if fast {
		if n, ok := fastRead(digits, plus, region, out); ok {
			return n
		}
	}
	return slowRead(digits, plus, region, out)
}

// slowRead is readIn computed by phonenumbers.
func slowRead(digits []byte, plus bool, region string, out *[maxE164]byte) int {
	text := string(digits)
	if plus {
		text = "+" + text
	}
	num, err := phonenumbers.Parse(text, region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return 0
	}
	e := phonenumbers.Format(num, phonenumbers.E164)
	if len(e) > len(out) {
		return 0 // cannot happen: a national number has at most 17 digits
	}
	return copy(out[:], e)
}

// supportedRegion reports whether phonenumbers has metadata for region.
func supportedRegion(region string) bool {
	return len(region) == 2 && phonenumbers.GetSupportedRegions()[region]
}

func phoneTextError(t phoneText) *Error {
	if t.errCode == CodePhoneTruncatedByExcel {
		return newError(phoneField, CodePhoneTruncatedByExcel,
			"msisdn is in scientific notation (like 4.5E+11), so the spreadsheet may have dropped digits; format the column as text, re-enter or re-export the numbers and import again")
	}
	return newError(phoneField, t.errCode, "msisdn "+t.errWhy+"; correct the cell")
}

func invalidPhoneError(t *phoneText, region string) *Error {
	var msg string
	switch {
	case t.plus:
		msg = "msisdn is not a valid international phone number; check the country code and the number of digits"
	case supportedRegion(region):
		msg = "msisdn is not a valid phone number for region " + region +
			"; correct it, set the row's country, or write it in international format with + and the country code"
	default:
		msg = "msisdn is not a valid phone number and there is no country to read it in; write it in international format with + and the country code, or set the row's country or a default country"
	}
	return newError(phoneField, CodeInvalidPhone, msg)
}

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
