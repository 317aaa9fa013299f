package sheet

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goldenFile is what an independent reader (openpyxl for XLSX, xlrd for
// XLS: testdata/corpus/golden.py) read from one workbook.
type goldenFile struct {
	Sheet string            `json:"sheet"`
	Rows  []json.RawMessage `json:"rows"` // [row, [cells...]]
	Error string            `json:"error"`
}

// corpusResult is what this package read from one workbook.
type corpusResult struct {
	rows []testRow
	err  error
}

func readCorpusFile(t *testing.T, path string) corpusResult {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	open := OpenXLSX
	if strings.EqualFold(filepath.Ext(path), ".xls") {
		open = OpenXLS
	}
	var res corpusResult
	withTimeout(t, 20*time.Second, func() {
		before := recovered.Load()
		rows, _, err := readAll(t, open, data, Options{})
		res = corpusResult{rows, err}
		if recovered.Load() != before {
			t.Errorf("%s: a panic was recovered", path)
		}
	})
	if res.err != nil {
		checkSentinel(t, res.err)
	}
	return res
}

// goldenRows decodes the golden rows.
func goldenRows(g goldenFile) ([]testRow, error) {
	rows := make([]testRow, 0, len(g.Rows))
	for _, raw := range g.Rows {
		var pair []json.RawMessage
		if err := json.Unmarshal(raw, &pair); err != nil || len(pair) != 2 {
			return nil, fmt.Errorf("bad golden row %s", raw)
		}
		var r testRow
		if err := json.Unmarshal(pair[0], &r.Row); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(pair[1], &r.Cells); err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// sameCell compares one of our cells with the golden one. The independent
// readers return a date-time whatever part the cell's format shows, so a
// date-time matches its date alone or its time alone; numbers match by
// value.
func sameCell(ours, golden string) bool {
	if ours == golden {
		return true
	}
	if len(golden) == 19 && golden[10] == ' ' && (ours == golden[:10] || ours == golden[11:]) {
		return true // the cell's format shows the date or the time only
	}
	if len(golden) == 10 && ours == golden+" 00:00:00" {
		return true
	}
	a, errA := strconv.ParseFloat(ours, 64)
	b, errB := strconv.ParseFloat(golden, 64)
	return errA == nil && errB == nil && a == b
}

// corpusDiff describes how our reading differs from the golden one, "" when
// they agree (both refusing the file agrees).
func corpusDiff(ours corpusResult, g goldenFile) string {
	switch {
	case g.Error != "" && ours.err != nil:
		return ""
	case g.Error != "":
		return "the reference refuses the file (" + g.Error + "), we read it"
	case ours.err != nil:
		return "we refuse the file: " + ours.err.Error()
	}
	want, err := goldenRows(g)
	if err != nil {
		return err.Error()
	}
	for i := 0; i < min(len(ours.rows), len(want)); i++ {
		o, w := ours.rows[i], want[i]
		same := o.Row == w.Row && len(o.Cells) == len(w.Cells)
		for j := 0; same && j < len(o.Cells); j++ {
			same = sameCell(o.Cells[j], w.Cells[j])
		}
		if !same {
			return fmt.Sprintf("row %d: we read %d %q, the reference %d %q", i, o.Row, o.Cells, w.Row, w.Cells)
		}
	}
	if len(ours.rows) != len(want) {
		return fmt.Sprintf("we read %d rows, the reference %d", len(ours.rows), len(want))
	}
	return ""
}

// runCorpus reads every workbook of golden (paths under dir) and returns
// the differences by file.
func runCorpus(t *testing.T, dir string) (diffs map[string]string, total int) {
	data, err := os.ReadFile(filepath.Join(dir, "golden.json"))
	require.NoError(t, err)
	var golden map[string]goldenFile
	require.NoError(t, json.Unmarshal(data, &golden))
	names := make([]string, 0, len(golden))
	for name := range golden {
		names = append(names, name)
	}
	sort.Strings(names)
	diffs = map[string]string{}
	for _, name := range names {
		ours := readCorpusFile(t, filepath.Join(dir, filepath.FromSlash(name)))
		if d := corpusDiff(ours, golden[name]); d != "" {
			diffs[name] = d
		}
	}
	return diffs, len(names)
}

// TestCorpus reads the workbooks of public test collections checked in
// under testdata/corpus (see its README) and compares each with what
// openpyxl or xlrd read (golden.json, made once by golden.py). The files
// listed in corpusKnownDiffs differ for the reason given; a listed file
// that reads the same must be removed from the list.
//
// With CONTACTPIPE_LONG=1 and CONTACTPIPE_CORPUS=DIR (a larger corpus laid
// out the same way, with its golden.json) it reads that corpus too and
// reports how many files agree; it fails on a panic, a hang or an error
// without the package's sentinels.
func TestCorpus(t *testing.T) {
	diffs, total := runCorpus(t, filepath.Join("testdata", "corpus"))
	for name, d := range diffs {
		if _, ok := corpusKnownDiffs[name]; !ok {
			t.Errorf("%s: %s", name, d)
		}
	}
	for name := range corpusKnownDiffs {
		if _, ok := diffs[name]; !ok {
			t.Errorf("%s is listed in corpusKnownDiffs but reads as the reference reads it", name)
		}
	}
	t.Logf("%d of %d workbooks read as openpyxl/xlrd read them; %d known differences", total-len(diffs), total, len(diffs))

	dir := os.Getenv("CONTACTPIPE_CORPUS")
	if os.Getenv("CONTACTPIPE_LONG") == "" || dir == "" {
		return
	}
	diffs, total = runCorpus(t, dir)
	names := make([]string, 0, len(diffs))
	for name := range diffs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Logf("%s: %s", name, diffs[name])
	}
	t.Logf("%s: %d of %d workbooks read as openpyxl/xlrd read them", dir, total-len(diffs), total)
}

// corpusKnownDiffs lists the corpus files this package reads differently
// from openpyxl/xlrd, and why: "refused:" files are refused by design with
// a message naming the format (TestCorpusReviewed checks some), "reviewed:"
// files the reference cannot read are pinned by TestCorpusReviewed, the
// others are read as Excel shows them where the reference does not.
var corpusKnownDiffs = map[string]string{
	"calamine/biff5_write.xls":                               "refused: excel 5.0/95 (xlrd reads it)",
	"calamine/capitalized_wbook_stream.xls":                  "refused: excel 5.0/95 (xlrd reads it)",
	"calamine/date.xls":                                      "an elapsed-time format [h]:mm:ss: we read 255:10:10 as Excel shows it, xlrd the serial",
	"calamine/date_1904.xls":                                 "an elapsed-time format [h]:mm:ss: we read 255:10:10 as Excel shows it, xlrd a date",
	"calamine/empty_s_attribute.xlsx":                        "reviewed: openpyxl 3.0 fails on s=\"\"",
	"calamine/has_x000D_.xlsx":                               "openpyxl 3.0 does not decode the _x000D_ escape (a carriage return)",
	"calamine/has_x000D_inline.xlsx":                         "openpyxl 3.0 does not decode the _x000D_ escape (a carriage return)",
	"calamine/issue_419.xlsx":                                "reviewed: shared strings at a path named only by the relationships, openpyxl 3.0 fails",
	"calamine/issue_643_biff5_formula.xls":                   "refused: excel 5.0/95 (xlrd reads it)",
	"exceldatareader/ExcelLibrary_newdoc.xls":                "reviewed: xlrd fails an assertion on this writer's records",
	"exceldatareader/Test_git_issue_14_InvalidOADate.xlsx":   "a date serial beyond 9999-12-31: we read the number, openpyxl gives up (#VALUE!)",
	"exceldatareader/Test_git_issue_231_NoCodePage.xls":      "refused: excel 5.0/95 (xlrd reads it)",
	"exceldatareader/Test_git_issue_324.xlsx":                "cells written twice at one address: we place the second after the first as excelize does, openpyxl keeps the last",
	"exceldatareader/Test_git_issue_368_formats.xls":         "refused: excel 2.x-4.x (xlrd reads it)",
	"exceldatareader/Test_git_issue_368_ixfe.xls":            "refused: excel 2.x-4.x (xlrd reads it)",
	"exceldatareader/Test_git_issue_368_label_xf.xls":        "refused: excel 2.x-4.x (xlrd reads it)",
	"exceldatareader/Test_git_issue_375_ixfe_rowmap.xls":     "refused: excel 2.x-4.x (xlrd reads it)",
	"exceldatareader/Test_git_issue_466_biff3.xls":           "refused: excel 2.x-4.x (xlrd reads it)",
	"exceldatareader/Test_git_issue_477_sst_wrong_count.xls": "reviewed: an SST count larger than its strings, xlrd fails",
	"exceldatareader/Test_git_issue_477_sst_zero_count.xls":  "reviewed: an SST count of zero, xlrd fails",
	"exceldatareader/Test_git_issue_629.xlsx":                "reviewed: openpyxl 3.0 fails (IndexError)",
	"poi/52575_main.xlsx":                                    "an inlineStr cell with a <v> instead of <is>: we read its text, openpyxl drops it",
	"poi/BOOK_in_capitals.xls":                               "refused: excel 5.0/95 (xlrd reads it)",
	"poi/SimpleStrict.xlsx":                                  "reviewed: Strict Open XML, openpyxl 3.0 finds no worksheet",
	"poi/bug60858.xlsx":                                      "a negative date serial (Excel shows ####): we read the number, openpyxl a date before 1900",
	"poi/duplicate-filename-case-insensitive.xlsx":           "refused: two zip entries of one name (openpyxl reads one of them)",
	"poi/duplicate-filename.xlsx":                            "refused: two zip entries of one name (openpyxl reads one of them)",
	"sheetjs/artifacts_quattro_write_57.xls":                 "refused: excel 5.0/95 (xlrd reads it)",
	"xlrd/biff4_no_format_no_window2.xls":                    "refused: excel 2.x-4.x (xlrd reads it)",
}

// TestCorpusReviewed pins what this package reads from corpus files the
// reference readers cannot read (each a defect class of issue 11), and the
// messages of the formats refused by design.
func TestCorpusReviewed(t *testing.T) {
	dir := filepath.Join("testdata", "corpus")
	counting := []testRow{
		{1, []string{"col1", "", "col3", "", "col5", "", "col7", "", "col9"}},
		{2, []string{"10x10", "", "", "", "", "", "", "", "", "10x19"}},
	}
	for _, tc := range []struct {
		file  string
		first []testRow
		rows  int
		err   string
	}{
		{"calamine/empty_s_attribute.xlsx", []testRow{{1, []string{"Name", "Value"}}, {2, []string{"John", "1"}}}, 5, ""},
		{"calamine/issue_419.xlsx", []testRow{{1, []string{"Hello"}}}, 1, ""},
		{"poi/SimpleStrict.xlsx", []testRow{{1, []string{"test", "", "1"}}, {2, []string{"test 2", "", "2"}}}, 6, ""},
		{"exceldatareader/Test_git_issue_477_sst_wrong_count.xls", counting, 10, ""},
		{"exceldatareader/Test_git_issue_477_sst_zero_count.xls", counting, 10, ""},
		{"exceldatareader/ExcelLibrary_newdoc.xls", []testRow{{1, []string{"", "1"}}, {3, []string{"9999999", "", "Text string", "", "Second string"}}}, 5, ""},
		{"exceldatareader/Test_git_issue_629.xlsx", []testRow{{1, []string{"BVI Excel Sheet_V7_1", "Futures_Options"}}}, 8, ""},
		{"poi/WrongFormulaRecordType.xls", []testRow{{1, []string{"Sum of Numbers", "Max of Numbers", "Dates?"}}, {2, []string{"1", "1", "2009-01-01"}}}, 4, ""},
		{"poi/BOOK_in_capitals.xls", nil, 0, "excel 5.0/95 workbooks (biff5) are not supported: open the file in excel or libreoffice and save it as .xlsx or csv"},
		{"xlrd/biff4_no_format_no_window2.xls", nil, 0, "excel 2.x-4.x workbooks (a bare biff stream) are not supported"},
		{"poi/duplicate-filename.xlsx", nil, 0, `the zip holds two entries named "xl/worksheets/sheet1.xml"`},
	} {
		t.Run(tc.file, func(t *testing.T) {
			res := readCorpusFile(t, filepath.Join(dir, filepath.FromSlash(tc.file)))
			if tc.err != "" {
				require.Error(t, res.err)
				assert.ErrorIs(t, res.err, ErrMalformed)
				assert.Contains(t, res.err.Error(), tc.err)
				return
			}
			require.NoError(t, res.err)
			assert.Len(t, res.rows, tc.rows)
			assert.Equal(t, tc.first, res.rows[:min(len(tc.first), len(res.rows))])
		})
	}
}
