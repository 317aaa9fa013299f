package upload

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// regions maps the 8x8 Contacts API regions to their base URLs (the API's documented servers).
var regions = map[string]string{
	"apac": "https://contacts.8x8.com",
	"us":   "https://contacts.us.8x8.com",
	"uk":   "https://contacts.8x8.uk",
	"id":   "https://contacts.8x8.id",
}

// Regions returns the 8x8 Contacts API regions (apac, us, uk, id) and their base URLs (the API's
// documented servers). The map is a copy: changing it changes nothing else.
func Regions() map[string]string { return maps.Clone(regions) }

// DefaultRegion is the region used when neither BaseURL nor Region is set.
const DefaultRegion = "apac"

// MaxGroups is the most groups a batch of contacts can be added to.
const MaxGroups = 10

// accountIDPattern is the API's accountId pattern (32 to 36 characters).
var accountIDPattern = regexp.MustCompile(`^[0-9A-Fa-f]{8}[-]?(?:[0-9A-Fa-f]{4}[-]?){3}[0-9A-Fa-f]{12}$`)

// ValidAccountID reports whether id matches the 8x8 API's accountId rule.
func ValidAccountID(id string) bool {
	return len(id) >= 32 && len(id) <= 36 && accountIDPattern.MatchString(id)
}

// Client calls the 8x8 Contacts API for one account: batch status and list, copying contacts
// between groups, creating one contact. Set the fields, then call methods; the configuration is
// checked (account id, key present, HTTPS) before the first request and must not change after it.
// Safe for concurrent use. EightByEight embeds a Client for its settings.
type Client struct {
	// BaseURL is the API's base URL. Empty means the Region's.
	BaseURL string
	// Region is apac (default), us, uk or id; used when BaseURL is empty.
	Region string
	// APIKey is the API key, sent as "Authorization: Bearer …" and never logged or reported.
	APIKey string
	// AccountID is the 8x8 account id; it must match the API's pattern.
	AccountID string
	// HTTPClient makes the requests (default http.DefaultClient). It is copied: redirects are never
	// followed whatever its CheckRedirect says.
	HTTPClient *http.Client
	// Logger receives debug and warning records (retries, polls); nil discards them.
	Logger *slog.Logger
	// Retry is the retry policy; its zero value is useful.
	Retry RetryPolicy
	// Timeout bounds each request (default 2 minutes), plus a second per 256 KiB of an upload's
	// body so a large chunk on a slow link is not cut off.
	Timeout time.Duration
	// Limiter, when set, paces every request.
	Limiter *rate.Limiter
	// Stats, when set, receives counts of requests, faults, retries….
	Stats *Stats
	// MaxAnswerBytes caps a batch's invalid-rows file (default DefaultMaxAnswerBytes, and never
	// more than the chunk plus 1 KiB a row plus 1 MiB). It is streamed to a temporary file past
	// 256 KiB; a larger one leaves the chunk in doubt.
	MaxAnswerBytes int64
	// MaxListPages caps the pages of the batch list searched when looking for a batch by file name
	// (default 20 pages of 500).
	MaxListPages int

	once sync.Once
	t    *transport
	err  error
}

// Validate checks the configuration without making a request.
func (c *Client) Validate() error {
	c.once.Do(func() { c.t, c.err = c.build() })
	return c.err
}

func (c *Client) build() (*transport, error) {
	if !ValidAccountID(c.AccountID) {
		return nil, configError("8x8 account id must be 32 to 36 hex digits with optional dashes (the API's pattern)")
	}
	if c.APIKey == "" {
		return nil, configError("8x8 api key is empty")
	}
	if strings.ContainsAny(c.APIKey, "\r\n") {
		return nil, configError("8x8 api key contains a line break")
	}
	base := c.BaseURL
	if base == "" {
		region := c.Region
		if region == "" {
			region = DefaultRegion
		}
		u, ok := regions[strings.ToLower(region)]
		if !ok {
			return nil, configError("unknown 8x8 region %q (want apac, us, uk or id)", region)
		}
		base = u
	}
	return newTransport(transportConfig{
		target:     "8x8",
		baseURL:    base,
		httpClient: c.HTTPClient,
		logger:     c.Logger,
		retry:      c.Retry,
		timeout:    c.Timeout,
		limiter:    c.Limiter,
		stats:      c.Stats,
		secrets:    []string{c.APIKey},
	})
}

// auth sets the bearer token.
func (c *Client) auth(h http.Header) error {
	h.Set("Authorization", "Bearer "+c.APIKey)
	return nil
}

// accountPath returns /api/v1/accounts/{accountId} + rest.
func (c *Client) accountPath(rest string) string {
	return "/api/v1/accounts/" + url.PathEscape(c.AccountID) + rest
}

// BatchStatus is the status of an 8x8 batch job.
type BatchStatus string

// The batch statuses the API documents.
const (
	BatchQueued     BatchStatus = "queued"
	BatchInProgress BatchStatus = "inProgress"
	BatchFailed     BatchStatus = "failed"
	BatchCompleted  BatchStatus = "completed"
	BatchStopped    BatchStatus = "stopped"
	BatchTimeout    BatchStatus = "timeout"
)

// Terminal reports whether the batch will not change any more.
func (s BatchStatus) Terminal() bool {
	switch s {
	case BatchFailed, BatchCompleted, BatchStopped, BatchTimeout:
		return true
	}
	return false
}

// Batch is an 8x8 batch job (the API's batch-job and batch-upload-job models). The result counts
// appear in the API's examples only, not its schema: they are nil when absent.
type Batch struct {
	// ID is the batch id (a UUID).
	ID string `json:"id"`
	// Type is createContacts, copyContacts, ….
	Type string `json:"type,omitempty"`
	// Status is the batch status.
	Status BatchStatus `json:"status,omitempty"`
	// CreatedAt is the creation time as the API wrote it.
	CreatedAt string `json:"createdAt,omitempty"`
	// FileName is the uploaded file's name (createContacts).
	FileName string `json:"fileName,omitempty"`
	// FileType is csv or xls (createContacts).
	FileType string `json:"fileType,omitempty"`
	// FileLocation is the uploaded file's URL (createContacts).
	FileLocation string `json:"fileLocation,omitempty"`
	// InvalidFileLocation is the URL of a file holding the rows the batch refused.
	InvalidFileLocation string `json:"invalidFileLocation,omitempty"`
	// TotalRows, InsertedRows, ErrorRows, DuplicatedRows and ContactGroups are the result counts.
	TotalRows      *int `json:"totalRows,omitempty"`
	InsertedRows   *int `json:"insertedRows,omitempty"`
	ErrorRows      *int `json:"errorRows,omitempty"`
	DuplicatedRows *int `json:"duplicatedRows,omitempty"`
	ContactGroups  *int `json:"contactGroups,omitempty"`
}

// UnmarshalJSON accepts counts written as JSON numbers with a zero fraction (12.0) as well.
func (b *Batch) UnmarshalJSON(data []byte) error {
	type plain Batch
	var raw struct {
		plain
		TotalRows      *float64 `json:"totalRows"`
		InsertedRows   *float64 `json:"insertedRows"`
		ErrorRows      *float64 `json:"errorRows"`
		DuplicatedRows *float64 `json:"duplicatedRows"`
		ContactGroups  *float64 `json:"contactGroups"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*b = Batch(raw.plain)
	b.TotalRows = floatCount(raw.TotalRows)
	b.InsertedRows = floatCount(raw.InsertedRows)
	b.ErrorRows = floatCount(raw.ErrorRows)
	b.DuplicatedRows = floatCount(raw.DuplicatedRows)
	b.ContactGroups = floatCount(raw.ContactGroups)
	return nil
}

func floatCount(f *float64) *int {
	if f == nil {
		return nil
	}
	n := int(*f)
	return &n
}

// BatchCounts are a batch's result counts, as far as the API reported them.
type BatchCounts struct {
	// Total is the number of rows the API read.
	Total int `json:"totalRows"`
	// Inserted is the number of new contacts.
	Inserted int `json:"insertedRows"`
	// Errors is the number of rows refused.
	Errors int `json:"errorRows"`
	// Duplicated is the number of rows merged into an existing contact.
	Duplicated int `json:"duplicatedRows"`
}

// Counts returns b's result counts, or nil when the API sent none.
func (b Batch) Counts() *BatchCounts {
	if b.TotalRows == nil && b.InsertedRows == nil && b.ErrorRows == nil && b.DuplicatedRows == nil {
		return nil
	}
	v := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	return &BatchCounts{Total: v(b.TotalRows), Inserted: v(b.InsertedRows), Errors: v(b.ErrorRows), Duplicated: v(b.DuplicatedRows)}
}

// BatchPage is one page of the batch list.
type BatchPage struct {
	// Items are the batches on this page.
	Items []Batch `json:"items"`
	// Page is the page number as the API counts it.
	Page int `json:"page"`
	// TotalPages, TotalCount and TotalFiltered are the list's totals.
	TotalPages    int `json:"totalPages"`
	TotalCount    int `json:"totalCount"`
	TotalFiltered int `json:"totalFiltered"`
	// HasPreviousPage and HasNextPage say whether there are more pages.
	HasPreviousPage bool `json:"hasPreviousPage"`
	HasNextPage     bool `json:"hasNextPage"`
}

// UnmarshalJSON accepts page numbers written with a zero fraction.
func (p *BatchPage) UnmarshalJSON(data []byte) error {
	var raw struct {
		Items           []Batch `json:"items"`
		Page            float64 `json:"page"`
		TotalPages      float64 `json:"totalPages"`
		TotalCount      float64 `json:"totalCount"`
		TotalFiltered   float64 `json:"totalFiltered"`
		HasPreviousPage bool    `json:"hasPreviousPage"`
		HasNextPage     bool    `json:"hasNextPage"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*p = BatchPage{Items: raw.Items, Page: int(raw.Page), TotalPages: int(raw.TotalPages), TotalCount: int(raw.TotalCount),
		TotalFiltered: int(raw.TotalFiltered), HasPreviousPage: raw.HasPreviousPage, HasNextPage: raw.HasNextPage}
	return nil
}

// ListBatchesOptions selects a page of the batch list.
type ListBatchesOptions struct {
	// Limit is the page size, 1 to 500 (default 20, the API's).
	Limit int
	// Offset is the API's "page offset": 0 is the first page of Limit items, 1 the next.
	Offset int
	// Type filters by batch type (createContacts, copyContacts, …); empty lists all.
	Type string
}

// BatchStatus fetches one batch.
func (c *Client) BatchStatus(ctx context.Context, id string) (Batch, error) {
	if err := c.Validate(); err != nil {
		return Batch{}, err
	}
	if id == "" {
		return Batch{}, fmt.Errorf("upload: 8x8 batch status: empty batch id")
	}
	var b Batch
	if err := c.doJSON(ctx, &request{
		op:         "batch status",
		method:     http.MethodGet,
		url:        c.t.endpoint(c.accountPath("/batches/"+url.PathEscape(id)), nil),
		header:     c.auth,
		idempotent: true,
	}, &b); err != nil {
		return Batch{}, err
	}
	return b, nil
}

// ListBatches fetches one page of the account's batch jobs.
func (c *Client) ListBatches(ctx context.Context, opts ListBatchesOptions) (BatchPage, error) {
	if err := c.Validate(); err != nil {
		return BatchPage{}, err
	}
	q := url.Values{}
	if opts.Limit != 0 {
		if opts.Limit < 1 || opts.Limit > 500 {
			return BatchPage{}, fmt.Errorf("upload: 8x8 list batches: limit %d out of 1..500", opts.Limit)
		}
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	if opts.Offset < 0 {
		return BatchPage{}, fmt.Errorf("upload: 8x8 list batches: negative offset")
	}
	if opts.Offset > 0 {
		q.Set("offset", strconv.Itoa(opts.Offset))
	}
	if opts.Type != "" {
		q.Set("type", opts.Type)
	}
	var p BatchPage
	if err := c.doJSON(ctx, &request{
		op:         "list batches",
		method:     http.MethodGet,
		url:        c.t.endpoint(c.accountPath("/batches"), q),
		header:     c.auth,
		idempotent: true,
	}, &p); err != nil {
		return BatchPage{}, err
	}
	return p, nil
}

// FindBatchByFileName searches the createContacts batches for one whose file name is name (or ends
// with it, in case the API prefixes stored names). It reads up to MaxListPages pages of 500, since
// the API does not promise an order. found=false is said only when every page was read: an answer
// for another page than asked, an empty page claiming a next one, or more pages than MaxListPages
// give an error instead (the caller must then treat the batch as possibly existing).
func (c *Client) FindBatchByFileName(ctx context.Context, name string) (Batch, bool, error) {
	if err := c.Validate(); err != nil {
		return Batch{}, false, err
	}
	pages := c.MaxListPages
	if pages <= 0 {
		pages = 20
	}
	for off := 0; off < pages; off++ {
		p, err := c.ListBatches(ctx, ListBatchesOptions{Limit: 500, Offset: off, Type: "createContacts"})
		if err != nil {
			return Batch{}, false, err
		}
		// The API counts pages from 1 and offset is a page index: an answer for another page means
		// the server reads offset otherwise, and going on would skip or repeat batches.
		if p.Page != off+1 {
			return Batch{}, false, fmt.Errorf("upload: 8x8 batch list: asked for page offset %d, the answer is page %d; the search cannot tell whether %s exists",
				off, p.Page, name)
		}
		for _, b := range p.Items {
			if b.FileName == name || strings.HasSuffix(b.FileName, "_"+name) || strings.HasSuffix(b.FileName, "/"+name) {
				return b, true, nil
			}
		}
		if !p.HasNextPage {
			return Batch{}, false, nil
		}
		if len(p.Items) == 0 {
			return Batch{}, false, fmt.Errorf("upload: 8x8 batch list: page %d is empty but claims a next page; the search cannot tell whether %s exists", p.Page, name)
		}
	}
	return Batch{}, false, fmt.Errorf("upload: 8x8 batch list: searched the first %d pages of 500 and there are more; the search cannot tell whether %s exists (raise MaxListPages)",
		pages, name)
}

// CopyContacts starts a batch job copying the contacts of group from into group to.
func (c *Client) CopyContacts(ctx context.Context, from, to int) (Batch, error) {
	if err := c.Validate(); err != nil {
		return Batch{}, err
	}
	if from <= 0 || to <= 0 {
		return Batch{}, fmt.Errorf("upload: 8x8 copy contacts: group ids must be positive")
	}
	q := url.Values{"from": {strconv.Itoa(from)}, "to": {strconv.Itoa(to)}}
	var b Batch
	if err := c.doJSON(ctx, &request{
		op:     "copy contacts",
		method: http.MethodPost,
		url:    c.t.endpoint(c.accountPath("/groups/batches/copyContacts"), q),
		header: c.auth,
		// Copying twice adds the same contacts to the same group: harmless to repeat.
		idempotent: true,
	}, &b); err != nil {
		return Batch{}, err
	}
	return b, nil
}

// Addresses are a contact's addresses; at least one is required.
type Addresses struct {
	MSISDN         string `json:"msisdn,omitempty"`
	WeChatUserID   string `json:"weChatUserId,omitempty"`
	FacebookUserID string `json:"facebookUserId,omitempty"`
	Email          string `json:"email,omitempty"`
	ZaloID         string `json:"zaloId,omitempty"`
	LineID         string `json:"lineId,omitempty"`
	KakaoTalkID    string `json:"kakaoTalkId,omitempty"`
}

// NewContact is the body of a create-contact request.
type NewContact struct {
	FirstName  string `json:"firstName,omitempty"`
	LastName   string `json:"lastName,omitempty"`
	ExternalID string `json:"externalId,omitempty"`
	// Country is an ISO alpha-2 code.
	Country string `json:"country,omitempty"`
	// Groups are group ids (at most 10).
	Groups           []int             `json:"-"`
	Addresses        Addresses         `json:"addresses"`
	CustomAttributes map[string]string `json:"customAttributes,omitempty"`
}

// MarshalJSON writes Groups as the API's [{"id":…}] list.
func (n NewContact) MarshalJSON() ([]byte, error) {
	type plain NewContact
	type gid struct {
		ID int `json:"id"`
	}
	out := struct {
		plain
		Groups []gid `json:"groups,omitempty"`
	}{plain: plain(n)}
	for _, g := range n.Groups {
		out.Groups = append(out.Groups, gid{ID: g})
	}
	return json.Marshal(out)
}

// Group is a contact group as the API returns it.
type Group struct {
	ID          int    `json:"id"`
	Contacts    int    `json:"contacts,omitempty"`
	CreatedAt   string `json:"createdAt,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	IsBlacklist bool   `json:"isBlacklist,omitempty"`
}

// Contact is a contact as the API returns it.
type Contact struct {
	ID               int64          `json:"id"`
	CreatedAt        string         `json:"createdAt,omitempty"`
	FirstName        string         `json:"firstName,omitempty"`
	LastName         string         `json:"lastName,omitempty"`
	ExternalID       string         `json:"externalId,omitempty"`
	Country          string         `json:"country,omitempty"`
	Groups           []Group        `json:"groups,omitempty"`
	Addresses        Addresses      `json:"addresses"`
	CustomAttributes map[string]any `json:"customAttributes,omitempty"`
}

// ContactOutcome says what creating a contact did.
type ContactOutcome int

// The three outcomes of CreateContact.
const (
	// ContactCreated: 201, a new contact.
	ContactCreated ContactOutcome = iota + 1
	// ContactMerged: 200, merged into the one existing contact sharing an address.
	ContactMerged
	// ContactConflict: 409, more than one existing contact shares the given addresses; nothing done.
	ContactConflict
)

// String names the outcome.
func (o ContactOutcome) String() string {
	switch o {
	case ContactCreated:
		return "created"
	case ContactMerged:
		return "merged"
	case ContactConflict:
		return "conflict"
	}
	return "unknown"
}

// CreateContactResult is what CreateContact did: exactly one of Contact (created, merged) or
// Conflict (conflict) is set.
type CreateContactResult struct {
	// Outcome is created, merged or conflict.
	Outcome ContactOutcome
	// Contact is the created or merged contact.
	Contact *Contact
	// Conflict is the API's 409 body.
	Conflict *APIError
}

// CreateContact creates one contact, or merges it into the one contact that shares an address. A
// 409 (several contacts match) is a result, not an error. nc is checked with NewContact.Validate
// first: input the contract forbids is refused with a *ContactError and never sent.
func (c *Client) CreateContact(ctx context.Context, nc NewContact) (CreateContactResult, error) {
	if err := c.Validate(); err != nil {
		return CreateContactResult{}, err
	}
	if err := nc.Validate(); err != nil {
		return CreateContactResult{}, err
	}
	body, err := json.Marshal(nc)
	if err != nil {
		return CreateContactResult{}, fmt.Errorf("upload: 8x8 create contact: %w", err)
	}
	ans, _, err := c.t.do(ctx, &request{
		op:     "create contact",
		method: http.MethodPost,
		url:    c.t.endpoint(c.accountPath("/contacts"), nil),
		header: c.auth,
		body: func() (io.ReadCloser, int64, string, error) {
			return io.NopCloser(bytes.NewReader(body)), int64(len(body)), "application/json", nil
		},
		ok: func(s int) bool { return s == http.StatusOK || s == http.StatusCreated || s == http.StatusConflict },
		// The API merges by address: sending the same contact twice merges it into itself.
		idempotent: true,
	})
	if err != nil {
		return CreateContactResult{}, err
	}
	switch ans.status {
	case http.StatusConflict:
		return CreateContactResult{Outcome: ContactConflict, Conflict: c.t.apiError("create contact", ans)}, nil
	default:
		var ct Contact
		if err := json.Unmarshal(ans.body, &ct); err != nil {
			return CreateContactResult{}, fmt.Errorf("upload: 8x8 create contact: decoding the answer: %w", err)
		}
		o := ContactCreated
		if ans.status == http.StatusOK {
			o = ContactMerged
		}
		return CreateContactResult{Outcome: o, Contact: &ct}, nil
	}
}

// doJSON sends req and decodes the JSON answer into v.
func (c *Client) doJSON(ctx context.Context, req *request, v any) error {
	ans, _, err := c.t.do(ctx, req)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(ans.body, v); err != nil {
		return fmt.Errorf("upload: 8x8 %s: decoding the answer: %w", req.op, err)
	}
	return nil
}
