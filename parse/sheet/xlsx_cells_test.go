package sheet

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestXLSXCellRule: an empty s attribute is the default style (issue 11:
// calamine's empty_s_attribute.xlsx read as 0 rows); a cell that cannot be
// read rejects its row with ErrBadCell naming the cell, and no row
// disappears, even one made only of such cells.
func TestXLSXCellRule(t *testing.T) {
	deep := strings.Repeat("<x>", 40) + "<v>1</v>" + strings.Repeat("</x>", 40)
	sheet := `<row r="1"><c r="A1" s=""><v>1</v></c><c r="B1" s="" t="s"><v>0</v></c></row>` +
		`<row r="2"><c r="A2" t="s"><v>7</v></c></row>` + // only an index out of the table
		`<row r="3"><c r="A3" t="s"><v>0</v></c><c r="C3" t="s"><v>x</v></c></row>` +
		`<row r="4"><c r="A4" s="x"><v>2</v></c></row>` +
		`<row r="5"><c r="B5">` + deep + `</c></row>` +
		`<row r="6"><c r="A6" t="s"><v>-1</v></c><c r="B6" t="s"><v>99</v></c></row>` +
		`<row r="7"><c r="A7"><v>7</v></c></row>`
	data := craftXLSX(t, sheet, `<si><t>text</t></si>`, "", false)
	rows, _, err := readAll(t, OpenXLSX, data, Options{})
	require.NoError(t, err)
	assert.Equal(t, []testRow{
		{1, []string{"1", "text"}},
		{2, []string{"!bad A2"}},
		{3, []string{"!bad C3"}},
		{4, []string{"!bad A4"}},
		{5, []string{"!bad B5"}},
		{6, []string{"!bad A6"}},
		{7, []string{"7"}},
	}, rows)

	r, err := OpenXLSX(bytes.NewReader(data), int64(len(data)), Options{})
	require.NoError(t, err)
	defer r.Close()
	_, _, err = r.Next()
	require.NoError(t, err)
	_, _, err = r.Next()
	assert.ErrorIs(t, err, ErrBadCell)
	assert.EqualError(t, err, "cell A2: cell cannot be read: shared string index 7 is outside the table of 1 strings")
}
