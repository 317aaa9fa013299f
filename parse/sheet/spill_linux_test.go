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

// spilledWorkbook is a workbook of rows rows with shared strings, and what reading it without
// spilling gives; every table spills for the rest of the test.
func spilledWorkbook(t *testing.T, rows int, seed uint64) ([]byte, []string) {
	t.Helper()
	var b bytes.Buffer
	_, err := bench.Generate(&b, rows, bench.Options{Format: bench.XLSXShared, Seed: seed})
	require.NoError(t, err)
	oldMin := spillMin
	t.Cleanup(func() { spillMin = oldMin })
	spillMin = 0
	return b.Bytes(), readTrace(b.Bytes(), Options{})
}

// TestSpillNotMapped: a spilled table that cannot be mapped (a file system
// without mmap) is read back into memory, and reads the same.
func TestSpillNotMapped(t *testing.T) {
	data, want := spilledWorkbook(t, 2000, 4)
	oldMap := mmapFile
	defer func() { mmapFile = oldMap }()
	calls := 0
	mmapFile = func(*os.File, int) ([]byte, error) {
		calls++
		return nil, errors.New("no mmap here")
	}
	assert.Equal(t, want, readTrace(data, Options{SpillDir: t.TempDir()}))
	assert.Equal(t, 1, calls)
}

// TestSpillWriteFails: when the spill file cannot be written (a full disk) at its first write,
// in the middle or at the last one, the table is kept in memory instead, with the entries
// already spilled read back, and reads the same.
func TestSpillWriteFails(t *testing.T) {
	data, want := spilledWorkbook(t, 20000, 5)
	oldWrite := spillWriteAt
	defer func() { spillWriteAt = oldWrite }()
	writes := 0
	spillWriteAt = func(f *os.File, p []byte, off int64) (int, error) {
		writes++
		return f.WriteAt(p, off)
	}
	require.Equal(t, want, readTrace(data, Options{SpillDir: t.TempDir()}))
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
			assert.Equal(t, want, readTrace(data, Options{SpillDir: t.TempDir()}))
			assert.Equal(t, 1, failed, "after a failed write the table stays in memory")
		})
	}
}
