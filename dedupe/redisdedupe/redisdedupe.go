// Package redisdedupe is a dedupe.Deduper kept in Redis, so that many processes — on one machine
// or many — importing into one account dedupe across each other: an address claimed by any
// worker of a job is a duplicate for every other worker of that job.
//
// # Keys and values
//
// A job's claims are the fields of 16 Redis hashes,
//
//	contactpipe:{JOB}:claims:0 … contactpipe:{JOB}:claims:f
//
// where JOB is Options.Job. An address's field is the first 16 bytes of the SHA-256 of the job,
// the address's kind and its canonical value (an email folded to lower case, as dedupe.Set
// compares it), each followed by a zero byte; its first byte picks the hash. Redis thus holds no
// address in clear. A hash of a phone number is a pseudonym, not anonymity — phone numbers are
// few enough to be hashed one by one — so treat the Redis as holding personal data. A field's
// value is "ROW:SOURCE", the row and the source (Options.Source) of the claim that won it, so
// that a duplicate found by another worker names the row and the file.
//
// The braces make JOB a Redis Cluster hash tag: all of a job's hashes live in one slot, as the
// atomic claim needs. Every claim sets the job's hashes to expire Options.TTL (7 days by default)
// later, so a job's claims live until TTL after its last claim, however long it runs, and then
// go together. Each address costs Redis about 120 bytes with a 30-byte source name (~240 MB
// per million rows of two addresses); a job of tens of millions of addresses is best run on a
// Redis with lazyfree-lazy-expire yes, so that expiring its hashes does not pause Redis. The Redis
// must not evict keys to make room (maxmemory-policy noeviction, the default): Open refuses one
// that may, when it can read its configuration. A Redis that is full then fails the claims, and
// so the import, rather than forgetting them. Nor may it lose them otherwise: a Redis restarted
// without persistence (RDB or AOF) during a job forgets the job's claims, and rows claimed
// before the restart can then be accepted again.
//
// # What "first" means
//
// A row's claim is atomic: a Lua script looks up all of the row's addresses and, when none is held
// by another claim, sets them all; otherwise it sets none and answers the holder of the first one
// held (in the row's address order). Redis runs scripts one at a time, so across processes the
// first claim is the first to reach Redis. Within one process, ClaimBatch sends a batch's rows in
// one script call (one round trip, the whole call atomic; a batch is split into calls, pipelined
// in order, after 1,024 rows or where an address repeats), and an import claims up to
// ConcurrentBatches batches at once only when they share no address, so every row of one file
// ends as it would with dedupe.Set claiming the rows one by one in row order;
// between two processes, which of two rows holding the same address wins depends only on which
// call reached Redis first, not on row numbers or file names. Every address is still accepted
// once across all workers of the job.
//
// # Reruns
//
// A claim is identified by its source and row. When the same source and row claim again — a
// rerun of the same file after a crash, or a batch retried after a broken connection — the
// fields they already hold are not a duplicate of themselves: the row is accepted again. Claims
// are not taken back when an import fails after claiming (the batch Redis answered but the
// import did not count, the chunk that did not upload): they stay held for that source and row
// until the same file is run again under the same name, which is what to do after a failure.
//
// So each worker of a job needs a Source of its own (the input file's path or name, unique
// within the job); two workers importing different files under one Source name would take each
// other's rows with the same numbers for their own.
//
// # Errors
//
// When Redis cannot be reached, or goes away during an import, ClaimBatch returns an error that
// names the Redis address (never its password) and the job, and wraps the cause. When ctx is
// cancelled, ClaimBatch returns at once with an error wrapping ctx.Err(), even while Redis does
// not answer; the request in flight is then abandoned and ends on its own. The batch's outcome is then unknown: the caller must
// stop and not count its rows. A rerun is safe, by the rule above.
package redisdedupe

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/contactpipe/contactpipe/dedupe"
)

// DefaultTTL is how long a job's claims are kept after its last claim when Options.TTL is zero.
const DefaultTTL = 7 * 24 * time.Hour

// maxRowsPerCall bounds the rows claimed by one script call, so that Redis, which runs one script
// at a time, is never busy with one caller for more than a millisecond or two.
const maxRowsPerCall = 1024

// Options says which job a Deduper claims for and as whom.
type Options struct {
	// Job is the namespace shared by all workers of one import job: their claims see each
	// other. Required; it may not hold a '}' (see the package doc on hash tags).
	Job string
	// Source names this worker's input (its file name or path) within the job. It is recorded
	// with every claim it wins, and a claim by the same Source and row is not a duplicate of
	// itself (a rerun). Required; each worker of a job must have its own.
	Source string
	// TTL is how long the job's claims are kept after its last claim. Zero means DefaultTTL.
	TTL time.Duration
}

// Deduper is a dedupe.Deduper whose claims live in Redis. It is safe for concurrent use, though
// an import calls it from one goroutine.
type Deduper struct {
	client    redis.UniversalClient
	ownClient bool   // Close closes client: Open made it
	addr      string // the Redis address, for errors; never the password
	opts      Options
	shards    []string // the job's hashes: contactpipe:{JOB}:claims:0 … :f
	ttlMS     string
	closeOnce sync.Once
}

var _ dedupe.Deduper = (*Deduper)(nil)

// claimScript is the claim script. Redis checks its memory limit at the script's first write,
// so a Redis that is full refuses a claim before it writes anything.
//
//go:embed claim.lua
var claimScript string

// claimSHA names claimScript in Redis's script cache (EVALSHA): its SHA-1, in hex.
var claimSHA = func() string {
	sum := sha1.Sum([]byte(claimScript))
	return hex.EncodeToString(sum[:])
}()

// ErrConfig is wrapped by errors about Options or a Redis URL.
var ErrConfig = errors.New("invalid redis dedupe configuration")

// Open connects to the Redis at rawURL (redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for
// TLS, or unix:///PATH?db=N), checks that it answers and loads the claim script, so a Redis that
// cannot be reached is found before the first row. Close closes the connection.
func Open(ctx context.Context, rawURL string, opts Options) (*Deduper, error) {
	ro, err := redis.ParseURL(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) { // its message repeats the URL, password included
			err = ue.Err
		}
		return nil, fmt.Errorf("redisdedupe: %w: redis URL: %v", ErrConfig, err)
	}
	client := redis.NewClient(ro)
	d, err := newDeduper(ctx, client, ro.Addr, opts)
	if err != nil {
		_ = client.Close()
		return nil, err
	}
	d.ownClient = true
	return d, nil
}

// New is Open for a client the caller made and keeps: Close leaves it open. All keys of a job
// share one hash slot, so a cluster client should serve as well as a single server's (this
// package's tests run a single server).
func New(ctx context.Context, client redis.UniversalClient, opts Options) (*Deduper, error) {
	return newDeduper(ctx, client, addrOf(client), opts)
}

func newDeduper(ctx context.Context, client redis.UniversalClient, addr string, opts Options) (*Deduper, error) {
	switch {
	case opts.Job == "":
		return nil, fmt.Errorf("redisdedupe: %w: the job name is empty", ErrConfig)
	case strings.Contains(opts.Job, "}"):
		return nil, fmt.Errorf("redisdedupe: %w: the job name %q holds a '}', which would end the keys' Redis Cluster hash tag", ErrConfig, opts.Job)
	case opts.Source == "":
		return nil, fmt.Errorf("redisdedupe: %w: the source name is empty", ErrConfig)
	case opts.TTL < 0:
		return nil, fmt.Errorf("redisdedupe: %w: negative TTL %v", ErrConfig, opts.TTL)
	case opts.TTL == 0:
		opts.TTL = DefaultTTL
	case opts.TTL < time.Millisecond:
		return nil, fmt.Errorf("redisdedupe: %w: TTL %v is under a millisecond", ErrConfig, opts.TTL)
	}
	d := &Deduper{
		client: client,
		addr:   addr,
		opts:   opts,
		shards: shardKeys(opts.Job),
		ttlMS:  strconv.FormatInt(opts.TTL.Milliseconds(), 10),
	}
	if err := d.load(ctx); err != nil {
		return nil, err
	}
	if err := d.checkEviction(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// checkEviction refuses a Redis that may evict keys to make room: a job's claims would vanish and
// their addresses be accepted again. When CONFIG is not allowed (as on some managed Redis
// services) it cannot tell, and lets it be.
func (d *Deduper) checkEviction(ctx context.Context) error {
	conf, err := await(ctx, func() (map[string]string, error) { return d.client.ConfigGet(ctx, "maxmemory*").Result() })
	if ctx.Err() != nil {
		return fmt.Errorf("redisdedupe: redis at %s: %w", d.addr, ctx.Err())
	}
	if err != nil {
		return nil
	}
	if limit, policy := conf["maxmemory"], conf["maxmemory-policy"]; limit != "" && limit != "0" && policy != "" && policy != "noeviction" {
		return fmt.Errorf("redisdedupe: redis at %s may evict keys (maxmemory %s, maxmemory-policy %s): claims could vanish and addresses be accepted twice; use maxmemory-policy noeviction", d.addr, limit, policy)
	}
	return nil
}

// shardCount is how many hashes hold a job's claims. More than one keeps each hash a 16th of
// the job, so that expiring or deleting one frees a 16th of its memory at a time.
const shardCount = 16

// shardKeys are the keys of job's hashes. The braces make the job a Redis Cluster hash tag: all
// of them live in one slot, as the claim script, which touches them all, needs.
func shardKeys(job string) []string {
	keys := make([]string, shardCount)
	for i := range keys {
		keys[i] = fmt.Sprintf("contactpipe:{%s}:claims:%x", job, i)
	}
	return keys
}

// load loads the claim script into Redis's script cache, which also checks that Redis answers.
func (d *Deduper) load(ctx context.Context) error {
	sha, err := await(ctx, func() (string, error) { return d.client.ScriptLoad(ctx, claimScript).Result() })
	if err != nil {
		return fmt.Errorf("redisdedupe: redis at %s: load the claim script: %w", d.addr, err)
	}
	if sha != claimSHA {
		return fmt.Errorf("redisdedupe: redis at %s: the claim script loaded as %s, not %s", d.addr, sha, claimSHA)
	}
	return nil
}

// addrOf names a client's server(s) for error messages.
func addrOf(c redis.UniversalClient) string {
	switch c := c.(type) {
	case *redis.Client:
		return c.Options().Addr
	case *redis.ClusterClient:
		return strings.Join(c.Options().Addrs, ",")
	}
	return "(client)"
}

// Close closes the connection when Open made it; later calls do nothing. Claims stay in Redis
// until their TTL.
func (d *Deduper) Close() error {
	var err error
	d.closeOnce.Do(func() {
		if d.ownClient {
			err = d.client.Close()
		}
	})
	return err
}

// ConcurrentBatches says that an import may keep this many batches claiming at once (see
// dedupe.Concurrent): while Redis runs one batch's script, the next is hashed and sent.
func (d *Deduper) ConcurrentBatches() int { return 3 }

var _ dedupe.Concurrent = (*Deduper)(nil)

// ClaimBatch claims each claim's addresses in order, in one round trip to Redis: the batch's rows
// are sent in one script call (in calls of up to 1,024 rows, pipelined, for larger batches or
// where an address repeats within the batch). results[i] says whether claims[i] is a duplicate
// and of which row and source; Match.Source is set when the winning claim came from another
// source. See the package doc for what "first" means and for errors.
func (d *Deduper) ClaimBatch(ctx context.Context, claims []dedupe.Claim, results []dedupe.Result) error {
	if len(results) != len(claims) {
		return fmt.Errorf("redisdedupe: %d results for %d claims", len(results), len(claims))
	}
	clear(results)
	calls := d.build(claims)
	if len(calls) == 0 {
		return nil
	}
	cmds, err := d.exec(ctx, calls)
	if err != nil && isNoScript(err) { // Redis restarted or its script cache was flushed
		if err = d.load(ctx); err == nil {
			cmds, err = d.exec(ctx, calls) // safe: a claim repeated by its own row is not a duplicate
		}
	}
	if err != nil {
		return d.errorf(err)
	}
	for ci := range calls {
		out, err := cmds[ci].Slice()
		if errors.Is(err, redis.Nil) {
			out, err = nil, nil
		}
		if err == nil {
			err = d.results(&calls[ci], claims, out, results)
		}
		if err != nil {
			return d.errorf(err)
		}
	}
	return nil
}

// call is one script call: the claims it covers and their fields, no field twice.
type call struct {
	rows   []int     // the claims it covers: indexes into the batch
	values []string  // per covered claim: its "ROW:SOURCE"
	fields []pending // the claims' fields, claim after claim
	shards [shardCount]int
	seen   map[string]struct{} // the fields, to split the batch where one repeats
}

// pending is one field of a call.
type pending struct {
	field string
	claim int // index into call.rows
	pos   int // the address's position among its claim's non-empty addresses, from 1
}

// build turns claims into script calls. A claim without addresses is not sent: it claims nothing
// and is never a duplicate. A call ends after maxRowsPerCall claims or before a claim holding a
// field already in it, so that the script sees each field once and the calls, run in order,
// claim the batch in row order.
func (d *Deduper) build(claims []dedupe.Claim) []call {
	var calls []call
	var cur *call
	var hashIn []byte
	var own []pending // the fields of the claim at hand
	for i, c := range claims {
		own = own[:0]
		pos := 0
	addrs:
		for _, a := range c.Addrs {
			if a.Value == "" {
				continue
			}
			pos++
			var f string
			f, hashIn = d.field(a, hashIn)
			for _, o := range own {
				if o.field == f { // the same address twice in one row
					continue addrs
				}
			}
			own = append(own, pending{field: f, pos: pos})
		}
		if len(own) == 0 {
			continue
		}
		if cur != nil && len(cur.rows) < maxRowsPerCall {
			for _, o := range own {
				if _, ok := cur.seen[o.field]; ok {
					cur = nil
					break
				}
			}
		} else {
			cur = nil
		}
		if cur == nil {
			calls = append(calls, call{seen: make(map[string]struct{}, 2*min(len(claims)-i, maxRowsPerCall))})
			cur = &calls[len(calls)-1]
		}
		for _, o := range own {
			o.claim = len(cur.rows)
			cur.fields = append(cur.fields, o)
			cur.seen[o.field] = struct{}{}
			cur.shards[shardOf(o.field)]++
		}
		cur.rows = append(cur.rows, i)
		cur.values = append(cur.values, strconv.Itoa(c.Row)+":"+d.opts.Source)
	}
	return calls
}

// shardOf is the index of the hash holding field.
func shardOf(field string) int { return int(field[0]) % shardCount }

// field is address a's field in the job's hashes: the first 16 bytes of the SHA-256 of the job,
// the kind and the canonical value, each followed by a zero byte. buf is scratch space, returned
// for reuse.
func (d *Deduper) field(a dedupe.Address, buf []byte) (string, []byte) {
	buf = append(buf[:0], d.opts.Job...)
	buf = append(buf, 0)
	buf = append(buf, a.Kind...)
	buf = append(buf, 0)
	buf = append(buf, a.Canonical()...)
	buf = append(buf, 0)
	sum := sha256.Sum256(buf)
	return string(sum[:16]), buf
}

// exec sends calls in one pipeline and waits for the answers (see await).
func (d *Deduper) exec(ctx context.Context, calls []call) ([]*redis.Cmd, error) {
	return await(ctx, func() ([]*redis.Cmd, error) { return d.send(ctx, calls) })
}

// await runs f, which talks to Redis, and waits for it or for ctx to be done: the client would
// wait out its read timeout on a Redis that stopped answering, whatever ctx says. When ctx ends
// first, f is abandoned to finish on its own (at the read timeout, or when the Deduper is closed).
func await[T any](ctx context.Context, f func() (T, error)) (T, error) {
	type answer struct {
		v   T
		err error
	}
	done := make(chan answer, 1)
	go func() {
		v, err := f()
		done <- answer{v, err}
	}()
	select {
	case a := <-done:
		return a.v, a.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

func (d *Deduper) send(ctx context.Context, calls []call) ([]*redis.Cmd, error) {
	pipe := d.client.Pipeline()
	cmds := make([]*redis.Cmd, len(calls))
	for i := range calls {
		cmds[i] = pipe.EvalSha(ctx, claimSHA, d.shards, d.args(&calls[i])...)
	}
	_, err := pipe.Exec(ctx)
	return cmds, err
}

// args are the script's arguments for c (see claim.lua): the TTL, the count of claims, the count
// of fields per shard, the (field, value) pairs shard by shard, and the claim of each pair.
// It reorders c.fields as the pairs are sent, so that an answer's pair index is an index into it.
func (d *Deduper) args(c *call) []any {
	args := make([]any, 0, 3+shardCount+2*len(c.fields))
	args = append(args, d.ttlMS, len(c.rows))
	var start [shardCount]int
	n := 0
	for s, k := range c.shards {
		args = append(args, k)
		start[s] = n
		n += k
	}
	sorted := make([]pending, len(c.fields))
	for _, f := range c.fields {
		s := shardOf(f.field)
		sorted[start[s]] = f
		start[s]++
	}
	c.fields = sorted
	rowOf := make([]byte, 0, 2*len(sorted))
	for _, f := range sorted {
		args = append(args, f.field, c.values[f.claim])
		rowOf = append(rowOf, byte(f.claim>>8), byte(f.claim))
	}
	return append(args, string(rowOf))
}

// results reads the script's answer for call c into results: the pairs whose fields another
// claim holds, each as its index (from 1) and the holder's "ROW:SOURCE". Each claim of such a
// pair is a duplicate of the holder of its first address (in its own order) that is held.
func (d *Deduper) results(c *call, claims []dedupe.Claim, out []any, results []dedupe.Result) error {
	if len(out)%2 != 0 {
		return fmt.Errorf("unexpected answer from the claim script: %d values", len(out))
	}
	best := make(map[int]int, len(out)/2) // claim (index into c.rows) → out's index of its held pair with the lowest pos
	for j := 0; j < len(out); j += 2 {
		k, ok1 := out[j].(int64)
		_, ok2 := out[j+1].(string)
		if !ok1 || !ok2 || k < 1 || int(k) > len(c.fields) {
			return fmt.Errorf("unexpected answer from the claim script (is another program writing to %s?)", d.shards[0])
		}
		f := c.fields[k-1]
		if b, ok := best[f.claim]; !ok || f.pos < c.fields[out[b].(int64)-1].pos {
			best[f.claim] = j
		}
	}
	for ci, j := range best {
		i := c.rows[ci]
		rowText, source, ok := strings.Cut(out[j+1].(string), ":")
		row, err := strconv.Atoi(rowText)
		if !ok || err != nil {
			return fmt.Errorf("unexpected answer from the claim script for row %d (is another program writing to %s?)", claims[i].Row, d.shards[0])
		}
		m := dedupe.Match{Row: row}
		if source != d.opts.Source {
			m.Source = source
		}
		pos := c.fields[out[j].(int64)-1].pos
		for _, a := range claims[i].Addrs {
			if a.Value == "" {
				continue
			}
			if pos--; pos == 0 {
				m.Address = a
				break
			}
		}
		results[i] = dedupe.Result{Dup: true, Match: m}
	}
	return nil
}

// errorf wraps an error of a claim; the caller, who knows the batch, names its rows.
func (d *Deduper) errorf(err error) error {
	return fmt.Errorf("redisdedupe: claim at redis %s (job %q): %w", d.addr, d.opts.Job, err)
}

func isNoScript(err error) bool { return redis.HasErrorPrefix(err, "NOSCRIPT") }
