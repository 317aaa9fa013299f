// Command gen writes a generated contact list (see package bench) to a file or stdout.
//
//	go run ./bench/cmd/gen -rows 1000000 -format csv -o /tmp/contacts-1m.csv
//
// Formats: csv, xlsx (shared strings, as Excel writes), xlsx-shared, xlsx-inline. The same -seed
// and -rows give the same bytes. A summary of the rows by kind goes to stderr.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/contactpipe/contactpipe/bench"
)

func main() {
	rows := flag.Int("rows", 100_000, "number of data rows")
	format := flag.String("format", "csv", "csv, xlsx (= xlsx-shared), xlsx-shared or xlsx-inline")
	out := flag.String("o", "-", "output file; - writes to stdout")
	seed := flag.Uint64("seed", 1, "generator seed")
	noHeader := flag.Bool("no-header", false, "leave out the header row (import with -header=false -columns firstName,lastName,msisdn,email,country)")
	quiet := flag.Bool("q", false, "no summary on stderr")
	flag.Parse()
	if flag.NArg() > 0 || *rows < 0 {
		flag.Usage()
		os.Exit(2)
	}
	f := bench.Format(*format)
	if f == "xlsx" {
		f = bench.XLSXShared
	}
	if err := run(*out, *rows, bench.Options{Seed: *seed, Format: f, NoHeader: *noHeader}, *quiet); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(out string, n int, opts bench.Options, quiet bool) (err error) {
	start := time.Now()
	var w io.Writer = os.Stdout
	var cw *countingWriter
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer func() {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	cw = &countingWriter{w: bw}
	st, err := bench.Generate(cw, n, opts)
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if !quiet {
		fmt.Fprintf(os.Stderr, "gen: %d rows, %d bytes in %v: valid %d, duplicate %d, invalid phone %d, invalid email %d, no address %d, invalid country %d\n",
			st.Rows, cw.n, time.Since(start).Round(time.Millisecond), st.Count(bench.Valid), st.Count(bench.Duplicate),
			st.Count(bench.InvalidPhone), st.Count(bench.InvalidEmail), st.Count(bench.NoAddress), st.Count(bench.InvalidCountry))
	}
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
