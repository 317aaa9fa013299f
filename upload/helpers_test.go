package upload_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/contactsim"
	"github.com/contactpipe/contactpipe/upload"
)

const testAccount = contactsim.DefaultAccountID

var canonicalHeader = []string{"msisdn", "firstName", "lastName", "email"}

// writeChunk writes a chunk file with header and rows into dir and describes it.
func writeChunk(t testing.TB, dir string, index int, header []string, rows [][]string) upload.Chunk {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	require.NoError(t, w.Write(header))
	require.NoError(t, w.WriteAll(rows))
	path := filepath.Join(dir, fmt.Sprintf("tmp-chunk-%04d.csv", index))
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o600))
	sum := sha256.Sum256(buf.Bytes())
	return upload.Chunk{Index: index, Path: path, Header: header, Rows: len(rows), Bytes: int64(buf.Len()), SHA256: hex.EncodeToString(sum[:])}
}

// contactRows returns n canonical rows with distinct phones starting at base.
func contactRows(n, base int) [][]string {
	rows := make([][]string, n)
	for i := range rows {
		k := base + i
		rows[i] = []string{fmt.Sprintf("+6591%06d", k), fmt.Sprintf("First%d", k), fmt.Sprintf("Last%d", k), fmt.Sprintf("p%d@example.com", k)}
	}
	return rows
}

// koreRows returns n Kore.ai rows with distinct phones starting at base.
func koreRows(n, base int) [][]string {
	rows := make([][]string, n)
	for i := range rows {
		k := base + i
		rows[i] = []string{fmt.Sprintf("First%d", k), fmt.Sprintf("Last%d", k), "Mr", fmt.Sprintf("98%08d", k), "+91", ""}
	}
	return rows
}

// startSim serves a simulator over loopback TCP.
func startSim(t testing.TB, opts contactsim.Options) (*contactsim.Server, *httptest.Server) {
	t.Helper()
	if opts.QueueDelay == 0 {
		opts.QueueDelay = 5 * time.Millisecond
	}
	if opts.ProcessDelay == 0 {
		opts.ProcessDelay = 5 * time.Millisecond
	}
	sim := contactsim.New(opts)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv
}

// fastPoll follows batches quickly in real-time tests.
var fastPoll = upload.PollPolicy{Initial: 2 * time.Millisecond, Max: 10 * time.Millisecond, Timeout: 10 * time.Second}

// fastRetry retries quickly in real-time tests.
var fastRetry = upload.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}

// logBuffer is a concurrency-safe log sink.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func debugLogger(w *logBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// eightByEight returns an uploader for the simulator at base.
func eightByEight(base string, hc *http.Client) *upload.EightByEight {
	return &upload.EightByEight{
		Client: upload.Client{BaseURL: base, APIKey: contactsim.DefaultAPIKey, AccountID: testAccount, HTTPClient: hc, Retry: fastRetry},
		Poll:   fastPoll,
	}
}

// koreAI returns a Kore.ai uploader for the simulator at base that mints its tokens.
func koreAI(base string, hc *http.Client) *upload.KoreAI {
	return &upload.KoreAI{
		BaseURL: base, StreamID: "st-1", AccountID: "acct-1",
		ClientID: "cs-client", ClientSecret: contactsim.DefaultKoreSecret,
		HTTPClient: hc, Retry: fastRetry,
	}
}
