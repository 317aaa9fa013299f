package sheet

import (
	"bytes"
	"errors"
	"os"
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
