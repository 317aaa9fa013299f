package bench

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// writeXLSXInline writes the rows with excelize's StreamWriter, which writes text cells as inline
// strings and spools the sheet to a temporary file beyond 16 MiB, so memory stays flat.
func writeXLSXInline(w io.Writer, n int, opts Options) (st Stats, err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return Stats{}, err
	}
	line := 1
	cells := make([]any, len(Header))
	if !opts.NoHeader {
		for i, h := range Header {
			cells[i] = h
		}
		if err := sw.SetRow("A1", cells); err != nil {
			return Stats{}, err
		}
		line++
	}
	st, err = rows(n, opts.Seed, func(r *Row) error {
		for i, v := range r.AppendRecord(make([]string, 0, len(Header))) {
			if v == "" {
				cells[i] = nil
			} else {
				cells[i] = v
			}
		}
		if r.PhoneValue != 0 {
			cells[2] = r.PhoneValue
		}
		err := sw.SetRow("A"+strconv.Itoa(line), cells)
		line++
		return err
	})
	if err != nil {
		return st, err
	}
	if err := sw.Flush(); err != nil {
		return st, err
	}
	_, err = f.WriteTo(w)
	return st, err
}

// The fixed parts of a minimal workbook, as Excel lays it out.
const (
	xlsxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`
	xlsxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	xlsxWorkbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`
	xlsxWorkbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	xlsxStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`
)

// sharedStrings assigns shared-string indices the way both passes of writeXLSXShared must agree
// on: text from a small set (names, countries, header) is stored once; phones and addresses,
// nearly all unique, get a new entry each time (a table with repeated entries is valid, and it
// keeps the generator's memory flat). onNew sees every new entry in index order.
type sharedStrings struct {
	index map[string]int
	next  int
	onNew func(string) error
}

func (s *sharedStrings) add(v string, repeated bool) (int, error) {
	if repeated {
		if i, ok := s.index[v]; ok {
			return i, nil
		}
		s.index[v] = s.next
	}
	i := s.next
	s.next++
	if s.onNew != nil {
		return i, s.onNew(v)
	}
	return i, nil
}

// writeXLSXShared writes the rows as Excel does: text cells refer to xl/sharedStrings.xml, which
// comes after the sheet in the archive. The generator is deterministic, so the rows are made
// twice: once to write the sheet, once to write the strings table, and nothing is held.
func writeXLSXShared(w io.Writer, n int, opts Options) (Stats, error) {
	zw := zip.NewWriter(w)
	for _, part := range []struct{ name, body string }{
		{"[Content_Types].xml", xlsxContentTypes},
		{"_rels/.rels", xlsxRels},
		{"xl/workbook.xml", xlsxWorkbook},
		{"xl/_rels/workbook.xml.rels", xlsxWorkbookRels},
		{"xl/styles.xml", xlsxStyles},
	} {
		pw, err := zw.Create(part.name)
		if err != nil {
			return Stats{}, err
		}
		if _, err := io.WriteString(pw, part.body); err != nil {
			return Stats{}, err
		}
	}

	// Pass 1: the sheet.
	pw, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return Stats{}, err
	}
	bw := bufio.NewWriterSize(pw, 64<<10)
	lines := n
	if !opts.NoHeader {
		lines++
	}
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:E`)
	bw.WriteString(strconv.Itoa(max(lines, 1)))
	bw.WriteString(`"/><sheetData>`)
	sst := &sharedStrings{index: map[string]int{}}
	line, refs := 0, 0 // refs: cells that refer to the table
	writeRow := func(cells []string, repeated [5]bool, numeric int64) error {
		line++
		l := strconv.Itoa(line)
		bw.WriteString(`<row r="`)
		bw.WriteString(l)
		bw.WriteString(`" spans="1:5">`)
		for i, v := range cells {
			if v == "" {
				continue
			}
			ref := string(rune('A'+i)) + l
			if i == 2 && numeric != 0 {
				bw.WriteString(`<c r="` + ref + `"><v>`)
				bw.WriteString(strconv.FormatInt(numeric, 10))
				bw.WriteString(`</v></c>`)
				continue
			}
			idx, _ := sst.add(v, repeated[i])
			refs++
			bw.WriteString(`<c r="` + ref + `" t="s"><v>`)
			bw.WriteString(strconv.Itoa(idx))
			bw.WriteString(`</v></c>`)
		}
		_, err := bw.WriteString(`</row>`)
		return err
	}
	rowRepeats := [5]bool{true, true, false, false, true}
	if !opts.NoHeader {
		if err := writeRow(Header, [5]bool{true, true, true, true, true}, 0); err != nil {
			return Stats{}, err
		}
	}
	rec := make([]string, 0, len(Header))
	st, err := rows(n, opts.Seed, func(r *Row) error {
		return writeRow(r.AppendRecord(rec[:0]), rowRepeats, r.PhoneValue)
	})
	if err != nil {
		return st, err
	}
	bw.WriteString(`</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`)
	if err := bw.Flush(); err != nil {
		return st, err
	}
	unique := sst.next

	// Pass 2: the same rows again, writing each new table entry in index order.
	pw, err = zw.Create("xl/sharedStrings.xml")
	if err != nil {
		return st, err
	}
	bw = bufio.NewWriterSize(pw, 64<<10)
	sst2 := &sharedStrings{index: map[string]int{}, onNew: func(v string) error {
		if v != strings.TrimSpace(v) {
			bw.WriteString(`<si><t xml:space="preserve">`)
		} else {
			bw.WriteString(`<si><t>`)
		}
		if err := xml.EscapeText(bw, []byte(v)); err != nil {
			return err
		}
		_, err := bw.WriteString(`</t></si>`)
		return err
	}}
	count := func(cells []string, repeated [5]bool, numeric int64) error {
		for i, v := range cells {
			if v == "" || (i == 2 && numeric != 0) {
				continue
			}
			if _, err := sst2.add(v, repeated[i]); err != nil {
				return err
			}
		}
		return nil
	}
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="`)
	bw.WriteString(strconv.Itoa(refs))
	bw.WriteString(`" uniqueCount="`)
	bw.WriteString(strconv.Itoa(unique))
	bw.WriteString(`">`)
	if !opts.NoHeader {
		if err := count(Header, [5]bool{true, true, true, true, true}, 0); err != nil {
			return st, err
		}
	}
	if _, err := rows(n, opts.Seed, func(r *Row) error {
		return count(r.AppendRecord(rec[:0]), rowRepeats, r.PhoneValue)
	}); err != nil {
		return st, err
	}
	bw.WriteString(`</sst>`)
	if err := bw.Flush(); err != nil {
		return st, err
	}
	return st, zw.Close()
}
