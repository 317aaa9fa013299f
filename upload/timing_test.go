package upload_test

import (
	"context"
	"io"
	"net/http"
	"strings"
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

// These tests run inside synctest bubbles over in-memory pipes: retries, Retry-After waits,
// timeouts and polling take fake time, so they are exact and instant.

const pipeURL = "http://127.0.0.1"

// onPipes serves h over a pipe network for the rest of the bubble.
func onPipes(t *testing.T, h http.Handler) *http.Client {
	pn := contactsim.NewPipeNetwork(h)
	t.Cleanup(pn.Close)
	return pn.Client()
}

// clock records when requests arrive.
type clock struct {
	mu    sync.Mutex
	times []time.Duration
	start time.Time
}

func (c *clock) wrap(match func(*http.Request) bool, h http.Handler) http.Handler {
	c.start = time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if match(r) {
			c.mu.Lock()
			c.times = append(c.times, time.Since(c.start))
			c.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

func (c *clock) seen() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.times...)
}

func isPost(r *http.Request) bool { return r.Method == http.MethodPost }

func TestRetryAfterHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sim := contactsim.New(contactsim.Options{})
		var mu sync.Mutex
		posts := 0
		limited := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			posts++
			n := posts
			mu.Unlock()
			if isPost(r) && n <= 2 {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Retry-After", "3")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			sim.ServeHTTP(w, r)
		})
		var c clock
		u := eightByEight(pipeURL, onPipes(t, c.wrap(isPost, limited)))
		u.Retry = upload.RetryPolicy{} // defaults: the 3s waits must come from Retry-After
		res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(3, 0)))
		require.NoError(t, err)
		assert.Equal(t, 3, res.Attempts)
		assert.Equal(t, []time.Duration{0, 3 * time.Second, 6 * time.Second}, c.seen())
	})
}

func TestRetryAfterCap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sim := contactsim.New(contactsim.Options{Faults: contactsim.Faults{RateLimit: 1, RetryAfter: 24 * time.Hour}})
		u := eightByEight(pipeURL, onPipes(t, sim))
		u.Retry = upload.RetryPolicy{MaxRetryAfter: 2 * time.Minute}
		start := time.Now()
		res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(1, 0)))
		assert.ErrorIs(t, err, upload.ErrRetryAfterTooLong)
		assert.ErrorIs(t, err, upload.ErrRateLimited)
		var api *upload.APIError
		require.ErrorAs(t, err, &api)
		assert.Equal(t, 24*time.Hour, api.RetryAfter)
		assert.Contains(t, err.Error(), "2m0s cap")
		assert.Equal(t, 1, res.Attempts)
		assert.False(t, res.InDoubt)
		assert.Zero(t, time.Since(start), "the import was not parked")
	})
}

func TestTimeouts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hang := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			<-r.Context().Done()
		})
		u := eightByEight(pipeURL, onPipes(t, hang))
		u.Timeout = 30 * time.Second
		u.Retry = upload.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Second, MaxDelay: time.Second}

		start := time.Now()
		_, err := u.BatchStatus(t.Context(), "x")
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		took := time.Since(start)
		assert.GreaterOrEqual(t, took, 60*time.Second)
		assert.LessOrEqual(t, took, 61*time.Second)

		// An upload that times out after it was sent is ambiguous; the batch list hangs too, so
		// the chunk ends in doubt rather than being sent twice blindly.
		start = time.Now()
		res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(1, 0)))
		assert.ErrorIs(t, err, upload.ErrInDoubt)
		assert.True(t, res.InDoubt)
		assert.Equal(t, 1, res.Attempts)
		assert.LessOrEqual(t, time.Since(start), 2*time.Minute)
	})
}

func TestPollingBacksOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sim := contactsim.New(contactsim.Options{QueueDelay: 20 * time.Second, ProcessDelay: 40 * time.Second})
		var c clock
		isPoll := func(r *http.Request) bool {
			return r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/batches/")
		}
		u := eightByEight(pipeURL, onPipes(t, c.wrap(isPoll, sim)))
		u.Poll = upload.PollPolicy{} // defaults: 1s doubling to 30s
		res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(2, 0)))
		require.NoError(t, err)
		assert.Equal(t, "completed", res.Status)
		polls := c.seen()
		require.GreaterOrEqual(t, len(polls), 4)
		assert.GreaterOrEqual(t, polls[len(polls)-1], 60*time.Second, "done only once the batch completed")
		assert.Less(t, polls[len(polls)-1], 120*time.Second)
		wait := time.Second
		prev := time.Duration(0)
		for _, p := range polls {
			gap := p - prev
			assert.GreaterOrEqual(t, gap, wait/2)
			assert.LessOrEqual(t, gap, wait)
			prev, wait = p, min(2*wait, 30*time.Second)
		}
	})
}

func TestPollTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sim := contactsim.New(contactsim.Options{ProcessDelay: 3 * time.Hour})
		u := eightByEight(pipeURL, onPipes(t, sim))
		u.Poll = upload.PollPolicy{Timeout: time.Hour}
		res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(2, 0)))
		assert.ErrorIs(t, err, upload.ErrPollTimeout)
		assert.True(t, res.InDoubt)
		assert.NotEmpty(t, res.BatchID)
		assert.Equal(t, "inProgress", res.Status)
	})
}

// TestInvalidRowsDownloadWithinBatchTimeout: a file host that takes the connection and never
// answers holds the chunk no longer than the batch timeout (PollPolicy.Timeout, -batch-timeout)
// allows, counted from when the batch started being followed — not MaxAttempts × the request
// timeout (6 × 2 minutes).
func TestInvalidRowsDownloadWithinBatchTimeout(t *testing.T) {
	for _, tc := range []struct {
		name      string
		omit      bool // the batch gives no counts: which rows it refused is unknown
		wantDoubt bool
	}{
		{"with counts", false, false},
		{"without counts", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				sim := contactsim.New(contactsim.Options{QueueDelay: time.Second, ProcessDelay: time.Second,
					Faults: contactsim.Faults{OmitCounts: tc.omit}})
				var downloads atomic.Int32
				silent := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if strings.HasPrefix(r.URL.Path, "/files/") {
						downloads.Add(1)
						<-r.Context().Done()
						return
					}
					sim.ServeHTTP(w, r)
				})
				u := eightByEight(pipeURL, onPipes(t, silent))
				u.Retry = upload.RetryPolicy{} // defaults: 6 attempts of up to 2 minutes each
				u.Poll = upload.PollPolicy{Initial: time.Second, Max: 2 * time.Second, Timeout: time.Minute}
				start := time.Now()
				res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, rejectRows()))
				took := time.Since(start)
				assert.Positive(t, downloads.Load())
				assert.LessOrEqual(t, took, time.Minute+time.Second, "the batch timeout bounds following and downloading together")
				assert.Empty(t, res.ServerRejected)
				if tc.wantDoubt {
					require.ErrorIs(t, err, upload.ErrInDoubt)
					assert.Contains(t, err.Error(), "the batch timeout (1m0s) ran out before its invalid-rows file was read")
					assert.True(t, res.InDoubt)
					return
				}
				require.NoError(t, err)
				assert.Equal(t, 2, res.Unmatched)
				assert.Equal(t, 3, res.Landed)
			})
		})
	}
}
