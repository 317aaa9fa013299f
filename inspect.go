package contactpipe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/contactpipe/contactpipe/parse"
)

// Inspection is what Inspect found in a source: how it was read, what each column feeds, and what
// would become of its rows in an import with the same Config.
type Inspection struct {
	Source    string   `json:"source"`
	Format    string   `json:"format"`
	Encoding  string   `json:"encoding,omitempty"`  // text encoding read ("utf-8", "windows-1252", …)
	Delimiter string   `json:"delimiter,omitempty"` // CSV field delimiter ("," ";" "|" "tab")
	Sheet     string   `json:"sheet,omitempty"`     // the worksheet read
	Sheets    []string `json:"sheets,omitempty"`    // every sheet of the workbook, when the reader tells them
	// HeaderRow is the row the header was read from (1 unless rows before it were skipped; 0
	// without a header row); SkippedRows are the rows before it.
	HeaderRow   int      `json:"headerRow"`
	SkippedRows []int    `json:"skippedRows,omitempty"`
	Header      []string `json:"header"`
	// RejectedFile is true for a rejected.csv written by contactpipe: its error_* columns are left
	// out and its anti-formula apostrophes removed.
	RejectedFile bool `json:"rejectedFile,omitempty"`
	// Columns describes each source column in file order, with how many of its values were
	// checked and how many of those normalize and validate.
	Columns []ColumnStats `json:"columns"`

	Rows       int  `json:"rows"` // data rows read (at most the limit given to Inspect)
	Accepted   int  `json:"accepted"`
	Rejected   int  `json:"rejected"`
	Duplicates int  `json:"duplicates"`
	Warnings   int  `json:"warnings"`  // values dropped from accepted rows (Config.InvalidField "drop")
	Truncated  bool `json:"truncated"` // the file has more rows than were read
	// RejectReasons are the reject codes, most frequent first, each with a few example rows.
	RejectReasons []ReasonStats `json:"rejectReasons"`
	// Contacts are the first accepted contacts as they would be sent: API field name → value,
	// empty fields left out.
	Contacts []map[string]string `json:"contacts"`
}

// ColumnStats is one source column as Inspect saw it.
type ColumnStats struct {
	parse.ColumnInfo
	// Values counts the column's non-blank cells that were checked: every one in a row that was
	// accepted or dropped values, only the failing one in a row rejected for an invalid value
	// (the rest of such a row is not looked at). Valid counts those that normalize and validate.
	Values int `json:"values"`
	Valid  int `json:"valid"`
}

// ReasonStats counts the rows rejected with one code.
type ReasonStats struct {
	Code     string       `json:"code"`
	Count    int          `json:"count"`
	Examples []RowExample `json:"examples"`
}

// RowExample is a rejected row, as it would appear in rejected.csv.
type RowExample struct {
	Row     int      `json:"row"`
	Column  string   `json:"column,omitempty"`
	Message string   `json:"message"`
	Raw     []string `json:"raw"`
}

// InspectExamples is how many example rows Inspect keeps per reject code, and how many accepted
// contacts it keeps.
const InspectExamples = 3

// Inspect reads src as Import would with cfg — the same parse, normalize, validate and dedupe
// steps — and reports how the file was read and what would become of its rows, writing and
// uploading nothing. It reads at most maxRows data rows (0: all). The fields of cfg about chunks,
// uploads and callbacks are not used. Errors are Import's: a config error wraps ErrConfig. A file
// in which no column maps to an address is still read (every row then rejected for lack of one)
// and the Inspection returned with the error Import refuses it with (wrapping ErrConfig and
// parse.ErrNoAddressColumn).
func Inspect(ctx context.Context, src io.Reader, cfg Config, maxRows int) (Inspection, error) {
	in := Inspection{Source: cfg.Source, Columns: []ColumnStats{}, RejectReasons: []ReasonStats{}, Contacts: []map[string]string{}}
	if err := cfg.check(false); err != nil {
		return in, err
	}
	cfg = cfg.withDefaults()
	cfg.allowNoAddress = true // previewed, then refused as Import refuses it
	e, err := openEngine(ctx, src, cfg)
	if err != nil {
		return in, err
	}
	s := e.in
	refusal := s.NoAddress()
	in.Format, in.Delimiter, in.Sheet = string(s.Format()), s.DelimiterName(), s.Sheet()
	in.Sheets, in.SkippedRows, in.RejectedFile = s.Sheets(), s.SkippedRows(), s.Rejected()
	in.Header = append([]string{}, s.Header()...)
	in.Encoding = s.Encoding() // as detected; reading on may change it (see below)
	if !cfg.NoHeader {
		in.HeaderRow = 1
		if n := len(in.SkippedRows); n > 0 {
			in.HeaderRow = in.SkippedRows[n-1] + 1
		}
	}
	col := map[string]int{} // source column name → index in Columns
	for _, ci := range s.Mapping().Describe() {
		col[ci.Header] = len(in.Columns)
		in.Columns = append(in.Columns, ColumnStats{ColumnInfo: ci})
	}
	// A second Normalizer that drops invalid values instead of rejecting: it finds every invalid
	// value of a row, for the per-column figures, whatever cfg.InvalidField says.
	dropping := *e.norm
	dropping.DropInvalid = true
	reasons := map[string]*ReasonStats{}
	errBreak := errors.New("enough rows")

	err = e.run(ctx, func(b *batch) error {
		for i := range b.recs {
			if maxRows > 0 && in.Rows == maxRows {
				in.Truncated = true
				return errBreak
			}
			rec, r := &b.recs[i], &b.outs[i]
			in.Rows++
			bad := map[string]bool{}
			checked := r.err == nil
			if r.err != nil && rec.Err == nil {
				if _, warns, rerr := dropping.Normalize(rec); rerr == nil {
					checked = true // only values other than the addresses were invalid: all checked
					for _, w := range warns {
						bad[w.Column] = true
					}
				} else {
					bad[rerr.Column] = true
				}
			}
			for _, w := range r.warns {
				bad[w.Column] = true
			}
			for j, ci := range in.Columns {
				if ci.Field == "" || ci.Index >= len(rec.Raw) || strings.TrimSpace(rec.Raw[ci.Index]) == "" {
					continue
				}
				if !checked && !bad[ci.Header] {
					continue
				}
				in.Columns[j].Values++
				if !bad[ci.Header] {
					in.Columns[j].Valid++
				}
			}
			in.Warnings += len(r.warns)
			switch {
			case r.err != nil:
				in.Rejected++
				rs := reasons[r.err.Code]
				if rs == nil {
					rs = &ReasonStats{Code: r.err.Code}
					reasons[r.err.Code] = rs
				}
				rs.Count++
				if len(rs.Examples) < InspectExamples {
					rs.Examples = append(rs.Examples, RowExample{Row: rec.Row, Column: r.err.Column, Message: r.err.Error(), Raw: rec.Raw})
				}
			case r.dup:
				in.Duplicates++
			default:
				in.Accepted++
				if len(in.Contacts) < InspectExamples {
					in.Contacts = append(in.Contacts, contactFields(&r.contact))
				}
			}
		}
		return nil
	})
	if e.parsed { // else the parse goroutine may still be running: keep the detected one
		in.Encoding = e.encoding
	}
	if err == errBreak {
		err = nil
	}
	for _, rs := range reasons {
		in.RejectReasons = append(in.RejectReasons, *rs)
	}
	sort.Slice(in.RejectReasons, func(i, j int) bool {
		a, b := in.RejectReasons[i], in.RejectReasons[j]
		return a.Count > b.Count || a.Count == b.Count && a.Code < b.Code
	})
	if err != nil && ctx.Err() != nil {
		err = ctxError(ctx)
	}
	if err == nil && refusal != nil {
		err = fmt.Errorf("contactpipe: %w: %w", ErrConfig, refusal)
	}
	return in, err
}

// contactFields returns c's non-empty fields by API name.
func contactFields(c *Contact) map[string]string {
	m := map[string]string{}
	for f := parse.Field(0); f < parse.NumFields; f++ {
		if v := fieldGetter(f)(c); v != "" {
			m[f.String()] = v
		}
	}
	if c.Extension != "" {
		m["extension"] = c.Extension
	}
	return m
}
