package upload_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/contactsim"
	"github.com/contactpipe/contactpipe/upload"
)

type outcome struct {
	res upload.Result
	err error
}

// uploadAll uploads chunks with n workers, as the pipeline does, and returns the outcomes by chunk.
func uploadAll(ctx context.Context, u upload.Uploader, chunks []upload.Chunk, n int) []outcome {
	out := make([]outcome, len(chunks))
	next := make(chan int)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for i := range next {
				r, err := u.Upload(ctx, chunks[i])
				out[i] = outcome{r, err}
			}
		})
	}
	for i := range chunks {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// stormFaults fail well over 30% of requests in mixed ways.
var stormFaults = contactsim.Faults{
	ResetBefore: 0.10,
	RateLimit:   0.10,
	RetryAfter:  2 * time.Second,
	Error:       0.12,
	ResetAfter:  0.20,
	Latency:     50 * time.Millisecond,
	SlowBody:    5 * time.Millisecond,
}

// stormRetry is patient enough that a 1-in-3 fault rate practically never exhausts an operation.
func stormRetry() upload.RetryPolicy {
	return upload.RetryPolicy{MaxAttempts: 14, Budget: upload.NewRetryBudget(100000)}
}

func TestFaultStormEightByEight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const chunks, rowsPer = 40, 25
		sim := contactsim.New(contactsim.Options{Faults: stormFaults, Seed: 42, QueueDelay: 2 * time.Second, ProcessDelay: 5 * time.Second})
		stats := new(upload.Stats)
		u := eightByEight(pipeURL, onPipes(t, sim))
		u.Retry = stormRetry()
		u.Poll = upload.PollPolicy{}
		u.Stats = stats
		u.Groups = []int{5}
		dir := t.TempDir()
		var cs []upload.Chunk
		for i := range chunks {
			cs = append(cs, writeChunk(t, dir, i+1, canonicalHeader, contactRows(rowsPer, i*rowsPer)))
		}
		start := time.Now()
		outs := uploadAll(t.Context(), u, cs, 4)

		landed := 0
		names := map[string]bool{}
		for i, o := range outs {
			require.NoError(t, o.err, "chunk %d", i+1)
			assert.Equal(t, "completed", o.res.Status, "chunk %d", i+1)
			assert.Equal(t, rowsPer, o.res.Landed, "chunk %d", i+1)
			assert.Empty(t, o.res.ServerRejected)
			assert.False(t, o.res.InDoubt)
			names[o.res.File] = true
			landed += o.res.Landed
		}
		assert.Len(t, names, chunks, "every chunk is accounted for under its own name")
		assert.Len(t, sim.Contacts(), chunks*rowsPer, "every row landed")
		batches := 0
		for _, b := range sim.Batches() {
			if b.Type == "createContacts" {
				batches++
				assert.True(t, names[b.FileName])
			}
		}
		assert.Equal(t, chunks, batches, "no chunk was uploaded twice")

		st, cs2 := sim.Stats(), stats.Snapshot()
		faultShare := float64(st.Faults()) / float64(st.Requests)
		assert.GreaterOrEqual(t, faultShare, 0.30)
		// The server may see more requests than the client made attempts: net/http replays an
		// idempotent GET by itself when a kept-alive connection turns out to be dead.
		assert.GreaterOrEqual(t, int64(st.Requests), cs2.Requests)
		t.Logf("8x8 fault storm: %d chunks, %d rows landed of %d; server saw %d requests, %d faults (%.0f%%: %d cut before, %d cut after commit, %d 429, %d 5xx); client: %d attempts, %d retries, %d ambiguous, %d reconciled, %d re-sent, %d polls; %d batches; fake time %s",
			chunks, landed, chunks*rowsPer, st.Requests, st.Faults(), 100*faultShare, st.ResetsBefore, st.ResetsAfter, st.RateLimited, st.ServerErrors,
			cs2.Requests, cs2.Retries, cs2.Ambiguous, cs2.Reconciled, cs2.Resent, cs2.Polls, batches, time.Since(start))
	})
}

func TestFaultStormKoreAI(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const chunks, rowsPer = 20, 25
		sim := contactsim.New(contactsim.Options{Faults: stormFaults, Seed: 7})
		stats := new(upload.Stats)
		k := koreAI(pipeURL, onPipes(t, sim))
		k.Retry = stormRetry()
		k.Stats = stats
		dir := t.TempDir()
		var cs []upload.Chunk
		for i := range chunks {
			cs = append(cs, writeChunk(t, dir, i+1, upload.KoreAIColumns(), koreRows(rowsPer, i*rowsPer)))
		}
		outs := uploadAll(t.Context(), k, cs, 4)
		landed, refusedAfterResend := 0, 0
		for i, o := range outs {
			require.NoError(t, o.err, "chunk %d", i+1)
			assert.Equal(t, rowsPer, o.res.Landed+len(o.res.ServerRejected), "chunk %d: every row accounted for", i+1)
			if o.res.Resent == 0 {
				assert.Empty(t, o.res.ServerRejected, "chunk %d", i+1)
			}
			refusedAfterResend += len(o.res.ServerRejected)
			landed += o.res.Landed
		}
		assert.Len(t, sim.KoreContacts(), chunks*rowsPer, "every row landed, re-sends included")
		st, cs2 := sim.Stats(), stats.Snapshot()
		faultShare := float64(st.Faults()) / float64(st.Requests)
		assert.GreaterOrEqual(t, faultShare, 0.30)
		t.Logf("kore.ai fault storm: %d chunks, %d rows in kore.ai of %d (%d confirmed by an answer, %d reported refused after a re-send whose first attempt had landed); server saw %d requests, %d faults (%.0f%%); client: %d retries, %d ambiguous, %d re-sent",
			chunks, len(sim.KoreContacts()), chunks*rowsPer, landed, refusedAfterResend, st.Requests, st.Faults(), 100*faultShare,
			cs2.Retries, cs2.Ambiguous, cs2.Resent)
	})
}
