package upload_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/contactsim"
	"github.com/contactpipe/contactpipe/upload"
)

// endless writes an endless body and counts the bytes that left.
type endless struct{ sent atomic.Int64 }

func (e *endless) serve(w http.ResponseWriter, r *http.Request, status int) {
	w.WriteHeader(status)
	line := bytes.Repeat([]byte("+6591000000,x,y,z@example.com,endless\n"), 1000)
	for r.Context().Err() == nil {
		n, err := w.Write(line)
		e.sent.Add(int64(n))
		if err != nil {
			return
		}
	}
}

// allocated runs f and returns the bytes the process allocated meanwhile.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestEndlessInvalidRowsFileIsCapped(t *testing.T) {
	sim := contactsim.New(contactsim.Options{QueueDelay: time.Millisecond, ProcessDelay: time.Millisecond})
	var e endless
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/files/invalid/") {
			e.serve(w, r, http.StatusOK)
			return
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	u := eightByEight(srv.URL, srv.Client())
	var res upload.Result
	var err error
	alloc := allocated(func() {
		res, err = u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, rejectRows()))
	})
	require.ErrorIs(t, err, upload.ErrInDoubt)
	assert.ErrorIs(t, err, upload.ErrAnswerTooLarge)
	assert.True(t, res.InDoubt, "which rows the batch refused is unknown")
	assert.Equal(t, "completed", res.Status)
	srv.Close() // waits for the handler: its count then holds every write that reached the socket
	assert.Greater(t, e.sent.Load(), int64(1<<20), "the server sent past the cap")
	assert.Less(t, alloc, uint64(8<<20), "the file was streamed, not buffered")
}

func TestEndlessKoreAIAnswerIsCapped(t *testing.T) {
	var e endless
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.serve(w, r, http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	k := koreAI(srv.URL, srv.Client())
	var res upload.Result
	var err error
	alloc := allocated(func() {
		res, err = k.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, upload.KoreAIColumns(), koreRows(3, 0)))
	})
	require.ErrorIs(t, err, upload.ErrInDoubt, "the import ran; what it created is unknown")
	assert.ErrorIs(t, err, upload.ErrAnswerTooLarge)
	assert.True(t, res.InDoubt)
	assert.Equal(t, 1, res.Attempts, "not sent again")
	assert.Less(t, alloc, uint64(8<<20), "the answer was streamed, not buffered")
}

func TestInvalidRowsDownloadRules(t *testing.T) {
	fast := contactsim.Options{QueueDelay: time.Millisecond, ProcessDelay: time.Millisecond}
	t.Run("loopback file host of a public API is not dialed", func(t *testing.T) {
		// The API is https://example.com (public); its invalid-rows file is on https://127.0.0.1.
		srv := httptest.NewUnstartedServer(nil)
		opts := fast
		opts.FileBaseURL = "https://" + srv.Listener.Addr().String()
		sim := contactsim.New(opts)
		srv.Config.Handler = sim
		srv.StartTLS()
		t.Cleanup(srv.Close)
		// Connections to example.com reach the simulator; others are dialed as addressed.
		tr := srv.Client().Transport.(*http.Transport).Clone()
		tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			if addr == "example.com:443" {
				addr = srv.Listener.Addr().String()
			}
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
		u := eightByEight("https://example.com", &http.Client{Transport: tr})
		res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, rejectRows()))
		require.NoError(t, err, "the counts say how many rows were refused")
		assert.Equal(t, 2, res.Unmatched)
		assert.Equal(t, 3, res.Landed)
		assert.Zero(t, sim.Stats().FileRequests, "the loopback file host was never reached")
	})
	for _, tc := range []struct {
		hops      int
		wantFiles int
	}{{2, 1}, {3, 1}, {4, 0}} { // at most 3 redirects: the 3rd is followed, the 4th is not
		t.Run("same-origin redirects: "+string(rune('0'+tc.hops)), func(t *testing.T) {
			sim, srv := startSim(t, fast)
			var redirects atomic.Int64
			var authOnRedirect atomic.Int64
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.URL.Path, "/files/invalid/") {
					n := len(r.URL.Query()["hop"])
					if n > 0 && r.Header.Get("Authorization") != "" {
						authOnRedirect.Add(1)
					}
					if n < tc.hops {
						redirects.Add(1)
						q := r.URL.Query()
						q.Add("hop", "1")
						http.Redirect(w, r, r.URL.Path+"?"+q.Encode(), http.StatusFound)
						return
					}
				}
				sim.ServeHTTP(w, r)
			}))
			t.Cleanup(front.Close)
			_ = srv
			u := eightByEight(front.URL, front.Client())
			res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, rejectRows()))
			require.NoError(t, err)
			assert.Equal(t, tc.wantFiles, sim.Stats().FileRequests)
			assert.Zero(t, authOnRedirect.Load(), "no credentials on a redirect")
			assert.Zero(t, sim.Stats().FileRequestsWithAuth)
			if tc.wantFiles == 1 {
				assert.Len(t, res.ServerRejected, 2)
			} else {
				assert.Equal(t, 2, res.Unmatched)
				assert.LessOrEqual(t, redirects.Load(), int64(4))
			}
		})
	}
}

func TestBatchWithoutStatusIsInDoubt(t *testing.T) {
	sim := contactsim.New(contactsim.Options{QueueDelay: time.Millisecond, ProcessDelay: time.Millisecond})
	var polls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.Contains(r.URL.Path, "/batches/") {
			sim.ServeHTTP(w, r)
			return
		}
		polls.Add(1)
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, r)
		var b map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &b)
		delete(b, "status")
		_ = json.NewEncoder(w).Encode(b)
	}))
	t.Cleanup(srv.Close)
	u := eightByEight(srv.URL, srv.Client())
	res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(2, 0)))
	require.ErrorIs(t, err, upload.ErrInDoubt)
	assert.Contains(t, err.Error(), "no status")
	assert.True(t, res.InDoubt)
	assert.Equal(t, int64(3), polls.Load())
}

func TestDefaultBatchTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sim := contactsim.New(contactsim.Options{ProcessDelay: 3 * time.Hour})
		u := eightByEight(pipeURL, onPipes(t, sim))
		u.Poll = upload.PollPolicy{}
		start := time.Now()
		res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(2, 0)))
		assert.ErrorIs(t, err, upload.ErrPollTimeout)
		assert.ErrorIs(t, err, upload.ErrInDoubt)
		assert.True(t, res.InDoubt)
		took := time.Since(start)
		assert.GreaterOrEqual(t, took, 30*time.Minute)
		assert.Less(t, took, 31*time.Minute)
	})
}

// TestUnreadableInvalidRowsWithoutCountsIsInDoubt: a completed batch without counts whose
// invalid-rows file cannot be read has not demonstrably landed.
func TestUnreadableInvalidRowsWithoutCountsIsInDoubt(t *testing.T) {
	for _, tc := range []struct {
		name string
		file http.HandlerFunc
	}{
		{"404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }},
		{"302 loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, r.URL.Path, http.StatusFound) }},
		{"timeout", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim := contactsim.New(contactsim.Options{QueueDelay: time.Millisecond, ProcessDelay: time.Millisecond})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case strings.HasPrefix(r.URL.Path, "/files/invalid/"):
					tc.file(w, r)
				case r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/batches/"):
					rec := httptest.NewRecorder()
					sim.ServeHTTP(rec, r)
					var b map[string]any
					_ = json.Unmarshal(rec.Body.Bytes(), &b)
					for _, k := range []string{"totalRows", "insertedRows", "errorRows", "duplicatedRows", "contactGroups"} {
						delete(b, k)
					}
					_ = json.NewEncoder(w).Encode(b)
				default:
					sim.ServeHTTP(w, r)
				}
			}))
			t.Cleanup(srv.Close)
			u := eightByEight(srv.URL, srv.Client())
			u.Timeout = 50 * time.Millisecond
			u.Retry.MaxAttempts = 2
			res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, rejectRows()))
			require.ErrorIs(t, err, upload.ErrInDoubt)
			assert.Contains(t, err.Error(), "invalid-rows file could not be read")
			assert.True(t, res.InDoubt)
			assert.Zero(t, res.Landed, "nothing is known to have landed")
			assert.Nil(t, res.Counts)
		})
	}
}

// TestSignedFileURLNotInErrors: the query of an invalid-rows URL (a signed storage URL's
// signature) does not appear in errors or logs when the download fails.
func TestSignedFileURLNotInErrors(t *testing.T) {
	const sig = "SIGNATURE-c0ffee-5ecret"
	sim := contactsim.New(contactsim.Options{QueueDelay: time.Millisecond, ProcessDelay: time.Millisecond, Faults: contactsim.Faults{OmitCounts: true}})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/batches/") {
			rec := httptest.NewRecorder()
			sim.ServeHTTP(rec, r)
			var b map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &b)
			if _, ok := b["invalidFileLocation"]; ok {
				// Signed, and on a port where nothing listens.
				b["invalidFileLocation"] = "https://127.0.0.1:1/files/x.csv?sig=" + sig
			}
			_ = json.NewEncoder(w).Encode(b)
			return
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	var logs logBuffer
	u := eightByEight(srv.URL, srv.Client())
	u.Logger = debugLogger(&logs)
	u.Retry.MaxAttempts = 1
	res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, rejectRows()))
	require.ErrorIs(t, err, upload.ErrInDoubt)
	assert.True(t, res.InDoubt)
	assert.NotContains(t, err.Error(), sig)
	assert.NotContains(t, logs.String(), sig)
}

// TestEndlessStatusAnswer: an endless batch status answer is cut at 4 MiB; the chunk is in doubt.
func TestEndlessStatusAnswer(t *testing.T) {
	sim := contactsim.New(contactsim.Options{QueueDelay: time.Millisecond, ProcessDelay: time.Millisecond})
	var e endless
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/batches/") {
			e.serve(w, r, http.StatusOK)
			return
		}
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	u := eightByEight(srv.URL, srv.Client())
	var res upload.Result
	var err error
	alloc := allocated(func() {
		res, err = u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(2, 0)))
	})
	require.ErrorIs(t, err, upload.ErrInDoubt)
	assert.ErrorIs(t, err, upload.ErrAnswerTooLarge)
	assert.True(t, res.InDoubt)
	assert.Less(t, alloc, uint64(24<<20))
}
