package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/dedupe/redisdedupe"
	"github.com/contactpipe/contactpipe/upload"
)

// importFlags are the flags of "contactpipe import". They are a contract scripts rely on: extend,
// never rename.
type importFlags struct {
	out               string
	format            string
	header            bool
	columns           string
	sheet             string
	delimiter         string
	encoding          string
	country           string
	maxChunkBytes     int64
	maxChunkRows      int
	groups            string
	noDedupe          bool
	target            string
	uploadConcurrency int
	quiet             bool
	forceOut          bool
	maxRejectRate     string
	dedupeRedis       string
	dedupeJob         string
	dedupeSource      string
	dedupeTTL         time.Duration
	columnMap         string
	strictColumns     bool
	strictCSV         bool
	invalidField      string
	dryRun            bool
	api               targetFlags // -target 8x8 / koreai settings (targets.go)

	jsonOut bool

	fs   *pflag.FlagSet // to tell flags given from defaults
	kind string         // the input's format as its first bytes say (checkContent)
}

func (f *importFlags) register(fs *pflag.FlagSet) {
	f.fs = fs
	fs.SortFlags = false
	fs.StringVar(&f.out, "out", "contactpipe-out", "output `dir`ectory for chunks, rejected.csv, duplicates.csv and report.json")
	f.registerInput(fs)
	fs.Int64Var(&f.maxChunkBytes, "max-chunk-bytes", 29_000_000, "largest chunk file in `bytes`, header included")
	fs.IntVar(&f.maxChunkRows, "max-chunk-rows", 0, "most `rows` per chunk (0: no limit)")
	fs.StringVar(&f.dedupeRedis, "dedupe-redis", "", "dedupe across processes in the Redis at this `url` (redis://HOST:PORT/DB; many workers of one job)")
	fs.StringVar(&f.dedupeJob, "dedupe-job", "", "with --dedupe-redis: the `name` the workers of one job share (default: the input's file name)")
	fs.StringVar(&f.dedupeSource, "dedupe-source", "", "with --dedupe-redis: the `name` this worker claims under, unique within the job (default: the input's file name; required for stdin)")
	fs.DurationVar(&f.dedupeTTL, "dedupe-ttl", redisdedupe.DefaultTTL, "with --dedupe-redis: how long the job's claims are kept after its last claim (a `duration`; every batch renews it)")
	fs.StringVar(&f.target, "target", "dir", "where chunks go (`target`): dir (the --out directory), 8x8 or koreai")
	fs.IntVar(&f.uploadConcurrency, "upload-concurrency", 2, "`number` of chunks uploaded at once")
	fs.BoolVar(&f.dryRun, "dry-run", false, "do everything but write and upload: print the summary, write nothing in --out")
	fs.BoolVar(&f.quiet, "quiet", false, "print nothing but errors")
	fs.BoolVar(&f.jsonOut, "json", false, "print the final report (report.json) on stdout instead of the summary line")
	fs.StringVar(&f.maxRejectRate, "max-reject-rate", "", "quality gate: exit status 3 when more than this `share` of the rows is rejected (e.g. 5% or 0.05; default: no gate)")
	fs.BoolVar(&f.forceOut, "force-out", false, "use a non-empty --out that contactpipe did not write (nothing in it is removed or overwritten)")
	fs.StringVar(&f.groups, "groups", "", "8x8: comma-separated contact group `ids` to add contacts to (at most 10)")
	f.api.register(fs)
}

// registerInput adds the flags that say how the file is read and its rows judged (import and
// inspect share them).
func (f *importFlags) registerInput(fs *pflag.FlagSet) {
	f.fs = fs
	fs.SortFlags = false
	// What config checks of the flags inspect does not have (import's registration sets them too).
	f.target, f.maxChunkBytes, f.uploadConcurrency, f.dedupeTTL = "dir", 29_000_000, 2, redisdedupe.DefaultTTL
	fs.StringVar(&f.format, "format", "auto", "input `format`: auto, csv, xlsx or xls")
	fs.BoolVar(&f.header, "header", true, "the file has a header row (with --header=false, --columns is required)")
	fs.StringVar(&f.columns, "columns", "", "comma-separated `fields` of the columns in order, e.g. msisdn,firstName,lastName (the API's fileColumns)")
	fs.StringVar(&f.columnMap, "map", "", "map columns by header `name`: 'Telefon=msisdn,Land=country' (wins over automatic mapping; =ignore skips a column)")
	fs.BoolVar(&f.strictColumns, "strict-columns", false, "refuse a file with a column that is not imported")
	fs.StringVar(&f.sheet, "sheet", "", "spreadsheet sheet `name` (default: the first visible sheet)")
	fs.StringVar(&f.delimiter, "delimiter", "", "CSV delimiter: one `char`acter, or \"tab\" (default: sniffed)")
	fs.StringVar(&f.encoding, "encoding", "", "text `encoding`: utf-8, utf-16le, utf-16be, windows-1252 or latin1 (default: detected)")
	fs.BoolVar(&f.strictCSV, "strict-csv", false, "stop at the first quoted field that is never closed (default: reject that line and go on)")
	fs.StringVar(&f.country, "country", "", "default country `CC` for national phone numbers (ISO alpha-2); none by default")
	fs.StringVar(&f.invalidField, "invalid-field", "reject", "a row with a valid address and an invalid other value: reject the row, or drop the value (listed in warnings.csv)")
	fs.BoolVar(&f.noDedupe, "no-dedupe", false, "keep rows that share an address with an earlier row")
}

const importLong = `Import a contact list (CSV, XLSX or XLS; FILE "-" reads standard input): parse, normalize,
validate and dedupe every row, write the accepted rows as chunk files and upload them to the target.

The out directory then holds chunk-0001.csv, … (accepted rows), rejected.csv (each rejected row's
cells and why; fix it and import it again), duplicates.csv and report.json.

Secrets never come from flags: the 8x8 API key is read from $CONTACTPIPE_8X8_API_KEY or
--api-key-file; Kore.ai from $CONTACTPIPE_KOREAI_JWT, or $CONTACTPIPE_KOREAI_CLIENT_ID and
$CONTACTPIPE_KOREAI_CLIENT_SECRET.

Exit status: 0 the import finished (rejected rows included); 1 a fatal error, an interrupted
import, or accepted rows that did not land; 2 bad usage (nothing was written); 3 the import
finished but failed its quality gate (no row accepted, or more rejected than --max-reject-rate).`

const importExample = `  contactpipe import -out out testdata/messy.csv
  contactpipe import contacts.xlsx -sheet Leads -country DE
  contactpipe import -header=false -columns msisdn,firstName,lastName -delimiter ';' - < list.txt
  CONTACTPIPE_8X8_API_KEY=… contactpipe import -target 8x8 -account-id ID -groups 1 contacts.csv`

func newImportCmd(s *streams) *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:               "import [flags] FILE",
		Short:             "Import a contact list (CSV, XLSX, XLS) into a directory or an API",
		Long:              importLong,
		Example:           importExample,
		Args:              oneFile,
		ValidArgsFunction: completeContactFile,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImport(cmd.Context(), &f, args[0], s)
		},
	}
	f.register(cmd.Flags())
	completeWords(cmd, "format", "auto", "csv", "xlsx", "xls")
	completeWords(cmd, "target", "dir", "8x8", "koreai")
	completeWords(cmd, "region", "apac", "us", "uk", "id")
	completeWords(cmd, "encoding", "utf-8", "utf-16le", "utf-16be", "windows-1252", "latin1")
	completeWords(cmd, "delimiter", ",", ";", "tab", "|")
	return cmd
}

// completeWords offers a fixed list of values when a shell completes flag name.
func completeWords(cmd *cobra.Command, name string, words ...string) {
	_ = cmd.RegisterFlagCompletionFunc(name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return words, cobra.ShellCompDirectiveNoFileComp
	})
}

func runImport(ctx context.Context, f *importFlags, name string, s *streams) error {
	cfg, err := f.config()
	if err != nil {
		return usageError{err}
	}
	if name == "-" && f.dedupeRedis != "" && f.dedupeSource == "" {
		// Every worker reading stdin would claim as "stdin", and take the others' rows for its
		// own reruns.
		return usagef("-dedupe-redis on standard input needs -dedupe-source NAME: a name of this worker's own within the job")
	}
	var (
		src   io.Reader = s.stdin
		size  int64     = -1
		input os.FileInfo
	)
	cfg.Source = "stdin"
	if file, ok := s.stdin.(*os.File); ok && name == "-" {
		// Standard input redirected from a file (< d/rejected.csv): that file is protected too.
		if st, err := file.Stat(); err == nil && st.Mode().IsRegular() {
			input = st
		}
	}
	if name != "-" {
		file, err := os.Open(name)
		if err != nil {
			return err
		}
		defer file.Close()
		if input, err = file.Stat(); err != nil {
			return err
		}
		if input.IsDir() {
			return usagef("%s is a directory, not a contact list", name)
		}
		size = input.Size()
		src, cfg.Source = file, filepath.Base(name)
	}
	if src, err = f.checkContent(src, cfg.Source); err != nil {
		return err
	}
	if f.dryRun {
		return dryRun(ctx, src, f, cfg, s)
	}
	out, err := planOut(f.out, input, outOptions{force: f.forceOut, fresh: f.api.fresh, api: f.target != "dir"})
	if err != nil {
		return err
	}
	if f.dedupeRedis != "" {
		source := f.dedupeSource
		if source == "" {
			source = cfg.Source
		}
		// Connected before anything is written, so a Redis that cannot be reached refuses the run.
		d, err := redisdedupe.Open(ctx, f.dedupeRedis, redisdedupe.Options{
			Job: f.dedupeJobName(source), Source: source, TTL: f.dedupeTTL})
		if err != nil {
			if errors.Is(err, redisdedupe.ErrConfig) {
				return usagef("-dedupe-redis: %w", err)
			}
			return fmt.Errorf("-dedupe-redis: %w", err)
		}
		defer d.Close()
		cfg.Deduper = d
	}
	return importTo(ctx, src, size, f, cfg, out, s)
}

// config turns the flags into a Config (without the parts that need the out directory), and
// refuses flags that contradict each other or would have no effect.
func (f *importFlags) config() (contactpipe.Config, error) {
	cfg := contactpipe.Config{
		NoHeader:          !f.header,
		Sheet:             f.sheet,
		Encoding:          f.encoding,
		DefaultCountry:    f.country,
		MaxChunkBytes:     f.maxChunkBytes,
		MaxChunkRows:      f.maxChunkRows,
		NoDedupe:          f.noDedupe,
		UploadConcurrency: f.uploadConcurrency,
	}
	switch strings.ToLower(f.format) {
	case "auto", "":
	case "csv", "xlsx", "xls":
		cfg.Format = strings.ToLower(f.format)
	default:
		return cfg, fmt.Errorf("-format %q: want auto, csv, xlsx or xls", f.format)
	}
	cfg.StrictColumns, cfg.StrictCSV, cfg.DryRun = f.strictColumns, f.strictCSV, f.dryRun
	switch strings.ToLower(f.invalidField) {
	case "reject", "":
		cfg.InvalidField = contactpipe.InvalidFieldReject
	case "drop":
		cfg.InvalidField = contactpipe.InvalidFieldDrop
	default:
		return cfg, fmt.Errorf("-invalid-field %q: want reject or drop", f.invalidField)
	}
	if f.columnMap != "" {
		cfg.ColumnMap = map[string]string{}
		for _, pair := range strings.Split(f.columnMap, ",") {
			i := strings.LastIndex(pair, "=")
			header, field := strings.TrimSpace(pair[:max(i, 0)]), strings.TrimSpace(pair[i+1:])
			if i < 0 || header == "" || field == "" {
				return cfg, fmt.Errorf("-map %q: want HEADER=field pairs separated by commas, e.g. 'Telefon=msisdn,Land=country'", pair)
			}
			cfg.ColumnMap[header] = field
		}
	}
	if f.columns != "" {
		for _, c := range strings.Split(f.columns, ",") {
			cfg.Columns = append(cfg.Columns, strings.TrimSpace(c))
		}
	}
	if !f.header && len(cfg.Columns) == 0 {
		return cfg, errors.New("-header=false needs -columns (the field of each column, e.g. msisdn,firstName,lastName)")
	}
	switch d := f.delimiter; {
	case d == "":
	case strings.EqualFold(d, "tab") || d == `\t`:
		cfg.Delimiter = '\t'
	case len([]rune(d)) == 1:
		cfg.Delimiter = []rune(d)[0]
	default:
		return cfg, fmt.Errorf("-delimiter %q: want one character or \"tab\"", d)
	}
	if f.groups != "" {
		for _, g := range strings.Split(f.groups, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(g))
			if err != nil || n <= 0 {
				return cfg, fmt.Errorf("-groups: %q is not a positive integer group id", strings.TrimSpace(g))
			}
			cfg.Groups = append(cfg.Groups, n)
		}
		if len(cfg.Groups) > 10 {
			return cfg, fmt.Errorf("-groups: %d groups given; the API takes at most 10", len(cfg.Groups))
		}
	}
	if f.maxChunkBytes <= 0 {
		return cfg, errors.New("-max-chunk-bytes must be positive")
	}
	if f.maxChunkRows < 0 {
		return cfg, errors.New("-max-chunk-rows must not be negative")
	}
	if f.uploadConcurrency <= 0 {
		return cfg, errors.New("-upload-concurrency must be positive")
	}
	if err := checkTarget(f.target); err != nil {
		return cfg, err
	}
	if _, err := f.rejectGate(); err != nil {
		return cfg, err
	}
	if err := f.checkCombinations(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// dedupeJobName is the Redis dedupe job: -dedupe-job, else the worker's source (-dedupe-source or
// the input's file name); "" without -dedupe-redis.
func (f *importFlags) dedupeJobName(source string) string {
	switch {
	case f.dedupeRedis == "":
		return ""
	case f.dedupeJob != "":
		return f.dedupeJob
	}
	return source
}

// given reports whether the flag was set on the command line.
func (f *importFlags) given(name string) bool { return f.fs != nil && f.fs.Changed(name) }

// targetOnly lists the flags that only an API target reads, with the targets that read them.
var targetOnly = []struct {
	flag    string
	targets []string
}{
	{"groups", []string{"8x8"}},
	{"region", []string{"8x8"}},
	{"base-url", []string{"8x8"}},
	{"account-id", []string{"8x8"}},
	{"api-key-file", []string{"8x8"}},
	{"wait", []string{"8x8"}},
	{"no-wait", []string{"8x8"}},
	{"koreai-url", []string{"koreai"}},
	{"stream-id", []string{"koreai"}},
	{"koreai-account-id", []string{"koreai"}},
	{"rate", []string{"8x8", "koreai"}},
	{"fresh", []string{"8x8", "koreai"}},
	{"batch-timeout", []string{"8x8"}},
}

// checkCombinations refuses flags that contradict each other, and flags the chosen target does not
// read (they would be ignored silently).
func (f *importFlags) checkCombinations() error {
	if f.given("wait") && f.given("no-wait") && f.api.wait && f.api.noWait {
		return errors.New("-wait and -no-wait contradict each other: give one")
	}
	if f.noDedupe && f.dedupeRedis != "" {
		return errors.New("-no-dedupe and -dedupe-redis contradict each other: give one")
	}
	for _, name := range []string{"dedupe-job", "dedupe-source", "dedupe-ttl"} {
		if f.given(name) && f.dedupeRedis == "" {
			return fmt.Errorf("-%s has no effect without -dedupe-redis", name)
		}
	}
	if f.dedupeTTL <= 0 {
		return errors.New("-dedupe-ttl must be positive")
	}
	if f.given("dedupe-source") && strings.TrimSpace(f.dedupeSource) == "" {
		return errors.New("-dedupe-source is empty: give this worker's name within the job")
	}
	for _, t := range targetOnly {
		if !f.given(t.flag) || contains(t.targets, f.target) {
			continue
		}
		return fmt.Errorf("-%s has no effect with -target %s (it is read by -target %s): leave it out or change -target",
			t.flag, f.target, strings.Join(t.targets, " or -target "))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkContent looks at the first bytes of the input and refuses flags that do not apply to what
// it is: -format naming another format, -sheet on a text file, -delimiter or -encoding on a
// spreadsheet. It returns a reader that still yields every byte.
func (f *importFlags) checkContent(src io.Reader, name string) (io.Reader, error) {
	br := bufio.NewReaderSize(src, 64)
	head, _ := br.Peek(8)
	kind := "csv"
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		kind = "xlsx"
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		kind = "xls"
	}
	f.kind = kind
	// The readers' own detection reports other formats (pdf, gzip, …) with a hint.
	switch {
	case f.given("format") && f.format != "auto" && strings.ToLower(f.format) != kind && (kind != "csv" || len(head) > 0):
		return nil, usagef("-format %s: %s is a %s file; leave -format out to detect it", f.format, name, kind)
	case f.given("sheet") && kind == "csv":
		return nil, usagef("-sheet has no effect: %s is a text (csv) file, not a spreadsheet", name)
	case f.given("delimiter") && kind != "csv":
		return nil, usagef("-delimiter has no effect: %s is a spreadsheet (%s), not a text file", name, kind)
	case f.given("strict-csv") && kind != "csv":
		return nil, usagef("-strict-csv has no effect: %s is a spreadsheet (%s), not a text file", name, kind)
	case f.given("encoding") && kind != "csv":
		return nil, usagef("-encoding has no effect: %s is a spreadsheet (%s), not a text file", name, kind)
	}
	if _, ok := src.(*os.File); ok {
		// Keep the *os.File for the journal's content hash and the readers' seeking: rewind it.
		if sk, ok := src.(io.Seeker); ok {
			if _, err := sk.Seek(0, io.SeekStart); err == nil {
				return src, nil
			}
		}
	}
	return br, nil
}

// lazyFile is an output file of the out directory created at its first write, so that an import
// refused before its first row leaves the directory as it was.
type lazyFile struct {
	out  *outDir
	name string
	f    *os.File
	err  error
}

func (l *lazyFile) Write(p []byte) (int, error) {
	if l.f == nil && l.err == nil {
		l.f, l.err = l.out.create(l.name)
	}
	if l.err != nil {
		return 0, l.err
	}
	return l.f.Write(p)
}

// close creates the file if nothing was written, closes it and records its hash.
func (l *lazyFile) close() error {
	if l.f == nil && l.err == nil {
		l.f, l.err = l.out.create(l.name)
	}
	if l.err != nil {
		return l.err
	}
	if err := l.f.Close(); err != nil {
		return err
	}
	return l.out.finish(l.name)
}

// importTo runs the import into the out directory and writes the report files.
func importTo(ctx context.Context, src io.Reader, size int64, f *importFlags, cfg contactpipe.Config, out *outDir, s *streams) error {
	stats := new(upload.Stats)
	up, err := f.uploader(cfg, src, size, stats, out) // targets.go
	if err != nil {
		return err
	}
	defer up.Close()
	if !f.quiet {
		out.warn = func(n string) { fmt.Fprintf(s.stderr, "contactpipe: warning: %s\n", n) }
	}
	if err := out.mkdir(); err != nil {
		return err
	}
	cfg.WorkDir = out.dir
	cfg.Uploader = up.uploader()

	var warns *warningsWriter
	if cfg.InvalidField == contactpipe.InvalidFieldDrop {
		warns = &warningsWriter{file: &lazyFile{out: out, name: "warnings.csv"}}
		cfg.OnWarning = warns.write
	}
	rejFile := &lazyFile{out: out, name: "rejected.csv"}
	dupFile := &lazyFile{out: out, name: "duplicates.csv"}
	rejected := contactpipe.NewRejectedWriter(rejFile)
	duplicates := contactpipe.NewDuplicatesWriter(dupFile)
	var sinkErr error
	cfg.OnRejected = func(r contactpipe.Rejected) {
		if err := rejected.Write(r); err != nil && sinkErr == nil {
			sinkErr = err
		}
	}
	cfg.OnDuplicate = func(d contactpipe.Duplicate) {
		if err := duplicates.Write(d); err != nil && sinkErr == nil {
			sinkErr = err
		}
	}
	var prog *progress
	if !f.quiet {
		if f.kind != "csv" {
			size = -1 // a spreadsheet's bytes say nothing of the rows read: its declared rows do (Progress.TotalRows)
		}
		prog = newProgress(s.stderr, isTerminal(s.stderr), size)
		cfg.Progress = prog.update
		up.progress = prog
	}

	stopClock := prog.startClock(clockEvery)
	rep, err := contactpipe.Import(ctx, src, cfg)
	stopClock()
	prog.finish() // the line gives way to the summary, whatever ended the import
	if errors.Is(err, contactpipe.ErrConfig) && !out.prepared() {
		// Refused before the first row: the out directory is left as it was.
		out.undo()
		return usageError{err}
	}
	for _, e := range []error{sinkErr, rejected.Flush(), duplicates.Flush(), rejFile.close(), dupFile.close(),
		warns.close(), out.writeFile("report.json", rep.WriteJSON)} {
		if e != nil && err == nil {
			err = e
		}
	}
	reportPath := out.path("report.json")
	if errors.Is(err, contactpipe.ErrConfig) {
		return usageError{err}
	}
	interrupted := err != nil && ctx.Err() != nil
	if err == nil || interrupted || errors.Is(err, contactpipe.ErrNotLanded) {
		f.printSummary(s, rep, reportPath, prog.readTime(), stats)
	}
	if interrupted {
		// SIGINT, SIGTERM: what was done is in the out directory.
		return &exitError{code: exitFatal, err: fmt.Errorf("interrupted after %s; %s says status %q. %s",
			plural(rep.Rows, "row", "rows"), reportPath, rep.Status, f.resumeHint())}
	}
	if err != nil {
		return err
	}
	if !f.quiet {
		for _, w := range warnings(rep, out.name) {
			fmt.Fprintf(s.stderr, "contactpipe: warning: %s\n", w)
		}
	}
	if notLanded(f, rep) {
		return &exitError{code: exitFatal}
	}
	if err := f.qualityGate(rep); err != nil {
		return &exitError{code: exitQuality, err: err}
	}
	return nil
}

// dryRun imports without writing or uploading anything: the summary says what a real run would
// do.
func dryRun(ctx context.Context, src io.Reader, f *importFlags, cfg contactpipe.Config, s *streams) error {
	if f.target == "koreai" {
		cfg.Uploader = &upload.KoreAI{} // for its columns only: Kore.ai takes rows with a phone
	}
	rep, err := contactpipe.Import(ctx, src, cfg)
	if errors.Is(err, contactpipe.ErrConfig) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	if f.jsonOut {
		if err := rep.WriteJSON(s.stdout); err != nil {
			return err
		}
	}
	if !f.quiet {
		fmt.Fprintln(f.summaryOut(s), summary(rep, "", 0)+" (dry run: nothing written or uploaded)")
		for _, w := range warnings(rep, nil) {
			fmt.Fprintf(s.stderr, "contactpipe: warning: %s\n", w)
		}
	}
	if err := f.qualityGate(rep); err != nil {
		return &exitError{code: exitQuality, err: err}
	}
	return nil
}

// warningsWriter writes warnings.csv: the values -invalid-field drop removed from accepted rows,
// one a line (row,column,value,code,message), for people: a UTF-8 byte order mark first, and
// values a spreadsheet would run as a formula neutralized as in rejected.csv.
type warningsWriter struct {
	file *lazyFile
	w    *csv.Writer
	err  error
}

func (ww *warningsWriter) start() {
	if ww.w != nil {
		return
	}
	if _, ww.err = ww.file.Write([]byte("\uFEFF")); ww.err != nil {
		return
	}
	ww.w = csv.NewWriter(ww.file)
	ww.err = ww.w.Write([]string{"row", "column", "value", "code", "message"})
}

func (ww *warningsWriter) write(w contactpipe.Warning) {
	if ww.start(); ww.err != nil {
		return
	}
	msg := w.Code
	if w.Err != nil {
		msg = w.Err.Error()
	}
	ww.err = ww.w.Write([]string{strconv.Itoa(w.Row), contactpipe.Neutralize(w.Column), contactpipe.Neutralize(w.Value), w.Code, contactpipe.Neutralize(msg)})
}

// close writes the header when there was no warning, and closes the file.
func (ww *warningsWriter) close() error {
	if ww == nil {
		return nil
	}
	if ww.start(); ww.err != nil {
		return ww.err
	}
	ww.w.Flush()
	if err := ww.w.Error(); err != nil {
		return err
	}
	return ww.file.close()
}

// summaryOut is where the summary goes: stdout, or stderr when stdout carries -json's report.
func (f *importFlags) summaryOut(s *streams) io.Writer {
	if f.jsonOut {
		return s.stderr
	}
	return s.stdout
}

// printSummary prints the final report with -json, and the summary lines unless -quiet.
func (f *importFlags) printSummary(s *streams, rep contactpipe.Report, reportPath string, reading time.Duration, stats *upload.Stats) {
	if f.jsonOut {
		_ = rep.WriteJSON(s.stdout)
	}
	if f.quiet {
		return
	}
	w := f.summaryOut(s)
	fmt.Fprintln(w, summary(rep, reportPath, reading))
	if f.target != "dir" {
		fmt.Fprintln(w, landedLine(f, rep, stats.Snapshot()))
	}
}

// resumeHint says how to go on after an interrupted import.
func (f *importFlags) resumeHint() string {
	if f.target == "dir" {
		return "Rerun the same command to import the file again (-target dir starts over)."
	}
	return "Rerun the same command to resume: chunks that already landed are not sent again."
}

// warnRejectShare is the share of rejected rows above which the summary warns.
const warnRejectShare = 0.10

// warnings are what the summary line warns about: columns that were not imported, no row
// accepted, a high share of rejected rows. name gives the name each output file was written as
// (out.name); nil for a dry run, which writes none, so no file is pointed at.
func warnings(rep contactpipe.Report, name func(string) string) []string {
	see := func(format, file string) string {
		if name == nil {
			return ""
		}
		return fmt.Sprintf(format, name(file))
	}
	var w []string
	if n := len(rep.IgnoredColumns); n > 0 {
		w = append(w, fmt.Sprintf("%s not imported: %s%s", plural(n, "column", "columns"),
			strings.Join(quoteAll(rep.IgnoredColumns), ", "), see(" (see %s's columns)", "report.json")))
	}
	rows := "rejected.csv"
	if rep.Rejected == 0 {
		rows = "duplicates.csv"
	}
	switch {
	case rep.Rows == 0:
		w = append(w, "the file has no data rows")
	case rep.Accepted == 0:
		w = append(w, fmt.Sprintf("no row was accepted: all %s were rejected or duplicates%s",
			plural(rep.Rows, "row", "rows"), see(" (see %s)", rows)))
	case float64(rep.Rejected) > warnRejectShare*float64(rep.Rows):
		w = append(w, fmt.Sprintf("%.0f%% of the rows were rejected (%d of %d%s)",
			100*float64(rep.Rejected)/float64(rep.Rows), rep.Rejected, rep.Rows, see("; see %s", "rejected.csv")))
	}
	return w
}

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strconv.Quote(s)
	}
	return out
}

// rejectGate parses -max-reject-rate: a share ("0.05") or a percentage ("5%"); -1 when not set.
func (f *importFlags) rejectGate() (float64, error) {
	v := strings.TrimSpace(f.maxRejectRate)
	if v == "" {
		return -1, nil
	}
	scale := 1.0
	if strings.HasSuffix(v, "%") {
		v, scale = strings.TrimSpace(strings.TrimSuffix(v, "%")), 100
	}
	p, err := strconv.ParseFloat(v, 64)
	if err != nil || p < 0 || p/scale > 1 {
		return 0, fmt.Errorf("-max-reject-rate %q: want a share from 0 to 1 (0.05) or a percentage (5%%)", f.maxRejectRate)
	}
	return p / scale, nil
}

// qualityGate returns why a finished import fails its quality gate (exit status 3): no row
// accepted from a file that had data rows, or more rows rejected than -max-reject-rate allows.
func (f *importFlags) qualityGate(rep contactpipe.Report) error {
	if rep.Rows > 0 && rep.Accepted == 0 {
		return fmt.Errorf("quality gate: no row of %s was accepted", plural(rep.Rows, "row", "rows"))
	}
	gate, _ := f.rejectGate()
	if gate >= 0 && rep.Rows > 0 && float64(rep.Rejected) > gate*float64(rep.Rows) {
		return fmt.Errorf("quality gate: %d of %d rows rejected (%.1f%%), more than -max-reject-rate %s allows",
			rep.Rejected, rep.Rows, 100*float64(rep.Rejected)/float64(rep.Rows), f.maxRejectRate)
	}
	return nil
}

// plural returns "1 chunk", "2 chunks", "0 chunks".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// summary is the one line printed at the end of an import. reading is the time spent reading the
// file (Progress.ReadTime; 0 when unknown: all of it); the wait on uploads after it is told apart,
// and a rate is given only over a reading time long enough to mean something.
func summary(rep contactpipe.Report, reportPath string, reading time.Duration) string {
	total := time.Duration(rep.DurationMs) * time.Millisecond
	rate := ""
	if total > 0 {
		rate = " in " + seconds(total)
		if reading <= 0 || reading > total {
			reading = total
		}
		uploadWait := total - reading
		perSec := ""
		if rep.Rows > 0 && reading >= minRateTime {
			perSec = formatRate(float64(rep.Rows)/reading.Seconds()) + " rows/s"
		}
		switch {
		case uploadWait >= 100*time.Millisecond && perSec != "":
			rate += fmt.Sprintf(" (%s over %s of reading, then %s of uploading)", perSec, seconds(reading), seconds(uploadWait))
		case uploadWait >= 100*time.Millisecond:
			rate += fmt.Sprintf(" (read in %s, then %s of uploading)", seconds(reading), seconds(uploadWait))
		case perSec != "":
			rate += " (" + perSec + ")"
		}
	}
	see := ""
	if reportPath != "" {
		see = "; see " + reportPath
	}
	return fmt.Sprintf("%s: %s: %d accepted in %s, %d rejected, %s%s%s",
		rep.Source, plural(rep.Rows, "row", "rows"), rep.Accepted, plural(len(rep.Chunks), "chunk", "chunks"), rep.Rejected,
		plural(rep.Duplicates, "duplicate", "duplicates"), rate, see)
}

// minRateTime is the least reading time a rate is given over: below it, the rate is noise.
const minRateTime = 50 * time.Millisecond

// seconds prints a duration for the summary: "5.9s", or "12ms" below a tenth of a second, which
// would print "0.0s".
func seconds(d time.Duration) string {
	if d < 100*time.Millisecond {
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// oneFile accepts exactly one FILE argument ("-" for standard input), for import and inspect.
func oneFile(_ *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usagef("exactly one FILE is required (\"-\" for standard input)")
	}
	return nil
}

// completeContactFile offers the files a contact list can be in, for shell completion.
func completeContactFile(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{"csv", "xlsx", "xls", "txt"}, cobra.ShellCompDirectiveFilterFileExt
}
