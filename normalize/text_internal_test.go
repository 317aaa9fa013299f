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
