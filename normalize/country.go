package normalize

import (
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"
)

// countryField is the API field name used in country errors.
const countryField = "country"

// Country normalizes the text of a country cell to an ISO 3166 alpha-2
// code in upper case. It accepts an alpha-2 code in any case ("de", "UK"
// for GB), an alpha-3 code ("USA", "gbr"), the English name of the country
// ("United States", "Côte d’Ivoire", "St. Lucia"), its name in its main
// language ("Deutschland", "España") and a few common aliases ("Great
// Britain", "Holland", "Czech Republic", "UAE"). Names ignore case,
// accents, punctuation and a leading "The". The codes and names come from
// golang.org/x/text's CLDR data. A blank raw gives "" and a nil error;
// anything else unknown is an *Error with Code CodeInvalidCountry.
func Country(raw string) (string, error) {
	s := trimBlank(raw)
	if s == "" {
		return "", nil
	}
	if len(s) == 2 {
		if code := alpha2Table()[alpha2Index(s)]; code != "" {
			return code, nil
		}
	}
	if len(s) == 3 {
		if code := alpha3Table()[alpha3Key(s)]; code != "" {
			return code, nil
		}
	} else if code, ok := countryCode(s); ok {
		return code, nil
	}
	tab := countryTable()
	var buf [maxASCIIKey]byte
	if key, ok := countryKeyASCII(s, &buf); ok {
		if code := tab.byName[string(key)]; code != "" { // the lookup does not allocate
			return code, nil
		}
	} else if code := tab.byName[countryKey(s)]; code != "" {
		return code, nil
	}
	msg := "not a country we know; write a two-letter country code such as DE or US, or the country's name"
	if len(s) <= 40 {
		msg = strconv.Quote(s) + " is not a country we know; write a two-letter country code such as DE or US, or the country's name"
	}
	return "", newError(countryField, CodeInvalidCountry, msg)
}

// alpha2Index maps a two-letter code in any case to its slot in alpha2Table (0 for non-letters:
// slot 0 is "aa", never a country).
func alpha2Index(s string) int {
	a, b := s[0]|0x20, s[1]|0x20
	if a < 'a' || a > 'z' || b < 'a' || b > 'z' {
		return 0
	}
	return int(a-'a')*26 + int(b-'a')
}

// alpha3Key is a three-letter code in upper case (ASCII letters upper-cased, other bytes as
// they are: they find nothing).
func alpha3Key(s string) [3]byte {
	var k [3]byte
	for i := range k {
		k[i] = s[i]
		if 'a' <= k[i] && k[i] <= 'z' {
			k[i] -= 'a' - 'A'
		}
	}
	return k
}

var (
	alpha3Once sync.Once
	alpha3Tab  map[[3]byte]string
)

// alpha3Table holds countryCode's answer for every three-letter code it accepts: the alpha-3
// code of each country alpha2Table knows. Built once on first use.
func alpha3Table() map[[3]byte]string {
	alpha3Once.Do(func() {
		tab := map[[3]byte]string{}
		for _, code := range alpha2Table() {
			if code == "" {
				continue
			}
			r, err := language.ParseRegion(code)
			if err != nil {
				continue
			}
			if iso3 := r.ISO3(); len(iso3) == 3 {
				if c3, ok := countryCode(iso3); ok {
					tab[alpha3Key(iso3)] = c3
				}
			}
		}
		alpha3Tab = tab
	})
	return alpha3Tab
}

var (
	alpha2Once sync.Once
	alpha2Tab  *[26 * 26]string
)

// alpha2Table holds countryCode's answer for every two-letter code, so that the common case, a
// country column of alpha-2 codes, costs an index and no allocation. Built once on first use.
func alpha2Table() *[26 * 26]string {
	alpha2Once.Do(func() {
		tab := new([26 * 26]string)
		for a := byte('A'); a <= 'Z'; a++ {
			for b := byte('A'); b <= 'Z'; b++ {
				if code, ok := countryCode(string([]byte{a, b})); ok {
					tab[alpha2Index(string([]byte{a, b}))] = code
				}
			}
		}
		alpha2Tab = tab
	})
	return alpha2Tab
}

// countryCode reads s as an alpha-2 or alpha-3 code.
func countryCode(s string) (string, bool) {
	if len(s) != 2 && len(s) != 3 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return "", false
		}
	}
	up := strings.ToUpper(s)
	if up == "UK" { // reserved for the United Kingdom, widely used for it
		return "GB", true
	}
	r, err := language.ParseRegion(up)
	if err != nil || !acceptedRegion(r) {
		return "", false
	}
	// Only current codes: ParseRegion also maps withdrawn codes ("DD",
	// "BU", "ZR") and the numeric-free alpha-3 aliases to current ones.
	if len(up) == 2 && r.String() != up {
		return "", false
	}
	if len(up) == 3 && r.ISO3() != up {
		return "", false
	}
	return r.String(), true
}

// acceptedRegion reports whether r is a current country or territory with a
// code and an English name: it rules out groupings (EU, UN, EZ), withdrawn
// codes without a name (YU, AN) and private-use codes.
func acceptedRegion(r language.Region) bool {
	return r.IsCountry() && r.Canonicalize() == r && r.ISO3() != "ZZZ" &&
		display.English.Regions().Name(r) != ""
}

// countryAliases are names CLDR does not give, mapped to alpha-2 codes.
var countryAliases = map[string]string{
	"Great Britain": "GB", "Britain": "GB", "England": "GB", "Scotland": "GB", "Wales": "GB",
	"Northern Ireland": "GB", "United Kingdom of Great Britain and Northern Ireland": "GB",
	"USA": "US", "U.S.": "US", "U.S.A.": "US", "America": "US", "United States of America": "US",
	"Holland": "NL", "Czech Republic": "CZ", "Ivory Coast": "CI", "North Macedonia": "MK",
	"Republic of North Macedonia": "MK", "Turkiye": "TR", "Eswatini": "SZ", "Cabo Verde": "CV",
	"Vatican": "VA", "Holy See": "VA", "Russian Federation": "RU", "Republic of Korea": "KR",
	"Korea, Republic of": "KR", "Korea, South": "KR", "Democratic People's Republic of Korea": "KP",
	"Korea, North": "KP", "DPRK": "KP", "Hong Kong": "HK", "Macau": "MO", "Macao": "MO",
	"Palestine": "PS", "State of Palestine": "PS", "DRC": "CD", "DR Congo": "CD",
	"Democratic Republic of the Congo": "CD", "Congo, Democratic Republic of the": "CD",
	"Republic of the Congo": "CG", "Congo, Republic of the": "CG", "UAE": "AE",
	"East Timor": "TL", "Viet Nam": "VN", "Lao PDR": "LA", "Lao People's Democratic Republic": "LA",
	"Syrian Arab Republic": "SY", "Islamic Republic of Iran": "IR", "Iran, Islamic Republic of": "IR",
	"United Republic of Tanzania": "TZ", "Tanzania, United Republic of": "TZ",
	"Republic of Moldova": "MD", "Moldova, Republic of": "MD", "Bolivia, Plurinational State of": "BO",
	"Venezuela, Bolivarian Republic of": "VE", "Brunei Darussalam": "BN",
	"Federated States of Micronesia": "FM", "Micronesia, Federated States of": "FM",
	"Saint Vincent and the Grenadines": "VC", "US Virgin Islands": "VI", "Virgin Islands, U.S.": "VI",
	"Virgin Islands, British": "VG", "Bosnia": "BA", "Curacao": "CW", "Reunion": "RE",
}

// countryNames is the name → code table, built once on first use.
type countryNames struct {
	byName map[string]string // countryKey(name) → alpha-2; read-only once built
}

var (
	countryOnce sync.Once
	countryTab  *countryNames
)

func countryTable() *countryNames {
	countryOnce.Do(func() { countryTab = buildCountryNames() })
	return countryTab
}

// buildCountryNames indexes, for every accepted region, its English name
// (and the parts of a name like "Myanmar (Burma)"), its name in the
// region's most likely language, and the aliases. A key two regions share
// at the same priority is dropped as ambiguous; an alias wins over a CLDR
// name, an English name over a native one.
func buildCountryNames() *countryNames {
	type entry struct {
		code string
		prio int
	}
	idx := map[string]entry{}
	add := func(name, code string, prio int) {
		k := countryKey(name)
		if k == "" {
			return
		}
		old, ok := idx[k]
		switch {
		case !ok || prio < old.prio:
			idx[k] = entry{code, prio}
		case prio == old.prio && old.code != code:
			idx[k] = entry{"", prio} // ambiguous
		}
	}
	en := display.English.Regions()
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || r.String() != code || !acceptedRegion(r) {
				continue
			}
			name := en.Name(r)
			add(name, code, 1)
			if i := strings.IndexByte(name, '('); i > 0 {
				if j := strings.IndexByte(name[i:], ')'); j > 0 {
					add(name[:i], code, 1)
					add(name[i+1:i+j], code, 1)
				}
			}
			if strings.HasSuffix(name, " SAR China") {
				add(strings.TrimSuffix(name, " SAR China"), code, 1)
			}
			t, err := language.Compose(language.Und, r)
			if err != nil {
				continue
			}
			base, _ := t.Base()
			if nn := display.Regions(language.Make(base.String())); nn != nil {
				add(nn.Name(r), code, 2)
			}
		}
	}
	for name, code := range countryAliases {
		add(name, code, 0)
	}
	tab := &countryNames{byName: make(map[string]string, len(idx))}
	for k, e := range idx {
		if e.code != "" {
			tab.byName[k] = e.code
		}
	}
	return tab
}

// maxASCIIKey bounds the names countryKeyASCII folds (longer ones go to countryKey).
const maxASCIIKey = 64

// countryKeyASCII is countryKey for an ASCII name, written to buf without allocating; false when
// s is not ASCII or is longer than buf (then countryKey folds it).
func countryKeyASCII(s string, buf *[maxASCIIKey]byte) ([]byte, bool) {
	if len(s) > maxASCIIKey {
		return nil, false
	}
	var low [maxASCIIKey]byte       // s's letters and digits, lower case, "&" as "and"
	var words [maxASCIIKey][2]uint8 // each word has a byte at least
	n, nw, start := 0, 0, 0
	flush := func() {
		if n > start {
			words[nw] = [2]uint8{uint8(start), uint8(n)}
			nw++
		}
		start = n
	}
	for i := 0; i < len(s); i++ {
		if n+len("and") > len(low) { // "&" grows the text
			return nil, false
		}
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			return nil, false
		case 'A' <= c && c <= 'Z':
			low[n] = c + 'a' - 'A'
			n++
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			low[n] = c
			n++
		case c == '&':
			flush()
			n += copy(low[n:], "and")
			flush()
		default:
			flush()
		}
	}
	flush()
	ws := words[:nw]
	if len(ws) > 1 && string(low[ws[0][0]:ws[0][1]]) == "the" {
		ws = ws[1:]
	}
	out := buf[:0]
	for _, w := range ws {
		word := string(low[w[0]:w[1]]) // does not allocate: only compared and copied
		if word == "st" {
			word = "saint"
		}
		if len(out)+len(word) > len(buf) {
			return nil, false
		}
		out = append(out, word...)
	}
	return out, true
}

// countryKey folds a country name for lookup: accents removed, lower case,
// "&" read as "and", "St." as "Saint", a leading "The" dropped, and only
// letters and digits kept.
func countryKey(s string) string {
	var words []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			words = append(words, w.String())
			w.Reset()
		}
	}
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			w.WriteRune(unicode.ToLower(r))
		case r == '&':
			flush()
			words = append(words, "and")
		default:
			flush()
		}
	}
	flush()
	if len(words) > 1 && words[0] == "the" {
		words = words[1:]
	}
	for i, x := range words {
		if x == "st" {
			words[i] = "saint"
		}
	}
	return strings.Join(words, "")
}
