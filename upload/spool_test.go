package upload

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSpoolMovesToDisk: an answer larger than spoolMemory is held in an unlinked temporary file,
// not in memory (an answer about a full chunk may reach the 64 MiB cap), and reads back whole;
// past the cap fill stops with ErrAnswerTooLarge.
func TestSpoolMovesToDisk(t *testing.T) {
	dir := t.TempDir()
	body := bytes.Repeat([]byte("+6591000000,x,y,z@example.com,row\n"), 4<<20/34) // 4 MiB
	s := &spool{dir: dir}
	defer s.Close()
	require.NoError(t, s.fill(bytes.NewReader(body), int64(len(body))))
	require.NotNil(t, s.f, "past %d bytes the answer is on disk", spoolMemory)
	assert.Zero(t, s.mem.Cap(), "and not in memory")
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, left, "the file is unlinked as soon as it is made")
	assert.Equal(t, int64(len(body)), s.Len())
	r, err := s.Reader()
	require.NoError(t, err)
	got, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, body, got)

	small := &spool{dir: dir}
	require.NoError(t, small.fill(bytes.NewReader(body[:1000]), 1<<20))
	assert.Nil(t, small.f, "a small answer stays in memory")

	capped := &spool{dir: dir}
	defer capped.Close()
	err = capped.fill(bytes.NewReader(body), int64(len(body))-1)
	assert.True(t, errors.Is(err, ErrAnswerTooLarge), "%v", err)
}
