package sheet

import "bytes"

// The quick paths below read the markup that spreadsheet writers emit for
// nearly every cell and shared string — <c r="B7" s="1" t="s"><v>42</v></c>,
// <c r="A2" t="inlineStr"><is><t>text</t></is></c>, <si><t>text</t></si> —
// straight from the scanner's window, without tokenizing each tag. They
// take only markup they can read exactly as the general path does (the
// whole element in the window, double-quoted attribute values without
// references or white space to normalize, text without references or
// carriage returns) and otherwise consume nothing, leaving the element to
// the general path (fastReader.readCell, xlsxStrings.load), which also
// reports every error.

// noQuick turns the quick paths off (tests compare both paths).
var noQuick = false

// quickText returns the text of b up to its first '<' when it needs no
// decoding (no reference, no carriage return) and is at most limit bytes;
// ok is false otherwise, or when b holds no '<'.
func quickText(b []byte, limit int) (text []byte, ok bool) {
	for i, c := range b {
		switch c {
		case '<':
			if i > limit {
				return nil, false
			}
			return b[:i], true
		case '&', '\r':
			return nil, false
		}
	}
	return nil, false
}

// quickAttr splits the attribute at the start of b, the rest of a start
// tag after its name: a space, a local name without a prefix, '=' and a
// double-quoted value that needs no decoding. It returns n, the offset
// just past it, or past the tag's end when end is set (empty when the tag
// was <.../>); n is 0 when b starts with neither (or the tag does not end
// in b).
func quickAttr(b []byte) (key, val []byte, n int, end, empty bool) {
	if len(b) == 0 {
		return nil, nil, 0, false, false
	}
	switch b[0] {
	case '>':
		return nil, nil, 1, true, false
	case '/':
		if len(b) > 1 && b[1] == '>' {
			return nil, nil, 2, true, true
		}
		return nil, nil, 0, false, false
	case ' ':
	default:
		return nil, nil, 0, false, false
	}
	i := 1
	for i < len(b) && b[i] != '=' {
		switch b[i] {
		case ' ', '\t', '\r', '\n', ':', '"', '\'', '<', '>', '/':
			return nil, nil, 0, false, false
		}
		i++
	}
	if i == 1 || i+1 >= len(b) || b[i+1] != '"' {
		return nil, nil, 0, false, false
	}
	key = b[1:i]
	i += 2
	v := i
	for i < len(b) && b[i] != '"' {
		switch b[i] {
		case '&', '\t', '\r', '\n', '<', '>':
			return nil, nil, 0, false, false
		}
		i++
	}
	if i >= len(b) {
		return nil, nil, 0, false, false
	}
	return key, b[v:i], i + 1, false, false
}

// quickColumn is cellColumn for the usual reference, one to three capital
// letters and a row number without leading zeros; ok is false for any
// other (cellColumn then reads it, or reports it).
func quickColumn(ref []byte) (col int, ok bool) {
	i := 0
	for i < len(ref) && i < 3 && 'A' <= ref[i] && ref[i] <= 'Z' {
		col = col*26 + int(ref[i]-'A'+1)
		i++
	}
	if i == 0 || i == len(ref) || ref[i] < '1' || ref[i] > '9' || len(ref)-i > 7 || col > excelMaxCols {
		return 0, false
	}
	row := 0
	for _, c := range ref[i:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		row = row*10 + int(c-'0')
	}
	return col, row <= excelMaxRows
}

// quickCell reads the <c> element at the scanner's position when it has
// one of the common forms, places it as readCell would, and returns the
// column used; handled is false when it read nothing (the general path
// must read the element). col is the column assumed without an r
// attribute.
func (x *fastReader) quickCell(col int) (_ int, handled bool, err error) {
	s := x.sc
	b := s.buf[s.r:s.w]
	if len(b) < 4 || b[0] != '<' || b[1] != 'c' || (b[2] != ' ' && b[2] != '>' && b[2] != '/') {
		return col, false, nil
	}
	var (
		c    cellCtx
		rval []byte
		seen uint8
	)
	p := 2
	empty := false
	for {
		k, v, n, end, e := quickAttr(b[p:])
		if n == 0 {
			return col, false, nil
		}
		p += n
		if end {
			empty = e
			break
		}
		if len(k) != 1 {
			continue
		}
		var bit uint8
		switch k[0] {
		case 'r':
			bit, rval = 1, v
		case 's':
			bit = 2
			n, ok := atoiBytes(v)
			if !ok || n < 0 {
				return col, false, nil
			}
			c.s = n
		case 't':
			bit = 4
			c.t = cellType(v)
		}
		if seen&bit != 0 {
			return col, false, nil // a repeated attribute: left to readCell
		}
		seen |= bit
	}
	hasR := seen&1 != 0
	if hasR && len(rval) > 0 {
		cc, ok := quickColumn(rval)
		if !ok {
			if cc, err = cellColumn(rval); err != nil {
				return col, false, nil
			}
		}
		col = cc
	}
	x.v, x.is, x.isRun = x.v[:0], x.is[:0], x.isRun[:0]
	x.cellBad = ""
	if !empty {
		limit := 8*x.o.MaxCellBytes + 64
		rest := b[p:]
		switch {
		case bytes.HasPrefix(rest, []byte("</c>")):
			p += 4
		case bytes.HasPrefix(rest, []byte("<v>")):
			text, ok := quickText(rest[3:], limit)
			if !ok || !bytes.HasPrefix(rest[3+len(text):], []byte("</v></c>")) {
				return col, false, nil
			}
			x.v, c.hasV = append(x.v, text...), true
			p += 3 + len(text) + 8
		case bytes.HasPrefix(rest, []byte("<is><t")):
			q := 6
			switch {
			case bytes.HasPrefix(rest[q:], []byte(">")):
				q++
			case bytes.HasPrefix(rest[q:], []byte(` xml:space="preserve">`)):
				q += len(` xml:space="preserve">`)
			default:
				return col, false, nil
			}
			text, ok := quickText(rest[q:], limit)
			if !ok || !bytes.HasPrefix(rest[q+len(text):], []byte("</t></is></c>")) {
				return col, false, nil
			}
			c.inline = true
			x.is = append(x.is, text...)
			p += q + len(text) + 13
		default:
			return col, false, nil
		}
	}
	s.r += p
	c.explicit = hasR && len(rval) > 0
	return col, true, x.place(&c, col)
}

// quickEndRow consumes a </row> at the scanner's position (the general
// path skips it too) and reports whether there was one.
func (x *fastReader) quickEndRow() bool {
	s := x.sc
	if s.depth > 1 && bytes.HasPrefix(s.buf[s.r:s.w], []byte("</row>")) {
		s.r += len("</row>")
		s.depth--
		return true
	}
	return false
}

// quickSI reads an <si><t>text</t></si> entry of the shared string table
// at the scanner's position (the scanner at depth 1, inside <sst>) and
// returns its text; ok is false when the entry has another form or does not
// end in the window: nothing is consumed then.
func quickSI(s *xmlScanner, limit int) (text []byte, ok bool) {
	b := s.buf[s.r:s.w]
	if s.depth != 1 || !bytes.HasPrefix(b, []byte("<si><t")) {
		return nil, false
	}
	q := 6
	switch {
	case bytes.HasPrefix(b[q:], []byte(">")):
		q++
	case bytes.HasPrefix(b[q:], []byte(` xml:space="preserve">`)):
		q += len(` xml:space="preserve">`)
	default:
		return nil, false
	}
	text, ok = quickText(b[q:], limit)
	if !ok || !bytes.HasPrefix(b[q+len(text):], []byte("</t></si>")) {
		return nil, false
	}
	s.r += q + len(text) + len("</t></si>")
	return text, true
}
