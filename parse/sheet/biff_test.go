package sheet

import (
	"bytes"
	"encoding/binary"
	"math"
	"unicode/utf16"
)

// This file builds small BIFF8 workbooks and compound files in tests, for
// the records and corner cases the real writers in testdata do not produce
// (MULRK, STRING after FORMULA, out-of-order rows, FILEPASS, ...).

func u16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func u32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func f64(v float64) []byte {
	return binary.LittleEndian.AppendUint64(nil, math.Float64bits(v))
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// rec encodes one BIFF record.
func rec(typ uint16, payload ...[]byte) []byte {
	p := cat(payload...)
	return cat(u16(typ), u16(uint16(len(p))), p)
}

// xlString encodes an XLUnicodeString with a cch of lenSize bytes: compressed
// when every character fits a byte, else UTF-16LE.
func xlString(s string, lenSize int) []byte {
	u := utf16.Encode([]rune(s))
	var out []byte
	if lenSize == 1 {
		out = append(out, byte(len(u)))
	} else {
		out = u16(uint16(len(u)))
	}
	high := false
	for _, c := range u {
		high = high || c > 0xFF
	}
	if !high {
		out = append(out, 0)
		for _, c := range u {
			out = append(out, byte(c))
		}
		return out
	}
	out = append(out, 1)
	for _, c := range u {
		out = binary.LittleEndian.AppendUint16(out, c)
	}
	return out
}

// cell record helpers: row and col are 0-based.
func rcx(row, col, ixfe uint16) []byte { return cat(u16(row), u16(col), u16(ixfe)) }

func bof(dt uint16) []byte { return rec(recBOF, u16(0x0600), u16(dt), make([]byte, 12)) }
func eof() []byte          { return rec(recEOF) }

func rkInt(v int32) uint32 { return uint32(v)<<2 | 2 }

type testSheet struct {
	name    string
	state   byte // 0 visible, 1 hidden, 2 very hidden
	kind    byte // BOUNDSHEET dt: 0 worksheet, 2 chart
	records [][]byte
}

// buildBIFF returns a Workbook stream: BOF, the globals records, one
// BOUNDSHEET per sheet, EOF, then each sheet's substream (BOF, records, EOF).
func buildBIFF(globals [][]byte, sheets []testSheet) []byte {
	var bound [][]byte
	size := len(bof(5)) + len(eof())
	for _, g := range globals {
		size += len(g)
	}
	for _, s := range sheets {
		size += len(rec(recBoundSheet, u32(0), []byte{s.state, s.kind}, xlString(s.name, 1)))
	}
	var subs [][]byte
	off := size
	for _, s := range sheets {
		dt := uint16(0x0010)
		if s.kind == 2 {
			dt = 0x0020
		}
		sub := cat(bof(dt), cat(s.records...), eof())
		bound = append(bound, rec(recBoundSheet, u32(uint32(off)), []byte{s.state, s.kind}, xlString(s.name, 1)))
		subs = append(subs, sub)
		off += len(sub)
	}
	return cat(bof(5), cat(globals...), cat(bound...), eof(), cat(subs...))
}

// buildCFB writes a version 3 compound file (512-byte sectors) holding the
// given root streams. Streams are padded with zeros to 4096 bytes so that
// none lives in the mini stream.
func buildCFB(names []string, streams [][]byte) []byte {
	const ss = 512
	padded := make([][]byte, len(streams))
	streamSecs := 0
	for i, s := range streams {
		p := append([]byte(nil), s...)
		if len(p) < 4096 {
			p = append(p, make([]byte, 4096-len(p))...)
		}
		if r := len(p) % ss; r != 0 {
			p = append(p, make([]byte, ss-r)...)
		}
		padded[i] = p
		streamSecs += len(p) / ss
	}
	dirSecs := (len(names) + 1 + 3) / 4
	nFAT := 1
	for (nFAT+dirSecs+streamSecs+127)/128 > nFAT {
		nFAT++
	}
	fat := make([]uint32, nFAT*128)
	for i := range fat {
		fat[i] = 0xFFFFFFFF
	}
	for i := 0; i < nFAT; i++ {
		fat[i] = 0xFFFFFFFD
	}
	chain := func(start, n int) {
		for i := 0; i < n; i++ {
			fat[start+i] = uint32(start + i + 1)
		}
		fat[start+n-1] = cfbEndOfChain
	}
	dirStart := nFAT
	chain(dirStart, dirSecs)
	next := dirStart + dirSecs
	starts := make([]int, len(padded))
	for i, p := range padded {
		starts[i] = next
		chain(next, len(p)/ss)
		next += len(p) / ss
	}

	h := make([]byte, ss)
	copy(h, cfbMagic)
	le := binary.LittleEndian
	le.PutUint16(h[24:], 0x3E)
	le.PutUint16(h[26:], 3)
	le.PutUint16(h[28:], 0xFFFE)
	le.PutUint16(h[30:], 9)
	le.PutUint16(h[32:], 6)
	le.PutUint32(h[44:], uint32(nFAT))
	le.PutUint32(h[48:], uint32(dirStart))
	le.PutUint32(h[56:], 4096)
	le.PutUint32(h[60:], cfbEndOfChain)
	le.PutUint32(h[68:], cfbEndOfChain)
	for i := 0; i < 109; i++ {
		v := uint32(0xFFFFFFFF)
		if i < nFAT {
			v = uint32(i)
		}
		le.PutUint32(h[76+4*i:], v)
	}
	out := bytes.NewBuffer(h)
	for _, v := range fat {
		out.Write(u32(v))
	}
	dir := make([]byte, dirSecs*ss)
	entry := func(i int, name string, typ byte, child, right uint32, start uint32, size int) {
		e := dir[i*128 : (i+1)*128]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			le.PutUint16(e[2*j:], c)
		}
		le.PutUint16(e[64:], uint16(2*len(u)+2))
		e[66] = typ
		e[67] = 1
		le.PutUint32(e[68:], 0xFFFFFFFF)
		le.PutUint32(e[72:], right)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], start)
		le.PutUint64(e[120:], uint64(size))
	}
	entry(0, "Root Entry", 5, 1, 0xFFFFFFFF, cfbEndOfChain, 0)
	for i, name := range names {
		right := uint32(i + 2)
		if i == len(names)-1 {
			right = 0xFFFFFFFF
		}
		entry(i+1, name, 2, 0xFFFFFFFF, right, uint32(starts[i]), len(padded[i]))
	}
	out.Write(dir)
	for _, p := range padded {
		out.Write(p)
	}
	return out.Bytes()
}

// buildXLS wraps a Workbook stream in a compound file.
func buildXLS(globals [][]byte, sheets []testSheet) []byte {
	return buildCFB([]string{"Workbook"}, [][]byte{buildBIFF(globals, sheets)})
}

// encryptedOOXML is the compound file an encrypted .xlsx is: streams
// EncryptionInfo and EncryptedPackage ([MS-OFFCRYPTO] 2.3.4.10, agile
// encryption), minimal but real in structure.
func encryptedOOXML() []byte {
	info := cat(u16(4), u16(4), u32(0x40), []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"></encryption>`))
	pkg := cat(binary.LittleEndian.AppendUint64(nil, 1234), bytes.Repeat([]byte{0x5A}, 4096))
	return buildCFB([]string{"EncryptionInfo", "EncryptedPackage"}, [][]byte{info, pkg})
}

// xlsSeeds are synthetic workbooks covering records the real files lack;
// they seed FuzzXLS and are asserted in TestXLSRecords.
func xlsSeeds() [][]byte {
	var seeds [][]byte
	for _, c := range xlsRecordCases() {
		seeds = append(seeds, c.file)
	}
	return append(seeds, encryptedOOXML())
}

type xlsRecordCase struct {
	name string
	file []byte
	want []testRow
	err  error
}

type testRow struct {
	Row   int
	Cells []string
}

func xlsRecordCases() []xlsRecordCase {
	dateXF := [][]byte{
		rec(recFormat, u16(164), xlString("dd/mm/yyyy", 2)),
		rec(recXF, u16(0), u16(0), make([]byte, 16)),   // 0: General
		rec(recXF, u16(0), u16(164), make([]byte, 16)), // 1: custom date
		rec(recXF, u16(0), u16(14), make([]byte, 16)),  // 2: built-in date
	}
	// An SST whose second string is split across a CONTINUE record, the
	// continuation switching from compressed to UTF-16 characters, and whose
	// third string has rich text runs and phonetic data split across records.
	sst := cat(
		u32(3), u32(3),
		xlString("alpha", 2),
		u16(6), []byte{0}, []byte("abc"), // "abc" + 3 more chars in CONTINUE
	)
	cont := cat([]byte{1}, utf16le("дом"),
		u16(2), []byte{0x0C}, u16(1), u32(4), []byte("ok"), // cch 2, rich+ext
		u32(0x00010001)[:2]) // first half of the run
	cont2 := cat(u32(0x00010001)[2:], u32(0xAABBCCDD)) // rest of run + ext rst
	sheet := func(records ...[]byte) []testSheet {
		return []testSheet{{name: "S", records: records}}
	}
	return []xlsRecordCase{
		{
			name: "cell records",
			file: buildXLS(append(dateXF, rec(recSST, sst), rec(recContinue, cont), rec(recContinue, cont2)), sheet(
				rec(recLabelSST, rcx(0, 0, 0), u32(0)),
				rec(recLabelSST, rcx(0, 1, 0), u32(1)),
				rec(recLabelSST, rcx(0, 2, 0), u32(2)),
				rec(recMulRK, u16(1), u16(1), u16(0), u32(rkInt(7)), u16(0), u32(rkInt(-3)|1), u16(2), u32(rkInt(45306)), u16(3)),
				rec(recNumber, rcx(2, 0, 1), f64(45306)),
				rec(recRK, rcx(2, 1, 0), u32(0x3FF80000)), // 1.5 as a float RK
				rec(recBoolErr, rcx(3, 0, 0), []byte{1, 0}),
				rec(recBoolErr, rcx(3, 1, 0), []byte{0x2A, 1}),
				rec(recFormula, rcx(4, 0, 0), f64(2.5), u16(0), u32(0), u16(0)),
				rec(recFormula, rcx(4, 1, 0), []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, u16(0), u32(0), u16(0)),
				rec(recString, u16(5), []byte{0}, []byte("he")), // "he" + "llo" continued
				rec(recContinue, []byte{0}, []byte("llo")),
				rec(recFormula, rcx(4, 2, 0), []byte{1, 0, 1, 0, 0, 0, 0xFF, 0xFF}, u16(0), u32(0), u16(0)),
				rec(recFormula, rcx(4, 3, 0), []byte{2, 0, 7, 0, 0, 0, 0xFF, 0xFF}, u16(0), u32(0), u16(0)),
				rec(recFormula, rcx(4, 4, 0), []byte{3, 0, 0, 0, 0, 0, 0xFF, 0xFF}, u16(0), u32(0), u16(0)),
				rec(recLabel, rcx(6, 3, 0), xlString("Łódź", 2)),
				rec(recRString, rcx(7, 0, 0), xlString("rich", 2), u16(0)),
				// An embedded chart substream is skipped.
				bof(0x0020), rec(recLabel, rcx(8, 0, 0), xlString("inside chart", 2)), eof(),
				rec(recNumber, rcx(9, 255, 0), f64(1e-7)),
			)),
			want: []testRow{
				{1, []string{"alpha", "abcдом", "ok"}},
				{2, []string{"", "7", "-0.03", "2024-01-15"}},
				{3, []string{"2024-01-15", "1.5"}},
				{4, []string{"TRUE", "#N/A"}},
				{5, []string{"2.5", "hello", "TRUE", "#DIV/0!"}},
				{7, []string{"", "", "", "Łódź"}},
				{8, []string{"rich"}},
				{10, append(make([]string, 255), "0.0000001")},
			},
		},
		{
			// Faults xlrd and SheetJS read through (issue 11): an SST whose
			// count is larger than the strings present, an empty LABEL
			// without its flags byte, a FORMAT whose string is cut short
			// (its record length is too small), a UTF-16 character split
			// across a CONTINUE boundary (the half character is dropped).
			name: "tolerated faults",
			file: buildXLS([][]byte{
				rec(recFormat, u16(164), u16(10), []byte{0}, []byte("yyyy-mm")), // says 10 chars, holds 7
				rec(recXF, u16(0), u16(0), make([]byte, 16)),
				rec(recXF, u16(0), u16(164), make([]byte, 16)),
				rec(recSST, u32(5), u32(5), xlString("one", 2), xlString("two", 2)),
				rec(recContinue), // an empty CONTINUE after the strings
			}, sheet(
				rec(recLabelSST, rcx(0, 0, 0), u32(0)),
				rec(recLabelSST, rcx(0, 1, 0), u32(1)),
				rec(recLabel, rcx(0, 2, 0), u16(0)),
				rec(recNumber, rcx(0, 3, 1), f64(45306)),
				rec(recLabel, rcx(1, 0, 0), u16(3), []byte{1}, utf16le("ab"), []byte{'c'}),
				rec(recContinue, []byte{1}, utf16le("d")),
			)),
			want: []testRow{{1, []string{"one", "two", "", "2024-01-15"}}, {2, []string{"abd"}}},
		},
		{
			// An SST whose count says zero (ExcelDataReader's
			// Test_git_issue_477_sst_zero_count.xls): its strings are read.
			name: "sst count zero",
			file: buildXLS([][]byte{rec(recSST, u32(0), u32(0), xlString("a", 2), xlString("b", 2))}, sheet(
				rec(recLabelSST, rcx(0, 0, 0), u32(1)),
			)),
			want: []testRow{{1, []string{"b"}}},
		},
		{
			// Small versions of TestXLSContinueLinear's workbooks.
			name: "empty continue records",
			file: continueFlood(2000),
			want: []testRow{{1, []string{"abc"}}, {2, []string{"end"}}},
		},
		{
			name: "one character per continue",
			file: func() []byte {
				recs := [][]byte{rec(recLabel, rcx(0, 0, 0), u16(300), []byte{0})}
				for i := range 300 {
					recs = append(recs, rec(recContinue, []byte{byte(i & 1)}, []byte{byte('a' + i%26), 0}[:1+i&1]))
				}
				return buildXLS(nil, sheet(recs...))
			}(),
			want: []testRow{{1, []string{func() string {
				var b []byte
				for i := range 300 {
					b = append(b, byte('a'+i%26))
				}
				return string(b)
			}()}}},
		},
		{
			name: "rows out of order",
			file: buildXLS(nil, sheet(
				rec(recRK, rcx(4, 0, 0), u32(rkInt(5))),
				rec(recRK, rcx(0, 1, 0), u32(rkInt(2))),
				rec(recRK, rcx(0, 0, 0), u32(rkInt(1))),
				rec(recFormula, rcx(2, 0, 0), []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, u16(0), u32(0), u16(0)),
				rec(recString, xlString("late", 2)),
			)),
			want: []testRow{{1, []string{"1", "2"}}, {3, []string{"late"}}, {5, []string{"5"}}},
		},
		{
			name: "hidden and chart sheets skipped",
			file: buildXLS(nil, []testSheet{
				{name: "hidden", state: 1, records: [][]byte{rec(recRK, rcx(0, 0, 0), u32(rkInt(1)))}},
				{name: "chart", kind: 2},
				{name: "very hidden", state: 2, records: [][]byte{rec(recRK, rcx(0, 0, 0), u32(rkInt(2)))}},
				{name: "visible", records: [][]byte{rec(recRK, rcx(0, 0, 0), u32(rkInt(3)))}},
			}),
			want: []testRow{{1, []string{"3"}}},
		},
		{
			name: "encrypted (FILEPASS)",
			file: buildXLS([][]byte{rec(recFilePass, u16(1), make([]byte, 52))}, sheet()),
			err:  ErrEncrypted,
		},
		{
			name: "no visible worksheet",
			file: buildXLS(nil, []testSheet{{name: "h", state: 1}}),
			err:  ErrSheetNotFound,
		},
		{
			name: "biff5",
			file: buildCFB([]string{"Book"}, [][]byte{rec(recBOF, u16(0x0500), u16(5))}),
			err:  ErrMalformed,
		},
		{
			// An unreadable cell rejects its row, which never disappears,
			// and reading goes on (issue 11).
			name: "unreadable cells",
			file: buildXLS([][]byte{rec(recSST, u32(1), u32(1), xlString("a", 2))}, sheet(
				rec(recLabelSST, rcx(0, 0, 0), u32(0)),
				rec(recLabelSST, rcx(0, 2, 0), u32(1)), // index out of the table
				rec(recRK, rcx(1, 0, 0), u32(rkInt(2))),
				rec(recLabel, rcx(1, 1, 0), u16(5), []byte{0}, []byte("ab")), // string cut short
				rec(recNumber, rcx(2, 1, 0), f64(1)[:4]),                     // record cut short
				rec(recRK, rcx(3, 0, 0), u32(rkInt(4))),
				rec(recFormula, rcx(4, 0, 0), []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, u16(0), u32(0), u16(0)),
				rec(recString, u16(9), []byte{0}, []byte("cut")),               // formula result cut short
				rec(recFormula4, rcx(5, 1, 0), f64(6), u16(0), u32(0), u16(0)), // BIFF4 id
			)),
			want: []testRow{{1, []string{"!bad C1"}}, {2, []string{"!bad B2"}}, {3, []string{"!bad B3"}}, {4, []string{"4"}}, {5, []string{"!bad A5"}}, {6, []string{"", "6"}}},
		},
		{
			name: "sheet substream truncated",
			file: func() []byte {
				b := buildBIFF(nil, sheet(rec(recRK, rcx(0, 0, 0), u32(rkInt(1)))))
				return buildCFB([]string{"Workbook"}, [][]byte{b[:len(b)-4]})
			}(),
			err: ErrMalformed,
		},
	}
}

func utf16le(s string) []byte {
	var out []byte
	for _, c := range utf16.Encode([]rune(s)) {
		out = binary.LittleEndian.AppendUint16(out, c)
	}
	return out
}
