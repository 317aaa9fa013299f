package sheet

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestExcelDateLeapYearBug covers the 1900 date system's boundary: Excel
// counts a 1900-02-29 that never was as serial 60, so serials before it are
// one day off from those after it. Each serial reads as Excel shows it.
func TestExcelDateLeapYearBug(t *testing.T) {
	for _, tc := range []struct {
		serial   float64
		kind     fmtKind
		date1904 bool
		want     string
	}{
		{1, kindDate, false, "1900-01-01"},
		{59, kindDate, false, "1900-02-28"},
		{60, kindDate, false, "1900-02-29"},
		{61, kindDate, false, "1900-03-01"},
		{59.5, kindDateTime, false, "1900-02-28 12:00:00"},
		{60.5, kindDateTime, false, "1900-02-29 12:00:00"},
		{60.75, kindTime, false, "18:00:00"},
		{61.25, kindDateTime, false, "1900-03-01 06:00:00"},
		{59.99999999, kindDateTime, false, "1900-02-29 00:00:00"}, // rounded to the second
		{45306, kindDate, false, "2024-01-15"},
		{59, kindDate, true, "1904-02-29"}, // 1904 system: no bug, 1904 is a leap year
		{60, kindDate, true, "1904-03-01"},
		{61, kindDate, true, "1904-03-02"},
	} {
		got, ok := excelDate(tc.serial, tc.kind, tc.date1904)
		assert.True(t, ok)
		assert.Equal(t, tc.want, got, "serial %v (1904: %v)", tc.serial, tc.date1904)
	}
}

func TestClassifyElapsed(t *testing.T) {
	for _, code := range []string{"[h]:mm:ss", "[mm]:ss", "[ss]", "[h]:mm"} {
		assert.Equal(t, kindDuration, classifyFmt(code).kind, code)
	}
	assert.Equal(t, kindDuration, builtinFmt(46).kind)
	assert.Equal(t, "255:10:10", formatNumber(10.6320601851852, numFmt{kind: kindDuration}, false))
}
