package bench_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/bench"
	"github.com/contactpipe/contactpipe/normalize"
	"github.com/contactpipe/contactpipe/upload"
	"github.com/contactpipe/contactpipe/validate"
)

// benchRows is the size of the generated files the benchmarks read: $CONTACTPIPE_BENCH_ROWS, or
// 20,000 so that `go test -run=^$ -bench=. -benchtime=1x ./...` stays quick.
func benchRows(b *testing.B) int {
	if s := os.Getenv("CONTACTPIPE_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("CONTACTPIPE_BENCH_ROWS=%q: want a positive row count", s)
		}
		return n
	}
	return 20_000
}

type dataset struct {
	data  []byte
	stats bench.Stats
}

var datasets sync.Map // "format/noheader/rows" → *dataset, generated once per test binary

// data returns the generated file of n rows in the given format, seed 1.
func data(b *testing.B, n int, opts bench.Options) *dataset {
	b.Helper()
	key := fmt.Sprintf("%s/%v/%d", opts.Format, opts.NoHeader, n)
	if d, ok := datasets.Load(key); ok {
		return d.(*dataset)
	}
	var buf bytes.Buffer
	opts.Seed = 1
	st, err := bench.Generate(&buf, n, opts)
	require.NoError(b, err)
	d := &dataset{data: buf.Bytes(), stats: st}
	datasets.Store(key, d)
	return d
}

// measure runs body in b.Loop and reports rows/s, MB/s (through SetBytes) and allocations per
// row, counted from runtime.MemStats over the whole loop.
func measure(b *testing.B, rowsPerOp int, bytesPerOp int, body func()) {
	b.SetBytes(int64(bytesPerOp))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ops := 0
	for b.Loop() {
		body()
		ops++
	}
	runtime.ReadMemStats(&after)
	rows := float64(rowsPerOp) * float64(ops)
	b.ReportMetric(rows/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/rows, "allocs/row")
}

// BenchmarkImport is the end-to-end import of a generated file into a directory, as the CLI
// does it: parse → normalize → validate → dedupe → chunk → upload.Dir.
func BenchmarkImport(b *testing.B) {
	n := benchRows(b)
	for _, tc := range []struct {
		name string
		opts bench.Options
		cfg  contactpipe.Config
	}{
		{"csv", bench.Options{}, contactpipe.Config{}},
		{"csv-noheader", bench.Options{NoHeader: true}, contactpipe.Config{NoHeader: true, Columns: bench.Columns}},
		{"xlsx-inline", bench.Options{Format: bench.XLSXInline}, contactpipe.Config{}},
		{"xlsx-shared", bench.Options{Format: bench.XLSXShared}, contactpipe.Config{}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			d := data(b, n, tc.opts)
			root := b.TempDir()
			measure(b, n, len(d.data), func() {
				dir, err := os.MkdirTemp(root, "out")
				if err != nil {
					b.Fatal(err)
				}
				cfg := tc.cfg
				cfg.WorkDir, cfg.Uploader = dir, upload.Dir{Path: dir}
				rep, err := contactpipe.Import(context.Background(), bytes.NewReader(d.data), cfg)
				if err != nil {
					b.Fatal(err)
				}
				if rep.Rows != n {
					b.Fatalf("imported %d rows of %d", rep.Rows, n)
				}
				if err := os.RemoveAll(dir); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkContacts is the contact stream alone (contactpipe.Contacts): parse → normalize →
// validate → dedupe, every outcome handed to the loop, no chunk files.
func BenchmarkContacts(b *testing.B) {
	n := benchRows(b)
	d := data(b, n, bench.Options{})
	for _, tc := range []struct {
		name string
		cfg  contactpipe.Config
	}{{"csv", contactpipe.Config{}}, {"csv-nodedupe", contactpipe.Config{NoDedupe: true}}} {
		b.Run(tc.name, func(b *testing.B) {
			measure(b, n, len(d.data), func() {
				rows := 0
				for _, err := range contactpipe.Contacts(context.Background(), bytes.NewReader(d.data), tc.cfg) {
					if err != nil {
						b.Fatal(err)
					}
					rows++
				}
				if rows != n {
					b.Fatalf("streamed %d rows of %d", rows, n)
				}
			})
		})
	}
}

// BenchmarkFloor is what reading the same files costs without importing them: encoding/csv
// (ReuseRecord) for CSV, excelize's streaming row iterator for XLSX. Import's time divided by
// the floor's is the ratio issue 7 bounds.
func BenchmarkFloor(b *testing.B) {
	n := benchRows(b)
	b.Run("encoding-csv", func(b *testing.B) {
		d := data(b, n, bench.Options{})
		measure(b, n, len(d.data), func() {
			if got, err := bench.ReadCSV(bytes.NewReader(d.data)); err != nil || got != n+1 {
				b.Fatal(got, err)
			}
		})
	})
	for _, f := range []bench.Format{bench.XLSXInline, bench.XLSXShared} {
		b.Run("excelize-"+string(f), func(b *testing.B) {
			d := data(b, n, bench.Options{Format: f})
			measure(b, n, len(d.data), func() {
				if got, err := bench.ReadXLSX(bytes.NewReader(d.data)); err != nil || got != n+1 {
					b.Fatal(got, err)
				}
			})
		})
	}
}

// BenchmarkGenerate is the generator itself (CSV to io.Discard).
func BenchmarkGenerate(b *testing.B) {
	n := benchRows(b)
	measure(b, n, 0, func() {
		if _, err := bench.Generate(io.Discard, n, bench.Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkStage measures, on the generated rows, the per-row work of the stages that have no
// benchmark of their own over realistic data: normalize (country, phone in the row's country,
// e-mail, names) and validate (every field, then the address rule). parse, chunk and dedupe
// have benchmarks in their packages.
func BenchmarkStage(b *testing.B) {
	n := benchRows(b)
	g := bench.NewGenerator(1)
	rows := make([]bench.Row, n)
	for i := range rows {
		var err error
		rows[i], err = g.Next()
		require.NoError(b, err)
	}
	b.Run("normalize", func(b *testing.B) {
		measure(b, n, 0, func() {
			for i := range rows {
				normalizeRow(&rows[i])
			}
		})
	})
	type canon struct{ msisdn, email, country, first, last string }
	canons := make([]canon, 0, n)
	for i := range rows {
		c, ok := normalizeRow(&rows[i])
		if ok {
			canons = append(canons, canon(c))
		}
	}
	b.Run("validate", func(b *testing.B) {
		measure(b, len(canons), 0, func() {
			for _, c := range canons {
				_ = validate.Field("msisdn", c.msisdn)
				_ = validate.Field("email", c.email)
				_ = validate.Field("country", c.country)
				_ = validate.Field("firstName", c.first)
				_ = validate.Field("lastName", c.last)
				_ = validate.Addresses(c.msisdn, c.email)
			}
		})
	})
}

// normalizeRow does what the pipeline's normalize step does for a generated row.
func normalizeRow(r *bench.Row) (c struct{ msisdn, email, country, first, last string }, ok bool) {
	var err error
	if c.country, err = normalize.Country(r.Country); err != nil {
		return c, false
	}
	if r.Phone != "" {
		ph, err := normalize.PhoneNumber(r.Phone, c.country)
		if err != nil {
			return c, false
		}
		c.msisdn = ph.E164
	}
	if r.Email != "" {
		if c.email, err = normalize.Email(r.Email); err != nil {
			return c, false
		}
	}
	if c.first, err = normalize.Name(r.FirstName); err != nil {
		return c, false
	}
	if c.last, err = normalize.Name(r.LastName); err != nil {
		return c, false
	}
	return c, true
}

// TestImportAccountsForGeneratedRows imports generated files and checks that the pipeline makes
// of every kind of row what the generator says it is: the generator's labels and the normalization
// rules agree, so the benchmarks measure the work they claim to.
func TestImportAccountsForGeneratedRows(t *testing.T) {
	const n = 5000 / scale
	for _, tc := range []struct {
		name string
		opts bench.Options
		cfg  contactpipe.Config
	}{
		{"csv", bench.Options{Seed: 2}, contactpipe.Config{}},
		{"csv-noheader", bench.Options{Seed: 2, NoHeader: true}, contactpipe.Config{NoHeader: true, Columns: bench.Columns}},
		{"xlsx-shared", bench.Options{Seed: 2, Format: bench.XLSXShared}, contactpipe.Config{}},
		{"xlsx-inline", bench.Options{Seed: 2, Format: bench.XLSXInline}, contactpipe.Config{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			st, err := bench.Generate(&buf, n, tc.opts)
			require.NoError(t, err)
			rows := rowsOf(t, n, tc.opts.Seed)
			dir := t.TempDir()
			cfg := tc.cfg
			cfg.WorkDir, cfg.Uploader = dir, upload.Dir{Path: dir}
			first := 2 // spreadsheet row of the first data row
			if tc.opts.NoHeader {
				first = 1
			}
			var rejected, duplicates []string
			cfg.OnRejected = func(r contactpipe.Rejected) {
				if k := rows[r.Err.Row-first].Kind; k == bench.Valid || k == bench.Duplicate {
					rejected = append(rejected, fmt.Sprintf("row %d (%s, %s %q, country %q, email %q): %s %v",
						r.Err.Row, k, rows[r.Err.Row-first].Style, rows[r.Err.Row-first].Phone, rows[r.Err.Row-first].Country, rows[r.Err.Row-first].Email, r.Err.Code, r.Err.Err))
				}
			}
			cfg.OnDuplicate = func(d contactpipe.Duplicate) {
				if r := rows[d.Row-first]; r.Kind != bench.Duplicate || r.DuplicateOf+first-1 != d.DuplicateOf {
					duplicates = append(duplicates, fmt.Sprintf("row %d (%s) reported as a duplicate of row %d", d.Row, r.Kind, d.DuplicateOf))
				}
			}
			rep, err := contactpipe.Import(context.Background(), &buf, cfg)
			require.NoError(t, err)
			assert.Empty(t, rejected, "valid rows rejected")
			assert.Empty(t, duplicates, "wrong duplicates")
			assert.Equal(t, n, rep.Rows)
			assert.Equal(t, st.Count(bench.Valid), rep.Accepted, "accepted")
			assert.Equal(t, st.Count(bench.Duplicate), rep.Duplicates, "duplicates")
			assert.Equal(t, st.Invalid(), rep.Rejected, "rejected")
		})
	}
}

// TestFloorReaders checks the floor readers count what was generated.
func TestFloorReaders(t *testing.T) {
	for _, f := range []bench.Format{bench.CSV, bench.XLSXInline, bench.XLSXShared} {
		d, _ := generate(t, 700, bench.Options{Format: f})
		var got int
		var err error
		if f == bench.CSV {
			got, err = bench.ReadCSV(bytes.NewReader(d))
		} else {
			got, err = bench.ReadXLSX(bytes.NewReader(d))
		}
		require.NoError(t, err)
		assert.Equal(t, 701, got, string(f))
	}
	_, err := bench.ReadXLSX(bytes.NewReader([]byte("not a zip")))
	assert.Error(t, err)
}
