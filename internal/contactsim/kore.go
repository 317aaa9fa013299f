package contactsim

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// KoreContact is a contact held by the simulated Kore.ai account.
type KoreContact struct {
	ID          string
	FirstName   string
	LastName    string
	Salutation  string
	CountryCode string
	// Phone is the full number with its country code, as "+<digits>".
	Phone     string
	Extension string
	AccountID string
	StreamID  string
	CreatedAt time.Time
}

// KoreContacts returns a copy of the Kore.ai contacts, in creation order.
func (s *Server) KoreContacts() []KoreContact {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]KoreContact, 0, len(s.kore))
	for _, c := range s.kore {
		out = append(out, *c)
	}
	return out
}

func writeKoreError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"errors": []map[string]any{{"msg": msg, "code": status}}})
}

// checkKoreToken verifies an "auth" header: HS256 with the configured secret, an expiry at most an
// hour after issue, and an appId claim.
func (s *Server) checkKoreToken(tok string) bool {
	if tok == "" {
		return false
	}
	claims := jwt.MapClaims{}
	t, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return []byte(s.opts.KoreSecret), nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(), jwt.WithTimeFunc(time.Now))
	if err != nil || !t.Valid {
		return false
	}
	exp, err := claims.GetExpirationTime()
	if err != nil || exp == nil {
		return false
	}
	if iat, err := claims.GetIssuedAt(); err == nil && iat != nil {
		if exp.Sub(iat.Time) > time.Hour+time.Minute {
			return false
		}
	} else if time.Until(exp.Time) > time.Hour+time.Minute {
		return false
	}
	app, _ := claims["appId"].(string)
	return app != ""
}

type koreCreated struct {
	Status     string `json:"status"`
	FirstName  string `json:"firstName"`
	LastName   string `json:"lastName"`
	Salutation string `json:"salutation"`
	AccountID  string `json:"accountId"`
	OrgID      string `json:"orgId"`
	CreatedBy  string `json:"createdBy"`
	CellPhone  struct {
		PhoneNumber string `json:"phoneNumber"`
		CountryCode string `json:"countryCode"`
		Extension   string `json:"extension"`
	} `json:"cellPhone"`
	FullName       string `json:"fullName"`
	Address        []any  `json:"address"`
	TwitterDetails []any  `json:"twitterDetails"`
	CreatedAt      string `json:"createdAt"`
	UpdatedAt      string `json:"updatedAt"`
	ID             string `json:"id"`
}

// koreImport serves Kore.ai's import-contacts.
func (s *Server) koreImport(w http.ResponseWriter, r *http.Request) {
	if !s.checkKoreToken(r.Header.Get("auth")) {
		s.mu.Lock()
		s.stats.Unauthorized++
		s.mu.Unlock()
		writeKoreError(w, http.StatusUnauthorized, "Invalid or expired token")
		return
	}
	acct := r.Header.Get("accountId")
	if acct == "" {
		writeKoreError(w, http.StatusBadRequest, "accountId header is required")
		return
	}
	if s.opts.KoreAccountID != "" && acct != s.opts.KoreAccountID {
		writeKoreError(w, http.StatusForbidden, "accountId does not match the token")
		return
	}
	file, ok := s.readFilePart(w, r, "result_file")
	if !ok {
		return
	}
	cr := csv.NewReader(bytes.NewReader(file))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil || len(recs) == 0 {
		writeKoreError(w, http.StatusBadRequest, "result_file is not a CSV with a header row")
		return
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	if _, ok := col["cellPhoneNumber"]; !ok {
		writeKoreError(w, http.StatusBadRequest, "result_file has no cellPhoneNumber column")
		return
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	stream := r.PathValue("streamId")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.KoreImports++
	now := time.Now().UTC()
	out := []koreCreated{}
	for _, rec := range recs[1:] {
		cc := onlyDigits(get(rec, "cellPhoneCountryCode"))
		num := onlyDigits(get(rec, "cellPhoneNumber"))
		full := cc + num
		if strings.HasPrefix(get(rec, "cellPhoneNumber"), "+") {
			full = num // already international
		}
		if len(full) < 7 || len(full) > 15 || full[0] == '0' || s.korePhones[full] {
			continue // refused: invalid, or a phone Kore already has
		}
		s.korePhones[full] = true
		kc := &KoreContact{ID: strings.ReplaceAll(newUUID(), "-", "")[:24], FirstName: get(rec, "firstName"),
			LastName: get(rec, "lastName"), Salutation: get(rec, "salutation"), CountryCode: "+" + cc,
			Phone: "+" + full, Extension: get(rec, "cellPhoneExtension"), AccountID: acct, StreamID: stream, CreatedAt: now}
		s.kore = append(s.kore, kc)
		var c koreCreated
		c.Status, c.FirstName, c.LastName, c.Salutation, c.AccountID = "ACTIVE", kc.FirstName, kc.LastName, kc.Salutation, acct
		c.OrgID, c.CreatedBy = "o-sim", "u-sim"
		c.CellPhone.PhoneNumber, c.CellPhone.CountryCode, c.CellPhone.Extension = kc.Phone, kc.CountryCode, kc.Extension
		c.FullName = strings.TrimSpace(kc.FirstName + " " + kc.LastName)
		c.Address, c.TwitterDetails = []any{}, []any{}
		c.CreatedAt, c.UpdatedAt = now.Format(time.RFC3339Nano), now.Format(time.RFC3339Nano)
		c.ID = kc.ID
		out = append(out, c)
	}
	writeJSON(w, http.StatusOK, out)
}

func onlyDigits(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return string(b)
}
