package normalize

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestName(t *testing.T) {
	cases := []struct {
		name, raw, want, code string
	}{
		{"clean", "Anna", "Anna", ""},
		{"two words", "Anna Maria", "Anna Maria", ""},
		{"trimmed", "  Anna ", "Anna", ""},
		{"inner spaces collapsed", "Anna   Maria", "Anna Maria", ""},
		{"tab and newline are spaces", "Anna\tMaria\r\nSmith", "Anna Maria Smith", ""},
		{"nbsp", "Anna\u00a0Maria", "Anna Maria", ""},
		{"control chars removed", "An\x00na\x07", "Anna", ""},
		{"del removed", "Anna\x7f", "Anna", ""},
		{"c1 control removed", "An\u0085na", "An na", ""},
		{"invalid utf8 removed", "Ann\xffa", "Anna", ""},
		{"unicode kept", "Zoë Ångström 山田", "Zoë Ångström 山田", ""},
		{"zwj emoji kept", "Anna 👩\u200d💻", "Anna 👩\u200d💻", ""},
		{"blank", " \t ", "", ""},
		{"200 runes", strings.Repeat("é", 200), strings.Repeat("é", 200), ""},
		{"201 runes", strings.Repeat("é", 201), "", CodeNameTooLong},
		{"200 after collapsing", strings.Repeat("a ", 100) + "   ", strings.TrimSpace(strings.Repeat("a ", 100)), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Name(c.raw)
			if c.code != "" {
				var e *Error
				require.True(t, errors.As(err, &e))
				assert.Equal(t, c.code, e.Code)
				assert.Equal(t, "name", e.Field)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestNameFieldSetsField(t *testing.T) {
	_, err := NameField("lastName", strings.Repeat("x", 201))
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, "lastName", e.Field)
	assert.Equal(t, CodeNameTooLong, e.Code)
	assert.NotContains(t, e.Message, "lastName") // the caller names the column
}

func TestChatID(t *testing.T) {
	cases := []struct {
		name, field, raw, want, code string
	}{
		{"plain", "lineId", "U4af4980629", "U4af4980629", ""},
		{"trimmed", "zaloId", "  12345 \t", "12345", ""},
		{"inner space kept", "weChatUserId", "wx id", "wx id", ""},
		{"blank", "kakaoTalkId", " ", "", ""},
		{"128", "facebookUserId", strings.Repeat("9", 128), strings.Repeat("9", 128), ""},
		{"129", "facebookUserId", strings.Repeat("9", 129), "", CodeChatIDTooLong},
		{"128 runes multibyte", "lineId", strings.Repeat("ü", 128), strings.Repeat("ü", 128), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ChatID(c.field, c.raw)
			if c.code != "" {
				var e *Error
				require.True(t, errors.As(err, &e))
				assert.Equal(t, c.code, e.Code)
				assert.Equal(t, c.field, e.Field)
				assert.NotContains(t, e.Message, c.field) // the caller names the column
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}
