package chunk_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/chunk"
)

var header = []string{"msisdn", "firstName", "lastName"}

func TestAppendRowMatchesEncodingCSV(t *testing.T) {
	rows := [][]string{
		{"+16511112222", "Ann", "Lee"},
		{"", "", ""},
		{"a,b", `say "hi"`, "line\nbreak"},
		{" lead", "\ttab", "cr\r"},
		{"Müller", "日本", "=SUM(A1)"},
	}
	for _, r := range rows {
		got := chunk.AppendRow(nil, r)
		rec, err := csv.NewReader(bytes.NewReader(got)).Read()
		require.NoError(t, err, "%q", got)
		want := r
		if r[2] == "cr\r" {
			want = []string{r[0], r[1], "cr\r"}
		}
		assert.Equal(t, want, rec, "%q", got)
	}
}

// TestPacking checks the chunking property on random rows: every chunk is within the limit, every
// chunk but the last is full (the next row would not have fit), no row is lost or reordered.
func TestPacking(t *testing.T) {
	for _, limit := range []int64{60, 100, 257, 1000, 4096} {
		for _, maxRows := range []int{0, 3} {
			t.Run(fmt.Sprintf("max=%d rows=%d", limit, maxRows), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(limit), uint64(maxRows)))
				var rows [][]string
				for range 300 {
					rows = append(rows, []string{
						fmt.Sprintf("+1%010d", rng.IntN(1e10)),
						strings.Repeat("a", rng.IntN(20)),
						strings.Repeat("b,", rng.IntN(5)),
					})
				}
				dir := t.TempDir()
				w, err := chunk.NewWriter(chunk.Options{Dir: dir, Header: header, MaxBytes: limit, MaxRows: maxRows})
				require.NoError(t, err)
				var files []*chunk.File
				var tooLarge int
				var written [][]string
				for _, r := range rows {
					f, err := w.Add(r)
					if errors.Is(err, chunk.ErrRowTooLarge) {
						tooLarge++
						continue
					}
					require.NoError(t, err)
					written = append(written, r)
					if f != nil {
						files = append(files, f)
					}
				}
				f, err := w.Close()
				require.NoError(t, err)
				if f != nil {
					files = append(files, f)
				}
				var got [][]string
				total := 0
				for i, f := range files {
					assert.Equal(t, i+1, f.Index)
					data, err := os.ReadFile(f.Path)
					require.NoError(t, err)
					assert.EqualValues(t, len(data), f.Bytes)
					assert.LessOrEqual(t, f.Bytes, limit)
					sum := sha256.Sum256(data)
					assert.Equal(t, hex.EncodeToString(sum[:]), f.SHA256)
					st, err := os.Stat(f.Path)
					require.NoError(t, err)
					assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
					recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
					require.NoError(t, err)
					require.Equal(t, header, recs[0])
					assert.Equal(t, f.Rows, len(recs)-1)
					if maxRows > 0 {
						assert.LessOrEqual(t, f.Rows, maxRows)
					}
					got = append(got, recs[1:]...)
					if i+1 < len(files) {
						next := written[total+f.Rows]
						full := f.Bytes+int64(len(chunk.AppendRow(nil, next))) > limit || (maxRows > 0 && f.Rows == maxRows)
						assert.True(t, full, "chunk %d ended early", f.Index)
					}
					total += f.Rows
				}
				assert.Equal(t, written, got)
				assert.Equal(t, len(rows), len(written)+tooLarge)
			})
		}
	}
}

func TestRowTooLarge(t *testing.T) {
	w, err := chunk.NewWriter(chunk.Options{Dir: t.TempDir(), Header: header, MaxBytes: 40})
	require.NoError(t, err)
	big := []string{strings.Repeat("x", 40), "", ""}
	assert.False(t, w.Fits(big))
	_, err = w.Add(big)
	assert.ErrorIs(t, err, chunk.ErrRowTooLarge)
	assert.True(t, w.Fits([]string{"+1651", "a", "b"}))
	assert.True(t, w.Fits([]string{strings.Repeat("x", 40-len("msisdn,firstName,lastName\n")-3), "", ""}), "exactly at the limit fits")
	assert.False(t, w.Fits([]string{strings.Repeat("x", 40-len("msisdn,firstName,lastName\n")-2), "", ""}))
	f, err := w.Close()
	require.NoError(t, err)
	assert.Nil(t, f, "a refused row leaves no chunk behind")
}

func TestDeterministic(t *testing.T) {
	write := func() []string {
		w, err := chunk.NewWriter(chunk.Options{Dir: t.TempDir(), Header: header, MaxBytes: 80})
		require.NoError(t, err)
		var sums []string
		for i := range 20 {
			f, err := w.Add([]string{fmt.Sprint("+1650000", i), "n", "m"})
			require.NoError(t, err)
			if f != nil {
				sums = append(sums, f.SHA256)
			}
		}
		f, err := w.Close()
		require.NoError(t, err)
		return append(sums, f.SHA256)
	}
	assert.Equal(t, write(), write())
}

func BenchmarkAdd(b *testing.B) {
	w, err := chunk.NewWriter(chunk.Options{Dir: b.TempDir(), Header: header})
	require.NoError(b, err)
	row := []string{"+16511112222", "Ann", "Lee"}
	n := int64(len(chunk.AppendRow(nil, row)))
	for b.Loop() {
		if f, err := w.Add(row); err != nil {
			b.Fatal(err)
		} else if f != nil {
			os.Remove(f.Path)
		}
	}
	w.Abort()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.SetBytes(n)
}

func ExampleWriter() {
	dir, _ := os.MkdirTemp("", "chunks")
	defer os.RemoveAll(dir)
	w, _ := chunk.NewWriter(chunk.Options{Dir: dir, Header: []string{"msisdn", "firstName"}, MaxBytes: 40})
	for _, r := range [][]string{{"+16511112222", "Ann"}, {"+16511112223", "Bo"}} {
		if f, _ := w.Add(r); f != nil {
			fmt.Println("chunk", f.Index, f.Rows, "rows", f.Bytes, "bytes")
		}
	}
	f, _ := w.Close()
	fmt.Println("chunk", f.Index, f.Rows, "rows", f.Bytes, "bytes")
	// Output:
	// chunk 1 1 rows 34 bytes
	// chunk 2 1 rows 33 bytes
}

// TestRowOfExactlyMaxBytes: a row that fills a chunk to exactly MaxBytes with the header fits —
// in Fits, in Add and in AddLine — and starts a chunk of its own; one byte more does not fit.
func TestRowOfExactlyMaxBytes(t *testing.T) {
	hdr := len(chunk.AppendRow(nil, header))
	const max = 100
	row := []string{"+16511112222", "Ann", strings.Repeat("x", max-hdr-len("+16511112222,Ann,\n"))}
	require.Equal(t, max, hdr+len(chunk.AppendRow(nil, row)))
	tooBig := []string{row[0], row[1], row[2] + "x"}

	dir := t.TempDir()
	w, err := chunk.NewWriter(chunk.Options{Dir: dir, Header: header, MaxBytes: max})
	require.NoError(t, err)
	assert.True(t, w.Fits(row))
	assert.False(t, w.Fits(tooBig))
	f, err := w.Add([]string{"+16511112223", "Bo", "Chen"})
	require.NoError(t, err)
	require.Nil(t, f)
	f, err = w.Add(row)
	require.NoError(t, err, "a row of exactly MaxBytes with the header fits")
	require.NotNil(t, f, "it does not fit beside the first row: that chunk is finished")
	assert.Equal(t, 1, f.Rows)
	_, err = w.AddLine(chunk.AppendRow(nil, tooBig))
	assert.ErrorIs(t, err, chunk.ErrRowTooLarge)
	f, err = w.Close()
	require.NoError(t, err)
	require.NotNil(t, f)
	assert.Equal(t, 1, f.Rows)
	assert.EqualValues(t, max, f.Bytes, "the chunk is exactly MaxBytes")
	data, err := os.ReadFile(f.Path)
	require.NoError(t, err)
	assert.Len(t, data, max)
}
