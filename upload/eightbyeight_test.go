package upload_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/contactsim"
	"github.com/contactpipe/contactpipe/upload"
)

func TestEightByEightHappyPath(t *testing.T) {
	sim, srv := startSim(t, contactsim.Options{})
	dir := t.TempDir()
	u := eightByEight(srv.URL, srv.Client())
	u.Groups = []int{11566, 88996}
	u.FilePrefix = "contacts.csv"
	c := writeChunk(t, dir, 1, canonicalHeader, contactRows(50, 0))
	res, err := u.Upload(t.Context(), c)
	require.NoError(t, err)
	assert.Equal(t, "8x8", res.Target)
	assert.Equal(t, "completed", res.Status)
	assert.Equal(t, 50, res.Landed)
	assert.Equal(t, 1, res.Attempts)
	assert.Empty(t, res.ServerRejected)
	assert.Regexp(t, `^contacts-[0-9a-f]{8}-chunk-0001\.csv$`, res.File)
	assert.Equal(t, []string{res.BatchID}, res.BatchIDs)
	require.NotNil(t, res.Counts)
	assert.Equal(t, upload.BatchCounts{Total: 50, Inserted: 50}, *res.Counts)
	assert.Len(t, sim.Contacts(), 50)
	ct, ok := sim.FindContact("msisdn", "+6591000007")
	require.True(t, ok)
	assert.ElementsMatch(t, []int{11566, 88996}, ct.Groups)
	assert.NoFileExists(t, c.Path, "the chunk file is removed after upload")
	batches := sim.Batches()
	require.Len(t, batches, 1)
	assert.Equal(t, res.File, batches[0].FileName)
}

func TestEightByEightChunkGroupsAndKeepDir(t *testing.T) {
	sim, srv := startSim(t, contactsim.Options{})
	dir, keep := t.TempDir(), t.TempDir()
	u := eightByEight(srv.URL, srv.Client())
	u.Groups = []int{1}
	u.KeepDir = keep
	c := writeChunk(t, dir, 3, canonicalHeader, contactRows(2, 0))
	c.Groups = []int{7, 8}
	_, err := u.Upload(t.Context(), c)
	require.NoError(t, err)
	ct, ok := sim.FindContact("msisdn", "+6591000001")
	require.True(t, ok)
	assert.ElementsMatch(t, []int{7, 8}, ct.Groups, "the chunk's own groups win")
	assert.FileExists(t, keep+"/"+upload.ChunkFileName(3))
}

func TestEightByEightNoWait(t *testing.T) {
	sim, srv := startSim(t, contactsim.Options{QueueDelay: time.Hour})
	u := eightByEight(srv.URL, srv.Client())
	u.NoWait = true
	res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(3, 0)))
	require.NoError(t, err)
	assert.Equal(t, "queued", res.Status)
	assert.Equal(t, 0, res.Landed)
	assert.NotEmpty(t, res.BatchID)
	assert.Equal(t, 1, sim.Stats().Requests, "no polling")
}

// rejectRows are rows the simulator refuses (bad msisdn, no address) mixed with good ones.
func rejectRows() [][]string {
	return [][]string{
		{"+6591000001", "Ann", "A", ""},
		{"12", "Bad", "Phone", ""},
		{"+6591000003", "Cid", "C", "c@example.com"},
		{"", "No", "Address", ""},
		{"+6591000005", "Eve", "E", ""},
	}
}

func TestEightByEightServerRejectedRows(t *testing.T) {
	located := []upload.ServerRejection{
		{Line: 2, Message: contactsim.MsgInvalidMSISDN},
		{Line: 4, Message: contactsim.MsgNoAddress},
	}
	for _, tc := range []struct {
		name      string
		fileHost  string // "": the API's own origin; "https" or "http": another origin
		wantAuth  int
		wantFiles int
		wantRej   []upload.ServerRejection
	}{
		{"same origin gets our key", "", 1, 1, located},
		{"other https origin does not", "https", 0, 1, located},
		// Plain http from another origin is never fetched: the refused rows are counted, not located.
		{"other plain-http origin is not fetched", "http", 0, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := contactsim.Options{}
			var files *httptest.Server
			if tc.fileHost != "" {
				// A second listener on the same simulator plays a file host on another origin.
				files = httptest.NewUnstartedServer(nil)
				opts.FileBaseURL = tc.fileHost + "://" + files.Listener.Addr().String()
			}
			sim, srv := startSim(t, opts)
			hc := srv.Client()
			if files != nil {
				files.Config.Handler = sim
				if tc.fileHost == "https" {
					files.StartTLS()
					hc = files.Client() // trusts the file host's certificate; the API is plain http
				} else {
					files.Start()
				}
				t.Cleanup(files.Close)
			}
			u := eightByEight(srv.URL, hc)
			res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, rejectRows()))
			require.NoError(t, err)
			assert.Equal(t, 3, res.Landed)
			assert.Equal(t, tc.wantRej, res.ServerRejected)
			assert.Equal(t, 2-len(tc.wantRej), res.Unmatched)
			require.NotNil(t, res.Counts)
			assert.Equal(t, 2, res.Counts.Errors)
			st := sim.Stats()
			assert.Equal(t, tc.wantFiles, st.FileRequests)
			assert.Equal(t, tc.wantAuth, st.FileRequestsWithAuth)
		})
	}
}

func TestEightByEightMergedAndConflictRows(t *testing.T) {
	sim, srv := startSim(t, contactsim.Options{})
	u := eightByEight(srv.URL, srv.Client())
	dir := t.TempDir()
	// Two separate contacts first: one by phone, one by email.
	_, err := u.Upload(t.Context(), writeChunk(t, dir, 1, canonicalHeader, [][]string{
		{"+6591000001", "Ann", "A", ""},
		{"", "Bob", "B", "bob@example.com"},
	}))
	require.NoError(t, err)
	// Row 1 merges into Ann; row 2 names Ann's phone and Bob's email: two matches, a conflict.
	res, err := u.Upload(t.Context(), writeChunk(t, dir, 2, canonicalHeader, [][]string{
		{"+6591000001", "Ann", "Again", "ann@example.com"},
		{"+6591000001", "Mix", "Up", "bob@example.com"},
	}))
	require.NoError(t, err)
	assert.Equal(t, 1, res.Landed)
	assert.Equal(t, []upload.ServerRejection{{Line: 2, Message: contactsim.MsgConflict}}, res.ServerRejected)
	assert.Equal(t, upload.BatchCounts{Total: 2, Duplicated: 1, Errors: 1}, *res.Counts)
	assert.Len(t, sim.Contacts(), 2)
}

func TestEightByEightFailures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		key      string
		account  string
		header   []string
		want     []error
		status   int
		attempts int
	}{
		{name: "wrong key", key: "wrong", want: []error{upload.ErrUnauthorized, upload.ErrStopImport}, status: 401, attempts: 1},
		{name: "other account", account: "00000000-0000-0000-0000-000000000001", want: []error{upload.ErrUnauthorized, upload.ErrStopImport}, status: 403, attempts: 1},
		{name: "no address column", header: []string{"firstName", "lastName", "salutation", "x"}, status: 400, attempts: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim, srv := startSim(t, contactsim.Options{})
			u := eightByEight(srv.URL, srv.Client())
			if tc.key != "" {
				u.APIKey = tc.key
			}
			if tc.account != "" {
				u.AccountID = tc.account
			}
			header := canonicalHeader
			if tc.header != nil {
				header = tc.header
			}
			res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, header, contactRows(2, 0)))
			require.Error(t, err)
			for _, w := range tc.want {
				assert.ErrorIs(t, err, w)
			}
			var api *upload.APIError
			require.ErrorAs(t, err, &api)
			assert.Equal(t, tc.status, api.Status)
			assert.NotEmpty(t, api.ErrorID)
			assert.False(t, api.Timestamp.IsZero())
			assert.Equal(t, tc.attempts, res.Attempts)
			assert.Equal(t, tc.attempts, sim.Stats().Requests, "not retried")
			assert.Equal(t, 0, res.Landed)
			assert.False(t, res.InDoubt)
			if tc.status == 401 {
				assert.Contains(t, err.Error(), "credentials refused")
				assert.NotContains(t, err.Error(), tc.key)
			}
		})
	}
}

func TestEightByEightBatchFailed(t *testing.T) {
	_, srv := startSim(t, contactsim.Options{Faults: contactsim.Faults{BatchFail: 1}})
	u := eightByEight(srv.URL, srv.Client())
	res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(2, 0)))
	var be *upload.BatchError
	require.ErrorAs(t, err, &be)
	assert.ErrorIs(t, err, upload.ErrBatchFailed)
	assert.Equal(t, upload.BatchFailed, be.Status)
	assert.Equal(t, "failed", res.Status)
	assert.Equal(t, 0, res.Landed)
}

func TestConfigValidatedBeforeAnyRequest(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	good := func() *upload.EightByEight { return eightByEight(srv.URL, srv.Client()) }
	for _, tc := range []struct {
		name string
		mod  func(u *upload.EightByEight)
		want error
	}{
		{"account id too short", func(u *upload.EightByEight) { u.AccountID = "abc" }, upload.ErrInvalidConfig},
		{"account id not hex", func(u *upload.EightByEight) { u.AccountID = "zzzzzzzz-d9cb-469f-a165-70867728950e" }, upload.ErrInvalidConfig},
		{"empty key", func(u *upload.EightByEight) { u.APIKey = "" }, upload.ErrInvalidConfig},
		{"eleven groups", func(u *upload.EightByEight) { u.Groups = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11} }, upload.ErrInvalidConfig},
		{"negative group", func(u *upload.EightByEight) { u.Groups = []int{-1} }, upload.ErrInvalidConfig},
		{"unknown region", func(u *upload.EightByEight) { u.BaseURL, u.Region = "", "mars" }, upload.ErrInvalidConfig},
		{"plain http to a remote host", func(u *upload.EightByEight) { u.BaseURL = "http://contacts.example.com" }, upload.ErrInsecureURL},
		{"credentials in the url", func(u *upload.EightByEight) { u.BaseURL = "https://user:pw@contacts.example.com" }, upload.ErrInvalidConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := good()
			tc.mod(u)
			_, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(1, 0)))
			assert.ErrorIs(t, err, tc.want)
			assert.ErrorIs(t, err, upload.ErrStopImport)
			assert.NotContains(t, err.Error(), "pw@")
		})
	}
	assert.Zero(t, hits.Load())
	for region, want := range upload.Regions() {
		u := eightByEight("", nil)
		u.Region = region
		require.NoError(t, u.Validate(), region)
		assert.True(t, strings.HasPrefix(want, "https://"))
	}
	assert.True(t, upload.ValidAccountID("0f8fad5bd9cb469fa16570867728950e"), "dashes are optional")
}

func TestSplitWhenTooLarge(t *testing.T) {
	for _, status := range []int{http.StatusRequestEntityTooLarge, http.StatusBadRequest} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			sim, srv := startSim(t, contactsim.Options{MaxFileBytes: 1500, FileTooLargeStatus: status})
			u := eightByEight(srv.URL, srv.Client())
			rows := contactRows(100, 0) // ~5 KB: split down to parts under 1.5 KB
			rows[70][0] = "12"          // refused, in a later part: its line must map back to 71
			res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, rows))
			require.NoError(t, err)
			assert.Equal(t, 99, res.Landed)
			assert.Equal(t, []upload.ServerRejection{{Line: 71, Message: contactsim.MsgInvalidMSISDN}}, res.ServerRejected)
			assert.Greater(t, res.Splits, 2)
			assert.Len(t, res.BatchIDs, len(sim.Batches()))
			assert.Equal(t, 100, res.Counts.Total)
			assert.Len(t, sim.Contacts(), 99)
			for _, b := range sim.Batches() {
				assert.Regexp(t, `-chunk-0001(-[ab])+\.csv$`, b.FileName)
			}
		})
	}
}

func TestSingleRowTooLarge(t *testing.T) {
	_, srv := startSim(t, contactsim.Options{MaxFileBytes: 10})
	u := eightByEight(srv.URL, srv.Client())
	_, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(1, 0)))
	assert.ErrorIs(t, err, upload.ErrFileTooLarge)
}

func TestRedirectNotFollowed(t *testing.T) {
	var stolen atomic.Int64
	thief := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stolen.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	t.Cleanup(thief.Close)
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, thief.URL+r.URL.Path, status)
			}))
			t.Cleanup(redirector.Close)
			// The caller's client would follow redirects; the uploader's copy must not.
			u := eightByEight(redirector.URL, &http.Client{})
			_, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(1, 0)))
			assert.ErrorIs(t, err, upload.ErrRedirect)
			var api *upload.APIError
			require.ErrorAs(t, err, &api)
			assert.Equal(t, status, api.Status)
		})
	}
	assert.Zero(t, stolen.Load(), "nothing reached the redirect target")
}

func TestAmbiguousFailureIsReconciled(t *testing.T) {
	// Every POST is committed, then its connection is cut: the 202 never arrives.
	sim, srv := startSim(t, contactsim.Options{Faults: contactsim.Faults{ResetAfter: 1}})
	stats := new(upload.Stats)
	u := eightByEight(srv.URL, srv.Client())
	u.Stats = stats
	res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(10, 0)))
	require.NoError(t, err)
	assert.True(t, res.Reconciled)
	assert.Equal(t, 0, res.Resent)
	assert.Equal(t, 10, res.Landed)
	assert.Len(t, sim.Batches(), 1, "the lost 202 did not lead to a second batch")
	s := stats.Snapshot()
	assert.EqualValues(t, 1, s.Ambiguous)
	assert.EqualValues(t, 1, s.Reconciled)
}

// cutFirstPost cuts the connection of the first createContacts request after reading it, without
// passing it on: the request was sent, and nothing landed.
func cutFirstPost(h http.Handler) http.Handler {
	var cut atomic.Bool
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/createContacts") && cut.CompareAndSwap(false, true) {
			_, _ = io.Copy(io.Discard, r.Body)
			panic(http.ErrAbortHandler)
		}
		h.ServeHTTP(w, r)
	})
}

func TestAmbiguousFailureNotLandedIsResent(t *testing.T) {
	sim := contactsim.New(contactsim.Options{QueueDelay: time.Millisecond, ProcessDelay: time.Millisecond})
	srv := httptest.NewServer(cutFirstPost(sim))
	t.Cleanup(srv.Close)
	u := eightByEight(srv.URL, srv.Client())
	res, err := u.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(10, 0)))
	require.NoError(t, err)
	assert.False(t, res.Reconciled)
	assert.Equal(t, 1, res.Resent, "sent again only after the batch list proved it had not landed")
	assert.Equal(t, 2, res.Attempts)
	assert.Len(t, sim.Batches(), 1)
	assert.Equal(t, 10, res.Landed)
}

func TestCancelDuringUploadIsInDoubt(t *testing.T) {
	started := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		close(started)
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	u := eightByEight(srv.URL, srv.Client())
	ctx, cancel := context.WithCancel(t.Context())
	go func() { <-started; cancel() }()
	res, err := u.Upload(ctx, writeChunk(t, t.TempDir(), 1, canonicalHeader, contactRows(1, 0)))
	assert.ErrorIs(t, err, upload.ErrInDoubt)
	assert.ErrorIs(t, err, context.Canceled)
	assert.True(t, res.InDoubt)
	assert.Equal(t, "in-doubt", res.Status)
}

func TestRetryBudgetIsRunWide(t *testing.T) {
	_, srv := startSim(t, contactsim.Options{Faults: contactsim.Faults{Error: 1}})
	budget := upload.NewRetryBudget(3)
	u := eightByEight(srv.URL, srv.Client())
	u.Retry.Budget = budget
	dir := t.TempDir()
	for i := 1; i <= 2; i++ {
		_, err := u.Upload(t.Context(), writeChunk(t, dir, i, canonicalHeader, contactRows(1, i)))
		require.Error(t, err)
		if i == 2 {
			assert.ErrorIs(t, err, upload.ErrRetryBudgetExhausted)
		}
	}
	assert.Zero(t, budget.Remaining())
}

func TestErrorsAreTyped(t *testing.T) {
	_, srv := startSim(t, contactsim.Options{})
	u := eightByEight(srv.URL, srv.Client())
	_, err := u.BatchStatus(t.Context(), "00000000-0000-0000-0000-000000000000")
	var api *upload.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, 404, api.Status)
	assert.Equal(t, 4018, api.Code)
	assert.Equal(t, "Invalid jobId", api.Message)
	assert.False(t, errors.Is(err, upload.ErrUnauthorized))
}
