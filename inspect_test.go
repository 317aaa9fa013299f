package contactpipe_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/parse"
)

func TestInspect(t *testing.T) {
	f, err := os.Open("testdata/messy.csv")
	require.NoError(t, err)
	defer f.Close()
	in, err := contactpipe.Inspect(context.Background(), f, contactpipe.Config{Source: "messy.csv"}, 0)
	require.NoError(t, err)

	assert.Equal(t, "csv", in.Format)
	assert.Equal(t, "utf-8", in.Encoding)
	assert.Equal(t, ",", in.Delimiter)
	assert.Equal(t, 1, in.HeaderRow)
	assert.Equal(t, []string{"firstName", "lastName", "msisdn", "email", "country", "nickname"}, in.Header)
	assert.Equal(t, 12, in.Rows)
	assert.Equal(t, [3]int{3, 6, 3}, [3]int{in.Accepted, in.Rejected, in.Duplicates}, "as Import counts them")
	assert.False(t, in.Truncated)

	byHeader := map[string]contactpipe.ColumnStats{}
	for _, c := range in.Columns {
		byHeader[c.Header] = c
	}
	// msisdn: 9 non-blank cells, rows 6 (too short) and 8 (needs a country) invalid.
	assert.Equal(t, [2]int{9, 7}, [2]int{byHeader["msisdn"].Values, byHeader["msisdn"].Valid})
	assert.Equal(t, [2]int{5, 4}, [2]int{byHeader["email"].Values, byHeader["email"].Valid})
	// country: rows rejected for their address are not looked at further (rows 5 and 6).
	assert.Equal(t, [2]int{6, 5}, [2]int{byHeader["country"].Values, byHeader["country"].Valid})
	assert.Equal(t, "msisdn", byHeader["msisdn"].Field)
	assert.Equal(t, "alias", byHeader["msisdn"].Method)
	assert.Equal(t, "ignored", byHeader["nickname"].Status)
	assert.Zero(t, byHeader["nickname"].Values)

	total := 0
	for _, r := range in.RejectReasons {
		total += r.Count
		assert.NotEmpty(t, r.Examples, r.Code)
		assert.LessOrEqual(t, len(r.Examples), contactpipe.InspectExamples)
	}
	assert.Equal(t, in.Rejected, total)
	require.NotEmpty(t, in.RejectReasons)
	assert.Equal(t, "no_address", in.RejectReasons[0].Code, "most frequent first")
	assert.Equal(t, 2, in.RejectReasons[0].Count)
	assert.Equal(t, 5, in.RejectReasons[0].Examples[0].Row)

	require.Len(t, in.Contacts, 3)
	assert.Equal(t, map[string]string{"msisdn": "+12015550123", "email": "ann@example.com", "firstName": "Ann", "lastName": "Lee", "country": "US"}, in.Contacts[0])
}

func TestInspectRowsAndSheets(t *testing.T) {
	f, err := os.Open("testdata/contacts.xlsx")
	require.NoError(t, err)
	defer f.Close()
	in, err := contactpipe.Inspect(context.Background(), f, contactpipe.Config{}, 2)
	require.NoError(t, err)
	assert.Equal(t, "xlsx", in.Format)
	assert.Equal(t, []string{"Contacts"}, in.Sheets)
	assert.Equal(t, 2, in.Rows)
	assert.True(t, in.Truncated)

	// -invalid-field drop: values dropped are counted, rows accepted.
	in, err = contactpipe.Inspect(context.Background(), strings.NewReader("phone,email\n+6591000001,nope\n"),
		contactpipe.Config{InvalidField: contactpipe.InvalidFieldDrop}, 0)
	require.NoError(t, err)
	assert.Equal(t, [2]int{1, 1}, [2]int{in.Accepted, in.Warnings})
	assert.Equal(t, 0, in.Columns[1].Valid)
	assert.Equal(t, 1, in.Columns[1].Values)

	_, err = contactpipe.Inspect(context.Background(), strings.NewReader("phone\n1\n"), contactpipe.Config{DefaultCountry: "Atlantis"}, 0)
	assert.True(t, errors.Is(err, contactpipe.ErrConfig), "%v", err)
}

// TestInspectNoAddressColumn: Inspect previews a file Import refuses for having no address
// column, and returns Import's refusal with it.
func TestInspectNoAddressColumn(t *testing.T) {
	const file = "Wer;Notiz\nAnn;first\nBo;second\n"
	in, err := contactpipe.Inspect(context.Background(), strings.NewReader(file), contactpipe.Config{Source: "people.csv"}, 0)
	require.ErrorIs(t, err, contactpipe.ErrConfig)
	require.ErrorIs(t, err, parse.ErrNoAddressColumn)
	assert.Equal(t, "csv", in.Format)
	assert.Equal(t, ";", in.Delimiter)
	assert.Equal(t, []string{"Wer", "Notiz"}, in.Header)
	assert.Len(t, in.Columns, 2)
	assert.Equal(t, 2, in.Rows)
	assert.Equal(t, 2, in.Rejected)

	_, ierr := contactpipe.Import(context.Background(), strings.NewReader(file), contactpipe.Config{Source: "people.csv", WorkDir: t.TempDir()})
	require.ErrorIs(t, ierr, parse.ErrNoAddressColumn, "Import still refuses it")
	assert.Equal(t, ierr.Error(), err.Error())
}
