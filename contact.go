// Package contactpipe imports contact lists (CSV, XLSX, XLS) into a contacts API as batches.
//
// Import streams a file through staged goroutines — parse, normalize, validate, dedupe, chunk,
// upload — and accounts for every row: accepted (in a chunk that was uploaded), rejected (with a
// RowError saying why) or duplicate (of an earlier row). Memory does not grow with the file, row
// order is kept end to end, and cancelling the context stops every goroutine before Import returns.
//
// Each stage is a package of its own that works on plain values (parse, normalize, validate,
// dedupe, chunk, upload) and can be used alone; this package only wires them.
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

// Contact is one contact in canonical form: phones in E.164, country alpha-2, trimmed text.
type Contact struct {
	Msisdn         string // E.164, e.g. +16511112222
	Extension      string // phone extension split off the number, if any
	FirstName      string
	LastName       string
	ExternalID     string
	Country        string // ISO 3166 alpha-2, upper case
	Email          string
	WeChatUserID   string
	FacebookUserID string
	ZaloID         string
	LineID         string
	KakaoTalkID    string
	Salutation     string // Kore.ai only
}

// RowError is a row that cannot be imported. It mirrors encoding/csv's ParseError: the row and
// column locate the problem, Code classifies it (stable; reports count rows by it) and Err says
// what is wrong. Use errors.As to get one and errors.Is to test Err against a stage's sentinels.
type RowError struct {
	Row    int    // 1-based row as a spreadsheet shows it (the header is row 1)
	Column string // the source column's header name (or the field name when there is no header)
	Code   string // e.g. "invalid_phone", "no_address", "malformed_csv"
	Err    error
}

// Error says which row and column, and what is wrong.
func (e *RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %v", e.Row, e.Err)
	}
	return fmt.Sprintf("row %d, column %q: %v", e.Row, e.Column, e.Err)
}

// Unwrap returns the stage error, for errors.Is and errors.As.
func (e *RowError) Unwrap() error { return e.Err }

// Rejected is a row that did not make it into a chunk, handed to Config.OnRejected.
type Rejected struct {
	Header []string  // the source's header row (shared by all rejections: do not modify)
	Raw    []string  // the row's original cells (nil for rows the server refused after upload)
	Err    *RowError // why
}

// Duplicate is a row that shares an address with an earlier row, handed to Config.OnDuplicate.
type Duplicate struct {
	Row         int    // the duplicate row
	DuplicateOf int    // the earlier row that holds the address
	Column      string // the source column of the shared address
	Value       string // the shared address, normalized
}

// Codes of RowErrors made by the pipeline itself (stages add their own).
const (
	CodeRowTooLarge    = "row_too_large"   // the row alone does not fit in a chunk
	CodeMissingField   = "missing_field"   // the target needs a field the row lacks (e.g. a phone for Kore.ai)
	CodeServerRejected = "server_rejected" // the API refused the row after upload
)

// fieldGetter returns the Contact accessor of a field.
func fieldGetter(f parse.Field) func(*Contact) string {
	switch f {
	case parse.Msisdn:
		return func(c *Contact) string { return c.Msisdn }
	case parse.FirstName:
		return func(c *Contact) string { return c.FirstName }
	case parse.LastName:
		return func(c *Contact) string { return c.LastName }
	case parse.ExternalID:
		return func(c *Contact) string { return c.ExternalID }
	case parse.Country:
		return func(c *Contact) string { return c.Country }
	case parse.Email:
		return func(c *Contact) string { return c.Email }
	case parse.WeChatUserID:
		return func(c *Contact) string { return c.WeChatUserID }
	case parse.FacebookUserID:
		return func(c *Contact) string { return c.FacebookUserID }
	case parse.ZaloID:
		return func(c *Contact) string { return c.ZaloID }
	case parse.LineID:
		return func(c *Contact) string { return c.LineID }
	case parse.KakaoTalkID:
		return func(c *Contact) string { return c.KakaoTalkID }
	case parse.Salutation:
		return func(c *Contact) string { return c.Salutation }
	}
	return func(*Contact) string { return "" }
}

// derivedColumn returns the accessor of a chunk column an uploader may ask for: a field name or
// one of Kore.ai's phone columns.
func derivedColumn(name string) (func(*Contact) string, bool) {
	switch name {
	case "cellPhoneNumber":
		return func(c *Contact) string { _, n := normalize.SplitE164(c.Msisdn); return n }, true
	case "cellPhoneCountryCode":
		return func(c *Contact) string { cc, _ := normalize.SplitE164(c.Msisdn); return cc }, true
	case "cellPhoneExtension":
		return func(c *Contact) string { return c.Extension }, true
	}
	f, ok := parse.FieldByName(name)
	if !ok {
		return nil, false
	}
	return fieldGetter(f), true
}

// normalize turns one parsed record into a canonical contact, or the reason it is rejected. It
// runs on several goroutines at once and touches only its arguments and read-only pipeline state.
func (p *pipeline) normalize(rec *parse.Record, out *outcome) {
	*out = outcome{}
	if rec.Err != nil {
		out.err = fromParseError(rec)
		return
	}
	v := &rec.Values
	c := &out.contact
	fail := func(f parse.Field, err error) {
		out.err = &RowError{Row: rec.Row, Column: p.column[f], Code: codeOf(err), Err: err}
	}
	var err error
	if s := strings.TrimSpace(v[parse.Country]); s != "" {
		if c.Country, err = normalize.Country(s); err != nil {
			fail(parse.Country, err)
			return
		}
	}
	if s := v[parse.Msisdn]; strings.TrimSpace(s) != "" {
		region := c.Country
		if region == "" {
			region = p.cfg.DefaultCountry
		}
		ph, err := normalize.PhoneNumber(s, region)
		if err != nil {
			fail(parse.Msisdn, err)
			return
		}
		c.Msisdn, c.Extension = ph.E164, ph.Extension
	}
	if s := v[parse.Email]; s != "" {
		if c.Email, err = normalize.Email(s); err != nil {
			fail(parse.Email, err)
			return
		}
	}
	for _, n := range []struct {
		f   parse.Field
		dst *string
	}{{parse.FirstName, &c.FirstName}, {parse.LastName, &c.LastName}, {parse.Salutation, &c.Salutation}} {
		if s := v[n.f]; s != "" {
			if *n.dst, err = normalize.NameField(n.f.String(), s); err != nil {
				fail(n.f, err)
				return
			}
		}
	}
	c.ExternalID = strings.TrimSpace(v[parse.ExternalID])
	for _, n := range []struct {
		f   parse.Field
		dst *string
	}{{parse.WeChatUserID, &c.WeChatUserID}, {parse.FacebookUserID, &c.FacebookUserID}, {parse.ZaloID, &c.ZaloID}, {parse.LineID, &c.LineID}, {parse.KakaoTalkID, &c.KakaoTalkID}} {
		if s := v[n.f]; s != "" {
			if *n.dst, err = normalize.ChatID(n.f.String(), s); err != nil {
				fail(n.f, err)
				return
			}
		}
	}
	// The API contract, on the canonical values.
	for f := range parse.NumFields {
		if err := validate.Field(f.String(), fieldGetter(f)(c)); err != nil {
			fail(f, err)
			return
		}
	}
	if err := validate.Addresses(c.Msisdn, c.Email, c.WeChatUserID, c.FacebookUserID, c.ZaloID, c.LineID, c.KakaoTalkID); err != nil {
		out.err = &RowError{Row: rec.Row, Code: codeOf(err), Err: err}
		return
	}
	for _, f := range p.required {
		if fieldGetter(f)(c) == "" {
			fail(f, fmt.Errorf("%s is required by the upload target and the row has none", f))
			out.err.Code = CodeMissingField
			return
		}
	}
}

// fromParseError turns a row the parser could not read into a RowError.
func fromParseError(rec *parse.Record) *RowError {
	var pe *parse.RowError
	if errors.As(rec.Err, &pe) {
		return &RowError{Row: rec.Row, Column: pe.Column, Code: pe.Code, Err: pe.Err}
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

func appendAddresses(dst []dedupe.Address, c *Contact) []dedupe.Address {
	for _, a := range [...]dedupe.Address{
		{Kind: "msisdn", Value: c.Msisdn},
		{Kind: "email", Value: c.Email},
		{Kind: "weChatUserId", Value: c.WeChatUserID},
		{Kind: "facebookUserId", Value: c.FacebookUserID},
		{Kind: "zaloId", Value: c.ZaloID},
		{Kind: "lineId", Value: c.LineID},
		{Kind: "kakaoTalkId", Value: c.KakaoTalkID},
	} {
		if a.Value != "" {
			dst = append(dst, a)
		}
	}
	return dst
}

func (p *pipeline) columnOf(field string) string {
	if f, ok := parse.FieldByName(field); ok {
		return p.column[f]
	}
	return field
}
