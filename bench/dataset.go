package bench

import (
	"encoding/csv"
	"fmt"
	"io"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Header is the header row of generated files.
var Header = []string{"First Name", "Last Name", "Phone", "Email", "Country"}

// Columns are the contact fields of the columns of generated files, in order: the
// contactpipe.Config.Columns to give for a file written with Options.NoHeader.
var Columns = []string{"firstName", "lastName", "msisdn", "email", "country"}

// Kind says what a generated row is and what an import must make of it.
type Kind uint8

// The kinds of rows, with their shares of a generated file.
const (
	Valid          Kind = iota // ~85%: accepted
	Duplicate                  // ~5%: valid, but shares its phone or e-mail with an earlier valid row
	InvalidPhone               // ~4%: a phone that is not a valid number (truncated, too long, lossy Excel, text)
	InvalidEmail               // ~3%: a malformed e-mail address
	NoAddress                  // ~1.5%: neither phone nor e-mail
	InvalidCountry             // ~1.5%: a country cell naming no country
	numKinds
)

// kindShares are the shares of the kinds other than Valid, in basis points.
var kindShares = [numKinds]int{Duplicate: 500, InvalidPhone: 400, InvalidEmail: 300, NoAddress: 150, InvalidCountry: 150}

var kindNames = [numKinds]string{"valid", "duplicate", "invalid-phone", "invalid-email", "no-address", "invalid-country"}

// String returns the kind's name.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Row is one generated contact: the cells as written, and what an import must make of them.
type Row struct {
	FirstName, LastName, Phone, Email, Country string

	// PhoneValue, when not 0, is the number a spreadsheet holds in a numeric phone cell (the
	// Phone text is then how that number looks once exported to CSV).
	PhoneValue int64

	Kind   Kind
	Style  PhoneStyle // how Phone is written; NoPhone when empty
	Region string     // the contact's country (alpha-2), whether or not the Country cell says so
	E164   string     // what Phone normalizes to; "" when there is none or it is invalid
	// DuplicateOf is, for a Duplicate, the 1-based number (among data rows) of the earlier row it
	// shares an address with, and DuplicateBy that address's field: "msisdn" or "email".
	DuplicateOf int
	DuplicateBy string
}

// AppendRecord appends the row's cells, in the order of Header, to dst.
func (r *Row) AppendRecord(dst []string) []string {
	return append(dst, r.FirstName, r.LastName, r.Phone, r.Email, r.Country)
}

// Stats counts the rows of a generated file by kind.
type Stats struct {
	Rows  int
	Kinds [numKinds]int
}

// Count returns the number of rows of kind k.
func (s Stats) Count(k Kind) int {
	if k < numKinds {
		return s.Kinds[k]
	}
	return 0
}

// Invalid returns the number of rows an import must reject.
func (s Stats) Invalid() int { return s.Rows - s.Kinds[Valid] - s.Kinds[Duplicate] }

// recentSize is how many earlier valid rows a duplicate may copy from.
const recentSize = 4096

// recent is an earlier valid row, kept for duplicates to copy.
type recent struct {
	row    int
	region *region
	phone  number // phone.t is nil when the row had no phone
	email  string
}

// Generator produces a deterministic stream of realistic contacts: the same seed gives the same
// rows. Its memory does not grow with the rows it produces (beyond one small entry per 10,000
// phone numbers issued). A Generator is not safe for concurrent use.
type Generator struct {
	rng        *rand.PCG
	rows       int
	active     map[*region]*[2][4]*template // a few live templates per region and number type
	usedPrefix map[string]struct{}          // calling code + prefix of every template made
	recent     [recentSize]recent
	nRecent    int
}

// NewGenerator returns a Generator seeded with seed.
func NewGenerator(seed uint64) *Generator {
	return &Generator{
		rng:        rand.NewPCG(seed, 0x9e3779b97f4a7c15),
		active:     map[*region]*[2][4]*template{},
		usedPrefix: map[string]struct{}{},
	}
}

// intn returns a number in [0, n) (Lemire's multiply-shift; stable across Go versions, unlike
// the helpers of math/rand/v2, which keeps the output of a seed fixed).
func (g *Generator) intn(n int) int {
	hi, _ := bits.Mul64(g.rng.Uint64(), uint64(n))
	return int(hi)
}

// chance is true with probability bp/10,000.
func (g *Generator) chance(bp int) bool { return g.intn(10_000) < bp }

func (g *Generator) pickRegion() *region {
	x := g.intn(10_000)
	for _, r := range regions {
		if x < r.weight {
			return r
		}
		x -= r.weight
	}
	return regions[0]
}

func (g *Generator) pickKind() Kind {
	x := g.intn(10_000)
	for k := Duplicate; k < numKinds; k++ {
		if x < kindShares[k] {
			return k
		}
		x -= kindShares[k]
	}
	return Valid
}

func (g *Generator) pickStyle() PhoneStyle {
	x := g.intn(10_000)
	for _, s := range validStyles {
		if x < s.weight {
			return s.style
		}
		x -= s.weight
	}
	return StyleE164
}

// newNumber issues a fresh number of region r (70% mobile, 30% fixed line).
func (g *Generator) newNumber(r *region) (number, error) {
	typ := 0
	if g.chance(3000) {
		typ = 1
	}
	slots := g.active[r]
	if slots == nil {
		slots = new([2][4]*template)
		g.active[r] = slots
	}
	i := g.intn(4)
	for {
		if t := slots[typ][i]; t != nil {
			if n, ok := t.next(); ok {
				return n, nil
			}
		}
		t, err := g.newTemplate(r, typ)
		if err != nil {
			return number{}, err
		}
		slots[typ][i] = t
	}
}

// spellCountry writes r's country as users do: mostly the alpha-2 code, sometimes in lower case,
// as alpha-3, or by name.
func (g *Generator) spellCountry(r *region) string {
	x := g.intn(100)
	switch {
	case x < 80:
		return r.code
	case x < 85:
		return strings.ToLower(r.code)
	case x < 90:
		return r.alpha3
	default:
		return r.names[g.intn(len(r.names))]
	}
}

// name picks a first or last name, now and then with stray spaces around it.
func (g *Generator) name(ps []person) person {
	p := ps[g.intn(len(ps))]
	if g.chance(200) {
		p.text = " " + p.text + "  "
	}
	return p
}

// email makes an address unique to this row (it carries the row number).
func (g *Generator) email(r *region, first, last person) string {
	n := strconv.Itoa(g.rows)
	var local string
	switch g.intn(4) {
	case 0:
		local = first.ascii + "." + last.ascii + n
	case 1:
		local = first.ascii + "_" + last.ascii + n
	case 2:
		local = first.ascii[:1] + last.ascii + n
	default:
		local = last.ascii + "." + first.ascii + n
	}
	var domain string
	if r.idnShare > 0 {
		if g.chance(r.idnShare) {
			domain = r.domains[len(r.domains)-1]
		} else {
			domain = r.domains[g.intn(len(r.domains)-1)]
		}
	} else {
		domain = r.domains[g.intn(len(r.domains))]
	}
	addr := local + "@" + domain
	switch x := g.intn(100); {
	case x < 3: // capitals, as people type them
		addr = strings.ToUpper(local[:1]) + local[1:] + "@" + strings.ToUpper(domain[:1]) + domain[1:]
	case x < 4: // copied from a mail client
		addr = strings.TrimSpace(first.text) + " " + strings.TrimSpace(last.text) + " <" + addr + ">"
	}
	return addr
}

// badEmail makes a malformed address.
func (g *Generator) badEmail(r *region, first, last person) string {
	local := first.ascii + "." + last.ascii + strconv.Itoa(g.rows)
	domain := r.domains[0]
	switch g.intn(6) {
	case 0:
		return local + "." + domain // no @
	case 1:
		return local + "@@" + domain
	case 2:
		return first.ascii + " " + last.ascii + "@" + domain
	case 3:
		return "@" + domain
	case 4:
		return local + "@"
	default:
		return local + "@" + strings.Replace(domain, ".", "..", 1)
	}
}

// setPhone writes n in style st into row.
func setPhone(row *Row, n number, st PhoneStyle, withCountry bool) {
	row.Style = st
	row.Phone = n.text(st, withCountry)
	if st.Valid() {
		row.E164 = n.e164()
	}
	if st.Numeric() {
		row.PhoneValue, _ = strconv.ParseInt(n.digits(), 10, 64)
	}
}

// validStyleFor picks a style for n, falling back to E.164 when the chosen style does not read
// back for n's template or needs a country the row does not have.
func (g *Generator) validStyleFor(n number, withCountry bool) PhoneStyle {
	st := g.pickStyle()
	if !n.t.ok[st] || (st.needsCountry() && !withCountry) {
		return StyleE164
	}
	return st
}

// Next returns the next row. An error means the generator ran out of numbers for a region
// (after tens of millions of rows); the generator is then unusable.
func (g *Generator) Next() (Row, error) {
	g.rows++
	kind := g.pickKind()
	if kind == Duplicate && g.nRecent == 0 {
		kind = Valid
	}
	if kind == Duplicate {
		return g.duplicate()
	}
	r := g.pickRegion()
	first, last := g.name(r.first), g.name(r.last)
	row := Row{Kind: kind, FirstName: first.text, LastName: last.text, Region: r.code}
	switch kind {
	case Valid:
		hasPhone := g.chance(9500)
		var n number
		if hasPhone {
			var err error
			if n, err = g.newNumber(r); err != nil {
				return Row{}, err
			}
			st := g.pickStyle()
			withCountry := st.needsCountry() || !g.chance(2000)
			if !n.t.ok[st] {
				st = StyleE164
			}
			setPhone(&row, n, st, withCountry)
			if withCountry {
				row.Country = g.spellCountry(r)
			}
		} else if g.chance(9000) {
			row.Country = g.spellCountry(r)
		}
		if !hasPhone || g.chance(8000) {
			row.Email = g.email(r, first, last)
		}
		g.remember(recent{row: g.rows, region: r, phone: n, email: row.Email})
	case InvalidPhone:
		n, err := g.newNumber(r)
		if err != nil {
			return Row{}, err
		}
		st := [...]PhoneStyle{StyleTruncated, StyleTruncated, StyleTooLong, StyleExcelLossy, StyleExcelLossy, StyleText}[g.intn(6)]
		if !n.t.ok[st] {
			st = StyleExcelLossy
		}
		setPhone(&row, n, st, true)
		row.Country = g.spellCountry(r)
		if g.chance(6000) {
			row.Email = g.email(r, first, last)
		}
	case InvalidEmail:
		if g.chance(7000) {
			n, err := g.newNumber(r)
			if err != nil {
				return Row{}, err
			}
			setPhone(&row, n, g.validStyleFor(n, true), true)
		}
		row.Country = g.spellCountry(r)
		row.Email = g.badEmail(r, first, last)
	case NoAddress:
		row.Country = g.spellCountry(r)
	case InvalidCountry:
		n, err := g.newNumber(r)
		if err != nil {
			return Row{}, err
		}
		setPhone(&row, n, []PhoneStyle{StyleE164, StyleInternational}[g.intn(2)], false)
		row.Country = badCountries[g.intn(len(badCountries))]
		if g.chance(5000) {
			row.Email = g.email(r, first, last)
		}
	}
	return row, nil
}

// duplicate makes a valid row that shares its phone or its e-mail with a recent valid row.
func (g *Generator) duplicate() (Row, error) {
	orig := g.recent[g.intn(min(g.nRecent, recentSize))]
	r := orig.region
	first, last := g.name(r.first), g.name(r.last)
	row := Row{Kind: Duplicate, FirstName: first.text, LastName: last.text, Region: r.code, DuplicateOf: orig.row}
	byPhone := orig.phone.t != nil && (orig.email == "" || g.chance(5000))
	row.Country = g.spellCountry(r)
	if byPhone {
		row.DuplicateBy = "msisdn"
		setPhone(&row, orig.phone, g.validStyleFor(orig.phone, true), true)
		if g.chance(5000) {
			row.Email = g.email(r, first, last)
		}
		return row, nil
	}
	row.DuplicateBy = "email"
	row.Email = orig.email
	if g.chance(3000) { // the same address in other capitals: still the same mailbox
		row.Email = strings.ToUpper(orig.email)
	}
	if g.chance(6000) {
		n, err := g.newNumber(r)
		if err != nil {
			return Row{}, err
		}
		setPhone(&row, n, g.validStyleFor(n, true), true)
	}
	return row, nil
}

func (g *Generator) remember(r recent) {
	g.recent[g.nRecent%recentSize] = r
	g.nRecent++
}

// Format is the file format Generate writes.
type Format string

// The formats Generate writes.
const (
	CSV Format = "csv" // RFC 4180 text with CRLF line ends, as Excel saves "CSV UTF-8" (without the BOM)
	// XLSXInline is an XLSX workbook whose text cells are inline strings, as excelize's
	// StreamWriter (and many other libraries) write them.
	XLSXInline Format = "xlsx-inline"
	// XLSXShared is an XLSX workbook whose text cells index a shared-strings table, as Excel
	// itself writes them.
	XLSXShared Format = "xlsx-shared"
)

// maxSheetRows is Excel's limit on the rows of a sheet.
const maxSheetRows = 1 << 20

// Options configures Generate. The zero value writes a CSV file with a header row from seed 0.
type Options struct {
	// Seed selects the rows; the same seed and row count give the same bytes.
	Seed uint64
	// Format is the file format; "" means CSV.
	Format Format
	// NoHeader leaves out the header row; import the file with Config.Columns = Columns.
	NoHeader bool
}

// Generate writes n generated rows to w in the format opts asks for and returns what it wrote.
// Spreadsheets hold phones of the numeric styles as numeric cells, the rest as text; like Excel,
// they hold at most 1,048,576 rows, header included.
func Generate(w io.Writer, n int, opts Options) (Stats, error) {
	if n < 0 {
		return Stats{}, fmt.Errorf("bench: negative row count %d", n)
	}
	if opts.Format == XLSXInline || opts.Format == XLSXShared {
		if lines := n + 1; lines > maxSheetRows {
			return Stats{}, fmt.Errorf("bench: an XLSX sheet holds at most %d rows, %d asked for", maxSheetRows, lines)
		}
	}
	switch opts.Format {
	case "", CSV:
		return writeCSV(w, n, opts)
	case XLSXInline:
		return writeXLSXInline(w, n, opts)
	case XLSXShared:
		return writeXLSXShared(w, n, opts)
	}
	return Stats{}, fmt.Errorf("bench: unknown format %q", opts.Format)
}

// rows calls fn for each of n rows of a generator seeded with seed and counts them.
func rows(n int, seed uint64, fn func(*Row) error) (Stats, error) {
	st := Stats{}
	g := NewGenerator(seed)
	for range n {
		row, err := g.Next()
		if err != nil {
			return st, err
		}
		if err := fn(&row); err != nil {
			return st, err
		}
		st.Rows++
		st.Kinds[row.Kind]++
	}
	return st, nil
}

func writeCSV(w io.Writer, n int, opts Options) (Stats, error) {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if !opts.NoHeader {
		if err := cw.Write(Header); err != nil {
			return Stats{}, err
		}
	}
	rec := make([]string, 0, len(Header))
	st, err := rows(n, opts.Seed, func(r *Row) error {
		rec = r.AppendRecord(rec[:0])
		return cw.Write(rec)
	})
	if err != nil {
		return st, err
	}
	cw.Flush()
	return st, cw.Error()
}
