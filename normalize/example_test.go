package normalize_test

import (
	"errors"
	"fmt"

	"github.com/contactpipe/contactpipe/normalize"
)

func Example() {
	cells := []struct{ raw, region string }{
		{"030 123456", "DE"},
		{"+1 (650) 253-0000 ext. 12", "DE"},
		{"'4.47400123456E+11", "GB"},
		{"4.47911E+11", "GB"},
		{"16502530000", "US"},
		{"(201) 547-5000", ""},
		{"447400123456", "DE"},
	}
	for _, c := range cells {
		p, err := normalize.PhoneNumber(c.raw, c.region)
		var e *normalize.Error
		if errors.As(err, &e) {
			fmt.Println(e.Code)
			continue
		}
		fmt.Printf("%s ext=%q\n", p.E164, p.Extension)
	}
	country, _ := normalize.Country("United Kingdom")
	email, _ := normalize.Email("Anna <Anna@Example.COM>")
	name, _ := normalize.Name("  Anna \t Maria ")
	cc, national := normalize.SplitE164("+14155550123")
	fmt.Println(country, email, name, cc, national)
	// Output:
	// +4930123456 ext=""
	// +16502530000 ext="12"
	// +447400123456 ext=""
	// phone_truncated_by_excel
	// +16502530000 ext=""
	// phone_needs_country
	// ambiguous_phone
	// GB Anna@example.com Anna Maria +1 4155550123
}

func ExampleAppendPhoneNumber() {
	var buf []byte // the numbers, back to back
	for _, raw := range []string{"+1 (201) 555-0123", "030 123456", "+44 7400 123456 ext. 12"} {
		var err error
		if buf, _, err = normalize.AppendPhoneNumber(buf, raw, "DE"); err != nil {
			fmt.Println(err)
		}
		buf = append(buf, ' ')
	}
	fmt.Println(string(buf))
	// Output:
	// +12015550123 +4930123456 +447400123456
}

func ExamplePhoneNumber() {
	p, err := normalize.PhoneNumber("(201) 555-0123", "US")
	fmt.Println(p.E164, err)
	for _, c := range []struct{ raw, country string }{
		{"(201) 555-012", "US"},
		{"(201) 555-0123", ""},
		{"447400123456", "DE"},
	} {
		_, err = normalize.PhoneNumber(c.raw, c.country)
		fmt.Printf("%s: %v\n", err.(*normalize.Error).Code, err)
	}
	// Output:
	// +12015550123 <nil>
	// invalid_phone: too short for a phone number in US; check for missing digits
	// phone_needs_country: needs a country: written as a national number; add a country column or -country, or write it with + and the country code
	// ambiguous_phone: ambiguous: in DE it reads as +49 4474 00123456, written with + it is +44 7400 123456; write it with + and the country code, or the national number with its national prefix
}
