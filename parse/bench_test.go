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
