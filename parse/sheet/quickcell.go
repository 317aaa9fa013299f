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
	i := bytes.IndexByte(b, '<')
	if i < 0 || i > limit {
		return nil, false
	}
	for _, c := range b[:i] {
		if c == '&' || c == '\r' {
			return nil, false
		}
	}
	return b[:i], true
}

// quickAttrs splits the attributes of a start tag at the start of b (after
// its name) up to its '>' or "/>": each one a space, a local name without a
// prefix, '=' and a double-quoted value that needs no decoding. It calls f
// with each and returns the offset just past the tag and whether it was
// empty (<.../>); ok is false when the tag is not of that form or does not
// end in b, or f returns false.
func quickAttrs(b []byte, f func(k, v []byte) bool) (end int, empty, ok bool) {
	i := 0
	for {
		if i >= len(b) {
			return 0, false, false
		}
		switch b[i] {
		case '>':
			return i + 1, false, true
		case '/':
			if i+1 < len(b) && b[i+1] == '>' {
				return i + 2, true, true
			}
			return 0, false, false
		case ' ':
		default:
			return 0, false, false
		}
		i++
		k := i
		for i < len(b) && b[i] != '=' {
			switch b[i] {
			case ' ', '\t', '\r', '\n', ':', '"', '\'', '<', '>', '/':
				return 0, false, false
			}
			i++
		}
		if i == k || i+1 >= len(b) || b[i+1] != '"' {
			return 0, false, false
		}
		key := b[k:i]
		i += 2
		v := i
		for i < len(b) && b[i] != '"' {
			switch b[i] {
			case '&', '\t', '\r', '\n', '<', '>':
				return 0, false, false
			}
			i++
		}
		if i >= len(b) {
			return 0, false, false
		}
		if !f(key, b[v:i]) {
			return 0, false, false
		}
		i++
	}
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
		c          cellCtx
		rval       []byte
		seen       uint8
		styleOK    = true
		attrsValid = true
	)
	end, empty, ok := quickAttrs(b[2:], func(k, v []byte) bool {
		if len(k) != 1 {
			return true
		}
		var bit uint8
		switch k[0] {
		case 'r':
			bit, rval = 1, v
		case 's':
			bit = 2
			n, ok := atoiBytes(v)
			c.s, styleOK = n, ok && n >= 0
		case 't':
			bit = 4
			c.t = cellType(v)
		}
		if seen&bit != 0 {
			attrsValid = false // a repeated attribute: left to readCell
		}
		seen |= bit
		return true
	})
	if !ok || !attrsValid || !styleOK {
		return col, false, nil
	}
	p := 2 + end
	hasR := seen&1 != 0
	if hasR && len(rval) > 0 {
		cc, err := cellColumn(rval)
		if err != nil {
			return col, false, nil
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
