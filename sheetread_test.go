package contactpipe_test

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe"
)

// TestSheetReadByDefault: of a workbook of several sheets read without Config.Sheet, the report
// and the inspection name the sheet read (the first visible worksheet; "Notes" is hidden).
func TestSheetReadByDefault(t *testing.T) {
	for _, name := range []string{"parse/sheet/testdata/contacts.xlsx", "parse/sheet/testdata/contacts.xls"} {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(name)
			require.NoError(t, err)
			defer f.Close()
			rep, err := contactpipe.Import(context.Background(), f, contactpipe.Config{DryRun: true, WorkDir: t.TempDir()})
			require.NoError(t, err)
			assert.Equal(t, "Contacts", rep.Sheet)

			_, err = f.Seek(0, 0)
			require.NoError(t, err)
			in, err := contactpipe.Inspect(context.Background(), f, contactpipe.Config{}, 0)
			require.NoError(t, err)
			assert.Equal(t, "Contacts", in.Sheet)
			assert.Equal(t, []string{"Notes", "Contacts", "Données"}, in.Sheets)
		})
	}
}
