package bench_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/bench"
	"github.com/contactpipe/contactpipe/upload"
)

// goldenChunks are the SHA-256 sums of the chunks an import makes of the generated 3,000-row CSV
// (seed 7) with 64 KiB chunks. Work on the pipeline's hot path (hashing and encoding rows in the
// workers, batching) must not change a byte of any chunk.
var goldenChunks = []string{
	"dd7175fbef67a8cd036f3ad9deb059e8a47662d5588e3d3523716cc19ef43689",
	"66a20dc83b2e68c6c76917c07e68cf257162ec74893f02e038c3a2f3b60e2957",
	"f65cd48607f8daa9e4e8b85767fb5a647412b1dfa1e16cae678497ad4f0752e9",
}

func TestImportChunksUnchanged(t *testing.T) {
	var buf bytes.Buffer
	_, err := bench.Generate(&buf, 3000, bench.Options{Seed: 7})
	require.NoError(t, err)
	dir := t.TempDir()
	rep, err := contactpipe.Import(context.Background(), &buf, contactpipe.Config{
		DefaultCountry: "US", MaxChunkBytes: 64 << 10, Uploader: upload.Dir{Path: dir}, WorkDir: dir,
	})
	require.NoError(t, err)
	var sums []string
	for _, c := range rep.Chunks {
		data, err := os.ReadFile(filepath.Join(dir, c.File))
		require.NoError(t, err)
		sum := sha256.Sum256(data)
		sums = append(sums, hex.EncodeToString(sum[:]))
		assert.Equal(t, c.SHA256, sums[len(sums)-1], "chunk %d", c.Index)
	}
	assert.Equal(t, [4]int{3000, 2563, 287, 150}, [4]int{rep.Rows, rep.Accepted, rep.Rejected, rep.Duplicates})
	assert.Equal(t, goldenChunks, sums)
}
