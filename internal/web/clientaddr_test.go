package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

func TestClientIP(t *testing.T) {
	s := &Server{cfg: Config{TrustedProxies: []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8"),
	}}}
	for _, tc := range []struct {
		name   string
		remote string
		header map[string][]string
		want   string
	}{
		{"Direct", "198.51.100.7:5000", nil, "198.51.100.7"},
		{"DirectIPv6", "[2001:db8::5]:5000", nil, "2001:db8::5"},
		{"DirectWithSpoofedHeader", "198.51.100.7:5000",
			map[string][]string{"X-Forwarded-For": {"1.2.3.4"}, "Forwarded": {"for=1.2.3.4"}}, "198.51.100.7"},
		{"TrustedProxy", "10.0.0.2:443", map[string][]string{"X-Forwarded-For": {"203.0.113.9"}}, "203.0.113.9"},
		{"TrustedProxySpoofedByClient", "10.0.0.2:443",
			map[string][]string{"X-Forwarded-For": {"1.2.3.4, 203.0.113.9"}}, "203.0.113.9"},
		{"TwoTrustedProxies", "10.0.0.2:443",
			map[string][]string{"X-Forwarded-For": {"1.2.3.4, 203.0.113.9, 10.0.0.3"}}, "203.0.113.9"},
		{"HeaderOverSeveralLines", "10.0.0.2:443",
			map[string][]string{"X-Forwarded-For": {"1.2.3.4", "203.0.113.9, 10.0.0.3"}}, "203.0.113.9"},
		{"TrustedProxyIPv6", "[fd00::1]:443",
			map[string][]string{"X-Forwarded-For": {"2001:db8::77"}}, "2001:db8::77"},
		{"AddressWithPort", "10.0.0.2:443", map[string][]string{"X-Forwarded-For": {"203.0.113.9:61000"}}, "203.0.113.9"},
		{"Forwarded", "10.0.0.2:443",
			map[string][]string{"Forwarded": {`for=1.2.3.4, for="[2001:db8:cafe::17]:4711";proto=https;by=10.0.0.2`}}, "2001:db8:cafe::17"},
		{"ForwardedTwoProxies", "10.0.0.2:443",
			map[string][]string{"Forwarded": {"for=203.0.113.9;proto=https", "For=10.0.0.5"}}, "203.0.113.9"},
		{"XForwardedForWinsOverForwarded", "10.0.0.2:443",
			map[string][]string{"X-Forwarded-For": {"203.0.113.9"}, "Forwarded": {"for=1.2.3.4"}}, "203.0.113.9"},
		{"TrustedProxyWithoutHeader", "10.0.0.2:443", nil, "10.0.0.2"},
		{"GarbageFromProxy", "10.0.0.2:443", map[string][]string{"X-Forwarded-For": {"1.2.3.4, unknown"}}, "10.0.0.2"},
		{"OnlyProxies", "10.0.0.2:443", map[string][]string{"X-Forwarded-For": {"10.9.9.9, 10.0.0.3"}}, "10.9.9.9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tc.remote
			for k, vs := range tc.header {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			if got := s.clientIP(r); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	t.Run("NoTrustedProxies", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = "10.0.0.2:443"
		r.Header.Set("X-Forwarded-For", "203.0.113.9")
		if got := (&Server{}).clientIP(r); got != "10.0.0.2" {
			t.Errorf("got %s, want 10.0.0.2", got)
		}
	})
}

func TestAddrKey(t *testing.T) {
	for in, want := range map[string]string{
		"198.51.100.7": "198.51.100.7", "2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64", "not an address": "not an address",
	} {
		if got := addrKey(in); got != want {
			t.Errorf("addrKey(%q): got %q, want %q", in, got, want)
		}
	}
}

// Behind a proxy, each visitor has their own limit: one visitor's wrong
// passwords do not slow another who comes through the same proxy.
func TestSignIn_BehindProxy(t *testing.T) {
	a, _ := throttledApp(t)
	a.srv.cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	a.user("mia@example.org", "Mia Member", false)
	// signIn posts the sign-in form through the proxy at 10.0.0.2, which
	// says it forwards for xff.
	signIn := func(xff, password string) *response {
		b := a.browser()
		b.ip = "10.0.0.2"
		form := url.Values{"email": {"mia@example.org"}, "password": {password}}
		req := b.request(http.MethodPost, "/signin", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", xff)
		return b.send(req)
	}
	for i := 0; i < freePerAccount; i++ {
		signIn("203.0.113.66", "wrong password").want(t, http.StatusUnauthorized)
	}
	signIn("203.0.113.66", "wrong password").want(t, http.StatusTooManyRequests)
	// A client that forges the header cannot pass as someone else: the
	// proxy appends the real address, which is the one counted.
	signIn("198.51.100.50, 203.0.113.66", "wrong password").want(t, http.StatusTooManyRequests)
	// Another visitor through the same proxy signs in at once.
	signIn("198.51.100.50", testPassword).want(t, http.StatusSeeOther)
}
