package upload

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// KoreAIColumns returns the header of a Kore.ai chunk file, in order (a new slice each call).
func KoreAIColumns() []string {
	return []string{"firstName", "lastName", "salutation", "cellPhoneNumber", "cellPhoneCountryCode", "cellPhoneExtension"}
}

// MaxKoreAITokenTTL is the longest lifetime of a minted Kore.ai JWT.
const MaxKoreAITokenTTL = time.Hour

// KoreAI uploads each chunk to Kore.ai's contact import:
// POST {BaseURL}/agentassist/api/v1/public/{StreamID}/contacts/import-contacts, multipart with the CSV
// in field result_file, headers "auth: <JWT>" and "accountId". Kore.ai answers synchronously with the
// contacts it created; chunk rows missing from the answer are reported in Result.ServerRejected as
// "not in Kore.ai's answer" (Kore.ai does not say why).
//
// The JWT is JWT when set; otherwise one is minted for every request from ClientID and ClientSecret
// (HS256, a fresh jti, expiring after TokenTTL, at most an hour), with the client id in each claim
// named by ClientIDClaims (default appId and iss: Kore's public docs are thin about which it reads).
//
// Failures are handled as for EightByEight, except an ambiguous one (request sent, no answer):
// Kore.ai has no batch list to look in, so the file is sent again. That is safe because Kore
// refuses phone numbers it already has; the price is that rows which did land on the lost attempt
// come back missing from the second answer and are reported as refused, with a message saying so.
// Such re-sends are counted in Result.Resent and Stats.
type KoreAI struct {
	// BaseURL is https://{host} of the Kore.ai environment.
	BaseURL string
	// StreamID is the bot (stream) id.
	StreamID string
	// AccountID is sent in the accountId header.
	AccountID string
	// JWT is a ready token; when empty one is minted from ClientID and ClientSecret.
	JWT string
	// ClientID and ClientSecret are the app's credentials for minting tokens.
	ClientID, ClientSecret string
	// ClientIDClaims are the claims that carry ClientID in a minted token (default appId, iss).
	ClientIDClaims []string
	// TokenTTL is a minted token's lifetime (default 55 minutes, at most an hour).
	TokenTTL time.Duration
	// HTTPClient makes the requests (default http.DefaultClient); redirects are never followed.
	HTTPClient *http.Client
	// Logger receives debug and warning records; nil discards them.
	Logger *slog.Logger
	// Retry is the retry policy; its zero value is useful.
	Retry RetryPolicy
	// Timeout bounds each request (default 2 minutes, plus a second per 256 KiB of upload).
	Timeout time.Duration
	// Limiter, when set, paces every request.
	Limiter *rate.Limiter
	// Stats, when set, receives counts of requests, faults, retries….
	Stats *Stats
	// FilePrefix starts every uploaded file name; RunID is as for EightByEight.
	FilePrefix, RunID string
	// KeepDir, when set, is where chunk files are moved after upload; otherwise they are removed.
	KeepDir string
	// MaxAnswerBytes caps Kore.ai's answer (default DefaultMaxAnswerBytes, and never more than the
	// chunk plus 8 KiB a row plus 1 MiB). It is streamed to a temporary file past 256 KiB; a larger
	// answer leaves the chunk in doubt.
	MaxAnswerBytes int64

	once sync.Once
	t    *transport
	err  error
	run  string
}

// Columns returns KoreAIColumns: the pipeline writes Kore.ai chunks with these columns.
func (k *KoreAI) Columns() []string { return KoreAIColumns() }

// Required returns msisdn: a row without a phone cannot go to Kore.ai.
func (k *KoreAI) Required() []string { return []string{"msisdn"} }

// Validate checks the configuration without making a request.
func (k *KoreAI) Validate() error {
	k.once.Do(func() {
		switch {
		case strings.TrimSpace(k.StreamID) == "":
			k.err = configError("kore.ai stream id is empty")
		case strings.TrimSpace(k.AccountID) == "":
			k.err = configError("kore.ai account id is empty")
		case strings.ContainsAny(k.AccountID+k.JWT, "\r\n"):
			k.err = configError("kore.ai account id or token contains a line break")
		case k.JWT == "" && (k.ClientID == "" || k.ClientSecret == ""):
			k.err = configError("kore.ai needs a JWT, or a client id and secret to mint one")
		case k.TokenTTL > MaxKoreAITokenTTL:
			k.err = configError("kore.ai token lifetime %s exceeds %s", k.TokenTTL, MaxKoreAITokenTTL)
		}
		if k.err != nil {
			return
		}
		k.t, k.err = newTransport(transportConfig{
			target:     "koreai",
			baseURL:    k.BaseURL,
			httpClient: k.HTTPClient,
			logger:     k.Logger,
			retry:      k.Retry,
			timeout:    k.Timeout,
			limiter:    k.Limiter,
			stats:      k.Stats,
			secrets:    []string{k.JWT, k.ClientSecret},
		})
		k.run = NewRunID()
	})
	return k.err
}

// FileName is the name chunk c is uploaded under.
func (k *KoreAI) FileName(ctx context.Context, c Chunk) string {
	_ = k.Validate()
	return chunkUploadName(ctx, k.FilePrefix, k.RunID, k.run, c)
}

func (k *KoreAI) dispose(c Chunk) { disposeChunk(c, k.KeepDir) }

// MintKoreAIJWT returns an HS256 token for a Kore.ai app: the client id in each of claims (default
// appId and iss), a random jti, iat now and exp now+ttl (ttl ≤ 1h; 0 means 55 minutes).
func MintKoreAIJWT(clientID, secret string, claims []string, ttl time.Duration, now time.Time) (string, error) {
	if clientID == "" || secret == "" {
		return "", configError("kore.ai client id and secret are required to mint a token")
	}
	if ttl <= 0 {
		ttl = 55 * time.Minute
	}
	if ttl > MaxKoreAITokenTTL {
		return "", configError("kore.ai token lifetime %s exceeds %s", ttl, MaxKoreAITokenTTL)
	}
	if len(claims) == 0 {
		claims = []string{"appId", "iss"}
	}
	mc := jwt.MapClaims{
		"jti": NewRunID() + NewRunID() + NewRunID() + NewRunID(),
		"iat": now.Unix(),
		"exp": now.Add(ttl).Unix(),
	}
	for _, c := range claims {
		mc[c] = clientID
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, mc).SignedString([]byte(secret))
	if err != nil {
		return "", fmt.Errorf("upload: kore.ai: signing the token: %w", err)
	}
	return s, nil
}

// auth sets the per-request headers: a token (minted afresh unless JWT is set) and the account id.
func (k *KoreAI) auth(h http.Header) error {
	tok := k.JWT
	if tok == "" {
		var err error
		tok, err = MintKoreAIJWT(k.ClientID, k.ClientSecret, k.ClientIDClaims, k.TokenTTL, time.Now())
		if err != nil {
			return err
		}
	}
	h.Set("auth", tok)
	h.Set("accountId", k.AccountID)
	return nil
}

// Upload sends chunk c and reports which rows Kore.ai created.
func (k *KoreAI) Upload(ctx context.Context, c Chunk) (Result, error) {
	name := k.FileName(ctx, c)
	if err := k.Validate(); err != nil {
		return Result{Target: "koreai", File: name, Status: "error"}, err
	}
	defer k.dispose(c)
	log := k.t.log.With("chunk", c.Index)
	res, err := uploadSplitting(ctx, c.Path, name, c.Rows, k.t.retry.Budget, k.t.stats, log, k.uploadPart)
	res.Target, res.File = "koreai", name
	if err != nil && res.Status == "" {
		res.Status = "error"
	}
	return res, err
}

// koreCreated is the part of a created contact we read.
type koreCreated struct {
	CellPhone struct {
		PhoneNumber string `json:"phoneNumber"`
		CountryCode string `json:"countryCode"`
	} `json:"cellPhone"`
}

func (k *KoreAI) uploadPart(ctx context.Context, path, name string, rows int) (Result, error) {
	res := Result{Target: "koreai", File: name}
	open, err := multipartFile(nil, "result_file", name, path)
	if err != nil {
		return res, fmt.Errorf("upload: koreai import: %w", err)
	}
	var size int64
	if st, err := os.Stat(path); err == nil {
		size = st.Size()
	}
	ans, info, err := k.t.do(ctx, &request{
		op:       "import contacts",
		method:   http.MethodPost,
		url:      k.t.endpoint("/agentassist/api/v1/public/"+url.PathEscape(k.StreamID)+"/contacts/import-contacts", nil),
		body:     open,
		header:   k.auth,
		maxBody:  answerCap(k.MaxAnswerBytes, size, rows, 8<<10),
		spool:    true,
		spoolDir: filepath.Dir(path),
	})
	res.Attempts, res.Resent = info.attempts, info.resent
	if err != nil {
		res.InDoubt = info.inDoubt
		if res.InDoubt {
			res.Status = "in-doubt"
		}
		return res, err
	}
	defer ans.spool.Close()
	created, err := readKoreAnswer(ans.spool, rows)
	if err != nil {
		// The import ran (2xx) but we cannot read what it created.
		res.InDoubt, res.Status = true, "in-doubt"
		return res, fmt.Errorf("%w: koreai import of %s: %w", ErrInDoubt, name, err)
	}
	rej, landed, err := matchKoreCreated(path, created, info.resent > 0 || isResend(ctx))
	if err != nil {
		return res, err
	}
	res.Status, res.Landed, res.ServerRejected = "created", landed, rej
	return res, nil
}

// readKoreAnswer decodes a spooled answer; see decodeKoreCreated.
func readKoreAnswer(sp *spool, rows int) ([]koreCreated, error) {
	r, err := sp.Reader()
	if err != nil {
		return nil, err
	}
	return decodeKoreCreated(r, rows)
}

// decodeKoreCreated reads the answer, one contact at a time: an array of contacts, or an object
// holding one under contacts, data, result, results or items. An answer listing more than rows
// contacts is not about our chunk.
func decodeKoreCreated(r io.Reader, rows int) ([]koreCreated, error) {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("answer is not json: %w", err)
	}
	list := func() ([]koreCreated, error) {
		var out []koreCreated
		for dec.More() {
			var c koreCreated
			if err := dec.Decode(&c); err != nil {
				return nil, fmt.Errorf("answer's contact %d: %w", len(out)+1, err)
			}
			if len(out) == rows {
				return nil, fmt.Errorf("answer lists more contacts than the chunk's %d rows", rows)
			}
			out = append(out, c)
		}
		if _, err := dec.Token(); err != nil { // ]
			return nil, err
		}
		return out, nil
	}
	switch tok {
	case json.Delim('['):
		return list()
	case json.Delim('{'):
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return nil, err
			}
			switch key {
			case "contacts", "data", "result", "results", "items":
				if t, err := dec.Token(); err == nil && t == json.Delim('[') {
					return list()
				} else if err != nil {
					return nil, err
				} else if d, ok := t.(json.Delim); ok {
					if err := skipJSON(dec, d); err != nil {
						return nil, err
					}
				}
			default:
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return nil, err
				}
			}
		}
		return nil, fmt.Errorf("answer holds no list of contacts")
	}
	return nil, fmt.Errorf("answer is neither a list of contacts nor an object")
}

// skipJSON skips the rest of a value whose opening delimiter d was read.
func skipJSON(dec *json.Decoder, d json.Delim) error {
	if d != '{' && d != '[' {
		return nil
	}
	for depth := 1; depth > 0; {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// matchKoreCreated matches the created contacts to chunk rows by phone, compared by digits: a row's
// cellPhoneCountryCode + cellPhoneNumber against the answer's phoneNumber when it starts with "+"
// (Kore's sample answer writes it so), else its countryCode + phoneNumber. Rows left over are
// refused ones.
func matchKoreCreated(path string, created []koreCreated, resent bool) ([]ServerRejection, int, error) {
	header, rows, err := readChunk(path)
	if err != nil {
		return nil, 0, err
	}
	num, cc := -1, -1
	for i, h := range header {
		switch strings.TrimSpace(h) {
		case "cellPhoneNumber":
			num = i
		case "cellPhoneCountryCode":
			cc = i
		}
	}
	if num < 0 {
		return nil, 0, fmt.Errorf("upload: koreai: chunk has no cellPhoneNumber column")
	}
	got := map[string]int{}
	for _, c := range created {
		// "+9198…" is a full number; without "+" it is national, its code beside it.
		d := digits(c.CellPhone.PhoneNumber)
		if !strings.HasPrefix(strings.TrimSpace(c.CellPhone.PhoneNumber), "+") {
			d = digits(c.CellPhone.CountryCode) + d
		}
		got[d]++
	}
	var rej []ServerRejection
	landed := 0
	// Kore.ai says nothing about rows it did not create: say only that.
	msg := "not in Kore.ai's answer"
	if resent {
		msg = "not in Kore.ai's answer to a re-sent upload (the earlier attempt's answer was lost; it may have created the contact)"
	}
	for i, rec := range rows {
		key := ""
		if num < len(rec) {
			key = digits(rec[num])
			if cc >= 0 && cc < len(rec) {
				key = digits(rec[cc]) + key
			}
		}
		if got[key] > 0 {
			got[key]--
			landed++
			continue
		}
		rej = append(rej, ServerRejection{Line: i + 1, Message: msg})
	}
	return rej, landed, nil
}
