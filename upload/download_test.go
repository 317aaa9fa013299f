package upload

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPublicAddr(t *testing.T) {
	for _, tc := range []struct {
		ip     string
		public bool
	}{
		{"8.8.8.8", true},
		{"2001:4860:4860::8888", true},
		{"127.0.0.1", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"fe80::1", false},
		{"fc00::1", false},
		{"0.0.0.0", false},
		{"100.64.0.1", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"224.0.0.1", false},
	} {
		assert.Equal(t, tc.public, publicAddr(netip.MustParseAddr(tc.ip)), tc.ip)
	}
}

// TestDownloadClientChecksTheDialedAddress: with the default transport, the address is checked
// when the connection is made (a name resolving to loopback is caught too), before anything is
// sent.
func TestDownloadClientChecksTheDialedAddress(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	ok := func(*url.URL) error { return nil }
	for _, host := range []string{u.Host, "localhost:" + u.Port()} {
		_, err := newDownloadClient(&http.Client{}, false, ok).Get("http://" + host + "/file.csv")
		assert.ErrorIs(t, err, ErrForbiddenAddress, host)
	}
	assert.Zero(t, hits.Load())
	resp, err := newDownloadClient(&http.Client{}, true, ok).Get(srv.URL + "/file.csv")
	require.NoError(t, err, "allowed when the API itself is on a non-public address")
	resp.Body.Close()
	assert.Equal(t, int64(1), hits.Load())
}
