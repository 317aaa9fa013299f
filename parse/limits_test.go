package parse_test

import (
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/parse"
)

// repeatReader yields prefix, then n copies of the byte fill, then suffix, without holding them.
type repeatReader struct {
	prefix, suffix string
	fill           byte
	n              int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if len(r.prefix) > 0 {
		n := copy(p, r.prefix)
		r.prefix = r.prefix[n:]
		return n, nil
	}
	if r.n > 0 {
		k := int64(len(p))
		if k > r.n {
			k = r.n
		}
		for i := range p[:k] {
			p[i] = r.fill
		}
		r.n -= k
		return int(k), nil
	}
	if len(r.suffix) > 0 {
		n := copy(p, r.suffix)
		r.suffix = r.suffix[n:]
		return n, nil
	}
	return 0, io.EOF
}

// TestLimitsBoundedMemory feeds 16 MiB records through a generator and checks that each is rejected
// with a clear RowError, that reading resumes after it, and that the bytes allocated stay far below
// the record's size.
func TestLimitsBoundedMemory(t *testing.T) {
	const big = 16 << 20
	tests := []struct {
		name   string
		r      *repeatReader
		opts   parse.Options
		code   string
		is     error
		maxMiB uint64
	}{
		{"one long unquoted line", &repeatReader{prefix: "msisdn,firstName\n1,", fill: 'a', n: big, suffix: "\n2,b\n"},
			parse.Options{}, parse.CodeRecordTooLarge, parse.ErrRecordTooLarge, 4},
		// A quoted field past the limit is read as broken: the record's bytes are kept to go back
		// over them (about twice the limit), then its line is skipped as too large.
		{"one long quoted field", &repeatReader{prefix: "msisdn,firstName\n1,\"", fill: 'a', n: big, suffix: "\"\n2,b\n"},
			parse.Options{}, parse.CodeRecordTooLarge, parse.ErrRecordTooLarge, 8},
		{"one long quoted field, strict", &repeatReader{prefix: "msisdn,firstName\n1,\"", fill: 'a', n: big, suffix: "\"\n2,b\n"},
			parse.Options{StrictCSV: true}, parse.CodeRecordTooLarge, parse.ErrRecordTooLarge, 4},
		{"many fields", &repeatReader{prefix: "msisdn,firstName\n1", fill: ',', n: big, suffix: "\n2,b\n"},
			parse.Options{}, parse.CodeTooManyFields, parse.ErrTooManyFields, 4},
		{"smaller limits", &repeatReader{prefix: "msisdn,firstName\n1,", fill: 'a', n: 1000, suffix: "\n2,b\n"},
			parse.Options{MaxRecordBytes: 100}, parse.CodeRecordTooLarge, parse.ErrRecordTooLarge, 1},
		{"fewer fields", &repeatReader{prefix: "msisdn,firstName\n1", fill: ',', n: 10, suffix: "\n2,b\n"},
			parse.Options{MaxFields: 5}, parse.CodeTooManyFields, parse.ErrTooManyFields, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)

			src, err := parse.Open(tt.r, tt.opts)
			require.NoError(t, err)
			rec, err := src.Next()
			require.NoError(t, err)
			var re *parse.RowError
			require.ErrorAs(t, rec.Err, &re)
			assert.Equal(t, tt.code, re.Code)
			assert.ErrorIs(t, rec.Err, tt.is)
			assert.Equal(t, 2, re.Row)
			assert.Nil(t, rec.Raw)
			rec, err = src.Next()
			require.NoError(t, err)
			assert.Equal(t, "3: 2|b", compact(rec), "reading resumes after the record")
			_, err = src.Next()
			assert.Equal(t, io.EOF, err)

			runtime.ReadMemStats(&after)
			allocated := (after.TotalAlloc - before.TotalAlloc) >> 20
			assert.LessOrEqual(t, allocated, tt.maxMiB, "MiB allocated while reading")
		})
	}
}

func TestLimitUnterminatedHugeQuote(t *testing.T) {
	in := func() *repeatReader {
		return &repeatReader{prefix: "msisdn,firstName\n1,a\n2,\"", fill: 'a', n: 8 << 20, suffix: "\n3,c\n"}
	}
	src, err := parse.Open(in(), parse.Options{StrictCSV: true})
	require.NoError(t, err)
	_, err = src.Next()
	require.NoError(t, err)
	_, err = src.Next()
	assert.ErrorIs(t, err, parse.ErrUnterminatedQuote)

	// Without StrictCSV the 8 MiB line is rejected and reading goes on.
	src, err = parse.Open(in(), parse.Options{})
	require.NoError(t, err)
	assert.Equal(t, []row{"2: 1|a", "3! record_too_large", "4: 3|c"}, readAll(t, src))
}

func TestRecordAtTheLimit(t *testing.T) {
	cell := strings.Repeat("x", 98) // "1" + cell: 99 bytes of content (delimiters do not count)
	src := open(t, "msisdn,firstName\n1,"+cell+"\n", parse.Options{MaxRecordBytes: 99})
	rec, err := src.Next()
	require.NoError(t, err)
	assert.NoError(t, rec.Err)
	assert.Equal(t, cell, rec.Raw[1])
}
