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
	if addr, ok := plainEmail(s); ok {
		return addr, nil
	}
	return emailSlow(s)
}

// plainEmail is Email's shortcut for the common shape: an ASCII dot-atom, '@', and an ASCII host
// name of at least two LDH labels (1–63 characters, no hyphen at either end, no "--" at positions
// 3–4, so no punycode), at most 253 characters in all. emailSlow accepts every such address and
// gives the same result, so ok=false only means "ask emailSlow". It allocates only to lower-case
// a domain that is not lower case already.
func plainEmail(s string) (string, bool) {
	if len(s) > MaxEmailLength {
		return "", false
	}
	at := strings.IndexByte(s, '@')
	if at <= 0 {
		return "", false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' {
		return "", false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if c == '.' {
			if local[i-1] == '.' {
				return "", false
			}
		} else if !isAtext(c) {
			return "", false
		}
	}
	if len(domain) > 253 {
		return "", false
	}
	labels, start, upper := 0, 0, false
	for i := 0; i <= len(domain); i++ {
		if i < len(domain) && domain[i] != '.' {
			c := domain[i]
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-':
			case 'A' <= c && c <= 'Z':
				upper = true
			default:
				return "", false
			}
			continue
		}
		label := domain[start:i]
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' ||
			len(label) >= 4 && label[2] == '-' && label[3] == '-' {
			return "", false
		}
		labels++
		start = i + 1
	}
	if labels < 2 {
		return "", false
	}
	if upper {
		return local + "@" + strings.ToLower(domain), true
	}
	return s, true
}

// emailSlow is Email for any text: the reference plainEmail must agree with.
func emailSlow(s string) (string, error) {
	invalid := newError(emailField, CodeInvalidEmail,
		"not a valid email address (like anna@mail.com); correct the cell")
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
			"too long for an email address (more than 320 characters); correct the cell")
	}
	if addr == s {
		return s, nil
	}
	return addr, nil
}

// isAtext reports whether c is an ASCII atext character of RFC 5322.
func isAtext(c byte) bool { return atext[c] }

// atext holds the bytes isAtext accepts: letters, digits and !#$%&'*+-/=?^_`{|}~.
var atext = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!#$%&'*+-/=?^_`{|}~", byte(c)) >= 0
	}
	return t
}()
