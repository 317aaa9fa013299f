// Package dedupe finds rows that share an address. The first row to claim an address wins; a later
// row holding any address already claimed is a duplicate of the row that claimed it.
//
// Addresses are compared exactly (E.164 phone numbers, chat ids), except email, which is compared
// case-insensitively (callers give the kind "email" and the Set folds case).
//
// A Set does not keep the addresses themselves: it keeps a 128-bit hash of each (kind and value),
// made of two independent 64-bit maphash values with random seeds, and the row that claimed it.
// Two different addresses share a key with probability about n²/2¹²⁹ for n addresses — for a
// billion addresses, about 1 in 10²⁰ — so in practice there are no false duplicates, and memory per
// address is fixed whatever the address length.
package dedupe

import (
	"hash/maphash"
	"strings"
)

// Address is one address of a row: its kind (a field name such as "msisdn" or "email") and value.
type Address struct {
	Kind  string
	Value string
}

// Match says which earlier row holds an address.
type Match struct {
	Row     int     // the row that claimed the address first
	Address Address // the address of the new row that matched
}

type key [2]uint64

// Set is a set of claimed addresses. The zero value is not usable; call New. A Set is not safe for
// concurrent use: one goroutine owns it.
type Set struct {
	seeds [2]maphash.Seed
	rows  map[key]int32
}

// New returns an empty Set.
func New() *Set {
	return &Set{
		seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		rows:  make(map[key]int32),
	}
}

// Len is the number of addresses claimed.
func (s *Set) Len() int { return len(s.rows) }

// Claim looks up every non-empty address of row. If one is already claimed, Claim returns the
// first such match and true, and claims nothing. Otherwise it claims all of them for row and
// returns false.
func (s *Set) Claim(row int, addrs []Address) (Match, bool) {
	var keys [16]key
	ks := keys[:0]
	for _, a := range addrs {
		if a.Value == "" {
			continue
		}
		k := s.key(a)
		if first, ok := s.rows[k]; ok {
			return Match{Row: int(first), Address: a}, true
		}
		ks = append(ks, k)
	}
	for _, k := range ks {
		// A row may hold the same address twice (two columns); the first claim stays.
		if _, ok := s.rows[k]; !ok {
			s.rows[k] = int32(row)
		}
	}
	return Match{}, false
}

func (s *Set) key(a Address) key {
	v := a.Value
	if a.Kind == "email" {
		v = foldEmail(v)
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
