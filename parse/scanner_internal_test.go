package parse

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGoingBackIsLinear feeds the scanner a hostile file: after a stray quote, every line closes
// the quoted field it is in and opens another (`x","y`), so each record read from any of these
// lines runs to the last one, where text follows a closing quote. Rejecting only each record's
// first line and reading the rest again would read the n lines n²/2 times. The budget of bytes
// read again (at most the bytes read from the input) makes the scanner reject the remaining lines
// one by one instead: every line is still a row, accounted for as rejected, and the work stays
// linear.
func TestGoingBackIsLinear(t *testing.T) {
	const n = 5000
	var b strings.Builder
	b.WriteString("msisdn,firstName,lastName\n1,\"x\n")
	for range n {
		b.WriteString("x\",\"y\n")
	}
	b.WriteString("\"z\n2,b,c\n")
	src, err := Open(strings.NewReader(b.String()), Options{MaxFields: 1 << 20})
	require.NoError(t, err)
	defer src.Close()
	rows, rejected := 0, 0
	var last *RowError
	for rec, err := range src.All() {
		require.NoError(t, err)
		rows++
		require.Equal(t, rows+1, rec.Row, "one row per line")
		if rec.Err != nil {
			rejected++
			require.ErrorAs(t, rec.Err, &last)
			assert.True(t, errors.Is(last, ErrQuote), "row %d: %v", rec.Row, last)
		}
	}
	assert.Equal(t, n+3, rows)
	assert.Equal(t, n+2, rejected)
	sc := src.text
	// Going back past the first line is allowed while sc.reread <= sc.fresh; the record that finds
	// the budget spent is read once more (its lines are then rejected): at most 2x in all here.
	assert.LessOrEqual(t, sc.reread, 2*sc.fresh, "bytes read again are bounded by the input")
	assert.Positive(t, sc.reread, "the first failed record was read again")
}

// TestGoingBackMessages: the error of each line a failed record rejects once the budget is spent.
func TestGoingBackMessages(t *testing.T) {
	// Open reads the first SampleRows rows ahead: put the hostile lines after them.
	in := "msisdn,firstName,lastName\n" + strings.Repeat("0,a,b\n", SampleRows) +
		"1,\"x\nx\",\"y\nx\",\"y\n\"z\n2,b,c\n"
	src, err := Open(strings.NewReader(in), Options{})
	require.NoError(t, err)
	defer src.Close()
	src.text.reread = 1 << 40 // the budget is spent
	var got []string
	for rec, err := range src.All() {
		require.NoError(t, err)
		if rec.Row <= SampleRows+1 {
			continue
		}
		if rec.Err != nil {
			got = append(got, rec.Err.Error())
		} else {
			got = append(got, strings.Join(rec.Raw, "|"))
		}
	}
	assert.Equal(t, []string{
		`row 102, column "firstName": the record that starts on this line spans lines 102–105 and has text after a closing quote on line 105: the line is rejected and reading resumes at the next line`,
		`row 103, column "firstName": line 103 is part of a record that starts on line 102 and spans lines 102–105 and has text after a closing quote on line 105: the line is rejected`,
		`row 104, column "firstName": line 104 is part of a record that starts on line 102 and spans lines 102–105 and has text after a closing quote on line 105: the line is rejected`,
		`row 105, column "msisdn": a quoted field that opens on this line is never closed (it runs to the end of the file): the line is rejected and reading resumes at the next line`,
		"2|b|c",
	}, got)
}
