package upload_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/contactsim"
	"github.com/contactpipe/contactpipe/upload"
)

// Each test here pins a behaviour an outside mutation check found no test guarding, by injecting
// the fault with the simulator.

var quick = contactsim.Options{QueueDelay: time.Millisecond, ProcessDelay: time.Millisecond}

// TestReconcileLookupFailureIsInDoubt: a chunk an earlier run left in doubt is reconciled on
// resume; when the lookup (batch status, batch list) fails, the chunk stays in doubt and is never
// uploaded again (a re-upload would duplicate its contacts).
func TestReconcileLookupFailureIsInDoubt(t *testing.T) {
	for _, tc := range []struct {
		name     string
		batchID  bool // the journal recorded the batch id: status is asked first
		faults   contactsim.Faults
		wantList bool
	}{
		{"batch list fails", false, contactsim.Faults{ListError: true}, true},
		{"batch status fails", true, contactsim.Faults{StatusError: true, ListError: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := quick
			opts.Faults = tc.faults
			sim, srv := startSim(t, opts)
			out, src := t.TempDir(), t.TempDir()
			path := filepath.Join(out, upload.JournalFileName)
			c := writeChunk(t, src, 1, canonicalHeader, contactRows(2, 0))
			j, err := upload.OpenJournal(path, "k")
			require.NoError(t, err)
			e := upload.JournalEntry{Chunk: 1, SHA256: c.SHA256, File: "people-" + j.RunID() + "-chunk-0001.csv", State: upload.JournalSubmitted}
			require.NoError(t, j.Record(e))
			if tc.batchID {
				e.BatchID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
				require.NoError(t, j.Record(e))
			}
			u := eightByEight(srv.URL, srv.Client())
			u.FilePrefix = "people.csv"
			u.Retry.MaxAttempts = 2
			res, err := j.Wrap(u).Upload(t.Context(), c)
			require.ErrorIs(t, err, upload.ErrInDoubt)
			assert.True(t, res.InDoubt)
			assert.Empty(t, sim.Batches(), "not uploaded again")
			require.NoError(t, j.Close())
		})
	}
}

// TestEightByEightAnswerNamingNoBatch: a 202 whose body names no batch is looked up by file name
// (and followed), not sent again; when the lookup fails too, the chunk is in doubt.
func TestEightByEightAnswerNamingNoBatch(t *testing.T) {
	t.Run("found by name", func(t *testing.T) {
		opts := quick
		opts.Faults = contactsim.Faults{AnonymousBatch: true}
		sim, srv := startSim(t, opts)
		res, err := eightByEight(srv.URL, srv.Client()).Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(3, 0)))
		require.NoError(t, err)
		require.Len(t, sim.Batches(), 1, "sent once")
		assert.Equal(t, sim.Batches()[0].ID, res.BatchID)
		assert.Equal(t, "completed", res.Status)
		assert.Equal(t, 3, res.Landed)
	})
	t.Run("lookup fails", func(t *testing.T) {
		opts := quick
		opts.Faults = contactsim.Faults{AnonymousBatch: true, ListError: true}
		sim, srv := startSim(t, opts)
		res, err := eightByEight(srv.URL, srv.Client()).Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(3, 0)))
		require.ErrorIs(t, err, upload.ErrInDoubt)
		assert.True(t, res.InDoubt)
		assert.Zero(t, res.Landed)
		assert.Len(t, sim.Batches(), 1, "sent once")
	})
}

// TestKoreAIUndecodableAnswerIsInDoubt: Kore.ai answered 2xx (the import ran) with a body we
// cannot read: what it created is unknown, so the chunk is in doubt, not failed.
func TestKoreAIUndecodableAnswerIsInDoubt(t *testing.T) {
	sim, srv := startSim(t, contactsim.Options{Faults: contactsim.Faults{KoreGarbage: true}})
	res, err := koreAI(srv.URL, srv.Client()).Upload(t.Context(), writeChunk(t, t.TempDir(), 1, upload.KoreAIColumns(), koreRows(3, 0)))
	require.ErrorIs(t, err, upload.ErrInDoubt)
	assert.True(t, res.InDoubt)
	assert.Equal(t, "in-doubt", res.Status)
	assert.Equal(t, 1, res.Attempts, "not sent again")
	assert.Len(t, sim.KoreContacts(), 3, "the import did run")
}

// TestUnreadableInvalidRowsFile: with counts, the refused rows are counted but not located; without
// counts the chunk is in doubt.
func TestUnreadableInvalidRowsFile(t *testing.T) {
	for _, tc := range []struct {
		name      string
		omit      bool
		status    int
		wantDoubt bool
	}{
		{"404 with counts", false, http.StatusNotFound, false},
		{"500 with counts", false, http.StatusInternalServerError, false},
		{"404 without counts", true, http.StatusNotFound, true},
		{"403 without counts", true, http.StatusForbidden, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := quick
			opts.Faults = contactsim.Faults{InvalidFileStatus: tc.status, OmitCounts: tc.omit}
			sim, srv := startSim(t, opts)
			u := eightByEight(srv.URL, srv.Client())
			u.Retry.MaxAttempts = 2
			res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, rejectRows()))
			assert.Positive(t, sim.Stats().FileRequests)
			assert.Empty(t, res.ServerRejected)
			if tc.wantDoubt {
				require.ErrorIs(t, err, upload.ErrInDoubt)
				assert.True(t, res.InDoubt)
				assert.Zero(t, res.Landed)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 2, res.Unmatched)
			assert.Equal(t, 3, res.Landed)
		})
	}
}

// TestRetryAfterAtTheCap: a Retry-After exactly at MaxRetryAfter is honoured; a second more is not.
func TestRetryAfterAtTheCap(t *testing.T) {
	for _, tc := range []struct {
		retryAfter string
		wantWait   bool
	}{{"120", true}, {"121", false}} {
		t.Run(tc.retryAfter, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				sim := contactsim.New(contactsim.Options{})
				var mu sync.Mutex
				limited := false
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					first := !limited && isPost(r)
					limited = limited || first
					mu.Unlock()
					if first {
						w.Header().Set("Retry-After", tc.retryAfter)
						w.WriteHeader(http.StatusTooManyRequests)
						return
					}
					sim.ServeHTTP(w, r)
				})
				u := eightByEight(pipeURL, onPipes(t, h))
				u.Retry = upload.RetryPolicy{MaxRetryAfter: 2 * time.Minute}
				u.NoWait = true
				start := time.Now()
				res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(1, 0)))
				if tc.wantWait {
					require.NoError(t, err)
					assert.Equal(t, 2, res.Attempts)
					assert.Equal(t, 2*time.Minute, time.Since(start))
					return
				}
				assert.ErrorIs(t, err, upload.ErrRetryAfterTooLong)
				assert.Equal(t, 1, res.Attempts)
				assert.Zero(t, time.Since(start))
			})
		})
	}
}

// TestAlways413 is a target that refuses every file as too large: a 1,000-row chunk used to cost
// 1,999 requests and 999 splits outside the retry budget. Now the first half is split down to a
// single row (about log2(1000) requests), that row fails with a clear error, and nothing more of
// the chunk is sent; every split spends the run's retry budget.
func TestAlways413(t *testing.T) {
	for _, tc := range []struct {
		name        string
		budget      int
		maxRequests int64
		want        error
	}{
		{"default budget", 500, 12, upload.ErrFileTooLarge},
		{"budget of 3", 3, 4, upload.ErrRetryBudgetExhausted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var requests atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				_, _ = io.Copy(io.Discard, r.Body)
				w.WriteHeader(http.StatusRequestEntityTooLarge)
			}))
			t.Cleanup(srv.Close)
			budget := upload.NewRetryBudget(tc.budget)
			for _, u := range []upload.Uploader{
				func() upload.Uploader {
					u := eightByEight(srv.URL, srv.Client())
					u.Retry.Budget = budget
					return u
				}(),
				func() upload.Uploader {
					k := koreAI(srv.URL, srv.Client())
					k.Retry.Budget = budget
					return k
				}(),
			} {
				requests.Store(0)
				before := budget.Remaining()
				header := canonicalHeader
				rows := contactRows(1000, 0)
				if _, ok := u.(upload.Columner); ok {
					header, rows = upload.KoreAIColumns(), koreRows(1000, 0)
				}
				res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, header, rows))
				require.ErrorIs(t, err, tc.want)
				assert.ErrorIs(t, err, upload.ErrFileTooLarge)
				var api *upload.APIError
				require.ErrorAs(t, err, &api, "the server's answer is in the error")
				assert.Equal(t, http.StatusRequestEntityTooLarge, api.Status)
				assert.LessOrEqual(t, requests.Load(), tc.maxRequests)
				assert.Zero(t, res.Landed)
				assert.Equal(t, int64(before-budget.Remaining()), int64(res.Splits), "every split spent the budget")
				if tc.want == upload.ErrFileTooLarge {
					assert.Contains(t, err.Error(), "a single row")
				}
				if tc.budget == 3 {
					break // the budget is spent
				}
			}
		})
	}
}
