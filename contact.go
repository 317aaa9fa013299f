// Package contactpipe imports contact lists (CSV, XLSX, XLS) into a contacts API as batches.
//
// The spine is a stream of contacts (Contacts): parse, then normalize and validate on every core,
// then dedupe in row order; each row comes out accepted (a Contact), rejected (with a RowError
// saying why) or a duplicate (of an earlier row). Import consumes that stream into chunk files
// and an Uploader, ImportTo into a Sink of your own, and both account for every row in a Report.
// Memory does not grow with the file, row order is kept end to end, and cancelling the context
// stops every goroutine before they return.
//
// Each stage is a package of its own that works on plain values (parse, normalize, validate,
// dedupe, chunk, upload) and can be used alone; this package only wires them.
package contactpipe

import (
	"github.com/contactpipe/contactpipe/normalize"
	"github.com/contactpipe/contactpipe/parse"
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

// RowError is a row that cannot be imported: the one row error type of the whole pipeline, the
// parser's own. Like encoding/csv's ParseError, Row and Column locate the problem, Code classifies it
// (stable; reports count rows by it) and Err says what is wrong. Use errors.As to get one and
// errors.Is to test Err against a stage's sentinels.
type RowError = parse.RowError

// Rejected is a row that did not make it into a chunk (or that the server refused), handed to
// Config.OnRejected.
type Rejected struct {
	Header []string  // the source's header row (shared by all rejections: do not modify)
	Raw    []string  // the row's original cells, every one of them (may be wider than Header)
	Err    *RowError // why
}

// Duplicate is a row that shares an address with an earlier row, handed to Config.OnDuplicate.
type Duplicate struct {
	Row         int // the duplicate row
	DuplicateOf int // the earlier row that holds the address
	// DuplicateOfSource names the source (file) of the earlier row when a shared Deduper knows it
	// came from another import; "" when it is a row of this source.
	DuplicateOfSource string
	Column            string   // the source column of the shared address
	Value             string   // the shared address, normalized
	Header            []string // the source's header row (shared: do not modify)
	Raw               []string // the duplicate row's original cells
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
// It also says which field the column's value comes from.
func derivedColumn(name string) (get func(*Contact) string, from parse.Field, ok bool) {
	switch name {
	case "cellPhoneNumber":
		return func(c *Contact) string { _, n := normalize.SplitE164(c.Msisdn); return n }, parse.Msisdn, true
	case "cellPhoneCountryCode":
		return func(c *Contact) string { cc, _ := normalize.SplitE164(c.Msisdn); return cc }, parse.Msisdn, true
	case "cellPhoneExtension":
		return func(c *Contact) string { return c.Extension }, parse.Msisdn, true
	}
	f, ok := parse.FieldByName(name)
	if !ok {
		return nil, 0, false
	}
	return fieldGetter(f), f, true
}
