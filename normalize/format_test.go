package normalize

import (
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/assert"
)

// TestE164NumberMatchesParse checks that e164Number builds what
// phonenumbers.Parse makes of an E.164 number, as formatting sees it.
func TestE164NumberMatchesParse(t *testing.T) {
	for _, e := range loadCorpus().entries {
		for _, nsn := range e.examples {
			s := "+" + e.cc + nsn
			want, err := phonenumbers.Parse(s, "")
			if err != nil {
				continue
			}
			got, err := e164Number(s)
			if assert.NoError(t, err, s) {
				assert.Equal(t, phonenumbers.Format(want, phonenumbers.INTERNATIONAL), phonenumbers.Format(got, phonenumbers.INTERNATIONAL), s)
				assert.Equal(t, phonenumbers.Format(want, phonenumbers.NATIONAL), phonenumbers.Format(got, phonenumbers.NATIONAL), s)
			}
		}
	}
}
