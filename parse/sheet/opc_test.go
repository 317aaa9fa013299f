package sheet

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type zipPart struct{ name, body string }

// zipParts writes a zip of the given entries, in order (duplicates too).
func zipParts(tb testing.TB, parts ...zipPart) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		require.NoError(tb, err)
		_, err = io.WriteString(w, p.body)
		require.NoError(tb, err)
	}
	require.NoError(tb, zw.Close())
	return b.Bytes()
}

const (
	relsNS   = `xmlns="http://schemas.openxmlformats.org/package/2006/relationships"`
	relTypes = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	mainNS   = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
)

func relsXML(rels ...string) string {
	s := `<?xml version="1.0"?><Relationships ` + relsNS + `>`
	for i := 0; i+2 < len(rels)+1; i += 3 {
		s += `<Relationship Id="` + rels[i] + `" Type="` + relTypes + rels[i+1] + `" Target="` + rels[i+2] + `"/>`
	}
	return s + `</Relationships>`
}

func workbookXML(sheets ...string) string {
	s := `<workbook ` + mainNS + `><sheets>`
	for i, name := range sheets {
		s += `<sheet name="` + name + `" sheetId="1" r:id="rId` + string(rune('1'+i)) + `"/>`
	}
	return s + `</sheets></workbook>`
}

const (
	opcSheet  = `<worksheet ` + mainNS + `><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45306</v></c></row></sheetData></worksheet>`
	opcSST    = `<sst ` + mainNS + `><si><t>found</t></si></sst>`
	opcStyles = `<styleSheet ` + mainNS + `><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`
)

// TestXLSXPartsByRelationships: parts are found where the relationships
// say, not where they usually are (issue 11: a workbook in wtf/ was
// refused; shared strings and styles elsewhere read blank and as serials).
func TestXLSXPartsByRelationships(t *testing.T) {
	data := zipParts(t,
		zipPart{"_rels/.rels", relsXML("rId1", "officeDocument", "/wtf/Book.xml")},
		zipPart{"wtf/Book.xml", workbookXML("Contacts")},
		zipPart{"wtf/_rels/Book.xml.rels", relsXML(
			"rId1", "worksheet", "../sheets/one.xml",
			"rId2", "sharedStrings", "strings/table.xml",
			"rId3", "styles", "/look/st.xml")},
		zipPart{"sheets/one.xml", opcSheet},
		zipPart{"wtf/strings/table.xml", opcSST},
		zipPart{"look/st.xml", opcStyles},
		// Decoys at the usual places, which must not be read.
		zipPart{"xl/sharedStrings.xml", `<sst ` + mainNS + `><si><t>decoy</t></si></sst>`},
		zipPart{"xl/styles.xml", `<styleSheet ` + mainNS + `/>`},
	)
	rows, sheets, err := readAll(t, OpenXLSX, data, Options{})
	require.NoError(t, err)
	assert.Equal(t, []string{"Contacts"}, sheets)
	assert.Equal(t, []testRow{{1, []string{"found", "2024-01-15"}}}, rows)
}

// TestXLSXPackageErrors: files that are not readable workbooks are refused
// with a message that names the problem (issue 11).
func TestXLSXPackageErrors(t *testing.T) {
	std := func(extra ...zipPart) []zipPart {
		return append([]zipPart{
			{"_rels/.rels", relsXML("rId1", "officeDocument", "xl/workbook.xml")},
			{"xl/workbook.xml", workbookXML("A", "B", "C")},
		}, extra...)
	}
	wbRels := zipPart{"xl/_rels/workbook.xml.rels", relsXML("rId1", "worksheet", "worksheets/a.xml", "rId2", "worksheet", "worksheets/b.xml", "rId3", "worksheet", "worksheets/c.xml")}
	for _, tc := range []struct {
		name  string
		parts []zipPart
		msg   string
	}{
		{"two entries of one name", std(wbRels, zipPart{"xl/worksheets/a.xml", opcSheet}, zipPart{"XL/worksheets/A.xml", opcSheet}), `two entries named "XL/worksheets/A.xml"`},
		{"xlsb", []zipPart{{"_rels/.rels", relsXML("rId1", "officeDocument", "xl/workbook.bin")}, {"xl/workbook.bin", "\x83\x01\x00"}}, ".xlsb"},
		{"missing worksheet part", std(wbRels), `the part "xl/worksheets/a.xml" of sheet "A" is missing`},
		{"missing workbook relationships", std(zipPart{"xl/worksheets/a.xml", opcSheet}), `relationships part "xl/_rels/workbook.xml.rels" is missing: its 3 sheets cannot be located`},
		{"opendocument", []zipPart{{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"}, {"content.xml", "<x/>"}}, "opendocument spreadsheet (.ods)"},
		{"no workbook", []zipPart{{"word/document.xml", "<x/>"}}, "no workbook part"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(t, OpenXLSX, zipParts(t, tc.parts...), Options{})
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrMalformed)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

// TestXLSXCorruptPartFound: a worksheet or shared string table whose bytes
// do not match its CRC-32 fails, with ErrMalformed, once it is read to its
// end: parts are verified as they are read, not inflated twice.
func TestXLSXCorruptPartFound(t *testing.T) {
	for _, part := range []string{"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"} {
		t.Run(part, func(t *testing.T) {
			orig := craftXLSX(t, `<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>`, `<si><t>a</t></si>`, "", false)
			zr, err := zip.NewReader(bytes.NewReader(orig), int64(len(orig)))
			require.NoError(t, err)
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			for _, zf := range zr.File {
				fh := zf.FileHeader
				if zf.Name == part {
					fh.CRC32 ^= 1
				}
				w, err := zw.CreateRaw(&fh)
				require.NoError(t, err)
				r, err := zf.OpenRaw()
				require.NoError(t, err)
				_, err = io.Copy(w, r)
				require.NoError(t, err)
			}
			require.NoError(t, zw.Close())
			_, _, err = readAll(t, OpenXLSX, b.Bytes(), Options{})
			assert.ErrorIs(t, err, ErrMalformed)
		})
	}
}
