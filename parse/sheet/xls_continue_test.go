package sheet

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// continueFlood is a worksheet whose first LABEL string has its three
// characters after n empty CONTINUE records. Before strings were decoded in
// one pass, each CONTINUE restarted the decoding: 200,000 of them (812 KB)
// took 44.5 s.
func continueFlood(n int) []byte {
	recs := make([][]byte, 0, n+3)
	recs = append(recs, rec(recLabel, rcx(0, 0, 0), u16(3), []byte{0}))
	for range n {
		recs = append(recs, rec(recContinue))
	}
	recs = append(recs, rec(recContinue, []byte{0}, []byte("abc")))
	recs = append(recs, rec(recLabel, rcx(1, 0, 0), xlString("end", 2)))
	return buildXLS(nil, []testSheet{{name: "S", records: recs}})
}

// charPerContinue is a worksheet of n LABEL cells of 65,535 characters
// each, every character in a CONTINUE record of its own (one such string
// took 92 s).
func charPerContinue(n int) []byte {
	const cch = 65535
	var recs [][]byte
	for r := range n {
		recs = append(recs, rec(recLabel, rcx(uint16(r), 0, 0), u16(cch), []byte{0}))
		for i := range cch {
			recs = append(recs, rec(recContinue, []byte{0}, []byte{byte('a' + (r+i)%26)}))
		}
	}
	return buildXLS(nil, []testSheet{{name: "S", records: recs}})
}

func charPerContinueRow(r int) string {
	var b strings.Builder
	for i := range 65535 {
		b.WriteByte(byte('a' + (r+i)%26))
	}
	return b.String()
}

// TestXLSContinueLinear reads 4 MB workbooks made of CONTINUE records. The
// work must be linear in the file's size: the bytes allocated are bounded
// by a small multiple of the file, 32x (decoding from the start after each
// CONTINUE allocated gigabytes), and a generous hang guard stands in for the
// benchmark (BenchmarkXLSContinue), which shows the time.
func TestXLSContinueLinear(t *testing.T) {
	flood := continueFlood(1_000_000)
	chars := charPerContinue(11)
	for _, tc := range []struct {
		name string
		data []byte
		want []testRow
	}{
		{"empty continue records", flood, []testRow{{1, []string{"abc"}}, {2, []string{"end"}}}},
		{"one character per continue", chars, func() []testRow {
			var rows []testRow
			for r := range 11 {
				rows = append(rows, testRow{r + 1, []string{charPerContinueRow(r)}})
			}
			return rows
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Greater(t, len(tc.data), 4_000_000)
			var before, after runtime.MemStats
			var rows []testRow
			var err error
			withTimeout(t, 60*time.Second, func() {
				runtime.ReadMemStats(&before)
				rows, _, err = readAll(t, OpenXLS, tc.data, Options{})
				runtime.ReadMemStats(&after)
			})
			require.NoError(t, err)
			assert.Equal(t, tc.want, rows)
			alloc := after.TotalAlloc - before.TotalAlloc
			assert.Less(t, alloc, uint64(32*len(tc.data)), "allocated %d bytes reading %d", alloc, len(tc.data))
		})
	}
}

// BenchmarkXLSContinue reads the two 4 MB CONTINUE workbooks of
// TestXLSContinueLinear (issue 13: each must take well under a second).
func BenchmarkXLSContinue(b *testing.B) {
	for _, tc := range []struct {
		name string
		data []byte
	}{{"empty", continueFlood(1_000_000)}, {"charPerRecord", charPerContinue(11)}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.data)))
			for b.Loop() {
				r, err := OpenXLS(bytes.NewReader(tc.data), int64(len(tc.data)), Options{})
				require.NoError(b, err)
				countRows(b, r)
			}
		})
	}
}
