package upload

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
)

// ErrForbiddenAddress means a file the API pointed us to (a batch's invalid-rows file) lives at an
// address we do not download from: loopback, private, link-local or otherwise not public, while
// the API itself is on a public address. It is not retried.
var ErrForbiddenAddress = errors.New("upload: download address not allowed")

// maxDownloadRedirects is how many redirects a file download follows (signed storage URLs
// redirect); credentials are never sent on a redirect.
const maxDownloadRedirects = 3

// nonPublic are the address ranges a download may not reach unless the API itself is in one.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach any IPv4 address
}

// publicAddr reports whether ip is a public unicast address.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// hostIsNonPublic reports whether a URL host is localhost or a non-public IP literal.
func hostIsNonPublic(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && !publicAddr(ip)
}

// checkDialAddr refuses a non-public address unless allowed.
func checkDialAddr(address string, allowPrivate bool) error {
	if allowPrivate {
		return nil
	}
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return nil // not an IP (a pipe, a proxy's name): the resolved address is checked elsewhere
	}
	if !publicAddr(ip) {
		return fmt.Errorf("%w: %s is not a public address", ErrForbiddenAddress, ip)
	}
	return nil
}

// newDownloadClient returns the client that fetches files the API points to. It dials only public
// addresses (checked on the resolved IP at dial time) unless the API's base URL is itself on a
// non-public one; follows at most maxDownloadRedirects redirects, each checked by checkLocation and
// stripped of credentials.
func newDownloadClient(hc *http.Client, allowPrivate bool, checkLocation func(*url.URL) error) *http.Client {
	cp := *hc
	switch rt := hc.Transport.(type) {
	case nil:
		cp.Transport = guardTransport(http.DefaultTransport.(*http.Transport).Clone(), allowPrivate)
	case *http.Transport:
		cp.Transport = guardTransport(rt.Clone(), allowPrivate)
	default:
		cp.Transport = resolvingGuard{rt: rt, allowPrivate: allowPrivate}
	}
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > maxDownloadRedirects {
			return fmt.Errorf("%w: more than %d redirects", ErrForbiddenAddress, maxDownloadRedirects)
		}
		if err := checkLocation(req.URL); err != nil {
			return err
		}
		req.Header.Del("Authorization")
		req.Header.Del("Auth")
		req.Header.Del("Cookie")
		return nil
	}
	return &cp
}

// guardTransport makes tr check every address it connects to. A transport with its own dial
// function (a pipe, a test network) keeps it; the address it reached is checked once connected.
func guardTransport(tr *http.Transport, allowPrivate bool) *http.Transport {
	if tr.DialContext == nil && tr.DialTLSContext == nil {
		d := &net.Dialer{Control: func(_, address string, _ syscall.RawConn) error {
			return checkDialAddr(address, allowPrivate)
		}}
		tr.DialContext = d.DialContext
		return tr
	}
	wrap := func(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dial == nil {
			return nil
		}
		return func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			remote := addr
			if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
				remote = ta.String()
			}
			if err := checkDialAddr(remote, allowPrivate); err != nil {
				c.Close()
				return nil, err
			}
			return c, nil
		}
	}
	tr.DialContext = wrap(tr.DialContext)
	tr.DialTLSContext = wrap(tr.DialTLSContext)
	return tr
}

// resolvingGuard checks a request's host (resolved) before handing it to a RoundTripper we cannot
// reach inside. The address dialed later may differ (DNS can change between the two): callers that
// need the dial-time check give an *http.Transport.
type resolvingGuard struct {
	rt           http.RoundTripper
	allowPrivate bool
}

func (g resolvingGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if !g.allowPrivate {
		host := req.URL.Hostname()
		addrs, err := net.DefaultResolver.LookupNetIP(req.Context(), "ip", host)
		if err != nil {
			return nil, err
		}
		for _, a := range addrs {
			if err := checkDialAddr(a.String(), false); err != nil {
				return nil, err
			}
		}
	}
	return g.rt.RoundTrip(req)
}
