package contactpipe_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/upload"
)

// doubtingUploader answers every chunk as its index says: odd chunks in doubt, even ones failed.
type doubtingUploader struct{}

func (doubtingUploader) Upload(_ context.Context, c upload.Chunk) (upload.Result, error) {
	if c.Index%2 == 1 {
		return upload.Result{Target: "test", InDoubt: true}, errors.New("sent, no answer")
	}
	return upload.Result{Target: "test"}, errors.New("refused")
}

// TestImportInDoubtIsNotFailed: a chunk that may have landed is reported as in doubt, not as
// failed, in Import's error (which the CLI prints).
func TestImportInDoubtIsNotFailed(t *testing.T) {
	var b strings.Builder
	b.WriteString("phone\n")
	for i := range 3 {
		b.WriteString("+1650253000" + string(rune('0'+i)) + "\n")
	}
	rep, err := contactpipe.Import(context.Background(), strings.NewReader(b.String()), contactpipe.Config{
		Uploader: doubtingUploader{}, WorkDir: t.TempDir(), MaxChunkRows: 1,
	})
	require.ErrorIs(t, err, contactpipe.ErrNotLanded)
	require.Len(t, rep.Chunks, 3)
	first, _, _ := strings.Cut(err.Error(), "\n")
	assert.Equal(t, "contactpipe: some chunks did not land: 1 failed, 2 in doubt (of 3 chunks)", first)
}
