// Package dedupe finds rows that share an address. The first row to claim an address wins; a later
// row holding any address already claimed is a duplicate of the row that claimed it.
//
// Addresses are compared exactly (E.164 phone numbers, chat ids), except email, which is compared
// case-insensitively (callers give the kind "email" and the Set folds case).
//
// Memory: the set is an open-addressing hash table of 16-byte slots, split into 256 shards that
// grow one at a time by half again, kept between 53% and 80% full: 20 to 30 bytes per address,
// and growing never copies more than a 256th of the set at once. Each table is probed linearly and
// kept in key order (a key's first slot rises with the key), so a search for an address not in the
// set — most searches — stops at the first larger key instead of running to the end of the
// cluster, and growing is one pass that merges the old table into the new. On Unix the tables live outside
// the Go heap, so a large set does not make the garbage collector let the rest of the heap grow.
//
// A Set does not keep the addresses themselves: it keeps a hash of each (kind and value) and the
// row that claimed it. A key is two independent 64-bit maphash values with random seeds; a slot
// holds 96 of its bits (88 stored, 8 implied by the shard the key falls in). Two different
// addresses are taken for one with probability about n²/2⁹⁷ for n addresses — for ten million
// addresses about 1 in 10¹⁵, for a billion about 1 in 10¹¹ — so in practice there are no false
// duplicates, and memory per address is fixed whatever the address length.
package dedupe

import (
	"hash/maphash"
	"math/bits"
	"runtime"
	"strings"
	"unsafe"
)

// Address is one address of a row: its kind (a field name such as "msisdn" or "email") and value.
type Address struct {
	Kind  string
	Value string
}

// Canonical is the value as addresses are compared: an email folded to lower case, any other
// kind unchanged. Two addresses of one kind are the same address when their Canonical values are
// equal; a Deduper kept outside the process keys its store with it.
func (a Address) Canonical() string {
	if a.Kind == "email" {
		return foldEmail(a.Value)
	}
	return a.Value
}

// Match says which earlier row holds an address.
type Match struct {
	Row     int     // the row that claimed the address first
	Source  string  // the source (file) of that row, when a shared store knows it is another one
	Address Address // the address of the new row that matched
}

// Key is the 128-bit hash of an address, of which a Set keeps 96 bits (see the package doc). Keys
// are comparable only within the Set that made them: each Set has seeds of its own.
type Key [2]uint64

type key = Key

// slot is one entry of a shard's open-addressing table, 16 bytes (four to a cache line): the key's
// first half (which also gives the shard and the slot, see shardOf and home), the low 32 bits of
// its second half, and the row that claimed it; row 0 marks an empty slot.
type slot [4]uint32

// shardCount splits the set into independently grown tables, so that growing one copies only a
// 1/shardCount slice of the set: memory never jumps by the size of the whole set.
const shardCount = 256

// maxLoad is the fill at which a shard grows, by half again; so a shard is between 53% and 80%
// full, which with 16-byte slots is 20 to 30 bytes per address.
const maxLoad = 0.8

// pad is the number of slots a new table has past its last first slot (see home): the table does
// not wrap around, so that it stays in key order. A cluster that would run past the end (with
// random keys, a chance below one in a million per table) doubles them.
const pad = 32

// shard is an open-addressing hash table with linear probing, in key order: the occupied slots,
// read from first to last, hold increasing keys, and every key sits at or after its first slot with
// no empty slot between.
type shard struct {
	slots  []slot // homes first slots, then a few more
	homes  int
	n      int
	mapped bool // slots is a memory mapping (see allocSlots)
}

// Set is a set of claimed addresses. The zero value is not usable; call New. A Set is not safe for
// concurrent use: one goroutine owns it.
type Set struct {
	seeds  [2]maphash.Seed             // for kinds not in kinds: the kind is hashed in
	kseeds [len(kinds)][2]maphash.Seed // for each of kinds: the value alone is hashed
	shards *[shardCount]shard          // tables outside the Go heap: see allocSlots
	n      int
	keys   []key  // ClaimBatch's scratch: the batch's keys
	touch  uint32 // ClaimBatch's probe of the batch's slots, kept so the loads are not dropped
}

// New returns an empty Set. Its tables are released by Close, or when the Set is garbage
// collected.
func New() *Set {
	s := &Set{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, shards: new([shardCount]shard)}
	for i := range s.kseeds {
		s.kseeds[i] = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
	}
	runtime.AddCleanup(s, releaseShards, s.shards)
	return s
}

// Close releases the set's memory at once. The Set must not be used afterwards. It never fails.
func (s *Set) Close() error {
	releaseShards(s.shards)
	s.n = 0
	return nil
}

func releaseShards(shards *[shardCount]shard) {
	for i := range shards {
		freeSlots(shards[i].slots, shards[i].mapped)
		shards[i] = shard{}
	}
}

// Len is the number of addresses claimed.
func (s *Set) Len() int { return s.n }

// Bytes is the memory held by the set's tables.
func (s *Set) Bytes() int {
	total := 0
	for i := range s.shards {
		total += len(s.shards[i].slots) * int(unsafe.Sizeof(slot{}))
	}
	return total
}

// Claim looks up every non-empty address of row (row ≥ 1). If one is already claimed, Claim
// returns the first such match and true, and claims nothing. Otherwise it claims all of them for
// row and returns false.
func (s *Set) Claim(row int, addrs []Address) (Match, bool) {
	var keys [16]key
	ks := keys[:0]
	for _, a := range addrs {
		if a.Value == "" {
			continue
		}
		k := s.key(a)
		if first := s.lookup(k); first != 0 {
			return Match{Row: int(first), Address: a}, true
		}
		ks = append(ks, k)
	}
	s.claimKeys(row, ks)
	return Match{}, false
}

// claimKeys claims keys, none of them claimed by another row, for row.
func (s *Set) claimKeys(row int, ks []key) {
	for _, k := range ks {
		// A row may hold the same address twice (two columns); the first claim stays.
		if s.lookup(k) == 0 {
			s.insert(k, uint32(row))
		}
	}
}

// claimBatch is ClaimBatch: it hashes every address of the batch first, prefetches the keys'
// slots (see Prefetch), and only then claims the rows in order, finding their slots in cache.
func (s *Set) claimBatch(claims []Claim, results []Result) {
	ks := s.keys[:0]
	for _, c := range claims {
		for _, a := range c.Addrs {
			if a.Value != "" {
				ks = append(ks, s.key(a))
			}
		}
	}
	s.keys = ks
	s.Prefetch(ks)
	for i, c := range claims {
		n := 0
		for _, a := range c.Addrs {
			if a.Value != "" {
				n++
			}
		}
		results[i] = Result{}
		if j, first, dup := s.ClaimKeys(c.Row, ks[:n]); dup {
			results[i] = Result{Dup: true, Match: Match{Row: first, Address: nonEmpty(c.Addrs, j)}}
		}
		ks = ks[n:]
	}
}

// nonEmpty is the j-th (from 0) address of addrs with a value.
func nonEmpty(addrs []Address, j int) Address {
	for _, a := range addrs {
		if a.Value == "" {
			continue
		}
		if j == 0 {
			return a
		}
		j--
	}
	return Address{}
}

// Key returns a's key in s. It only reads s's seeds, which never change: it may be called from
// any goroutine, concurrently with Claim — to hash a batch of rows on several cores while one
// goroutine claims (ClaimKeys).
func (s *Set) Key(a Address) Key { return s.key(a) }

// ClaimKeys is Claim for a row whose addresses were hashed with Key (keys[i] for its i-th
// non-empty address). When one is already claimed it returns its position in keys, the row that
// claimed it, and true, and claims nothing; otherwise it claims all of them for row.
func (s *Set) ClaimKeys(row int, keys []Key) (i, first int, dup bool) {
	for i, k := range keys {
		if first := s.lookup(k); first != 0 {
			return i, int(first), true
		}
	}
	s.claimKeys(row, keys)
	return 0, 0, false
}

// Prefetch reads the first slot each key would probe, so that the claims that follow find them
// in the CPU cache: the loads of a batch overlap instead of waiting for memory one at a time.
// It changes nothing in the set.
func (s *Set) Prefetch(keys []Key) {
	var sum uint32
	for _, k := range keys {
		sh := s.shardOf(k)
		if len(sh.slots) > 0 {
			sum += sh.slots[sh.home(k[0])][3]
		}
	}
	s.touch += sum
}

func (s *Set) shardOf(k key) *shard { return &s.shards[k[0]>>56] }

func (k key) slot(row uint32) slot {
	return slot{uint32(k[0]), uint32(k[0] >> 32), uint32(k[1]), row}
}

func (sl *slot) k0() uint64 { return uint64(sl[0]) | uint64(sl[1])<<32 }

// home is the first slot of a key whose first half is k0 in a table of n slots: the bits of k0
// below the shard's, scaled to n (Lemire's multiply-shift reduction, any n). It never decreases
// as k0 increases, which keeps the table in key order.
func home(k0 uint64, n int) int {
	hi, _ := bits.Mul64(k0<<8, uint64(n))
	return int(hi)
}

func (sh *shard) home(k0 uint64) int { return home(k0, sh.homes) }

// lookup returns the row that claimed k, or 0.
func (s *Set) lookup(k key) uint32 {
	sh := s.shardOf(k)
	if len(sh.slots) == 0 {
		return 0
	}
	k0, k1 := k[0], uint32(k[1])
	for i := sh.home(k0); i < len(sh.slots); i++ {
		sl := &sh.slots[i]
		if sl[3] == 0 {
			return 0
		}
		if v := sl.k0(); v != k0 {
			if v > k0 { // past where k would be
				return 0
			}
			continue
		}
		if sl[2] == k1 {
			return sl[3]
		}
		if sl[2] > k1 {
			return 0
		}
	}
	return 0
}

// insert adds k, known to be absent, for row.
func (s *Set) insert(k key, row uint32) {
	sh := s.shardOf(k)
	if float64(sh.n+1) > maxLoad*float64(sh.homes) {
		sh.resize(max(16, sh.homes*3/2), max(pad, len(sh.slots)-sh.homes))
	}
	for !sh.put(k.slot(row)) {
		sh.resize(sh.homes, 2*(len(sh.slots)-sh.homes))
	}
	sh.n++
	s.n++
}

// before reports whether a's key comes before b's.
func before(a, b *slot) bool {
	if a0, b0 := a.k0(), b.k0(); a0 != b0 {
		return a0 < b0
	}
	return a[2] < b[2]
}

// put adds v, whose key is absent, in key order: after the smaller keys from its first slot on,
// moving the larger ones of its cluster one slot on. It reports false, changing nothing, when the
// cluster would run past the end of the table.
func (sh *shard) put(v slot) bool {
	i := sh.home(v.k0())
	for i < len(sh.slots) && sh.slots[i][3] != 0 && before(&sh.slots[i], &v) {
		i++
	}
	j := i
	for j < len(sh.slots) && sh.slots[j][3] != 0 {
		j++
	}
	if j == len(sh.slots) {
		return false
	}
	copy(sh.slots[i+1:j+1], sh.slots[i:j])
	sh.slots[i] = v
	return true
}

// resize moves the shard to a table of homes first slots and at least tail more: the old table's
// keys, read in order, each go to their first slot or the slot after the previous key, whichever
// is later.
func (sh *shard) resize(homes, tail int) {
	old, mapped := sh.slots, sh.mapped
	for {
		sh.slots, sh.mapped = allocSlots(homes + tail)
		sh.homes = homes
		if sh.merge(old) {
			break
		}
		freeSlots(sh.slots, sh.mapped) // a cluster ran past the end (tail ≥ the keys always holds them)
		tail *= 2
	}
	freeSlots(old, mapped)
}

// merge places the keys of old, an ordered table, in the empty table sh.slots, or reports false
// when they do not fit.
func (sh *shard) merge(old []slot) bool {
	next := 0 // the first slot free after the last placed
	for i := range old {
		if old[i][3] == 0 {
			continue
		}
		at := max(sh.home(old[i].k0()), next)
		if at >= len(sh.slots) {
			return false
		}
		sh.slots[at] = old[i]
		next = at + 1
	}
	return true
}

// kinds are the address kinds of contacts, the most common first. Each has seeds of its own, so
// that its keys hash the value alone (one pass of the runtime's string hash per seed).
var kinds = [...]string{"msisdn", "email", "weChatUserId", "facebookUserId", "zaloId", "lineId", "kakaoTalkId"}

func (s *Set) key(a Address) key {
	v := a.Canonical()
	for i, kind := range kinds {
		if a.Kind == kind {
			return key{maphash.String(s.kseeds[i][0], v), maphash.String(s.kseeds[i][1], v)}
		}
	}
	var k key
	for i := range k {
		var h maphash.Hash
		h.SetSeed(s.seeds[i])
		h.WriteString(a.Kind)
		h.WriteByte(0)
		h.WriteString(v)
		k[i] = h.Sum64()
	}
	return k
}

// foldEmail lower-cases an email for comparison, without allocating when it is already lower case ASCII.
func foldEmail(v string) string {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 'A' && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(v)
		}
	}
	return v
}
