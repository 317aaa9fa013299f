package parse

import (
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// decMode is how record bytes become text.
type decMode uint8

const (
	decUTF8        decMode = iota // bytes are UTF-8; invalid sequences reject the row
	decWindows1252                // bytes are Windows-1252, decoded per record
	decTransformed                // bytes were decoded by an x/text decoder; U+FFFD in them rejects the row
)

// Encoding names reported by Source.Encoding.
const (
	EncodingUTF8        = "utf-8"
	EncodingUTF16LE     = "utf-16le"
	EncodingUTF16BE     = "utf-16be"
	EncodingWindows1252 = "windows-1252"
)

// win1252 is Windows-1252 decoded by x/text, one rune per byte (U+FFFD for the five undefined bytes).
var win1252 = func() (t [256]rune) {
	for i := range t {
		t[i] = charmap.Windows1252.DecodeByte(byte(i))
	}
	return t
}()

// encodingChoice is the result of detection or of Options.Encoding.
type encodingChoice struct {
	name   string            // as reported by Source.Encoding
	mode   decMode           // how records are decoded
	dec    encoding.Encoding // for decTransformed
	bom    int               // bytes of byte order mark to drop
	forced bool              // from Options.Encoding: never switch
}

// chooseEncoding applies Options.Encoding (name != "") or detects the encoding from the first
// bytes of the input (head; atEOF if head is all of it).
func chooseEncoding(name string, head []byte, atEOF bool) (encodingChoice, error) {
	bom := bomOf(head)
	if name != "" {
		var kb [32]byte
		switch string(fieldKey(kb[:0], name)) {
		case "utf8":
			return encodingChoice{name: EncodingUTF8, mode: decUTF8, bom: pick(bom.name == EncodingUTF8, bom.n), forced: true}, nil
		case "utf16le":
			return utf16Choice(EncodingUTF16LE, pick(bom.name == EncodingUTF16LE, bom.n), true), nil
		case "utf16be":
			return utf16Choice(EncodingUTF16BE, pick(bom.name == EncodingUTF16BE, bom.n), true), nil
		case "utf16":
			if bom.name == EncodingUTF16BE {
				return utf16Choice(EncodingUTF16BE, bom.n, true), nil
			}
			return utf16Choice(EncodingUTF16LE, pick(bom.name == EncodingUTF16LE, bom.n), true), nil
		case "windows1252", "cp1252", "latin1", "iso88591", "l1", "ansi":
			// Like browsers (WHATWG), Latin-1 is read as its superset Windows-1252: files labelled
			// Latin-1 almost always are Windows-1252, and the difference is only in 0x80–0x9F.
			return encodingChoice{name: EncodingWindows1252, mode: decWindows1252, forced: true}, nil
		}
		enc, err := htmlindex.Get(strings.TrimSpace(name))
		if err != nil {
			return encodingChoice{}, detail("unknown encoding "+stringsQuote(name)+
				" (known: utf-8, utf-16le, utf-16be, windows-1252, latin1, and the WHATWG names)", ErrUnknownEncoding)
		}
		canonical, _ := htmlindex.Name(enc)
		return encodingChoice{name: canonical, mode: decTransformed, dec: enc, forced: true}, nil
	}
	switch bom.name {
	case EncodingUTF8:
		return encodingChoice{name: EncodingUTF8, mode: decUTF8, bom: bom.n}, nil
	case EncodingUTF16LE, EncodingUTF16BE:
		return utf16Choice(bom.name, bom.n, false), nil
	}
	if le, ok := looksUTF16(head); ok {
		if le {
			return utf16Choice(EncodingUTF16LE, 0, false), nil
		}
		return utf16Choice(EncodingUTF16BE, 0, false), nil
	}
	// Any valid multi-byte UTF-8 sequence means UTF-8: read as Windows-1252 it would be mojibake
	// ("MÃ¼ller"), which nobody writes on purpose. Invalid bytes in such a file reject their rows.
	// Only invalid bytes and no valid sequence mean Windows-1252.
	if multi, invalid := utf8Stats(head, atEOF); invalid == 0 || multi > 0 {
		return encodingChoice{name: EncodingUTF8, mode: decUTF8}, nil
	}
	return encodingChoice{name: EncodingWindows1252, mode: decWindows1252}, nil
}

// utf8Stats counts the valid multi-byte UTF-8 sequences and the invalid bytes in b, ignoring a rune
// cut at the end when !atEOF.
func utf8Stats(b []byte, atEOF bool) (multi, invalid int) {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		if !atEOF && !utf8.FullRune(b[i:]) {
			break
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			invalid++
		} else {
			multi++
		}
		i += n
	}
	return multi, invalid
}

func pick(ok bool, n int) int {
	if ok {
		return n
	}
	return 0
}

func stringsQuote(s string) string {
	if len(s) > 40 {
		s = s[:40]
	}
	return "\"" + strings.ToValidUTF8(s, "?") + "\""
}

func utf16Choice(name string, bom int, forced bool) encodingChoice {
	endian := unicode.LittleEndian
	if name == EncodingUTF16BE {
		endian = unicode.BigEndian
	}
	return encodingChoice{name: name, mode: decTransformed, dec: unicode.UTF16(endian, unicode.IgnoreBOM), bom: bom, forced: forced}
}

type bomInfo struct {
	name string
	n    int
}

func bomOf(b []byte) bomInfo {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return bomInfo{EncodingUTF8, 3}
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0, 0}):
		return bomInfo{"utf-32le", 4}
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return bomInfo{EncodingUTF16LE, 2}
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return bomInfo{EncodingUTF16BE, 2}
	case bytes.HasPrefix(b, []byte{0, 0, 0xFE, 0xFF}):
		return bomInfo{"utf-32be", 4}
	}
	return bomInfo{}
}

// looksUTF16 recognizes UTF-16 without a byte order mark: mostly-ASCII text has a zero byte in every
// other position. le reports the byte order.
func looksUTF16(b []byte) (le, ok bool) {
	n := min(len(b), 1024) &^ 1
	if n < 4 {
		return false, false
	}
	var zeroEven, zeroOdd int
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			zeroEven++
		}
		if b[i+1] == 0 {
			zeroOdd++
		}
	}
	pairs := n / 2
	switch {
	case zeroOdd*10 >= pairs*4 && zeroEven*20 <= pairs:
		return true, true
	case zeroEven*10 >= pairs*4 && zeroOdd*20 <= pairs:
		return false, true
	}
	return false, false
}

// textInput returns the reader of text for the scanner: r itself for UTF-8 and Windows-1252 (decoded
// per record), or r through the x/text decoder.
func (c encodingChoice) textInput(r io.Reader) io.Reader {
	if c.mode == decTransformed {
		return transform.NewReader(r, c.dec.NewDecoder())
	}
	return r
}

// decoder turns a record's bytes into text. It is owned by the Source's goroutine.
type decoder struct {
	mode        decMode
	name        string
	forced      bool
	sawNonASCII bool   // UTF-8 mode: some record had valid non-ASCII UTF-8
	scratch     []byte // Windows-1252 output
}

// decode returns the text of rec, as UTF-8 bytes, and remaps ends (field end offsets) when the
// text is longer than the bytes. bad is the offset in rec of the first byte that cannot be decoded,
// or -1; text is then the bytes as they are. text is rec itself or the decoder's scratch buffer:
// valid until the next call.
func (d *decoder) decode(rec []byte, ends []int) (text []byte, bad int) {
	switch d.mode {
	case decUTF8:
		if isASCII(rec) {
			return rec, -1
		}
		bad := invalidUTF8At(rec, ends)
		if bad < 0 {
			d.sawNonASCII = true
			return rec, -1
		}
		if d.forced || d.sawNonASCII {
			return rec, bad
		}
		// Every record so far was ASCII, which reads the same in Windows-1252: the file is not UTF-8
		// after all (an old Excel export whose first non-ASCII letter comes late). Switch for good.
		d.mode, d.name = decWindows1252, EncodingWindows1252
		return d.decode(rec, ends)
	case decWindows1252:
		if isASCII(rec) {
			return rec, -1
		}
		return d.decode1252(rec, ends)
	default:
		if i := bytes.Index(rec, []byte("\uFFFD")); i >= 0 {
			return rec, i
		}
		return rec, -1
	}
}

func (d *decoder) decode1252(rec []byte, ends []int) ([]byte, int) {
	for i, c := range rec {
		if win1252[c] == utf8.RuneError {
			return rec, i
		}
	}
	out := d.scratch[:0]
	field, shift := 0, 0
	for i, c := range rec {
		for field < len(ends) && ends[field] == i {
			ends[field] += shift
			field++
		}
		if c < utf8.RuneSelf {
			out = append(out, c)
			continue
		}
		n := len(out)
		out = utf8.AppendRune(out, win1252[c])
		shift += len(out) - n - 1
	}
	for ; field < len(ends); field++ {
		ends[field] += shift
	}
	d.scratch = out
	return out, -1
}

// isASCII reports whether b has no byte ≥ 0x80, eight bytes at a time.
func isASCII(b []byte) bool {
	for len(b) >= 8 {
		v := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		if v&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// validUTF8 is utf8.Valid, which reads a byte at a time once it meets a multi-byte rune, reading
// the ASCII runs after it eight bytes at a time too: a record's letters with accents are few and
// far between.
func validUTF8(b []byte) bool {
	for len(b) > 0 {
		for len(b) >= 8 && binary.LittleEndian.Uint64(b)&0x8080808080808080 == 0 {
			b = b[8:]
		}
		if len(b) == 0 {
			break
		}
		if b[0] < utf8.RuneSelf {
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return false
		}
		b = b[n:]
	}
	return true
}

// invalidUTF8At returns the offset of the first byte of rec that is not valid UTF-8 within its
// field, or -1. Fields are concatenated in rec, so a sequence cut at the end of one field and
// continued at the start of the next ("\xce" + "\x95") is invalid although rec looks valid.
func invalidUTF8At(rec []byte, ends []int) int {
	if validUTF8(rec) {
		// Valid as a whole: a field is invalid only where a sequence runs across its end, which is
		// then not the start of a rune.
		cut := false
		for _, e := range ends {
			if e > 0 && e < len(rec) && !utf8.RuneStart(rec[e]) {
				cut = true
				break
			}
		}
		if !cut {
			return -1
		}
	}
	start := 0
	for _, e := range ends {
		if e > len(rec) || e < start {
			break
		}
		f := rec[start:e]
		if !utf8.Valid(f) {
			for i := 0; i < len(f); {
				r, n := utf8.DecodeRune(f[i:])
				if r == utf8.RuneError && n <= 1 {
					return start + i
				}
				i += n
			}
		}
		start = e
	}
	return -1
}
