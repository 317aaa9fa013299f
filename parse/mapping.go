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
	title  bool // "Title": a salutation or a job title, decided by the column's values
}

type colKind uint8

const (
	kindValue    colKind = iota // the cell is the field's value
	kindFullName                // the cell is a full name, split into firstName/lastName
	kindType                    // the cell is the type ("Mobile", "Work" …) of the numbered value column beside it
	kindNameWord                // a word meaning "name" (Nom, Nome, Nombre …): see resolveNameWords
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
	addAliases(alias{field: Salutation, rank: 1, title: true}, "title")
	addAliases(alias{field: Salutation, rank: 1}, "nameprefix")

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

	addLocalAliases()
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
	info     []ColumnInfo // per column, for Describe
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

// Methods of ColumnInfo.Method: how a column came to feed its field.
const (
	MethodAlias   = "alias"   // its header name is a known name of the field
	MethodMap     = "map"     // Options.ColumnMap names it
	MethodContent = "content" // its header is unknown; its values are phone numbers (or emails)
	MethodColumns = "columns" // Options.Columns gives its field
)

// Statuses of ColumnInfo.Status.
const (
	StatusMapped      = "mapped"      // the column feeds its field
	StatusAlternative = "alternative" // the column feeds its field only in rows where the columns before it are empty
	StatusIgnored     = "ignored"     // the column feeds nothing (Reason says why when there is a reason)
	StatusAmbiguous   = "ambiguous"   // the column's values could be more than one field: not guessed
)

// ColumnInfo says how one source column is used, for a report.
type ColumnInfo struct {
	Index  int    `json:"index"`            // 0-based position in the row
	Header string `json:"header"`           // the column's name (a name that occurs twice gets " (column N)"; "column N" without a header)
	Field  string `json:"field,omitempty"`  // what it feeds: a field name, "firstName+lastName" or "msisdn type"; "" when nothing
	Method string `json:"method,omitempty"` // MethodAlias, MethodMap, MethodContent or MethodColumns; "" when nothing
	Status string `json:"status"`           // StatusMapped, StatusAlternative, StatusIgnored or StatusAmbiguous
	Reason string `json:"reason,omitempty"` // why, for anything but a plain mapping (e.g. "msisdn is taken from \"Mobile Phone\" first")
}

// Describe returns, per source column in file order, what it feeds, how that was decided, and
// for columns that are alternatives, ignored or ambiguous, why.
func (m Mapping) Describe() []ColumnInfo {
	if m.d == nil {
		return nil
	}
	out := slices.Clone(m.d.info)
	for i := range out {
		out[i].Header = m.uniqueName(i)
	}
	return out
}

// claim is one column's claim on a field, before conflicts are resolved.
type claim struct {
	col    int
	key    string
	a      alias
	num    int
	field  Field // -1 for a full-name column
	method string
}

// mapInput is what buildMapping works from.
type mapInput struct {
	names   []string          // column names (the header, or generated)
	columns []string          // Options.Columns; nil: map the header
	colMap  map[string]string // Options.ColumnMap
	sample  [][]string        // the first data rows, for Title and content detection
	content bool              // detect unknown columns by their values
	given   int               // without a header: columns from this index on are beyond Columns; else -1
}

// MapHeader builds the automatic mapping of a header row (names as in the file). Names are matched
// ignoring case, accents and every character that is not a letter or digit; see the package
// documentation for the names known. Several columns that feed msisdn, email or country are used in a
// documented priority (Describe lists the others as alternatives); two columns that would feed
// another field with the same priority are an error (*HeaderError wrapping ErrDuplicateColumn or
// ErrAmbiguousColumn), and so is a header where no column maps to a field (ErrNoMappedColumn).
// Open does more: it looks at the values of columns whose header is unknown, and at "Title".
func MapHeader(header []string) (Mapping, error) {
	m, err := buildMapping(mapInput{names: header, given: -1})
	if err != nil {
		return Mapping{}, err
	}
	if len(m.d.fields) == 0 {
		return Mapping{}, &HeaderError{Columns: slices.Clone(header), Err: ErrNoMappedColumn}
	}
	return m, nil
}

// MapColumns builds the mapping given by Options.Columns: one field name per column (a field's
// API name or any header name MapHeader knows, such as "phone" or "name"; "" skips the column).
// header names the columns for the report; it may be nil (no header row: the columns are then
// named by their entry, or "column N" when skipped). Errors: ErrColumnsRequired (no columns),
// *HeaderError wrapping ErrUnknownField or ErrDuplicateField, or ErrNoMappedColumn when every
// entry is "".
func MapColumns(columns, header []string) (Mapping, error) {
	if len(columns) == 0 {
		return Mapping{}, ErrColumnsRequired
	}
	width := max(len(columns), len(header))
	names := make([]string, width)
	for i := range width {
		switch {
		case i < len(header):
			names[i] = header[i]
		case header == nil && i < len(columns) && strings.TrimSpace(columns[i]) != "":
			names[i] = columns[i]
		default:
			names[i] = "column " + strconv.Itoa(i+1)
		}
	}
	m, err := buildMapping(mapInput{names: names, columns: columns, given: -1})
	if err != nil {
		return Mapping{}, err
	}
	if len(m.d.fields) == 0 {
		return Mapping{}, &HeaderError{Columns: slices.Clone(columns), Err: ErrNoMappedColumn}
	}
	return m, nil
}

// aliasForName looks up a field name as Options.Columns and Options.ColumnMap give it: a field's
// API name, or any header name known (a word meaning "name" is then a full name).
func aliasForName(name string) (alias, bool) {
	if f, ok := FieldByName(name); ok {
		return alias{field: f, mobile: f == Msisdn}, true
	}
	a, _, _, ok := lookupAlias(name)
	if !ok || a.kind == kindType {
		return alias{}, false
	}
	if a.kind == kindNameWord {
		a.kind = kindFullName
	}
	a.title = false
	return a, true
}

// columnsNamed returns the columns whose name is key: by the exact name if any column has it,
// else by the normalized name.
func columnsNamed(names []string, key string) []int {
	var out []int
	for i, n := range names {
		if n == key {
			out = append(out, i)
		}
	}
	if len(out) > 0 {
		return out
	}
	var kb, nb [128]byte
	k := string(fieldKey(kb[:0], key))
	if k == "" {
		return nil
	}
	for i, n := range names {
		if string(fieldKey(nb[:0], n)) == k {
			out = append(out, i)
		}
	}
	return out
}

func useName(c claim) string {
	switch c.a.kind {
	case kindFullName:
		return "firstName+lastName"
	case kindType:
		return c.field.String() + " type"
	}
	return c.field.String()
}

// buildMapping resolves the claims of the columns on the fields (see the package documentation).
func buildMapping(in mapInput) (Mapping, error) {
	n := len(in.names)
	d := &mappingData{names: slices.Clone(in.names), uses: make([]string, n), fullName: -1, info: make([]ColumnInfo, n)}
	for i := range d.info {
		d.info[i] = ColumnInfo{Index: i, Status: StatusIgnored}
		if in.given >= 0 && i >= in.given {
			d.info[i].Reason = "beyond the columns given"
		}
	}
	handled := make([]bool, n)
	var claims []claim

	// The column map comes first and wins.
	mapped := map[Field]string{} // field → first column the map gives it (for reasons)
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range in.colMap {
			if !yield(k) {
				return
			}
		}
	})
	for _, key := range keys {
		val := in.colMap[key]
		cols := columnsNamed(in.names, key)
		if len(cols) == 0 {
			return Mapping{}, &HeaderError{Columns: []string{key}, Err: ErrUnknownColumn}
		}
		for _, c := range cols {
			handled[c] = true
			switch strings.ToLower(strings.TrimSpace(val)) {
			case "", "-", "ignore", "skip", "none":
				d.info[c].Reason = "ignored by the column map"
				continue
			}
			a, ok := aliasForName(val)
			if !ok {
				return Mapping{}, &HeaderError{Columns: []string{val}, Err: ErrUnknownField}
			}
			cl := claim{col: c, key: key, a: a, field: a.field, method: MethodMap}
			cl.a.rank, cl.a.order, cl.a.mobile = -1, c, a.field == Msisdn
			if a.kind == kindFullName {
				cl.field = -1
			}
			claims = append(claims, cl)
			if _, ok := mapped[cl.field]; !ok {
				mapped[cl.field] = in.names[c]
			}
		}
	}

	for i, name := range in.names {
		if handled[i] {
			continue
		}
		if in.columns != nil {
			if i >= len(in.columns) || strings.TrimSpace(in.columns[i]) == "" {
				if i < len(in.columns) {
					d.info[i].Reason = "skipped in the columns given"
				} else {
					d.info[i].Reason = "beyond the columns given"
				}
				continue
			}
			a, ok := aliasForName(in.columns[i])
			if !ok {
				return Mapping{}, &HeaderError{Columns: []string{in.columns[i]}, Position: i + 1, Err: ErrUnknownField}
			}
			f := a.field
			if a.kind == kindFullName {
				f = -1
			}
			for _, c := range claims {
				if c.method == MethodColumns && c.field == f {
					return Mapping{}, &HeaderError{Columns: []string{in.columns[c.col], in.columns[i]}, Field: useName(c),
						Position: i + 1, Err: ErrDuplicateField}
				}
			}
			claims = append(claims, claim{col: i, key: in.columns[i], a: alias{field: a.field, kind: a.kind, mobile: f == Msisdn, order: i},
				field: f, method: MethodColumns})
			continue
		}
		if in.given >= 0 && i >= in.given {
			continue
		}
		a, key, num, ok := lookupAlias(name)
		if !ok {
			continue
		}
		c := claim{col: i, key: key, a: a, num: num, field: a.field, method: MethodAlias}
		if a.kind == kindFullName || a.kind == kindNameWord {
			c.field = -1
		}
		claims = append(claims, c)
	}

	claims = resolveNameWords(claims)
	for i := range claims {
		c := &claims[i]
		if c.a.title && c.method == MethodAlias && !salutationColumn(in.sample, c.col) {
			d.info[c.col].Reason = "values look like job titles, not salutations"
			c.field = -2 // dropped below
		}
	}

	// Columns a map or alias does not claim: look at their values.
	if in.content && in.columns == nil {
		claimed := make([]bool, n)
		fed := map[Field]int{} // field → a column that feeds it
		for _, c := range claims {
			claimed[c.col] = true
			if _, ok := fed[c.field]; !ok && c.field >= 0 {
				fed[c.field] = c.col
			}
		}
		for i := range in.names {
			if claimed[i] || handled[i] {
				continue
			}
			if notAPhone(in.names[i]) {
				d.info[i].Reason = "fax, pager and ISDN numbers are not mapped"
				continue
			}
			field, share, amb := detectContent(in.sample, i)
			switch {
			case amb != "":
				d.info[i].Status, d.info[i].Reason = StatusAmbiguous, amb
			case field >= 0:
				what := strconv.Itoa(share) + "% of the sampled values are " + map[Field]string{Msisdn: "phone numbers", Email: "emails"}[field]
				if col, ok := fed[field]; ok {
					// Never a second source guessed beside a named one: report it, map it to use it.
					d.info[i].Reason = what + ", but " + field.String() + " is taken from " + strconv.Quote(in.names[col]) +
						"; map it with the column map to use it instead"
					continue
				}
				fed[field] = i
				claims = append(claims, claim{col: i, a: alias{field: field, rank: 9, order: i}, field: field, method: MethodContent})
				d.info[i].Reason = what
			}
		}
	}

	// A field the map gives is taken from the map only.
	kept := claims[:0]
	for _, c := range claims {
		if c.field == -2 {
			continue
		}
		if col, ok := mapped[c.field]; ok && c.method != MethodMap {
			d.info[c.col].Reason = useName(c) + " is taken from " + strconv.Quote(col) + " (column map)"
			continue
		}
		kept = append(kept, c)
	}
	claims = kept

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
		if x.field == Msisdn || x.field == Email || x.field == Country || x.method != MethodAlias {
			// Several phones, emails or countries are never an error: the first column comes
			// first (Thunderbird's Korean export names its home and work countries both 국가).
			continue
		}
		e := &HeaderError{Columns: []string{in.names[x.col], in.names[y.col]}, Field: useName(x), Err: ErrAmbiguousColumn}
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
	first := map[Field]int{} // field → column of its first candidate
	for _, c := range claims {
		info := &d.info[c.col]
		if c.a.kind == kindType {
			if info.Field == "" {
				info.Reason = "the type of a phone column that is not there"
			}
			continue
		}
		info.Method, info.Status = c.method, StatusMapped
		switch c.a.kind {
		case kindFullName:
			if d.fullName < 0 {
				d.fullName = c.col
				info.Field = "firstName+lastName"
				info.Reason = "split into firstName and lastName in rows that have neither"
			} else {
				info.Method, info.Status = "", StatusIgnored
				info.Reason = "the full name is taken from " + strconv.Quote(in.names[d.fullName])
			}
			continue
		}
		cand := candidate{col: c.col, typeCol: -1, mobile: c.a.mobile, multi: c.a.multi}
		if c.a.multi && c.field == Msisdn {
			if t, ok := types[c.num]; ok {
				cand.typeCol = t
				d.info[t] = ColumnInfo{Index: t, Field: "msisdn type", Method: c.method, Status: StatusMapped,
					Reason: "the type of " + strconv.Quote(in.names[c.col]) + ": a mobile number is taken first"}
			}
		}
		info.Field = c.field.String()
		if f, ok := first[c.field]; ok {
			info.Status = StatusAlternative
			info.Reason = "used in a row where " + strconv.Quote(in.names[f]) + " and the other columns before it are empty"
			if c.field == Msisdn {
				info.Reason += " (mobile numbers first)"
			}
		} else {
			first[c.field] = c.col
		}
		byField[c.field] = append(byField[c.field], cand)
	}
	for i := range d.info {
		if d.info[i].Status == StatusMapped || d.info[i].Status == StatusAlternative {
			d.uses[i] = d.info[i].Field
		}
	}
	d.build(byField)
	return Mapping{d}, nil
}

// notAPhone reports whether a header names a number that is not a contact's phone (a fax, a
// pager, ISDN), which content detection must not take for msisdn.
func notAPhone(name string) bool {
	var buf [128]byte
	k := string(fieldKey(buf[:0], name))
	return strings.Contains(k, "fax") || strings.Contains(k, "pager") || strings.Contains(k, "isdn") ||
		strings.Contains(k, "telex") || strings.Contains(k, "piepser")
}

// resolveNameWords decides what a word meaning "name" (kindNameWord: Nom, Nome, Nombre, Naam …)
// stands for, from the other name columns of the header: the last name beside a first-name column
// (French "Prénom" + "Nom"), the first name beside a last-name column (Italian "Nome" + "Cognome"),
// else a full name.
func resolveNameWords(claims []claim) []claim {
	hasFirst, hasLast := false, false
	for _, c := range claims {
		if c.a.kind == kindValue && c.field == FirstName {
			hasFirst = true
		}
		if c.a.kind == kindValue && c.field == LastName {
			hasLast = true
		}
	}
	for i := range claims {
		c := &claims[i]
		if c.a.kind != kindNameWord {
			continue
		}
		switch {
		case hasFirst && !hasLast:
			c.a.kind, c.field = kindValue, LastName
		case hasLast && !hasFirst:
			c.a.kind, c.field = kindValue, FirstName
		default:
			c.a.kind = kindFullName
		}
		c.a.rank = 2 // after the unambiguous names
	}
	return claims
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
