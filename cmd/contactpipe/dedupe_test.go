package main

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/redistest"
)

// TestDedupeRedis: two imports of overlapping files into one Redis job accept each address once;
// the duplicates name the row of the other file that holds it.
func TestDedupeRedis(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{Password: "s3cret-redis"})
	url := "redis://:s3cret-redis@" + srv.Addr + "/0"
	dir := t.TempDir()
	a := filepath.Join(dir, "a.csv")
	b := filepath.Join(dir, "b.csv")
	require.NoError(t, os.WriteFile(a, []byte("phone,name\n+6591000001,A1\n+6591000002,A2\n"), 0o600))
	require.NoError(t, os.WriteFile(b, []byte("phone,name\n+6591000002,B1\n+6591000003,B2\n"), 0o600))

	outA, outB := filepath.Join(dir, "outA"), filepath.Join(dir, "outB")
	code, stdout, stderr := runCLI(t, "", "import", "-out", outA, "-dedupe-redis", url, "-dedupe-job", "crm", a)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "2 rows: 2 accepted")
	code, stdout, stderr = runCLI(t, "", "import", "-out", outB, "-dedupe-redis", url, "-dedupe-job", "crm", b)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "2 rows: 1 accepted in 1 chunk, 0 rejected, 1 duplicate")
	dups := readCSV(t, filepath.Join(outB, "duplicates.csv"))
	require.Len(t, dups, 2)
	assert.Equal(t, []string{"2", "+6591000002"}, []string{dups[1][0], dups[1][3]})
	assert.NotContains(t, stdout+stderr, "s3cret-redis")

	// Another job (the default: the input's file name) does not see crm's claims.
	code, stdout, stderr = runCLI(t, "", "import", "-out", filepath.Join(dir, "outC"), "-dedupe-redis", url, b)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "2 accepted")
}

func TestDedupeRedisRefusals(t *testing.T) {
	// A port nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := "redis://:pw-not-shown@" + l.Addr().String() + "/0"
	require.NoError(t, l.Close())
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unreachable", []string{"-dedupe-redis", dead}, 1, "-dedupe-redis"},
		{"bad url", []string{"-dedupe-redis", "mysql://x"}, 2, "-dedupe-redis"},
		{"job without redis", []string{"-dedupe-job", "j"}, 2, "-dedupe-job has no effect without -dedupe-redis"},
		{"ttl without redis", []string{"-dedupe-ttl", "1h"}, 2, "-dedupe-ttl has no effect"},
		{"no-dedupe and redis", []string{"-no-dedupe", "-dedupe-redis", dead}, 2, "contradict"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, _, stderr := runCLI(t, "", append(append([]string{"import", "-out", out}, tc.args...), messy)...)
			assert.Equal(t, tc.code, code, stderr)
			assert.Contains(t, stderr, tc.want)
			assert.NotContains(t, stderr, "pw-not-shown")
			assert.NoDirExists(t, out)
		})
	}
}

// TestDedupeRedisSource: workers of one job must claim under names of their own, else each takes
// the other's rows for its own reruns. Inputs sharing a base name are told apart by
// -dedupe-source; standard input has no name, so -dedupe-redis on it needs -dedupe-source.
func TestDedupeRedisSource(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	url := "redis://" + srv.Addr + "/0"
	dir := t.TempDir()
	for _, d := range []string{"eu", "us"} {
		require.NoError(t, os.Mkdir(filepath.Join(dir, d), 0o700))
	}
	// Same base name, same address on the same row.
	eu, us := filepath.Join(dir, "eu", "export.csv"), filepath.Join(dir, "us", "export.csv")
	require.NoError(t, os.WriteFile(eu, []byte("phone,name\n+6591000001,EU1\n"), 0o600))
	require.NoError(t, os.WriteFile(us, []byte("phone,name\n+6591000001,US1\n"), 0o600))

	code, stdout, stderr := runCLI(t, "", "import", "-out", filepath.Join(dir, "o1"), "-dedupe-redis", url, "-dedupe-job", "j1",
		"-dedupe-source", "eu/export.csv", eu)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "1 row: 1 accepted")
	code, stdout, stderr = runCLI(t, "", "import", "-out", filepath.Join(dir, "o2"), "-dedupe-redis", url, "-dedupe-job", "j1",
		"-dedupe-source", "us/export.csv", us)
	require.Equal(t, 3, code, stderr) // no row accepted
	assert.Contains(t, stdout, "1 row: 0 accepted in 0 chunks, 0 rejected, 1 duplicate")
	dups := readCSV(t, filepath.Join(dir, "o2", "duplicates.csv"))
	require.Len(t, dups, 2)
	require.GreaterOrEqual(t, len(dups[1]), 5)
	assert.Equal(t, []string{"2", "2", "eu/export.csv"}, []string{dups[1][0], dups[1][1], dups[1][4]},
		"the duplicate names the other worker's source")

	// Standard input: refused without -dedupe-source, before anything is written.
	out := filepath.Join(dir, "o3")
	code, _, stderr = runCLI(t, "phone\n+6591000001\n", "import", "-out", out, "-dedupe-redis", url, "-dedupe-job", "j2", "-")
	assert.Equal(t, 2, code, stderr)
	assert.Contains(t, stderr, "-dedupe-source")
	assert.NoDirExists(t, out)

	// Two stdin workers with names of their own see each other's claims.
	code, _, stderr = runCLI(t, "phone\n+6591000001\n", "import", "-out", filepath.Join(dir, "o4"), "-dedupe-redis", url,
		"-dedupe-job", "j2", "-dedupe-source", "w1", "-")
	require.Equal(t, 0, code, stderr)
	code, stdout, stderr = runCLI(t, "phone\n+6591000001\n", "import", "-out", filepath.Join(dir, "o5"), "-dedupe-redis", url,
		"-dedupe-job", "j2", "-dedupe-source", "w2", "-")
	assert.Equal(t, 3, code, stderr)
	assert.Contains(t, stdout, "1 duplicate")

	// -dedupe-source does nothing without -dedupe-redis.
	code, _, stderr = runCLI(t, "", "import", "-out", filepath.Join(dir, "o6"), "-dedupe-source", "x", messy)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-dedupe-source has no effect without -dedupe-redis")
}
