package redisdedupe_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/dedupe"
	"github.com/contactpipe/contactpipe/dedupe/redisdedupe"
	"github.com/contactpipe/contactpipe/internal/redistest"
)

// workerEnv, when set, makes the test binary a worker process (see worker): its value is a JSON
// workerSpec.
const workerEnv = "REDISDEDUPE_TEST_WORKER"

// workerSpec is one worker's file: rows 2…Rows+1, row r holding the addresses of index
// idx(r) = First + (r-2), or First + Rows-1 - (r-2) when Desc: the phone of idx and the email of
// idx+EmailShift.
type workerSpec struct {
	URL, Job, Source string
	First, Rows      int
	Desc             bool
	EmailShift       int
}

func (s workerSpec) addrs(r int) []dedupe.Address {
	i := s.First + r - 2
	if s.Desc {
		i = s.First + s.Rows - 1 - (r - 2)
	}
	return []dedupe.Address{phone(fmt.Sprintf("+1650%07d", i)), email(fmt.Sprintf("u%d@x", i+s.EmailShift))}
}

// outcome is what a worker reports for one row.
type outcome struct {
	Row    int
	Dup    bool
	Match  dedupe.Match
	Source string // the worker's own source
}

// worker claims its spec's rows in batches of 512 and writes one JSON outcome per row to stdout.
// It starts claiming when its standard input closes, so that the test can start workers together.
func worker() int {
	var spec workerSpec
	if err := json.Unmarshal([]byte(os.Getenv(workerEnv)), &spec); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx := context.Background()
	d, err := redisdedupe.Open(ctx, spec.URL, redisdedupe.Options{Job: spec.Job, Source: spec.Source})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer d.Close()
	_, _ = io.Copy(io.Discard, os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for start := 2; start < spec.Rows+2; start += 512 {
		var claims []dedupe.Claim
		for r := start; r < start+512 && r < spec.Rows+2; r++ {
			claims = append(claims, dedupe.Claim{Row: r, Addrs: spec.addrs(r)})
		}
		res := make([]dedupe.Result, len(claims))
		if err := d.ClaimBatch(ctx, claims, res); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		for i, r := range res {
			_ = enc.Encode(outcome{Row: claims[i].Row, Dup: r.Dup, Match: r.Match, Source: spec.Source})
		}
	}
	return 0
}

// TestTwoProcessesOverlapping runs two worker processes on one job at once, over files that share
// half their addresses, walked in opposite orders so that the workers meet in the middle, and
// whose rows pair the addresses differently, so that a claim that was not atomic would let both
// workers take parts of one pair. Across both: no address is held by two accepted rows, every
// duplicate names an accepted row (and its file) holding the matched address, and Redis holds
// one field per accepted address, naming the row that holds it.
func TestTwoProcessesOverlapping(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	const n = 4_000
	specs := []workerSpec{
		{URL: srv.URL(0), Job: "overlap", Source: "a.csv", First: 0, Rows: n},
		{URL: srv.URL(0), Job: "overlap", Source: "b.csv", First: n / 2, Rows: n, Desc: true, EmailShift: 1},
	}
	type proc struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		out   strings.Builder
		errb  strings.Builder
	}
	procs := make([]*proc, len(specs))
	for i, spec := range specs {
		js, err := json.Marshal(spec)
		require.NoError(t, err)
		p := &proc{cmd: exec.Command(os.Args[0], "-test.run=^$")}
		p.cmd.Env = append(os.Environ(), workerEnv+"="+string(js))
		p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.errb
		p.stdin, err = p.cmd.StdinPipe()
		require.NoError(t, err)
		require.NoError(t, p.cmd.Start())
		procs[i] = p
	}
	for _, p := range procs {
		require.NoError(t, p.stdin.Close()) // go
	}
	for i, p := range procs {
		require.NoError(t, p.cmd.Wait(), "worker %s: %s", specs[i].Source, p.errb.String())
	}

	type rowID struct {
		source string
		row    int
	}
	addrsOf := map[rowID][]dedupe.Address{}
	accepted := map[rowID]bool{}
	var outcomes []outcome
	for i, p := range procs {
		dec := json.NewDecoder(strings.NewReader(p.out.String()))
		for dec.More() {
			var o outcome
			require.NoError(t, dec.Decode(&o))
			outcomes = append(outcomes, o)
			id := rowID{o.Source, o.Row}
			addrsOf[id] = specs[i].addrs(o.Row)
			accepted[id] = !o.Dup
		}
	}
	require.Len(t, outcomes, 2*n)

	holder := map[dedupe.Address]rowID{} // address → the accepted row holding it
	for id, ok := range accepted {
		if !ok {
			continue
		}
		for _, a := range addrsOf[id] {
			a.Value = a.Canonical()
			if prev, taken := holder[a]; taken {
				t.Fatalf("%v is held by two accepted rows: %v and %v", a, prev, id)
			}
			holder[a] = id
		}
	}
	dups := map[string]int{}
	for _, o := range outcomes {
		if !o.Dup {
			continue
		}
		dups[o.Source]++
		src := o.Match.Source
		if src == "" {
			src = o.Source
		}
		a := o.Match.Address
		a.Value = a.Canonical()
		require.Equal(t, rowID{src, o.Match.Row}, holder[a], "row %d of %s is a duplicate of %v", o.Row, o.Source, o.Match)
		assert.NotEqual(t, o.Source, o.Match.Source, "Match.Source names only another file")
	}
	// The files share half their addresses: each side has duplicates, and every accepted row's
	// addresses are keys in Redis naming it.
	assert.Positive(t, dups["a.csv"]+dups["b.csv"])
	claims := jobClaims(t, client(t, srv), "overlap")
	assert.Len(t, claims, len(holder))
	held := map[string]int{} // "ROW:SOURCE" → fields
	for _, v := range claims {
		held[v]++
	}
	for id, ok := range accepted {
		if ok {
			assert.Equal(t, 2, held[fmt.Sprintf("%d:%s", id.row, id.source)], "fields naming %v", id)
		}
	}
	t.Logf("duplicates: a.csv %d, b.csv %d; addresses held: %d", dups["a.csv"], dups["b.csv"], len(holder))
}
