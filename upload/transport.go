package upload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"
)

// maxErrorBody is the most of an error answer that is read.
const maxErrorBody = 64 << 10

// defaultMaxBody is the most of a successful JSON answer that is buffered (a batch status, a page
// of the batch list: a 500-batch page is well under 1 MiB). Longer answers are ErrAnswerTooLarge.
const defaultMaxBody = 4 << 20

// transport sends requests to one API with the retry policy, timeouts, rate limit and the security
// rules shared by every target: HTTPS unless loopback, no redirects, secrets redacted. It is
// immutable after construction and safe for concurrent use.
type transport struct {
	target  string
	base    *url.URL
	hc      *http.Client
	log     *slog.Logger
	retry   RetryPolicy
	timeout time.Duration
	limiter *rate.Limiter
	stats   *Stats
	secrets []string
	// files fetches files the API points to (see newDownloadClient).
	files *http.Client
}

// transportConfig is what newTransport needs.
type transportConfig struct {
	target     string
	baseURL    string
	httpClient *http.Client
	logger     *slog.Logger
	retry      RetryPolicy
	timeout    time.Duration
	limiter    *rate.Limiter
	stats      *Stats
	secrets    []string
}

func newTransport(c transportConfig) (*transport, error) {
	base, err := checkURL(c.baseURL)
	if err != nil {
		return nil, err
	}
	base.Path = strings.TrimRight(base.Path, "/")
	hc := http.DefaultClient
	if c.httpClient != nil {
		hc = c.httpClient
	}
	cp := *hc // a copy: the caller's client keeps its own redirect policy
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	log := c.logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	timeout := c.timeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	stats := c.stats
	if stats == nil {
		stats = new(Stats)
	}
	var secrets []string
	for _, s := range c.secrets {
		if s != "" {
			secrets = append(secrets, s)
		}
	}
	t := &transport{
		target:  c.target,
		base:    base,
		hc:      &cp,
		log:     log.With("target", c.target),
		retry:   c.retry.withDefaults(),
		timeout: timeout,
		limiter: c.limiter,
		stats:   stats,
		secrets: secrets,
	}
	t.files = newDownloadClient(hc, hostIsNonPublic(base.Hostname()), t.checkFileURL)
	return t, nil
}

// checkFileURL says whether a file the API points to may be fetched from u: over HTTPS, or over
// plain HTTP from the API's own origin when that is a loopback address (a local simulator). The
// addresses are checked again when dialing (see newDownloadClient).
func (t *transport) checkFileURL(u *url.URL) error {
	if u.User != nil {
		return fmt.Errorf("%w: file url embeds credentials", ErrForbiddenAddress)
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && t.sameOrigin(u) && isLoopback(t.base.Hostname()):
		return nil
	}
	return fmt.Errorf("%w: %w: file url %s (plain http only from the api's own loopback origin)", ErrForbiddenAddress, ErrInsecureURL, withoutQuery(u.Redacted()))
}

// withoutQuery drops a URL's query and fragment for messages: a signed storage URL's query is a
// credential for the file.
func withoutQuery(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i] + "?…"
	}
	return raw
}

// checkURL parses an API or file URL and enforces HTTPS except to loopback addresses. It never
// echoes credentials embedded in the URL.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return nil, configError("invalid url %q", redactURL(raw))
	}
	if u.User != nil {
		return nil, configError("url must not embed credentials")
	}
	switch u.Scheme {
	case "https":
		return u, nil
	case "http":
		if isLoopback(u.Hostname()) {
			return u, nil
		}
	}
	return nil, &stopError{fmt.Errorf("%w: %w (plain http is allowed to loopback addresses only): %s", ErrInvalidConfig, ErrInsecureURL, u.Redacted())}
}

// redactURL strips anything after a scheme's userinfo for error messages about unparsable URLs.
func redactURL(raw string) string {
	if i := strings.Index(raw, "@"); i >= 0 {
		return "…" + raw[i+1:]
	}
	return raw
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sameOrigin reports whether u is on the API's own scheme, host and port (so it may get our
// credentials).
func (t *transport) sameOrigin(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, t.base.Scheme) && strings.EqualFold(u.Host, t.base.Host)
}

// endpoint joins the base URL and a path (already escaped) plus an optional query.
func (t *transport) endpoint(path string, q url.Values) string {
	u := *t.base
	u.Path = t.base.Path + path
	u.RawPath = ""
	u.RawQuery = ""
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// redact replaces every secret in s: the configured ones and extra (the credentials one request
// actually sent, such as a freshly minted token).
func (t *transport) redact(s string, extra ...string) string {
	for _, set := range [][]string{t.secrets, extra} {
		for _, sec := range set {
			if sec != "" {
				s = strings.ReplaceAll(s, sec, "[redacted]")
			}
		}
	}
	return s
}

// sentCredentials lists the credential header values a request's header func set (Authorization,
// Kore.ai's auth token), and for "Bearer x" also x, so that an answer echoing any of them can be
// redacted.
func sentCredentials(h http.Header) []string {
	var out []string
	for _, name := range []string{"Authorization", "Auth"} {
		for _, v := range h.Values(name) {
			if len(v) < 4 {
				continue // too short to be a credential; redacting it would mangle messages
			}
			out = append(out, v)
			if _, tok, ok := strings.Cut(v, " "); ok && len(tok) >= 4 {
				out = append(out, tok)
			}
		}
	}
	// Longest first, so a value is redacted whole before a part of it is.
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// request describes one API operation for do.
type request struct {
	op     string
	method string
	url    string
	// body opens the request body afresh for each attempt (a retried POST must never go out
	// empty). It returns the body, its length (-1 if unknown) and its content type.
	body func() (io.ReadCloser, int64, string, error)
	// header sets per-attempt headers (credentials).
	header func(http.Header) error
	// ok reports whether a status is a successful answer (default: 2xx).
	ok func(status int) bool
	// maxBody caps a successful answer's size (default 4 MiB).
	maxBody int64
	// spool, when set, streams a successful answer into a spool (memory, then a temporary file
	// in spoolDir) instead of a byte slice; the caller closes answer.spool.
	spool    bool
	spoolDir string
	// download sends the request with the download client (address checks, bounded redirects).
	download bool
	// idempotent requests are never ambiguous: sending them twice is harmless.
	idempotent bool
	// reconcile, when set, is called before re-sending after an ambiguous attempt and once more
	// before giving up: it reports found=true when it established that the earlier attempt took
	// effect (do then returns errReconciled).
	reconcile func(ctx context.Context) (found bool, err error)
}

// answer is a successful response.
type answer struct {
	status int
	header http.Header
	body   []byte
	// spool holds the body instead of body when the request asked for it.
	spool *spool
	// creds are the credentials the request carried (see sentCredentials).
	creds []string
}

// doInfo says how an operation went.
type doInfo struct {
	attempts int
	// inDoubt: the last attempt was sent, got no usable answer, and reconciliation did not settle it.
	inDoubt bool
	// reconciled: reconciliation found the earlier attempt had taken effect.
	reconciled bool
	// resent counts re-sends after ambiguous attempts.
	resent int
}

// errReconciled is returned by do when reconcile found the outcome of an ambiguous attempt.
var errReconciled = errors.New("upload: reconciled")

// do runs r with retries. On success it returns the answer. A non-2xx answer that is not retried
// comes back as *APIError.
func (t *transport) do(ctx context.Context, r *request) (*answer, doInfo, error) {
	var info doInfo
	pol := t.retry
	ambiguous := false
	var lastErr error
	log := t.log.With("op", r.op)
	// opErrorf names the operation once: the attempts' errors lose their own prefix.
	prefix := fmt.Sprintf("upload: %s %s: ", t.target, r.op)
	opErrorf := func(format string, args ...any) error { return newOpError(prefix, format, args...) }

	// settle runs reconciliation after an ambiguous attempt; it returns a non-nil error to stop.
	settle := func() error {
		found, err := r.reconcile(ctx)
		if err != nil {
			info.inDoubt = true
			return opErrorf("%v: %s %s: the request was sent but no answer came back, and looking for its batch failed: %v (first error: %v)",
				ErrInDoubt, t.target, r.op, err, lastErr)
		}
		if found {
			info.reconciled = true
			t.stats.reconciled.Add(1)
			log.Info("ambiguous attempt had landed; not sending again", "attempt", info.attempts)
			return errReconciled
		}
		return nil
	}

	for attempt := 1; ; attempt++ {
		if attempt > 1 && ambiguous {
			if r.reconcile != nil {
				if err := settle(); err != nil {
					return nil, info, err
				}
			}
			info.resent++
			t.stats.resent.Add(1)
			log.Info("sending again after an ambiguous attempt", "attempt", attempt)
		}
		info.attempts = attempt
		if t.limiter != nil {
			if err := t.limiter.Wait(ctx); err != nil {
				return nil, info, fmt.Errorf("upload: %s %s: %w", t.target, r.op, ctxErr(ctx, err))
			}
		}
		ans, sent, err := t.once(ctx, r)
		if err == nil && r.isOK(ans.status) {
			return ans, info, nil
		}
		status := 0
		var apiErr *APIError
		if err == nil {
			status = ans.status
			apiErr = t.apiError(r.op, ans)
			lastErr = apiErr
		} else {
			lastErr = err
		}
		if ctx.Err() != nil {
			// The caller gave up (Ctrl-C). A request already on the wire may still take effect.
			info.inDoubt = sent && !r.idempotent && (err != nil || status >= 500)
			if info.inDoubt {
				t.stats.ambiguous.Add(1)
				return nil, info, fmt.Errorf("%w: %s %s: interrupted after the request was sent: %w", ErrInDoubt, t.target, r.op, context.Cause(ctx))
			}
			return nil, info, fmt.Errorf("upload: %s %s: %w", t.target, r.op, context.Cause(ctx))
		}
		if permanent(err) {
			// A hostile or broken answer: trying again would only repeat it.
			info.inDoubt = sent && !r.idempotent
			if info.inDoubt {
				t.stats.ambiguous.Add(1)
				return nil, info, opErrorf("%v: %s %s: %v", ErrInDoubt, t.target, r.op, err)
			}
			return nil, info, err
		}
		if !pol.CheckRetry(status, err) {
			return nil, info, lastErr
		}
		t.stats.faults.Add(1)
		ambiguous = sent && !r.idempotent && (err != nil || status >= 500)
		if ambiguous {
			t.stats.ambiguous.Add(1)
		}
		giveUp := func(reason error) (*answer, doInfo, error) {
			if ambiguous && r.reconcile != nil {
				if err := settle(); err != nil {
					return nil, info, err
				}
			} else if ambiguous {
				info.inDoubt = true
				return nil, info, opErrorf("%v: %s %s: %v", ErrInDoubt, t.target, r.op, reason)
			}
			return nil, info, reason
		}
		if attempt >= pol.MaxAttempts {
			return giveUp(opErrorf("upload: %s %s: gave up after %d attempts: %v", t.target, r.op, attempt, lastErr))
		}
		delay := pol.Backoff(attempt, pol.BaseDelay, pol.MaxDelay)
		if apiErr != nil && apiErr.RetryAfter > 0 {
			if apiErr.RetryAfter > pol.MaxRetryAfter {
				return giveUp(&retryAfterError{api: apiErr, max: pol.MaxRetryAfter})
			}
			delay = apiErr.RetryAfter
		}
		if !pol.Budget.Take() {
			return giveUp(opErrorf("%v after %d attempts of %s %s: %v", ErrRetryBudgetExhausted, attempt, t.target, r.op, lastErr))
		}
		t.stats.retries.Add(1)
		log.Warn("request failed; retrying", "attempt", attempt, "status", status,
			"error", t.redact(lastErr.Error()), "delay", delay)
		if err := sleep(ctx, delay); err != nil {
			info.inDoubt = ambiguous
			if ambiguous {
				return nil, info, fmt.Errorf("%w: %s %s: interrupted before the outcome of a sent request was known: %w", ErrInDoubt, t.target, r.op, context.Cause(ctx))
			}
			return nil, info, fmt.Errorf("upload: %s %s: %w", t.target, r.op, context.Cause(ctx))
		}
	}
}

// opError is an error of one operation whose message names the target and operation once.
type opError struct {
	msg  string
	errs []error
}

func (e *opError) Error() string   { return e.msg }
func (e *opError) Unwrap() []error { return e.errs }

// newOpError formats like fmt.Errorf and wraps every error among args, but prints each without
// prefix, the "upload: target op: " that the errors of the operation's attempts start with: the
// message says it once, where format puts it.
func newOpError(prefix, format string, args ...any) error {
	e := &opError{}
	for i, a := range args {
		if err, ok := a.(error); ok {
			e.errs = append(e.errs, err)
			args[i] = strings.TrimPrefix(err.Error(), prefix)
		}
	}
	e.msg = fmt.Sprintf(format, args...)
	return e
}

// permanent reports whether err is one that retrying cannot cure.
func permanent(err error) bool {
	return err != nil && (errors.Is(err, ErrAnswerTooLarge) || errors.Is(err, ErrForbiddenAddress) || errors.Is(err, ErrInsecureURL))
}

func (r *request) isOK(status int) bool {
	if r.ok != nil {
		return r.ok(status)
	}
	return status >= 200 && status < 300
}

// ctxErr prefers the context's cause over the error an operation returned because of it.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}

// once makes one attempt. sent reports whether the request was completely written (so the server
// may have acted on it). A response whose body could not be read is reported as an error with
// sent=true.
func (t *transport) once(ctx context.Context, r *request) (*answer, bool, error) {
	// The body is opened before the clock starts; a big upload on a slow link must not time out,
	// so the timeout grows by a second per 256 KiB of body.
	var (
		reqBody io.ReadCloser
		n       int64
		ctype   string
	)
	timeout := t.timeout
	if r.body != nil {
		var err error
		if reqBody, n, ctype, err = r.body(); err != nil {
			return nil, false, fmt.Errorf("upload: %s %s: open body: %w", t.target, r.op, err)
		}
		timeout += time.Duration(n/(256<<10)) * time.Second
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var wrote atomic.Bool
	actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				wrote.Store(true)
			}
		},
	})
	req, err := http.NewRequestWithContext(actx, r.method, r.url, nil)
	if err != nil {
		if reqBody != nil {
			reqBody.Close()
		}
		return nil, false, fmt.Errorf("upload: %s %s: %w", t.target, r.op, err)
	}
	if reqBody != nil {
		req.Body = reqBody
		req.ContentLength = n
		req.GetBody = func() (io.ReadCloser, error) {
			b, _, _, err := r.body()
			return b, err
		}
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "contactpipe")
	var creds []string
	if r.header != nil {
		h := http.Header{}
		if err := r.header(h); err != nil {
			return nil, false, err
		}
		creds = sentCredentials(h)
		for k, vs := range h {
			req.Header[k] = vs
		}
	}
	t.stats.requests.Add(1)
	hc := t.hc
	if r.download {
		hc = t.files
	}
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if r.download && errors.As(err, &ue) {
			// A signed storage URL's query is a credential for the file.
			ue.URL = withoutQuery(ue.URL)
		}
		return nil, wrote.Load(), fmt.Errorf("upload: %s %s: %w", t.target, r.op, err)
	}
	defer resp.Body.Close()
	limit := r.maxBody
	if limit <= 0 {
		limit = defaultMaxBody
	}
	ok := r.isOK(resp.StatusCode)
	if !ok {
		limit = maxErrorBody
	}
	if ok && r.spool {
		sp := &spool{dir: r.spoolDir}
		if err := sp.fill(resp.Body, limit); err != nil {
			sp.Close()
			return nil, true, fmt.Errorf("upload: %s %s: reading the answer (status %d): %w", t.target, r.op, resp.StatusCode, err)
		}
		return &answer{status: resp.StatusCode, header: resp.Header, spool: sp, creds: creds}, true, nil
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, true, fmt.Errorf("upload: %s %s: reading the answer (status %d): %w", t.target, r.op, resp.StatusCode, err)
	}
	if int64(len(body)) > limit {
		if ok {
			return nil, true, fmt.Errorf("upload: %s %s: %w (%d bytes)", t.target, r.op, ErrAnswerTooLarge, limit)
		}
		body = body[:limit]
	}
	return &answer{status: resp.StatusCode, header: resp.Header, body: body, creds: creds}, true, nil
}

// apiError decodes a non-2xx answer.
func (t *transport) apiError(op string, a *answer) *APIError {
	e := &APIError{Target: t.target, Op: op, Status: a.status}
	if d, ok := ParseRetryAfter(a.header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
		if d == 0 {
			e.RetryAfter = time.Millisecond
		}
	}
	var body struct {
		Code      json.Number `json:"code"`
		Message   string      `json:"message"`
		ErrorID   string      `json:"errorId"`
		Timestamp string      `json:"timestamp"`
		// Kore.ai's platform errors: {"errors":[{"msg":"…","code":…}]}.
		Errors []struct {
			Msg  string      `json:"msg"`
			Code json.Number `json:"code"`
		} `json:"errors"`
	}
	if len(a.body) > 0 && json.Unmarshal(a.body, &body) == nil {
		code := body.Code
		e.Message = body.Message
		if len(body.Errors) > 0 {
			if e.Message == "" {
				e.Message = body.Errors[0].Msg
			}
			if code == "" {
				code = body.Errors[0].Code
			}
		}
		if n, err := code.Int64(); err == nil {
			e.Code = int(n)
		}
		e.ErrorID = t.redact(body.ErrorID, a.creds...)
		if ts, err := time.Parse(time.RFC3339Nano, body.Timestamp); err == nil {
			e.Timestamp = ts
		}
	} else if len(a.body) > 0 {
		// Redact the whole body before cutting it: a secret straddling the cut would otherwise
		// survive in part.
		e.Message = excerpt([]byte(t.redact(string(a.body), a.creds...)), 200)
	}
	e.Message = t.redact(e.Message, a.creds...)
	return e
}

// excerpt returns up to n bytes of b as one printable line.
func excerpt(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
	}
	s := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, string(b))
	return strings.TrimSpace(s)
}
