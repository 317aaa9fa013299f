package redisdedupe_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/contactpipe/contactpipe/dedupe"
	"github.com/contactpipe/contactpipe/dedupe/redisdedupe"
	"github.com/contactpipe/contactpipe/internal/redistest"
)

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) != "" {
		os.Exit(worker())
	}
	if os.Getenv(importWorkerEnv) != "" {
		os.Exit(importWorker())
	}
	// The examples need a Redis: start one, or skip them as redistest.Start skips tests.
	srv, err := redistest.Launch(redistest.Options{})
	switch {
	case err == nil:
		redisURL = srv.URL(0)
	case errors.Is(err, redistest.ErrNotInstalled) && os.Getenv("CI") == "":
		fmt.Fprintf(os.Stderr, "%v: skipping the examples\n", err)
		flag.Parse()
		if err := flag.Set("test.skip", "^Example"); err != nil {
			panic(err)
		}
	default:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if srv != nil {
		srv.Kill()
	}
	if code == 0 {
		// go-redis redials a dead server from a goroutine that notices its pool was closed only
		// at its next attempt, a second later: give such goroutines a few seconds to end.
		err := goleak.Find()
		for wait := time.Now().Add(3 * time.Second); err != nil && time.Now().Before(wait); err = goleak.Find() {
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

func phone(v string) dedupe.Address { return dedupe.Address{Kind: "msisdn", Value: v} }
func email(v string) dedupe.Address { return dedupe.Address{Kind: "email", Value: v} }

// open opens a Deduper on srv for job and source, closed when the test ends.
func open(t *testing.T, srv *redistest.Server, job, source string) *redisdedupe.Deduper {
	t.Helper()
	d, err := redisdedupe.Open(context.Background(), srv.URL(0), redisdedupe.Options{Job: job, Source: source})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, d.Close()) })
	return d
}

// client is a plain go-redis client on srv, to look at what the Deduper stored.
func client(t *testing.T, srv *redistest.Server) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: srv.Addr, Password: srv.Password})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// claim runs one ClaimBatch and returns its results.
func claim(t *testing.T, d dedupe.Deduper, claims ...dedupe.Claim) []dedupe.Result {
	t.Helper()
	res := make([]dedupe.Result, len(claims))
	require.NoError(t, d.ClaimBatch(context.Background(), claims, res))
	return res
}

func row(r int, addrs ...dedupe.Address) dedupe.Claim { return dedupe.Claim{Row: r, Addrs: addrs} }

// TestSameAsSet runs batches through the Redis deduper and through dedupe.Set: the results
// (first claim wins, in row order, within and across batches) must be the same.
func TestSameAsSet(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	tests := []struct {
		name    string
		batches [][]dedupe.Claim
		dups    int // how many rows the batches hold that are duplicates
	}{
		{"distinct rows", [][]dedupe.Claim{{row(2, phone("+16511112222")), row(3, phone("+16511112223"))}}, 0},
		{"same phone in one batch", [][]dedupe.Claim{{row(2, phone("+16511112222")), row(3, phone("+16511112222"))}}, 1},
		{"same phone across batches", [][]dedupe.Claim{{row(2, phone("+1651"))}, {row(3, phone("+1651"))}}, 1},
		{"email case-insensitive", [][]dedupe.Claim{{row(2, email("Ann@Example.com")), row(5, phone("+1"), email("ann@example.COM"))}}, 1},
		{"chat id case-sensitive", [][]dedupe.Claim{{row(2, dedupe.Address{Kind: "lineId", Value: "Ann"}), row(3, dedupe.Address{Kind: "lineId", Value: "ann"})}}, 0},
		{"same value, different kinds", [][]dedupe.Claim{{row(2, dedupe.Address{Kind: "lineId", Value: "ann"}), row(3, dedupe.Address{Kind: "zaloId", Value: "ann"})}}, 0},
		{"a duplicate claims nothing; the first held address is named", [][]dedupe.Claim{{
			row(2, phone("+1"), email("a@x")),
			row(3, phone("+2"), email("a@x")),
			row(4, phone("+2")),
			row(5, email("b@x"), phone("+2")),
			row(6, email("a@x"), phone("+2")),
		}}, 3},
		{"empty addresses ignored, rows without any never duplicates", [][]dedupe.Claim{{
			row(2, phone(""), email("a@x")), row(3, phone(""), email("b@x")), row(4), row(5, phone("")), row(6),
		}}, 0},
		{"same address twice in one row", [][]dedupe.Claim{{row(2, email("a@x"), email("A@x"))}, {row(3, email("a@x"))}}, 1},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := dedupe.New()
			defer set.Close()
			rd := open(t, srv, fmt.Sprintf("same-as-set-%d", i), "f.csv")
			dups := 0
			for _, b := range tt.batches {
				want, got := claim(t, set, b...), claim(t, rd, b...)
				assert.Equal(t, want, got, "batch starting at row %d", b[0].Row)
				for _, r := range got {
					if r.Dup {
						dups++
					}
				}
			}
			assert.Equal(t, tt.dups, dups)
		})
	}
}

func TestLargeBatchSpansScriptCalls(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	rd := open(t, srv, "large", "f.csv")
	set := dedupe.New()
	defer set.Close()
	// 3,000 rows (three script calls), each sharing its email with the row 1,100 before it, so
	// duplicates cross the calls' boundaries.
	claims := make([]dedupe.Claim, 3000)
	for i := range claims {
		claims[i] = row(i+2, phone(fmt.Sprintf("+1650%07d", i)), email(fmt.Sprintf("u%d@x", i%1100)))
	}
	want, got := claim(t, set, claims...), claim(t, rd, claims...)
	assert.Equal(t, want, got)
	assert.Equal(t, 1100, len(claims)-countDups(got))
}

func countDups(rs []dedupe.Result) int {
	n := 0
	for _, r := range rs {
		if r.Dup {
			n++
		}
	}
	return n
}

// jobKeys lists the keys of job.
func jobKeys(t *testing.T, c *redis.Client, job string) []string {
	t.Helper()
	keys, err := c.Keys(context.Background(), "contactpipe:{"+job+"}:*").Result()
	require.NoError(t, err)
	return keys
}

// jobClaims is what Redis holds for job: each address's field and its value, "ROW:SOURCE".
func jobClaims(t *testing.T, c *redis.Client, job string) map[string]string {
	t.Helper()
	claims := map[string]string{}
	for _, k := range jobKeys(t, c, job) {
		h, err := c.HGetAll(context.Background(), k).Result()
		require.NoError(t, err)
		for f, v := range h {
			claims[f] = v
		}
	}
	return claims
}

func TestKeysHaveTTLAndNoAddressInClear(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	c := client(t, srv)
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		ttl  time.Duration
		want time.Duration
	}{
		{"default", 0, 7 * 24 * time.Hour},
		{"set", 90 * time.Minute, 90 * time.Minute},
	} {
		t.Run(tt.name, func(t *testing.T) {
			job := "ttl-" + tt.name
			d, err := redisdedupe.Open(ctx, srv.URL(0), redisdedupe.Options{Job: job, Source: "in.csv", TTL: tt.ttl})
			require.NoError(t, err)
			defer d.Close()
			claim(t, d, row(2, phone("+16505550100"), email("Ann@Example.com")), row(3, phone("+16505550101")))
			keys := jobKeys(t, c, job)
			require.NotEmpty(t, keys)
			for _, k := range keys {
				ttl, err := c.PTTL(ctx, k).Result()
				require.NoError(t, err)
				assert.LessOrEqual(t, ttl, tt.want, k)
				assert.Greater(t, ttl, tt.want-time.Minute, k)
			}
			claims := jobClaims(t, c, job)
			assert.Len(t, claims, 3)
			for f, v := range claims {
				assert.Len(t, f, 16, "a field is 16 bytes of a hash")
				for _, clear := range []string{"6505550100", "6505550101", "ann", "Ann", "example"} {
					assert.NotContains(t, f, clear)
				}
				assert.Regexp(t, `^[23]:in\.csv$`, v)
			}
		})
	}
}

func TestJobsAreSeparate(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	a, b := open(t, srv, "job-a", "f.csv"), open(t, srv, "job-b", "f.csv")
	assert.False(t, claim(t, a, row(2, phone("+1650")))[0].Dup)
	assert.False(t, claim(t, b, row(7, phone("+1650")))[0].Dup, "another job's claim must not count")
	assert.True(t, claim(t, a, row(3, phone("+1650")))[0].Dup)
	assert.True(t, claim(t, b, row(8, phone("+1650")))[0].Dup)
}

func TestRerunIsNotItsOwnDuplicate(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	batch := []dedupe.Claim{row(2, phone("+1650"), email("a@x")), row(3, email("A@x")), row(4, phone("+1651"))}
	first := open(t, srv, "rerun", "exports/a.csv")
	want := claim(t, first, batch...)
	require.Equal(t, []bool{false, true, false}, dupFlags(want))
	require.NoError(t, first.Close())

	// The same source after a crash: the same outcome, row by row.
	again := open(t, srv, "rerun", "exports/a.csv")
	assert.Equal(t, want, claim(t, again, batch...))

	// Another source of the same job: every row a duplicate, naming the row and the file.
	other := open(t, srv, "rerun", "exports/b.csv")
	got := claim(t, other, row(2, phone("+1650")), row(9, email("a@X")), row(10, phone("+1651")))
	assert.Equal(t, []dedupe.Result{
		{Dup: true, Match: dedupe.Match{Row: 2, Source: "exports/a.csv", Address: phone("+1650")}},
		{Dup: true, Match: dedupe.Match{Row: 2, Source: "exports/a.csv", Address: email("a@X")}},
		{Dup: true, Match: dedupe.Match{Row: 4, Source: "exports/a.csv", Address: phone("+1651")}},
	}, got)
}

func dupFlags(rs []dedupe.Result) []bool {
	out := make([]bool, len(rs))
	for i, r := range rs {
		out[i] = r.Dup
	}
	return out
}

// TestScriptCacheFlushed: a Redis that lost its scripts (a restart, SCRIPT FLUSH) gets the
// script again, and the batch is claimed once.
func TestScriptCacheFlushed(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	d := open(t, srv, "flush", "f.csv")
	require.NoError(t, client(t, srv).ScriptFlush(context.Background()).Err())
	assert.Equal(t, []bool{false, true}, dupFlags(claim(t, d, row(2, phone("+1")), row(3, phone("+1")))))
}

func TestRedisGoneFailsClearly(t *testing.T) {
	t.Parallel() // waits out the client's retries
	const password = "s3cret-pw"
	srv := redistest.Start(t, redistest.Options{Password: password})
	d := open(t, srv, "gone", "f.csv")
	claim(t, d, row(2, phone("+1")))
	srv.Kill()

	res := make([]dedupe.Result, 2)
	err := d.ClaimBatch(context.Background(), []dedupe.Claim{row(3, phone("+2")), row(4, phone("+3"))}, res)
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "redis "+srv.Addr)
	assert.Contains(t, msg, `job "gone"`)
	assert.NotContains(t, msg, password)
	assert.Equal(t, msg, strings.ToLower(msg[:1])+msg[1:], "lower-case")
	t.Log(msg)
}

func TestClaimBatchCancelled(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	d := open(t, srv, "cancel", "f.csv")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := d.ClaimBatch(ctx, []dedupe.Claim{row(2, phone("+1"))}, make([]dedupe.Result, 1))
	assert.ErrorIs(t, err, context.Canceled)
}

// TestOpenRefusesEvictingRedis: a Redis that may evict keys to make room would forget claims, so
// Open refuses it; one that only refuses writes when full is fine.
func TestOpenRefusesEvictingRedis(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		policy string
		ok     bool
	}{
		{"allkeys-lru", false},
		{"volatile-ttl", false},
		{"noeviction", true},
	} {
		t.Run(tt.policy, func(t *testing.T) {
			srv := redistest.Start(t, redistest.Options{Args: []string{"--maxmemory", "64mb", "--maxmemory-policy", tt.policy}})
			d, err := redisdedupe.Open(ctx, srv.URL(0), redisdedupe.Options{Job: "j", Source: "f"})
			if tt.ok {
				require.NoError(t, err)
				require.NoError(t, d.Close())
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "maxmemory-policy "+tt.policy)
			assert.Contains(t, err.Error(), "redis at "+srv.Addr)
		})
	}
}

// TestFullRedisFailsTheClaim: a Redis at its memory limit (noeviction) refuses the claim script
// at its first write, so the batch writes nothing, and ClaimBatch fails rather than answering.
func TestFullRedisFailsTheClaim(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{Args: []string{"--maxmemory", "3mb", "--maxmemory-policy", "noeviction"}})
	d := open(t, srv, "full", "f.csv")
	c := client(t, srv)
	var err error
	held := 0
	for b := 0; err == nil && b < 200; b++ {
		held = len(jobClaims(t, c, "full"))
		claims := make([]dedupe.Claim, 512)
		for i := range claims {
			claims[i] = row(b*512+i+2, phone(fmt.Sprintf("+1650%07d", b*512+i)))
		}
		err = d.ClaimBatch(context.Background(), claims, make([]dedupe.Result, len(claims)))
	}
	require.Error(t, err, "3 MB cannot hold 100,000 claims")
	assert.Contains(t, err.Error(), "OOM")
	assert.Contains(t, err.Error(), "at redis "+srv.Addr)
	assert.Equal(t, held, len(jobClaims(t, c, "full")), "the refused batch wrote nothing")
}

// TestClaimBatchCancelledWhileRedisStalls: cancelling the context stops a ClaimBatch waiting on
// a Redis that does not answer, with the context's error, not after the client's read timeout.
func TestClaimBatchCancelledWhileRedisStalls(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	d := open(t, srv, "stall", "f.csv")
	claim(t, d, row(2, phone("+1"))) // a connection in the pool
	require.NoError(t, srv.Pause())
	defer srv.Resume()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err := d.ClaimBatch(ctx, []dedupe.Claim{row(3, phone("+2"))}, make([]dedupe.Result, 1))
	took := time.Since(start)
	t.Logf("returned after %v: %v", took, err)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, took, time.Second, "the client's read timeout is 3 s: cancelling must not wait for it")
}

// TestOpenCancelledWhileRedisStalls: Open gives up on a Redis that does not answer when its
// context is cancelled.
func TestOpenCancelledWhileRedisStalls(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	require.NoError(t, srv.Pause())
	defer srv.Resume()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	d, err := redisdedupe.Open(ctx, srv.URL(0), redisdedupe.Options{Job: "j", Source: "f"})
	assert.Nil(t, d)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), time.Second, "the client's read timeout is 3 s: cancelling must not wait for it")
}

func TestOpenErrors(t *testing.T) {
	t.Parallel() // waits out the client's retries
	srv := redistest.Start(t, redistest.Options{Password: "pw-123"})
	ctx := context.Background()
	dead := redistest.Start(t, redistest.Options{})
	dead.Kill()
	for _, tt := range []struct {
		name, url string
		opts      redisdedupe.Options
		config    bool   // wraps ErrConfig
		want      string // in the message
	}{
		{"empty job", srv.URL(0), redisdedupe.Options{Source: "f"}, true, "job name is empty"},
		{"empty source", srv.URL(0), redisdedupe.Options{Job: "j"}, true, "source name is empty"},
		{"brace in job", srv.URL(0), redisdedupe.Options{Job: "exports}2026", Source: "f"}, true, "hash tag"},
		{"negative TTL", srv.URL(0), redisdedupe.Options{Job: "j", Source: "f", TTL: -time.Second}, true, "negative TTL"},
		{"bad scheme", "http://:pw-123@" + srv.Addr, redisdedupe.Options{Job: "j", Source: "f"}, true, "invalid URL scheme"},
		{"bad URL", "redis://:pw-123@" + srv.Addr + ":x:y/0", redisdedupe.Options{Job: "j", Source: "f"}, true, "redis URL"},
		{"wrong password", "redis://:nope-pw@" + srv.Addr + "/0", redisdedupe.Options{Job: "j", Source: "f"}, false, srv.Addr},
		{"nothing listening", dead.URL(0), redisdedupe.Options{Job: "j", Source: "f"}, false, "redis at " + dead.Addr},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := redisdedupe.Open(ctx, tt.url, tt.opts)
			require.Error(t, err)
			assert.Nil(t, d)
			assert.Equal(t, tt.config, errors.Is(err, redisdedupe.ErrConfig), "%v", err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "pw-123")
			assert.NotContains(t, err.Error(), "nope-pw")
		})
	}
}

// TestConcurrentClaimBatch: one Deduper used from several goroutines at once (with the script
// cache flushed, so they reload it together) accepts each address once.
func TestConcurrentClaimBatch(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	d := open(t, srv, "concurrent", "f.csv")
	require.NoError(t, client(t, srv).ScriptFlush(context.Background()).Err())
	const workers, rows = 4, 300
	accepted := make([][]int, workers) // per worker, the index of each accepted row
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			claims := make([]dedupe.Claim, rows)
			for i := range claims {
				// Worker w's rows are w*rows+2…: distinct rows, one shared phone per index.
				claims[i] = row(w*rows+i+2, phone(fmt.Sprintf("+1650%07d", i)))
			}
			res := make([]dedupe.Result, rows)
			if errs[w] = d.ClaimBatch(context.Background(), claims, res); errs[w] != nil {
				return
			}
			for i, r := range res {
				if !r.Dup {
					accepted[w] = append(accepted[w], i)
				}
			}
		}()
	}
	wg.Wait()
	count := make([]int, rows)
	for w := range workers {
		require.NoError(t, errs[w])
		for _, i := range accepted[w] {
			count[i]++
		}
	}
	for i, n := range count {
		assert.Equal(t, 1, n, "phone %d accepted %d times", i, n)
	}
}
