package parse

import (
	"strconv"
	"strings"
)

// SampleRows is how many data rows Open reads ahead (and keeps) to decide columns by their
// values: "Title" (salutation or job title) and columns whose header is unknown.
const SampleRows = 100

// sampleBytes bounds the text of the rows read ahead.
const sampleBytes = 1 << 20

// contentShare is the share of a column's non-empty sampled values (in percent) that must look
// like phone numbers (or emails) for the column to be read as msisdn (or email).
const contentShare = 90

// phoneLike reports whether s looks like a phone number written by a person, without deciding
// whether it is a valid one (package normalize does that): after trimming, it holds 7 to 15
// digits and nothing but digits, spaces and + - . / ( ), a '+' only at the start; and it carries
// a cue that it is a phone number — a leading '+', a leading 0 (a trunk or international prefix),
// or a separator between digit groups ("650 253 0000", "(650) 253-0000"). Bare digits such as
// "16502530000" are not phone-like: an id or an account number looks the same; nor is a date
// (dateLike).
func phoneLike(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || dateLike(s) {
		return false
	}
	digits, cue := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits == 0 && c == '0' {
				cue = true
			}
			digits++
		case c == '+':
			if i != 0 {
				return false
			}
			cue = true
		case c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')':
			if digits > 0 && i+1 < len(s) {
				cue = true
			}
		default:
			return false
		}
	}
	return cue && digits >= 7 && digits <= 15
}

// dateLike reports whether s is a calendar date written with digits: three groups joined by one
// separator ('-', '.' or '/'), either a year first (1980-03-12, 2009/01/01) or a year last with a
// day and a month first in either order (24.12.1987, 12/31/2019), years 1800–2199. Such values
// have the digits and separators of a phone number: a birthday column is not a phone column.
func dateLike(s string) bool {
	var g [3]int // the groups' values
	var w [3]int // and their widths
	n, sep := 0, byte(0)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if w[n] == 4 {
				return false
			}
			g[n], w[n] = g[n]*10+int(c-'0'), w[n]+1
		case (c == '-' || c == '.' || c == '/') && (sep == 0 || c == sep) && w[n] > 0 && n < 2:
			sep, n = c, n+1
		default:
			return false
		}
	}
	if n != 2 || w[2] == 0 {
		return false
	}
	year := func(i int) bool { return w[i] == 4 && g[i] >= 1800 && g[i] <= 2199 }
	day := func(i int) bool { return w[i] <= 2 && g[i] >= 1 && g[i] <= 31 }
	month := func(i int) bool { return w[i] <= 2 && g[i] >= 1 && g[i] <= 12 }
	switch {
	case year(0):
		return month(1) && day(2)
	case year(2):
		return day(0) && day(1) && (month(0) || month(1))
	}
	return false
}

// emailLike reports whether s looks like an email address: one '@' with text before it and a
// domain with a dot after it, no spaces.
func emailLike(s string) bool {
	s = strings.TrimSpace(s)
	at := strings.IndexByte(s, '@')
	if at <= 0 || strings.IndexByte(s[at+1:], '@') >= 0 || strings.ContainsAny(s, " \t,;<>") {
		return false
	}
	dom := s[at+1:]
	dot := strings.LastIndexByte(dom, '.')
	return dot > 0 && dot < len(dom)-1
}

// detectContent looks at the sampled values of column col: field is Msisdn or Email when at least
// contentShare percent of its non-empty values look like phone numbers or emails (share is that
// percentage), else -1. A column whose values are phones and emails together (each short of the
// share, both together over it) is ambiguous: amb says so.
func detectContent(sample [][]string, col int) (field Field, share int, amb string) {
	n, phones, emails := 0, 0, 0
	for _, row := range sample {
		if col >= len(row) || isBlank(row[col]) {
			continue
		}
		n++
		switch v := row[col]; {
		case phoneLike(v):
			phones++
		case emailLike(v):
			emails++
		}
	}
	if n == 0 {
		return -1, 0, ""
	}
	p, e := phones*100/n, emails*100/n
	switch {
	case p >= contentShare:
		return Msisdn, p, ""
	case e >= contentShare:
		return Email, e, ""
	case phones > 0 && emails > 0 && p+e >= contentShare:
		return -1, 0, "values are phone numbers (" + strconv.Itoa(p) + "%) and emails (" + strconv.Itoa(e) +
			"%): map it with the column map"
	}
	return -1, 0, ""
}

// salutations are the values that make a "Title" column a salutation (folded like header names).
var salutations = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range []string{
		"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Dame", "Lord", "Lady", "Rev", "Fr", "Madam",
		"Herr", "Frau", "Hr", "Fr", "Dr. med.", "Prof. Dr.",
		"M", "Mme", "Mlle", "Me", "Monsieur", "Madame", "Mademoiselle",
		"Sr", "Sra", "Srta", "Don", "Doña", "Señor", "Señora", "Señorita",
		"Sig", "Sig.ra", "Sigra", "Signor", "Signora", "Dott", "Dott.ssa", "Dottssa",
		"Dhr", "Mevr", "Mevrouw", "De heer",
		"Pan", "Pani", "Hr.", "Fru", "Bay", "Bayan",
		"様", "さん", "先生", "女士", "小姐",
	} {
		var buf [64]byte
		m[string(fieldKey(buf[:0], s))] = true
	}
	return m
}()

// salutationColumn reports whether the sampled values of a "Title" column are salutations (at
// least contentShare percent of the non-empty ones; a column with no values counts as one).
func salutationColumn(sample [][]string, col int) bool {
	n, hits := 0, 0
	for _, row := range sample {
		if col >= len(row) || isBlank(row[col]) {
			continue
		}
		n++
		var buf [64]byte
		if salutations[string(fieldKey(buf[:0], row[col]))] {
			hits++
		}
	}
	return n == 0 || hits*100/n >= contentShare
}

// FormulaRisk reports whether a spreadsheet would run the cell s as a formula (or as a command
// in older ones) instead of showing it as text. It is the rule the human-facing files use to put
// an apostrophe before such a cell, and the rule Open uses to take that apostrophe off again when
// it reads contactpipe's own rejected.csv. Risky: a cell starting with '=', '@', a tab or a
// carriage return; with '-' followed by anything but a plain number ("-5", "-2.5" are safe;
// "-2-3", "-A1" are not); with '+' followed by anything but a plain phone number: at least 7
// digits with only spaces, dots, dashes and parentheses between them ("+44 20 7946 0958",
// "+1 (650) 253-0000", "+16502530000" are safe; "+2-2", "+1+1", "+1234" are not).
func FormulaRisk(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return true
	case '-':
		dot := false
		for i := 1; i < len(s); i++ {
			switch c := s[i]; {
			case c >= '0' && c <= '9':
			case c == '.' && !dot:
				dot = true
			default:
				return true
			}
		}
		return false
	case '+':
		digits := 0
		for i := 1; i < len(s); i++ {
			switch c := s[i]; {
			case c >= '0' && c <= '9':
				digits++
			case c == ' ' || c == '.' || c == '-' || c == '(' || c == ')':
			default:
				return true
			}
		}
		return digits < 7
	}
	return false
}
