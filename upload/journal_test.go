package upload_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/contactsim"
	"github.com/contactpipe/contactpipe/upload"
)

// flakyFront sits in front of the simulator: while down, every request has its connection cut
// (after the simulator handled it when commitThenDown fires on a POST).
type flakyFront struct {
	sim  http.Handler
	down atomic.Bool
	// commitThenDown: the next createContacts is committed, its answer lost, and the server goes down.
	commitThenDown atomic.Bool
	// dropThenDown: the next createContacts is read and dropped, and the server goes down.
	dropThenDown atomic.Bool
	// downAfterPost: the next createContacts is answered, then the server goes down.
	downAfterPost atomic.Bool
	lists         atomic.Int64
}

func (f *flakyFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	create := r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/createContacts")
	if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/batches") {
		f.lists.Add(1)
	}
	switch {
	case f.down.Load():
		_, _ = io.Copy(io.Discard, r.Body)
		panic(http.ErrAbortHandler)
	case create && f.commitThenDown.CompareAndSwap(true, false):
		f.sim.ServeHTTP(httptest.NewRecorder(), r)
		f.down.Store(true)
		panic(http.ErrAbortHandler)
	case create && f.dropThenDown.CompareAndSwap(true, false):
		_, _ = io.Copy(io.Discard, r.Body)
		f.down.Store(true)
		panic(http.ErrAbortHandler)
	case create && f.downAfterPost.CompareAndSwap(true, false):
		f.sim.ServeHTTP(w, r)
		f.down.Store(true)
		return
	}
	f.sim.ServeHTTP(w, r)
}

// journaled wraps a fresh 8x8 uploader for base with the journal at path.
func journaled(t *testing.T, base string, hc *http.Client, path string) *upload.Journaled {
	t.Helper()
	u := eightByEight(base, hc)
	u.FilePrefix = "people.csv"
	u.Retry.MaxAttempts = 2
	j, err := upload.WithJournal(u, path, "source=people.csv;groups=1")
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	return j
}

func TestJournalResumeSkipsLandedChunks(t *testing.T) {
	sim, srv := startSim(t, contactsim.Options{})
	out, src := t.TempDir(), t.TempDir()
	path := filepath.Join(out, upload.JournalFileName)
	chunks := func() []upload.Chunk {
		var cs []upload.Chunk
		for i := 1; i <= 3; i++ {
			cs = append(cs, writeChunk(t, src, i, canonicalHeader, contactRows(4, 10*i)))
		}
		return cs
	}
	j1 := journaled(t, srv.URL, srv.Client(), path)
	var first []upload.Result
	for _, c := range chunks() {
		r, err := j1.Upload(t.Context(), c)
		require.NoError(t, err)
		assert.False(t, r.Resumed)
		first = append(first, r)
	}
	assert.Contains(t, first[0].File, "people-"+j1.Journal().RunID()+"-chunk-0001.csv", "file names carry the journal's run id")
	require.NoError(t, j1.Close())
	before := sim.Stats().Requests

	j2 := journaled(t, srv.URL, srv.Client(), path)
	j2.Stats = new(upload.Stats)
	assert.Equal(t, j1.Journal().RunID(), j2.Journal().RunID())
	for i, c := range chunks() {
		r, err := j2.Upload(t.Context(), c)
		require.NoError(t, err)
		assert.True(t, r.Resumed)
		assert.Equal(t, first[i].BatchID, r.BatchID)
		assert.Equal(t, 4, r.Landed)
		assert.NoFileExists(t, c.Path)
	}
	assert.Equal(t, before+3, sim.Stats().Requests, "one status request per chunk confirmed it; nothing sent again")
	assert.EqualValues(t, 3, j2.Stats.Snapshot().Resumed)
	assert.Len(t, sim.Batches(), 3)

	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	entries := j2.Journal().Entries()
	require.Len(t, entries, 3)
	for _, e := range entries {
		assert.Equal(t, upload.JournalAccepted, e.State)
		assert.NotEmpty(t, e.BatchID)
		assert.Len(t, e.SHA256, 64)
	}
}

func TestJournalOfAnotherImportIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), upload.JournalFileName)
	j, err := upload.OpenJournal(path, "a")
	require.NoError(t, err)
	require.NoError(t, j.Close())
	_, err = upload.WithJournal(upload.Dir{}, path, "b")
	var mm *upload.JournalMismatchError
	require.ErrorAs(t, err, &mm)
	assert.ErrorIs(t, err, upload.ErrJournalMismatch)
	assert.Contains(t, err.Error(), "another import")

	require.NoError(t, os.WriteFile(path, []byte("{\"hello\":1}\n"), 0o600))
	_, err = upload.OpenJournal(path, "a")
	assert.ErrorContains(t, err, "not a contactpipe journal")
}

func TestJournalReconcilesChunksInDoubt(t *testing.T) {
	for _, tc := range []struct {
		name        string
		arm         func(f *flakyFront)
		wantBatches int
		reconciled  bool
		wantLists   bool
	}{
		{"landed before the answer was lost", func(f *flakyFront) { f.commitThenDown.Store(true) }, 1, true, true},
		{"never landed", func(f *flakyFront) { f.dropThenDown.Store(true) }, 1, false, true},
		{"batch id known, lost while polling", func(f *flakyFront) { f.downAfterPost.Store(true) }, 1, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim := contactsim.New(contactsim.Options{QueueDelay: 1, ProcessDelay: 1})
			front := &flakyFront{sim: sim}
			srv := httptest.NewServer(front)
			t.Cleanup(srv.Close)
			out, src := t.TempDir(), t.TempDir()
			path := filepath.Join(out, upload.JournalFileName)

			tc.arm(front)
			j1 := journaled(t, srv.URL, srv.Client(), path)
			res, err := j1.Upload(t.Context(), writeChunk(t, src, 1, canonicalHeader, contactRows(5, 0)))
			require.ErrorIs(t, err, upload.ErrInDoubt)
			assert.True(t, res.InDoubt)
			require.NoError(t, j1.Close())
			e, ok := j1.Journal().Last(1)
			require.True(t, ok)
			assert.Equal(t, upload.JournalInDoubt, e.State)

			// The rerun: the server is back.
			front.down.Store(false)
			front.lists.Store(0)
			j2 := journaled(t, srv.URL, srv.Client(), path)
			res, err = j2.Upload(t.Context(), writeChunk(t, src, 1, canonicalHeader, contactRows(5, 0)))
			require.NoError(t, err)
			assert.Equal(t, tc.reconciled, res.Reconciled)
			assert.Equal(t, 5, res.Landed)
			assert.Equal(t, tc.wantLists, front.lists.Load() > 0, "batch list searched")
			assert.Len(t, sim.Batches(), tc.wantBatches, "uploaded again only when it had not landed")
			assert.Len(t, sim.Contacts(), 5)
			e, _ = j2.Journal().Last(1)
			assert.Equal(t, upload.JournalAccepted, e.State)
		})
	}
}

func TestJournalFailedAndChangedChunksAreUploaded(t *testing.T) {
	sim, srv := startSim(t, contactsim.Options{})
	out, src := t.TempDir(), t.TempDir()
	path := filepath.Join(out, upload.JournalFileName)
	j1 := journaled(t, srv.URL, srv.Client(), path)
	// Chunk 1 fails (no address column): journaled failed. Chunk 2 lands.
	_, err := j1.Upload(t.Context(), writeChunk(t, src, 1, []string{"firstName"}, [][]string{{"x"}}))
	require.Error(t, err)
	_, err = j1.Upload(t.Context(), writeChunk(t, src, 2, canonicalHeader, contactRows(2, 0)))
	require.NoError(t, err)
	e, _ := j1.Journal().Last(1)
	assert.Equal(t, upload.JournalFailed, e.State)
	assert.Contains(t, e.Error, "status 400")
	require.NoError(t, j1.Close())

	j2 := journaled(t, srv.URL, srv.Client(), path)
	r1, err := j2.Upload(t.Context(), writeChunk(t, src, 1, canonicalHeader, contactRows(2, 50)))
	require.NoError(t, err)
	assert.False(t, r1.Resumed)
	r2, err := j2.Upload(t.Context(), writeChunk(t, src, 2, canonicalHeader, contactRows(3, 0)))
	require.NoError(t, err)
	assert.False(t, r2.Resumed, "same index, other content: uploaded")
	assert.Len(t, sim.Batches(), 3)
}

func TestJournalTornLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), upload.JournalFileName)
	j, err := upload.OpenJournal(path, "k")
	require.NoError(t, err)
	require.NoError(t, j.Record(upload.JournalEntry{Chunk: 1, SHA256: "ab", State: upload.JournalAccepted, Result: &upload.Result{Landed: 3}}))
	require.NoError(t, j.Close())
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"chunk":2,"sha256":"cd","sta`)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	j, err = upload.OpenJournal(path, "k")
	require.NoError(t, err)
	_, ok := j.Last(2)
	assert.False(t, ok, "the torn entry is dropped")
	require.NoError(t, j.Record(upload.JournalEntry{Chunk: 2, SHA256: "cd", State: upload.JournalFailed}))
	require.NoError(t, j.Close())
	j, err = upload.OpenJournal(path, "k")
	require.NoError(t, err)
	e, ok := j.Last(2)
	require.True(t, ok)
	assert.Equal(t, upload.JournalFailed, e.State)
	e, _ = j.Last(1)
	assert.Equal(t, 3, e.Result.Landed)
	require.NoError(t, j.Close())

	// A journal torn inside its header starts over.
	require.NoError(t, os.WriteFile(path, []byte(`{"journal":"contac`), 0o600))
	j, err = upload.OpenJournal(path, "other")
	require.NoError(t, err)
	require.NoError(t, j.Close())
}

func TestJournalCancelLeavesChunkInDoubt(t *testing.T) {
	sim := contactsim.New(contactsim.Options{QueueDelay: 1, ProcessDelay: 1})
	started := make(chan struct{}, 1)
	var hang atomic.Bool
	hang.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hang.Load() && r.Method == http.MethodPost {
			sim.ServeHTTP(httptest.NewRecorder(), r) // committed…
			started <- struct{}{}
			<-r.Context().Done() // …and the answer never comes before Ctrl-C
			return
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	out, src := t.TempDir(), t.TempDir()
	path := filepath.Join(out, upload.JournalFileName)
	j1 := journaled(t, srv.URL, srv.Client(), path)
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-started; cancel() }()
	_, err := j1.Upload(ctx, writeChunk(t, src, 1, canonicalHeader, contactRows(3, 0)))
	require.ErrorIs(t, err, upload.ErrInDoubt)
	e, _ := j1.Journal().Last(1)
	assert.Equal(t, upload.JournalInDoubt, e.State)
	require.NoError(t, j1.Close())

	hang.Store(false)
	j2 := journaled(t, srv.URL, srv.Client(), path)
	res, err := j2.Upload(t.Context(), writeChunk(t, src, 1, canonicalHeader, contactRows(3, 0)))
	require.NoError(t, err)
	assert.True(t, res.Reconciled)
	assert.Len(t, sim.Batches(), 1)
}

func TestJournalKoreAIResendsChunksInDoubt(t *testing.T) {
	sim := contactsim.New(contactsim.Options{})
	var down atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			_, _ = io.Copy(io.Discard, r.Body)
			panic(http.ErrAbortHandler)
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), upload.JournalFileName)
	src := t.TempDir()
	k := koreAI(srv.URL, srv.Client())
	k.Retry.MaxAttempts = 1
	j1, err := upload.WithJournal(k, path, "kore")
	require.NoError(t, err)
	col, ok := j1.Uploader().(upload.Columner)
	require.True(t, ok, "the journal passes the target's columns on")
	assert.Equal(t, upload.KoreAIColumns(), col.Columns())
	assert.Equal(t, []string{"msisdn"}, col.Required())
	down.Store(true)
	_, err = j1.Upload(t.Context(), writeChunk(t, src, 1, upload.KoreAIColumns(), koreRows(2, 0)))
	require.ErrorIs(t, err, upload.ErrInDoubt)
	require.NoError(t, j1.Close())

	down.Store(false)
	j2, err := upload.WithJournal(koreAI(srv.URL, srv.Client()), path, "kore")
	require.NoError(t, err)
	defer j2.Close()
	res, err := j2.Upload(t.Context(), writeChunk(t, src, 1, upload.KoreAIColumns(), koreRows(2, 0)))
	require.NoError(t, err)
	assert.Equal(t, 1, res.Resent, "kore.ai has no batch list: the chunk in doubt is re-sent, and counted")
	assert.Equal(t, 2, res.Landed, "the first attempt never reached kore.ai")

	// Had it landed, the re-sent rows come back refused, saying why.
	down.Store(true)
	j4, err := upload.WithJournal(koreAI(srv.URL, srv.Client()), path, "kore")
	require.NoError(t, err)
	defer j4.Close()
	k4 := koreAI(srv.URL, srv.Client())
	k4.Retry.MaxAttempts = 1
	j5 := j4.Journal().Wrap(k4)
	_, err = j5.Upload(t.Context(), writeChunk(t, src, 2, upload.KoreAIColumns(), koreRows(2, 0)))
	require.ErrorIs(t, err, upload.ErrInDoubt)
	down.Store(false)
	res, err = j4.Upload(t.Context(), writeChunk(t, src, 2, upload.KoreAIColumns(), koreRows(2, 0)))
	require.NoError(t, err)
	assert.Equal(t, 0, res.Landed)
	require.Len(t, res.ServerRejected, 2)
	assert.Contains(t, res.ServerRejected[0].Message, "re-sent")

	j3, err := upload.WithJournal(eightByEight(srv.URL, srv.Client()), filepath.Join(t.TempDir(), "j"), "x")
	require.NoError(t, err)
	defer j3.Close()
	_, ok = j3.Uploader().(upload.Columner)
	assert.False(t, ok, "8x8 takes the canonical columns")
}
