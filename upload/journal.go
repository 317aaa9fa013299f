package upload

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
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

// journalVersion is the journal format: every line is {"entry":…,"mac":"…"}, the first entry the
// header.
const journalVersion = 2

// JournalKeyFileName is the name of the journal's key file, beside the journal: 32 random bytes
// (hex) made when the journal is created, readable by its owner only. Every journal line carries
// an HMAC-SHA256 of its position and content under that key.
const JournalKeyFileName = "journal.key"

// ErrJournalCorrupt means a journal line is unreadable or its HMAC does not verify (a line written
// by hand, by another run, or damaged), the key is missing, or the journal or key is a symbolic
// link. The run is refused before anything is uploaded; start fresh to discard the journal.
var ErrJournalCorrupt = errors.New("upload: journal corrupt")

// journalLine is one line of the file.
type journalLine struct {
	Entry json.RawMessage `json:"entry"`
	MAC   string          `json:"mac"`
}

// journalFile is the part of *os.File the journal uses; journalFS opens them. Tests inject
// failures through both.
type journalFile interface {
	io.Reader
	io.Writer
	io.Seeker
	Sync() error
	Truncate(size int64) error
	Close() error
}

// journalFS is the file system the journal works on.
type journalFS interface {
	OpenFile(name string, flag int, perm os.FileMode) (journalFile, error)
	// SyncDir fsyncs a directory, so that a created file's name is durable.
	SyncDir(dir string) error
}

// osFS is the real file system. Journal and key are opened with O_NOFOLLOW: a symbolic link in
// their place (aimed outside the output directory) is refused, never written through.
type osFS struct{}

func (osFS) OpenFile(name string, flag int, perm os.FileMode) (journalFile, error) {
	if oNoFollow == 0 {
		if st, err := os.Lstat(name); err == nil && st.Mode()&os.ModeSymlink != 0 {
			return nil, fmt.Errorf("%w: %s is a symbolic link", ErrJournalCorrupt, name)
		}
	}
	f, err := os.OpenFile(name, flag|oNoFollow, perm)
	if err != nil {
		if isSymlinkErr(name, err) {
			return nil, fmt.Errorf("%w: %s is a symbolic link", ErrJournalCorrupt, name)
		}
		return nil, err
	}
	return f, nil
}

func (osFS) SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// journalErr prefixes an error about the journal's file, or its key's (what), with "upload: what",
// unless it is an ErrJournalCorrupt (a symbolic link, say), which carries its own prefix.
func journalErr(what string, err error) error {
	if errors.Is(err, ErrJournalCorrupt) {
		return err
	}
	return fmt.Errorf("upload: %s: %w", what, err)
}

// isSymlinkErr reports whether opening name failed because it is a symbolic link.
func isSymlinkErr(name string, err error) bool {
	if errors.Is(err, syscall.ELOOP) {
		return true
	}
	st, lerr := os.Lstat(name)
	return lerr == nil && st.Mode()&os.ModeSymlink != 0
}

// Journal is an append-only JSON-lines file recording each chunk's progress to the target; every
// entry is fsynced before the step it records goes on. Its first line names the import (a run key
// the caller derives from the source file and settings) and a run id that goes into uploaded file
// names, so a resumed run gives its chunks the same names. Every line carries an HMAC under the
// run's key (JournalKeyFileName, beside it): a line written by anyone else is refused. After a
// failed write or fsync the journal refuses further records (the file's end is unknown). Safe for
// concurrent use.
type Journal struct {
	path  string
	runID string
	fs    journalFS
	key   []byte

	mu   sync.Mutex // guards everything below and the file's end
	f    journalFile
	seq  int   // lines in the file
	werr error // sticky write error
	last map[int]JournalEntry
	// parts are the (file, batch id) pairs recorded for each chunk since its last fresh submission.
	parts map[int][][2]string
}

// journalKeyPath is the key file beside the journal at path.
func journalKeyPath(path string) string {
	return filepath.Join(filepath.Dir(path), JournalKeyFileName)
}

// lineMAC is the HMAC of line seq with content entry.
func lineMAC(key []byte, seq int, entry []byte) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "contactpipe journal line %d\n", seq)
	m.Write(entry)
	return hex.EncodeToString(m.Sum(nil))
}

// CheckJournal checks the journal in dir (JournalFileName, with its key) for the import identified
// by runKey without changing anything: nil when there is none or it can be resumed;
// *JournalMismatchError when it belongs to another import; an error matching ErrJournalCorrupt when
// a line is unreadable or fails its HMAC, the key is missing, or either file is a symbolic link.
// Call it before touching the output directory, so that a run that will be refused is refused
// first.
func CheckJournal(dir, runKey string) error {
	j := newJournal(osFS{}, filepath.Join(dir, JournalFileName))
	_, _, err := j.load(runKey)
	return err
}

func newJournal(fs journalFS, path string) *Journal {
	return &Journal{path: path, fs: fs, last: map[int]JournalEntry{}, parts: map[int][][2]string{}}
}

// OpenJournal opens the journal at path for the import identified by runKey, creating it (and its
// key, JournalKeyFileName beside it) when absent. A journal written for another run key is refused
// with *JournalMismatchError; one with a bad line with an error matching ErrJournalCorrupt (see
// CheckJournal). A last line cut short by a crash is dropped.
func OpenJournal(path, runKey string) (*Journal, error) {
	return openJournal(osFS{}, path, runKey)
}

func openJournal(fs journalFS, path, runKey string) (*Journal, error) {
	j := newJournal(fs, path)
	size, complete, err := j.load(runKey)
	if err != nil {
		return nil, err
	}
	if complete == 0 {
		// New (or only a torn header): start it.
		if err := j.create(runKey); err != nil {
			return nil, err
		}
		return j, nil
	}
	f, err := fs.OpenFile(path, os.O_RDWR, 0o600)
	if err != nil {
		return nil, journalErr("journal", err)
	}
	if complete != size {
		if err := f.Truncate(complete); err != nil {
			f.Close()
			return nil, fmt.Errorf("upload: journal: dropping a torn last line: %w", err)
		}
		if err := f.Sync(); err != nil {
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

// load reads and verifies the journal into j, changing nothing on disk. It returns the file's
// size and the length of its complete lines (0 when there is no journal, or only a torn header).
func (j *Journal) load(runKey string) (size, complete int64, err error) {
	f, err := j.fs.OpenFile(j.path, os.O_RDONLY, 0)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return 0, 0, nil
	case err != nil:
		return 0, 0, journalErr("journal", err)
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return 0, 0, fmt.Errorf("upload: journal: %w", err)
	}
	// Drop a trailing partial line (crash mid-append).
	n := 0
	if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
		n = i + 1
	}
	if n == 0 {
		return int64(len(data)), 0, nil
	}
	corrupt := func(line int, format string, args ...any) error {
		return fmt.Errorf("%w: %s line %d: %s; start fresh to discard it", ErrJournalCorrupt, j.path, line, fmt.Sprintf(format, args...))
	}
	lines := bytes.Split(data[:n-1], []byte("\n"))
	var first journalLine
	var h journalHeader
	if json.Unmarshal(lines[0], &first) != nil || json.Unmarshal(first.Entry, &h) != nil || h.Journal != "contactpipe" {
		// A journal of the first format is a bare header line.
		var old journalHeader
		if json.Unmarshal(lines[0], &old) == nil && old.Journal == "contactpipe" {
			return 0, 0, &JournalMismatchError{Path: j.path}
		}
		return 0, 0, fmt.Errorf("upload: journal %s: not a contactpipe journal", j.path)
	}
	if h.Version != journalVersion {
		return 0, 0, &JournalMismatchError{Path: j.path}
	}
	key, err := j.readKey()
	if err != nil {
		return 0, 0, err
	}
	j.key = key
	for i, raw := range lines {
		var l journalLine
		if i > 0 {
			if err := json.Unmarshal(raw, &l); err != nil || len(l.Entry) == 0 {
				return 0, 0, corrupt(i+1, "unreadable")
			}
		} else {
			l = first
		}
		if !hmac.Equal([]byte(l.MAC), []byte(lineMAC(key, i, l.Entry))) {
			return 0, 0, corrupt(i+1, "its integrity check (HMAC) fails: not written by this run")
		}
		if i == 0 {
			continue
		}
		var e JournalEntry
		if err := json.Unmarshal(l.Entry, &e); err != nil {
			return 0, 0, corrupt(i+1, "unreadable entry")
		}
		j.note(e)
	}
	// Checked after the lines: a damaged journal is reported as such whatever its run key.
	if h.RunKey != runKey {
		return 0, 0, &JournalMismatchError{Path: j.path}
	}
	j.runID = h.RunID
	j.seq = len(lines)
	return int64(len(data)), int64(n), nil
}

// readKey reads the journal's key file.
func (j *Journal) readKey() ([]byte, error) {
	kp := journalKeyPath(j.path)
	f, err := j.fs.OpenFile(kp, os.O_RDONLY, 0)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s: its key %s is missing; start fresh to discard it", ErrJournalCorrupt, j.path, kp)
		}
		return nil, journalErr("journal key", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 1024))
	if err != nil {
		return nil, fmt.Errorf("upload: journal key: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("%w: %s: its key %s is unreadable", ErrJournalCorrupt, j.path, kp)
	}
	return key, nil
}

// create makes a new key, then a new journal with its header line, fsyncing both and their
// directory. The key goes first: a crash between the two leaves no journal, so the next run starts
// afresh.
func (j *Journal) create(runKey string) error {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("upload: journal key: %w", err)
	}
	dir := filepath.Dir(j.path)
	if err := j.writeFile(journalKeyPath(j.path), []byte(hex.EncodeToString(key)+"\n")); err != nil {
		return journalErr("journal key", err)
	}
	if err := j.fs.SyncDir(dir); err != nil {
		return fmt.Errorf("upload: journal: %w", err)
	}
	f, err := j.fs.OpenFile(j.path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return journalErr("journal", err)
	}
	j.key, j.runID = key, NewRunID()
	h, _ := json.Marshal(journalHeader{Journal: "contactpipe", Version: journalVersion, RunKey: runKey, RunID: j.runID, Created: time.Now().UTC()})
	_, err = f.Write(j.line(0, h))
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = j.fs.SyncDir(dir)
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("upload: journal: %w", err)
	}
	j.f, j.seq = f, 1
	return nil
}

// writeFile writes a private file (0600) through the journal's file system and fsyncs it.
func (j *Journal) writeFile(path string, data []byte) error {
	f, err := j.fs.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err = f.Write(data); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// line frames entry as line seq of the file, with its HMAC and a newline.
func (j *Journal) line(seq int, entry []byte) []byte {
	b, _ := json.Marshal(journalLine{Entry: entry, MAC: lineMAC(j.key, seq, entry)})
	return append(b, '\n')
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

// Record appends e (stamped with the time) and fsyncs the journal. After a failed write or fsync
// every later Record fails too: the file's end is no longer known.
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
	if j.werr != nil {
		return j.werr
	}
	if j.f == nil {
		return fmt.Errorf("upload: journal %s is closed", j.path)
	}
	if _, err := j.f.Write(j.line(j.seq, b)); err != nil {
		j.werr = fmt.Errorf("upload: journal: %w", err)
		return j.werr
	}
	if err := j.f.Sync(); err != nil {
		j.werr = fmt.Errorf("upload: journal: %w", err)
		return j.werr
	}
	j.seq++
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

// Confirmer is implemented by uploaders that can check, with the target, a journal's claim that a
// chunk landed (EightByEight: one status request per batch id). ok=false means the claim does not
// hold (no such batch, a batch of another file, or one that did not complete): the chunk is sent
// again. An error means the check could not be made.
type Confirmer interface {
	Confirm(ctx context.Context, c Chunk, files, batchIDs []string) (ok bool, err error)
}

// FileNamer is implemented by uploaders that name the files they upload.
type FileNamer interface {
	FileName(ctx context.Context, c Chunk) string
}

// Journaled wraps an Uploader with a Journal so that rerunning an interrupted import resumes it:
// a chunk the journal says was accepted, with the same content hash, is not sent again (its
// recorded Result comes back with Resumed set) once the inner uploader, when it is a Confirmer,
// confirmed it with the target (not confirmed: sent again; the check failed: in doubt); one left
// submitted or in doubt is reconciled when
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

// Validate checks the inner uploader (see Check).
func (u *Journaled) Validate() error { return Check(u.inner) }

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
			if conf, ok := u.inner.(Confirmer); ok {
				files, ids := u.j.batches(c.Index)
				confirmed, err := conf.Confirm(ctx, c, files, ids)
				if err != nil {
					res := Result{File: prev.File, BatchID: prev.BatchID, BatchIDs: ids, Status: "in-doubt", InDoubt: true}
					if prev.Result != nil {
						res.Target = prev.Result.Target
					}
					return res, fmt.Errorf("%w: chunk %d: the journal says it landed, and checking that with the target failed: %w", ErrInDoubt, c.Index, err)
				}
				if !confirmed {
					u.log().Warn("the journal says the chunk landed but the target does not confirm it; sending it again", "chunk", c.Index)
					break
				}
			}
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
