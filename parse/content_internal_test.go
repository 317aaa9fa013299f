package parse

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPhoneLikeRefusesDates: values that are dates are not phone-like; phone numbers whose groups
// could be read as a date only if the numbers were a calendar date stay phone-like.
func TestPhoneLikeRefusesDates(t *testing.T) {
	for _, s := range []string{"1980-03-12", "2009/01/01", "2024.02.29", "24.12.1987", "01.01.2016", "12/31/2019", "3/7/1999", " 1975-11-02 "} {
		assert.True(t, dateLike(strings.TrimSpace(s)), s)
		assert.False(t, phoneLike(s), s)
	}
	for _, s := range []string{"0211-12-34", "2012-34-56", "030 1234 5678", "01.23.45.67.89", "+49 30 1234-5678", "(650) 253-0000",
		"1234-05-06", "32.12.1987", "13/13/2019", "1980-03-12-1", "1980--03-12"} {
		assert.False(t, dateLike(strings.TrimSpace(s)), s)
	}
	for _, s := range []string{"0211-12-34", "030 1234 5678", "01.23.45.67.89", "(650) 253-0000"} {
		assert.True(t, phoneLike(s), s)
	}
}
