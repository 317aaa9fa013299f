package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/time/rate"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/upload"
)

// Environment variables that carry secrets: they are never taken from flags, so they do not end up
// in shell history or process listings.
const (
	envAPIKey           = "CONTACTPIPE_8X8_API_KEY"
	envKoreJWT          = "CONTACTPIPE_KOREAI_JWT"
	envKoreClientID     = "CONTACTPIPE_KOREAI_CLIENT_ID"
	envKoreClientSecret = "CONTACTPIPE_KOREAI_CLIENT_SECRET"
)

// targetFlags are the flags that choose and reach an API target (-target 8x8 or koreai), shared
// by "import" and, for 8x8, by the client subcommands.
type targetFlags struct {
	region        string
	baseURL       string
	accountID     string
	apiKeyFile    string
	wait          bool
	noWait        bool
	koreURL       string
	streamID      string
	koreAccountID string
	fresh         bool
	rate          float64
	batchTimeout  time.Duration
}

// register8x8 adds the flags that reach the 8x8 API.
func (t *targetFlags) register8x8(fs *pflag.FlagSet) {
	fs.StringVar(&t.region, "region", "apac", "8x8 `region`: apac, us, uk or id")
	fs.StringVar(&t.baseURL, "base-url", "", "8x8 API base `url` (overrides --region; http only to loopback, e.g. the simulator)")
	fs.StringVar(&t.accountID, "account-id", "", "8x8 account `id` (checked against the API's pattern)")
	fs.StringVar(&t.apiKeyFile, "api-key-file", "", "read the 8x8 API key from this `file` (default: $"+envAPIKey+")")
	fs.Float64Var(&t.rate, "rate", 0, "at most this many API `requests` per second (0: no limit)")
}

// register adds every target flag to the import flag set.
func (t *targetFlags) register(fs *pflag.FlagSet) {
	t.register8x8(fs)
	fs.BoolVar(&t.wait, "wait", true, "8x8: follow each batch until it ends")
	fs.BoolVar(&t.noWait, "no-wait", false, "8x8: only submit the batches (same as --wait=false)")
	fs.DurationVar(&t.batchTimeout, "batch-timeout", upload.DefaultPollTimeout, "8x8: follow a batch, and read its invalid-rows file, for at most this `duration`; then its rows are in doubt (rerun to reconcile)")
	fs.StringVar(&t.koreURL, "koreai-url", "", "Kore.ai environment `url`, e.g. https://bots.kore.ai")
	fs.StringVar(&t.streamID, "stream-id", "", "Kore.ai bot (stream) `id`")
	fs.StringVar(&t.koreAccountID, "koreai-account-id", "", "Kore.ai account `id` (the accountId header)")
	fs.BoolVar(&t.fresh, "fresh", false, "discard the upload journal in --out and start over instead of resuming")
}

// envPollInterval sets the first wait before an 8x8 batch is polled (a Go duration, e.g. 10ms;
// default 1s). It exists for tests against the local simulator, whose batches finish in
// milliseconds; against the real API the default is right.
const envPollInterval = "CONTACTPIPE_POLL_INTERVAL"

// pollInterval is the first wait before a batch is polled: $CONTACTPIPE_POLL_INTERVAL when it is a
// positive duration, else upload.DefaultPollInitial.
func pollInterval() time.Duration {
	if d, err := time.ParseDuration(os.Getenv(envPollInterval)); err == nil && d > 0 {
		return d
	}
	return upload.DefaultPollInitial
}

// checkTarget validates -target.
func checkTarget(name string) error {
	switch name {
	case "dir", "8x8", "koreai":
		return nil
	}
	return fmt.Errorf("-target %q: want dir, 8x8 or koreai", name)
}

// apiKey reads the 8x8 key from -api-key-file or the environment.
func (t *targetFlags) apiKey() (string, error) {
	if t.apiKeyFile != "" {
		b, err := os.ReadFile(t.apiKeyFile)
		if err != nil {
			return "", usageError{fmt.Errorf("-api-key-file: %w", err)}
		}
		k := strings.TrimSpace(string(b))
		if k == "" {
			return "", usageError{errors.New("-api-key-file: the file is empty")}
		}
		return k, nil
	}
	if k := strings.TrimSpace(os.Getenv(envAPIKey)); k != "" {
		return k, nil
	}
	return "", usageError{fmt.Errorf("the 8x8 API key is missing: set %s or use -api-key-file", envAPIKey)}
}

func (t *targetFlags) limiter() *rate.Limiter {
	if t.rate <= 0 {
		return nil
	}
	return rate.NewLimiter(rate.Limit(t.rate), max(1, int(t.rate)))
}

// fillClient sets c's connection settings from the flags (c must not be in use yet).
func (t *targetFlags) fillClient(c *upload.Client, log *slog.Logger, stats *upload.Stats) error {
	if t.accountID == "" {
		return usageError{errors.New("-account-id is required for 8x8")}
	}
	if !upload.ValidAccountID(t.accountID) {
		return usageError{errors.New("-account-id does not match the 8x8 API's pattern (32 to 36 hex digits and dashes)")}
	}
	if t.rate < 0 {
		return usageError{errors.New("-rate must not be negative")}
	}
	if t.batchTimeout < 0 {
		return usageError{errors.New("-batch-timeout must not be negative")}
	}
	key, err := t.apiKey()
	if err != nil {
		return err
	}
	region := t.region
	if t.baseURL != "" {
		region = ""
	} else if _, ok := upload.Regions()[region]; !ok {
		return usageError{fmt.Errorf("-region %q: want apac, us, uk or id", t.region)}
	}
	c.BaseURL, c.Region, c.APIKey, c.AccountID = t.baseURL, region, key, t.accountID
	c.Logger, c.Limiter, c.Stats = log, t.limiter(), stats
	if err := c.Validate(); err != nil {
		return usageError{err}
	}
	return nil
}

// runKey identifies an import for the journal: the source's name and content hash and every
// setting that shapes the chunks or where they go. A rerun with the same key resumes.
func runKey(f *importFlags, cfg contactpipe.Config, src io.Reader, size int64) (string, error) {
	content := "stdin"
	if file, ok := src.(*os.File); ok && file != os.Stdin && size >= 0 {
		h := sha256.New()
		// ReadAt: the file offset the import reads from is left alone.
		if _, err := io.Copy(h, io.NewSectionReader(file, 0, size)); err != nil {
			return "", err
		}
		content = hex.EncodeToString(h.Sum(nil))
	}
	b, err := json.Marshal(map[string]any{
		"source": cfg.Source, "content": content, "format": cfg.Format, "noHeader": cfg.NoHeader,
		"columns": cfg.Columns, "delimiter": cfg.Delimiter, "encoding": cfg.Encoding, "sheet": cfg.Sheet,
		"country": cfg.DefaultCountry, "noDedupe": cfg.NoDedupe, "maxChunkBytes": cfg.MaxChunkBytes,
		"maxChunkRows": cfg.MaxChunkRows, "groups": cfg.Groups, "target": f.target,
		"baseURL": f.api.baseURL, "region": f.api.region, "account": f.api.accountID,
		"koreURL": f.api.koreURL, "stream": f.api.streamID, "koreAccount": f.api.koreAccountID,
		"dedupeJob": f.dedupeJobName(cfg.Source),
	})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// uploader builds the uploader for -target, checking everything that can refuse the run (the
// connection flags, secrets, the journal in the out directory) without changing anything. The
// chunks it delivers land in the out directory (recorded in its manifest); for the API targets the
// upload journal there is opened at the first chunk, to resume an interrupted run of the same
// import. stats collects the request figures.
func (f *importFlags) uploader(cfg contactpipe.Config, src io.Reader, size int64, stats *upload.Stats, out *outDir) (*outUploader, error) {
	log := cfg.Logger
	u := &outUploader{out: out}
	switch f.target {
	case "dir", "":
		u.inner = upload.Dir{Path: out.dir}
		return u, nil
	case "8x8":
		e := &upload.EightByEight{NoWait: f.api.noWait || !f.api.wait, FilePrefix: cfg.Source, KeepDir: out.dir,
			Poll: upload.PollPolicy{Initial: pollInterval(), Timeout: f.api.batchTimeout}}
		if err := f.api.fillClient(&e.Client, log, stats); err != nil {
			return nil, err
		}
		if err := e.Validate(); err != nil {
			return nil, usageError{err}
		}
		u.inner = e
	case "koreai":
		if f.api.koreURL == "" || f.api.streamID == "" || f.api.koreAccountID == "" {
			return nil, usageError{errors.New("-target koreai needs -koreai-url, -stream-id and -koreai-account-id")}
		}
		k := &upload.KoreAI{
			BaseURL: f.api.koreURL, StreamID: f.api.streamID, AccountID: f.api.koreAccountID,
			JWT: os.Getenv(envKoreJWT), ClientID: os.Getenv(envKoreClientID), ClientSecret: os.Getenv(envKoreClientSecret),
			Logger: log, Limiter: f.api.limiter(), Stats: stats, FilePrefix: cfg.Source, KeepDir: out.dir,
		}
		if k.JWT == "" && (k.ClientID == "" || k.ClientSecret == "") {
			return nil, usageError{fmt.Errorf("kore.ai credentials are missing: set %s, or %s and %s", envKoreJWT, envKoreClientID, envKoreClientSecret)}
		}
		if err := k.Validate(); err != nil {
			return nil, usageError{err}
		}
		u.inner = k
	default:
		return nil, usageError{checkTarget(f.target)}
	}
	key, err := runKey(f, cfg, src, size)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(out.dir, upload.JournalFileName)
	if !f.api.fresh {
		err := upload.CheckJournal(out.dir, key)
		if errors.As(err, new(*upload.JournalMismatchError)) {
			return nil, fmt.Errorf("%s holds the journal of another import (other file or settings): %s", path, journalHint(out.dir))
		}
		if err != nil {
			return nil, fmt.Errorf("%w (%s)", err, journalHint(out.dir))
		}
	}
	u.openJournal = func() (*upload.Journaled, error) {
		j, err := upload.WithJournal(u.inner, path, key)
		if err != nil {
			return nil, err
		}
		j.Stats, j.Logger = stats, log
		return j, nil
	}
	return u, nil
}

// outUploader delivers chunks through the target's uploader into the out directory: before the
// first chunk it prepares the directory (removing the previous import's files) and opens the
// journal; each chunk's file is recorded in the manifest before it lands there.
type outUploader struct {
	out         *outDir
	inner       upload.Uploader
	openJournal func() (*upload.Journaled, error) // nil for -target dir
	progress    *progress                         // nil: none shown

	once sync.Once
	err  error
	up   upload.Uploader
	j    *upload.Journaled
}

// uploader returns u as the pipeline's uploader: a Columner when the target's uploader is one.
func (u *outUploader) uploader() upload.Uploader {
	if c, ok := u.inner.(upload.Columner); ok {
		return struct {
			*outUploader
			upload.Columner
		}{u, c}
	}
	return u
}

func (u *outUploader) start() error {
	u.once.Do(func() {
		if u.err = u.out.prepare(); u.err != nil {
			return
		}
		u.up = u.inner
		if u.openJournal == nil {
			return
		}
		// Listed before it is created, so that a crash leaves no unlisted journal.
		if u.err = u.out.journal(); u.err != nil {
			return
		}
		if u.j, u.err = u.openJournal(); u.err != nil {
			return
		}
		u.up = u.j.Uploader()
	})
	return u.err
}

// Upload implements upload.Uploader.
func (u *outUploader) Upload(ctx context.Context, c upload.Chunk) (upload.Result, error) {
	if err := u.start(); err != nil {
		return upload.Result{}, err
	}
	sum := c.SHA256
	if sum == "" {
		var err error
		if sum, err = hashFile(c.Path); err != nil {
			return upload.Result{}, err
		}
	}
	if err := u.out.expect(upload.ChunkFileName(c.Index), sum); err != nil {
		return upload.Result{}, err
	}
	u.progress.chunkStarted()
	res, err := u.up.Upload(ctx, c)
	u.progress.chunkDone(res, err)
	return res, err
}

// Validate checks the target's uploader (called by the pipeline before the first row).
func (u *outUploader) Validate() error {
	if v, ok := u.inner.(interface{ Validate() error }); ok {
		return v.Validate()
	}
	return nil
}

// Close closes the journal, if one was opened.
func (u *outUploader) Close() error {
	if u.j != nil {
		return u.j.Close()
	}
	return nil
}

// landedLine completes the summary for an API target: how many accepted rows landed.
func landedLine(f *importFlags, rep contactpipe.Report, s upload.StatsSnapshot) string {
	what := "landed"
	if f.api.noWait || !f.api.wait {
		what = "submitted (not followed: -no-wait)"
	}
	inDoubt := 0
	for _, c := range rep.Chunks {
		if c.InDoubt {
			inDoubt++
		}
	}
	line := fmt.Sprintf("%s: %d of %d accepted rows %s; %s, %s", f.target, rep.Landed, rep.Accepted, what,
		plural(int(s.Requests), "request", "requests"), plural(int(s.Retries), "retry", "retries"))
	if s.Resumed > 0 {
		line += fmt.Sprintf(", %s already landed in an earlier run", plural(int(s.Resumed), "chunk", "chunks"))
	}
	if s.Reconciled > 0 || s.Resent > 0 {
		line += fmt.Sprintf(", %d reconciled, %d re-sent after a lost answer", s.Reconciled, s.Resent)
	}
	if inDoubt > 0 {
		them := "them"
		if inDoubt == 1 {
			them = "it"
		}
		line += fmt.Sprintf(", %s in doubt (rerun the same command to reconcile %s)", plural(inDoubt, "chunk", "chunks"), them)
	}
	return line
}

// notLanded reports whether an API import left accepted rows that did not land (exit status 1).
// With -no-wait nothing is known to have landed, so it is not held against the run.
func notLanded(f *importFlags, rep contactpipe.Report) bool {
	if f.target == "dir" || f.api.noWait || !f.api.wait {
		return false
	}
	return rep.Landed < rep.Accepted
}
