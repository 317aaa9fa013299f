// Command compare measures contactpipe.Import, and the contact stream alone (contactpipe.Contacts,
// with and without dedupe), against the floor of reading the same file, in one run, and prints a
// table: time, rows/s, MB/s, peak RSS, allocations per row, CPU time, rows per
// CPU-second (steadier than rows/s on a shared machine) and the ratio to the floor's time.
//
//	go run ./bench/cmd/compare -rows 1000000            # generate a 1M-row CSV, then measure
//	go run ./bench/cmd/compare -file contacts.csv       # measure an existing file
//	go run ./bench/cmd/compare -rows 100000 -format xlsx -gomaxprocs 1
//
// The floor is encoding/csv reading every record (ReuseRecord) for CSV, and excelize's streaming
// row iterator for XLSX. Each phase runs in a child process of its own (this program started
// again with -phase), so that each reports its own peak RSS (VmHWM of /proc/self/status) and
// allocation count; -inprocess runs both phases in this process instead, and the import's peak
// RSS then includes the floor's. The generated file is removed afterwards unless -keep.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/bench"
	"github.com/contactpipe/contactpipe/upload"
)

// result is what one phase measured. A child process prints it as one JSON line.
type result struct {
	Phase      string  `json:"phase"`
	Rows       int     `json:"rows"`    // data rows read (the floor counts the header too)
	Bytes      int64   `json:"bytes"`   // size of the file
	Seconds    float64 `json:"seconds"` // wall time of the phase
	CPUSeconds float64 `json:"cpuSeconds"`
	Mallocs    uint64  `json:"mallocs"`
	AllocBytes uint64  `json:"allocBytes"`
	NumGC      uint32  `json:"numGC"`
	StartRSS   int64   `json:"startRSS"` // VmRSS before the phase, bytes
	PeakRSS    int64   `json:"peakRSS"`  // VmHWM after the phase, bytes
	GOMAXPROCS int     `json:"gomaxprocs"`

	Accepted   int `json:"accepted,omitempty"`
	Rejected   int `json:"rejected,omitempty"`
	Duplicates int `json:"duplicates,omitempty"`
	Chunks     int `json:"chunks,omitempty"`
}

type options struct {
	rows       int
	file       string
	format     string
	noHeader   bool
	seed       uint64
	gomaxprocs int
	inProcess  bool
	keep       bool
	markdown   bool
	workDir    string
	phase      string // set in child processes
}

func main() {
	var o options
	flag.IntVar(&o.rows, "rows", 100_000, "rows to generate (ignored with -file)")
	flag.StringVar(&o.file, "file", "", "measure this file instead of a generated one")
	flag.StringVar(&o.format, "format", "csv", "format to generate: csv, xlsx (= xlsx-shared), xlsx-shared, xlsx-inline")
	flag.BoolVar(&o.noHeader, "no-header", false, "generate without a header row and import with bench.Columns")
	flag.Uint64Var(&o.seed, "seed", 1, "generator seed")
	flag.IntVar(&o.gomaxprocs, "gomaxprocs", 0, "GOMAXPROCS for both phases; 0 leaves the default (the CPU count)")
	flag.BoolVar(&o.inProcess, "inprocess", false, "run both phases in this process (the import's peak RSS then includes the floor's)")
	flag.BoolVar(&o.keep, "keep", false, "keep the generated file and the import's output")
	flag.BoolVar(&o.markdown, "md", false, "print the table as Markdown (for bench/README.md)")
	flag.StringVar(&o.workDir, "dir", "", "directory for the generated file and the import's output; \"\" makes a temporary one")
	flag.StringVar(&o.phase, "phase", "", "internal: run one phase (floor or import) and print its result as JSON")
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if o.format == "xlsx" {
		o.format = string(bench.XLSXShared)
	}
	if o.phase != "" {
		if o.gomaxprocs > 0 {
			runtime.GOMAXPROCS(o.gomaxprocs)
		}
		res, err := runPhase(o.phase, o.file, o.noHeader, o.workDir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "compare:", err)
			os.Exit(1)
		}
		if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
			fmt.Fprintln(os.Stderr, "compare:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	dir := o.workDir
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	} else {
		var err error
		if dir, err = os.MkdirTemp("", "contactpipe-compare-"); err != nil {
			return err
		}
		if !o.keep {
			defer os.RemoveAll(dir)
		}
	}
	var gen *bench.Stats
	file := o.file
	if file == "" {
		ext := ".csv"
		if strings.HasPrefix(o.format, "xlsx") {
			ext = ".xlsx"
		}
		file = filepath.Join(dir, fmt.Sprintf("contacts-%d-%s%s", o.rows, o.format, ext))
		start := time.Now()
		st, err := generate(file, o)
		if err != nil {
			return err
		}
		gen = &st
		fmt.Fprintf(os.Stderr, "compare: generated %s (%d rows) in %v\n", file, o.rows, time.Since(start).Round(time.Millisecond))
	}
	fi, err := os.Stat(file)
	if err != nil {
		return err
	}
	var results []result
	for _, phase := range []string{"floor", "stream-nodedupe", "stream", "import"} {
		var res result
		if o.inProcess {
			if o.gomaxprocs > 0 {
				runtime.GOMAXPROCS(o.gomaxprocs)
			}
			res, err = runPhase(phase, file, o.noHeader, dir)
		} else {
			res, err = runChild(phase, file, o, dir)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", phase, err)
		}
		results = append(results, res)
	}
	printTable(os.Stdout, o, file, fi.Size(), gen, results)
	return nil
}

func generate(path string, o options) (bench.Stats, error) {
	f, err := os.Create(path)
	if err != nil {
		return bench.Stats{}, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	st, err := bench.Generate(bw, o.rows, bench.Options{Seed: o.seed, Format: bench.Format(o.format), NoHeader: o.noHeader})
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return st, err
}

// runChild runs one phase in a new process of this program.
func runChild(phase, file string, o options, dir string) (result, error) {
	exe, err := os.Executable()
	if err != nil {
		return result{}, err
	}
	args := []string{"-phase", phase, "-file", file, "-dir", dir, "-gomaxprocs", strconv.Itoa(o.gomaxprocs)}
	if o.noHeader {
		args = append(args, "-no-header")
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = os.Environ()
	if o.gomaxprocs > 0 {
		cmd.Env = append(cmd.Env, "GOMAXPROCS="+strconv.Itoa(o.gomaxprocs))
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return result{}, err
	}
	var res result
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return result{}, fmt.Errorf("reading the child's result: %w", err)
	}
	return res, nil
}

// runPhase measures one phase in this process.
func runPhase(phase, file string, noHeader bool, dir string) (result, error) {
	f, err := os.Open(file)
	if err != nil {
		return result{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return result{}, err
	}
	xlsx, err := isZip(f)
	if err != nil {
		return result{}, err
	}
	res := result{Phase: phase, Bytes: fi.Size(), GOMAXPROCS: runtime.GOMAXPROCS(0)}
	runtime.GC()
	res.StartRSS = procStatus("VmRSS")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime()
	start := time.Now()
	switch phase {
	case "floor":
		if xlsx {
			res.Rows, err = bench.ReadXLSX(f)
		} else {
			res.Rows, err = bench.ReadCSV(f)
		}
	case "import":
		var out string
		if out, err = os.MkdirTemp(dir, "import-"); err != nil {
			return res, err
		}
		defer os.RemoveAll(out)
		cfg := contactpipe.Config{Source: filepath.Base(file), WorkDir: out, Uploader: upload.Dir{Path: out}}
		if noHeader {
			cfg.NoHeader, cfg.Columns = true, bench.Columns
		}
		var rep contactpipe.Report
		rep, err = contactpipe.Import(context.Background(), f, cfg)
		res.Rows, res.Accepted, res.Rejected, res.Duplicates, res.Chunks = rep.Rows, rep.Accepted, rep.Rejected, rep.Duplicates, len(rep.Chunks)
	case "stream", "stream-nodedupe":
		cfg := contactpipe.Config{Source: filepath.Base(file), NoDedupe: phase == "stream-nodedupe"}
		if noHeader {
			cfg.NoHeader, cfg.Columns = true, bench.Columns
		}
		for o, oerr := range contactpipe.Contacts(context.Background(), f, cfg) {
			if oerr != nil {
				err = oerr
				break
			}
			res.Rows++
			switch {
			case o.Err != nil:
				res.Rejected++
			case o.Duplicate != nil:
				res.Duplicates++
			default:
				res.Accepted++
			}
		}
	default:
		return res, fmt.Errorf("unknown phase %q", phase)
	}
	res.Seconds = time.Since(start).Seconds()
	res.CPUSeconds = cpuTime() - cpu0
	runtime.ReadMemStats(&after)
	res.PeakRSS = procStatus("VmHWM")
	res.Mallocs = after.Mallocs - before.Mallocs
	res.AllocBytes = after.TotalAlloc - before.TotalAlloc
	res.NumGC = after.NumGC - before.NumGC
	return res, err
}

func isZip(f *os.File) (bool, error) {
	var magic [4]byte
	n, err := f.ReadAt(magic[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	return n == 4 && string(magic[:]) == "PK\x03\x04", nil
}

// procStatus reads a "kB" field of /proc/self/status, in bytes; -1 where there is none.
func procStatus(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return -1
			}
			return kb << 10
		}
	}
	return -1
}

// cpuTime is the user and system CPU time of this process so far, in seconds.
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func printTable(w io.Writer, o options, file string, size int64, gen *bench.Stats, results []result) {
	floor := results[0]
	fmt.Fprintf(w, "%s, %s, %.1f MB; GOMAXPROCS=%d; %s\n", filepath.Base(file), formatOf(file), float64(size)/1e6, floor.GOMAXPROCS, machine())
	if o.inProcess {
		fmt.Fprintln(w, "(one process: the import's peak RSS includes the floor's)")
	}
	fmt.Fprintln(w)
	headers := []string{"phase", "time", "rows/s", "MB/s", "peak RSS", "start RSS", "allocs/row", "alloc B/row", "CPU time", "rows/CPU-s", "GCs", "× floor"}
	var lines [][]string
	for _, r := range results {
		name := "floor: " + floorName(file)
		switch r.Phase {
		case "import":
			name = "contactpipe.Import"
		case "stream":
			name = "contactpipe.Contacts"
		case "stream-nodedupe":
			name = "contactpipe.Contacts, NoDedupe"
		}
		rows := max(r.Rows, 1)
		lines = append(lines, []string{
			name,
			fmt.Sprintf("%.2f s", r.Seconds),
			thousands(int64(float64(r.Rows) / r.Seconds)),
			fmt.Sprintf("%.1f", float64(r.Bytes)/1e6/r.Seconds),
			mib(r.PeakRSS),
			mib(r.StartRSS),
			fmt.Sprintf("%.2f", float64(r.Mallocs)/float64(rows)),
			fmt.Sprintf("%.0f", float64(r.AllocBytes)/float64(rows)),
			fmt.Sprintf("%.2f s", r.CPUSeconds),
			thousands(int64(float64(r.Rows) / max(r.CPUSeconds, 1e-3))),
			strconv.Itoa(int(r.NumGC)),
			fmt.Sprintf("%.1f", r.Seconds/floor.Seconds),
		})
	}
	if o.markdown {
		fmt.Fprintln(w, "| "+strings.Join(headers, " | ")+" |")
		fmt.Fprintln(w, "|"+strings.Repeat("---|", len(headers)))
		for _, l := range lines {
			fmt.Fprintln(w, "| "+strings.Join(l, " | ")+" |")
		}
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, strings.Join(headers, "\t")+"\t")
		for _, l := range lines {
			fmt.Fprintln(tw, strings.Join(l, "\t")+"\t")
		}
		tw.Flush()
	}
	imp := results[len(results)-1]
	fmt.Fprintf(w, "\nimport: %d rows, %d accepted, %d rejected, %d duplicates, %d chunks", imp.Rows, imp.Accepted, imp.Rejected, imp.Duplicates, imp.Chunks)
	if gen != nil {
		if gen.Count(bench.Valid) == imp.Accepted && gen.Invalid() == imp.Rejected && gen.Count(bench.Duplicate) == imp.Duplicates {
			fmt.Fprint(w, " (as generated)")
		} else {
			fmt.Fprintf(w, " (MISMATCH: generated %d valid, %d invalid, %d duplicates)", gen.Count(bench.Valid), gen.Invalid(), gen.Count(bench.Duplicate))
		}
	}
	fmt.Fprintln(w)
}

func formatOf(file string) string {
	if strings.HasSuffix(file, ".xlsx") {
		return "xlsx"
	}
	return "csv"
}

func floorName(file string) string {
	if formatOf(file) == "xlsx" {
		return "excelize rows"
	}
	return "encoding/csv"
}

// machine describes where the figures come from: CPUs, CPU model, load, Go version, commit, date.
func machine() string {
	model := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	load := ""
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(data)); len(f) >= 3 {
			load = "; load " + strings.Join(f[:3], " ")
		}
	}
	return fmt.Sprintf("%d CPUs (%s)%s; %s %s/%s; commit %s; %s", runtime.NumCPU(), model, load,
		runtime.Version(), runtime.GOOS, runtime.GOARCH, commit(), time.Now().UTC().Format(time.DateOnly))
}

// commit is the source's commit: from the build info, else from git; "+dirty" when the tree had
// changes.
func commit() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		rev, dirty := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if len(rev) >= 12 {
			if dirty {
				return rev[:12] + "+dirty"
			}
			return rev[:12]
		}
	}
	out, err := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	rev := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		rev += "+dirty"
	}
	return rev
}

func mib(b int64) string {
	if b < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
