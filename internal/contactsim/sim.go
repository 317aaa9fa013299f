// Package contactsim is an in-process simulator of the 8x8 Contacts API and of Kore.ai's contact
// import, faithful to the documents in the project's spec folder, with fault injection. Tests start
// it with httptest (or over in-memory pipes inside a synctest bubble, see PipeNetwork); the
// contactsim command serves it on localhost for demos.
//
// 8x8 side, under /api/v1/accounts/{accountId}: the accountId is checked against the API's pattern
// (400) and the configured account (403); "Authorization: Bearer <key>" against the configured key
// (401). contacts/batches/createContacts takes a multipart file (at most MaxFileBytes, else 413
// with a file-size error), groups (≤ 10 integers), fileHasHeader (default true) and fileColumns
// (mandatory when fileHasHeader is false); it answers 202 with a queued batch. Batches move
// queued → inProgress → completed as time passes (QueueDelay, ProcessDelay), and only then are their
// rows applied: each row is checked (msisdn against ^\+?[1-9][0-9]{6,14}$, name and id lengths, at
// least one address), then created, merged into the one contact sharing an address, or refused when
// several contacts share its addresses. A completed batch reports totalRows, insertedRows,
// duplicatedRows, errorRows and, when rows were refused, an invalidFileLocation serving a CSV of the
// refused rows (original columns plus errorMessage). GET batches/{id} and GET batches (limit,
// offset as a page index, type) report them. POST contacts creates one contact (201), merges it
// (200) or reports a conflict (409); groups/batches/copyContacts copies a group's contacts into
// another as a batch.
//
// Kore.ai side: POST /agentassist/api/v1/public/{streamId}/contacts/import-contacts with header
// "auth: <HS256 JWT signed with KoreSecret, exp ≤ 1h after iat, appId claim>" and accountId, CSV in
// multipart field result_file; it creates a contact per row whose phone it does not have yet and
// answers with the array of created contacts.
//
// Faults (Options.Faults) apply to every request: latency, connection cut before the request is
// acted on, 429 with Retry-After, 5xx, connection cut after a mutating request was committed, slow
// answer bodies, and batches that end failed; and, on every request of their kind, a failing batch
// list or batch status, a 202 naming no batch, batches without result counts, an invalid-rows file
// that cannot be read, and a Kore.ai answer that is not JSON.
package contactsim

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults for zero Options fields.
const (
	DefaultAccountID    = "0f8fad5b-d9cb-469f-a165-70867728950e"
	DefaultAPIKey       = "sim-api-key"
	DefaultKoreSecret   = "sim-kore-secret"
	DefaultMaxFileBytes = 30_000_000
	DefaultQueueDelay   = 200 * time.Millisecond
	DefaultProcessDelay = 300 * time.Millisecond
)

// Options configure a Server. The zero value serves a working, fault-free API with the default
// account, key and secret.
type Options struct {
	// AccountID is the one account the 8x8 side knows (default DefaultAccountID).
	AccountID string
	// APIKey is the accepted bearer key (default DefaultAPIKey).
	APIKey string
	// KoreSecret is the HS256 secret Kore.ai tokens must be signed with (default DefaultKoreSecret).
	KoreSecret string
	// KoreAccountID, when set, is the only accountId header value Kore.ai accepts.
	KoreAccountID string
	// MaxFileBytes is the upload size limit (default 30,000,000: the API's "30 Mb").
	MaxFileBytes int64
	// FileTooLargeStatus is the status of the file-size error (default 413; 400 mimics an API that
	// reports it as a bad request with a file-size message).
	FileTooLargeStatus int
	// QueueDelay is how long a batch stays queued; ProcessDelay how long it is then in progress.
	// Negative means zero.
	QueueDelay, ProcessDelay time.Duration
	// FileBaseURL is where invalid-rows files are served from (default: the request's own host).
	// Point it at a second listener on the same Server to play a file host on another origin.
	FileBaseURL string
	// MaxListLimit, when set, caps the batch list's page size whatever limit asks for (as servers
	// cap page sizes).
	MaxListLimit int
	// ListOffsetIsItemOffset makes the batch list read offset as the number of items to skip
	// instead of a page index (page in the answer is then offset/limit+1): a server that reads
	// the API's ambiguous "page offset" the other way.
	ListOffsetIsItemOffset bool
	// Faults are injected faults.
	Faults Faults
	// Seed seeds the fault dice (0: random).
	Seed uint64
	// Logger, when set, gets a record per request.
	Logger *slog.Logger
}

// Faults are probabilities (0..1) and delays of injected failures. Per request the dice pick at
// most one of ResetBefore, RateLimit and Error (in that order of the unit interval); ResetAfter is
// rolled separately for mutating requests that succeeded.
type Faults struct {
	// ResetBefore cuts the connection after reading the request, before acting on it.
	ResetBefore float64
	// RateLimit answers 429 with a Retry-After of RetryAfter.
	RateLimit float64
	// RetryAfter is the Retry-After of a 429 (rounded up to whole seconds; default 1s).
	RetryAfter time.Duration
	// Error answers 500, 502 or 503 without acting on the request.
	Error float64
	// ResetAfter cuts the connection after a mutating request (create batch, copy, create
	// contact, Kore.ai import) was committed, so its answer is lost.
	ResetAfter float64
	// BatchFail makes a batch end with status failed (its rows are not applied).
	BatchFail float64
	// Latency delays every answer.
	Latency time.Duration
	// SlowBody writes answer bodies in 256-byte pieces with this delay between them.
	SlowBody time.Duration

	// The faults below are not dice: each, when set, applies to every request of its kind.

	// ListError answers the batch list (GET …/batches) with 503.
	ListError bool
	// StatusError answers batch status (GET …/batches/{id}) with 503.
	StatusError bool
	// AnonymousBatch answers a createContacts that was committed with 202 and an empty object:
	// the batch exists but the answer names none.
	AnonymousBatch bool
	// OmitCounts leaves the result counts out of batch answers (the schema does not promise them).
	OmitCounts bool
	// InvalidFileStatus, when set, answers every invalid-rows download with this status.
	InvalidFileStatus int
	// KoreGarbage answers a Kore.ai import that was committed with 200 and a body that is not JSON.
	KoreGarbage bool
}

// Stats are counts of what the Server saw.
type Stats struct {
	Requests       int `json:"requests"`
	ResetsBefore   int `json:"resetsBefore"`
	ResetsAfter    int `json:"resetsAfter"`
	RateLimited    int `json:"rateLimited"`
	ServerErrors   int `json:"serverErrors"`
	Unauthorized   int `json:"unauthorized"`
	BatchesCreated int `json:"batchesCreated"`
	BatchesFailed  int `json:"batchesFailed"`
	KoreImports    int `json:"koreImports"`
	// FileRequestsWithAuth counts invalid-rows downloads that carried an Authorization header.
	FileRequestsWithAuth int `json:"fileRequestsWithAuth"`
	// FileRequests counts invalid-rows downloads.
	FileRequests int `json:"fileRequests"`
}

// Faults returns the number of injected faults.
func (s Stats) Faults() int { return s.ResetsBefore + s.ResetsAfter + s.RateLimited + s.ServerErrors }

// Server is the simulator. It is an http.Handler; safe for concurrent use.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu            sync.Mutex // guards everything below
	rng           *mrand.Rand
	stats         Stats
	batches       []*batch
	byID          map[string]*batch
	contacts      []*Contact
	byAddr        map[string]*Contact // "field\x00normalised value" → contact
	nextContactID int64
	groups        map[int]time.Time
	kore          []*KoreContact
	korePhones    map[string]bool
}

// New returns a Server.
func New(opts Options) *Server {
	if opts.AccountID == "" {
		opts.AccountID = DefaultAccountID
	}
	if opts.APIKey == "" {
		opts.APIKey = DefaultAPIKey
	}
	if opts.KoreSecret == "" {
		opts.KoreSecret = DefaultKoreSecret
	}
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	if opts.FileTooLargeStatus == 0 {
		opts.FileTooLargeStatus = http.StatusRequestEntityTooLarge
	}
	if opts.QueueDelay == 0 {
		opts.QueueDelay = DefaultQueueDelay
	}
	if opts.ProcessDelay == 0 {
		opts.ProcessDelay = DefaultProcessDelay
	}
	opts.QueueDelay = max(opts.QueueDelay, 0)
	opts.ProcessDelay = max(opts.ProcessDelay, 0)
	if opts.Faults.RetryAfter <= 0 {
		opts.Faults.RetryAfter = time.Second
	}
	seed := opts.Seed
	if seed == 0 {
		seed = mrand.Uint64()
	}
	s := &Server{
		opts:          opts,
		mux:           http.NewServeMux(),
		rng:           mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		byID:          map[string]*batch{},
		byAddr:        map[string]*Contact{},
		groups:        map[int]time.Time{},
		korePhones:    map[string]bool{},
		nextContactID: 41764986,
	}
	const acct = "/api/v1/accounts/{accountId}"
	s.mux.HandleFunc("POST "+acct+"/contacts/batches/createContacts", s.account(s.createBatch))
	s.mux.HandleFunc("GET "+acct+"/batches/{batchId}", s.account(s.getBatch))
	s.mux.HandleFunc("GET "+acct+"/batches", s.account(s.listBatches))
	s.mux.HandleFunc("POST "+acct+"/groups/batches/copyContacts", s.account(s.copyContacts))
	s.mux.HandleFunc("POST "+acct+"/contacts", s.account(s.createContact))
	s.mux.HandleFunc("GET /files/invalid/{name}", s.invalidFile)
	s.mux.HandleFunc("POST /agentassist/api/v1/public/{streamId}/contacts/import-contacts", s.koreImport)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, 4004, "no such endpoint")
	})
	return s
}

// Options returns the options in force (defaults applied).
func (s *Server) Options() Options { return s.opts }

// Stats returns the counts so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

type fault int

const (
	noFault fault = iota
	faultResetBefore
	faultRateLimit
	faultError
)

// mutating reports whether r changes state (and so can lose its answer after committing).
func mutating(r *http.Request) bool { return r.Method == http.MethodPost }

// ServeHTTP injects faults around the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := s.opts.Faults
	s.mu.Lock()
	s.stats.Requests++
	roll := s.rng.Float64()
	after := s.rng.Float64()
	errKind := s.rng.IntN(3)
	s.mu.Unlock()
	kind := noFault
	switch {
	case roll < f.ResetBefore:
		kind = faultResetBefore
	case roll < f.ResetBefore+f.RateLimit:
		kind = faultRateLimit
	case roll < f.ResetBefore+f.RateLimit+f.Error:
		kind = faultError
	}
	if s.opts.Logger != nil {
		s.opts.Logger.Info("request", "method", r.Method, "path", r.URL.Path, "fault", kind)
	}
	if f.Latency > 0 && !pause(r, f.Latency) {
		return
	}
	if kind != noFault {
		// Read the request first, as a server would before it fails: the client then sees a
		// request that was sent and an answer that did not come.
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, s.opts.MaxFileBytes+(1<<20)))
		s.mu.Lock()
		switch kind {
		case faultResetBefore:
			s.stats.ResetsBefore++
		case faultRateLimit:
			s.stats.RateLimited++
		case faultError:
			s.stats.ServerErrors++
		}
		s.mu.Unlock()
	}
	switch kind {
	case faultResetBefore:
		panic(http.ErrAbortHandler)
	case faultRateLimit:
		secs := int((f.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeError(w, http.StatusTooManyRequests, 4029, "Too many requests")
		return
	case faultError:
		status := []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}[errKind]
		writeError(w, status, 5000, "Simulated server error")
		return
	}
	if (f.ListError && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/batches")) ||
		(f.StatusError && r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/batches/")) {
		writeError(w, http.StatusServiceUnavailable, 5003, "Simulated outage")
		return
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	s.mux.ServeHTTP(rec, r)
	if rec.status < 300 && mutating(r) {
		switch {
		case f.AnonymousBatch && strings.HasSuffix(r.URL.Path, "/createContacts"):
			rec.body.Reset()
			rec.body.WriteString("{}")
		case f.KoreGarbage && strings.HasSuffix(r.URL.Path, "/import-contacts"):
			rec.body.Reset()
			rec.body.WriteString("<html>gateway says hello</html>")
		}
	}
	if after < f.ResetAfter && mutating(r) && rec.status < 300 {
		s.mu.Lock()
		s.stats.ResetsAfter++
		s.mu.Unlock()
		panic(http.ErrAbortHandler)
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	body := rec.body.Bytes()
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.status)
	if f.SlowBody <= 0 {
		_, _ = w.Write(body)
		return
	}
	fl, _ := w.(http.Flusher)
	for len(body) > 0 {
		n := min(256, len(body))
		if _, err := w.Write(body[:n]); err != nil {
			return
		}
		if fl != nil {
			fl.Flush()
		}
		body = body[n:]
		if len(body) > 0 && !pause(r, f.SlowBody) {
			return
		}
	}
}

// pause waits d unless the request is cancelled first.
func pause(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// recorder buffers a handler's answer so faults can be applied after the handler committed.
type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}

// apiError is the API's error body.
type apiError struct {
	Code      int    `json:"code"`
	Message   string `json:"message"`
	ErrorID   string `json:"errorId"`
	Timestamp string `json:"timestamp"`
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, apiError{Code: code, Message: msg, ErrorID: newUUID(), Timestamp: time.Now().UTC().Format(time.RFC3339Nano)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"code":5000,"message":"encoding failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// AccountIDPattern is the API's accountId rule.
var AccountIDPattern = regexp.MustCompile(`^[0-9A-Fa-f]{8}[-]?(?:[0-9A-Fa-f]{4}[-]?){3}[0-9A-Fa-f]{12}$`)

// normAccount drops dashes and case so equivalent spellings of an id compare equal.
func normAccount(id string) string { return strings.ToLower(strings.ReplaceAll(id, "-", "")) }

// account wraps an 8x8 handler with the bearer-key and account checks.
func (s *Server) account(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		key, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || key != s.opts.APIKey {
			s.mu.Lock()
			s.stats.Unauthorized++
			s.mu.Unlock()
			writeError(w, http.StatusUnauthorized, 1000, "Unauthorized")
			return
		}
		id := r.PathValue("accountId")
		if len(id) < 32 || len(id) > 36 || !AccountIDPattern.MatchString(id) {
			writeError(w, http.StatusBadRequest, 1001, "Invalid accountId format")
			return
		}
		if normAccount(id) != normAccount(s.opts.AccountID) {
			writeError(w, http.StatusForbidden, 1001, "Provided accountId doesn't belong to your account")
			return
		}
		h(w, r)
	}
}

// fileBase is the origin invalid-rows files are served from for request r.
func (s *Server) fileBase(r *http.Request) string {
	if s.opts.FileBaseURL != "" {
		return strings.TrimRight(s.opts.FileBaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) errorf(w http.ResponseWriter, status, code int, format string, args ...any) {
	writeError(w, status, code, fmt.Sprintf(format, args...))
}
