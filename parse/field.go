package parse

import (
	"strconv"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Field is a contact field a column can map to: the fields of the 8x8 Contacts API, plus Salutation
// for Kore.ai.
type Field int

// The contact fields, in the order of Record.Values.
const (
	Msisdn Field = iota
	FirstName
	LastName
	ExternalID
	Country
	Email
	WeChatUserID
	FacebookUserID
	ZaloID
	LineID
	KakaoTalkID
	Salutation
	NumFields // count, not a field
)

var fieldNames = [NumFields]string{
	Msisdn:         "msisdn",
	FirstName:      "firstName",
	LastName:       "lastName",
	ExternalID:     "externalId",
	Country:        "country",
	Email:          "email",
	WeChatUserID:   "weChatUserId",
	FacebookUserID: "facebookUserId",
	ZaloID:         "zaloId",
	LineID:         "lineId",
	KakaoTalkID:    "kakaoTalkId",
	Salutation:     "salutation",
}

// String returns the field's API name ("msisdn", "firstName", …), or "Field(n)" for a value out of range.
func (f Field) String() string {
	if f >= 0 && f < NumFields {
		return fieldNames[f]
	}
	return "Field(" + strconv.Itoa(int(f)) + ")"
}

// FieldByName looks a field up by its API name ("msisdn", "firstName", …), ignoring case, spaces,
// '_' and '-': "first_name", "FIRST NAME" and "First-Name" all find FirstName. It is meant for
// Options.Columns; header rows are mapped by MapHeader, which also knows the names used by exports.
func FieldByName(name string) (Field, bool) {
	var buf [64]byte
	key := fieldKey(buf[:0], name)
	for f, n := range fieldNames {
		if len(key) == len(n) && equalFoldASCII(key, n) {
			return Field(f), true
		}
	}
	return 0, false
}

// fieldKey appends to dst the lower-cased letters and digits of name, dropping everything else
// (spaces, '_', '-', '.', '#', '/', parentheses …). Accents are folded ("Telefon geschäftlich" →
// "telefongeschaftlich", "Téléphone" → "telephone"; ß → ss, æ → ae, ø → o, ł → l, ı → i); letters
// of other scripts (電話番号, 이메일) are kept as they are.
func fieldKey(dst []byte, name string) []byte {
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'A' && c <= 'Z':
			dst = append(dst, c+'a'-'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			dst = append(dst, c)
		case c >= utf8.RuneSelf:
			return foldKey(dst, name[i:])
		}
	}
	return dst
}

// foldKey is fieldKey for text with non-ASCII characters.
func foldKey(dst []byte, name string) []byte {
	for _, r := range norm.NFD.String(name) {
		switch {
		case r < utf8.RuneSelf:
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				dst = append(dst, byte(r))
			}
		case unicode.Is(unicode.Mn, r): // a combining accent
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if f, ok := foldSpecial[r]; ok {
				dst = append(dst, f...)
			} else {
				dst = utf8.AppendRune(dst, unicode.ToLower(r))
			}
		}
	}
	return dst
}

// foldSpecial folds the Latin letters that do not decompose into a base letter and an accent.
var foldSpecial = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'ø': "o", 'Ø': "o", 'œ': "oe", 'Œ': "oe",
	'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'þ': "th", 'Þ': "th", 'ı': "i",
}

// equalFoldASCII reports whether the lower-case key equals name under ASCII case folding.
func equalFoldASCII(key []byte, name string) bool {
	for i := range key {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if key[i] != c {
			return false
		}
	}
	return true
}
