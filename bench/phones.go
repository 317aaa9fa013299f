package bench

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"

	"github.com/contactpipe/contactpipe/normalize"
)

// PhoneStyle is how a generated phone number is written in its cell.
type PhoneStyle uint8

// The styles of valid numbers follow the normalization rules of issue 5; the last four are
// invalid numbers. Examples are for a German mobile number, +4915123456789.
const (
	NoPhone              PhoneStyle = iota // the cell is empty
	StyleE164                              // +4915123456789
	StyleInternational                     // +49 151 23456789
	StyleNational                          // 0151 23456789 (read in the row's country)
	StyleNationalDashes                    // 0151-23456789
	StyleNationalDots                      // 0151.23456789
	StyleNationalParens                    // (0151) 23456789
	StyleIDD00                             // 0049 151 23456789 (only where 00 is the international prefix)
	StyleDigits                            // 4915123456789: international, without '+'
	StyleExcelScientific                   // 4.915123456789E+12: every digit kept, as Excel writes a number
	StyleExcelDotZero                      // 4915123456789.0: a numeric cell exported with one decimal
	StyleApostrophe                        // '015123456789: Excel's text marker before a national number
	StyleTel                               // tel:+49-151-23456789
	StyleUnicode                           // +49 151 23456789 with no-break spaces; fullwidth ０９０－… in Japan
	StyleExtension                         // +49 151 23456789 ext. 12
	StyleTruncated                         // +4915123456: digits missing, not a valid number
	StyleTooLong                           // +49151234567891234: digits too many, not a valid number
	StyleExcelLossy                        // 4.91512E+12: Excel dropped digits; must be rejected
	StyleText                              // n/a, unknown …: not a number at all
	numStyles
)

var styleNames = [numStyles]string{
	"none", "e164", "international", "national", "national-dashes", "national-dots", "national-parens",
	"idd00", "digits", "excel-scientific", "excel-dot-zero", "apostrophe", "tel", "unicode", "extension",
	"truncated", "too-long", "excel-lossy", "text",
}

// String returns the style's name, as used in tests and the README.
func (s PhoneStyle) String() string {
	if s < numStyles {
		return styleNames[s]
	}
	return "style(" + strconv.Itoa(int(s)) + ")"
}

// Valid reports whether numbers written in style s are valid numbers (given the country column
// the generator puts beside them).
func (s PhoneStyle) Valid() bool { return s >= StyleE164 && s <= StyleExtension }

// needsCountry reports whether a number in style s can only be read in its own country.
func (s PhoneStyle) needsCountry() bool {
	switch s {
	case StyleNational, StyleNationalDashes, StyleNationalDots, StyleNationalParens, StyleIDD00, StyleApostrophe:
		return true
	}
	return false
}

// Numeric reports whether a spreadsheet holds a number in style s as a numeric cell (the style
// is the damage a numeric cell suffers when exported to CSV).
func (s PhoneStyle) Numeric() bool {
	return s == StyleDigits || s == StyleExcelScientific || s == StyleExcelDotZero
}

// validStyles are the styles of valid numbers with their shares in basis points.
var validStyles = []struct {
	style  PhoneStyle
	weight int
}{
	{StyleE164, 2800}, {StyleInternational, 1400}, {StyleNational, 1600}, {StyleNationalDashes, 600},
	{StyleNationalDots, 300}, {StyleNationalParens, 300}, {StyleIDD00, 400}, {StyleDigits, 700},
	{StyleExcelScientific, 400}, {StyleExcelDotZero, 300}, {StyleApostrophe, 300}, {StyleTel, 300},
	{StyleUnicode, 300}, {StyleExtension, 300},
}

// suffixDigits is how many trailing digits of a template vary; each template yields 10^4 numbers.
const (
	suffixDigits = 4
	suffixSpace  = 10_000
)

// exampleNumbers are phonenumbers' example national significant numbers per region and type
// (0: mobile, 1: fixed line), computed once.
var exampleNumbers = sync.OnceValue(func() map[string][2]string {
	m := map[string][2]string{}
	for _, r := range regions {
		var ex [2]string
		for i, typ := range []phonenumbers.PhoneNumberType{phonenumbers.MOBILE, phonenumbers.FIXED_LINE} {
			if n := phonenumbers.GetExampleNumberForType(r.code, typ); n != nil {
				ex[i] = phonenumbers.GetNationalSignificantNumber(n)
			}
		}
		m[r.code] = ex
	}
	return m
})

// template is a family of 10^4 valid numbers of one region sharing all but their last four
// digits. Its shape (formats, which styles read back) is checked with phonenumbers once per
// process, so writing a number costs no phonenumbers call.
type template struct {
	*shape
	region *region
	cc     string // calling code digits
	prefix string // national significant number without its last four digits

	issued   int    // numbers handed out
	mul, add uint32 // issued → suffix, a bijection on [0, 10^4)
}

// shape is what phonenumbers says about the numbers of one prefix: whether they are valid, how
// they are formatted, and which styles read back to the same number. It depends only on the
// region and the prefix, so generators share it; it is read-only once made.
type shape struct {
	valid  bool
	intl   form // phonenumbers' INTERNATIONAL format
	nat    form // phonenumbers' NATIONAL format
	ok     [numStyles]bool
	jpFull bool // the fullwidth national form reads back (StyleUnicode with a country)
}

// shapes caches the shapes of valid prefixes by region and prefix (*shape): about one entry per
// 10,000 numbers any generator of the process issued.
var shapes sync.Map

// shapeSamples are the suffixes a prefix is checked with.
var shapeSamples = [...]string{"0000", "9999", "3141", "8527"}

// form is a formatted number whose last four digits sit at pos.
type form struct {
	text string
	pos  [suffixDigits]int
}

// fill returns f's text with the suffix digits put in.
func (f form) fill(suffix string) string {
	b := []byte(f.text)
	for i, p := range f.pos {
		b[p] = suffix[i]
	}
	return string(b)
}

// newForm locates the last four ASCII digits of text.
func newForm(text string) (form, bool) {
	f := form{text: text}
	i := suffixDigits - 1
	for p := len(text) - 1; p >= 0 && i >= 0; p-- {
		if text[p] >= '0' && text[p] <= '9' {
			f.pos[i] = p
			i--
		}
	}
	return f, i < 0
}

// number is one issued number of a template.
type number struct {
	t      *template
	suffix string
}

// digits returns the number's calling code and national number without '+'.
func (n number) digits() string { return n.t.cc + n.t.prefix + n.suffix }

// e164 returns the number in E.164.
func (n number) e164() string { return "+" + n.digits() }

// next issues the template's next number; ok is false when all 10^4 are used.
func (t *template) next() (number, bool) {
	if t.issued >= suffixSpace {
		return number{}, false
	}
	s := (uint32(t.issued)*t.mul + t.add) % suffixSpace
	t.issued++
	d := [suffixDigits]byte{byte('0' + s/1000), byte('0' + s/100%10), byte('0' + s/10%10), byte('0' + s%10)}
	return number{t: t, suffix: string(d[:])}, true
}

// newTemplate makes a template of a region's numbers of one type whose prefix no earlier
// template of this generator used, so that numbers never repeat by accident.
func (g *Generator) newTemplate(r *region, typ int) (*template, error) {
	ex := exampleNumbers()[r.code][typ]
	if ex == "" {
		ex = exampleNumbers()[r.code][1-typ]
	}
	if len(ex) < suffixDigits+2 {
		return nil, fmt.Errorf("bench: region %s has no usable example number", r.code)
	}
	cc := strconv.Itoa(phonenumbers.GetCountryCodeForRegion(r.code))
	free := len(ex) - suffixDigits
	for span := min(4, free-1); span >= 0; span-- {
		for range 64 {
			p := []byte(ex[:free])
			for i := free - span; i < free; i++ {
				p[i] = byte('0' + g.intn(10))
			}
			key := cc + string(p)
			if _, used := g.usedPrefix[key]; used {
				continue
			}
			t, ok := g.makeTemplate(r, cc, string(p))
			if !ok {
				continue
			}
			g.usedPrefix[key] = struct{}{}
			return t, nil
		}
	}
	return nil, fmt.Errorf("bench: no unused valid number prefix left for region %s", r.code)
}

// makeTemplate returns a template of prefix if its numbers are valid numbers of r.
func (g *Generator) makeTemplate(r *region, cc, prefix string) (*template, bool) {
	var sh *shape
	if v, ok := shapes.Load(r.code + prefix); ok {
		sh = v.(*shape)
	} else {
		sh = makeShape(r, cc, prefix)
		if sh.valid { // invalid prefixes are cheap to reject again; keep the cache small
			shapes.Store(r.code+prefix, sh)
		}
	}
	if !sh.valid {
		return nil, false
	}
	t := &template{shape: sh, region: r, cc: cc, prefix: prefix}
	for {
		t.mul = uint32(1 + 2*g.intn(suffixSpace/2))
		if t.mul%5 != 0 {
			break
		}
	}
	t.add = uint32(g.intn(suffixSpace))
	return t, true
}

// makeShape checks that prefix followed by four digits is a valid number of r, formats it, and
// records which styles read back to the same number.
func makeShape(r *region, cc, prefix string) *shape {
	sh := &shape{}
	var nums []*phonenumbers.PhoneNumber
	for _, s := range shapeSamples {
		n, err := phonenumbers.Parse("+"+cc+prefix+s, "")
		if err != nil || !phonenumbers.IsValidNumber(n) || phonenumbers.GetRegionCodeForNumber(n) != r.code {
			return sh
		}
		nums = append(nums, n)
	}
	var ok1, ok2 bool
	sh.intl, ok1 = newForm(phonenumbers.Format(nums[2], phonenumbers.INTERNATIONAL))
	sh.nat, ok2 = newForm(phonenumbers.Format(nums[2], phonenumbers.NATIONAL))
	if !ok1 || !ok2 {
		return sh
	}
	for s := StyleE164; s < numStyles; s++ {
		sh.ok[s] = true
	}
	sh.jpFull = r.code == "JP"
	t := &template{shape: sh, region: r, cc: cc, prefix: prefix}
	for _, s := range shapeSamples[2:] {
		n := number{t: t, suffix: s}
		want := n.e164()
		for st := StyleE164; st < numStyles; st++ {
			if sh.ok[st] && !readsBack(n, st, want) {
				sh.ok[st] = false
			}
		}
		if sh.jpFull && !readsAs(n.fullwidthNational(), r.code, want) {
			sh.jpFull = false
		}
	}
	sh.valid = sh.ok[StyleE164] && sh.ok[StyleInternational]
	return sh
}

// readsBack reports whether n written in style st, with n's country in the row, normalizes to
// want (for valid styles) or is rejected (for invalid ones), judged with phonenumbers.
func readsBack(n number, st PhoneStyle, want string) bool {
	region := n.t.region.code
	switch st {
	case StyleDigits, StyleExcelScientific, StyleExcelDotZero:
		// Bare digits are read both ways, with the row's country and (a fifth of the rows) without
		// one; either must give the number, not a rejection (phone_needs_country, ambiguous_phone).
		for _, country := range []string{region, ""} {
			if p, err := normalize.PhoneNumber(n.digits(), country); err != nil || p.E164 != want {
				return false
			}
		}
		return true
	case StyleTruncated, StyleTooLong:
		p, err := phonenumbers.Parse(n.text(st, true), "")
		return err != nil || !phonenumbers.IsValidNumber(p)
	case StyleExcelLossy, StyleText:
		return true // rejected by rule, whatever phonenumbers makes of it
	case StyleUnicode:
		return readsAs(n.text(st, false), region, want)
	}
	return readsAs(n.text(st, true), region, want)
}

// readsAs reports whether phonenumbers reads text in region as the valid number want.
func readsAs(text, region, want string) bool {
	p, err := phonenumbers.Parse(text, region)
	return err == nil && phonenumbers.IsValidNumber(p) && phonenumbers.Format(p, phonenumbers.E164) == want
}

// text writes n in style st. withCountry says whether the row has a country column (it matters
// for StyleUnicode only: Japanese rows with a country get fullwidth national digits).
func (n number) text(st PhoneStyle, withCountry bool) string {
	t := n.t
	switch st {
	case StyleE164:
		return n.e164()
	case StyleInternational:
		return t.intl.fill(n.suffix)
	case StyleNational:
		return t.nat.fill(n.suffix)
	case StyleNationalDashes:
		return nationalWith(t.nat.fill(n.suffix), '-')
	case StyleNationalDots:
		return nationalWith(t.nat.fill(n.suffix), '.')
	case StyleNationalParens:
		nat := t.nat.fill(n.suffix)
		if strings.HasPrefix(nat, "(") {
			return nat
		}
		if first, rest, ok := strings.Cut(nat, " "); ok {
			return "(" + first + ") " + rest
		}
		return nat
	case StyleIDD00:
		return "00" + t.intl.fill(n.suffix)[1:]
	case StyleDigits:
		return n.digits()
	case StyleExcelScientific:
		d := n.digits()
		return d[:1] + "." + d[1:] + "E+" + strconv.Itoa(len(d)-1)
	case StyleExcelDotZero:
		return n.digits() + ".0"
	case StyleApostrophe:
		return "'" + onlyDigits(t.nat.fill(n.suffix))
	case StyleTel:
		return "tel:" + strings.ReplaceAll(t.intl.fill(n.suffix), " ", "-")
	case StyleUnicode:
		if withCountry && t.jpFull {
			return n.fullwidthNational()
		}
		return strings.ReplaceAll(t.intl.fill(n.suffix), " ", "\u00a0")
	case StyleExtension:
		return t.intl.fill(n.suffix) + " ext. " + strconv.Itoa(10+int(n.suffix[3]-'0')*7)
	case StyleTruncated:
		d := n.digits()
		return "+" + d[:len(d)-3]
	case StyleTooLong:
		return n.e164() + n.suffix[:3]
	case StyleExcelLossy:
		d := n.digits()
		return d[:1] + "." + d[1:6] + "E+" + strconv.Itoa(len(d)-1)
	case StyleText:
		return textPhones[int(n.suffix[3]-'0')%len(textPhones)]
	}
	return ""
}

// textPhones are what people type in a phone column when they have no number.
var textPhones = []string{"n/a", "unknown", "call reception", "TBD", "-", "none", "see notes"}

// fullwidthNational writes the national form with fullwidth digits and dashes, as Japanese
// input methods do.
func (n number) fullwidthNational() string {
	var b strings.Builder
	for _, c := range nationalWith(n.t.nat.fill(n.suffix), '-') {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune('０' + (c - '0'))
		case c == '-':
			b.WriteRune('－')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// nationalWith replaces the separators of a national form by sep: "(201) 555-0123" → "201-555-0123".
func nationalWith(nat string, sep byte) string {
	b := make([]byte, 0, len(nat))
	for i := 0; i < len(nat); i++ {
		switch c := nat[i]; {
		case c == '(' || c == ')':
		case c == ' ' || c == '-':
			if len(b) > 0 && b[len(b)-1] != sep {
				b = append(b, sep)
			}
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func onlyDigits(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}
