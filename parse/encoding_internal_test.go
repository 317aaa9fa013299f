package parse

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// TestInvalidUTF8At holds invalidUTF8At, which checks a record whole before it looks at its
// fields, to the field-by-field definition: the first byte that does not start a valid rune of
// its own field, on records of random bytes cut at random places.
func TestInvalidUTF8At(t *testing.T) {
	reference := func(rec []byte, ends []int) int {
		start := 0
		for _, e := range ends {
			for i := start; i < e; {
				r, n := utf8.DecodeRune(rec[i:e])
				if r == utf8.RuneError && n <= 1 {
					return i
				}
				i += n
			}
			start = e
		}
		return -1
	}
	alphabet := []byte("a,\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x80\xce\x95\xff")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20_000 {
		rec := make([]byte, rng.IntN(12))
		for i := range rec {
			rec[i] = alphabet[rng.IntN(len(alphabet))]
		}
		var ends []int
		for i := 1; i <= len(rec); i++ {
			if i == len(rec) || rng.IntN(4) == 0 {
				ends = append(ends, i)
			}
		}
		assert.Equal(t, reference(rec, ends), invalidUTF8At(rec, ends), "%q cut at %v", rec, ends)
		long := append(append(append([]byte("0123456789"), rec...), "abcdefghijklmnop"...), rec...)
		assert.Equal(t, utf8.Valid(long), validUTF8(long), "%q", long)
	}
}

// BenchmarkValidUTF8 compares validUTF8 with utf8.Valid on a record with two letters with accents.
func BenchmarkValidUTF8(b *testing.B) {
	rec := []byte("Jörg12345Müller+491512345678jorg12345@example.deDE2019-01-01customer")
	b.Run("validUTF8", func(b *testing.B) {
		for b.Loop() {
			validUTF8(rec)
		}
	})
	b.Run("utf8.Valid", func(b *testing.B) {
		for b.Loop() {
			utf8.Valid(rec)
		}
	})
	ends := []int{9, 15, 28, 48, 50, 60, 68}
	b.Run("invalidUTF8At", func(b *testing.B) {
		for b.Loop() {
			invalidUTF8At(rec, ends)
		}
	})
	b.Run("utf8.Valid-per-field", func(b *testing.B) {
		for b.Loop() {
			start := 0
			for _, e := range ends {
				if !utf8.Valid(rec[start:e]) {
					break
				}
				start = e
			}
		}
	})
}
