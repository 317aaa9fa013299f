package sheet

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// fmtKind is how a number with a given number format is turned into text
// (see the package documentation).
type fmtKind uint8

const (
	kindRaw      fmtKind = iota // exact value, plain decimal notation
	kindDate                    // 2006-01-02
	kindDateTime                // 2006-01-02 15:04:05
	kindTime                    // 15:04:05
	kindZeroPad                 // integer padded with leading zeros to width
	kindDuration                // elapsed time [h]:mm:ss, hours not wrapped
)

// numFmt is the classification of one number format.
type numFmt struct {
	kind  fmtKind
	width int // digits, for kindZeroPad
}

// builtinFmt classifies Excel's built-in number format ids (shared by BIFF8
// and SpreadsheetML).
func builtinFmt(id int) numFmt {
	switch {
	case id >= 14 && id <= 17:
		return numFmt{kind: kindDate}
	case id >= 18 && id <= 21, id == 45, id == 47:
		return numFmt{kind: kindTime}
	case id == 22:
		return numFmt{kind: kindDateTime}
	case id == 46: // [h]:mm:ss
		return numFmt{kind: kindDuration}
	case id == 32 || id == 33: // East Asian "h时mm分" and the like
		return numFmt{kind: kindTime}
	case id >= 27 && id <= 36, id >= 50 && id <= 58: // East Asian dates
		return numFmt{kind: kindDate}
	}
	// 0 General, 1-13 and 37-44 numbers, currency, percent, scientific,
	// 48 scientific, 49 text.
	return numFmt{kind: kindRaw}
}

// classifyFmt classifies a number format code such as "yyyy-mm-dd",
// "#,##0.00" or "00000". Only the first (positive) section is considered.
func classifyFmt(code string) numFmt {
	var (
		zeros, other                int
		year, day, month, hour, sec bool
		general, elapsed            bool
	)
	lower := strings.ToLower(code)
scan:
	for i := 0; i < len(lower); i++ {
		c := lower[i]
		switch c {
		case ';':
			break scan
		case '"':
			j := strings.IndexByte(lower[i+1:], '"')
			if j < 0 {
				break scan
			}
			i += j + 1
			other++
		case '\\', '_', '*':
			i++
			other++
		case '[':
			j := strings.IndexByte(lower[i+1:], ']')
			if j < 0 {
				break scan
			}
			switch strings.TrimLeft(lower[i+1:i+1+j], "hms") {
			case "":
				if j > 0 {
					elapsed = true
				}
			}
			i += j + 1
		case '0':
			zeros++
		case 'y', 'e', 'g', 'b':
			if c == 'e' && i+1 < len(lower) && (lower[i+1] == '+' || lower[i+1] == '-') {
				return numFmt{kind: kindRaw} // scientific
			}
			if c == 'g' && strings.HasPrefix(lower[i:], "general") {
				general = true
				i += len("general") - 1
				continue
			}
			year = true
		case 'd':
			day = true
		case 'm':
			month = true
		case 'h':
			hour = true
		case 's':
			sec = true
		case 'a':
			switch {
			case strings.HasPrefix(lower[i:], "am/pm"):
				hour = true
				i += len("am/pm") - 1
			case strings.HasPrefix(lower[i:], "a/p"):
				hour = true
				i += len("a/p") - 1
			default:
				other++
			}
		default:
			other++
		}
	}
	switch {
	case general:
		return numFmt{kind: kindRaw}
	case elapsed:
		return numFmt{kind: kindDuration}
	case year || day || (month && !hour && !sec):
		if hour || sec {
			return numFmt{kind: kindDateTime}
		}
		return numFmt{kind: kindDate}
	case hour || sec || month:
		return numFmt{kind: kindTime}
	case zeros >= 2 && other == 0:
		return numFmt{kind: kindZeroPad, width: zeros}
	}
	return numFmt{kind: kindRaw}
}

// formatNumber renders v as text under the number format f.
func formatNumber(v float64, f numFmt, date1904 bool) string {
	switch f.kind {
	case kindDate, kindDateTime, kindTime:
		if s, ok := excelDate(v, f.kind, date1904); ok {
			return s
		}
	case kindDuration:
		if math.Abs(v) < 1e6 { // days: about 2,700 years
			return formatDuration(time.Duration(math.Round(v*86400)) * time.Second)
		}
	case kindZeroPad:
		if r := math.Round(v); !math.IsNaN(r) && math.Abs(r) < 1e15 {
			digits := strconv.FormatInt(int64(math.Abs(r)), 10)
			if pad := f.width - len(digits); pad > 0 {
				digits = strings.Repeat("0", pad) + digits
			}
			if r < 0 {
				return "-" + digits
			}
			return digits
		}
	}
	return rawNumber(v)
}

// rawNumber renders v exactly in plain decimal notation: integers as
// integers ("15551234567"), others with the shortest precision that reads
// back as v ("0.1").
func rawNumber(v float64) string {
	switch {
	case v == 0:
		return "0" // also -0
	case math.IsNaN(v), math.IsInf(v, 0):
		return "#NUM!"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// maxSerial is 9999-12-31, the last date Excel can show.
const maxSerial = 2958465

// excelDate renders an Excel date serial number as Excel shows it, serial
// 60 as the 1900-02-29 of Excel's 1900 leap-year bug. It reports false for values
// Excel cannot show as a date (negative, too large), which are then rendered
// as plain numbers.
func excelDate(v float64, kind fmtKind, date1904 bool) (string, bool) {
	if math.IsNaN(v) || v < 0 || v >= maxSerial+1 {
		return "", false
	}
	// Round to the second, as Excel displays it.
	secs := int64(math.Round(v * 86400))
	days, sod := secs/86400, secs%86400
	var t time.Time
	switch {
	case date1904:
		t = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	case days >= 61:
		// Excel counts the non-existent 1900-02-29 as day 60.
		t = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	default:
		t = time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	t = t.AddDate(0, 0, int(days)).Add(time.Duration(sod) * time.Second)
	if !date1904 && days == 60 && kind != kindTime {
		// Serial 60 is the 1900-02-29 that Excel shows and time.Time
		// cannot hold: render it as shown.
		if kind == kindDate {
			return "1900-02-29", true
		}
		return "1900-02-29 " + t.Format("15:04:05"), true
	}
	switch kind {
	case kindDate:
		return t.Format("2006-01-02"), true
	case kindTime:
		return t.Format("15:04:05"), true
	}
	return t.Format("2006-01-02 15:04:05"), true
}
