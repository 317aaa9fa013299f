package normalize

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// emailField is the API field name used in email errors.
const emailField = "email"

// MaxEmailLength is the longest email address the API accepts, in
// characters.
const MaxEmailLength = 320

// Email normalizes the text of an email cell: blanks trimmed, "Name <addr>"
// reduced to the address, syntax checked with net/mail (RFC 5322 with
// UTF-8, so internationalized addresses pass), the domain lower-cased and
// checked as a host name (IDNA; at least two labels). A blank raw gives ""
// and a nil error. Failures are *Error values with Code CodeInvalidEmail or
// CodeEmailTooLong.
func Email(raw string) (string, error) {
	s := trimBlank(raw)
	if s == "" {
		return "", nil
	}
	invalid := newError(emailField, CodeInvalidEmail,
		"email is not a well-formed address (like name@example.com); correct the cell")
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", invalid
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at <= 0 {
		return "", invalid
	}
	local, domain := a.Address[:at], a.Address[at+1:]
	// A quoted local part ("john doe"@…) comes back unquoted; the API wants
	// a plain dot-atom.
	for _, r := range local {
		if r < utf8.RuneSelf && !isAtext(byte(r)) && r != '.' {
			return "", invalid
		}
	}
	domain = strings.ToLower(domain)
	if !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", invalid
	}
	if _, err := idna.Lookup.ToASCII(domain); err != nil {
		return "", invalid
	}
	addr := local + "@" + domain
	if utf8.RuneCountInString(addr) > MaxEmailLength {
		return "", newError(emailField, CodeEmailTooLong,
			"email is longer than 320 characters; correct the cell")
	}
	if addr == s {
		return s, nil
	}
	return addr, nil
}

// isAtext reports whether c is an ASCII atext character of RFC 5322.
func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}
