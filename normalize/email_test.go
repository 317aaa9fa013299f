package normalize

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEmail(t *testing.T) {
	cases := []struct {
		name, raw, want, code string
	}{
		{"plain", "anna@example.com", "anna@example.com", ""},
		{"trimmed", " \u00a0anna@example.com\t", "anna@example.com", ""},
		{"domain lower-cased", "Anna.Smith@Example.COM", "Anna.Smith@example.com", ""},
		{"display name", "Anna Smith <anna@example.com>", "anna@example.com", ""},
		{"quoted display name", `"Smith, Anna" <Anna@Example.com>`, "Anna@example.com", ""},
		{"angle only", "<anna@example.com>", "anna@example.com", ""},
		{"plus tag", "anna+news@example.co.uk", "anna+news@example.co.uk", ""},
		{"idn domain", "jörg@Müller.DE", "jörg@müller.de", ""},
		{"idn punycode", "a@xn--mnchen-3ya.de", "a@xn--mnchen-3ya.de", ""},
		{"cjk", "用户@例子.广告", "用户@例子.广告", ""},
		{"blank", "  ", "", ""},
		{"no at", "anna.example.com", "", CodeInvalidEmail},
		{"two addresses", "a@example.com, b@example.com", "", CodeInvalidEmail},
		{"double dot", "anna@example..com", "", CodeInvalidEmail},
		{"no dot in domain", "anna@localhost", "", CodeInvalidEmail},
		{"domain literal", "anna@[192.0.2.1]", "", CodeInvalidEmail},
		{"quoted local part", `"anna smith"@example.com`, "", CodeInvalidEmail},
		{"bad host", "anna@-example.com", "", CodeInvalidEmail},
		{"trailing dot", "anna@example.com.", "", CodeInvalidEmail},
		{"spaces", "anna @example.com x", "", CodeInvalidEmail},
		{"too long", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 60) + "." + strings.Repeat("c", 60) + "." + strings.Repeat("d", 60) + "." + strings.Repeat("e", 60) + "." + strings.Repeat("f", 20) + ".com", "", CodeEmailTooLong},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Email(c.raw)
			if c.code != "" {
				var e *Error
				require.True(t, errors.As(err, &e), "want *Error, got %v (%q)", err, got)
				assert.Equal(t, c.code, e.Code)
				assert.Equal(t, "email", e.Field)
				assert.NotContains(t, e.Message, c.raw)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestEmailLengthLimit(t *testing.T) {
	// 320 characters exactly is accepted.
	local := strings.Repeat("a", 64)
	domain := strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + "." + strings.Repeat("e", 59) + ".com"
	addr := local + "@" + domain
	require.Len(t, addr, 320)
	got, err := Email(addr)
	require.NoError(t, err)
	assert.Equal(t, addr, got)
}

// FuzzPlainEmail checks Email's shortcut against the full parse: whenever the shortcut answers,
// emailSlow gives the same address.
func FuzzPlainEmail(f *testing.F) {
	for _, s := range []string{"a@example.com", "A.B@Example.COM", "a@b", "a..b@x.y", "a@-x.com", "a@xn--bcher-kva.ch",
		"a@ab--c.com", "o'brien+x@mail.example.org", "a@x.y.", "a@1.2", "用户@例子.广告"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := plainEmail(s)
		if !ok {
			return
		}
		slow, err := emailSlow(s)
		if err != nil {
			t.Fatalf("plainEmail(%q) = %q, but emailSlow refuses it: %v", s, fast, err)
		}
		if fast != slow {
			t.Fatalf("plainEmail(%q) = %q, emailSlow = %q", s, fast, slow)
		}
	})
}

// TestCountryAlpha3TableMatchesCountryCode: for every three-letter code in upper and mixed
// case, Country answers from its table what countryCode answers.
func TestCountryAlpha3TableMatchesCountryCode(t *testing.T) {
	n := 0
	for a := byte('A'); a <= 'Z'; a++ {
		for b := byte('A'); b <= 'Z'; b++ {
			for c := byte('A'); c <= 'Z'; c++ {
				for _, s := range []string{string([]byte{a, b, c}), string([]byte{a | 0x20, b, c | 0x20})} {
					code, ok := countryCode(s)
					if ok {
						n++
					}
					if got := alpha3Table()[alpha3Key(s)]; got != code {
						t.Errorf("alpha3Table[%q] = %q; countryCode says %q", s, got, code)
					}
				}
			}
		}
	}
	assert.Greater(t, n, 400, "the alpha-3 codes, in two spellings")
}

func TestCountryAlpha2TableMatchesCountryCode(t *testing.T) {
	n := 0
	for a := byte('A'); a <= 'Z'; a++ {
		for b := byte('A'); b <= 'Z'; b++ {
			for _, s := range []string{string([]byte{a, b}), string([]byte{a | 0x20, b})} {
				code, ok := countryCode(s)
				if !ok {
					continue
				}
				n++
				got, err := Country(s)
				if err != nil || got != code {
					t.Errorf("Country(%q) = %q, %v; countryCode says %q", s, got, err, code)
				}
			}
		}
	}
	if n < 2*240 {
		t.Errorf("only %d two-letter codes known", n/2)
	}
}
