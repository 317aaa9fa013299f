package sheet

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// failAfter reads r, then fails with err instead of io.EOF.
type failAfter struct {
	r   io.Reader
	err error
}

func (f *failAfter) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		err = f.err
	}
	return n, err
}

func (f *failAfter) Close() error { return f.err }

// TestAheadReader: the bytes read ahead are the part's, in order, whatever
// the sizes of the reads on either side; the part's error comes after its
// bytes and again on every Read; Close stops the goroutine wherever the
// reading is, and reports no error Read did not.
func TestAheadReader(t *testing.T) {
	defer goleak.VerifyNone(t)
	data := make([]byte, 5*aheadBufSize+123)
	for i := range data {
		data[i] = byte(i * 7 / 3)
	}
	a := newAheadReader(io.NopCloser(iotest.HalfReader(bytes.NewReader(data))))
	got, err := io.ReadAll(iotest.OneByteReader(io.LimitReader(a, 1000)))
	require.NoError(t, err)
	rest, err := io.ReadAll(a)
	require.NoError(t, err)
	assert.Equal(t, data, append(got, rest...))
	assert.NoError(t, a.Close())
	_, err = a.Read(make([]byte, 1))
	assert.ErrorIs(t, err, errReaderClosed)

	bad := errors.New("corrupt")
	a = newAheadReader(&failAfter{bytes.NewReader(data), bad})
	got, err = io.ReadAll(a)
	assert.ErrorIs(t, err, bad)
	assert.Equal(t, data, got)
	_, err = a.Read(make([]byte, 1))
	assert.ErrorIs(t, err, bad)
	assert.NoError(t, a.Close())

	// Closed early: the goroutine is blocked handing on a full buffer.
	a = newAheadReader(io.NopCloser(bytes.NewReader(data)))
	_, err = a.Read(make([]byte, 10))
	require.NoError(t, err)
	assert.NoError(t, a.Close())
}
