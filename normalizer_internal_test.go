package contactpipe

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/contactpipe/contactpipe/dedupe"
	"github.com/contactpipe/contactpipe/parse"
)

// TestAppendAddresses: appendAddresses lists a contact's addresses as fieldPtr reads them, in
// addressFields order, each kind named as its field, for every set of kinds.
func TestAppendAddresses(t *testing.T) {
	var c Contact
	for f := range parse.NumFields {
		*fieldPtr(&c, f) = "value of " + f.String()
	}
	for k := kindSet(0); k <= allKinds; k++ {
		if k&^allKinds != 0 {
			continue
		}
		var want []dedupe.Address
		for _, f := range addressFields {
			if k.has(f) {
				want = append(want, dedupe.Address{Kind: f.String(), Value: *fieldPtr(&c, f)})
			}
		}
		assert.Equal(t, want, appendAddresses(nil, &c, k), "kinds %v", k.names())
	}
	c.Email = ""
	assert.Equal(t, []dedupe.Address{{Kind: "msisdn", Value: c.Msisdn}}, appendAddresses(nil, &c, 1<<parse.Msisdn|1<<parse.Email))
}

// TestContactValues: contactValues reads every field as fieldPtr does.
func TestContactValues(t *testing.T) {
	var c Contact
	for f := range parse.NumFields {
		*fieldPtr(&c, f) = "value of " + f.String()
	}
	values := contactValues(&c)
	for f := range parse.NumFields {
		assert.Equal(t, *fieldPtr(&c, f), values[f], f.String())
		assert.Equal(t, f.String(), fieldNames[f])
	}
}
