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
	"fmt"
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

func (e *RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("row %d: %v", e.Row, e.Err)
	}
	return fmt.Sprintf("row %d, column %q: %v", e.Row, e.Column, e.Err)
}

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
