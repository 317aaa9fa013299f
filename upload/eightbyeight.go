package upload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// EightByEight uploads each chunk to the 8x8 Contacts API as a createContacts batch and, unless
// NoWait, follows the batch to its end.
//
// Per chunk: POST /api/v1/accounts/{accountId}/contacts/batches/createContacts with the multipart
// fields groups, fileHasHeader=true and file (named by FileName: source prefix, run id, chunk
// index). The 202's batch is then polled (GET …/batches/{id}, PollPolicy backoff) until completed,
// failed, stopped or timeout. A completed batch's optional counts are reported in Result.Counts;
// its invalid-rows file, when there is one, is downloaded (see invalidRows for the address,
// redirect and size rules; our Authorization header only on the API's own origin) and its records
// are matched back to chunk lines (see matchInvalidRows: by full row, then by address) into
// Result.ServerRejected. Landed is the chunk's rows minus the refused ones. When that file cannot
// be read and the batch gave no counts, or the file exceeds its cap, the chunk is InDoubt
// (ErrInDoubt): which rows landed is unknown. A batch whose status answers carry no status three
// times in a row, or that is still running after Poll.Timeout, is InDoubt too.
//
// Failures: 401/403 give an error matching ErrUnauthorized (fatal for the import); 400 fails the
// chunk with the API's message; 413 or the API's file-size error splits the chunk in two and
// uploads the halves (file names get -a/-b); 429, 5xx and connection errors are retried per
// Client.Retry. When a POST was sent but no answer came back (connection cut, timeout, 5xx) the
// batch list is searched for the chunk's file name before the file is sent again, so a lost 202
// does not create a second batch; if that search fails too, the chunk is reported InDoubt with
// ErrInDoubt.
//
// The chunk file is removed after upload, or moved to KeepDir as chunk-0001.csv.
type EightByEight struct {
	// Client holds the connection settings (BaseURL or Region, APIKey, AccountID, HTTPClient,
	// Logger, Retry, Timeout, Limiter, Stats).
	Client
	// Groups are group ids (at most 10, positive) the contacts are added to, for chunks whose own
	// Chunk.Groups is empty.
	Groups []int
	// NoWait only submits the batches: Result.Status is the status at submission, Landed is 0.
	NoWait bool
	// Poll is how batches are followed.
	Poll PollPolicy
	// FilePrefix starts every uploaded file name (typically the source file's name).
	FilePrefix string
	// RunID goes into file names to make them unique. Empty: the run id from the context
	// (WithRunID, set by Journaled), else a random one per uploader.
	RunID string
	// KeepDir, when set, is where chunk files are moved after upload (as chunk-0001.csv, …);
	// otherwise they are removed.
	KeepDir string

	once sync.Once
	err  error
	run  string
}

// groupsField checks group ids and joins them for the groups field.
func groupsField(groups []int) (string, error) {
	if len(groups) > MaxGroups {
		return "", configError("%d groups given, the API allows at most %d", len(groups), MaxGroups)
	}
	ids := make([]string, 0, len(groups))
	for _, g := range groups {
		if g <= 0 {
			return "", configError("group id %d is not a positive integer", g)
		}
		ids = append(ids, strconv.Itoa(g))
	}
	return strings.Join(ids, ","), nil
}

// fields returns the multipart fields for chunk c: its own groups when it has some, else Groups.
func (u *EightByEight) fields(c Chunk) ([][2]string, error) {
	groups := u.Groups
	if len(c.Groups) > 0 {
		groups = c.Groups
	}
	g, err := groupsField(groups)
	if err != nil {
		return nil, err
	}
	var f [][2]string
	if g != "" {
		f = append(f, [2]string{"groups", g})
	}
	return append(f, [2]string{"fileHasHeader", "true"}), nil
}

// Validate checks the configuration without making a request.
func (u *EightByEight) Validate() error {
	u.once.Do(func() {
		if u.err = u.Client.Validate(); u.err != nil {
			return
		}
		if _, err := groupsField(u.Groups); err != nil {
			u.err = err
			return
		}
		u.run = NewRunID()
	})
	return u.err
}

// FileName is the name chunk c is uploaded under.
func (u *EightByEight) FileName(ctx context.Context, c Chunk) string {
	_ = u.Validate()
	return chunkUploadName(ctx, u.FilePrefix, u.RunID, u.run, c)
}

func (u *EightByEight) dispose(c Chunk) { disposeChunk(c, u.KeepDir) }

// Upload submits chunk c as a batch and, unless NoWait, follows it to its end.
func (u *EightByEight) Upload(ctx context.Context, c Chunk) (Result, error) {
	name := u.FileName(ctx, c)
	if err := u.Validate(); err != nil {
		return Result{Target: "8x8", File: name, Status: "error"}, err
	}
	fields, err := u.fields(c)
	if err != nil {
		return Result{Target: "8x8", File: name, Status: "error"}, err
	}
	defer u.dispose(c)
	log := u.t.log.With("chunk", c.Index)
	up := func(ctx context.Context, path, name string, rows int) (Result, error) {
		return u.uploadPart(ctx, fields, path, name, rows)
	}
	res, err := uploadSplitting(ctx, c.Path, name, c.Rows, u.t.retry.Budget, u.t.stats, log, up)
	res.Target, res.File = "8x8", name
	if err != nil && res.Status == "" {
		res.Status = "error"
	}
	return res, err
}

// uploadPart uploads one file (a chunk or half of one) as one batch.
func (u *EightByEight) uploadPart(ctx context.Context, fields [][2]string, path, name string, rows int) (Result, error) {
	res := Result{Target: "8x8", File: name}
	open, err := multipartFile(fields, "file", name, path)
	if err != nil {
		return res, fmt.Errorf("upload: 8x8 create batch: %w", err)
	}
	var found Batch
	lookup := func(ctx context.Context) (bool, error) {
		b, ok, err := u.FindBatchByFileName(ctx, name)
		if ok {
			found = b
		}
		return ok, err
	}
	ans, info, err := u.t.do(ctx, &request{
		op:        "create batch",
		method:    http.MethodPost,
		url:       u.t.endpoint(u.accountPath("/contacts/batches/createContacts"), nil),
		body:      open,
		header:    u.auth,
		reconcile: lookup,
	})
	res.Attempts, res.Resent, res.Reconciled = info.attempts, info.resent, info.reconciled
	var batch Batch
	switch {
	case errors.Is(err, errReconciled):
		batch = found
	case err != nil:
		res.InDoubt = info.inDoubt
		if res.InDoubt {
			res.Status = "in-doubt"
		}
		return res, err
	default:
		if jerr := json.Unmarshal(ans.body, &batch); jerr != nil || batch.ID == "" {
			// Accepted, but we cannot tell which batch: look for it by name.
			ok, lerr := lookup(ctx)
			if lerr != nil || !ok {
				res.InDoubt, res.Status = true, "in-doubt"
				return res, fmt.Errorf("%w: 8x8 accepted %s but its answer named no batch", ErrInDoubt, name)
			}
			batch = found
		}
	}
	res.BatchID, res.BatchIDs, res.Status = batch.ID, []string{batch.ID}, string(batch.Status)
	batchHook(ctx)(name, batch.ID)
	u.t.log.Debug("batch created", "file", name, "batch", batch.ID, "status", batch.Status)
	if u.NoWait {
		return res, nil
	}
	return u.followAndFinish(ctx, res, batch, path, rows)
}

// followAndFinish follows batch b to its end and turns it into the part's Result. The batch
// timeout (Poll.Timeout) bounds following the batch and reading its invalid-rows file together:
// a file host that never answers must not hold the chunk for MaxAttempts request timeouts.
func (u *EightByEight) followAndFinish(ctx context.Context, res Result, b Batch, path string, rows int) (Result, error) {
	pol := u.Poll.withDefaults()
	bctx, cancel := context.WithTimeoutCause(ctx, pol.Timeout,
		fmt.Errorf("the batch timeout (%s) ran out before its invalid-rows file was read: %w", pol.Timeout, context.DeadlineExceeded))
	defer cancel()
	final, err := u.follow(ctx, b, pol)
	res.Status = string(final.Status)
	if err != nil {
		res.InDoubt = true
		return res, err
	}
	return u.finish(bctx, res, final, path, rows)
}

// missingStatusPolls is how many answers in a row without a status a batch may give before its
// outcome is declared in doubt.
const missingStatusPolls = 3

// follow polls batch b until it reaches a terminal status.
func (u *EightByEight) follow(ctx context.Context, b Batch, pol PollPolicy) (Batch, error) {
	deadline := time.Now().Add(pol.Timeout)
	wait := pol.Initial
	missing := 0
	for !b.Status.Terminal() {
		if !time.Now().Before(deadline) {
			return b, fmt.Errorf("%w: %w: batch %s still %s after %s", ErrInDoubt, ErrPollTimeout, b.ID, b.Status, pol.Timeout)
		}
		// wait/2 plus up to wait/2 of jitter, so concurrent chunks do not poll in step
		d := wait/2 + rand.N(wait/2+1)
		if err := sleep(ctx, d); err != nil {
			return b, fmt.Errorf("%w: batch %s accepted, interrupted while following it: %w", ErrInDoubt, b.ID, context.Cause(ctx))
		}
		wait = min(wait*2, pol.Max)
		u.t.stats.polls.Add(1)
		nb, err := u.BatchStatus(ctx, b.ID)
		if err != nil {
			return b, fmt.Errorf("%w: batch %s accepted but its outcome is unknown: %w", ErrInDoubt, b.ID, err)
		}
		if nb.ID == "" {
			nb.ID = b.ID
		}
		b = nb
		if b.Status != "" {
			missing = 0
		} else if missing++; missing >= missingStatusPolls {
			return b, fmt.Errorf("%w: batch %s: %d status answers in a row carried no status", ErrInDoubt, b.ID, missing)
		}
	}
	return b, nil
}

// finish turns a terminal batch into the part's Result.
func (u *EightByEight) finish(ctx context.Context, res Result, b Batch, path string, rows int) (Result, error) {
	res.Status = string(b.Status)
	res.Counts = b.Counts()
	if b.Status != BatchCompleted {
		res.Landed = 0
		return res, &BatchError{ID: b.ID, Status: b.Status}
	}
	errorRows := -1
	if b.ErrorRows != nil {
		errorRows = *b.ErrorRows
	}
	if b.InvalidFileLocation != "" && errorRows != 0 {
		rej, unmatched, err := u.invalidRows(ctx, b.InvalidFileLocation, path, rows)
		switch {
		case err == nil:
			res.ServerRejected, res.Unmatched = rej, unmatched
		case errorRows > 0 && !errors.Is(err, ErrAnswerTooLarge):
			u.t.log.Warn("could not read the batch's invalid-rows file; refused rows are counted but not located",
				"batch", b.ID, "error", u.t.redact(err.Error()))
			res.Unmatched = errorRows
		default:
			// Without the file, and without counts, which rows the batch refused is unknown: the
			// chunk did not demonstrably land.
			res.InDoubt = true
			res.Landed = max(rows-max(errorRows, 0), 0)
			if errorRows < 0 {
				res.Landed = 0
			}
			return res, fmt.Errorf("%w: batch %s completed, but which rows it refused is unknown: its invalid-rows file could not be read: %w",
				ErrInDoubt, b.ID, err)
		}
	} else if errorRows > 0 {
		res.Unmatched = errorRows
	}
	res.Landed = max(rows-len(res.ServerRejected)-res.Unmatched, 0)
	return res, nil
}

// invalidRows downloads a batch's invalid-rows file and matches it to the chunk's lines. The file
// is fetched over HTTPS (or from the API's own loopback origin), from public addresses only unless
// the API is on a non-public one, following at most 3 redirects; our credentials go only to the
// API's own origin and never on a redirect. It is streamed to a spool capped by answerCap.
func (u *EightByEight) invalidRows(ctx context.Context, loc, path string, rows int) ([]ServerRejection, int, error) {
	target, err := url.Parse(strings.TrimSpace(loc))
	if err != nil || target.Host == "" {
		return nil, 0, fmt.Errorf("%w: invalid file url", ErrForbiddenAddress)
	}
	if err := u.t.checkFileURL(target); err != nil {
		return nil, 0, err
	}
	var size int64
	if st, err := os.Stat(path); err == nil {
		size = st.Size()
	}
	var header func(http.Header) error
	if u.t.sameOrigin(target) {
		header = u.auth
	}
	ans, _, err := u.t.do(ctx, &request{
		op:         "download invalid rows",
		method:     http.MethodGet,
		url:        target.String(),
		header:     header,
		maxBody:    answerCap(u.MaxAnswerBytes, size, rows, 1<<10),
		spool:      true,
		spoolDir:   filepath.Dir(path),
		download:   true,
		idempotent: true,
	})
	if err != nil {
		return nil, 0, err
	}
	defer ans.spool.Close()
	r, err := ans.spool.Reader()
	if err != nil {
		return nil, 0, err
	}
	return matchInvalidRows(path, r)
}

// Confirm checks a journal's claim that chunk c landed as the batches batchIDs (uploaded as files,
// in the same order): one status request per batch. It holds when every batch exists, is of the
// named file, and completed (or, with NoWait, did not end in failure). A batch the API does not
// know (404) or of another file, or none recorded at all, gives ok=false: the chunk must be sent
// again.
func (u *EightByEight) Confirm(ctx context.Context, c Chunk, files, batchIDs []string) (bool, error) {
	if err := u.Validate(); err != nil {
		return false, err
	}
	if len(batchIDs) == 0 || len(files) != len(batchIDs) {
		return false, nil
	}
	for i, id := range batchIDs {
		b, err := u.BatchStatus(ctx, id)
		var api *APIError
		switch {
		case errors.As(err, &api) && api.Status == http.StatusNotFound:
			return false, nil
		case err != nil:
			return false, err
		}
		name := files[i]
		if name == "" || !(b.FileName == name || strings.HasSuffix(b.FileName, "_"+name) || strings.HasSuffix(b.FileName, "/"+name)) {
			return false, nil
		}
		if b.ID != "" && b.ID != id {
			return false, nil
		}
		switch {
		case b.Status == BatchCompleted:
		case u.NoWait && !b.Status.Terminal() && b.Status != "":
		default:
			return false, nil
		}
	}
	return true, nil
}

// Reconcile looks for an earlier upload of chunk c (by a recorded batch id, else by file name in
// the batch list) and, when it finds one, follows it as Upload would. found=false means no such
// batch exists: the chunk has not landed and must be uploaded. Journaled calls it for chunks a
// previous run left in doubt. A chunk that an earlier run had split is not found (its halves have
// other names) and is uploaded again.
func (u *EightByEight) Reconcile(ctx context.Context, c Chunk, file string, batchIDs []string) (Result, bool, error) {
	name := u.FileName(ctx, c)
	res := Result{Target: "8x8", File: name}
	if err := u.Validate(); err != nil {
		return res, false, err
	}
	var b Batch
	var err error
	found := false
	if len(batchIDs) == 1 && file == name {
		b, err = u.BatchStatus(ctx, batchIDs[0])
		var api *APIError
		switch {
		case errors.As(err, &api) && api.Status == http.StatusNotFound:
			err = nil
		case err == nil:
			found = true
		}
	}
	if err == nil && !found {
		b, found, err = u.FindBatchByFileName(ctx, name)
	}
	if err != nil {
		res.InDoubt, res.Status = true, "in-doubt"
		return res, false, fmt.Errorf("%w: %s: %w", ErrInDoubt, name, err)
	}
	if !found {
		return Result{}, false, nil
	}
	u.t.stats.reconciled.Add(1)
	u.t.log.Info("chunk from an earlier attempt found at the target", "chunk", c.Index, "batch", b.ID)
	res.BatchID, res.BatchIDs, res.Status, res.Reconciled = b.ID, []string{b.ID}, string(b.Status), true
	if u.NoWait {
		return res, true, nil
	}
	res, err = u.followAndFinish(ctx, res, b, c.Path, c.Rows)
	return res, true, err
}
