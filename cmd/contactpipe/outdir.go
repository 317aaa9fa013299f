package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/contactpipe/contactpipe/upload"
)

// The out directory (-out) never loses a file contactpipe did not write. contactpipe records every
// file it writes there in a manifest, manifestName, with the file's SHA-256 (or, while the file is
// still being written, its device and inode). Before an import writes anything, it removes the
// files of the previous import that the manifest lists and that are unchanged; everything else is
// left alone. A non-empty directory without a manifest is refused unless -force-out is given, and
// an output name taken by a file contactpipe did not write (or that was changed since) refuses
// the run. The input file is never removed or overwritten, whatever its name (compared by device
// and inode).
//
// Everything that can refuse the run is checked by planOut, which changes nothing; the changes are
// made by outDir.prepare, called only once the import is past its own checks (the first rejected
// row, duplicate or chunk, or the end of the import).

// manifestName is the manifest's file name in the out directory.
const manifestName = ".contactpipe.json"

// Entry kinds in the manifest.
const (
	kindOutput  = "output"  // removed before the next import when unchanged
	kindJournal = "journal" // the upload journal and its key: kept to resume, removed by -fresh
)

// manifest is the content of manifestName.
type manifest struct {
	Contactpipe int             `json:"contactpipe"` // manifest format version
	Note        string          `json:"note"`
	Files       []manifestEntry `json:"files"`
}

// manifestEntry is one file contactpipe wrote.
type manifestEntry struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// SHA256 is the file's content hash once it is complete; "" while it is being written.
	SHA256 string `json:"sha256,omitempty"`
	// Dev and Ino identify a file being written (SHA256 ""): it is removed only if it is still
	// the same file.
	Dev uint64 `json:"dev,omitempty"`
	Ino uint64 `json:"ino,omitempty"`
}

const manifestNote = "files contactpipe wrote in this directory; before the next import here it removes them, and only them, if unchanged"

// chunkName matches the chunk files the uploaders write (upload.ChunkFileName).
var chunkName = regexp.MustCompile(`^chunk-[0-9]{4,}\.csv$`)

// workDirName matches the directories the library builds chunks in (os.MkdirTemp ".contactpipe-*").
var workDirName = regexp.MustCompile(`^\.contactpipe-[0-9]+$`)

// outDir is the out directory of one import: the plan made before it starts, and the manifest
// kept while it runs. Safe for concurrent use.
type outDir struct {
	dir     string
	input   os.FileInfo // the input file, nil for standard input
	created []string    // directories this run created, deepest last (removed if the run is refused)
	remove  []string    // files and work directories of the previous import to remove in prepare
	rename  map[string]string
	notes   []string     // warnings, printed by prepare
	warn    func(string) // prints a warning; nil: none

	once    sync.Once
	prepErr error
	didPrep atomic.Bool
	mu      sync.Mutex // guards files and the manifest file
	files   []manifestEntry
}

// outOptions are the flags planOut needs.
type outOptions struct {
	force bool // -force-out: use a non-empty directory without a manifest
	fresh bool // -fresh: remove the journal
	api   bool // an API target: the journal files are outputs
}

// planOut checks the out directory without changing anything and returns the plan for it, or a
// usage error saying why the run is refused. input is the input file's FileInfo (nil for stdin).
func planOut(dir string, input os.FileInfo, opt outOptions) (*outDir, error) {
	dir = filepath.Clean(dir)
	o := &outDir{dir: dir, input: input, rename: map[string]string{}}
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return o, nil
	case err != nil:
		return nil, usagef("-out %s: %w", dir, err)
	case !st.IsDir():
		return nil, usagef("-out %s is not a directory", dir)
	}
	if perm := st.Mode().Perm(); perm&0o044 != 0 {
		o.notes = append(o.notes, fmt.Sprintf("-out %s can be read by other users (mode %04o) and its files hold personal data: consider chmod 700 %s", dir, perm, dir))
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, usagef("-out %s: %w", dir, err)
	}
	m, err := readManifest(dir)
	if err != nil {
		return nil, usageError{err}
	}
	if m == nil {
		foreign := 0
		for _, e := range entries {
			if !o.isInput(e.Name()) {
				foreign++
			}
		}
		if foreign > 0 && !opt.force {
			return nil, usagef("-out %s is not empty and has no %s (the list of files contactpipe wrote), so contactpipe did not write it: "+
				"choose a new or empty directory, or add -force-out to use it anyway (nothing contactpipe did not write is removed or overwritten; "+
				"the outputs of a contactpipe too old to keep a manifest count as not written by it: delete them first)", dir, manifestName)
		}
		m = &manifest{}
	}
	listed := map[string]manifestEntry{}
	for _, f := range m.Files {
		listed[f.Name] = f
	}
	removed := map[string]bool{}
	kept := map[string]bool{} // names that stay: the input, foreign or changed files
	for _, e := range entries {
		name := e.Name()
		f, ok := listed[name]
		switch {
		case name == manifestName:
		case o.isInput(name):
			kept[name] = true
			if ok {
				o.files = append(o.files, f) // still contactpipe's while unchanged: a later run may remove it
			}
		case !ok:
			if e.IsDir() && workDirName.MatchString(name) && len(m.Files) > 0 && onlyFiles(filepath.Join(dir, name)) {
				o.remove = append(o.remove, name) // a work directory left by a killed import
				continue
			}
			kept[name] = true
		case f.Kind == kindJournal:
			if opt.fresh {
				if ours(dir, f) {
					o.remove = append(o.remove, name)
					removed[name] = true
					continue
				}
				kept[name] = true
				continue
			}
			o.files = append(o.files, f) // kept to resume
		case ours(dir, f):
			o.remove = append(o.remove, name)
			removed[name] = true
		default:
			kept[name] = true
		}
	}
	// An output name taken by a file that stays: the input gets out of the way of nothing (the
	// output takes another name); anything else refuses the run.
	for name := range kept {
		switch {
		case name == "rejected.csv" || name == "duplicates.csv" || name == "warnings.csv":
			if o.isInput(name) {
				alt := freeName(name, func(n string) bool { return removed[n] || !exists(filepath.Join(dir, n)) })
				o.rename[name] = alt
				o.notes = append(o.notes, fmt.Sprintf("%s is the input file: this run writes %s instead", filepath.Join(dir, name), alt))
				continue
			}
		case name == "report.json" || chunkName.MatchString(name) ||
			opt.api && (name == upload.JournalFileName || name == upload.JournalKeyFileName) ||
			opt.fresh && (name == upload.JournalFileName || name == upload.JournalKeyFileName):
		default:
			continue
		}
		what := "was not written by contactpipe, or was changed since"
		if o.isInput(name) {
			what = "is the input file"
		}
		return nil, usagef("%s %s, and this import would write a file of that name: move it away or choose another -out",
			filepath.Join(dir, name), what)
	}
	return o, nil
}

// isInput reports whether name in the out directory is the input file.
func (o *outDir) isInput(name string) bool {
	if o.input == nil {
		return false
	}
	st, err := os.Lstat(filepath.Join(o.dir, name))
	return err == nil && os.SameFile(st, o.input)
}

// name is the file name this run uses for the output called name.
func (o *outDir) name(name string) string {
	if alt, ok := o.rename[name]; ok {
		return alt
	}
	return name
}

// path is the path of the output called name.
func (o *outDir) path(name string) string { return filepath.Join(o.dir, o.name(name)) }

// freeName returns name with -2, -3, … before its extension, the first for which free says yes.
func freeName(name string, free func(string) bool) string {
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for i := 2; ; i++ {
		if n := base + "-" + strconv.Itoa(i) + ext; free(n) {
			return n
		}
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// onlyFiles reports whether dir holds nothing but regular files.
func onlyFiles(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			return false
		}
	}
	return true
}

// ours reports whether the file of entry f is still the one contactpipe wrote: a regular file
// (not a link) with the recorded content, or, for a file whose writing never finished, the same
// device and inode (or none recorded: the run ended between naming the file and creating it).
func ours(dir string, f manifestEntry) bool {
	path := filepath.Join(dir, f.Name)
	st, err := os.Lstat(path)
	if err != nil || !st.Mode().IsRegular() {
		return false
	}
	if f.Kind == kindJournal {
		return true // the upload package checks its own journal (an HMAC on every line)
	}
	if f.SHA256 == "" {
		if f.Ino == 0 {
			// Recorded just before it was created, by a run that ended before it could record
			// more: the name was free then, so the file is that run's.
			return true
		}
		dev, ino, ok := fileID(st)
		return ok && dev == f.Dev && ino == f.Ino
	}
	sum, err := hashFile(path)
	return err == nil && sum == f.SHA256
}

// journalHint says how to get past a journal in dir that is refused: -fresh removes the journal
// files contactpipe wrote, but refuses one it did not (a symbolic link, say, or a file the
// manifest does not list), which must be moved away by hand.
func journalHint(dir string) string {
	m, _ := readManifest(dir)
	listed := map[string]manifestEntry{}
	if m != nil {
		for _, f := range m.Files {
			listed[f.Name] = f
		}
	}
	for _, name := range []string{upload.JournalFileName, upload.JournalKeyFileName} {
		path := filepath.Join(dir, name)
		if !exists(path) {
			continue
		}
		if f, ok := listed[name]; !ok || f.Kind != kindJournal || !ours(dir, f) {
			return fmt.Sprintf("contactpipe did not write it: move %s away, or choose another -out", path)
		}
	}
	return "rerun with -fresh to start over"
}

// fileID returns the device and inode of st.
func fileID(st os.FileInfo) (dev, ino uint64, ok bool) {
	s, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return uint64(s.Dev), s.Ino, true
}

func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// readManifest reads the manifest in dir; nil when there is none.
func readManifest(dir string) (*manifest, error) {
	path := filepath.Join(dir, manifestName)
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (a link?): remove it", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil || m.Contactpipe != 1 {
		return nil, fmt.Errorf("%s is not a contactpipe manifest: remove it, or choose another -out", path)
	}
	return &m, nil
}

// mkdir creates the out directory (and its missing parents) when it does not exist, remembering
// what it created so that a refused run can remove it again.
func (o *outDir) mkdir() error {
	var missing []string
	for d := o.dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := os.Mkdir(missing[i], 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		o.created = append(o.created, missing[i])
	}
	return nil
}

// undo removes the directories mkdir created (when still empty): for a run that was refused.
func (o *outDir) undo() {
	for i := len(o.created) - 1; i >= 0; i-- {
		_ = os.Remove(o.created[i])
	}
	o.created = nil
}

// prepare removes the previous import's files and writes the manifest, once; every later call
// returns the first call's error.
func (o *outDir) prepare() error {
	o.once.Do(func() {
		o.didPrep.Store(true)
		if o.warn != nil {
			for _, n := range o.notes {
				o.warn(n)
			}
		}
		for _, name := range o.remove {
			path := filepath.Join(o.dir, name)
			var err error
			if workDirName.MatchString(name) {
				err = os.RemoveAll(path)
			} else {
				err = os.Remove(path)
			}
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				o.prepErr = err
				return
			}
		}
		o.mu.Lock()
		defer o.mu.Unlock()
		o.prepErr = o.writeManifest()
	})
	return o.prepErr
}

// prepared reports whether prepare has run (the directory was changed).
func (o *outDir) prepared() bool { return o.didPrep.Load() }

// writeManifest replaces the manifest with o.files (o.mu held).
func (o *outDir) writeManifest() error {
	m := manifest{Contactpipe: 1, Note: manifestNote, Files: o.files}
	if m.Files == nil {
		m.Files = []manifestEntry{}
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(o.dir, manifestName+".tmp")
	if st, err := os.Lstat(tmp); err == nil && st.Mode().IsRegular() {
		_ = os.Remove(tmp) // left by a killed run
	}
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(o.dir, manifestName))
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}

// record adds or replaces the entry for e.Name and rewrites the manifest.
func (o *outDir) record(e manifestEntry) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	i := slices.IndexFunc(o.files, func(f manifestEntry) bool { return f.Name == e.Name })
	if i >= 0 {
		o.files[i] = e
	} else {
		o.files = append(o.files, e)
	}
	return o.writeManifest()
}

// create makes the output called name (after prepare), recorded in the manifest as being written.
// It never follows a symbolic link or replaces an existing file (O_EXCL).
func (o *outDir) create(name string) (*os.File, error) {
	if err := o.prepare(); err != nil {
		return nil, err
	}
	name = o.name(name)
	e := manifestEntry{Name: name, Kind: kindOutput}
	if err := o.record(e); err != nil { // first the intent, so that a crash leaves no unlisted file
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(o.dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil {
		e.Dev, e.Ino, _ = fileID(st)
	}
	if err := o.record(e); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// finish records the content hash of the output called name, once it is complete.
func (o *outDir) finish(name string) error {
	name = o.name(name)
	sum, err := hashFile(filepath.Join(o.dir, name))
	if err != nil {
		return err
	}
	return o.record(manifestEntry{Name: name, Kind: kindOutput, SHA256: sum})
}

// expect records a file an uploader is about to put in the directory, with its content hash.
func (o *outDir) expect(name, sum string) error {
	if err := o.prepare(); err != nil {
		return err
	}
	return o.record(manifestEntry{Name: name, Kind: kindOutput, SHA256: sum})
}

// journal records the upload journal's files, which change as the import runs.
func (o *outDir) journal() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, name := range []string{upload.JournalFileName, upload.JournalKeyFileName} {
		if !slices.ContainsFunc(o.files, func(f manifestEntry) bool { return f.Name == name }) {
			o.files = append(o.files, manifestEntry{Name: name, Kind: kindJournal})
		}
	}
	return o.writeManifest()
}

// writeFile writes an output whole: create, write, finish.
func (o *outDir) writeFile(name string, write func(io.Writer) error) error {
	f, err := o.create(name)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return o.finish(name)
}
