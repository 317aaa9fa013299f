package parse

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// alias says what a header name (normalized: lower-case letters and digits only, digits removed)
// feeds, and with which priority. Lower (rank, order, number-in-the-name) wins; two columns with the
// same triple for the same field are ambiguous.
type alias struct {
	field  Field
	kind   colKind
	rank   int  // priority class: 0 the API's own or primary name, higher is a weaker claim
	order  int  // position within the class for names that are ordered, not synonyms
	mobile bool // the name itself says the number is a mobile one
	multi  bool // Google export: a cell may hold several values joined by " ::: "
}

type colKind uint8

const (
	kindValue    colKind = iota // the cell is the field's value
	kindFullName                // the cell is a full name, split into firstName/lastName
	kindType                    // the cell is the type ("Mobile", "Work" …) of the numbered value column beside it
)

// aliases maps normalized header names to fields. See the package documentation for the rules.
var aliases = map[string]alias{}

func addAliases(a alias, names ...string) {
	for _, n := range names {
		aliases[n] = a
	}
}

func init() {
	// The API's own names, in any case, are the strongest claim.
	for f := Field(0); f < NumFields; f++ {
		var buf [32]byte
		aliases[string(fieldKey(buf[:0], f.String()))] = alias{field: f, mobile: f == Msisdn}
	}

	// Phones. Mobile numbers first, then a generic phone, then the numbered columns of a Google
	// export (typed per row), then the other Outlook/Thunderbird phones in this order.
	addAliases(alias{field: Msisdn, rank: 1, mobile: true},
		"mobile", "mobilephone", "mobilenumber", "mobilephonenumber", "mobileno", "mobiletelephone",
		"cell", "cellphone", "cellular", "cellnumber", "cellphonenumber", "cellularphone", "handphone")
	addAliases(alias{field: Msisdn, rank: 2},
		"phone", "phonenumber", "phoneno", "telephone", "telephonenumber", "tel", "telno",
		"contactnumber", "contactphone", "contactphonenumber")
	addAliases(alias{field: Msisdn, rank: 2, order: 1}, "primaryphone")
	addAliases(alias{field: Msisdn, rank: 2, order: 2, multi: true}, "phonevalue")
	addAliases(alias{field: Msisdn, kind: kindType}, "phonetype", "phonelabel")
	addAliases(alias{field: Msisdn, rank: 3, order: 0}, "businessphone", "workphone")
	addAliases(alias{field: Msisdn, rank: 3, order: 1}, "homephone")
	addAliases(alias{field: Msisdn, rank: 3, order: 2}, "otherphone")
	addAliases(alias{field: Msisdn, rank: 3, order: 3}, "companymainphone")
	addAliases(alias{field: Msisdn, rank: 3, order: 4}, "carphone")

	// Names.
	addAliases(alias{field: FirstName}, "firstname", "givenname", "forename")
	addAliases(alias{field: FirstName, rank: 1}, "first", "fname")
	addAliases(alias{field: LastName}, "lastname", "familyname", "surname")
	addAliases(alias{field: LastName, rank: 1}, "last", "lname")
	addAliases(alias{kind: kindFullName}, "name", "fullname", "contactname")
	addAliases(alias{kind: kindFullName, rank: 1}, "displayname")
	addAliases(alias{field: Salutation, rank: 1}, "title", "nameprefix")

	// Email: Outlook numbers "E-mail 2 Address", Google "E-mail 1 - Value".
	addAliases(alias{field: Email}, "emailaddress", "mail", "primaryemail")
	addAliases(alias{field: Email, rank: 0, order: 1, multi: true}, "emailvalue")
	addAliases(alias{field: Email, rank: 1}, "secondaryemail")

	// Chat ids.
	addAliases(alias{field: ExternalID}, "externalidentifier")
	addAliases(alias{field: WeChatUserID}, "wechat", "wechatid")
	addAliases(alias{field: FacebookUserID}, "facebook", "facebookid")
	addAliases(alias{field: ZaloID}, "zalo", "zalouserid")
	addAliases(alias{field: LineID}, "lineuserid")
	addAliases(alias{field: KakaoTalkID}, "kakaotalk", "kakaoid", "kakao")
}

// lookupAlias normalizes a header name: key is its letters and digits, lower-cased; if the key has
// exactly one run of digits, that number is taken out ("Phone 2 - Value" → "phonevalue", 2).
func lookupAlias(name string) (a alias, key string, num int, ok bool) {
	var buf [128]byte
	k := fieldKey(buf[:0], name)
	if len(k) == 0 {
		return alias{}, "", 0, false
	}
	key = string(k)
	start, end := -1, -1
	for i, c := range k {
		if c >= '0' && c <= '9' {
			if start < 0 {
				start = i
			} else if end >= 0 {
				return alias{}, key, 0, false // two runs of digits
			}
		} else if start >= 0 && end < 0 {
			end = i
		}
	}
	base := k
	if start >= 0 {
		if end < 0 {
			end = len(k)
		}
		if end-start > 4 {
			return alias{}, key, 0, false
		}
		num, _ = strconv.Atoi(string(k[start:end]))
		base = append(k[:start:start], k[end:]...)
	}
	a, ok = aliases[string(base)]
	return a, key, num, ok
}

// candidate is one column that can feed a field.
type candidate struct {
	col     int
	typeCol int // column holding this value's type ("Mobile"…), or -1
	mobile  bool
	multi   bool
}

// fieldPlan says how one field is read from a row.
type fieldPlan struct {
	field Field
	cands []candidate // in priority order
	typed bool        // some candidate is typed or marked mobile: prefer mobile numbers
}

type directCol struct {
	field Field
	col   int
}

// mappingData is the immutable body of a Mapping (shared by copies).
type mappingData struct {
	names    []string // source column names (header, or Columns when there is none)
	uses     []string // per column: what it feeds, "" when ignored
	direct   []directCol
	plans    []fieldPlan
	fullName int // column holding a full name, -1 if none
	fields   []Field
}

// Mapping says which source column feeds which field. The zero value maps nothing. A Mapping is
// immutable and safe to share between goroutines.
type Mapping struct{ d *mappingData }

// Columns returns, for the report, each used source column's name and what it feeds: a field name
// ("msisdn"), "firstName+lastName" for a full-name column that is split, or "msisdn type" for a
// column that holds the type of the phone beside it (Google "Phone 1 - Type"). A name that occurs
// twice in the header is suffixed with " (column N)".
func (m Mapping) Columns() map[string]string {
	out := map[string]string{}
	if m.d == nil {
		return out
	}
	for i, use := range m.d.uses {
		if use != "" {
			out[m.uniqueName(i)] = use
		}
	}
	return out
}

// Ignored returns the names of the source columns that feed nothing, in file order (columns with an
// empty name are left out).
func (m Mapping) Ignored() []string {
	if m.d == nil {
		return nil
	}
	var out []string
	for i, use := range m.d.uses {
		if use == "" && strings.TrimSpace(m.d.names[i]) != "" {
			out = append(out, m.uniqueName(i))
		}
	}
	return out
}

// Fields returns the fields that some column feeds, in Field order.
func (m Mapping) Fields() []Field {
	if m.d == nil {
		return nil
	}
	return slices.Clone(m.d.fields)
}

// Width is the number of source columns the mapping was built for.
func (m Mapping) Width() int {
	if m.d == nil {
		return 0
	}
	return len(m.d.names)
}

func (m Mapping) uniqueName(i int) string {
	n := m.d.names[i]
	for j, o := range m.d.names {
		if j != i && o == n {
			return n + " (column " + strconv.Itoa(i+1) + ")"
		}
	}
	return n
}

// columnName returns the name of column i for error messages ("" when there is no such column).
func (m Mapping) columnName(i int) string {
	if m.d == nil || i < 0 || i >= len(m.d.names) {
		return ""
	}
	return m.d.names[i]
}

// Values maps one row's cells to the fields. Cells beyond the row are empty. Values are the cells
// as they are (not trimmed); where several columns feed a field, the first non-blank one in priority
// order wins, preferring numbers marked mobile (see the package documentation). It does not allocate.
func (m Mapping) Values(cells []string) (v [NumFields]string) {
	m.fill(cells, &v)
	return v
}

func (m Mapping) fill(cells []string, v *[NumFields]string) {
	d := m.d
	if d == nil {
		return
	}
	for _, dc := range d.direct {
		if dc.col < len(cells) {
			v[dc.field] = cells[dc.col]
		}
	}
	for i := range d.plans {
		v[d.plans[i].field] = d.plans[i].pick(cells)
	}
	if d.fullName >= 0 && d.fullName < len(cells) && isBlank(v[FirstName]) && isBlank(v[LastName]) {
		v[FirstName], v[LastName] = SplitName(cells[d.fullName])
	}
}

func cellAt(cells []string, i int) string {
	if i >= 0 && i < len(cells) {
		return cells[i]
	}
	return ""
}

func (p *fieldPlan) value(cells []string, c candidate) string {
	s := cellAt(cells, c.col)
	if c.multi {
		if i := strings.Index(s, " ::: "); i >= 0 {
			s = s[:i]
		}
	}
	return s
}

func (p *fieldPlan) pick(cells []string) string {
	if p.typed {
		for _, c := range p.cands {
			if s := p.value(cells, c); !isBlank(s) {
				if c.mobile || (c.typeCol >= 0 && typeIsMobile(cellAt(cells, c.typeCol))) {
					return s
				}
			}
		}
		for _, c := range p.cands {
			if s := p.value(cells, c); !isBlank(s) {
				if c.typeCol < 0 || !typeIsFaxOrPager(cellAt(cells, c.typeCol)) {
					return s
				}
			}
		}
	}
	for _, c := range p.cands {
		if s := p.value(cells, c); !isBlank(s) {
			return s
		}
	}
	return ""
}

func typeIsMobile(t string) bool     { return containsFold(t, "mobile") || containsFold(t, "cell") }
func typeIsFaxOrPager(t string) bool { return containsFold(t, "fax") || containsFold(t, "pager") }

// containsFold reports whether s contains the lower-case ASCII word sub, ignoring ASCII case.
func containsFold(s, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for j < n {
			c := s[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				break
			}
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}

// isBlank reports whether s is empty or only spaces and tabs.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != ' ' && s[i] != '\t' {
			return false
		}
	}
	return true
}

// SplitName splits a full name on its last space: "Mary Ann Smith" → ("Mary Ann", "Smith"). A name
// without a space is all first name. Surrounding spaces are trimmed. It does not allocate.
func SplitName(full string) (first, last string) {
	full = strings.Trim(full, " \t")
	i := strings.LastIndexByte(full, ' ')
	if i < 0 {
		return full, ""
	}
	return strings.TrimRight(full[:i], " \t"), full[i+1:]
}

// claim is one header column's claim on a field, before conflicts are resolved.
type claim struct {
	col   int
	key   string
	a     alias
	num   int
	field Field // for kindFullName: FirstName (sorting only)
}

// MapHeader builds the automatic mapping of a header row (names as in the file). Names are matched
// ignoring case and every character that is not a letter or digit; see the package documentation for
// the names known. Two columns that would feed the same field with the same priority are an error
// (*HeaderError wrapping ErrDuplicateColumn or ErrAmbiguousColumn), and so is a header where no
// column maps to a field (ErrNoMappedColumn).
func MapHeader(header []string) (Mapping, error) {
	d := &mappingData{names: slices.Clone(header), uses: make([]string, len(header)), fullName: -1}
	var claims []claim
	for i, name := range header {
		a, key, num, ok := lookupAlias(name)
		if !ok {
			continue
		}
		c := claim{col: i, key: key, a: a, num: num, field: a.field}
		if a.kind == kindFullName {
			c.field = -1
		}
		claims = append(claims, c)
	}
	// Order by field, kind, priority, then column, so that conflicts are neighbours.
	slices.SortStableFunc(claims, func(x, y claim) int {
		return cmp.Or(cmp.Compare(x.field, y.field), cmp.Compare(x.a.kind, y.a.kind),
			cmp.Compare(x.a.rank, y.a.rank), cmp.Compare(x.a.order, y.a.order), cmp.Compare(x.num, y.num),
			cmp.Compare(x.col, y.col))
	})
	for i := 1; i < len(claims); i++ {
		x, y := claims[i-1], claims[i]
		if x.field != y.field || x.a.kind != y.a.kind || x.a.rank != y.a.rank || x.a.order != y.a.order || x.num != y.num {
			continue
		}
		fieldName := x.field.String()
		switch x.a.kind {
		case kindFullName:
			fieldName = "firstName+lastName"
		case kindType:
			fieldName += " type"
		}
		e := &HeaderError{Columns: []string{header[x.col], header[y.col]}, Field: fieldName, Err: ErrAmbiguousColumn}
		if x.key == y.key {
			e.Err = ErrDuplicateColumn
		}
		return Mapping{}, e
	}

	// Types: number → type column, for the Google phone columns.
	types := map[int]int{}
	for _, c := range claims {
		if c.a.kind == kindType {
			types[c.num] = c.col
		}
	}
	var byField [NumFields][]candidate
	for _, c := range claims {
		switch c.a.kind {
		case kindFullName:
			if d.fullName < 0 {
				d.fullName = c.col
				d.uses[c.col] = "firstName+lastName"
			}
			continue
		case kindType:
			continue
		}
		cand := candidate{col: c.col, typeCol: -1, mobile: c.a.mobile, multi: c.a.multi}
		if c.a.multi && c.field == Msisdn {
			if t, ok := types[c.num]; ok {
				cand.typeCol = t
				d.uses[t] = "msisdn type"
			}
		}
		byField[c.field] = append(byField[c.field], cand)
		d.uses[c.col] = c.field.String()
	}
	d.build(byField)
	if len(d.fields) == 0 {
		return Mapping{}, &HeaderError{Columns: slices.Clone(header), Err: ErrNoMappedColumn}
	}
	return Mapping{d}, nil
}

// build turns per-field candidates into the plans used per row and fills d.fields.
func (d *mappingData) build(byField [NumFields][]candidate) {
	for f := Field(0); f < NumFields; f++ {
		cands := byField[f]
		switch {
		case len(cands) == 1 && cands[0].typeCol < 0 && !cands[0].multi:
			d.direct = append(d.direct, directCol{field: f, col: cands[0].col})
		case len(cands) > 0:
			p := fieldPlan{field: f, cands: cands}
			for _, c := range cands {
				if c.typeCol >= 0 {
					p.typed = true
				}
			}
			if f == Msisdn && len(cands) > 1 {
				p.typed = true
			}
			d.plans = append(d.plans, p)
		}
		if len(cands) > 0 || (d.fullName >= 0 && (f == FirstName || f == LastName)) {
			d.fields = append(d.fields, f)
		}
	}
}

// MapColumns builds the mapping given by Options.Columns: one field name per column (looked up by
// FieldByName; "" skips the column). header names the columns for the report; it may be nil (no
// header row: the columns are then named by their field, or "column N" when skipped). Errors:
// ErrColumnsRequired (no columns), *HeaderError wrapping ErrUnknownField or ErrDuplicateField, or
// ErrNoMappedColumn when every entry is "".
func MapColumns(columns, header []string) (Mapping, error) {
	if len(columns) == 0 {
		return Mapping{}, ErrColumnsRequired
	}
	width := max(len(columns), len(header))
	d := &mappingData{names: make([]string, width), uses: make([]string, width), fullName: -1}
	for i := range width {
		switch {
		case i < len(header):
			d.names[i] = header[i]
		case header == nil && i < len(columns) && strings.TrimSpace(columns[i]) != "":
			d.names[i] = columns[i]
		default:
			d.names[i] = "column " + strconv.Itoa(i+1)
		}
	}
	var byField [NumFields][]candidate
	for i, name := range columns {
		if strings.TrimSpace(name) == "" {
			continue
		}
		f, ok := FieldByName(name)
		if !ok {
			return Mapping{}, &HeaderError{Columns: []string{name}, Position: i + 1, Err: ErrUnknownField}
		}
		if len(byField[f]) > 0 {
			return Mapping{}, &HeaderError{Columns: []string{columns[byField[f][0].col], name}, Field: f.String(),
				Position: i + 1, Err: ErrDuplicateField}
		}
		byField[f] = append(byField[f], candidate{col: i, typeCol: -1})
		d.uses[i] = f.String()
	}
	d.build(byField)
	if len(d.fields) == 0 {
		return Mapping{}, &HeaderError{Columns: slices.Clone(columns), Err: ErrNoMappedColumn}
	}
	return Mapping{d}, nil
}
