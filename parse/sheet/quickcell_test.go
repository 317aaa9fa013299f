package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/contactpipe/contactpipe/bench"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readTrace reads every row of data with OpenXLSX, keeping each row's cells
// or error text, to the first fatal error.
func readTrace(data []byte, opts Options) []string {
	r, err := OpenXLSX(bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		return []string{"open: " + err.Error()}
	}
	defer r.Close()
	var out []string
	for {
		row, cells, err := r.Next()
		switch {
		case err == io.EOF:
			return out
		case errors.Is(err, ErrBadCell):
			out = append(out, fmt.Sprintf("%d bad: %v", row, err))
		case err != nil:
			return append(out, fmt.Sprintf("%d fatal: %v", row, err))
		default:
			out = append(out, fmt.Sprintf("%d %q", row, cells))
		}
	}
}

// quickCases are cells and shared strings at the edges of what the quick
// paths take: each must read as the general path reads it.
var quickCases = []struct{ name, sheet, sst string }{
	{"attributes", `<row r="1"><c r="A1" s="3" t="n"><v>12</v></c><c t="s" r="B1"><v>0</v></c><c r='C1'><v>1</v></c><c  r="D1"><v>2</v></c><c r="E1"><v>3</v></c ><c r = "F1"><v>4</v></c><c x:r="G1"><v>5</v></c><c r="H1" spans="1:2" foo="bar"><v>6</v></c></row>`, ""},
	{"repeated attributes", `<row r="1"><c r="A1" r="C1"><v>1</v></c><c r="D1" s="1" s="x"><v>2</v></c><c r="E1" t="s" t="n"><v>3</v></c></row>`, ""},
	{"bad attributes", `<row r="1"><c r="A1" s="x"><v>1</v></c><c r="B1" s="-1"><v>2</v></c><c r="C1" s=""><v>3</v></c><c r="1A"><v>4</v></c></row><row r="2"><c r="XFE2"><v>5</v></c></row><row r="3"><c r="A1048577"><v>5</v></c></row>`, ""},
	{"values needing decoding", `<row r="1"><c r="A1" t="str"><v>a&amp;b</v></c><c r="B1" t="str"><v>l1` + "\r\n" + `l2</v></c><c r="C1" t="str"><v>x&#10;</v></c><c r="D1" t="str" s="&#49;"><v>y</v></c><c r="E1" t="str"><v><![CDATA[<z>]]></v></c></row>`, ""},
	{"empty forms", `<row r="1"><c r="A1"/><c r="B1"></c><c r="C1" t="s"/><c r="D1"><v></v></c><c r="E1"><v/></c><c/><c><v>7</v></c><c r="G1" t="str"><v>  </v></c></row>`, ""},
	{"inline strings", `<row r="1"><c r="A1" t="inlineStr"><is><t>in</t></is></c><c r="B1" t="inlineStr"><is><t xml:space="preserve"> sp </t></is></c><c r="C1" t="inlineStr"><is><t>a_x0041_b</t></is></c><c r="D1" t="inlineStr"><is><t xml:space="default">d</t></is></c><c r="E1" t="inlineStr"><is><t>e</t><t>f</t></is></c><c r="F1"><is><t>no type</t></is></c><c r="G1" t="s"><is><t>s type</t></is></c><c r="H1" t="inlineStr"><is><t>&lt;</t></is></c><c r="I1" t="inlineStr"><is><t/></is></c></row>`, ""},
	{"formulas and other children", `<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1"><v>3</v><extLst/></c><c r="C1"><v>4</v></c><c r="D1"><x:v>5</x:v></c></row>`, ""},
	{"shared strings", `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c><c r="G1" t="s"><v>6</v></c><c r="H1" t="s"><v>7</v></c><c r="I1" t="s"><v>8</v></c><c r="J1" t="s"><v>9</v></c></row><row r="2"><c r="A2" t="s"><v>10</v></c><c r="B2" t="s"><v> 1</v></c></row>`,
		`<si><t>plain</t></si><si><t xml:space="preserve"> sp </t></si><si><t>a_x0041_b</t></si><si><t>&amp;</t></si><si><t></t></si><si><t/></si><si><t>x</t><t>y</t></si><si><t>cr` + "\r" + `</t></si><si> <t>ws</t></si><si><t xml:space="default">d</t></si>`},
	{"rows", `<row r="1"><c r="A1"><v>1</v></c></row ><row r="1"><c r="B1"><v>2</v></c></row><row><c r="A3"><v>3</v></c></row><row r="5" spans="1:1"><c><v>4</v></c></row>` + "\n" + `<row r="6">` + "\n" + `<c r="A6"><v>6</v></c>` + "\n" + `</row>`, ""},
	{"invalid utf-8", `<row r="1"><c r="A1" t="str"><v>` + "\xff" + `</v></c></row>`, ""},
	{"cut short", `<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2`, ""},
}

// TestQuickMatchesGeneral reads the test workbooks, the bench generator's
// workbooks and cells at the edges of the quick paths with and without
// them, and requires the same rows and errors.
func TestQuickMatchesGeneral(t *testing.T) {
	type input struct {
		name string
		data []byte
		opts Options
	}
	var inputs []input
	files, err := filepath.Glob("testdata/*.xlsx")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		for _, o := range []Options{{}, {MaxCells: 3}, {MaxCellBytes: 4}} {
			inputs = append(inputs, input{name: fmt.Sprintf("%s/%+v", filepath.Base(name), o), data: data, opts: o})
		}
	}
	for _, format := range []bench.Format{bench.XLSXShared, bench.XLSXInline} {
		var b bytes.Buffer
		_, err := bench.Generate(&b, 3000, bench.Options{Format: format, Seed: 3})
		require.NoError(t, err)
		inputs = append(inputs, input{name: string(format), data: b.Bytes()})
		inputs = append(inputs, input{name: string(format) + "/MaxCellBytes", data: b.Bytes(), opts: Options{MaxCellBytes: 12}})
	}
	for _, c := range craftCases {
		inputs = append(inputs, input{name: "craft/" + c.name, data: craftXLSX(t, c.sheet, craftSST, craftStyles, c.date1904)})
	}
	for _, c := range quickCases {
		sst := c.sst
		if sst == "" {
			sst = craftSST
		}
		inputs = append(inputs, input{name: "quick/" + c.name, data: craftXLSX(t, c.sheet, sst, craftStyles, false)})
	}
	// A long value crosses the scanner's window.
	long := strings.Repeat("x", 100<<10)
	inputs = append(inputs, input{name: "quick/long value", data: craftXLSX(t,
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="str"><v>`+long+`</v></c><c r="C1" t="inlineStr"><is><t>`+long+`</t></is></c></row>`,
		`<si><t>`+long+`</t></si>`, "", false)})
	inputs = append(inputs, input{name: "quick/long value/MaxCellBytes", data: inputs[len(inputs)-1].data, opts: Options{MaxCellBytes: 1 << 10}})

	defer func() { noQuick = false }()
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			noQuick = true
			want := readTrace(in.data, in.opts)
			noQuick = false
			got := readTrace(in.data, in.opts)
			assert.Equal(t, want, got)
		})
	}
}

// TestSpilledStrings reads workbooks with the shared string table spilled
// to a file (and its pages dropped every few lookups) and in memory, and
// requires the same rows and errors, and no file left behind.
func TestSpilledStrings(t *testing.T) {
	var inputs [][]byte
	for _, format := range []bench.Format{bench.XLSXShared, bench.XLSXInline} {
		var b bytes.Buffer
		_, err := bench.Generate(&b, 3000, bench.Options{Format: format, Seed: 5})
		require.NoError(t, err)
		inputs = append(inputs, b.Bytes())
	}
	for _, c := range craftCases {
		inputs = append(inputs, craftXLSX(t, c.sheet, craftSST, craftStyles, c.date1904))
	}
	inputs = append(inputs,
		craftXLSX(t, craftCases[0].sheet, `<si/><si><t/></si>`, "", false),
		craftXLSX(t, craftCases[0].sheet, "", "", false))
	oldMin, oldDrop := spillMin, dropEvery
	defer func() { spillMin, dropEvery = oldMin, oldDrop }()
	spillMin, dropEvery = 0, 7
	dir := t.TempDir()
	for i, data := range inputs {
		want := readTrace(data, Options{})
		got := readTrace(data, Options{SpillDir: dir})
		assert.Equal(t, want, got, "input %d", i)
		assert.Equal(t, readTrace(data, Options{MaxUnzipSize: 64 << 10}), readTrace(data, Options{MaxUnzipSize: 64 << 10, SpillDir: dir}), "input %d, small limit", i)
	}
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, left)
	// A directory that cannot be written keeps the table in memory.
	assert.Equal(t, readTrace(inputs[0], Options{}), readTrace(inputs[0], Options{SpillDir: filepath.Join(dir, "missing")}))
}

// TestQuickColumn: where quickColumn reads a reference, cellColumn reads
// the same column.
func TestQuickColumn(t *testing.T) {
	refs := []string{"A1", "Z9", "AA10", "XFD1048576", "XFE1", "ZZZ1", "A1048577", "A0", "A01", "a1", "$A$1", "AAAA1", "A", "1", "", "A1B", "B7 ", "C12345678"}
	for c := 1; c <= 800; c += 7 {
		refs = append(refs, ColumnName(c)+strconv.Itoa(c*1301))
	}
	quick := 0
	for _, ref := range refs {
		col, ok := quickColumn([]byte(ref))
		want, err := cellColumn([]byte(ref))
		if ok {
			quick++
			assert.NoError(t, err, ref)
			assert.Equal(t, want, col, ref)
		}
	}
	assert.Greater(t, quick, 100)
}

// TestRowsStayValid: the rows returned share buffers (see finish), which
// are never written again: rows held to the end read as they did when
// returned, however many rows came after.
func TestRowsStayValid(t *testing.T) {
	var b bytes.Buffer
	_, err := bench.Generate(&b, 3000, bench.Options{Format: bench.XLSXShared, Seed: 9})
	require.NoError(t, err)
	r, err := OpenXLSX(bytes.NewReader(b.Bytes()), int64(b.Len()), Options{})
	require.NoError(t, err)
	var held [][]string
	var when []string
	for {
		_, cells, err := r.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		held = append(held, cells)
		when = append(when, fmt.Sprintf("%q", cells))
	}
	require.NoError(t, r.Close())
	require.Len(t, held, 3001)
	for i, cells := range held {
		require.Equal(t, when[i], fmt.Sprintf("%q", cells), "row %d", i+1)
	}
}

// TestQuickMatchesGeneralRandom compares the two paths on sheets made of
// random pieces of the forms at the edges of the quick paths.
func TestQuickMatchesGeneralRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 1))
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	attrs := func(row int) string {
		var b strings.Builder
		for range rng.IntN(4) {
			switch rng.IntN(8) {
			case 0, 1:
				fmt.Fprintf(&b, ` r="%s%d"`, pick("A", "B", "C", "AA", "$C", "b", "XFE", ""), pick2(rng, row))
			case 2:
				fmt.Fprintf(&b, ` s="%s"`, pick("0", "1", "3", "x", "", "-1", "007"))
			case 3, 4:
				fmt.Fprintf(&b, ` t="%s"`, pick("s", "n", "str", "inlineStr", "b", "e", "d", "x"))
			case 5:
				b.WriteString(pick(` r='A1'`, ` x:r="B1"`, ` spans="1:2"`, "\tr=\"C1\"", ` r = "D1"`, ` s="&#49;"`))
			default:
				b.WriteString(pick(` foo="bar"`, ` cm="1"`))
			}
		}
		return b.String()
	}
	text := func() string {
		return pick("", "0", "1", "12", "3.5", "x", " 2 ", "a&amp;b", "l1\r\nl2", "_x0041_", "é", "\xff", "<![CDATA[<c>]]>", "9999")
	}
	body := func() string {
		switch rng.IntN(9) {
		case 0:
			return "/>"
		case 1:
			return "></c>"
		case 2, 3, 4:
			return "><v>" + text() + "</v></c>"
		case 5:
			return "><is><t" + pick("", ` xml:space="preserve"`) + ">" + text() + "</t></is></c>"
		case 6:
			return "><f>1</f><v>" + text() + "</v></c>"
		case 7:
			return "><v>" + text() + "</v></c >"
		default:
			return "><is><r><t>" + text() + "</t></r></is></c>"
		}
	}
	for i := range 300 {
		var sheet strings.Builder
		for row := 1; row <= 1+rng.IntN(6); row++ {
			fmt.Fprintf(&sheet, pick(`<row r="%d">`, `<row r="%d">`, `<row r="%d" spans="1:3">`, `<row r='%d'>`, `<row r="%d" >`, `<row r="%d"/>`, `<row ht="%d">`, `<row r="x%d">`), pick2(rng, row))
			for range rng.IntN(6) {
				sheet.WriteString("<c" + attrs(row) + body())
			}
			sheet.WriteString(pick("</row>", "</row>", "</row >", "</row>\n", "<!-- c -->", "</x>"))
		}
		data := craftXLSX(t, sheet.String(), craftSST, craftStyles, false)
		noQuick = true
		want := readTrace(data, Options{})
		noQuick = false
		got := readTrace(data, Options{})
		if !assert.Equal(t, want, got, "sheet %d: %s", i, sheet.String()) {
			break
		}
	}
}

func pick2(rng *rand.Rand, row int) int {
	if rng.IntN(5) == 0 {
		return rng.IntN(3)
	}
	return row
}
