package normalize

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// cleanNameReference is cleanName without its ASCII path: what the tests hold it to.
func cleanNameReference(raw string) string {
	clean := true
	prevSpace := true // a leading space is not clean
	for _, r := range raw {
		switch {
		case r == ' ':
			if prevSpace {
				clean = false
			}
			prevSpace = true
		case isBlank(r) || unicode.IsControl(r) || r == utf8.RuneError:
			clean = false
		default:
			prevSpace = false
		}
		if !clean {
			break
		}
	}
	if clean && !prevSpace || raw == "" {
		return raw
	}
	return rebuildName(raw)
}

// TestCleanNameASCIIPath holds cleanName, which reads ASCII a byte at a time, to the rune by rune
// definition, on random names of ASCII, blanks, control characters and other runes.
func TestCleanNameASCIIPath(t *testing.T) {
	parts := []string{"a", "Z", " ", "  ", "\t", "\n", "\x00", "\x7f", "ö", "\u00a0", "\u200b", "\u0085", "\xff", "-", "'", "李"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 50_000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		raw := b.String()
		assert.Equal(t, cleanNameReference(raw), cleanName(raw), "%q", raw)
	}
}

// TestCountryKeyASCII holds countryKeyASCII to countryKey on country names and on random ASCII
// text of letters, digits, spaces, '&' and punctuation, up to the longest it folds.
func TestCountryKeyASCII(t *testing.T) {
	var buf [maxASCIIKey]byte
	check := func(s string) {
		key, ok := countryKeyASCII(s, &buf)
		if !ok {
			return
		}
		assert.Equal(t, countryKey(s), string(key), "%q", s)
	}
	for _, s := range []string{"United States", "the Gambia", "St. Lucia", "St Kitts & Nevis", "THE", "the", "The the", "st", "", "&", "Trinidad&Tobago", "U.S.A."} {
		check(s)
	}
	parts := []string{"the", "The", "st", "St.", "&", " ", "-", ".", "a", "B", "9", "island", "and", "x"}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 20_000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		check(b.String())
		check(strings.Repeat("a&", rng.IntN(33)))
		check(strings.Repeat(" a", rng.IntN(33)))
	}
	_, ok := countryKeyASCII("Côte d’Ivoire", &buf)
	assert.False(t, ok, "not ASCII: countryKey folds it")
	key, ok := countryKeyASCII("Saint Vincent and the Grenadines", &buf)
	assert.True(t, ok)
	assert.Equal(t, "saintvincentandthegrenadines", string(key))
}
