package contactpipe

import (
	"errors"
	"fmt"
	"strings"

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
// not read (rec.Err set) is returned as its RowError.
func (n *Normalizer) Normalize(rec *parse.Record) (Contact, *RowError) {
	var c Contact
	err := n.normalize(rec, &c)
	return c, err
}

// column names field f in errors.
func (n *Normalizer) column(f parse.Field) string {
	if n.Columns[f] != "" {
		return n.Columns[f]
	}
	return f.String()
}

// normalize fills c from rec, or returns why it cannot. c must be zero.
func (n *Normalizer) normalize(rec *parse.Record, c *Contact) *RowError {
	if rec.Err != nil {
		return fromParseError(rec)
	}
	v := &rec.Values
	fail := func(f parse.Field, err error) *RowError {
		return &RowError{Row: rec.Row, Column: n.column(f), Code: codeOf(err), Err: err}
	}
	var err error
	if s := strings.TrimSpace(v[parse.Country]); s != "" {
		if c.Country, err = normalize.Country(s); err != nil {
			return fail(parse.Country, err)
		}
	}
	if s := v[parse.Msisdn]; strings.TrimSpace(s) != "" {
		region := c.Country
		if region == "" {
			region = n.DefaultCountry
		}
		ph, err := normalize.PhoneNumber(s, region)
		if err != nil {
			return fail(parse.Msisdn, err)
		}
		c.Msisdn, c.Extension = ph.E164, ph.Extension
	}
	if s := v[parse.Email]; s != "" {
		if c.Email, err = normalize.Email(s); err != nil {
			return fail(parse.Email, err)
		}
	}
	for _, f := range [...]parse.Field{parse.FirstName, parse.LastName, parse.Salutation} {
		if s := v[f]; s != "" {
			s, err := normalize.NameField(f.String(), s)
			if err != nil {
				return fail(f, err)
			}
			*fieldPtr(c, f) = s
		}
	}
	c.ExternalID = strings.TrimSpace(v[parse.ExternalID])
	for _, f := range [...]parse.Field{parse.WeChatUserID, parse.FacebookUserID, parse.ZaloID, parse.LineID, parse.KakaoTalkID} {
		if s := v[f]; s != "" {
			s, err := normalize.ChatID(f.String(), s)
			if err != nil {
				return fail(f, err)
			}
			*fieldPtr(c, f) = s
		}
	}
	// The API contract, on the canonical values.
	for f := range parse.NumFields {
		if err := validate.Field(f.String(), *fieldPtr(c, f)); err != nil {
			return fail(f, err)
		}
	}
	if err := validate.Addresses(c.Msisdn, c.Email, c.WeChatUserID, c.FacebookUserID, c.ZaloID, c.LineID, c.KakaoTalkID); err != nil {
		return &RowError{Row: rec.Row, Code: codeOf(err), Err: err}
	}
	for _, f := range n.Required {
		if *fieldPtr(c, f) == "" {
			e := fail(f, fmt.Errorf("%s is required by the upload target and the row has none", f))
			e.Code = CodeMissingField
			return e
		}
	}
	return nil
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

// appendAddresses appends c's non-empty addresses of the kinds in k.
func appendAddresses(dst []dedupe.Address, c *Contact, k kindSet) []dedupe.Address {
	for _, f := range addressFields {
		if k.has(f) {
			if v := *fieldPtr(c, f); v != "" {
				dst = append(dst, dedupe.Address{Kind: f.String(), Value: v})
			}
		}
	}
	return dst
}
