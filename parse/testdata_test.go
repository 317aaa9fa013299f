package parse_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/parse"
)

// landed is what a test expects of one record: its row, and either its mapped values or the code of
// its RowError.
type landed struct {
	row    int
	code   string
	values [parse.NumFields]string
}

func ok(row int, v [parse.NumFields]string) landed { return landed{row: row, values: v} }
func rejected(row int, code string) landed         { return landed{row: row, code: code} }

// person builds the values most samples carry.
func person(msisdn, first, last, email string, more ...any) [parse.NumFields]string {
	return values(append([]any{parse.Msisdn, msisdn, parse.FirstName, first, parse.LastName, last, parse.Email, email}, more...)...)
}

// TestSampleFiles reads the real sample files of testdata/ (made by testdata/make.sh with iconv and
// tr) and asserts the exact rows that land.
func TestSampleFiles(t *testing.T) {
	tests := []struct {
		file      string
		opts      parse.Options
		encoding  string
		delimiter rune
		columns   map[string]string
		rows      []landed
		fatal     error // returned by Next after the rows
	}{
		{
			file: "excel_unicode_text.txt", encoding: "utf-16le", delimiter: '\t',
			rows: []landed{
				ok(2, person("+86 10 5555 0101", "Wang", "Fang 王芳", "wang.fang@example.cn", parse.Country, "CN")),
				ok(3, person("+34 600 555 102", "José", "García", "jose.garcia@example.es", parse.Country, "ES")),
				ok(4, person("+1 555 0103", `Smith "Jr"`, "O'Brien", "smith@example.com", parse.Country, "US")),
				ok(5, person("+90 555 555 0104", "Ünal", "Çelik", "", parse.Country, "TR")),
			},
		},
		{
			file: "excel_semicolon_1252.csv", encoding: "windows-1252", delimiter: ';',
			columns: map[string]string{"First Name": "firstName", "Last Name": "lastName", "Phone": "msisdn", "E-mail": "email", "Country": "country"},
			rows: []landed{
				ok(2, person("030 5550101", "Jürgen", "Müller", "jurgen.muller@example.de", parse.Country, "DE")),
				ok(3, person("+43 1 5550102", "Zoë", "Strauß", "zoe@example.at", parse.Country, "AT")),
				ok(4, person("+45 55 50 01 03", "Søren", "Ærø", "", parse.Country, "DK")),
				ok(5, person("+33 1 55 50 01 04", "Anne; Marie", "Dupont", "anne@example.fr", parse.Country, "FR")),
			},
		},
		{
			file: "mac_cr_only.csv", encoding: "utf-8", delimiter: ',',
			rows: []landed{
				ok(2, person("+1 555 0201", "Amy", "Adams", "amy@example.com")),
				ok(3, person("+1 555 0202", "Ben", "Baker", "ben@example.com")),
				ok(5, person("+1 555 0203", "Cal", "Carter, Jr.", "cal@example.com")),
			},
		},
		{
			file: "google_contacts.csv", encoding: "utf-8", delimiter: ',',
			columns: map[string]string{"Name": "firstName+lastName", "Given Name": "firstName", "Family Name": "lastName",
				"Name Prefix": "salutation", "E-mail 1 - Value": "email", "E-mail 2 - Value": "email",
				"Phone 1 - Type": "msisdn type", "Phone 1 - Value": "msisdn", "Phone 2 - Type": "msisdn type",
				"Phone 2 - Value": "msisdn", "Phone 3 - Type": "msisdn type", "Phone 3 - Value": "msisdn",
				"Address 1 - Country": "country"},
			rows: []landed{
				ok(2, person("+1 650-555-0102", "Ann", "Lee", "ann.lee@example.com")),
				ok(3, person("+44 20 7946 0018", "Robert", "Brown", "bob@example.org")),
				// Google's address country feeds country (issue 11).
				ok(4, person("+34 91 555 0104", "Carla", "Díaz", "", parse.Salutation, "Dr.", parse.Country, "ES")),
				ok(5, person("+91 98 5555 0106", "Dev", "Patel", "")),
			},
		},
		{
			file: "outlook_contacts.csv", encoding: "windows-1252", delimiter: ',',
			rows: []landed{
				// Business (then Home) Country/Region feed country (issue 11: they were ignored).
				ok(2, person("+49 151 5550101", "Jürgen", "Groß", "jurgen.gross@example.de", parse.Salutation, "Mr.", parse.Country, "Germany")),
				ok(3, person("+44 161 555 0102", "Zoë", "Ashford", "zoe.ashford@example.co.uk", parse.Salutation, "Ms.", parse.Country, "United Kingdom")),
				ok(4, person("+33 1 55 55 01 03", "François", "Lefèvre", "francois@example.fr", parse.Country, "France")),
			},
		},
		{
			file: "hubspot_contacts.csv", encoding: "utf-8", delimiter: ',',
			columns: map[string]string{"First Name": "firstName", "Last Name": "lastName", "Email": "email",
				"Phone Number": "msisdn", "Mobile Phone Number": "msisdn"},
			rows: []landed{
				ok(2, person("+1 555 0302", "Grace", "Hopper", "grace@example.com")),
				ok(3, person("+44 20 7946 0303", "Alan", "Turing", "alan@example.co.uk")),
				ok(4, person("+44 7700 900304", "Ada", "Lovelace", "ada@example.com")),
			},
		},
		{
			file: "malformed_quotes.csv", encoding: "utf-8", delimiter: ',',
			rows: []landed{
				ok(2, values(parse.Msisdn, "+15550401", parse.FirstName, "Ann", parse.LastName, "Lee")),
				ok(3, values(parse.Msisdn, "+15550402", parse.FirstName, "Bob", parse.LastName, `O"Neil`)),
				rejected(4, parse.CodeMalformedCSV),
				ok(5, values(parse.Msisdn, "+15550404", parse.FirstName, "Dee", parse.LastName, "Diaz")),
				rejected(6, parse.CodeMalformedCSV), // the stray quote pairs with one on line 7: line 6 only is rejected
				rejected(7, parse.CodeMalformedCSV), // and line 7 is read again on its own (text after its closing quote)
				ok(8, values(parse.Msisdn, "+15550407", parse.FirstName, "Gus", parse.LastName, "Gray")),
			},
		},
		{
			file: "unterminated_quote.csv", encoding: "utf-8", delimiter: ',',
			rows: []landed{
				ok(2, values(parse.Msisdn, "+15550501", parse.FirstName, "Ann")),
				rejected(3, parse.CodeMalformedCSV), // the quote never closes: its line only is lost
				ok(4, values(parse.Msisdn, "+15550503", parse.FirstName, "Cy")),
			},
		},
		{
			file: "unterminated_quote.csv", encoding: "utf-8", delimiter: ',', opts: parse.Options{StrictCSV: true},
			rows:  []landed{ok(2, values(parse.Msisdn, "+15550501", parse.FirstName, "Ann"))},
			fatal: parse.ErrUnterminatedQuote,
		},
		{
			file: "ragged_rows.csv", encoding: "utf-8", delimiter: ',',
			rows: []landed{
				ok(2, person("+15550601", "Ann", "Lee", "ann@example.com")),
				ok(3, person("+15550602", "Bob", "", "")),
				rejected(4, parse.CodeExtraFields),
				ok(6, person("+15550604", "Dee", "Diaz", "dee@example.com")),
			},
		},
	}
	for _, tt := range tests {
		name := tt.file
		if tt.opts.StrictCSV {
			name += "/strict"
		}
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			require.NoError(t, err)
			defer f.Close()
			src, err := parse.Open(f, tt.opts)
			require.NoError(t, err)
			defer src.Close()
			assert.Equal(t, parse.CSV, src.Format())
			assert.Equal(t, tt.delimiter, src.Delimiter())
			if tt.columns != nil {
				assert.Equal(t, tt.columns, src.Mapping().Columns())
			}
			var got []landed
			var fatal error
			for {
				rec, err := src.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					fatal = err
					break
				}
				l := landed{row: rec.Row, values: rec.Values}
				if rec.Err != nil {
					var re *parse.RowError
					require.True(t, errors.As(rec.Err, &re))
					l = landed{row: rec.Row, code: re.Code}
				} else {
					assert.Len(t, rec.Raw, len(src.Header()), "row %d is shaped to the header", rec.Row)
				}
				got = append(got, l)
			}
			assert.Equal(t, tt.rows, got)
			assert.Equal(t, tt.encoding, src.Encoding())
			if tt.fatal != nil {
				assert.ErrorIs(t, fatal, tt.fatal)
			} else {
				assert.NoError(t, fatal)
			}
		})
	}
}
