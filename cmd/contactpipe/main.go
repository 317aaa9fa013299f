// Command contactpipe imports a contact list (CSV, XLSX, XLS) and accounts for every row.
//
// Usage:
//
//	contactpipe import [flags] FILE     (FILE "-" reads standard input)
//
// The out directory (-out, default contactpipe-out) then holds chunk-0001.csv, chunk-0002.csv, …
// (the accepted rows, each file under the size limit), rejected.csv (rejected rows with the reason,
// ready to fix and import again), duplicates.csv and report.json. Exit status: 0 when the import
// finished (rejected rows included), 1 on a fatal error, 2 on bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/upload"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK    = 0
	exitFatal = 1
	exitUsage = 2
)

const usage = `usage: contactpipe <command> [flags] [args]

commands:
  import [flags] FILE   import a contact list (FILE "-" reads standard input)
  batch status ID       show an 8x8 batch job (batch list: list them)
  groups copy           copy an 8x8 group's contacts into another group

run "contactpipe import -h" for the import flags.
`

// run is the whole CLI, with its environment passed in so tests can drive it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "import":
		return runImport(ctx, args[1:], stdin, stdout, stderr)
	case "batch": // 8x8 client subcommands: targets.go, client.go
		return runBatch(ctx, args[1:], stdout, stderr)
	case "groups":
		return runGroups(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(stderr, "contactpipe: unknown command %q\n%s", args[0], usage)
		return exitUsage
	}
}

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
	api               targetFlags // -target 8x8 / koreai settings (targets.go)
}

func (f *importFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.out, "out", "contactpipe-out", "output `dir`ectory for chunks, rejected.csv, duplicates.csv and report.json")
	fs.StringVar(&f.format, "format", "auto", "input format: auto, csv, xlsx or xls")
	fs.BoolVar(&f.header, "header", true, "the file has a header row (with -header=false, -columns is required)")
	fs.StringVar(&f.columns, "columns", "", "comma-separated field of each column, e.g. msisdn,firstName,lastName (the API's fileColumns)")
	fs.StringVar(&f.sheet, "sheet", "", "spreadsheet sheet `name` (default: the first visible sheet)")
	fs.StringVar(&f.delimiter, "delimiter", "", "CSV delimiter: one character, or \"tab\" (default: sniffed)")
	fs.StringVar(&f.encoding, "encoding", "", "text encoding: utf-8, utf-16le, utf-16be, windows-1252 or latin1 (default: detected)")
	fs.StringVar(&f.country, "country", "", "default country `CC` for national phone numbers (ISO alpha-2); none by default")
	fs.Int64Var(&f.maxChunkBytes, "max-chunk-bytes", 29_000_000, "largest chunk file in `bytes`, header included")
	fs.IntVar(&f.maxChunkRows, "max-chunk-rows", 0, "most rows per chunk (0: no limit)")
	fs.StringVar(&f.groups, "groups", "", "comma-separated contact group ids to add contacts to (at most 10)")
	fs.BoolVar(&f.noDedupe, "no-dedupe", false, "keep rows that share an address with an earlier row")
	fs.StringVar(&f.target, "target", "dir", "where chunks go: dir (the -out directory), 8x8 or koreai")
	fs.IntVar(&f.uploadConcurrency, "upload-concurrency", 2, "chunks uploaded at once")
	fs.BoolVar(&f.quiet, "quiet", false, "print nothing but errors")
	f.api.register(fs)
}

func runImport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("contactpipe import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f importFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: contactpipe import [flags] FILE")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "contactpipe import: exactly one FILE is required (\"-\" for standard input)")
		fs.Usage()
		return exitUsage
	}
	cfg, err := f.config()
	if err != nil {
		fmt.Fprintf(stderr, "contactpipe import: %v\n", err)
		return exitUsage
	}
	name := fs.Arg(0)
	var (
		src  io.Reader = stdin
		size int64     = -1
	)
	cfg.Source = "stdin"
	if name != "-" {
		file, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "contactpipe import: %v\n", err)
			return exitFatal
		}
		defer file.Close()
		if st, err := file.Stat(); err == nil {
			size = st.Size()
		}
		src, cfg.Source = file, filepath.Base(name)
	}
	return importTo(ctx, src, size, f, cfg, stdout, stderr)
}

// config turns the flags into a Config (without the parts that need the out directory).
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
	return cfg, nil
}

// outputFiles are the files an import writes besides the chunks.
var outputFiles = []string{"rejected.csv", "duplicates.csv", "report.json"}

// importTo runs the import into the out directory and writes the report files.
func importTo(ctx context.Context, src io.Reader, size int64, f importFlags, cfg contactpipe.Config, stdout, stderr io.Writer) int {
	if err := prepareOut(f.out); err != nil {
		fmt.Fprintf(stderr, "contactpipe import: %v\n", err)
		return exitFatal
	}
	cfg.WorkDir = f.out
	stats := new(upload.Stats)
	up, closeUp, err := f.uploader(cfg, src, size, stats) // targets.go
	if err != nil {
		fmt.Fprintf(stderr, "contactpipe import: %v\n", err)
		if errors.As(err, new(usageError)) {
			return exitUsage
		}
		return exitFatal
	}
	defer closeUp()
	cfg.Uploader = up

	rejFile, err := createPrivate(filepath.Join(f.out, "rejected.csv"))
	if err != nil {
		fmt.Fprintf(stderr, "contactpipe import: %v\n", err)
		return exitFatal
	}
	defer rejFile.Close()
	dupFile, err := createPrivate(filepath.Join(f.out, "duplicates.csv"))
	if err != nil {
		fmt.Fprintf(stderr, "contactpipe import: %v\n", err)
		return exitFatal
	}
	defer dupFile.Close()
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
	if !f.quiet && isTerminal(stderr) {
		cfg.Progress = progressLine(stderr, size)
	}

	rep, err := contactpipe.Import(ctx, src, cfg)
	for _, e := range []error{sinkErr, rejected.Flush(), duplicates.Flush(), rejFile.Close(), dupFile.Close(), writeReport(f.out, rep)} {
		if e != nil && err == nil {
			err = e
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "contactpipe import: %v\n", err)
		if errors.Is(err, contactpipe.ErrConfig) {
			return exitUsage
		}
		return exitFatal
	}
	if !f.quiet {
		fmt.Fprintln(stdout, summary(rep, f.out))
		if f.target != "dir" {
			fmt.Fprintln(stdout, landedLine(&f, rep, stats))
		}
	}
	if notLanded(&f, rep) {
		return exitFatal
	}
	return exitOK
}

// prepareOut creates the out directory and removes the outputs of an earlier import there, so
// that no stale chunk is mistaken for part of this one.
func prepareOut(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	stale, err := filepath.Glob(filepath.Join(dir, "chunk-*.csv"))
	if err != nil {
		return err
	}
	tmp, _ := filepath.Glob(filepath.Join(dir, ".chunk-*.csv.tmp"))
	for _, name := range outputFiles {
		stale = append(stale, filepath.Join(dir, name))
	}
	for _, name := range append(stale, tmp...) {
		if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

func createPrivate(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
}

func writeReport(dir string, rep contactpipe.Report) error {
	file, err := createPrivate(filepath.Join(dir, "report.json"))
	if err != nil {
		return err
	}
	if err := rep.WriteJSON(file); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

// summary is the one line printed at the end of an import.
func summary(rep contactpipe.Report, out string) string {
	secs := float64(rep.DurationMs) / 1000
	rate := ""
	if secs > 0 {
		rate = fmt.Sprintf(" in %.1fs (%.0f rows/s)", secs, float64(rep.Rows)/secs)
	}
	return fmt.Sprintf("%s: %d rows: %d accepted in %d chunks, %d rejected, %d duplicates%s; see %s",
		rep.Source, rep.Rows, rep.Accepted, len(rep.Chunks), rep.Rejected, rep.Duplicates, rate, filepath.Join(out, "report.json"))
}

// progressLine returns a Progress callback that redraws one status line on w.
func progressLine(w io.Writer, size int64) func(contactpipe.Progress) {
	return func(p contactpipe.Progress) {
		rate := 0.0
		if s := p.Elapsed.Seconds(); s > 0 {
			rate = float64(p.Rows) / s
		}
		pct := ""
		if size > 0 {
			pct = fmt.Sprintf(" %3.0f%%", 100*float64(p.BytesRead)/float64(size))
		}
		fmt.Fprintf(w, "\r%d rows, %.0f rows/s%s, %s", p.Rows, rate, pct, p.Elapsed.Truncate(time.Second))
		if p.Done {
			fmt.Fprintln(w)
		}
	}
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
