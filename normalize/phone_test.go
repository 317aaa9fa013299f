package normalize

import (
	"errors"
	"regexp"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type phoneCase struct {
	name, raw, region string
	want, ext         string
	code              string // expected *Error code, "" for success
}

// checkPhone runs a case through f (PhoneNumber or PhoneNumberReference).
func checkPhone(t *testing.T, f func(string, string) (Phone, error), c phoneCase) {
	t.Helper()
	p, err := f(c.raw, c.region)
	if c.code != "" {
		var e *Error
		require.Error(t, err)
		require.True(t, errors.As(err, &e), "error %T is not *Error", err)
		assert.Equal(t, c.code, e.Code)
		assert.Equal(t, "msisdn", e.Field)
		assert.Equal(t, Phone{}, p)
		return
	}
	require.NoError(t, err)
	assert.Equal(t, c.want, p.E164)
	assert.Equal(t, c.ext, p.Extension)
}

var apiMsisdn = regexp.MustCompile(`^\+?[1-9][0-9]{6,14}$`)

// Rule 1: cleaning.
var cleaningCases = []phoneCase{
	{name: "e164", raw: "+4930123456", want: "+4930123456"},
	{name: "trim", raw: " \t+4930123456 \n", want: "+4930123456"},
	{name: "spaces", raw: "+49 30 123456", want: "+4930123456"},
	{name: "nbsp and thin space", raw: "+49\u00a030\u2009123\u202f456", want: "+4930123456"},
	{name: "ideographic space", raw: "+49\u300030\u3000123456", want: "+4930123456"},
	{name: "ascii dashes", raw: "+1-650-253-0000", want: "+16502530000"},
	{name: "unicode dashes", raw: "+1\u2010650\u2013253\u20140000", want: "+16502530000"},
	{name: "minus sign", raw: "+1\u2212650\u2212253\u22120000", want: "+16502530000"},
	{name: "dots", raw: "+1.650.253.0000", want: "+16502530000"},
	{name: "fullwidth dots", raw: "+1\uff0e650\uff0e253\uff0e0000", want: "+16502530000"},
	{name: "parentheses", raw: "(650) 253-0000", region: "US", want: "+16502530000"},
	{name: "fullwidth parentheses", raw: "\uff08650\uff09253-0000", region: "US", want: "+16502530000"},
	{name: "trunk zero in parentheses", raw: "+44 (0) 7400 123456", want: "+447400123456"},
	{name: "slash", raw: "030/123456", region: "DE", want: "+4930123456"},
	{name: "fullwidth digits and plus", raw: "\uff0b\uff14\uff19\uff13\uff10\uff11\uff12\uff13\uff14\uff15\uff16", want: "+4930123456"},
	{name: "arabic-indic digits", raw: "+٤٩٣٠١٢٣٤٥٦", want: "+4930123456"},
	{name: "extended arabic-indic digits", raw: "+۴۹۳۰۱۲۳۴۵۶", want: "+4930123456"},
	{name: "devanagari digits", raw: "+९१७४१०४१०१२३", want: "+917410410123"},
	{name: "excel text marker", raw: "'+4930123456", want: "+4930123456"},
	{name: "excel text marker national", raw: "'030 123456", region: "DE", want: "+4930123456"},
	{name: "excel formula text", raw: `="+4930123456"`, want: "+4930123456"},
	{name: "excel formula text national", raw: `="0030123456"`, region: "DE", code: CodeInvalidPhone},
	{name: "excel formula text with spaces", raw: ` ="030 123456" `, region: "DE", want: "+4930123456"},
	{name: "tel prefix", raw: "tel:+4930123456", want: "+4930123456"},
	{name: "TEL prefix upper", raw: "TEL:+49-30-123456", want: "+4930123456"},
	{name: "tel prefix national", raw: "tel:030123456", region: "DE", want: "+4930123456"},
	{name: "zero width space and bom", raw: "\ufeff+4930123456\u200b", want: "+4930123456"},
	{name: "letters rejected", raw: "+49 30 123456 home", code: CodeInvalidPhone},
	{name: "vanity rejected", raw: "1-800-FLOWERS", region: "US", code: CodeInvalidPhone},
	{name: "star rejected", raw: "*31#0612345678", region: "NL", code: CodeInvalidPhone},
	{name: "plus in the middle rejected", raw: "49+30123456", code: CodeInvalidPhone},
	{name: "two pluses rejected", raw: "++4930123456", code: CodeInvalidPhone},
	{name: "no digits", raw: "(-)", code: CodeInvalidPhone},
	{name: "marker only is blank", raw: "'", want: ""},
	{name: "blank", raw: " \u00a0 ", want: ""},
	{name: "empty formula is blank", raw: `=""`, want: ""},
	{name: "too long", raw: "+4930123456789012345678901234567890123", code: CodeInvalidPhone},
	{name: "huge input", raw: string(make([]byte, 300)), code: CodeInvalidPhone},
}

// Rule 2: extensions.
var extensionCases = []phoneCase{
	{name: "rfc3966", raw: "+1-650-253-0000;ext=123", want: "+16502530000", ext: "123"},
	{name: "tel uri with ext", raw: "tel:+1-650-253-0000;ext=123", want: "+16502530000", ext: "123"},
	{name: "ext dot", raw: "(650) 253-0000 ext. 12", region: "US", want: "+16502530000", ext: "12"},
	{name: "ext colon", raw: "+16502530000 ext: 12", want: "+16502530000", ext: "12"},
	{name: "Ext no space", raw: "+16502530000 Ext12", want: "+16502530000", ext: "12"},
	{name: "extn", raw: "+16502530000 extn 4567", want: "+16502530000", ext: "4567"},
	{name: "extension word", raw: "+16502530000 extension 4567", want: "+16502530000", ext: "4567"},
	{name: "x attached", raw: "650-253-0000x12", region: "US", want: "+16502530000", ext: "12"},
	{name: "x spaced", raw: "650-253-0000 x 12", region: "US", want: "+16502530000", ext: "12"},
	{name: "X upper", raw: "+16502530000 X12", want: "+16502530000", ext: "12"},
	{name: "hash", raw: "+16502530000 #12", want: "+16502530000", ext: "12"},
	{name: "trailing hash", raw: "+16502530000 ext 12#", want: "+16502530000", ext: "12"},
	{name: "comma before label", raw: "+16502530000, ext. 12", want: "+16502530000", ext: "12"},
	{name: "fullwidth ext", raw: "+16502530000 \uff45\uff58\uff54 12", want: "+16502530000", ext: "12"},
	{name: "extension of invalid number", raw: "+1650 ext 12", code: CodeInvalidPhone},
	{name: "word is not a label", raw: "+16502530000 box 12", code: CodeInvalidPhone},
	{name: "extension too long", raw: "+16502530000 ext 123456789012345678901", code: CodeInvalidPhone},
	{name: "label without number", raw: "ext 12", code: CodeInvalidPhone},
}

// Rule 3: Excel damage.
var excelCases = []phoneCase{
	{name: "sci exact", raw: "4.47400123456E+11", region: "US", want: "+447400123456"},
	{name: "sci exact lower e", raw: "4.47400123456e+11", region: "US", want: "+447400123456"},
	{name: "sci exact no plus sign in exponent", raw: "4.47400123456E11", region: "US", want: "+447400123456"},
	{name: "sci exact decimal comma", raw: "4,47400123456E+11", region: "US", want: "+447400123456"},
	{name: "sci exact in region", raw: "4.47400123456E+11", region: "GB", want: "+447400123456"},
	{name: "sci exact nanp", raw: "1.6502530000E+10", region: "CA", want: "+16502530000"},
	{name: "sci exact with trailing zeros", raw: "1.6502530000E+10", region: "US", want: "+16502530000"},
	{name: "sci trailing zeros dropped", raw: "1.650253E+10", region: "US", code: CodePhoneTruncatedByExcel},
	{name: "sci exact two integer digits", raw: "44.7400123456E+10", region: "US", want: "+447400123456"},
	{name: "sci exact extra zero decimals", raw: "4.4740012345600E+11", region: "US", want: "+447400123456"},
	{name: "sci exact quoted", raw: "'4.47400123456E+11", region: "US", want: "+447400123456"},
	{name: "sci truncated general cell", raw: "4.47911E+11", code: CodePhoneTruncatedByExcel},
	{name: "sci truncated one digit short", raw: "4.4740012345E+11", code: CodePhoneTruncatedByExcel},
	{name: "sci truncated in region", raw: "4.47911E+11", region: "GB", code: CodePhoneTruncatedByExcel},
	{name: "sci truncated no fraction", raw: "4E+11", code: CodePhoneTruncatedByExcel},
	{name: "sci truncated decimal comma", raw: "4,47911E+11", code: CodePhoneTruncatedByExcel},
	{name: "sci with fraction", raw: "4.474001234567E+11", code: CodeInvalidPhone},
	{name: "sci negative exponent", raw: "4.47E-11", code: CodeInvalidPhone},
	{name: "trailing .0", raw: "447400123456.0", region: "US", want: "+447400123456"},
	{name: "trailing .00", raw: "16502530000.00", region: "US", want: "+16502530000"},
	{name: "trailing .0 national", raw: "30123456.0", region: "DE", want: "+4930123456"},
	{name: "trailing .5 is not a number", raw: "447400123456.5", region: "US", code: CodeInvalidPhone},
	{name: "dotted number stays", raw: "030.123456", region: "DE", want: "+4930123456"},
	{name: "leading zero: dots are separators, not a decimal part", raw: "036605.000", region: "DE", want: "+4936605000"},
}

// Rules 4 and 5: reading.
var readingCases = []phoneCase{
	// Country known, national cues: the national reading only.
	{name: "national in region", raw: "030 123456", region: "DE", want: "+4930123456"},
	{name: "national in lower-case region", raw: "030 123456", region: "de", want: "+4930123456"},
	{name: "national mobile", raw: "01512 3456789", region: "DE", want: "+4915123456789"},
	{name: "national us", raw: "(201) 555-0123", region: "US", want: "+12015550123"},
	{name: "us with trunk 1", raw: "1 201 555 0123", region: "US", want: "+12015550123"},
	{name: "trunk prefix: national only", raw: "0447400123456", region: "DE", want: "+49447400123456"},
	{name: "parentheses: national only", raw: "(4474) 00123456", region: "DE", want: "+49447400123456"},
	{name: "trunk prefix invalid is not re-read", raw: "0447400123", region: "GB", code: CodeInvalidPhone},
	// International cues: '+', 00, the region's international prefix.
	{name: "idd in region", raw: "0049 30 123456", region: "FR", want: "+4930123456"},
	{name: "us idd 011", raw: "011 49 30 123456", region: "US", want: "+4930123456"},
	{name: "00 where the idd is another", raw: "0044 7400 123456", region: "US", want: "+447400123456"},
	{name: "00 without region", raw: "0044 7400 123456", want: "+447400123456"},
	{name: "plus is never re-read", raw: "+030123456", region: "DE", code: CodeInvalidPhone},
	{name: "unknown region treated as none", raw: "+4930123456", region: "XX", want: "+4930123456"},
	// Country known, bare digits: one valid reading, or both the same.
	{name: "cc without plus in region", raw: "49 30 123456", region: "DE", want: "+4930123456"},
	{name: "international when the national reading is invalid", raw: "16502530000", region: "GB", want: "+16502530000"},
	{name: "excel dropped the plus, other country", raw: "447400123456", region: "US", want: "+447400123456"},
	{name: "excel dropped the plus, own country", raw: "447400123456", region: "GB", want: "+447400123456"},
	{name: "excel dropped the trunk 0", raw: "7400123456", region: "GB", want: "+447400123456"},
	// Country known, bare digits, two valid readings.
	{name: "seen: DE, excel dropped + or 0", raw: "447400123456", region: "DE", code: CodeAmbiguousPhone},
	{name: "ambiguous with own calling code", raw: "4930123456", region: "DE", want: "+4930123456"},
	{name: "nanp convention: 10 digits are national", raw: "2015475000", region: "US", want: "+12015475000"},
	{name: "nanp convention with groups", raw: "201 547 5000", region: "US", want: "+12015475000"},
	{name: "grouping like the international format", raw: "20 15 475000", region: "US", want: "+2015475000"},
	{name: "italian mobile written bare is national", raw: "3123456789", region: "IT", want: "+393123456789"},
	{name: "a dropped leading 0 that is not a prefix", raw: "6031234", region: "GA", code: CodeAmbiguousPhone},
	// No country, no international cue.
	{name: "seen: nanp national without country", raw: "(201) 547-5000", code: CodePhoneNeedsCountry},
	{name: "10 bare digits without country", raw: "2015475000", code: CodePhoneNeedsCountry},
	{name: "10 digits in groups without country", raw: "201-547-5000", code: CodePhoneNeedsCountry},
	{name: "trunk 0 without country", raw: "030 123456", code: CodePhoneNeedsCountry},
	{name: "unknown region, national", raw: "030123456", region: "AQ", code: CodePhoneNeedsCountry},
	{name: "excel dropped the plus: germany's open plan does not compete", raw: "447400123456", want: "+447400123456"},
	{name: "mexican national format that looks like gambia", raw: "220 919 5242", region: "MX", want: "+522209195242"},
	{name: "cc and number, also a chinese mobile", raw: "16502530000", code: CodePhoneNeedsCountry},
	{name: "no national reading anywhere", raw: "905321234567", want: "+905321234567"},
	{name: "bare digits valid nowhere", raw: "1234", code: CodeInvalidPhone},
	// Reasons.
	{name: "too short is invalid", raw: "12", region: "US", code: CodeInvalidPhone},
	{name: "possible but invalid", raw: "+16511112222", code: CodeInvalidPhone},
	{name: "possible but invalid national", raw: "(651) 111-2222", region: "US", code: CodeInvalidPhone},
	{name: "too long", raw: "+4930123456789012345", code: CodeInvalidPhone},
	{name: "unknown country code", raw: "+999123456789", code: CodeInvalidPhone},
	// Regions with special national prefixes.
	{name: "argentina mobile national", raw: "011 15-2345-6789", region: "AR", want: "+5491123456789"},
	{name: "argentina mobile international", raw: "+54 9 11 2345-6789", want: "+5491123456789"},
	{name: "brazil carrier code", raw: "0 15 11 96123-4567", region: "BR", want: "+5511961234567"},
	{name: "italy keeps leading zero", raw: "02 1234 5678", region: "IT", want: "+390212345678"},
	{name: "russia trunk 8", raw: "8 (912) 345-67-89", region: "RU", want: "+79123456789"},
	{name: "non-geographic", raw: "+800 1234 5678", want: "+80012345678"},
	{name: "isle of man shares 44", raw: "+44 7624 123456", want: "+447624123456"},
	{name: "canada shares 1", raw: "+1 613 555 0123", want: "+16135550123"},
	// Rule 5: valid, but outside what the API accepts.
	{name: "too many digits for the api", raw: "+49 30 1234567890123", code: CodeUnsupportedPhoneLength},
	{name: "too few digits for the api", raw: "+98 9601", code: CodeUnsupportedPhoneLength},
}

func TestPhoneNumberRules(t *testing.T) {
	groups := map[string][]phoneCase{
		"rule1-cleaning":   cleaningCases,
		"rule2-extensions": extensionCases,
		"rule3-excel":      excelCases,
		"rule4-5-reading":  readingCases,
	}
	impls := map[string]func(string, string) (Phone, error){
		"fast":      PhoneNumber,
		"reference": PhoneNumberReference,
	}
	for gname, cases := range groups {
		for iname, f := range impls {
			for _, c := range cases {
				t.Run(gname+"/"+iname+"/"+c.name, func(t *testing.T) {
					checkPhone(t, f, c)
				})
			}
		}
	}
}

// TestAppendPhoneNumber holds AppendPhoneNumber to PhoneNumber on every rule's cases: the same
// E.164 form appended after what dst held, the same extension and error, dst untouched on error;
// and no allocation when dst has room.
func TestAppendPhoneNumber(t *testing.T) {
	for _, cases := range [][]phoneCase{cleaningCases, extensionCases, excelCases, readingCases} {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p, perr := PhoneNumber(c.raw, c.region)
				dst := append(make([]byte, 0, 64), "prefix"...)
				b, ext, err := AppendPhoneNumber(dst, c.raw, c.region)
				assert.Equal(t, perr, err)
				assert.Equal(t, "prefix"+p.E164, string(b))
				assert.Equal(t, p.Extension, ext)
			})
		}
	}
	if !raceEnabled {
		buf := make([]byte, 0, 64)
		assert.Zero(t, testing.AllocsPerRun(100, func() { _, _, _ = AppendPhoneNumber(buf, "030 123456", "DE") }))
	}
}

func TestPhoneNumberOutputMatchesAPI(t *testing.T) {
	for _, cases := range [][]phoneCase{cleaningCases, extensionCases, excelCases, readingCases} {
		for _, c := range cases {
			p, err := PhoneNumber(c.raw, c.region)
			if err == nil && p.E164 != "" {
				assert.Regexp(t, apiMsisdn, p.E164, c.name)
			}
		}
	}
}

func TestPhoneErrorsDoNotEchoNumbers(t *testing.T) {
	for _, cases := range [][]phoneCase{cleaningCases, extensionCases, excelCases, readingCases} {
		for _, c := range cases {
			if c.code == "" {
				continue
			}
			_, err := PhoneNumber(c.raw, c.region)
			require.Error(t, err, c.name)
			msg := err.Error()
			assert.NotContains(t, msg, "msisdn", c.name) // the caller names the column
			if c.code != CodeAmbiguousPhone {            // it shows both readings: the user must choose
				assert.NotRegexp(t, `[0-9]{5,}`, msg, c.name)
			}
			assert.Equal(t, msg, err.(*Error).Message)
		}
	}
}

// TestPhoneMessages checks that each rejection says in plain words what is
// wrong and what to do (issue 14 §4).
func TestPhoneMessages(t *testing.T) {
	cases := []struct{ raw, region, code, msg string }{
		{"12", "US", CodeInvalidPhone, "too short for a phone number in US; check for missing digits"},
		{"030", "DE", CodeInvalidPhone, "too short for a phone number in DE; check for missing digits"},
		{"+4930123456789012345", "", CodeInvalidPhone, "too long for a phone number; check for extra digits or two numbers in one cell"},
		{"+999123456789", "", CodeInvalidPhone, "unknown country calling code; check the digits after + or 00"},
		{"1-800-FLOWERS", "US", CodeInvalidPhone, `letters or symbols in a phone number; keep only the number (an extension may follow as "ext. 12")`},
		{"(651) 111-2222", "US", CodeInvalidPhone, "not a phone number in use in US; check the digits, or write it with + and the country code if it is from another country"},
		{"(201) 547-5000", "", CodePhoneNeedsCountry, "needs a country: written as a national number; add a country column or -country, or write it with + and the country code"},
		{"2015475000", "", CodePhoneNeedsCountry, "needs a country: without a + these digits could also be a national number; add a country column or -country, or write it with + and the country code"},
		{"447400123456", "DE", CodeAmbiguousPhone, "ambiguous: in DE it reads as +49 4474 00123456, written with + it is +44 7400 123456; write it with + and the country code, or the national number with its national prefix"},
		{"4.47911E+11", "", CodePhoneTruncatedByExcel, "in scientific notation (like 4.5E+11), so the spreadsheet may have dropped digits; format the column as text, re-enter or re-export the numbers and import again"},
	}
	for _, c := range cases {
		for name, f := range map[string]phoneFunc{"fast": PhoneNumber, "reference": PhoneNumberReference} {
			_, err := f(c.raw, c.region)
			var e *Error
			if assert.True(t, errors.As(err, &e), "%s %q", name, c.raw) {
				assert.Equal(t, c.code, e.Code, "%s %q", name, c.raw)
				assert.Equal(t, c.msg, e.Message, "%s %q", name, c.raw)
			}
		}
	}
}

func TestPhoneNumberE164NoAllocation(t *testing.T) {
	raw := "+4930123456"
	p, err := PhoneNumber(raw, "")
	require.NoError(t, err)
	assert.Equal(t, raw, p.E164)
	if !raceEnabled {
		assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = PhoneNumber(raw, "") }))
		assert.LessOrEqual(t, testing.AllocsPerRun(100, func() { _, _ = PhoneNumber("030 123456", "DE") }), 1.0)
	}
}

func TestDigitValueTable(t *testing.T) {
	// digitValue relies on every Nd range being whole runs of ten digits.
	for _, rg := range unicode.Nd.R16 {
		assert.EqualValues(t, 1, rg.Stride)
		assert.Zero(t, (int(rg.Hi)-int(rg.Lo)+1)%10, "range %U-%U", rg.Lo, rg.Hi)
	}
	for _, rg := range unicode.Nd.R32 {
		assert.EqualValues(t, 1, rg.Stride)
		assert.Zero(t, (int(rg.Hi)-int(rg.Lo)+1)%10, "range %U-%U", rg.Lo, rg.Hi)
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		v, ok := digitValue(r)
		assert.Equal(t, unicode.IsDigit(r), ok, "%U", r)
		if ok && r < 0x10000 && unicode.IsDigit(r-rune(v)) {
			// the run's zero is v code points before r
			_, isZero := digitValue(r - rune(v))
			assert.True(t, isZero)
		}
	}
}

func TestSplitE164(t *testing.T) {
	cases := []struct{ in, cc, nat string }{
		{"+14155550123", "+1", "4155550123"},
		{"+4930123456", "+49", "30123456"},
		{"+3531234567", "+353", "1234567"},
		{"+80012345678", "+800", "12345678"},
		{"+79123456789", "+7", "9123456789"},
		{"4930123456", "", "4930123456"},
		{"+", "", "+"},
		{"", "", ""},
		{"+0123", "", "+0123"},
		{"+999", "", "+999"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			cc, nat := SplitE164(c.in)
			assert.Equal(t, c.cc, cc)
			assert.Equal(t, c.nat, nat)
		})
	}
}
