package upload_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestErrorNamesOperationOnce: an error that went through the retry loop names the target and
// operation once, whatever the attempts' own errors said (audit2.md 14.1g).
func TestErrorNamesOperationOnce(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + l.Addr().String()
	require.NoError(t, l.Close())

	// Every request fails with 500: the create is sent each time, and the batch looked for
	// (list batches) is not found, until the attempts run out.
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"items":[],"page":1,"totalPages":0}`))
			return
		}
		http.Error(w, `{"code":"E500","message":"boom"}`, http.StatusInternalServerError)
	}))
	t.Cleanup(failing.Close)
	// Every request fails with 500, the lookup too: the chunk is in doubt.
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"code":"E500","message":"boom"}`, http.StatusInternalServerError)
	}))
	t.Cleanup(broken.Close)

	for _, tc := range []struct {
		name, base string
		want       string // the whole message
	}{
		{"connection refused", closed,
			`^upload: 8x8 create batch: gave up after 3 attempts: Post "http://127\.0\.0\.1:[0-9]+/[^"]*": dial tcp 127\.0\.0\.1:[0-9]+: connect: connection refused$`},
		{"server error", failing.URL,
			`^upload: 8x8 create batch: gave up after 3 attempts: status 500: \{"code":"E500","message":"boom"\}$`},
		{"in doubt", broken.URL,
			`^upload: chunk in doubt: 8x8 create batch: the request was sent but no answer came back, and looking for its batch failed: ` +
				`upload: 8x8 list batches: gave up after 3 attempts: status 500: \{"code":"E500","message":"boom"\} ` +
				`\(first error: status 500: \{"code":"E500","message":"boom"\}\)$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := eightByEight(tc.base, nil)
			u.Retry.MaxAttempts = 3
			c := writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(2, 0))
			_, err := u.Upload(context.Background(), c)
			require.Error(t, err)
			msg := err.Error()
			assert.Regexp(t, regexp.MustCompile(tc.want), msg)
			assert.Equal(t, 1, strings.Count(msg, "create batch"), "%s", msg)
			assert.Equal(t, 1, strings.Count(msg, "upload: 8x8 create batch")+strings.Count(msg, "upload: chunk in doubt: 8x8 create batch"), "%s", msg)
		})
	}
}
