package upload_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
	// Broken servers that echo the credentials they were sent: in a JSON error message, and in a
	// plain-text body where the credential straddles byte 200 (where error excerpts are cut).
	// Every token they see (minted ones included) becomes a canary.
	var seenMu sync.Mutex
	var seen []string
	sawCredential := func(r *http.Request) (bearer, auth string) {
		bearer, auth = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "), r.Header.Get("auth")
		seenMu.Lock()
		defer seenMu.Unlock()
		for _, s := range []string{bearer, auth} {
			if s != "" {
				seen = append(seen, s)
			}
		}
		return bearer, auth
	}
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bearer, auth := sawCredential(r)
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"code":1,"message":"bad key Bearer %s / %s","errorId":"%s%s"}`, bearer, auth, bearer, auth)
	}))
	t.Cleanup(echo.Close)
	echoText := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bearer, auth := sawCredential(r)
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "%s%s%s trailing text", strings.Repeat("x", 186), bearer, auth)
	}))
	t.Cleanup(echoText.Close)
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
	record(mk8(echoText.URL, key).Upload(t.Context(), writeChunk(t, dir, 61, canonicalHeader, contactRows(1, 0))))
	_, err = mk8(srv.URL, key).BatchStatus(t.Context(), "missing")
	record(upload.Result{}, err)

	mkKore := func(base, jwt, sec string) *upload.KoreAI {
		return &upload.KoreAI{BaseURL: base, StreamID: "st", AccountID: "a", JWT: jwt, ClientID: "cs-canary", ClientSecret: sec,
			HTTPClient: srv.Client(), Logger: debugLogger(&logs), Retry: retry, Stats: stats}
	}
	record(mkKore(srv.URL, "", secret).Upload(t.Context(), writeChunk(t, dir, 7, upload.KoreAIColumns(), koreRows(3, 0))))
	record(mkKore(srv.URL, token, "").Upload(t.Context(), writeChunk(t, dir, 8, upload.KoreAIColumns(), koreRows(3, 10))))
	record(mkKore(srv.URL, "", secret+"-wrong").Upload(t.Context(), writeChunk(t, dir, 9, upload.KoreAIColumns(), koreRows(1, 20))))
	record(mkKore(echo.URL, token, "").Upload(t.Context(), writeChunk(t, dir, 10, upload.KoreAIColumns(), koreRows(1, 30))))
	// A minted token echoed back must be redacted like the static one.
	record(mkKore(echo.URL, "", secret).Upload(t.Context(), writeChunk(t, dir, 11, upload.KoreAIColumns(), koreRows(1, 40))))
	record(mkKore(echoText.URL, "", secret).Upload(t.Context(), writeChunk(t, dir, 12, upload.KoreAIColumns(), koreRows(1, 50))))

	snap, _ := json.Marshal(stats.Snapshot())
	outputs = append(outputs, string(snap))
	journal, err := os.ReadFile(filepath.Join(dir, upload.JournalFileName))
	require.NoError(t, err)
	outputs = append(outputs, string(journal), logs.String())

	seenMu.Lock()
	require.Len(t, seen, 5, "the echo servers saw every credential")
	canaries = append(canaries, seen...)
	seenMu.Unlock()
	require.NotEmpty(t, logs.String())
	require.Positive(t, sim.Stats().Faults(), "the run went through retries")
	assert.Contains(t, strings.Join(outputs, "\n"), "[redacted]", "an echoed secret was caught")
	for _, o := range outputs {
		for _, c := range canaries {
			// Whole, and its distinctive head and tail, so a cut copy is caught too.
			assert.NotContains(t, o, c)
			assert.NotContains(t, o, c[len(c)-12:])
			if !strings.HasPrefix(c, "eyJ") { // every JWT starts with the same header
				assert.NotContains(t, o, c[:12])
			}
		}
	}
}
