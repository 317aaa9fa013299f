package upload

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// JournalFileName is the journal's name in an output directory.
const JournalFileName = "journal.jsonl"

// JournalState is what a journal entry says about a chunk.
type JournalState string

// The journal states.
const (
	// JournalSubmitted: a request carrying the chunk is about to go out (or went out, when the
	// entry has a batch id). A run that stopped here left the chunk in doubt.
	JournalSubmitted JournalState = "submitted"
	// JournalAccepted: the target holds the chunk; Result says what became of its rows.
	JournalAccepted JournalState = "accepted"
	// JournalInDoubt: a request was sent, no answer came back and reconciliation could not tell.
	JournalInDoubt JournalState = "in-doubt"
	// JournalFailed: the chunk did not land (the target refused it, or we never got it there).
	JournalFailed JournalState = "failed"
)

// JournalEntry is one line of the journal.
type JournalEntry struct {
	// Chunk is the chunk's index.
	Chunk int `json:"chunk"`
	// SHA256 is the chunk file's content hash.
	SHA256 string `json:"sha256"`
	// File is the name the chunk (or part of it) was uploaded under.
	File string `json:"file,omitempty"`
	// State is the chunk's state.
	State JournalState `json:"state"`
	// BatchID is the target's batch id, once known.
	BatchID string `json:"batchId,omitempty"`
	// Result is the chunk's result (accepted entries).
	Result *Result `json:"result,omitempty"`
	// Error is why the chunk failed or is in doubt.
	Error string `json:"error,omitempty"`
	// Time is when the entry was written.
	Time time.Time `json:"time"`
}

type journalHeader struct {
	Journal string    `json:"journal"`
	Version int       `json:"version"`
	RunKey  string    `json:"runKey"`
	RunID   string    `json:"runId"`
	Created time.Time `json:"created"`
}

// Journal is an append-only JSON-lines file recording each chunk's progress to the target; every
// entry is fsynced before the step it records goes on. Its first line names the import (a run key
// the caller derives from the source file and settings) and a run id that goes into uploaded file
// names, so a resumed run gives its chunks the same names. Safe for concurrent use.
type Journal struct {
	path  string
	runID string

	mu   sync.Mutex // guards everything below and the file's end
	f    *os.File
	last map[int]JournalEntry
	// parts are the (file, batch id) pairs recorded for each chunk since its last fresh submission.
	parts map[int][][2]string
}

// OpenJournal opens the journal at path for the import identified by runKey, creating it when
// absent. A journal written for another run key is refused with *JournalMismatchError. A last line
// cut short by a crash is dropped.
func OpenJournal(path, runKey string) (*Journal, error) {
	j := &Journal{path: path, last: map[int]JournalEntry{}, parts: map[int][][2]string{}}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		data = nil
	case err != nil:
		return nil, fmt.Errorf("upload: journal: %w", err)
	}
	// Drop a trailing partial line (crash mid-append).
	complete := data
	if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
		complete = data[:i+1]
	} else {
		complete = nil
	}
	if len(complete) == 0 {
		// New (or only a torn header): start it.
		if err := j.create(path, runKey); err != nil {
			return nil, err
		}
		return j, nil
	}
	sc := bufio.NewScanner(bytes.NewReader(complete))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	sc.Scan()
	var h journalHeader
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h.Journal != "contactpipe" {
		return nil, fmt.Errorf("upload: journal %s: not a contactpipe journal", path)
	}
	if h.RunKey != runKey {
		return nil, &JournalMismatchError{Path: path}
	}
	j.runID = h.RunID
	line := 1
	for sc.Scan() {
		line++
		var e JournalEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("upload: journal %s: line %d unreadable: %w", path, line, err)
		}
		j.note(e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("upload: journal %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("upload: journal: %w", err)
	}
	if len(complete) != len(data) {
		if err := f.Truncate(int64(len(complete))); err != nil {
			f.Close()
			return nil, fmt.Errorf("upload: journal: %w", err)
		}
	}
	if _, err := f.Seek(0, io.SeekEnd); err != nil {
		f.Close()
		return nil, fmt.Errorf("upload: journal: %w", err)
	}
	j.f = f
	return j, nil
}

// create writes a new journal with its header line, fsyncing the file and its directory.
func (j *Journal) create(path, runKey string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("upload: journal: %w", err)
	}
	j.runID = NewRunID()
	h, _ := json.Marshal(journalHeader{Journal: "contactpipe", Version: 1, RunKey: runKey, RunID: j.runID, Created: time.Now().UTC()})
	if _, err := f.Write(append(h, '\n')); err == nil {
		err = f.Sync()
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("upload: journal: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	j.f = f
	return nil
}

// note updates the in-memory view with e.
func (j *Journal) note(e JournalEntry) {
	j.last[e.Chunk] = e
	switch {
	case e.State == JournalSubmitted && e.BatchID == "":
		j.parts[e.Chunk] = nil
	case e.BatchID != "":
		for _, p := range j.parts[e.Chunk] {
			if p[1] == e.BatchID {
				return
			}
		}
		j.parts[e.Chunk] = append(j.parts[e.Chunk], [2]string{e.File, e.BatchID})
	}
}

// Path returns the journal's file path.
func (j *Journal) Path() string { return j.path }

// RunID returns the run id recorded when the journal was created.
func (j *Journal) RunID() string { return j.runID }

// Record appends e (stamped with the time) and fsyncs the journal.
func (j *Journal) Record(e JournalEntry) error {
	if e.Time.IsZero() {
		e.Time = time.Now().UTC()
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("upload: journal: %w", err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return fmt.Errorf("upload: journal %s is closed", j.path)
	}
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("upload: journal: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("upload: journal: %w", err)
	}
	j.note(e)
	return nil
}

// Last returns the latest entry for chunk index.
func (j *Journal) Last(index int) (JournalEntry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.last[index]
	return e, ok
}

// Entries returns the latest entry of every chunk, by chunk index.
func (j *Journal) Entries() []JournalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]JournalEntry, 0, len(j.last))
	for _, e := range j.last {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b JournalEntry) int { return a.Chunk - b.Chunk })
	return out
}

func (j *Journal) batches(index int) (files, ids []string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, p := range j.parts[index] {
		files = append(files, p[0])
		ids = append(ids, p[1])
	}
	return files, ids
}

// Close closes the journal file.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	return err
}

// Reconciler is implemented by uploaders that can find out whether an earlier, interrupted upload
// of a chunk landed (EightByEight, through the batch list). found=false means it did not.
type Reconciler interface {
	Reconcile(ctx context.Context, c Chunk, file string, batchIDs []string) (res Result, found bool, err error)
}

// FileNamer is implemented by uploaders that name the files they upload.
type FileNamer interface {
	FileName(ctx context.Context, c Chunk) string
}

// Journaled wraps an Uploader with a Journal so that rerunning an interrupted import resumes it:
// a chunk the journal says was accepted, with the same content hash, is not sent again (its
// recorded Result comes back with Resumed set); one left submitted or in doubt is reconciled when
// the inner uploader is a Reconciler (8x8: found by batch id or file name → followed, not re-sent;
// not found → uploaded), and otherwise re-sent (Kore.ai, counted in Result.Resent); the rest are
// uploaded. Every step is journaled before it happens.
//
// Give the pipeline Uploader(), not the *Journaled itself: it keeps the inner uploader's Columner.
type Journaled struct {
	// Stats, when set, counts chunks skipped as already landed.
	Stats *Stats
	// Logger, when set, receives a record per resumed or reconciled chunk.
	Logger *slog.Logger

	inner Uploader
	j     *Journal
}

// WithJournal opens (or creates) the journal at path for the import identified by runKey and wraps
// inner with it. A journal for another run key is refused with *JournalMismatchError (remove the
// file to start fresh).
func WithJournal(inner Uploader, path, runKey string) (*Journaled, error) {
	j, err := OpenJournal(path, runKey)
	if err != nil {
		return nil, err
	}
	return j.Wrap(inner), nil
}

// Wrap returns inner journaled by j.
func (j *Journal) Wrap(inner Uploader) *Journaled {
	return &Journaled{inner: inner, j: j}
}

// Journal returns the journal.
func (u *Journaled) Journal() *Journal { return u.j }

// Inner returns the wrapped uploader.
func (u *Journaled) Inner() Uploader { return u.inner }

// Close closes the journal.
func (u *Journaled) Close() error { return u.j.Close() }

// Uploader returns u as the Uploader to give the pipeline. When the wrapped uploader is a Columner
// (Kore.ai) the value returned is one too, with the same columns; otherwise it is not, so the
// pipeline writes the canonical columns. (*Journaled itself is not a Columner.)
func (u *Journaled) Uploader() Uploader {
	if c, ok := u.inner.(Columner); ok {
		return journaledColumner{Journaled: u, c: c}
	}
	return u
}

// journaledColumner is a Journaled whose inner uploader picks the chunk columns.
type journaledColumner struct {
	*Journaled
	c Columner
}

func (j journaledColumner) Columns() []string  { return j.c.Columns() }
func (j journaledColumner) Required() []string { return j.c.Required() }

func (u *Journaled) log() *slog.Logger {
	if u.Logger != nil {
		return u.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (u *Journaled) dispose(c Chunk) {
	if d, ok := u.inner.(disposer); ok {
		d.dispose(c)
		return
	}
	_ = os.Remove(c.Path)
}

// Upload uploads c unless the journal shows an earlier run landed it.
func (u *Journaled) Upload(ctx context.Context, c Chunk) (Result, error) {
	if RunIDFromContext(ctx) == "" {
		ctx = WithRunID(ctx, u.j.runID)
	}
	resend := false
	if prev, ok := u.j.Last(c.Index); ok && prev.SHA256 == c.SHA256 {
		switch prev.State {
		case JournalAccepted:
			var res Result
			if prev.Result != nil {
				res = *prev.Result
			}
			res.Resumed = true
			if u.Stats != nil {
				u.Stats.resumed.Add(1)
			}
			u.log().Info("chunk landed in an earlier run; not sending it again", "chunk", c.Index, "batch", res.BatchID)
			u.dispose(c)
			return res, nil
		case JournalSubmitted, JournalInDoubt:
			if rec, ok := u.inner.(Reconciler); ok {
				files, ids := u.j.batches(c.Index)
				file := prev.File
				if len(files) == 1 {
					file = files[0]
				}
				res, found, err := rec.Reconcile(ctx, c, file, ids)
				if found || err != nil {
					if found {
						u.dispose(c)
						u.log().Info("chunk left in doubt by an earlier run found at the target", "chunk", c.Index, "batch", res.BatchID)
					}
					return res, u.settle(c, res, err)
				}
			} else {
				resend = true
				ctx = withResend(ctx)
			}
		}
	}
	file := ""
	if n, ok := u.inner.(FileNamer); ok {
		file = n.FileName(ctx, c)
	}
	if err := u.j.Record(JournalEntry{Chunk: c.Index, SHA256: c.SHA256, File: file, State: JournalSubmitted}); err != nil {
		return Result{}, err
	}
	ctx = withBatchHook(ctx, func(f, id string) {
		_ = u.j.Record(JournalEntry{Chunk: c.Index, SHA256: c.SHA256, File: f, State: JournalSubmitted, BatchID: id})
	})
	res, err := u.inner.Upload(ctx, c)
	if resend {
		res.Resent++
	}
	return res, u.settle(c, res, err)
}

// settle journals the outcome of an upload or reconciliation and returns err (joined with a
// journal write error, if any).
func (u *Journaled) settle(c Chunk, res Result, err error) error {
	e := JournalEntry{Chunk: c.Index, SHA256: c.SHA256, File: res.File, BatchID: res.BatchID}
	switch {
	case err == nil:
		e.State = JournalAccepted
		r := res
		e.Result = &r
	case res.InDoubt || errors.Is(err, ErrInDoubt):
		e.State, e.Error = JournalInDoubt, err.Error()
	default:
		e.State, e.Error = JournalFailed, err.Error()
	}
	if jerr := u.j.Record(e); jerr != nil {
		return errors.Join(err, jerr)
	}
	return err
}
