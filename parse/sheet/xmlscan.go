package sheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScanner is a small pull tokenizer for the SpreadsheetML parts read on
// the hot path (worksheets, the shared string table). It knows only what
// those parts use: elements, attributes, character data with the five
// predefined entities and character references, CDATA sections, comments,
// processing instructions and a DOCTYPE (skipped). Names are reduced to
// their local part (the namespace prefix is dropped), as excelize's
// encoding/xml matching by local name does.
//
// Memory is bounded: one tag (or comment, CDATA section) must fit in
// maxTag bytes; character data is decoded into the caller's buffer piece
// by piece and never needs to fit in the window.
type xmlScanner struct {
	src    io.Reader
	buf    []byte
	r, w   int
	srcErr error
	maxTag int
	// depth is the element depth after the last tag read.
	depth int
}

var errXMLSyntax = errors.New("xml syntax error")

// tagKind is the kind of markup returned by next.
type tagKind uint8

const (
	tagStart tagKind = iota + 1 // <name ...>
	tagEmpty                    // <name .../>
	tagEnd                      // </name>
	tagCDATA                    // <![CDATA[...]]>: text in tag.text
	tagOther                    // comment, PI, DOCTYPE
)

// xmlTag is one piece of markup. Its slices point into the scanner's window
// and are valid until the next call.
type xmlTag struct {
	kind  tagKind
	name  []byte // local name
	attrs []byte // raw attribute text
	text  []byte // CDATA content
}

func newXMLScanner(src io.Reader, maxTag int) *xmlScanner {
	return &xmlScanner{src: src, buf: make([]byte, 64<<10), maxTag: maxTag}
}

// fill reads more input, keeping the unread bytes; it reports false when no
// byte was added (end of input or a read error, kept in srcErr).
func (s *xmlScanner) fill() bool {
	if s.srcErr != nil {
		return false
	}
	if s.r > 0 {
		n := copy(s.buf, s.buf[s.r:s.w])
		s.r, s.w = 0, n
	}
	if s.w == len(s.buf) {
		if len(s.buf) >= s.maxTag {
			return false
		}
		nb := make([]byte, min(2*len(s.buf), s.maxTag))
		copy(nb, s.buf[:s.w])
		s.buf = nb
	}
	for i := 0; i < 100; i++ {
		n, err := s.src.Read(s.buf[s.w:])
		s.w += n
		if err != nil {
			s.srcErr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.srcErr = io.ErrNoProgress
	return false
}

// readErr is the error for input that ended where more was needed.
func (s *xmlScanner) readErr() error {
	switch {
	case s.srcErr == nil && s.w-s.r >= s.maxTag:
		return fmt.Errorf("%w: xlsx: markup longer than %d bytes", ErrTooLarge, s.maxTag)
	case s.srcErr == nil, s.srcErr == io.EOF:
		return fmt.Errorf("%w: xlsx: %v: unexpected end of part", ErrMalformed, errXMLSyntax)
	}
	return fmt.Errorf("%w: xlsx: %v", ErrMalformed, s.srcErr)
}

// text decodes character data up to the next '<' (not consumed), appending
// it to dst when keep is set, at most limit bytes (over the limit the text
// is still consumed and over is reported). It reports io.EOF at the end of
// input with no text.
func (s *xmlScanner) text(dst []byte, keep bool, limit int) (_ []byte, over bool, err error) {
	for {
		if s.r == s.w {
			if !s.fill() {
				if s.srcErr == io.EOF {
					return dst, over, io.EOF
				}
				return dst, over, s.readErr()
			}
		}
		chunk := s.buf[s.r:s.w]
		i := bytes.IndexByte(chunk, '<')
		end := i
		if end < 0 {
			end = len(chunk)
		}
		if !keep {
			if bytes.IndexByte(chunk[:end], '&') >= 0 && !validEntities(chunk[:end]) {
				return dst, over, fmt.Errorf("%w: xlsx: %v: bad entity", ErrMalformed, errXMLSyntax)
			}
			s.r += end
			if i >= 0 {
				return dst, over, nil
			}
			continue
		}
		// Copy plain runs; handle '&' and '\r' one at a time.
		j := 0
		for j < end {
			k := bytes.IndexAny(chunk[j:end], "&\r")
			if k < 0 {
				dst, over = appendLimited(dst, chunk[j:end], limit, over)
				j = end
				break
			}
			dst, over = appendLimited(dst, chunk[j:j+k], limit, over)
			j += k
			if chunk[j] == '\r' {
				if j+1 == end && i < 0 {
					// Need the next byte to fold "\r\n".
					break
				}
				dst, over = appendLimited(dst, []byte{'\n'}, limit, over)
				j++
				if j < end && chunk[j] == '\n' {
					j++
				}
				continue
			}
			semi := bytes.IndexByte(chunk[j:end], ';')
			if semi < 0 {
				if i < 0 && end-j < 16 {
					break // the reference may continue in the next read
				}
				return dst, over, fmt.Errorf("%w: xlsx: %v: unterminated entity", ErrMalformed, errXMLSyntax)
			}
			r, ok := entity(chunk[j+1 : j+semi])
			if !ok {
				return dst, over, fmt.Errorf("%w: xlsx: %v: bad entity", ErrMalformed, errXMLSyntax)
			}
			var tmp [4]byte
			dst, over = appendLimited(dst, tmp[:utf8.EncodeRune(tmp[:], r)], limit, over)
			j += semi + 1
		}
		s.r += j
		if i >= 0 && j == end {
			return dst, over, nil
		}
		if j < end {
			// A partial "\r" or reference at the end of the window: read more.
			if !s.fill() {
				if s.srcErr == io.EOF {
					return dst, over, fmt.Errorf("%w: xlsx: %v: unexpected end of part", ErrMalformed, errXMLSyntax)
				}
				return dst, over, s.readErr()
			}
		}
	}
}

func appendLimited(dst, b []byte, limit int, over bool) ([]byte, bool) {
	if over || len(dst)+len(b) > limit {
		return dst, true
	}
	return append(dst, b...), false
}

// validEntities checks the references of text that is skipped.
func validEntities(b []byte) bool {
	for {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return true
		}
		semi := bytes.IndexByte(b[i:], ';')
		if semi < 0 {
			return len(b)-i < 16 // may continue in the next window; checked then
		}
		if _, ok := entity(b[i+1 : i+semi]); !ok {
			return false
		}
		b = b[i+semi+1:]
	}
}

// entity decodes the name of a reference (without '&' and ';'), as
// encoding/xml does in strict mode.
func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	if len(name) < 2 || name[0] != '#' {
		return 0, false
	}
	var (
		n   uint64
		err error
	)
	if name[1] == 'x' {
		n, err = strconv.ParseUint(string(name[2:]), 16, 32)
	} else {
		n, err = strconv.ParseUint(string(name[1:]), 10, 32)
	}
	if err != nil || !isXMLChar(rune(n)) || n > utf8.MaxRune {
		return 0, false
	}
	return rune(n), true
}

// isXMLChar reports whether r is allowed in an XML 1.0 document.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// next reads the markup at the current position, which must be '<'.
func (s *xmlScanner) next() (xmlTag, error) {
	for s.w-s.r < 2 {
		if !s.fill() {
			return xmlTag{}, s.readErr()
		}
	}
	b := s.buf[s.r:s.w]
	if b[0] != '<' {
		return xmlTag{}, fmt.Errorf("%w: xlsx: %v", ErrMalformed, errXMLSyntax)
	}
	switch b[1] {
	case '!':
		return s.special()
	case '?':
		end, err := s.find([]byte("?>"), 2)
		if err != nil {
			return xmlTag{}, err
		}
		s.r += end + 2
		return xmlTag{kind: tagOther}, nil
	}
	// Find the closing '>' outside quotes.
	i, quote := 1, byte(0)
	for {
		b = s.buf[s.r:s.w]
		for ; i < len(b); i++ {
			c := b[i]
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '>':
				goto found
			}
		}
		if !s.fill() {
			return xmlTag{}, s.readErr()
		}
	}
found:
	tag := b[1:i]
	s.r += i + 1
	t := xmlTag{kind: tagStart}
	if len(tag) == 0 {
		return xmlTag{}, fmt.Errorf("%w: xlsx: %v: empty tag", ErrMalformed, errXMLSyntax)
	}
	if tag[0] == '/' {
		t.kind = tagEnd
		tag = bytes.TrimRight(tag[1:], " \t\r\n")
	} else if tag[len(tag)-1] == '/' {
		t.kind = tagEmpty
		tag = tag[:len(tag)-1]
	}
	n := 0
	for n < len(tag) && !isSpace(tag[n]) {
		n++
	}
	t.name, t.attrs = tag[:n], tag[n:]
	if n == 0 || (t.kind == tagEnd && n != len(tag)) {
		return xmlTag{}, fmt.Errorf("%w: xlsx: %v: bad tag", ErrMalformed, errXMLSyntax)
	}
	if c := bytes.IndexByte(t.name, ':'); c >= 0 {
		t.name = t.name[c+1:]
	}
	switch t.kind {
	case tagStart:
		s.depth++
	case tagEnd:
		s.depth--
		if s.depth < 0 {
			return xmlTag{}, fmt.Errorf("%w: xlsx: %v: unexpected end element", ErrMalformed, errXMLSyntax)
		}
	}
	return t, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// special reads a comment, CDATA section or DOCTYPE.
func (s *xmlScanner) special() (xmlTag, error) {
	for s.w-s.r < 9 {
		if !s.fill() {
			return xmlTag{}, s.readErr()
		}
	}
	b := s.buf[s.r:s.w]
	switch {
	case bytes.HasPrefix(b, []byte("<!--")):
		end, err := s.find([]byte("-->"), 4)
		if err != nil {
			return xmlTag{}, err
		}
		s.r += end + 3
		return xmlTag{kind: tagOther}, nil
	case bytes.HasPrefix(b, []byte("<![CDATA[")):
		end, err := s.find([]byte("]]>"), 9)
		if err != nil {
			return xmlTag{}, err
		}
		t := xmlTag{kind: tagCDATA, text: s.buf[s.r+9 : s.r+end]}
		s.r += end + 3
		return t, nil
	}
	// <!DOCTYPE ...> possibly with an internal subset in brackets.
	i, bracket := 2, 0
	for {
		b = s.buf[s.r:s.w]
		for ; i < len(b); i++ {
			switch b[i] {
			case '[':
				bracket++
			case ']':
				bracket--
			case '>':
				if bracket <= 0 {
					s.r += i + 1
					return xmlTag{kind: tagOther}, nil
				}
			}
		}
		if !s.fill() {
			return xmlTag{}, s.readErr()
		}
	}
}

// find returns the offset from s.r of sep, searching from offset from.
func (s *xmlScanner) find(sep []byte, from int) (int, error) {
	for {
		if k := bytes.Index(s.buf[s.r+from:s.w], sep); k >= 0 {
			return from + k, nil
		}
		from = max(from, s.w-s.r-len(sep))
		if !s.fill() {
			return 0, s.readErr()
		}
	}
}

// attr returns the value of the attribute with local name name in raw
// attribute text, entity-decoded, and whether it was found.
func attr(attrs []byte, name string) (string, bool) {
	for len(attrs) > 0 {
		attrs = bytes.TrimLeft(attrs, " \t\r\n")
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 {
			return "", false
		}
		key := bytes.TrimRight(attrs[:eq], " \t\r\n")
		rest := bytes.TrimLeft(attrs[eq+1:], " \t\r\n")
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return "", false
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return "", false
		}
		val := rest[1 : 1+end]
		attrs = rest[end+2:]
		if c := bytes.IndexByte(key, ':'); c >= 0 {
			key = key[c+1:]
		}
		if string(key) == name {
			return attrValue(val), true
		}
	}
	return "", false
}

// attrValue decodes an attribute value: references, and white space
// normalized to spaces as XML requires.
func attrValue(v []byte) string {
	if bytes.IndexAny(v, "&\t\r\n") < 0 {
		return string(v)
	}
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch c {
		case '\r':
			if i+1 < len(v) && v[i+1] == '\n' {
				i++
			}
			out = append(out, ' ')
		case '\t', '\n':
			out = append(out, ' ')
		case '&':
			semi := bytes.IndexByte(v[i:], ';')
			if semi < 0 {
				return string(out)
			}
			r, ok := entity(v[i+1 : i+semi])
			if !ok {
				return string(out)
			}
			out = utf8.AppendRune(out, r)
			i += semi
		default:
			out = append(out, c)
		}
	}
	return string(out)
}
