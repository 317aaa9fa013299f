package upload_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/contactsim"
	"github.com/contactpipe/contactpipe/upload"
)

func TestKoreAIHappyPath(t *testing.T) {
	sim, srv := startSim(t, contactsim.Options{})
	k := koreAI(srv.URL, srv.Client())
	var _ upload.Columner = k
	assert.Equal(t, []string{"firstName", "lastName", "salutation", "cellPhoneNumber", "cellPhoneCountryCode", "cellPhoneExtension"}, k.Columns())
	assert.Equal(t, []string{"msisdn"}, k.Required())

	c := writeChunk(t, t.TempDir(), 1, upload.KoreAIColumns(), koreRows(3, 0))
	res, err := k.Upload(t.Context(), c)
	require.NoError(t, err)
	assert.Equal(t, "koreai", res.Target)
	assert.Equal(t, "created", res.Status)
	assert.Equal(t, 3, res.Landed)
	assert.Empty(t, res.ServerRejected)
	assert.NoFileExists(t, c.Path)
	kc := sim.KoreContacts()
	require.Len(t, kc, 3)
	assert.Equal(t, "+919800000001", kc[1].Phone)
	assert.Equal(t, "+91", kc[1].CountryCode)
	assert.Equal(t, "acct-1", kc[1].AccountID)
	assert.Equal(t, "st-1", kc[1].StreamID)
	assert.Equal(t, "Mr", kc[1].Salutation)
}

func TestKoreAIRefusedPhones(t *testing.T) {
	_, srv := startSim(t, contactsim.Options{})
	k := koreAI(srv.URL, srv.Client())
	dir := t.TempDir()
	_, err := k.Upload(t.Context(), writeChunk(t, dir, 1, upload.KoreAIColumns(), koreRows(2, 0)))
	require.NoError(t, err)
	// Rows 2 and 4 carry phones Kore.ai already has.
	rows := [][]string{koreRows(1, 10)[0], koreRows(1, 0)[0], koreRows(1, 11)[0], koreRows(1, 1)[0]}
	res, err := k.Upload(t.Context(), writeChunk(t, dir, 2, upload.KoreAIColumns(), rows))
	require.NoError(t, err)
	assert.Equal(t, 2, res.Landed)
	require.Len(t, res.ServerRejected, 2)
	assert.Equal(t, 2, res.ServerRejected[0].Line)
	assert.Equal(t, 4, res.ServerRejected[1].Line)
	// Kore.ai does not say why it left a row out: the report says only what is known.
	assert.Equal(t, "not in Kore.ai's answer", res.ServerRejected[0].Message)
}

func TestKoreAIStaticTokenAndRefusal(t *testing.T) {
	_, srv := startSim(t, contactsim.Options{})
	good, err := upload.MintKoreAIJWT("cs-client", contactsim.DefaultKoreSecret, nil, 0, time.Now())
	require.NoError(t, err)
	bad, err := upload.MintKoreAIJWT("cs-client", "another secret", nil, 0, time.Now())
	require.NoError(t, err)
	for _, tc := range []struct {
		name, token string
		ok          bool
	}{{"valid", good, true}, {"signed with another secret", bad, false}} {
		t.Run(tc.name, func(t *testing.T) {
			k := &upload.KoreAI{BaseURL: srv.URL, StreamID: "st-1", AccountID: "a", JWT: tc.token, HTTPClient: srv.Client(), Retry: fastRetry}
			res, err := k.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, upload.KoreAIColumns(), koreRows(1, 100+len(tc.name))))
			if tc.ok {
				require.NoError(t, err)
				assert.Equal(t, 1, res.Landed)
				return
			}
			assert.ErrorIs(t, err, upload.ErrUnauthorized)
			assert.ErrorIs(t, err, upload.ErrStopImport)
			assert.NotContains(t, err.Error(), tc.token)
			assert.Equal(t, 1, res.Attempts)
		})
	}
}

func TestMintKoreAIJWT(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		claims []string
		ttl    time.Duration
		want   []string
		exp    time.Duration
	}{
		{"defaults", nil, 0, []string{"appId", "iss"}, 55 * time.Minute},
		{"custom claim names", []string{"clientId", "sub"}, 10 * time.Minute, []string{"clientId", "sub"}, 10 * time.Minute},
		{"an hour at most", nil, time.Hour, []string{"appId", "iss"}, time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := upload.MintKoreAIJWT("cs-123", "secret", tc.claims, tc.ttl, now)
			require.NoError(t, err)
			claims := jwt.MapClaims{}
			tok, err := jwt.ParseWithClaims(s, claims, func(*jwt.Token) (any, error) { return []byte("secret"), nil },
				jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(func() time.Time { return now }))
			require.NoError(t, err)
			assert.True(t, tok.Valid)
			for _, c := range tc.want {
				assert.Equal(t, "cs-123", claims[c], c)
			}
			exp, err := claims.GetExpirationTime()
			require.NoError(t, err)
			assert.Equal(t, now.Add(tc.exp), exp.Time.UTC())
			assert.NotEmpty(t, claims["jti"])
		})
	}
	a, _ := upload.MintKoreAIJWT("c", "s", nil, 0, now)
	b, _ := upload.MintKoreAIJWT("c", "s", nil, 0, now)
	assert.NotEqual(t, a, b, "each token has its own jti")
	_, err := upload.MintKoreAIJWT("c", "s", nil, 61*time.Minute, now)
	assert.ErrorIs(t, err, upload.ErrInvalidConfig)
}

func TestKoreAIConfig(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		name string
		mod  func(k *upload.KoreAI)
	}{
		{"no stream", func(k *upload.KoreAI) { k.StreamID = "" }},
		{"no account", func(k *upload.KoreAI) { k.AccountID = "" }},
		{"no credentials", func(k *upload.KoreAI) { k.ClientSecret = "" }},
		{"token too long-lived", func(k *upload.KoreAI) { k.TokenTTL = 2 * time.Hour }},
		{"plain http to a remote host", func(k *upload.KoreAI) { k.BaseURL = "http://bots.example.com" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k := koreAI(srv.URL, srv.Client())
			tc.mod(k)
			_, err := k.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, upload.KoreAIColumns(), koreRows(1, 0)))
			assert.ErrorIs(t, err, upload.ErrInvalidConfig)
			assert.ErrorIs(t, err, upload.ErrStopImport)
		})
	}
	assert.Zero(t, hits.Load())
}

func TestKoreAISplitWhenTooLarge(t *testing.T) {
	sim, srv := startSim(t, contactsim.Options{MaxFileBytes: 600})
	k := koreAI(srv.URL, srv.Client())
	res, err := k.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, upload.KoreAIColumns(), koreRows(40, 0)))
	require.NoError(t, err)
	assert.Equal(t, 40, res.Landed)
	assert.Positive(t, res.Splits)
	assert.Len(t, sim.KoreContacts(), 40)
}

// cutFirstPostAfterCommit passes the first POST on, then cuts its connection: it landed, but its
// answer is lost.
func cutFirstPostAfterCommit(h http.Handler) http.Handler {
	var cut atomic.Bool
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && cut.CompareAndSwap(false, true) {
			h.ServeHTTP(httptest.NewRecorder(), r)
			panic(http.ErrAbortHandler)
		}
		h.ServeHTTP(w, r)
	})
}

func TestKoreAIAmbiguousFailureIsResent(t *testing.T) {
	sim := contactsim.New(contactsim.Options{})
	srv := httptest.NewServer(cutFirstPostAfterCommit(sim))
	t.Cleanup(srv.Close)
	stats := new(upload.Stats)
	k := koreAI(srv.URL, srv.Client())
	k.Stats = stats
	res, err := k.Upload(t.Context(), writeChunk(t, t.TempDir(), 1, upload.KoreAIColumns(), koreRows(3, 0)))
	require.NoError(t, err)
	assert.Equal(t, 1, res.Resent)
	assert.Equal(t, 0, res.Landed, "the second answer creates nothing: kore.ai already has the phones")
	require.Len(t, res.ServerRejected, 3)
	assert.True(t, strings.Contains(res.ServerRejected[0].Message, "re-sent"))
	assert.Len(t, sim.KoreContacts(), 3, "yet every row is in kore.ai, once")
	assert.EqualValues(t, 1, stats.Snapshot().Resent)
}
