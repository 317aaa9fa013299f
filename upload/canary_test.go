package upload_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/contactsim"
	"github.com/contactpipe/contactpipe/upload"
)

// TestCanarySecretsNeverLeak plants recognisable secrets as the 8x8 key, the Kore.ai client secret
// and a Kore.ai token, runs uploads that succeed, retry through faults, get refused and meet a
// server that echoes credentials, and greps every output: logs (debug level), errors, results,
// stats and the journal.
func TestCanarySecretsNeverLeak(t *testing.T) {
	const (
		key    = "CANARY-8x8-key-5d1f0e"
		secret = "CANARY-kore-secret-91ab"
	)
	token, err := upload.MintKoreAIJWT("cs-canary", secret, nil, 0, time.Now())
	require.NoError(t, err)
	canaries := []string{key, secret, token}

	var logs logBuffer
	var outputs []string
	record := func(res upload.Result, err error) {
		b, _ := json.Marshal(res)
		outputs = append(outputs, string(b), fmt.Sprintf("%+v", res))
		if err != nil {
			outputs = append(outputs, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		}
	}
	sim, srv := startSim(t, contactsim.Options{APIKey: key, KoreSecret: secret,
		Faults: contactsim.Faults{Error: 0.3, RateLimit: 0.1, ResetAfter: 0.2}, Seed: 3})
	// A broken server that echoes the credentials it was sent in its error message.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"code":1,"message":"bad key %s / %s"}`, r.Header.Get("Authorization"), r.Header.Get("auth"))
	}))
	t.Cleanup(echo.Close)
	dir := t.TempDir()
	stats := new(upload.Stats)
	retry := upload.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, MaxAttempts: 12}

	mk8 := func(base, k string) *upload.EightByEight {
		return &upload.EightByEight{
			Client: upload.Client{BaseURL: base, APIKey: k, AccountID: testAccount, HTTPClient: srv.Client(),
				Logger: debugLogger(&logs), Retry: retry, Stats: stats},
			Poll: fastPoll,
		}
	}
	j, err := upload.WithJournal(mk8(srv.URL, key), filepath.Join(dir, upload.JournalFileName), "canary")
	require.NoError(t, err)
	j.Logger = debugLogger(&logs)
	for i := 1; i <= 4; i++ {
		record(j.Upload(t.Context(), writeChunk(t, dir, i, canonicalHeader, rejectRows())))
	}
	require.NoError(t, j.Close())
	record(mk8(srv.URL, key+"-wrong").Upload(t.Context(), writeChunk(t, dir, 5, canonicalHeader, contactRows(1, 0))))
	record(mk8(echo.URL, key).Upload(t.Context(), writeChunk(t, dir, 6, canonicalHeader, contactRows(1, 0))))
	_, err = mk8(srv.URL, key).BatchStatus(t.Context(), "missing")
	record(upload.Result{}, err)

	mkKore := func(base, jwt, sec string) *upload.KoreAI {
		return &upload.KoreAI{BaseURL: base, StreamID: "st", AccountID: "a", JWT: jwt, ClientID: "cs-canary", ClientSecret: sec,
			HTTPClient: srv.Client(), Logger: debugLogger(&logs), Retry: retry, Stats: stats}
	}
	record(mkKore(srv.URL, "", secret).Upload(t.Context(), writeChunk(t, dir, 7, upload.KoreAIColumns, koreRows(3, 0))))
	record(mkKore(srv.URL, token, "").Upload(t.Context(), writeChunk(t, dir, 8, upload.KoreAIColumns, koreRows(3, 10))))
	record(mkKore(srv.URL, "", secret+"-wrong").Upload(t.Context(), writeChunk(t, dir, 9, upload.KoreAIColumns, koreRows(1, 20))))
	record(mkKore(echo.URL, token, "").Upload(t.Context(), writeChunk(t, dir, 10, upload.KoreAIColumns, koreRows(1, 30))))

	snap, _ := json.Marshal(stats.Snapshot())
	outputs = append(outputs, string(snap))
	journal, err := os.ReadFile(filepath.Join(dir, upload.JournalFileName))
	require.NoError(t, err)
	outputs = append(outputs, string(journal), logs.String())

	require.NotEmpty(t, logs.String())
	require.Positive(t, sim.Stats().Faults(), "the run went through retries")
	assert.Contains(t, strings.Join(outputs, "\n"), "[redacted]", "an echoed secret was caught")
	for _, o := range outputs {
		for _, c := range canaries {
			// Whole, and the distinctive tail, so a truncated copy is caught too.
			assert.NotContains(t, o, c)
			assert.NotContains(t, o, c[len(c)-12:])
		}
	}
}
