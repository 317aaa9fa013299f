package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"

	"github.com/contactpipe/contactpipe/bench"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSpillNotMapped: a spilled table that cannot be mapped (a file system
// without mmap) is read back into memory, and reads the same.
func TestSpillNotMapped(t *testing.T) {
	var b bytes.Buffer
	_, err := bench.Generate(&b, 2000, bench.Options{Format: bench.XLSXShared, Seed: 4})
	require.NoError(t, err)
	oldMin, oldMap := spillMin, mmapFile
	defer func() { spillMin, mmapFile = oldMin, oldMap }()
	spillMin = 0
	want := readTrace(b.Bytes(), Options{})
	calls := 0
	mmapFile = func(*os.File, int) ([]byte, error) {
		calls++
		return nil, errors.New("no mmap here")
	}
	assert.Equal(t, want, readTrace(b.Bytes(), Options{SpillDir: t.TempDir()}))
	assert.Equal(t, 1, calls)
}

// TestSpillWriteFails: when the spill file cannot be written (a full disk) at its first write,
// in the middle or at the last one, the table is kept in memory instead, with the entries
// already spilled read back, and reads the same.
func TestSpillWriteFails(t *testing.T) {
	var b bytes.Buffer
	_, err := bench.Generate(&b, 20000, bench.Options{Format: bench.XLSXShared, Seed: 5})
	require.NoError(t, err)
	oldMin, oldWrite := spillMin, spillWriteAt
	defer func() { spillMin, spillWriteAt = oldMin, oldWrite }()
	spillMin = 0
	want := readTrace(b.Bytes(), Options{})
	writes := 0
	spillWriteAt = func(f *os.File, p []byte, off int64) (int, error) {
		writes++
		return f.WriteAt(p, off)
	}
	require.Equal(t, want, readTrace(b.Bytes(), Options{SpillDir: t.TempDir()}))
	require.Greater(t, writes, 2, "the table must take several writes")
	for _, failAt := range []int{1, writes / 2, writes} {
		t.Run(fmt.Sprintf("write %d of %d", failAt, writes), func(t *testing.T) {
			n, failed := 0, 0
			spillWriteAt = func(f *os.File, p []byte, off int64) (int, error) {
				if n++; n >= failAt {
					failed++
					k, _ := f.WriteAt(p[:len(p)/2], off) // half written, as a disk filling up does
					return k, syscall.ENOSPC
				}
				return f.WriteAt(p, off)
			}
			assert.Equal(t, want, readTrace(b.Bytes(), Options{SpillDir: t.TempDir()}))
			assert.Equal(t, 1, failed, "after a failed write the table stays in memory")
		})
	}
}
