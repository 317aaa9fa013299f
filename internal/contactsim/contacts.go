package contactsim

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Fields are the contact fields a file column or the JSON body may name.
var Fields = []string{"msisdn", "firstName", "lastName", "externalId", "country", "email",
	"weChatUserId", "facebookUserId", "zaloId", "lineId", "kakaoTalkId"}

// AddressFields are the fields that identify a contact (at least one is required).
var AddressFields = []string{"msisdn", "email", "weChatUserId", "facebookUserId", "zaloId", "lineId", "kakaoTalkId"}

// MSISDNPattern is the API's msisdn rule.
var MSISDNPattern = regexp.MustCompile(`^\+{0,1}[1-9]{1}[0-9]{6,14}$`)

// Messages of row-level refusals (as the API words the msisdn one).
const (
	MsgInvalidMSISDN = "Invalid MSISDN format (not E.164 international number)"
	MsgNoAddress     = "At least one address should be provided"
	MsgConflict      = "Conflict: more than one contact was found based on a provided set of addresses"
)

// Contact is a contact held by the simulated 8x8 account.
type Contact struct {
	ID         int64
	CreatedAt  time.Time
	FirstName  string
	LastName   string
	ExternalID string
	Country    string
	Groups     []int
	// Addresses maps address fields (msisdn, email, …) to values.
	Addresses map[string]string
}

func (c *Contact) clone() Contact {
	out := *c
	out.Groups = slices.Clone(c.Groups)
	out.Addresses = map[string]string{}
	for k, v := range c.Addresses {
		out.Addresses[k] = v
	}
	return out
}

// Contacts returns a copy of every contact, in creation order. Batches whose time has come are
// applied first.
func (s *Server) Contacts() []Contact {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance(time.Now())
	out := make([]Contact, 0, len(s.contacts))
	for _, c := range s.contacts {
		out = append(out, c.clone())
	}
	return out
}

// FindContact returns the contact holding address field=value (msisdn compared by digits, email
// case-insensitively).
func (s *Server) FindContact(field, value string) (Contact, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance(time.Now())
	if c, ok := s.byAddr[field+"\x00"+addrKey(field, value)]; ok {
		return c.clone(), true
	}
	return Contact{}, false
}

// addrKey normalises an address for matching.
func addrKey(field, v string) string {
	v = strings.TrimSpace(v)
	switch field {
	case "msisdn":
		return strings.TrimPrefix(v, "+")
	case "email":
		return strings.ToLower(v)
	}
	return v
}

// checkFields returns why a contact's fields are refused, or "".
func checkFields(f map[string]string) string {
	has := false
	for _, a := range AddressFields {
		if f[a] != "" {
			has = true
		}
	}
	if !has {
		return MsgNoAddress
	}
	if m := f["msisdn"]; m != "" && !MSISDNPattern.MatchString(m) {
		return MsgInvalidMSISDN
	}
	for field, limit := range map[string]int{"firstName": 200, "lastName": 200, "externalId": 50, "email": 320,
		"weChatUserId": 128, "facebookUserId": 128, "zaloId": 128, "lineId": 128, "kakaoTalkId": 128} {
		if utf8.RuneCountInString(f[field]) > limit {
			return field + " is longer than allowed"
		}
	}
	if c := f["country"]; c != "" && utf8.RuneCountInString(c) != 2 {
		return "Please use Alpha-2 country code"
	}
	if e := f["email"]; e != "" && (!strings.Contains(e, "@") || strings.HasPrefix(e, "@") || strings.HasSuffix(e, "@")) {
		return "Invalid email format"
	}
	return ""
}

// matches returns the contacts sharing an address with f. Called with s.mu held.
func (s *Server) matches(f map[string]string) []*Contact {
	var out []*Contact
	for _, a := range AddressFields {
		if v := f[a]; v != "" {
			if c, ok := s.byAddr[a+"\x00"+addrKey(a, v)]; ok && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// outcome of upserting one contact.
type outcome int

const (
	created outcome = iota
	merged
	conflict
)

// upsert creates f as a contact, merges it into the one contact sharing an address, or reports a
// conflict. Called with s.mu held.
func (s *Server) upsert(f map[string]string, groups []int, now time.Time) (*Contact, outcome) {
	m := s.matches(f)
	switch len(m) {
	case 0:
		s.nextContactID++
		c := &Contact{ID: s.nextContactID, CreatedAt: now, Addresses: map[string]string{}}
		s.contacts = append(s.contacts, c)
		s.mergeInto(c, f, groups, now)
		return c, created
	case 1:
		s.mergeInto(m[0], f, groups, now)
		return m[0], merged
	default:
		return nil, conflict
	}
}

// mergeInto sets c's fields from f (non-empty values win) and adds groups.
func (s *Server) mergeInto(c *Contact, f map[string]string, groups []int, now time.Time) {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&c.FirstName, f["firstName"])
	set(&c.LastName, f["lastName"])
	set(&c.ExternalID, f["externalId"])
	set(&c.Country, strings.ToUpper(f["country"]))
	for _, a := range AddressFields {
		if v := f[a]; v != "" {
			if _, ok := c.Addresses[a]; !ok {
				c.Addresses[a] = v
				k := a + "\x00" + addrKey(a, v)
				if _, taken := s.byAddr[k]; !taken {
					s.byAddr[k] = c
				}
			}
		}
	}
	for _, g := range groups {
		s.touchGroup(g, now)
		if !slices.Contains(c.Groups, g) {
			c.Groups = append(c.Groups, g)
		}
	}
}

func (s *Server) touchGroup(g int, now time.Time) {
	if _, ok := s.groups[g]; !ok {
		s.groups[g] = now
	}
}

// groupJSON is the API's group model.
type groupJSON struct {
	ID          int    `json:"id"`
	Contacts    int    `json:"contacts"`
	CreatedAt   string `json:"createdAt"`
	Name        string `json:"name"`
	Description string `json:"description"`
	IsBlacklist bool   `json:"isBlacklist"`
}

// contactJSON is the API's contact model.
type contactJSON struct {
	ID               int64             `json:"id"`
	CreatedAt        string            `json:"createdAt"`
	FirstName        string            `json:"firstName,omitempty"`
	LastName         string            `json:"lastName,omitempty"`
	ExternalID       string            `json:"externalId,omitempty"`
	Country          string            `json:"country,omitempty"`
	Groups           []groupJSON       `json:"groups,omitempty"`
	Addresses        map[string]string `json:"addresses"`
	CustomAttributes map[string]any    `json:"customAttributes"`
}

func (s *Server) contactJSON(c *Contact) contactJSON {
	out := contactJSON{ID: c.ID, CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339Nano), FirstName: c.FirstName,
		LastName: c.LastName, ExternalID: c.ExternalID, Country: c.Country, Addresses: c.Addresses,
		CustomAttributes: map[string]any{}}
	for _, g := range c.Groups {
		n := 0
		for _, o := range s.contacts {
			if slices.Contains(o.Groups, g) {
				n++
			}
		}
		out.Groups = append(out.Groups, groupJSON{ID: g, Contacts: n, CreatedAt: s.groups[g].UTC().Format(time.RFC3339Nano),
			Name: "group " + itoa(g), Description: "General"})
	}
	return out
}

// createContact serves POST …/contacts: 201 created, 200 merged, 409 conflict.
func (s *Server) createContact(w http.ResponseWriter, r *http.Request) {
	var body struct {
		FirstName  string `json:"firstName"`
		LastName   string `json:"lastName"`
		ExternalID string `json:"externalId"`
		Country    string `json:"country"`
		Groups     []struct {
			ID *int `json:"id"`
		} `json:"groups"`
		Addresses        map[string]string `json:"addresses"`
		CustomAttributes map[string]any    `json:"customAttributes"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err := dec.Decode(&body); err != nil {
		s.errorf(w, http.StatusBadRequest, 1003, "Invalid request body: %v", err)
		return
	}
	if body.Addresses == nil {
		s.errorf(w, http.StatusBadRequest, 1003, "addresses is required")
		return
	}
	if len(body.Groups) > 10 {
		s.errorf(w, http.StatusBadRequest, 1005, "You can add contacts to 10 groups max")
		return
	}
	if len(body.CustomAttributes) > 50 {
		s.errorf(w, http.StatusBadRequest, 1003, "customAttributes has more than 50 properties")
		return
	}
	f := map[string]string{"firstName": body.FirstName, "lastName": body.LastName, "externalId": body.ExternalID, "country": body.Country}
	for k, v := range body.Addresses {
		if !slices.Contains(AddressFields, k) {
			s.errorf(w, http.StatusBadRequest, 1003, "unknown address %q", k)
			return
		}
		f[k] = v
	}
	if msg := checkFields(f); msg != "" {
		code := 1003
		if msg == MsgInvalidMSISDN {
			code = 1002
		}
		writeError(w, http.StatusBadRequest, code, msg)
		return
	}
	var groups []int
	for _, g := range body.Groups {
		if g.ID == nil || *g.ID <= 0 {
			s.errorf(w, http.StatusBadRequest, 1003, "group id must be a positive integer")
			return
		}
		groups = append(groups, *g.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	s.advance(now)
	c, o := s.upsert(f, groups, now)
	switch o {
	case conflict:
		writeError(w, http.StatusConflict, 1009, MsgConflict)
	case merged:
		writeJSON(w, http.StatusOK, s.contactJSON(c))
	default:
		writeJSON(w, http.StatusCreated, s.contactJSON(c))
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
