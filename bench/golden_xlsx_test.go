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

// TestImportChunksUnchangedXLSX: the generated 3,000-row workbooks (seed 7, shared and inline
// strings) hold the CSV's rows, and import to the very chunks goldenChunks pins for the CSV. Work on
// the XLSX reader's hot path (issue 15) must not change a byte of any chunk.
func TestImportChunksUnchangedXLSX(t *testing.T) {
	for _, format := range []bench.Format{bench.XLSXShared, bench.XLSXInline} {
		t.Run(string(format), func(t *testing.T) {
			var buf bytes.Buffer
			_, err := bench.Generate(&buf, 3000, bench.Options{Seed: 7, Format: format})
			require.NoError(t, err)
			dir := t.TempDir()
			rep, err := contactpipe.Import(context.Background(), bytes.NewReader(buf.Bytes()), contactpipe.Config{
				DefaultCountry: "US", MaxChunkBytes: 64 << 10, Uploader: upload.Dir{Path: dir}, WorkDir: dir, TempDir: dir,
			})
			require.NoError(t, err)
			var sums []string
			for _, c := range rep.Chunks {
				data, err := os.ReadFile(filepath.Join(dir, c.File))
				require.NoError(t, err)
				sum := sha256.Sum256(data)
				sums = append(sums, hex.EncodeToString(sum[:]))
			}
			assert.Equal(t, [4]int{3000, 2563, 287, 150}, [4]int{rep.Rows, rep.Accepted, rep.Rejected, rep.Duplicates})
			assert.Equal(t, goldenChunks, sums)
		})
	}
}
