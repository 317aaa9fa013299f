package normalize

import (
	"flag"
	"os"
	"testing"

	"github.com/nyaruka/phonenumbers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateFlag = flag.Bool("update", false, "rewrite phonetables.bin from phonenumbers' metadata (go generate)")

// TestPhoneTablesFile checks that phonetables.bin holds exactly the
// automata compiled from phonenumbers' metadata (go generate rewrites it),
// and that every entry is used: none falls back to compiling at run time.
func TestPhoneTablesFile(t *testing.T) {
	coll, err := phonenumbers.MetadataCollection()
	require.NoError(t, err)
	want, err := encodePhoneTables(coll)
	require.NoError(t, err)
	if *updateFlag {
		require.NoError(t, os.WriteFile("phonetables.bin", want, 0o644))
		t.Logf("wrote phonetables.bin (%d bytes)", len(want))
		return
	}
	gen, err := decodePhoneTables(phoneTablesBin)
	require.NoError(t, err, "run go generate ./normalize")
	fresh, err := decodePhoneTables(want)
	require.NoError(t, err)
	require.Equal(t, len(fresh), len(gen), "run go generate ./normalize")
	for _, m := range coll.GetMetadata() {
		key := tableKey(m)
		g, f := gen[key], fresh[key]
		if !assert.NotNil(t, g, "%s: not in the file; run go generate ./normalize", key) {
			continue
		}
		if !assert.Equal(t, f.fingerprint, g.fingerprint, "%s: metadata changed; run go generate ./normalize", key) {
			continue
		}
		want, err := f.decode()
		require.NoError(t, err, key)
		got := generatedNumberDFA(g, m)
		assert.Equal(t, want, got, "%s: run go generate ./normalize", key)
		compiled, err := compileNumberDFA(m)
		require.NoError(t, err, key)
		assert.Equal(t, compiled, got, "%s", key)
	}
}

// TestPhoneTablesDamaged checks that a damaged file is an error, not a
// panic or wrong tables.
func TestPhoneTablesDamaged(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("x"), phoneTablesBin[:len(phoneTablesBin)/2]} {
		_, err := decodePhoneTables(data)
		assert.Error(t, err)
	}
	gen, err := decodePhoneTables(phoneTablesBin)
	require.NoError(t, err)
	g := *gen["DE"]
	g.data = g.data[:len(g.data)/2]
	_, err = g.decode()
	assert.Error(t, err)
}

// TestTablesLoadLazily checks that reading a number decodes only the
// tables it needs (issue 15: a short import must not pay for all regions).
func TestTablesLoadLazily(t *testing.T) {
	ft := buildFastTables()
	loaded := func() (n int) {
		for _, c := range ft.codes {
			if c == nil {
				continue
			}
			for _, r := range c.regions {
				if r.dfaOK || r.prefixOK {
					n++
				}
			}
		}
		return n
	}
	require.Zero(t, loaded())
	var out [maxE164]byte
	var sc fastScratch
	n, _, ok := fastParse(ft, []byte("030123456"), false, "DE", &out, &sc)
	sc.release()
	require.True(t, ok)
	assert.Equal(t, "+4930123456", string(out[:n]))
	assert.LessOrEqual(t, loaded(), 2)
}
