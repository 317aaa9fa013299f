// Package validate checks canonical contact fields against the 8x8 Contacts API's create-contact
// contract (see shared/spec): names and chat ids have length limits, country is alpha-2, msisdn
// matches ^\+?[1-9][0-9]{6,14}$, email is at most 320 characters and well formed, and every contact
// has at least one address.
//
// It works on plain field names and values (the API's names: "msisdn", "firstName", …), so it can be
// used without the rest of contactpipe. Lengths are counted in characters (runes), as the API counts.
package validate

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Limits from the create-contact contract.
const (
	MaxNameLen       = 200 // firstName, lastName
	MaxExternalIDLen = 50  // externalId
	MaxEmailLen      = 320 // email
	MaxChatIDLen     = 128 // weChatUserId, facebookUserId, zaloId, lineId, kakaoTalkId
)

// Reason codes of an *Error. They are stable: reports count rows by them.
const (
	CodeNameTooLong       = "name_too_long"
	CodeExternalIDTooLong = "external_id_too_long"
	CodeInvalidCountry    = "invalid_country"
	CodeInvalidMsisdn     = "invalid_msisdn"
	CodeEmailTooLong      = "email_too_long"
	CodeInvalidEmail      = "invalid_email"
	CodeChatIDTooLong     = "chat_id_too_long"
	CodeNoAddress         = "no_address"
	CodeUnknownField      = "unknown_field"
)

// AddressFields returns the fields that address a contact, in the order Addresses takes them; the
// API wants at least one of them. Each call returns a new slice the caller may change.
func AddressFields() []string {
	return []string{"msisdn", "email", "weChatUserId", "facebookUserId", "zaloId", "lineId", "kakaoTalkId"}
}

// Error is a field value that breaks the contract.
type Error struct {
	Field   string // the API field name, "" for a rule about the whole contact
	Code    string // one of the Code constants
	Message string // what is wrong and what to do in plain words, without the value or the field name
}

// Error returns the message. It does not name the field: the caller knows the user's name for the
// column (contactpipe's RowError adds it) and Field holds the API's name.
func (e *Error) Error() string { return e.Message }

// Field checks one canonical value of the named field. An empty value is valid (the field is
// absent); whether a contact has an address is Addresses' job.
func Field(name, value string) error {
	if value == "" {
		return nil
	}
	switch name {
	case "firstName", "lastName":
		return maxLen(name, value, MaxNameLen, CodeNameTooLong)
	case "externalId":
		return maxLen(name, value, MaxExternalIDLen, CodeExternalIDTooLong)
	case "country":
		if !isAlpha2(value) {
			return &Error{name, CodeInvalidCountry, "not a two-letter country code; write a code such as US or GB"}
		}
	case "msisdn":
		if !IsMsisdn(value) {
			return &Error{name, CodeInvalidMsisdn, "not a phone number the API accepts; write + and 7 to 15 digits, the first not 0"}
		}
	case "email":
		if err := maxLen(name, value, MaxEmailLen, CodeEmailTooLong); err != nil {
			return err
		}
		if !isEmail(value) {
			return &Error{name, CodeInvalidEmail, "not a valid email address (like anna@mail.com); correct the cell"}
		}
	case "weChatUserId", "facebookUserId", "zaloId", "lineId", "kakaoTalkId":
		return maxLen(name, value, MaxChatIDLen, CodeChatIDTooLong)
	case "salutation":
		return nil
	default:
		return &Error{name, CodeUnknownField, "not a contact field the API knows; check the column mapping"}
	}
	return nil
}

// Addresses checks that at least one of the given address values (in the order of AddressFields, or
// any order: only emptiness matters) is present.
func Addresses(values ...string) error {
	for _, v := range values {
		if v != "" {
			return nil
		}
	}
	return &Error{"", CodeNoAddress, "the row has no phone number, email or chat id; fill in at least one"}
}

// IsMsisdn reports whether s matches the API's msisdn pattern ^\+?[1-9][0-9]{6,14}$.
func IsMsisdn(s string) bool {
	if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	if len(s) < 7 || len(s) > 15 || s[0] < '1' || s[0] > '9' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func maxLen(field, value string, limit int, code string) error {
	if len(value) <= limit { // a rune has at least a byte
		return nil
	}
	if n := utf8.RuneCountInString(value); n > limit {
		return &Error{field, code, fmt.Sprintf("too long: %d characters, at most %d allowed; shorten it", n, limit)}
	}
	return nil
}

func isAlpha2(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

// isEmail accepts a bare address (no display name, no angle brackets) that net/mail parses. The
// common shape, an ASCII dot-atom@dot-atom, is accepted without parsing: net/mail accepts every
// such address, so the shortcut changes no answer.
func isEmail(s string) bool {
	if at := strings.LastIndexByte(s, '@'); at > 0 && isDotAtom(s[:at]) && isDotAtom(s[at+1:]) {
		return true
	}
	if strings.ContainsAny(s, "<> \t\r\n") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

// isDotAtom reports whether s is an RFC 5322 dot-atom of ASCII atext: atoms joined by single dots.
func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case atext[c]:
		case c == '.':
			if s[i-1] == '.' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// atext holds the bytes of RFC 5322's atext: letters, digits and !#$%&'*+-/=?^_`{|}~.
var atext = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!#$%&'*+-/=?^_`{|}~", byte(c)) >= 0
	}
	return t
}()
