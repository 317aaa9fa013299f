package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field limits of the API, in characters (runes).
const (
	MaxNameLength   = 200
	MaxChatIDLength = 128
)

// Name normalizes a name (firstName, lastName): control characters are
// removed, runs of white space (tabs and line breaks included) become one
// space, and the ends are trimmed. A result longer than 200 characters is
// an *Error with Code CodeNameTooLong and Field "name"; use NameField to
// name the column.
func Name(raw string) (string, error) {
	return NameField("name", raw)
}

// NameField is Name with the API field name of the column ("firstName",
// "lastName") used in the error.
func NameField(field, raw string) (string, error) {
	s := cleanName(raw)
	if len(s) > MaxNameLength && utf8.RuneCountInString(s) > MaxNameLength { // a rune has at least a byte
		return "", newError(field, CodeNameTooLong,
			"too long: more than 200 characters; shorten it")
	}
	return s, nil
}

// cleanName returns raw unchanged (no allocation) when it is already clean.
func cleanName(raw string) string {
	clean := true
	prevSpace := true               // a leading space is not clean
	for i := 0; i < len(raw); i++ { // ASCII first, a byte at a time
		c := raw[i]
		if c >= utf8.RuneSelf {
			clean = cleanRunes(raw[i:], prevSpace)
			prevSpace = false // the rest decides whether the end is a space
			if clean && raw[len(raw)-1] == ' ' {
				prevSpace = true
			}
			break
		}
		switch {
		case c == ' ':
			if prevSpace {
				clean = false
			}
			prevSpace = true
		case c < ' ' || c == 0x7f: // a control character (tabs and line breaks too)
			clean = false
		default:
			prevSpace = false
		}
		if !clean {
			break
		}
	}
	if clean && !prevSpace || raw == "" {
		return raw
	}
	return rebuildName(raw)
}

// cleanRunes reports whether s, the rest of a name after prevSpace (whether the byte before was a
// space), has no control character, no blank but single spaces between other runes and no
// invalid UTF-8; a trailing space is left to the caller.
func cleanRunes(s string, prevSpace bool) bool {
	for _, r := range s {
		switch {
		case r == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
		case isBlank(r) || unicode.IsControl(r) || r == utf8.RuneError:
			return false
		default:
			prevSpace = false
		}
	}
	return true
}

// rebuildName is cleanName of a name that is not clean: a new string.
func rebuildName(raw string) string {
	var b strings.Builder
	b.Grow(len(raw))
	pending := false
	for _, r := range raw {
		switch {
		case isBlank(r):
			pending = b.Len() > 0
		case unicode.IsControl(r) || r == utf8.RuneError:
			// removed
		default:
			if pending {
				b.WriteByte(' ')
				pending = false
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ChatID normalizes a chat id (weChatUserId, facebookUserId, zaloId,
// lineId, kakaoTalkId): blanks trimmed. A result longer than 128
// characters is an *Error with Code CodeChatIDTooLong whose Field is field.
func ChatID(field, raw string) (string, error) {
	s := trimBlank(raw)
	if len(s) > MaxChatIDLength && utf8.RuneCountInString(s) > MaxChatIDLength {
		return "", newError(field, CodeChatIDTooLong,
			"too long for a chat id: more than 128 characters; correct the cell")
	}
	return s, nil
}
