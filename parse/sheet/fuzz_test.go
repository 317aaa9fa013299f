package sheet

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// fuzzRead opens data with open, reads every row of the chosen sheet and of
// up to three sheets by name, and fails on a recovered panic or an error
// that is not one of the package's sentinels.
func fuzzRead(t *testing.T, open func(io.ReaderAt, int64, Options) (Reader, error), data []byte) {
	t.Helper()
	before := recovered.Load()
	defer func() {
		if recovered.Load() != before {
			t.Fatalf("a panic was recovered reading %d bytes", len(data))
		}
	}()
	opts := Options{MaxCells: 300, MaxCellBytes: 1 << 16, MaxUnzipSize: 64 << 20, MaxXMLSize: 1 << 20}
	r, err := open(bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		checkSentinel(t, err)
		return
	}
	names := r.Sheets()
	drain(t, r)
	for i, name := range names {
		if i == 3 {
			break
		}
		opts.Sheet = name
		if r, err := open(bytes.NewReader(data), int64(len(data)), opts); err == nil {
			drain(t, r)
		} else {
			checkSentinel(t, err)
		}
	}
}

// countRows reads every row of r, fails tb on an error, closes r and returns the row count.
func countRows(tb testing.TB, r Reader) int {
	tb.Helper()
	rows := 0
	for {
		_, _, err := r.Next()
		if err == io.EOF {
			break
		}
		require.NoError(tb, err)
		rows++
	}
	require.NoError(tb, r.Close())
	return rows
}

func drain(t *testing.T, r Reader) {
	t.Helper()
	defer r.Close()
	last := 0
	for i := 0; i < 1<<20; i++ {
		row, _, err := r.Next()
		if err == io.EOF {
			return
		}
		if errors.Is(err, ErrBadCell) {
			var ce *CellError
			if !errors.As(err, &ce) || ce.Row != row || ce.Column < 1 || row <= last {
				t.Fatalf("bad cell error without its cell, or out of order after row %d: row %d, %v", last, row, err)
			}
			last = row
			continue
		}
		if err != nil {
			checkSentinel(t, err)
			if _, _, again := r.Next(); again == nil || again == io.EOF {
				t.Fatalf("error not sticky: %v then %v", err, again)
			}
			return
		}
		if row <= last {
			t.Fatalf("row %d after row %d", row, last)
		}
		last = row
	}
	t.Fatal("more than 1Mi rows")
}

func checkSentinel(t *testing.T, err error) {
	t.Helper()
	for _, s := range []error{ErrMalformed, ErrTooLarge, ErrEncrypted, ErrSheetNotFound} {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("error without a sentinel: %v", err)
}

func addFiles(f *testing.F, pattern string) {
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzXLS reads arbitrary bytes as a legacy XLS workbook: never a panic, a
// hang or an error without a sentinel. Seeded with the real .xls files.
func FuzzXLS(f *testing.F) {
	addFiles(f, "*.xls")
	for _, seed := range xlsSeeds() {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, OpenXLS, data) })
}

// FuzzXLSX reads arbitrary bytes as an XLSX workbook. Seeded with the real
// .xlsx files.
func FuzzXLSX(f *testing.F) {
	addFiles(f, "*.xlsx")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, OpenXLSX, data) })
}
