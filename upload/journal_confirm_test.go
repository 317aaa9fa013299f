package upload_test

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/contactsim"
	"github.com/contactpipe/contactpipe/upload"
)

// TestJournalAcceptedBatchThatFailedIsResent: a journal line that verifies but says a chunk was
// accepted as a batch that the target reports failed (a damaged journal, or one written by a
// bug) must not make a resume skip the chunk: only a completed batch of the chunk's file confirms
// it, and this one is sent again.
func TestJournalAcceptedBatchThatFailedIsResent(t *testing.T) {
	sim := contactsim.New(contactsim.Options{QueueDelay: 1, ProcessDelay: 1, Faults: contactsim.Faults{BatchFail: 1}})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	out, src := t.TempDir(), t.TempDir()
	path := filepath.Join(out, upload.JournalFileName)
	chunk := func() upload.Chunk { return writeChunk(t, src, 1, canonicalHeader, contactRows(2, 10)) }

	j1 := journaled(t, srv.URL, srv.Client(), path)
	r, err := j1.Upload(t.Context(), chunk())
	var be *upload.BatchError
	require.ErrorAs(t, err, &be, "the batch failed")
	require.NotEmpty(t, r.BatchID)
	require.NoError(t, j1.Journal().Record(upload.JournalEntry{Chunk: 1, SHA256: chunk().SHA256,
		File: r.File, State: upload.JournalAccepted, BatchID: r.BatchID,
		Result: &upload.Result{Target: "8x8", Landed: 2, BatchID: r.BatchID}}))
	require.NoError(t, j1.Close())
	before := len(sim.Batches())

	j2 := journaled(t, srv.URL, srv.Client(), path)
	r, _ = j2.Upload(t.Context(), chunk())
	assert.False(t, r.Resumed, "a failed batch does not confirm the chunk")
	assert.Equal(t, before+1, len(sim.Batches()), "the chunk was sent again")
}

// TestJournalLinesBoundToTheirPosition: each line's HMAC covers its position, as README promises:
// two valid lines swapped, or a valid line copied to the end, are refused like a forged one.
func TestJournalLinesBoundToTheirPosition(t *testing.T) {
	_, srv := startSim(t, contactsim.Options{})
	out, src := t.TempDir(), t.TempDir()
	path := filepath.Join(out, upload.JournalFileName)
	j := journaled(t, srv.URL, srv.Client(), path)
	for i := 1; i <= 2; i++ {
		_, err := j.Upload(t.Context(), writeChunk(t, src, i, canonicalHeader, contactRows(2, 10*i)))
		require.NoError(t, err)
	}
	require.NoError(t, j.Close())
	orig, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(orig), "\n")
	require.GreaterOrEqual(t, len(lines), 4)
	for name, edit := range map[string]func([]string) []string{
		"two lines swapped": func(l []string) []string { l[1], l[2] = l[2], l[1]; return l },
		"a line replayed":   func(l []string) []string { return append(l, l[1]) },
	} {
		t.Run(name, func(t *testing.T) {
			edited := strings.Join(edit(append([]string(nil), lines...)), "")
			require.NoError(t, os.WriteFile(path, []byte(edited), 0o600))
			t.Cleanup(func() { require.NoError(t, os.WriteFile(path, orig, 0o600)) })
			assert.ErrorIs(t, upload.CheckJournal(out, "source=people.csv;groups=1"), upload.ErrJournalCorrupt)
		})
	}
	assert.NoError(t, upload.CheckJournal(out, "source=people.csv;groups=1"), "the journal as written verifies")
}
