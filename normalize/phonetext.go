package normalize

import (
	"unicode"
	"unicode/utf8"
)

// Limits of the phone text reader.
const (
	maxPhoneInput  = 256 // bytes of raw text; longer text is not a phone number
	maxPhoneDigits = 32  // digits of the number itself (E.164 has at most 15)
	maxExtDigits   = 20  // digits of an extension
)

// phoneText is the result of rules 1–3: the number as an optional '+' and
// ASCII digits, the extension split off, or the reason it was rejected.
//
// The digits are kept in the caller's buffer, not in this struct: escape
// analysis does not tell fields apart, and a slice next to the returned
// strings would move the buffer to the heap.
type phoneText struct {
	plus bool
	// paren is true when the number had brackets around some of its
	// digits, a national-format cue ("(201) 555-0123").
	paren bool
	// ngroups is the number of runs of digits the separators made ("44
	// 7400 123456": 3, at most 255); digitRuns gives their lengths.
	ngroups uint8
	n       int    // number of ASCII digits (without the '+') in the buffer
	ext     string // extension digits, "" when none
	// direct is true when the trimmed raw text was exactly "+digits", so the
	// E.164 result may be the raw text itself (no allocation).
	direct  string
	errCode string // "" or a rejection code
	errWhy  string // detail for the message (never personal data)
}

// digitRuns returns the lengths of the runs of digits of the number in
// raw, as readPhoneText separates them ("44 7400 123456" → 2, 4, 6). It
// is for the rare tie-breaks, so readPhoneText need not keep them.
func digitRuns(raw string) []int {
	s := unwrap(raw)
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, foldRune(r))
	}
	if digits, code, _, ok := excelNumber(b); ok {
		if code != "" {
			return nil
		}
		return []int{len(digits)}
	}
	main, _ := splitExtension(b)
	var runs []int
	run := 0
	for _, c := range main {
		if '0' <= c && c <= '9' {
			run++
			continue
		}
		if run > 0 {
			runs = append(runs, run)
			run = 0
		}
	}
	if run > 0 {
		runs = append(runs, run)
	}
	return runs
}

// Reasons a text is not a phone number, used in messages.
const (
	whyChars      = "letters or symbols in a phone number; keep only the number (an extension may follow as \"ext. 12\")"
	whyNoDigits   = "no digits in a phone number; write the number or leave the cell empty"
	whyTooLong    = "too long for a phone number; check for extra digits or two numbers in one cell"
	whyDecimal    = "a decimal number, not a phone number; format the column as text and re-enter the number"
	whyExtTooLong = "extension longer than 20 digits; check the digits after \"ext\""
)

// isBlank reports whether r is space-like: Unicode white space (NBSP, thin
// space, ideographic space …), zero-width space or the byte order mark.
func isBlank(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u2060'
}

// trimBlank trims space-like runes at both ends without allocating.
func trimBlank(s string) string {
	for len(s) > 0 {
		if s[0] < utf8.RuneSelf {
			if s[0] != ' ' && (s[0] < '\t' || s[0] > '\r') {
				break
			}
			s = s[1:]
			continue
		}
		r, n := utf8.DecodeRuneInString(s)
		if !isBlank(r) {
			break
		}
		s = s[n:]
	}
	for len(s) > 0 {
		c := s[len(s)-1]
		if c < utf8.RuneSelf {
			if c != ' ' && (c < '\t' || c > '\r') {
				break
			}
			s = s[:len(s)-1]
			continue
		}
		r, n := utf8.DecodeLastRuneInString(s)
		if !isBlank(r) {
			break
		}
		s = s[:len(s)-n]
	}
	return s
}

// hasPrefixFold reports whether s starts with the lower-case ASCII prefix p,
// ignoring ASCII case.
func hasPrefixFold(s, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != p[i] {
			return false
		}
	}
	return true
}

// unwrap removes the wrappers of rule 1: a leading ' (Excel's text marker),
// ="…" (Excel formula-quoted text) and a tel: prefix, in any order and with
// blanks around them.
func unwrap(s string) string {
	for {
		s = trimBlank(s)
		switch {
		case len(s) >= 3 && s[0] == '=' && s[1] == '"' && s[len(s)-1] == '"':
			s = s[2 : len(s)-1]
		case len(s) >= 1 && (s[0] == '\'' || s[0] == '`'):
			s = s[1:]
		case len(s) >= 3 && s[0] == '=' && s[1] == '+' && isDigits(s[2:]):
			// =+4930… : a formula-looking cell that is a number.
			s = s[1:]
		case hasPrefixFold(s, "tel:"):
			s = s[4:]
		default:
			return s
		}
	}
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// digitValue returns the value of a Unicode decimal digit (category Nd) and
// true, or false for any other rune. Nd characters come in contiguous runs
// of ten starting at zero, and the unicode.Nd table is made of such runs
// (a test checks it), so the value is the offset in the range modulo 10.
func digitValue(r rune) (byte, bool) {
	if '0' <= r && r <= '9' {
		return byte(r - '0'), true
	}
	if r < 0x660 { // first non-ASCII Nd digit (ARABIC-INDIC DIGIT ZERO)
		return 0, false
	}
	for _, rg := range unicode.Nd.R16 {
		if r < rune(rg.Lo) {
			return 0, false
		}
		if r <= rune(rg.Hi) {
			return byte((r - rune(rg.Lo)) % 10), true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r < rune(rg.Lo) {
			return 0, false
		}
		if r <= rune(rg.Hi) {
			return byte((r - rune(rg.Lo)) % 10), true
		}
	}
	return 0, false
}

// foldRune maps a rune of phone text to the ASCII byte that stands for it
// (rule 1): digits of any script → '0'…'9'; blanks → ' '; dashes → '-';
// dots → '.'; brackets → '(' or ')'; slashes → '/'; fullwidth plus → '+';
// ASCII and fullwidth letters → lower-case ASCII letters. Any other rune
// maps to 0, which no later step accepts.
func foldRune(r rune) byte {
	if r < utf8.RuneSelf {
		switch {
		case '0' <= r && r <= '9', r == '+', r == '-', r == '.', r == '(', r == ')', r == '/',
			r == '#', r == ';', r == ',', r == ':', r == '=':
			return byte(r)
		case r == '[':
			return '('
		case r == ']':
			return ')'
		case 'a' <= r && r <= 'z':
			return byte(r)
		case 'A' <= r && r <= 'Z':
			return byte(r) + 'a' - 'A'
		case r == ' ' || ('\t' <= r && r <= '\r'):
			return ' '
		}
		return 0
	}
	if d, ok := digitValue(r); ok {
		return '0' + d
	}
	switch r {
	case '\uff0b': // FULLWIDTH PLUS SIGN
		return '+'
	case '\u2212', '\u30fc', '\u2043', '\ufe63': // MINUS SIGN, KATAKANA-HIRAGANA PROLONGED SOUND MARK, HYPHEN BULLET, SMALL HYPHEN-MINUS
		return '-'
	case '\uff0e', '\u2024', '\u3002', '\uff61', '\u00b7', '\u2027', '\u30fb', '\uff65': // fullwidth/ideographic/leader/middle dots
		return '.'
	case '\uff08', '\u2768', '\u276a', '\ufe59':
		return '('
	case '\uff09', '\u2769', '\u276b', '\ufe5a':
		return ')'
	case '\uff0f', '\u2044', '\u2215':
		return '/'
	case '\uff03': // FULLWIDTH NUMBER SIGN
		return '#'
	case '\uff1b':
		return ';'
	case '\uff0c', '\u3001':
		return ','
	case '\uff1a':
		return ':'
	case '\uff1d':
		return '='
	}
	if 0xff21 <= r && r <= 0xff3a { // FULLWIDTH A–Z
		return byte(r-0xff21) + 'a'
	}
	if 0xff41 <= r && r <= 0xff5a { // FULLWIDTH a–z
		return byte(r-0xff41) + 'a'
	}
	if isBlank(r) {
		return ' '
	}
	if unicode.Is(unicode.Pd, r) {
		return '-'
	}
	return 0
}

// readPhoneText applies rules 1–3 to raw. digitBuf receives the digits.
func readPhoneText(raw string, digitBuf *[maxPhoneDigits]byte) phoneText {
	var t phoneText
	if len(raw) > maxPhoneInput {
		t.errCode, t.errWhy = CodeInvalidPhone, whyTooLong
		return t
	}
	s := unwrap(raw)
	if s == "" {
		return t // blank
	}

	// Fast case: already "+digits" or "digits" (the usual cell).
	if d := s; len(d) > 0 {
		plus := d[0] == '+'
		if plus {
			d = d[1:]
		}
		if isDigits(d) {
			if len(d) > maxPhoneDigits {
				t.errCode, t.errWhy = CodeInvalidPhone, whyTooLong
				return t
			}
			t.plus = plus
			t.n = copy(digitBuf[:], d)
			t.ngroups = 1
			if plus {
				t.direct = s
			}
			return t
		}
	}

	// Rule 1: fold every rune to its ASCII stand-in.
	var buf [maxPhoneInput]byte
	n := 0
	for _, r := range s {
		buf[n] = foldRune(r)
		n++
	}
	b := buf[:n]

	// Rule 3: Excel damage.
	if digits, code, why, ok := excelNumber(b); ok {
		if code != "" {
			t.errCode, t.errWhy = code, why
			return t
		}
		b = digits
	}

	// Rule 2: extension.
	main, ext := splitExtension(b)
	if len(ext) > maxExtDigits {
		t.errCode, t.errWhy = CodeInvalidPhone, whyExtTooLong
		return t
	}
	if len(ext) > 0 {
		t.ext = string(ext)
	}

	// Rule 1 again: drop separators, keep one leading '+' and the digits.
	nd, runs, inRun := 0, 0, false
	for _, c := range main {
		switch {
		case '0' <= c && c <= '9':
			if nd == maxPhoneDigits {
				t.errCode, t.errWhy = CodeInvalidPhone, whyTooLong
				return t
			}
			digitBuf[nd] = c
			nd++
			if !inRun {
				runs++
				inRun = true
			}
			continue
		case c == '(' || c == ')':
			t.paren = true
		case c == ' ' || c == '-' || c == '.' || c == '/':
		case c == '+' && nd == 0 && !t.plus:
			t.plus = true
		default:
			t.errCode, t.errWhy = CodeInvalidPhone, whyChars
			return t
		}
		inRun = false
	}
	t.ngroups = uint8(min(runs, 255))
	if nd == 0 {
		t.errCode, t.errWhy = CodeInvalidPhone, whyNoDigits
		return t
	}
	t.n = nd
	return t
}

// excelNumber recognizes the two forms a numeric spreadsheet cell takes in
// text: scientific notation (4.47911123456E+11, also with a decimal comma
// or a lower-case e) and a trailing ".0" (447911123456.0). ok is false for
// any other text. Scientific notation is expanded by string arithmetic
// only when the mantissa holds every digit the exponent implies; otherwise
// digits may have been lost and the result carries
// CodePhoneTruncatedByExcel (and why, a detail for CodeInvalidPhone).
func excelNumber(b []byte) (digits []byte, code, why string, ok bool) {
	i := 0
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	intPart := b[:i]
	if len(intPart) == 0 {
		return nil, "", "", false
	}
	var frac []byte
	if i < len(b) && (b[i] == '.' || b[i] == ',') {
		j := i + 1
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		frac = b[i+1 : j]
		i = j
	}
	if i == len(b) {
		// 447911123456.0 → 447911123456 (a numeric cell's decimal part). A
		// number never shows a leading zero, so 036605.000 is text with a dot
		// for a separator, read as such.
		if len(frac) > 0 && allZero(frac) && b[len(intPart)] == '.' && intPart[0] != '0' {
			return intPart, "", "", true
		}
		return nil, "", "", false
	}
	if b[i] != 'e' {
		return nil, "", "", false
	}
	i++
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	expDigits := b[i:]
	if len(expDigits) == 0 || len(expDigits) > 3 || !isDigits(string(expDigits)) {
		return nil, "", "", false
	}
	exp := 0
	for _, c := range expDigits {
		exp = exp*10 + int(c-'0')
	}
	if neg && exp > 0 {
		return nil, CodeInvalidPhone, whyDecimal, true
	}
	// The mantissa's digits, and where the decimal point lands.
	// Both parts are adjacent in b except for the point, so copy them.
	mant := make([]byte, 0, len(intPart)+len(frac))
	mant = append(mant, intPart...)
	mant = append(mant, frac...)
	point := len(intPart) + exp
	switch {
	case point > len(mant):
		// Fewer digits than the number had: the rest were rounded away.
		return nil, CodePhoneTruncatedByExcel, "", true
	case point < len(mant) && !allZero(mant[point:]):
		return nil, CodeInvalidPhone, whyDecimal, true
	}
	return mant[:point], "", "", true
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != '0' {
			return false
		}
	}
	return true
}

// splitExtension implements rule 2 on folded text: it splits a trailing
// extension written as ";ext=12", "ext. 12", "extension 12", "extn 12",
// "x12", "#12" (optionally ending in '#') from the number. It returns b and
// nil when there is none.
func splitExtension(b []byte) (main, ext []byte) {
	end := len(b)
	if end > 0 && b[end-1] == '#' {
		end--
	}
	start := end
	for start > 0 && '0' <= b[start-1] && b[start-1] <= '9' {
		start--
	}
	if start == end || start == 0 {
		return b, nil
	}
	digits := b[start:end]
	i := start
	// ";ext=12" (RFC 3966).
	if b[i-1] == '=' {
		if i >= 5 && string(b[i-5:i]) == ";ext=" {
			return trimRightSep(b[:i-5]), digits
		}
		return b, nil
	}
	// Characters between a label and its digits: "ext. 12", "ext: 12".
	for i > 0 && (b[i-1] == ' ' || b[i-1] == '.' || b[i-1] == ':' || b[i-1] == '-') {
		i--
	}
	var label int
	switch {
	case hasSuffix(b[:i], "extension"):
		label = len("extension")
	case hasSuffix(b[:i], "extn"):
		label = len("extn")
	case hasSuffix(b[:i], "ext"):
		label = len("ext")
	case hasSuffix(b[:i], "x"), hasSuffix(b[:i], "#"):
		label = 1
	default:
		return b, nil
	}
	j := i - label
	if j > 0 && 'a' <= b[j-1] && b[j-1] <= 'z' {
		return b, nil // part of a word, e.g. "box 12"
	}
	main = trimRightSep(b[:j])
	if len(main) == 0 {
		return b, nil
	}
	return main, digits
}

func hasSuffix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[len(b)-len(s):]) == s
}

func trimRightSep(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == ',' || b[len(b)-1] == ';') {
		b = b[:len(b)-1]
	}
	return b
}
