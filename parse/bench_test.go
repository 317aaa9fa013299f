package parse_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"strconv"
	"testing"

	"github.com/contactpipe/contactpipe/parse"
)

// benchCSV returns a contact list of n rows like the ones users upload (with some quoted cells).
func benchCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("First Name,Last Name,Mobile Phone,E-mail Address,Country,Notes\r\n")
	for i := range n {
		b.WriteString("Ann")
		b.WriteString(strconv.Itoa(i % 100))
		b.WriteString(",Lee-Smith,+1 (555) ")
		b.WriteString(strconv.Itoa(1000000 + i))
		b.WriteString(",ann.lee")
		b.WriteString(strconv.Itoa(i))
		b.WriteString("@example.com,US,")
		if i%10 == 0 {
			b.WriteString(`"met at ""expo"", call back"`)
		} else {
			b.WriteString("customer since 2019")
		}
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// BenchmarkCSV measures Open + Next over a 100,000-row file, end to end through the mapping.
func BenchmarkCSV(b *testing.B) {
	const rows = 100_000
	data := benchCSV(rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var n int
	for b.Loop() {
		src, err := parse.Open(bytes.NewReader(data), parse.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			rec, err := src.Next()
			if err == io.EOF {
				break
			}
			if err != nil || rec.Err != nil {
				b.Fatal(err, rec.Err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkEncodingCSV is the baseline: encoding/csv reading the same file, without mapping.
func BenchmarkEncodingCSV(b *testing.B) {
	data := benchCSV(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var n int
	for b.Loop() {
		r := csv.NewReader(bytes.NewReader(data))
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkHostileQuotes reads files in which, after a stray quote, every line closes the quoted
// field it is in and opens another (x","y): each record read from any of these lines runs to the
// end, where text follows a closing quote. Going back to reject only a failed record's first
// line would read such a file once per line; the budget on bytes read again keeps the work linear,
// so MB/s stays the same at every size (a quadratic reader would lose 4x per 2x of size).
func BenchmarkHostileQuotes(b *testing.B) {
	for _, c := range []struct {
		name  string
		lines int
		opts  parse.Options
	}{
		{"10000-lines", 10_000, parse.Options{MaxFields: 1 << 20}},
		{"20000-lines", 20_000, parse.Options{MaxFields: 1 << 20}},
		{"40000-lines", 40_000, parse.Options{MaxFields: 1 << 20}},
		{"40000-lines-default-limits", 40_000, parse.Options{}}, // over MaxFields: one too_many_fields row
	} {
		lines, opts := c.lines, c.opts
		var buf bytes.Buffer
		buf.WriteString("msisdn,firstName,lastName\n1,\"x\n")
		for range lines {
			buf.WriteString("x\",\"y\n")
		}
		buf.WriteString("\"z\n2,b,c\n")
		data := buf.Bytes()
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			var n int
			for b.Loop() {
				src, err := parse.Open(bytes.NewReader(data), opts)
				if err != nil {
					b.Fatal(err)
				}
				for {
					_, err := src.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
