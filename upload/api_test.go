package upload_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/upload"
)

// TestChunkFailuresAreAPIErrors: whatever the target answered is reachable with errors.As, through
// retries, splits and the journal.
func TestChunkFailuresAreAPIErrors(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusInternalServerError} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.WriteHeader(status)
				fmt.Fprintf(w, `{"code":%d,"message":"refused","errorId":"e-1"}`, 1000+status)
			}))
			t.Cleanup(srv.Close)
			for name, u := range map[string]upload.Uploader{
				"8x8":    eightByEight(srv.URL, srv.Client()),
				"koreai": koreAI(srv.URL, srv.Client()),
			} {
				header, rows := canonicalHeader, contactRows(1, 0)
				if name == "koreai" {
					header, rows = upload.KoreAIColumns(), koreRows(1, 0)
				}
				j, err := upload.WithJournal(u, filepath.Join(t.TempDir(), upload.JournalFileName), "k")
				require.NoError(t, err)
				_, err = j.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, header, rows))
				require.NoError(t, j.Close())
				var api *upload.APIError
				require.ErrorAs(t, err, &api, name)
				assert.Equal(t, status, api.Status, name)
				assert.Equal(t, 1000+status, api.Code, name)
				assert.Equal(t, "e-1", api.ErrorID, name)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	var typedNil *upload.EightByEight
	var typedNilKore *upload.KoreAI
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		u    upload.Uploader
		ok   bool
	}{
		{"nil", nil, false},
		{"typed nil 8x8", typedNil, false},
		{"typed nil kore", typedNilKore, false},
		{"dir", upload.Dir{Path: dir}, true},
		{"missing dir", upload.Dir{Path: filepath.Join(dir, "nope")}, false},
		{"no dir", upload.Dir{}, false},
		{"bad account id", &upload.EightByEight{Client: upload.Client{APIKey: "k", AccountID: "x"}}, false},
		{"plain http", &upload.EightByEight{Client: upload.Client{APIKey: "k", AccountID: testAccount, BaseURL: "http://example.com"}}, false},
		{"good 8x8", &upload.EightByEight{Client: upload.Client{APIKey: "k", AccountID: testAccount}}, true},
		{"kore without stream", &upload.KoreAI{BaseURL: "https://k.example.com", AccountID: "a", JWT: "t"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := upload.Check(tc.u)
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, upload.ErrInvalidConfig)
		})
	}
	// A journaled uploader checks the one it wraps.
	j, err := upload.WithJournal(upload.Dir{Path: filepath.Join(dir, "nope")}, filepath.Join(dir, upload.JournalFileName), "k")
	require.NoError(t, err)
	t.Cleanup(func() { _ = j.Close() })
	var v upload.Validator = j
	assert.ErrorIs(t, v.Validate(), upload.ErrInvalidConfig)
	assert.ErrorIs(t, upload.Check(j.Uploader()), upload.ErrInvalidConfig)
}

func TestGlobalsAreCopies(t *testing.T) {
	upload.Regions()["apac"] = "https://evil.example.com"
	assert.Equal(t, "https://contacts.8x8.com", upload.Regions()["apac"])
	cols := upload.KoreAIColumns()
	cols[0] = "x"
	assert.Equal(t, "firstName", upload.KoreAIColumns()[0])
	assert.Len(t, upload.Regions(), 4)
}
