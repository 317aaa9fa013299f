package normalize

import (
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// renderings writes num in every style a contact list holds it in: as
// phonenumbers formats it, with 00, as bare digits, and as a numeric
// spreadsheet cell that lost the '+' or the leading 0.
func renderings(num *phonenumbers.PhoneNumber) map[string]string {
	cc := phonenumbers.GetCountryCodeForRegion(phonenumbers.GetRegionCodeForNumber(num))
	if cc == 0 {
		cc = int(num.GetCountryCode())
	}
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	national := phonenumbers.Format(num, phonenumbers.NATIONAL)
	ccDigits := strings.TrimPrefix(phonenumbers.Format(num, phonenumbers.E164), "+")
	ccDigits = ccDigits[:len(ccDigits)-len(nsn)]
	return map[string]string{
		"e164":          phonenumbers.Format(num, phonenumbers.E164),
		"international": phonenumbers.Format(num, phonenumbers.INTERNATIONAL),
		"national":      national,
		"00":            "00" + ccDigits + nsn,
		"bare":          digitsOf(national),
		"excel-plus":    ccDigits + nsn,
		"excel-zero":    strings.TrimLeft(digitsOf(national), "0"),
	}
}

// TestNeverAnotherNumber renders the example numbers of every region (mobile
// and fixed line; every type with -long) in every style, reads each with
// the region as the country and with no country, and checks that the
// result is the number rendered or a rejection — never another valid
// number (issue 11 §2).
func TestNeverAnotherNumber(t *testing.T) {
	types := []phonenumbers.PhoneNumberType{phonenumbers.MOBILE, phonenumbers.FIXED_LINE}
	impls := map[string]phoneFunc{"fast": PhoneNumber}
	if longRun() {
		types = allTypes
		impls["reference"] = PhoneNumberReference
	}
	regions := loadCorpus().regions
	require.Greater(t, len(regions), 240)
	counts := map[string]int{}
	for _, region := range regions {
		for _, typ := range types {
			num := phonenumbers.GetExampleNumberForType(region, typ)
			if num == nil {
				continue
			}
			want := phonenumbers.Format(num, phonenumbers.E164)
			for style, raw := range renderings(num) {
				for _, country := range []string{region, ""} {
					for name, f := range impls {
						p, err := f(raw, country)
						if err != nil {
							counts["rejected"]++
							continue
						}
						counts["accepted"]++
						assert.Equal(t, want, p.E164, "%s: %s %q read in %q", name, style, raw, country)
					}
				}
			}
		}
	}
	t.Logf("%v", counts)
	// The rules must not reject everything: numbers written with + or 00,
	// or nationally with their country, are read.
	assert.Greater(t, counts["accepted"], counts["rejected"])
}
