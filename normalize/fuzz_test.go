package normalize

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzPhoneNumber checks that PhoneNumber never panics, fails only with an
// *Error, agrees exactly with PhoneNumberReference, outputs what the API
// accepts, and is idempotent.
func FuzzPhoneNumber(f *testing.F) {
	for _, cases := range [][]phoneCase{cleaningCases, extensionCases, excelCases, readingCases} {
		for _, c := range cases {
			f.Add(c.raw, c.region)
		}
	}
	f.Fuzz(func(t *testing.T, raw, region string) {
		p, err := PhoneNumber(raw, region)
		ref, refErr := PhoneNumberReference(raw, region)
		if p != ref || (err == nil) != (refErr == nil) {
			t.Fatalf("PhoneNumber(%q, %q) = %+v, %v; reference %+v, %v", raw, region, p, err, ref, refErr)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != refErr.(*Error).Code {
				t.Fatalf("error %v (%T) vs reference %v", err, err, refErr)
			}
			return
		}
		if p.E164 == "" {
			return
		}
		if !apiMsisdn.MatchString(p.E164) {
			t.Fatalf("PhoneNumber(%q, %q) = %q does not match the API pattern", raw, region, p.E164)
		}
		again, err := PhoneNumber(p.E164, region)
		if err != nil || again.E164 != p.E164 {
			t.Fatalf("not idempotent: %q → %q → %q, %v", raw, p.E164, again.E164, err)
		}
	})
}

// FuzzFields checks that the other normalizers never panic, fail only with
// an *Error, return valid UTF-8 and are idempotent.
func FuzzFields(f *testing.F) {
	for _, s := range []string{"DE", "usa", "United Kingdom", "Deutschland", "Côte d’Ivoire",
		"Anna <anna@Example.com>", "jörg@Müller.de", "a@b", "  Anna \t Maria ", "An\x00na", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		type norm func(string) (string, error)
		for name, fn := range map[string]norm{
			"Country": Country,
			"Email":   Email,
			"Name":    Name,
			"ChatID":  func(s string) (string, error) { return ChatID("lineId", s) },
		} {
			out, err := fn(raw)
			if err != nil {
				var e *Error
				if !errors.As(err, &e) || e.Code == "" || e.Field == "" {
					t.Fatalf("%s(%q): error %v is not a complete *Error", name, raw, err)
				}
				continue
			}
			if name != "ChatID" && !utf8.ValidString(out) && utf8.ValidString(raw) {
				t.Fatalf("%s(%q) = %q, invalid UTF-8", name, raw, out)
			}
			again, err := fn(out)
			if err != nil || again != out {
				t.Fatalf("%s not idempotent: %q → %q → %q, %v", name, raw, out, again, err)
			}
		}
	})
}

// FuzzFastRead compares the fast engine with phonenumbers on one reading:
// any digits, with or without '+', in any region (two letters, or none).
func FuzzFastRead(f *testing.F) {
	for _, s := range []struct {
		digits string
		plus   bool
		region string
	}{
		{"4930123456", true, ""}, {"030123456", false, "DE"}, {"0049301234", false, "FR"},
		{"011493012345", false, "US"}, {"16502530000", false, "GB"}, {"01115234567890", false, "AR"},
		{"0151123456789", true, "BR"}, {"4412", true, "GB"}, {"7624123456", false, "IM"},
		{"0", false, "DE"}, {"999", true, "US"}, {"00", false, "JP"},
	} {
		f.Add(s.digits, s.plus, s.region)
	}
	f.Fuzz(func(t *testing.T, digits string, plus bool, region string) {
		b := make([]byte, 0, len(digits))
		for i := 0; i < len(digits) && len(b) < maxPhoneDigits; i++ {
			b = append(b, '0'+digits[i]%10)
		}
		if len(region) > 2 {
			region = region[:2]
		}
		var fo, so [maxE164]byte
		fn, fwhy, ok := fastRead(b, plus, region, &fo)
		sn, swhy := slowRead(b, plus, region, &so)
		if ok && (string(fo[:fn]) != string(so[:sn]) || fwhy != swhy) {
			t.Fatalf("fastRead(%q, %v, %q) = %q, reason %d; phonenumbers %q, reason %d", b, plus, region, fo[:fn], fwhy, so[:sn], swhy)
		}
	})
}
