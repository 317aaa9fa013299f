package validate_test

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/contactpipe/contactpipe/validate"
)

func TestField(t *testing.T) {
	tests := []struct {
		field, value string
		code         string // "" = valid
	}{
		{"firstName", "", ""},
		{"firstName", strings.Repeat("é", 200), ""},
		{"firstName", strings.Repeat("é", 201), validate.CodeNameTooLong},
		{"lastName", strings.Repeat("a", 201), validate.CodeNameTooLong},
		{"externalId", strings.Repeat("x", 50), ""},
		{"externalId", strings.Repeat("x", 51), validate.CodeExternalIDTooLong},
		{"country", "US", ""},
		{"country", "us", validate.CodeInvalidCountry},
		{"country", "USA", validate.CodeInvalidCountry},
		{"msisdn", "+16511112222", ""},
		{"msisdn", "16511112222", ""},
		{"msisdn", "+1234567", ""},
		{"msisdn", "+123456", validate.CodeInvalidMsisdn},
		{"msisdn", "+1234567890123456", validate.CodeInvalidMsisdn},
		{"msisdn", "+0123456789", validate.CodeInvalidMsisdn},
		{"msisdn", "+1 651 111", validate.CodeInvalidMsisdn},
		{"msisdn", "++16511112222", validate.CodeInvalidMsisdn},
		{"email", "a@example.com", ""},
		{"email", "a@b", ""},
		{"email", "Ann <a@example.com>", validate.CodeInvalidEmail},
		{"email", "not an email", validate.CodeInvalidEmail},
		{"email", "@example.com", validate.CodeInvalidEmail},
		{"email", "a..b@example.com", validate.CodeInvalidEmail},
		{"email", ".a@example.com", validate.CodeInvalidEmail},
		{"email", "a@example..com", validate.CodeInvalidEmail},
		{"email", "a@b@example.com", validate.CodeInvalidEmail},
		{"email", "o'brien+tag@example.com", ""},
		{"email", "用户@例子.广告", ""},
		{"email", `"john doe"@example.com`, validate.CodeInvalidEmail}, // quoted local parts with spaces are refused
		{"email", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 256) + ".com", validate.CodeEmailTooLong},
		{"weChatUserId", strings.Repeat("w", 128), ""},
		{"kakaoTalkId", strings.Repeat("k", 129), validate.CodeChatIDTooLong},
		{"zaloId", strings.Repeat("z", 129), validate.CodeChatIDTooLong},
		{"lineId", strings.Repeat("l", 129), validate.CodeChatIDTooLong},
		{"facebookUserId", strings.Repeat("f", 129), validate.CodeChatIDTooLong},
		{"nickname", "x", validate.CodeUnknownField},
	}
	for _, tt := range tests {
		t.Run(tt.field+"/"+short(tt.value), func(t *testing.T) {
			err := validate.Field(tt.field, tt.value)
			if tt.code == "" {
				assert.NoError(t, err)
				return
			}
			var verr *validate.Error
			if assert.True(t, errors.As(err, &verr), "want *validate.Error, got %v", err) {
				assert.Equal(t, tt.code, verr.Code)
				assert.Equal(t, tt.field, verr.Field)
				if len(tt.value) >= 5 {
					assert.NotContains(t, verr.Error(), tt.value, "messages must not echo the value")
				}
			}
		})
	}
}

func TestAddresses(t *testing.T) {
	assert.NoError(t, validate.Addresses("", "a@example.com"))
	assert.NoError(t, validate.Addresses("+16511112222"))
	err := validate.Addresses("", "", "")
	var verr *validate.Error
	if assert.ErrorAs(t, err, &verr) {
		assert.Equal(t, validate.CodeNoAddress, verr.Code)
	}
}

// TestMessagesPlainWords checks that messages say what is wrong without the API's field names:
// the caller names the user's column (issue 14 §4).
func TestMessagesPlainWords(t *testing.T) {
	err := validate.Addresses("", "")
	assert.EqualError(t, err, "the row has no phone number, email or chat id; fill in at least one")
	for _, c := range []struct{ field, value, msg string }{
		{"msisdn", "+0123", "not a phone number the API accepts; write + and 7 to 15 digits, the first not 0"},
		{"country", "usa", "not a two-letter country code; write a code such as US or GB"},
		{"email", "nope", "not a valid email address (like anna@mail.com); correct the cell"},
		{"firstName", strings.Repeat("x", 201), "too long: 201 characters, at most 200 allowed; shorten it"},
	} {
		err := validate.Field(c.field, c.value)
		var verr *validate.Error
		if assert.ErrorAs(t, err, &verr, c.field) {
			assert.Equal(t, c.msg, verr.Error())
			assert.Equal(t, c.field, verr.Field)
		}
	}
	for _, f := range validate.AddressFields() {
		if f != "email" { // a plain word too
			assert.NotContains(t, err.Error(), f)
		}
	}
}

func short(s string) string {
	if len(s) > 20 {
		return s[:20]
	}
	return s
}

func ExampleField() {
	err := validate.Field("msisdn", "+44 20 7946 0958")
	var verr *validate.Error
	if errors.As(err, &verr) {
		fmt.Println(verr.Code)
	}
	fmt.Println(validate.Field("msisdn", "+442079460958"))
	// Output:
	// invalid_msisdn
	// <nil>
}

// FuzzEmailShortcut checks that the dot-atom shortcut never accepts what net/mail refuses.
func FuzzEmailShortcut(f *testing.F) {
	for _, s := range []string{"a@example.com", "a..b@x", "o'brien@x.y", "a@b@c", `"q"@x`, "用户@例子.广告", "a@[1.2.3.4]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if s == "" {
			return // an absent field is valid
		}
		got := validate.Field("email", s) == nil
		a, err := mail.ParseAddress(s)
		want := err == nil && a.Address == s && a.Name == "" && !strings.ContainsAny(s, "<> \t\r\n") && utf8.RuneCountInString(s) <= validate.MaxEmailLen
		if got != want {
			t.Fatalf("Field(email, %q) valid=%v, net/mail says %v", s, got, want)
		}
	})
}

func BenchmarkFieldEmail(b *testing.B) {
	for b.Loop() {
		_ = validate.Field("email", "firstname.lastname@example.co.uk")
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "values/s")
}

// TestAddressFieldsIsACopy: a caller changing the slice it got does not change the contract.
func TestAddressFieldsIsACopy(t *testing.T) {
	got := validate.AddressFields()
	got[0] = "mutated"
	assert.Equal(t, "msisdn", validate.AddressFields()[0])
}
