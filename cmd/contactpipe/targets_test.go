package main

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe"
	"github.com/contactpipe/contactpipe/internal/contactsim"
	"github.com/contactpipe/contactpipe/upload"
)

// simServer serves a fast simulator over loopback TCP.
func simServer(t *testing.T, opts contactsim.Options) (*contactsim.Server, string) {
	t.Helper()
	if opts.QueueDelay == 0 {
		opts.QueueDelay = time.Millisecond
	}
	if opts.ProcessDelay == 0 {
		opts.ProcessDelay = time.Millisecond
	}
	sim := contactsim.New(opts)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

// writeContacts writes a CSV of n contacts with distinct valid phones.
func writeContacts(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("phone,first name,last name\n")
	for i := range n {
		fmt.Fprintf(&b, "+6591%06d,First%d,Last%d\n", i, i, i)
	}
	path := filepath.Join(t.TempDir(), "people.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	return path
}

func eightByEightArgs(base, out string) []string {
	return []string{"import", "-target", "8x8", "-base-url", base, "-account-id", contactsim.DefaultAccountID, "-out", out}
}

func TestImportTo8x8(t *testing.T) {
	sim, base := simServer(t, contactsim.Options{})
	t.Setenv(envAPIKey, contactsim.DefaultAPIKey)
	out := t.TempDir()
	args := append(eightByEightArgs(base, out), "-groups", "7", "-max-chunk-rows", "5", writeContacts(t, 12))
	code, stdout, stderr := runCLI(t, "", args...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "8x8: 12 of 12 accepted rows landed")
	rep := readReport(t, out)
	assert.Equal(t, 12, rep.Landed)
	require.Len(t, rep.Chunks, 3)
	for _, c := range rep.Chunks {
		assert.Equal(t, "8x8", c.Target)
		assert.Equal(t, "completed", c.Status)
		assert.NotEmpty(t, c.BatchID)
		if assert.NotNil(t, c.Server, "the batch's result counts are in the report") {
			assert.Equal(t, c.Rows, c.Server.Total)
			assert.Equal(t, c.Rows, c.Server.Inserted)
		}
		assert.Regexp(t, `^people-[0-9a-f]{8}-chunk-000\d\.csv$`, c.File)
		assert.FileExists(t, filepath.Join(out, fmt.Sprintf("chunk-%04d.csv", c.Index)), "chunks kept in -out")
	}
	assert.Len(t, sim.Contacts(), 12)
	ct, ok := sim.FindContact("msisdn", "+6591000003")
	require.True(t, ok)
	assert.Equal(t, []int{7}, ct.Groups)

	// The same command again resumes: nothing is sent.
	before := sim.Stats().Requests
	code, stdout, stderr = runCLI(t, "", args...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "3 chunks already landed in an earlier run")
	assert.Equal(t, before+3, sim.Stats().Requests, "one status request per chunk confirms the journal")

	// Other settings: refused, until -fresh.
	other := append(eightByEightArgs(base, out), "-groups", "8", "-max-chunk-rows", "5", args[len(args)-1])
	code, _, stderr = runCLI(t, "", other...)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "rerun with -fresh")
	code, _, stderr = runCLI(t, "", append([]string{"import", "-fresh"}, other[1:]...)...)
	require.Equal(t, 0, code, stderr)
	assert.Len(t, sim.Batches(), 6)
}

func TestImport8x8ServerRejectedRowsExit1(t *testing.T) {
	sim, base := simServer(t, contactsim.Options{})
	t.Setenv(envAPIKey, contactsim.DefaultAPIKey)
	// Two existing contacts: the file's second row names the phone of one and the email of the
	// other, which the API refuses as a conflict.
	seed := filepath.Join(t.TempDir(), "seed.csv")
	require.NoError(t, os.WriteFile(seed, []byte("msisdn,email\n+6591000001,\n,bob@example.com\n"), 0o600))
	code, _, stderr := runCLI(t, "", append(eightByEightArgs(base, t.TempDir()), seed)...)
	require.Equal(t, 0, code, stderr)
	src := filepath.Join(t.TempDir(), "more.csv")
	require.NoError(t, os.WriteFile(src, []byte("msisdn,email,firstName\n+6591000009,,Zed\n+6591000001,bob@example.com,Mix\n"), 0o600))
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "", append(eightByEightArgs(base, out), src)...)
	assert.Equal(t, 1, code, "an accepted row did not land")
	assert.Contains(t, stdout, "8x8: 1 of 2 accepted rows landed", stderr)
	rej := readCSV(t, filepath.Join(out, "rejected.csv"))
	require.Len(t, rej, 2)
	assert.Equal(t, "3", rej[1][len(rej[1])-4], "the spreadsheet row of the refused line")
	assert.Equal(t, "server_rejected", rej[1][len(rej[1])-2])
	assert.Contains(t, rej[1][len(rej[1])-1], "more than one contact")
	assert.Len(t, sim.Contacts(), 3)
}

func TestImportToKoreAI(t *testing.T) {
	sim, base := simServer(t, contactsim.Options{})
	t.Setenv(envKoreClientID, "cs-demo")
	t.Setenv(envKoreClientSecret, contactsim.DefaultKoreSecret)
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "", "import", "-target", "koreai", "-koreai-url", base, "-stream-id", "st-1",
		"-koreai-account-id", "acc", "-out", out, writeContacts(t, 7))
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "koreai: 7 of 7 accepted rows landed")
	kc := sim.KoreContacts()
	require.Len(t, kc, 7)
	assert.Equal(t, "+6591000004", kc[4].Phone)
	assert.Equal(t, "+65", kc[4].CountryCode)
	chunk := readCSV(t, filepath.Join(out, "chunk-0001.csv"))
	assert.Equal(t, []string{"firstName", "lastName", "salutation", "cellPhoneNumber", "cellPhoneCountryCode", "cellPhoneExtension"}, chunk[0])
}

func TestTargetUsageErrors(t *testing.T) {
	_, base := simServer(t, contactsim.Options{})
	src := writeContacts(t, 1)
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no key", nil, []string{"import", "-target", "8x8", "-base-url", base, "-account-id", contactsim.DefaultAccountID, src}, envAPIKey},
		{"bad account", map[string]string{envAPIKey: "k"}, []string{"import", "-target", "8x8", "-base-url", base, "-account-id", "nope", src}, "pattern"},
		{"no account", map[string]string{envAPIKey: "k"}, []string{"import", "-target", "8x8", src}, "-account-id is required"},
		{"bad region", map[string]string{envAPIKey: "k"}, []string{"import", "-target", "8x8", "-region", "mars", "-account-id", contactsim.DefaultAccountID, src}, "-region"},
		{"plain http", map[string]string{envAPIKey: "k"}, []string{"import", "-target", "8x8", "-base-url", "http://contacts.example.com", "-account-id", contactsim.DefaultAccountID, src}, "https required"},
		{"kore flags", nil, []string{"import", "-target", "koreai", src}, "-koreai-url"},
		{"kore credentials", nil, []string{"import", "-target", "koreai", "-koreai-url", base, "-stream-id", "s", "-koreai-account-id", "a", src}, envKoreJWT},
		{"unknown target", nil, []string{"import", "-target", "ftp", src}, "want dir, 8x8 or koreai"},
		{"batch status without id", map[string]string{envAPIKey: "k"}, []string{"batch", "status", "-account-id", contactsim.DefaultAccountID}, "exactly one batch ID"},
		{"groups copy without ids", map[string]string{envAPIKey: "k"}, []string{"groups", "copy", "-account-id", contactsim.DefaultAccountID}, "-from and -to"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{envAPIKey, envKoreJWT, envKoreClientID, envKoreClientSecret} {
				t.Setenv(k, tc.env[k])
			}
			args := tc.args
			if args[0] == "import" {
				args = append([]string{"import", "-out", t.TempDir()}, args[1:]...)
			}
			code, _, stderr := runCLI(t, "", args...)
			assert.Equal(t, 2, code, stderr)
			assert.Contains(t, stderr, tc.want)
		})
	}
}

func TestClientSubcommands(t *testing.T) {
	_, base := simServer(t, contactsim.Options{})
	t.Setenv(envAPIKey, "")
	keyFile := filepath.Join(t.TempDir(), "key")
	require.NoError(t, os.WriteFile(keyFile, []byte(contactsim.DefaultAPIKey+"\n"), 0o600))
	conn := []string{"-base-url", base, "-account-id", contactsim.DefaultAccountID, "-api-key-file", keyFile}
	out := t.TempDir()
	code, _, stderr := runCLI(t, "", append(append([]string{"import", "-target", "8x8", "-groups", "3", "-out", out}, conn...), writeContacts(t, 4))...)
	require.Equal(t, 0, code, stderr)
	id := readReport(t, out).Chunks[0].BatchID

	code, stdout, stderr := runCLI(t, "", append(append([]string{"batch", "status"}, conn...), id)...)
	require.Equal(t, 0, code, stderr)
	var b struct {
		ID, Status string
		TotalRows  int
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &b))
	assert.Equal(t, id, b.ID)
	assert.Equal(t, "completed", b.Status)
	assert.Equal(t, 4, b.TotalRows)

	code, stdout, stderr = runCLI(t, "", append([]string{"batch", "list", "-limit", "5", "-type", "createContacts"}, conn...)...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, id)

	code, stdout, stderr = runCLI(t, "", append([]string{"groups", "copy", "-from", "3", "-to", "4", "-wait"}, conn...)...)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, `"copyContacts"`)
	assert.Contains(t, stdout, `"completed"`)

	code, _, stderr = runCLI(t, "", append(append([]string{"batch", "status"}, conn...), "00000000-0000-0000-0000-000000000000")...)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "Invalid jobId")
}

// TestCLICanary plants the API key (from a file) and greps everything the CLI writes.
func TestCLICanary(t *testing.T) {
	const key = "CANARY-cli-key-0c4f2a77"
	_, base := simServer(t, contactsim.Options{APIKey: key, Faults: contactsim.Faults{Error: 0.3, ResetAfter: 0.3}, Seed: 9})
	keyFile := filepath.Join(t.TempDir(), "key")
	require.NoError(t, os.WriteFile(keyFile, []byte(key), 0o600))
	t.Setenv(envAPIKey, "")
	out := t.TempDir()
	var seen []string
	for _, k := range []string{keyFile, filepath.Join(t.TempDir(), "missing")} {
		code, stdout, stderr := runCLI(t, "", "import", "-target", "8x8", "-base-url", base, "-account-id", contactsim.DefaultAccountID,
			"-api-key-file", k, "-max-chunk-rows", "3", "-out", out, writeContacts(t, 10))
		seen = append(seen, stdout, stderr, fmt.Sprint(code))
	}
	t.Setenv(envAPIKey, key+"-wrong")
	code, stdout, stderr := runCLI(t, "", "batch", "list", "-base-url", base, "-account-id", contactsim.DefaultAccountID)
	assert.Equal(t, 1, code)
	seen = append(seen, stdout, stderr)
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(out, e.Name()))
		require.NoError(t, err)
		seen = append(seen, string(b))
	}
	all := strings.Join(seen, "\n")
	assert.Contains(t, all, "landed")
	assert.NotContains(t, all, "CANARY-cli-key")
}

func TestPollInterval(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want time.Duration
	}{
		{"", upload.DefaultPollInitial},
		{"10ms", 10 * time.Millisecond},
		{"2s", 2 * time.Second},
		{"0s", upload.DefaultPollInitial},
		{"-1s", upload.DefaultPollInitial},
		{"soon", upload.DefaultPollInitial},
	} {
		t.Setenv(envPollInterval, tc.env)
		assert.Equal(t, tc.want, pollInterval(), "%s=%q", envPollInterval, tc.env)
	}
}

// TestBatchTimeout: a batch that does not end within -batch-timeout leaves its rows in doubt
// (exit status 1), not waited on for the default half hour.
func TestBatchTimeout(t *testing.T) {
	_, base := simServer(t, contactsim.Options{ProcessDelay: time.Hour})
	t.Setenv(envAPIKey, contactsim.DefaultAPIKey)
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "", append(eightByEightArgs(base, out), "-batch-timeout", "100ms", writeContacts(t, 3))...)
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stdout, "0 of 3 accepted rows landed")
	assert.Contains(t, stdout, "in doubt")
	rep := readReport(t, out)
	require.Len(t, rep.Chunks, 1)
	assert.True(t, rep.Chunks[0].InDoubt)
}

// TestLandedLinePlurals: the API summary line counts in words that agree with the number.
func TestLandedLinePlurals(t *testing.T) {
	f := &importFlags{target: "8x8"}
	f.api.wait = true
	rep := contactpipe.Report{Accepted: 10, Landed: 5, Chunks: []contactpipe.ChunkReport{{InDoubt: true}, {}}}
	line := landedLine(f, rep, upload.StatsSnapshot{Requests: 1, Retries: 1, Resumed: 1, Reconciled: 1, Resent: 1})
	assert.Equal(t, "8x8: 5 of 10 accepted rows landed; 1 request, 1 retry, 1 chunk already landed in an earlier run, "+
		"1 reconciled, 1 re-sent after a lost answer, 1 chunk in doubt (rerun the same command to reconcile it)", line)
	rep.Chunks[1].InDoubt = true
	line = landedLine(f, rep, upload.StatsSnapshot{Requests: 3, Retries: 2, Resumed: 2})
	assert.Equal(t, "8x8: 5 of 10 accepted rows landed; 3 requests, 2 retries, 2 chunks already landed in an earlier run, "+
		"2 chunks in doubt (rerun the same command to reconcile them)", line)
}
