package bench_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/mail"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/contactpipe/contactpipe/bench"
)

func generate(t testing.TB, n int, opts bench.Options) ([]byte, bench.Stats) {
	t.Helper()
	var buf bytes.Buffer
	st, err := bench.Generate(&buf, n, opts)
	require.NoError(t, err)
	return buf.Bytes(), st
}

func rowsOf(t testing.TB, n int, seed uint64) []bench.Row {
	t.Helper()
	g := bench.NewGenerator(seed)
	rows := make([]bench.Row, n)
	for i := range rows {
		var err error
		rows[i], err = g.Next()
		require.NoError(t, err)
	}
	return rows
}

func TestGenerateIsDeterministic(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts bench.Options
	}{
		{"csv", bench.Options{Seed: 7}},
		{"csv without header", bench.Options{Seed: 7, NoHeader: true}},
		{"xlsx shared strings", bench.Options{Seed: 7, Format: bench.XLSXShared}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, sa := generate(t, 3000, tc.opts)
			b, sb := generate(t, 3000, tc.opts)
			assert.Equal(t, a, b, "same seed, same bytes")
			assert.Equal(t, sa, sb)
			other := tc.opts
			other.Seed++
			c, _ := generate(t, 3000, other)
			assert.NotEqual(t, a, c, "another seed, other rows")
		})
	}
	// A longer file starts with the shorter one's rows.
	short, _ := generate(t, 100, bench.Options{Seed: 3})
	long, _ := generate(t, 200, bench.Options{Seed: 3})
	assert.True(t, bytes.HasPrefix(long, short))
}

func TestGenerateCSVShape(t *testing.T) {
	data, st := generate(t, 2000, bench.Options{Seed: 1})
	r := csv.NewReader(bytes.NewReader(data))
	recs, err := r.ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 2001)
	assert.Equal(t, bench.Header, recs[0])
	assert.Equal(t, 2000, st.Rows)
	assert.True(t, bytes.HasSuffix(data, []byte("\r\n")), "CRLF line ends, as Excel writes")

	headerless, _ := generate(t, 2000, bench.Options{Seed: 1, NoHeader: true})
	assert.Equal(t, data[len("First Name,Last Name,Phone,Email,Country\r\n"):], headerless)
	assert.Len(t, bench.Columns, len(bench.Header))

	var nonASCII int
	for _, rec := range recs[1:] {
		if strings.ContainsFunc(rec[0]+rec[1], func(r rune) bool { return r > 0x7f }) {
			nonASCII++
		}
	}
	assert.Greater(t, nonASCII, 2000/5, "names carry non-ASCII letters")
}

// TestProportions checks on 20,000 rows that the shares of each kind of row hold, and judges
// every phone with phonenumbers itself: valid styles read back to the row's E164, invalid ones
// do not read as a valid number.
func TestProportions(t *testing.T) {
	const n = 20_000 / scale
	rows := rowsOf(t, n, 42)
	kinds := map[bench.Kind]int{}
	styles := map[bench.PhoneStyle]int{}
	regions := map[string]int{}
	var validPhones, invalidByPhonenumbers int
	for i, r := range rows {
		kinds[r.Kind]++
		styles[r.Style]++
		regions[r.Region]++
		region := ""
		if r.Country != "" {
			region = r.Region
		}
		switch {
		case r.Style.Valid():
			got := readPhone(r.Phone, r.Style, region)
			if assert.Equal(t, r.E164, got, "row %d: %q (%s) in %q", i+1, r.Phone, r.Style, region) {
				validPhones++
			}
			if r.Style.Numeric() {
				assert.Equal(t, r.E164, "+"+strconv.FormatInt(r.PhoneValue, 10))
			}
		case r.Style == bench.StyleTruncated || r.Style == bench.StyleTooLong:
			p, err := phonenumbers.Parse(r.Phone, region)
			if assert.False(t, err == nil && phonenumbers.IsValidNumber(p), "row %d: %q must be invalid", i+1, r.Phone) {
				invalidByPhonenumbers++
			}
			assert.Empty(t, r.E164)
		case r.Style == bench.StyleExcelLossy:
			assert.Contains(t, r.Phone, "E+")
			invalidByPhonenumbers++
		case r.Style == bench.StyleText:
			assert.False(t, strings.ContainsAny(r.Phone, "0123456789"))
		}
	}
	share := func(c int) float64 { return float64(c) / n }
	for _, tc := range []struct {
		kind bench.Kind
		want float64
	}{
		{bench.Valid, 0.85}, {bench.Duplicate, 0.05}, {bench.InvalidPhone, 0.04},
		{bench.InvalidEmail, 0.03}, {bench.NoAddress, 0.015}, {bench.InvalidCountry, 0.015},
	} {
		assert.InDelta(t, tc.want, share(kinds[tc.kind]), 0.01*scale, "share of %s", tc.kind)
	}
	invalid := n - kinds[bench.Valid] - kinds[bench.Duplicate]
	assert.InDelta(t, 0.10, share(invalid), 0.01*scale, "about 10%% invalid")
	assert.InDelta(t, 0.85*0.95+0.05*0.6+0.03*0.7+0.015, share(validPhones), 0.02, "rows with a valid phone")
	assert.Greater(t, invalidByPhonenumbers, n/100)
	for _, st := range []bench.PhoneStyle{
		bench.StyleE164, bench.StyleInternational, bench.StyleNational, bench.StyleNationalDashes, bench.StyleNationalDots,
		bench.StyleNationalParens, bench.StyleIDD00, bench.StyleDigits, bench.StyleExcelScientific, bench.StyleExcelDotZero,
		bench.StyleApostrophe, bench.StyleTel, bench.StyleUnicode, bench.StyleExtension,
		bench.StyleTruncated, bench.StyleTooLong, bench.StyleExcelLossy, bench.StyleText,
	} {
		assert.Greater(t, styles[st], n/400/scale, "style %s is represented", st)
	}
	for _, cc := range []string{"US", "GB", "DE", "FR", "BR", "IN", "JP", "AU", "ES", "MX"} {
		assert.Greater(t, share(regions[cc]), 0.03, "contacts from %s", cc)
	}
}

// readPhone reads a generated phone the way the normalization rules do, with phonenumbers:
// spreadsheet damage undone, read in the row's country, else as international digits.
func readPhone(text string, style bench.PhoneStyle, region string) string {
	switch style {
	case bench.StyleExcelScientific:
		text = expandScientific(text)
	case bench.StyleExcelDotZero:
		text = strings.TrimSuffix(text, ".0")
	}
	if p, err := phonenumbers.Parse(text, region); err == nil && phonenumbers.IsValidNumber(p) {
		return phonenumbers.Format(p, phonenumbers.E164)
	}
	if style.Numeric() {
		if p, err := phonenumbers.Parse("+"+text, ""); err == nil && phonenumbers.IsValidNumber(p) {
			return phonenumbers.Format(p, phonenumbers.E164)
		}
	}
	return ""
}

// expandScientific turns "4.47911123456E+11" into "447911123456" (every digit is in the mantissa).
func expandScientific(s string) string {
	mant, exp, _ := strings.Cut(s, "E+")
	e, _ := strconv.Atoi(exp)
	digits := strings.Replace(mant, ".", "", 1)
	if len(digits) != e+1 {
		return ""
	}
	return digits
}

func TestAddressesAreUniqueButForDuplicates(t *testing.T) {
	rows := rowsOf(t, 20_000/scale, 5)
	phones := map[string]int{}
	emails := map[string]int{}
	address := func(s string) string {
		a, err := mail.ParseAddress(s)
		require.NoError(t, err, "e-mail %q", s)
		return strings.ToLower(a.Address)
	}
	for i, r := range rows {
		if r.Kind == bench.Duplicate {
			orig := rows[r.DuplicateOf-1]
			require.Less(t, r.DuplicateOf, i+1)
			assert.Equal(t, bench.Valid, orig.Kind)
			switch r.DuplicateBy {
			case "msisdn":
				assert.Equal(t, orig.E164, r.E164)
				assert.NotEmpty(t, r.E164)
			case "email":
				assert.Equal(t, address(orig.Email), address(r.Email))
			default:
				t.Fatalf("row %d: duplicate by %q", i+1, r.DuplicateBy)
			}
			continue
		}
		if r.E164 != "" {
			if j, seen := phones[r.E164]; seen {
				t.Errorf("rows %d and %d share %s by accident", j, i+1, r.E164)
			}
			phones[r.E164] = i + 1
		}
		if r.Kind != bench.InvalidEmail && r.Email != "" {
			a := address(r.Email)
			if j, seen := emails[a]; seen {
				t.Errorf("rows %d and %d share an e-mail by accident", j, i+1)
			}
			emails[a] = i + 1
		}
	}
}

func TestInvalidRows(t *testing.T) {
	for i, r := range rowsOf(t, 10_000/scale, 9) {
		switch r.Kind {
		case bench.InvalidEmail:
			_, err := mail.ParseAddress(r.Email)
			assert.Error(t, err, "row %d: %q must be malformed", i+1, r.Email)
		case bench.NoAddress:
			assert.Empty(t, r.Phone+r.Email, "row %d", i+1)
		case bench.InvalidCountry:
			assert.Greater(t, len(r.Country), 3, "row %d: %q is no code", i+1, r.Country)
			assert.NotEmpty(t, r.E164, "row %d: only the country is wrong", i+1)
		case bench.InvalidPhone:
			assert.False(t, r.Style.Valid(), "row %d", i+1)
		case bench.Valid, bench.Duplicate:
			assert.NotEmpty(t, r.Phone+r.Email, "row %d has an address", i+1)
			if r.Style != bench.NoPhone && r.Country == "" {
				assert.Contains(t, []bench.PhoneStyle{bench.StyleE164, bench.StyleInternational, bench.StyleDigits,
					bench.StyleExcelScientific, bench.StyleExcelDotZero, bench.StyleTel, bench.StyleUnicode, bench.StyleExtension},
					r.Style, "row %d: a national number needs its country", i+1)
			}
		}
	}
}

// TestXLSXReadableByExcelize reads both XLSX variants with excelize and compares every cell with
// the CSV generated from the same seed.
func TestXLSXReadableByExcelize(t *testing.T) {
	const n = 1500
	csvData, _ := generate(t, n, bench.Options{Seed: 11})
	want, err := csv.NewReader(bytes.NewReader(csvData)).ReadAll()
	require.NoError(t, err)
	rows := rowsOf(t, n, 11)
	for _, format := range []bench.Format{bench.XLSXInline, bench.XLSXShared} {
		t.Run(string(format), func(t *testing.T) {
			data, st := generate(t, n, bench.Options{Seed: 11, Format: format})
			assert.Equal(t, n, st.Rows)
			require.Equal(t, []byte("PK\x03\x04"), data[:4])
			f, err := excelize.OpenReader(bytes.NewReader(data))
			require.NoError(t, err)
			defer f.Close()
			sheets := f.GetSheetList()
			require.Len(t, sheets, 1)
			it, err := f.Rows(sheets[0])
			require.NoError(t, err)
			defer it.Close()
			line := 0
			for it.Next() {
				got, err := it.Columns(excelize.Options{RawCellValue: true})
				require.NoError(t, err)
				for len(got) < len(bench.Header) {
					got = append(got, "")
				}
				require.Less(t, line, len(want))
				exp := want[line]
				if line > 0 && rows[line-1].PhoneValue != 0 {
					exp = append([]string(nil), exp...)
					exp[2] = strconv.FormatInt(rows[line-1].PhoneValue, 10)
				}
				assert.Equal(t, exp, got, "row %d", line+1)
				line++
			}
			require.NoError(t, it.Error())
			assert.Equal(t, n+1, line)

			// Cells are typed as the variant says.
			typ, err := f.GetCellType(sheets[0], "A2")
			require.NoError(t, err)
			if format == bench.XLSXShared {
				assert.Equal(t, excelize.CellTypeSharedString, typ)
			} else {
				assert.Equal(t, excelize.CellTypeInlineString, typ)
			}
		})
	}
}

func TestGenerateRejectsBadArguments(t *testing.T) {
	_, err := bench.Generate(io.Discard, -1, bench.Options{})
	assert.Error(t, err)
	_, err = bench.Generate(io.Discard, 1, bench.Options{Format: "ods"})
	assert.Error(t, err)
	_, err = bench.Generate(io.Discard, 1<<20, bench.Options{Format: bench.XLSXShared})
	assert.ErrorContains(t, err, "at most 1048576 rows", "Excel's sheet limit")
	st, err := bench.Generate(io.Discard, 0, bench.Options{Format: bench.XLSXShared})
	assert.NoError(t, err)
	assert.Zero(t, st.Rows)
}
