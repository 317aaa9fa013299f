package upload

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/mail"
	"regexp"
	"strconv"
	"unicode/utf8"
)

// ErrInvalidContact means a NewContact breaks the create-contact contract; CreateContact returns
// it (wrapped in a *ContactError) before sending anything.
var ErrInvalidContact = errors.New("upload: contact breaks the api's contract")

// Limits of the create-contact contract (the API's OpenAPI description, create-contact and
// address-list). The batch path applies the same rules to every row (package validate, which
// upload does not import: stages import no other stage).
const (
	MaxContactNameLen       = 200 // firstName, lastName
	MaxContactExternalIDLen = 50
	MaxContactEmailLen      = 320
	MaxContactChatIDLen     = 128 // weChatUserId, facebookUserId, zaloId, lineId, kakaoTalkId
	MaxCustomAttributes     = 50
)

var msisdnPattern = regexp.MustCompile(`^\+{0,1}[1-9]{1}[0-9]{6,14}$`)

// ContactError is a NewContact field that breaks the create-contact contract.
type ContactError struct {
	// Field is the API's field name ("firstName", "addresses.msisdn", "groups", …).
	Field string
	// Message says what is wrong, without the value.
	Message string
}

// Error names the field and the problem.
func (e *ContactError) Error() string {
	return fmt.Sprintf("upload: 8x8 create contact: %s: %s", e.Field, e.Message)
}

// Unwrap returns ErrInvalidContact.
func (e *ContactError) Unwrap() error { return ErrInvalidContact }

// Validate checks n against the create-contact contract: names at most 200 characters, externalId
// at most 50, country two ASCII letters (alpha-2), at most 10 distinct positive group ids, at most
// 50 custom attributes, and at least one address, each within its rule (msisdn
// ^\+?[1-9][0-9]{6,14}$, email well formed and at most 320, chat ids at most 128). Lengths count
// characters. It returns the first *ContactError found.
func (n NewContact) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &ContactError{Field: field, Message: fmt.Sprintf(format, args...)}
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{
		{"firstName", n.FirstName, MaxContactNameLen},
		{"lastName", n.LastName, MaxContactNameLen},
		{"externalId", n.ExternalID, MaxContactExternalIDLen},
		{"addresses.email", n.Addresses.Email, MaxContactEmailLen},
		{"addresses.weChatUserId", n.Addresses.WeChatUserID, MaxContactChatIDLen},
		{"addresses.facebookUserId", n.Addresses.FacebookUserID, MaxContactChatIDLen},
		{"addresses.zaloId", n.Addresses.ZaloID, MaxContactChatIDLen},
		{"addresses.lineId", n.Addresses.LineID, MaxContactChatIDLen},
		{"addresses.kakaoTalkId", n.Addresses.KakaoTalkID, MaxContactChatIDLen},
	} {
		if c := utf8.RuneCountInString(f.v); c > f.max {
			return bad(f.name, "%d characters, at most %d allowed", c, f.max)
		}
	}
	if n.Country != "" {
		c := n.Country
		if len(c) != 2 || !isASCIILetter(c[0]) || !isASCIILetter(c[1]) {
			return bad("country", "must be an ISO alpha-2 code (two letters)")
		}
	}
	if len(n.Groups) > MaxGroups {
		return bad("groups", "%d groups, at most %d allowed", len(n.Groups), MaxGroups)
	}
	seen := map[int]bool{}
	for _, g := range n.Groups {
		if g <= 0 {
			return bad("groups", "group id %d is not a positive integer", g)
		}
		if seen[g] {
			return bad("groups", "group id %d is given twice", g)
		}
		seen[g] = true
	}
	if len(n.CustomAttributes) > MaxCustomAttributes {
		return bad("customAttributes", "%d attributes, at most %d allowed", len(n.CustomAttributes), MaxCustomAttributes)
	}
	a := n.Addresses
	if a.MSISDN == "" && a.Email == "" && a.WeChatUserID == "" && a.FacebookUserID == "" && a.ZaloID == "" && a.LineID == "" && a.KakaoTalkID == "" {
		return bad("addresses", "at least one address is required")
	}
	if a.MSISDN != "" && !msisdnPattern.MatchString(a.MSISDN) {
		return bad("addresses.msisdn", "must match ^\\+?[1-9][0-9]{6,14}$ (E.164)")
	}
	if a.Email != "" {
		if addr, err := mail.ParseAddress(a.Email); err != nil || addr.Address != a.Email {
			return bad("addresses.email", "not a well-formed address")
		}
	}
	return nil
}

func isASCIILetter(b byte) bool { return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') }

// jsonID reads a JSON number that should be an integer id or count; the API types them as number,
// so 41764986.0 is accepted as long as it has no fraction and fits.
func jsonID(raw json.RawMessage) (int64, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var num json.Number
	if err := json.Unmarshal(raw, &num); err != nil {
		return 0, err
	}
	if n, err := num.Int64(); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(string(num), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, fmt.Errorf("%s is not an integer id", num)
	}
	return int64(f), nil
}

// UnmarshalJSON accepts an id and counts written as numbers with a zero fraction (41764986.0).
func (c *Contact) UnmarshalJSON(data []byte) error {
	type plain Contact
	var raw struct {
		plain
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	id, err := jsonID(raw.ID)
	if err != nil {
		return fmt.Errorf("contact id: %w", err)
	}
	*c = Contact(raw.plain)
	c.ID = id
	return nil
}

// UnmarshalJSON accepts an id and contact count written as numbers with a zero fraction.
func (g *Group) UnmarshalJSON(data []byte) error {
	type plain Group
	var raw struct {
		plain
		ID       json.RawMessage `json:"id"`
		Contacts json.RawMessage `json:"contacts"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	id, err := jsonID(raw.ID)
	if err != nil {
		return fmt.Errorf("group id: %w", err)
	}
	n, err := jsonID(raw.Contacts)
	if err != nil {
		return fmt.Errorf("group contacts: %w", err)
	}
	*g = Group(raw.plain)
	g.ID, g.Contacts = int(id), int(n)
	return nil
}
