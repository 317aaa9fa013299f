package contactpipe

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRowList: rows added across several blocks read back in order.
func TestRowList(t *testing.T) {
	var l rowList
	assert.Zero(t, l.len())
	const n = 3*rowBlock + 5
	for i := range n {
		l.add(int32(2 + 3*i))
	}
	require.Equal(t, n, l.len())
	for _, i := range []int{0, 1, rowBlock - 1, rowBlock, 2*rowBlock + 7, n - 1} {
		assert.Equal(t, int32(2+3*i), l.at(i), "row %d", i)
	}
	assert.Len(t, l.blocks, 4)
}
