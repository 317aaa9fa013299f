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
	if utf8.RuneCountInString(s) > MaxNameLength {
		return "", newError(field, CodeNameTooLong,
			"too long: more than 200 characters; shorten it")
	}
	return s, nil
}

// cleanName returns raw unchanged (no allocation) when it is already clean.
func cleanName(raw string) string {
	clean := true
	prevSpace := true // a leading space is not clean
	for _, r := range raw {
		switch {
		case r == ' ':
			if prevSpace {
				clean = false
			}
			prevSpace = true
		case isBlank(r) || unicode.IsControl(r) || r == utf8.RuneError:
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
	if utf8.RuneCountInString(s) > MaxChatIDLength {
		return "", newError(field, CodeChatIDTooLong,
			"too long for a chat id: more than 128 characters; correct the cell")
	}
	return s, nil
}
