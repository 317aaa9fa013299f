package contactpipe

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"

	"github.com/contactpipe/contactpipe/dedupe"
	"github.com/contactpipe/contactpipe/normalize"
	"github.com/contactpipe/contactpipe/parse"
	"github.com/contactpipe/contactpipe/validate"
)

// Normalizer turns one parsed row into a Contact: every field normalized (package normalize), the
// API contract checked (package validate) and the fields a target requires present. It is what
// Import and Contacts run on every row, exported so that code composing the stage packages itself
// does not have to copy it. A Normalizer is safe for concurrent use; do not change its fields
// while it is in use.
type Normalizer struct {
	// DefaultCountry (ISO alpha-2, upper case) is the region national phone numbers are read in
	// when the row has no country of its own; "" means none.
	DefaultCountry string
	// Columns names, per field, the source column a RowError names; "" names the field itself.
	Columns [parse.NumFields]string
	// Required lists fields a row must have (Kore.ai needs parse.Msisdn): a row without one is
	// rejected with CodeMissingField.
	Required []parse.Field
	// DropInvalid accepts a row with a valid address and other invalid values without those
	// values, returning a Warning for each; by default an invalid value rejects the row. A row
	// whose every address is invalid is rejected either way.
	DropInvalid bool
}

// NewNormalizer returns the Normalizer Import uses for a source with mapping m: errors name the
// source column of each field. defaultCountry may be any name normalize.Country accepts; one it
// does not know is an error wrapping ErrConfig.
func NewNormalizer(defaultCountry string, m parse.Mapping) (*Normalizer, error) {
	n := &Normalizer{}
	if defaultCountry != "" {
		cc, err := normalize.Country(defaultCountry)
		if err != nil {
			return nil, fmt.Errorf("contactpipe: %w: default country: %w", ErrConfig, err)
		}
		n.DefaultCountry = cc
	}
	fed := [parse.NumFields]int{}
	for col, name := range m.Columns() {
		if f, ok := parse.FieldByName(name); ok {
			fed[f]++
			if fed[f] == 1 {
				n.Columns[f] = col
			} else {
				n.Columns[f] = "" // several columns feed it: name the field
			}
		}
	}
	return n, nil
}

// Normalize returns rec's contact, or the reason the row is rejected. A record the parser could
// not read (rec.Err set) is returned as its RowError. With DropInvalid, it also returns the
// values it dropped from an accepted row.
func (n *Normalizer) Normalize(rec *parse.Record) (Contact, []Warning, *RowError) {
	var c Contact
	warns, err := n.normalize(rec, &c, nil)
	return c, warns, err
}

// column names field f in errors.
func (n *Normalizer) column(f parse.Field) string {
	if n.Columns[f] != "" {
		return n.Columns[f]
	}
	return f.String()
}

// normalize fills c from rec, or returns why it cannot. c must be zero. The strings it makes are
// kept in a (a new string each when a is nil).
func (n *Normalizer) normalize(rec *parse.Record, c *Contact, a *arena) (warns []Warning, rerr *RowError) {
	if rec.Err != nil {
		return nil, fromParseError(rec)
	}
	v := &rec.Values
	// bad handles an invalid value of field f: it rejects the row (returning the RowError), or
	// with DropInvalid drops the value with a warning and returns nil.
	bad := func(f parse.Field, err error) *RowError {
		if !n.DropInvalid {
			return &RowError{Row: rec.Row, Column: n.column(f), Code: codeOf(err), Err: err}
		}
		warns = append(warns, Warning{Row: rec.Row, Column: n.column(f), Field: f.String(), Value: v[f], Code: codeOf(err), Err: err})
		*fieldPtr(c, f) = ""
		if f == parse.Msisdn {
			c.Extension = ""
		}
		return nil
	}
	var err error
	if s := strings.TrimSpace(v[parse.Country]); s != "" {
		if c.Country, err = normalize.Country(s); err != nil {
			if e := bad(parse.Country, err); e != nil {
				return nil, e
			}
		}
	}
	if s := v[parse.Msisdn]; strings.TrimSpace(s) != "" {
		region := c.Country
		if region == "" {
			region = n.DefaultCountry
		}
		if e164, ext, err := a.phoneNumber(s, region); err != nil {
			if e := bad(parse.Msisdn, err); e != nil {
				return nil, e
			}
		} else {
			c.Msisdn, c.Extension = e164, ext
		}
	}
	if s := v[parse.Email]; s != "" {
		if c.Email, err = normalize.Email(s); err != nil {
			if e := bad(parse.Email, err); e != nil {
				return nil, e
			}
		}
	}
	for _, f := range [...]parse.Field{parse.FirstName, parse.LastName, parse.Salutation} {
		if s := v[f]; s != "" {
			if s, err := normalize.NameField(f.String(), s); err != nil {
				if e := bad(f, err); e != nil {
					return nil, e
				}
			} else {
				*fieldPtr(c, f) = s
			}
		}
	}
	c.ExternalID = strings.TrimSpace(v[parse.ExternalID])
	for _, f := range [...]parse.Field{parse.WeChatUserID, parse.FacebookUserID, parse.ZaloID, parse.LineID, parse.KakaoTalkID} {
		if s := v[f]; s != "" {
			if s, err := normalize.ChatID(f.String(), s); err != nil {
				if e := bad(f, err); e != nil {
					return nil, e
				}
			} else {
				*fieldPtr(c, f) = s
			}
		}
	}
	// The API contract, on the canonical values.
	for f, v := range contactValues(c) {
		if v == "" {
			continue // validate.Field accepts every empty value
		}
		if err := validate.Field(fieldNames[f], v); err != nil {
			if e := bad(parse.Field(f), err); e != nil {
				return nil, e
			}
		}
	}
	if err := validate.Addresses(c.Msisdn, c.Email, c.WeChatUserID, c.FacebookUserID, c.ZaloID, c.LineID, c.KakaoTalkID); err != nil {
		for _, w := range warns { // every address was dropped: reject the row for the first
			if f, ok := parse.FieldByName(w.Field); ok && allKinds.has(f) {
				return nil, &RowError{Row: rec.Row, Column: w.Column, Code: w.Code, Err: w.Err}
			}
		}
		return nil, &RowError{Row: rec.Row, Code: codeOf(err), Err: err}
	}
	for _, f := range n.Required {
		if *fieldPtr(c, f) == "" {
			return nil, &RowError{Row: rec.Row, Column: n.column(f), Code: CodeMissingField, Err: fmt.Errorf("the upload target needs %s and the row has none; fill it in or choose another target", plainField(f))}
		}
	}
	return warns, nil
}

// arenaChunk is the size of an arena's buffers: the E.164 numbers of over a hundred rows.
const arenaChunk = 2 << 10

// arena holds strings a worker makes (the E.164 numbers) back to back in buffers that are never
// written again where a string points: one allocation for a few hundred numbers rather than one
// each, and every string stays valid for as long as anyone holds it (holding its buffer alive).
// It is owned by one goroutine.
type arena struct{ buf []byte }

// phoneNumber is normalize.PhoneNumber with the E.164 form kept in a; a nil a allocates it.
func (a *arena) phoneNumber(raw, region string) (e164, ext string, err error) {
	if a == nil {
		p, err := normalize.PhoneNumber(raw, region)
		return p.E164, p.Extension, err
	}
	if cap(a.buf)-len(a.buf) < 32 { // an E.164 number has at most 16 bytes
		a.buf = make([]byte, 0, arenaChunk)
	}
	start := len(a.buf)
	// A number longer than the room left would move the buffer (append): the strings already cut
	// point into the old one and stay valid; the new one is written only past them.
	a.buf, ext, err = normalize.AppendPhoneNumber(a.buf, raw, region)
	if err != nil || len(a.buf) == start {
		return "", ext, err
	}
	return unsafe.String(&a.buf[start], len(a.buf)-start), ext, nil
}

// Warning is a value dropped from an accepted row: with Config.InvalidField set to
// InvalidFieldDrop, a row with a valid address is accepted without its invalid values, and each
// dropped value is handed to Config.OnWarning.
type Warning struct {
	Row    int    // 1-based row as a spreadsheet shows it
	Column string // the source column
	Field  string // the contact field it would have filled
	Value  string // the value dropped, as it was in the source
	Code   string // why, as a RejectReasons code ("invalid_phone", …)
	Err    error  // why, in words
}

// Error says which row and column, and what is wrong.
func (w Warning) Error() string {
	return (&RowError{Row: w.Row, Column: w.Column, Code: w.Code, Err: w.Err}).Error()
}

// fieldNames are the fields' names (parse.Field.String), by field.
var fieldNames = func() (names [parse.NumFields]string) {
	for f := range parse.NumFields {
		names[f] = f.String()
	}
	return names
}()

// contactValues returns c's fields by parse.Field: what *fieldPtr(c, f) reads, for every f at once.
func contactValues(c *Contact) [parse.NumFields]string {
	return [parse.NumFields]string{
		parse.Msisdn: c.Msisdn, parse.FirstName: c.FirstName, parse.LastName: c.LastName,
		parse.ExternalID: c.ExternalID, parse.Country: c.Country, parse.Email: c.Email,
		parse.WeChatUserID: c.WeChatUserID, parse.FacebookUserID: c.FacebookUserID, parse.ZaloID: c.ZaloID,
		parse.LineID: c.LineID, parse.KakaoTalkID: c.KakaoTalkID, parse.Salutation: c.Salutation,
	}
}

// fieldPtr returns the Contact field that holds f.
func fieldPtr(c *Contact, f parse.Field) *string {
	switch f {
	case parse.Msisdn:
		return &c.Msisdn
	case parse.FirstName:
		return &c.FirstName
	case parse.LastName:
		return &c.LastName
	case parse.ExternalID:
		return &c.ExternalID
	case parse.Country:
		return &c.Country
	case parse.Email:
		return &c.Email
	case parse.WeChatUserID:
		return &c.WeChatUserID
	case parse.FacebookUserID:
		return &c.FacebookUserID
	case parse.ZaloID:
		return &c.ZaloID
	case parse.LineID:
		return &c.LineID
	case parse.KakaoTalkID:
		return &c.KakaoTalkID
	case parse.Salutation:
		return &c.Salutation
	}
	panic("contactpipe: no such field " + f.String())
}

// fromParseError returns the RowError of a row the parser could not read.
func fromParseError(rec *parse.Record) *RowError {
	var pe *parse.RowError
	if errors.As(rec.Err, &pe) {
		return pe
	}
	return &RowError{Row: rec.Row, Code: "unreadable_row", Err: rec.Err}
}

// codeOf extracts a stage error's reason code.
func codeOf(err error) string {
	var ne *normalize.Error
	if errors.As(err, &ne) {
		return ne.Code
	}
	var ve *validate.Error
	if errors.As(err, &ve) {
		return ve.Code
	}
	return "invalid_value"
}

// addressFields are the fields that address a contact, in the order of validate's AddressFields:
// the kinds of address dedupe compares.
var addressFields = [...]parse.Field{parse.Msisdn, parse.Email, parse.WeChatUserID, parse.FacebookUserID, parse.ZaloID, parse.LineID, parse.KakaoTalkID}

// kindSet is a set of address fields (bit f set for field f).
type kindSet uint16

func (k kindSet) has(f parse.Field) bool { return k&(1<<f) != 0 }

// allKinds holds every address field.
var allKinds = func() kindSet {
	var k kindSet
	for _, f := range addressFields {
		k |= 1 << f
	}
	return k
}()

// names lists the set's fields by name, in addressFields order.
func (k kindSet) names() []string {
	out := []string{}
	for _, f := range addressFields {
		if k.has(f) {
			out = append(out, f.String())
		}
	}
	return out
}

// addressKinds are the names of addressFields, in their order.
var addressKinds = func() (names [len(addressFields)]string) {
	for i, f := range addressFields {
		names[i] = f.String()
	}
	return names
}()

// appendAddresses appends c's non-empty addresses of the kinds in k, in addressFields order.
func appendAddresses(dst []dedupe.Address, c *Contact, k kindSet) []dedupe.Address {
	values := [len(addressFields)]string{c.Msisdn, c.Email, c.WeChatUserID, c.FacebookUserID, c.ZaloID, c.LineID, c.KakaoTalkID}
	for i, v := range values {
		if v != "" && k.has(addressFields[i]) {
			dst = append(dst, dedupe.Address{Kind: addressKinds[i], Value: v})
		}
	}
	return dst
}

// plainField names a field in plain words for messages ("a phone number"), where it has them.
func plainField(f parse.Field) string {
	switch f {
	case parse.Msisdn:
		return "a phone number"
	case parse.Email:
		return "an email address"
	case parse.FirstName:
		return "a first name"
	case parse.LastName:
		return "a last name"
	case parse.Country:
		return "a country"
	}
	return "a " + f.String()
}
