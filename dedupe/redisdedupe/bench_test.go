package redisdedupe_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/dedupe"
	"github.com/contactpipe/contactpipe/dedupe/redisdedupe"
	"github.com/contactpipe/contactpipe/internal/redistest"
)

// BenchmarkClaimBatch claims batches of 512 rows of two addresses (a phone and an email; one row
// in 20 repeats an earlier row's phone), as an import hands them to its Deduper: the in-memory
// Set, the Redis deduper with one script call per batch (what it does), and with one EVALSHA per
// row sent in one pipeline. Each iteration is one batch; ns/row and rows/s compare them.
//
//	go test -run='^$' -bench=ClaimBatch -benchtime=400x ./dedupe/redisdedupe/
func BenchmarkClaimBatch(b *testing.B) {
	const batch = 512
	srv := redistest.Start(b, redistest.Options{})
	c := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer c.Close()
	// The rows' addresses, made before timing; past them (more than 400 batches) rows repeat.
	const rows = 400 * batch
	addrs := make([]dedupe.Address, 2*rows)
	for r := range rows {
		p := r
		if r%20 == 19 {
			p = r / 2
		}
		addrs[2*r] = dedupe.Address{Kind: "msisdn", Value: "+1650" + strconv.Itoa(1_000_000+p)}
		addrs[2*r+1] = dedupe.Address{Kind: "email", Value: fmt.Sprintf("user%d@example.com", r)}
	}
	redisDeduper := func(b *testing.B, job string, rowsPerCall int) dedupe.Deduper {
		d, err := redisdedupe.Open(context.Background(), srv.URL(0), redisdedupe.Options{Job: job, Source: "bench.csv"})
		require.NoError(b, err)
		b.Cleanup(func() { d.Close() })
		if rowsPerCall > 0 {
			redisdedupe.SetRowsPerCall(d, rowsPerCall)
		}
		return d
	}
	for _, bc := range []struct {
		name string
		new  func(b *testing.B) dedupe.Deduper
	}{
		{"set", func(b *testing.B) dedupe.Deduper {
			s := dedupe.New()
			b.Cleanup(func() { s.Close() })
			return s
		}},
		{"redis-script-per-batch", func(b *testing.B) dedupe.Deduper { return redisDeduper(b, "bench-batch", 0) }},
		{"redis-evalsha-per-row", func(b *testing.B) dedupe.Deduper { return redisDeduper(b, "bench-row", 1) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			d := bc.new(b)
			ctx := context.Background()
			claims := make([]dedupe.Claim, batch)
			results := make([]dedupe.Result, batch)
			r := 0
			cpu0, redis0 := processCPU(), redisCPU(b, c)
			for b.Loop() {
				for i := range claims {
					claims[i] = dedupe.Claim{Row: r + 2, Addrs: addrs[2*(r%rows) : 2*(r%rows)+2]}
					r++
				}
				if err := d.ClaimBatch(ctx, claims, results); err != nil {
					b.Fatal(err)
				}
			}
			rows := float64(b.N * batch)
			b.ReportMetric(rows/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/rows, "ns/row")
			// CPU time per row, ours and redis-server's: on a busy machine these move much less
			// than wall-clock time does.
			b.ReportMetric(float64(processCPU()-cpu0)/rows, "cpu-ns/row")
			b.ReportMetric(float64(redisCPU(b, c)-redis0)/rows, "redis-cpu-ns/row")
		})
	}
}

// processCPU is the user and system CPU time this process has used, in nanoseconds.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// redisCPU is the user and system CPU time the redis-server has used, in nanoseconds.
func redisCPU(b *testing.B, c *redis.Client) int64 {
	info, err := c.Info(context.Background(), "cpu").Result()
	require.NoError(b, err)
	var total float64
	for _, line := range strings.Split(info, "\r\n") {
		k, v, _ := strings.Cut(line, ":")
		if k == "used_cpu_user" || k == "used_cpu_sys" {
			f, err := strconv.ParseFloat(v, 64)
			require.NoError(b, err)
			total += f
		}
	}
	return int64(total * 1e9)
}
