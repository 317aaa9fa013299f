package upload_test

import (
	"encoding/json"
	"fmt"
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

// TestJournalForgedLineIsRefused: a hand-written "accepted" line carrying a chunk's sha256 (which
// report.json publishes) must not make a resume skip the chunk: its HMAC does not verify, and the
// journal is refused before anything is sent. CheckJournal says so without touching anything.
func TestJournalForgedLineIsRefused(t *testing.T) {
	sim, srv := startSim(t, contactsim.Options{})
	out, src := t.TempDir(), t.TempDir()
	path := filepath.Join(out, upload.JournalFileName)
	c := writeChunk(t, src, 1, canonicalHeader, contactRows(3, 0))
	j := journaled(t, srv.URL, srv.Client(), path)
	require.NoError(t, j.Close())
	require.NoError(t, upload.CheckJournal(out, "source=people.csv;groups=1"))

	forged, _ := json.Marshal(upload.JournalEntry{Chunk: 1, SHA256: c.SHA256, State: upload.JournalAccepted, BatchID: "b",
		Result: &upload.Result{Target: "8x8", Landed: 3, BatchID: "b"}})
	for name, line := range map[string]string{
		"bare entry":       string(forged),
		"framed, bad mac":  fmt.Sprintf(`{"entry":%s,"mac":"%064x"}`, forged, 0),
		"framed, no mac":   fmt.Sprintf(`{"entry":%s}`, forged),
		"not json at all":  "garbage",
		"entry not object": `{"entry":"x","mac":"00"}`,
	} {
		t.Run(name, func(t *testing.T) {
			orig, err := os.ReadFile(path)
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, os.WriteFile(path, orig, 0o600)) })
			require.NoError(t, os.WriteFile(path, append(append([]byte(nil), orig...), line+"\n"...), 0o600))
			withLine, _ := os.ReadFile(path)

			err = upload.CheckJournal(out, "source=people.csv;groups=1")
			require.ErrorIs(t, err, upload.ErrJournalCorrupt)
			assert.Contains(t, err.Error(), "line 2")
			_, err = upload.WithJournal(eightByEight(srv.URL, srv.Client()), path, "source=people.csv;groups=1")
			require.ErrorIs(t, err, upload.ErrJournalCorrupt)
			after, _ := os.ReadFile(path)
			assert.Equal(t, withLine, after, "nothing was changed")
		})
	}
	assert.Empty(t, sim.Batches())

	// Without its key the journal cannot be verified.
	require.NoError(t, os.Remove(filepath.Join(out, upload.JournalKeyFileName)))
	assert.ErrorIs(t, upload.CheckJournal(out, "source=people.csv;groups=1"), upload.ErrJournalCorrupt)
	// No journal: nothing to check.
	assert.NoError(t, upload.CheckJournal(t.TempDir(), "k"))
}

func TestCheckJournalOfAnotherImport(t *testing.T) {
	dir := t.TempDir()
	j, err := upload.OpenJournal(filepath.Join(dir, upload.JournalFileName), "a")
	require.NoError(t, err)
	require.NoError(t, j.Close())
	assert.NoError(t, upload.CheckJournal(dir, "a"))
	assert.ErrorIs(t, upload.CheckJournal(dir, "b"), upload.ErrJournalMismatch)
	st, err := os.Stat(filepath.Join(dir, upload.JournalKeyFileName))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "the key is private")

	// A journal of the first format (no HMACs) belongs to another import: start fresh.
	require.NoError(t, os.WriteFile(filepath.Join(dir, upload.JournalFileName),
		[]byte(`{"journal":"contactpipe","version":1,"runKey":"a","runId":"x"}`+"\n"), 0o600))
	assert.ErrorIs(t, upload.CheckJournal(dir, "a"), upload.ErrJournalMismatch)
}

// TestJournalSymlinkNotFollowed: a journal.jsonl (or key) that is a symbolic link aimed outside the
// output directory is refused; the file it points to is left alone.
func TestJournalSymlinkNotFollowed(t *testing.T) {
	for _, name := range []string{upload.JournalFileName, upload.JournalKeyFileName} {
		t.Run(name, func(t *testing.T) {
			out, elsewhere := t.TempDir(), t.TempDir()
			victim := filepath.Join(elsewhere, "precious.txt")
			require.NoError(t, os.WriteFile(victim, []byte("keep me\n"), 0o600))
			require.NoError(t, os.Symlink(victim, filepath.Join(out, name)))
			_, err := upload.OpenJournal(filepath.Join(out, upload.JournalFileName), "k")
			require.Error(t, err)
			assert.ErrorIs(t, err, upload.ErrJournalCorrupt)
			assert.Contains(t, err.Error(), "symbolic link")
			assert.Equal(t, 1, strings.Count(err.Error(), "upload: journal"), "the prefix is said once: %v", err)
			b, _ := os.ReadFile(victim)
			assert.Equal(t, "keep me\n", string(b))
		})
	}
}

// TestJournalAcceptedIsConfirmed: on resume, each chunk the journal calls accepted is confirmed
// with one status request for its batch; a batch the target does not know, or one of another
// file, means the chunk is sent again; a failed check leaves it in doubt (neither skipped nor sent).
func TestJournalAcceptedIsConfirmed(t *testing.T) {
	for _, tc := range []struct {
		name      string
		batch     func(real, other string) string
		down      bool
		wantSent  bool
		wantDoubt bool
	}{
		{"confirmed", func(real, _ string) string { return real }, false, false, false},
		{"unknown batch: re-sent", func(string, string) string { return "3fa85f64-5717-4562-b3fc-2c963f66afa6" }, false, true, false},
		{"batch of another file: re-sent", func(_, other string) string { return other }, false, true, false},
		{"status check fails: in doubt", func(real, _ string) string { return real }, true, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim := contactsim.New(contactsim.Options{QueueDelay: 1, ProcessDelay: 1})
			front := &flakyFront{sim: sim}
			srv := httptest.NewServer(front)
			t.Cleanup(srv.Close)
			out, src := t.TempDir(), t.TempDir()
			path := filepath.Join(out, upload.JournalFileName)
			j1 := journaled(t, srv.URL, srv.Client(), path)
			var ids []string
			for i := 1; i <= 2; i++ {
				r, err := j1.Upload(t.Context(), writeChunk(t, src, i, canonicalHeader, contactRows(2, 10*i)))
				require.NoError(t, err)
				ids = append(ids, r.BatchID)
			}
			// A journal line that verifies (written with the run's key) but names another batch:
			// what a damaged or lying journal would hold.
			require.NoError(t, j1.Journal().Record(upload.JournalEntry{Chunk: 1,
				SHA256: writeChunk(t, src, 1, canonicalHeader, contactRows(2, 10)).SHA256,
				File:   "people-" + j1.Journal().RunID() + "-chunk-0001.csv", State: upload.JournalSubmitted}))
			require.NoError(t, j1.Journal().Record(upload.JournalEntry{Chunk: 1,
				SHA256: writeChunk(t, src, 1, canonicalHeader, contactRows(2, 10)).SHA256,
				File:   "people-" + j1.Journal().RunID() + "-chunk-0001.csv", State: upload.JournalAccepted,
				BatchID: tc.batch(ids[0], ids[1]), Result: &upload.Result{Target: "8x8", Landed: 2}}))
			require.NoError(t, j1.Close())
			batches := len(sim.Batches())

			front.down.Store(tc.down)
			j2 := journaled(t, srv.URL, srv.Client(), path)
			r, err := j2.Upload(t.Context(), writeChunk(t, src, 1, canonicalHeader, contactRows(2, 10)))
			if tc.wantDoubt {
				require.ErrorIs(t, err, upload.ErrInDoubt)
				assert.True(t, r.InDoubt)
			} else {
				require.NoError(t, err)
				assert.Equal(t, !tc.wantSent, r.Resumed)
			}
			sent := len(sim.Batches()) - batches
			if tc.wantSent {
				assert.Equal(t, 1, sent)
			} else {
				assert.Zero(t, sent)
			}
		})
	}
}
