package redisdedupe_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/bench"
	"github.com/contactpipe/contactpipe/dedupe"
	"github.com/contactpipe/contactpipe/dedupe/redisdedupe"
	"github.com/contactpipe/contactpipe/internal/redistest"
	"github.com/contactpipe/contactpipe/upload"
)

// BenchmarkClaimBatch claims batches of 512 rows of two addresses (a phone and an email; one row
// in 20 repeats an earlier row's phone), as an import hands them to its Deduper: the in-memory
// Set and the Redis deduper on a local redis-server. Each iteration is one batch; ns/row and
// rows/s compare them, and cpu-ns/row and redis-cpu-ns/row say where the time went.
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
	redisDeduper := func(b *testing.B, job string) dedupe.Deduper {
		d, err := redisdedupe.Open(context.Background(), srv.URL(0), redisdedupe.Options{Job: job, Source: "bench.csv"})
		require.NoError(b, err)
		b.Cleanup(func() { d.Close() })
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
		{"redis", func(b *testing.B) dedupe.Deduper { return redisDeduper(b, "bench-claim") }},
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

// BenchmarkImport imports a generated CSV (bench.Generate: duplicates, invalid rows, several
// address kinds) into a directory, with the in-memory dedupe.Set and with the Redis deduper on a
// local redis-server (a new job each time, so every import claims afresh). The ratio of their
// ns/row is what the Redis deduper costs an import. CONTACTPIPE_BENCH_ROWS sets the rows (20,000
// by default):
//
//	CONTACTPIPE_BENCH_ROWS=200000 go test -run='^$' -bench=Import -benchtime=3x -count=3 ./dedupe/redisdedupe/
func BenchmarkImport(b *testing.B) {
	n := 20_000
	if s := os.Getenv("CONTACTPIPE_BENCH_ROWS"); s != "" {
		var err error
		n, err = strconv.Atoi(s)
		require.NoError(b, err)
	}
	var data bytes.Buffer
	_, err := bench.Generate(&data, n, bench.Options{})
	require.NoError(b, err)
	srv := redistest.Start(b, redistest.Options{})
	c := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer c.Close()
	jobs := 0
	for _, bc := range []struct {
		name    string
		deduper func(b *testing.B) dedupe.Deduper // nil: Import's own Set
	}{
		{"set", func(*testing.B) dedupe.Deduper { return nil }},
		{"redis", func(b *testing.B) dedupe.Deduper {
			jobs++
			d, err := redisdedupe.Open(context.Background(), srv.URL(0), redisdedupe.Options{Job: "bench-import-" + strconv.Itoa(jobs), Source: "bench.csv"})
			require.NoError(b, err)
			return d
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			root := b.TempDir()
			b.SetBytes(int64(data.Len()))
			var elapsed time.Duration
			cpu0, redis0 := processCPU(), redisCPU(b, c)
			for b.Loop() {
				b.StopTimer()
				dd := bc.deduper(b)
				dir, err := os.MkdirTemp(root, "out")
				require.NoError(b, err)
				b.StartTimer()
				start := time.Now()
				rep, err := contactpipe.Import(context.Background(), bytes.NewReader(data.Bytes()), contactpipe.Config{
					Deduper: dd, WorkDir: dir, Uploader: upload.Dir{Path: dir},
				})
				elapsed += time.Since(start)
				b.StopTimer()
				require.NoError(b, err)
				require.Equal(b, n, rep.Rows)
				if dd != nil {
					require.NoError(b, dd.Close())
				}
				require.NoError(b, os.RemoveAll(dir))
				b.StartTimer()
			}
			rows := float64(b.N * n)
			b.ReportMetric(rows/elapsed.Seconds(), "rows/s")
			b.ReportMetric(float64(elapsed.Nanoseconds())/rows, "ns/row")
			b.ReportMetric(float64(processCPU()-cpu0)/rows, "cpu-ns/row")
			b.ReportMetric(float64(redisCPU(b, c)-redis0)/rows, "redis-cpu-ns/row")
		})
	}
}
