package upload_test

import (
	"io"
	"math/bits"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/upload"
)

// TestAlways413ErrorStaysSmall: a server that refuses every size makes the splitter halve a chunk
// down to one row. The error it returns must grow with the number of halvings, not double at each
// one: the second half that is not sent used to repeat the whole error of the first, so a
// 30,000-row chunk gave a 16,389-line, 5 MB message (written to report.json and the journal too),
// and a full 29 MB chunk would have given hundreds of megabytes.
func TestAlways413ErrorStaysSmall(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusRequestEntityTooLarge)
	}))
	t.Cleanup(srv.Close)
	const rows = 30_000
	for _, u := range []upload.Uploader{eightByEight(srv.URL, srv.Client()), koreAI(srv.URL, srv.Client())} {
		header, data := canonicalHeader, contactRows(rows, 0)
		if _, ok := u.(upload.Columner); ok {
			header, data = upload.KoreAIColumns(), koreRows(rows, 0)
		}
		res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, header, data))
		require.ErrorIs(t, err, upload.ErrFileTooLarge)
		var api *upload.APIError
		require.ErrorAs(t, err, &api, "the server's answer is still in the error")
		assert.Zero(t, res.Landed)
		msg := err.Error()
		depth := bits.Len(rows)
		assert.LessOrEqual(t, strings.Count(msg, "\n")+1, 2*depth, "one line or two per halving")
		assert.Less(t, len(msg), 400*depth, "the message grows with the halvings, not with 2^halvings")
		assert.Equal(t, 1, strings.Count(msg, "a single row"), "the cause is said once")
	}
}
