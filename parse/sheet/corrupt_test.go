package sheet

import (
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCorruptCopies reads truncated and bit-flipped copies of every real
// test workbook: each must end in an error or rows, never a panic, and
// within a time limit.
func TestCorruptCopies(t *testing.T) {
	files, err := filepath.Glob("testdata/*.xls*")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	copies := 150
	if testing.Short() {
		copies = 20
	}
	for _, name := range files {
		open := OpenXLS
		if filepath.Ext(name) == ".xlsx" {
			open = OpenXLSX
		}
		t.Run(filepath.Base(name), func(t *testing.T) {
			orig, err := os.ReadFile(name)
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(1, uint64(len(orig))))
			for i := 0; i < copies; i++ {
				data := append([]byte(nil), orig...)
				switch i % 3 {
				case 0: // truncate
					data = data[:rng.IntN(len(data))]
				case 1: // flip a few bits
					for k := 0; k < 1+rng.IntN(8); k++ {
						data[rng.IntN(len(data))] ^= 1 << rng.IntN(8)
					}
				case 2: // overwrite a run with random bytes
					at := rng.IntN(len(data))
					for k := at; k < min(len(data), at+1+rng.IntN(64)); k++ {
						data[k] = byte(rng.Uint32())
					}
				}
				withTimeout(t, 20*time.Second, func() { fuzzRead(t, open, data) })
			}
		})
	}
}

// withTimeout fails the test if fn does not return within d (a hang).
func withTimeout(t *testing.T, d time.Duration, fn func()) {
	t.Helper()
	done := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
		if el := time.Since(start); el > d/4 {
			t.Logf("slow input: %v", el)
		}
	case <-time.After(d):
		t.Fatalf("no result after %v: a hang", d)
	}
}

var _ = io.EOF
