package normalize

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

func TestCountry(t *testing.T) {
	cases := []struct {
		raw, want, code string
	}{
		// alpha-2 in any case
		{"DE", "DE", ""},
		{"de", "DE", ""},
		{"De", "DE", ""},
		{" us ", "US", ""},
		{"gb", "GB", ""},
		{"UK", "GB", ""},
		{"uk", "GB", ""},
		{"XK", "XK", ""},
		// alpha-3
		{"USA", "US", ""},
		{"usa", "US", ""},
		{"GBR", "GB", ""},
		{"DEU", "DE", ""},
		{"che", "CH", ""},
		{"BRA", "BR", ""},
		// English names
		{"United States", "US", ""},
		{"united states of america", "US", ""},
		{"United Kingdom", "GB", ""},
		{"Germany", "DE", ""},
		{"GERMANY", "DE", ""},
		{"Côte d’Ivoire", "CI", ""},
		{"Cote d'Ivoire", "CI", ""},
		{"St. Lucia", "LC", ""},
		{"Saint Lucia", "LC", ""},
		{"Bosnia & Herzegovina", "BA", ""},
		{"Bosnia and Herzegovina", "BA", ""},
		{"Trinidad and Tobago", "TT", ""},
		{"Myanmar (Burma)", "MM", ""},
		{"Myanmar", "MM", ""},
		{"Burma", "MM", ""},
		{"Hong Kong SAR China", "HK", ""},
		{"Hong Kong", "HK", ""},
		{"The Netherlands", "NL", ""},
		{"the Bahamas", "BS", ""},
		{"Congo - Kinshasa", "CD", ""},
		{"South Korea", "KR", ""},
		{"North Korea", "KP", ""},
		{"Åland Islands", "AX", ""},
		{"Aland Islands", "AX", ""},
		{"Réunion", "RE", ""},
		{"Turkey", "TR", ""},
		// native names
		{"Deutschland", "DE", ""},
		{"Österreich", "AT", ""},
		{"Osterreich", "AT", ""},
		{"España", "ES", ""},
		{"Italia", "IT", ""},
		{"Nederland", "NL", ""},
		{"Polska", "PL", ""},
		{"Türkiye", "TR", ""},
		{"日本", "JP", ""},
		{"Россия", "RU", ""},
		// aliases
		{"U.S.A.", "US", ""},
		{"U.S.", "US", ""},
		{"America", "US", ""},
		{"Great Britain", "GB", ""},
		{"England", "GB", ""},
		{"Holland", "NL", ""},
		{"Czech Republic", "CZ", ""},
		{"Czechia", "CZ", ""},
		{"Ivory Coast", "CI", ""},
		{"UAE", "AE", ""},
		{"Russian Federation", "RU", ""},
		{"Viet Nam", "VN", ""},
		// blank
		{"", "", ""},
		{"  ", "", ""},
		// rejected
		{"Atlantis", "", CodeInvalidCountry},
		{"EU", "", CodeInvalidCountry},
		{"UN", "", CodeInvalidCountry},
		{"ZZ", "", CodeInvalidCountry},
		{"QO", "", CodeInvalidCountry},
		{"XX", "", CodeInvalidCountry},
		{"DD", "", CodeInvalidCountry},
		{"YU", "", CodeInvalidCountry},
		{"001", "", CodeInvalidCountry},
		{"840", "", CodeInvalidCountry},
		{"49", "", CodeInvalidCountry},
		{"Korea", "", CodeInvalidCountry},
		{"Congo", "", CodeInvalidCountry},
		{"D", "", CodeInvalidCountry},
	}
	for _, c := range cases {
		t.Run(c.raw, func(t *testing.T) {
			got, err := Country(c.raw)
			if c.code != "" {
				var e *Error
				require.True(t, errors.As(err, &e), "want *Error, got %v", err)
				assert.Equal(t, c.code, e.Code)
				assert.Equal(t, "country", e.Field)
				assert.Contains(t, e.Message, "country code")
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

// Every accepted alpha-2 code, its alpha-3 code and its English name read
// back as the code.
func TestCountryEveryRegion(t *testing.T) {
	n := 0
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || r.String() != code || !acceptedRegion(r) {
				continue
			}
			n++
			got, err := Country(code)
			require.NoError(t, err, code)
			assert.Equal(t, code, got)
			got, err = Country(r.ISO3())
			require.NoError(t, err, r.ISO3())
			assert.Equal(t, code, got, r.ISO3())
			name := display.English.Regions().Name(r)
			got, err = Country(name)
			require.NoError(t, err, name)
			assert.Equal(t, code, got, name)
		}
	}
	assert.Greater(t, n, 240)
}

func TestCountryLongValueNotEchoed(t *testing.T) {
	_, err := Country("this is not a country but a long sentence somebody typed")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "sentence")
}
