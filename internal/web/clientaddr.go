package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// maxHops bounds how many forwarded addresses are read from a request.
const maxHops = 32

// clientIP returns the address of the client. The connection's address is
// the client's unless it is one of the trusted proxies; only then are the
// forwarded headers read, since anyone can send them. Each proxy appends the
// address it received the request from, so the right-most address that is
// not itself a trusted proxy is the client: addresses left of it were
// written by the client and may be made up.
//
// X-Forwarded-For is read when the request has one (nearly every proxy sets
// it), otherwise Forwarded (RFC 7239).
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	remote, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	remote = remote.Unmap().WithZone("")
	if !s.trustedProxy(remote) {
		return remote.String()
	}
	hops := forwardedFor(r.Header)
	client := remote // the nearest trusted hop so far
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			// A trusted proxy wrote something that is not an address (say
			// "unknown"): the last address we can trust stands for the client.
			break
		}
		client = a
		if !s.trustedProxy(a) {
			break
		}
	}
	return client.String()
}

// trustedProxy reports whether a is in one of the trusted proxies' ranges.
func (s *Server) trustedProxy(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor returns the addresses a request was forwarded for, left to
// right, from X-Forwarded-For or else from the for= parameters of Forwarded.
func forwardedFor(h http.Header) []string {
	var hops []string
	if xff := h.Values("X-Forwarded-For"); len(xff) > 0 {
		for _, line := range xff {
			for _, part := range strings.Split(line, ",") {
				hops = append(hops, strings.TrimSpace(part))
			}
		}
	} else {
		for _, line := range h.Values("Forwarded") {
			for _, elem := range strings.Split(line, ",") {
				for _, pair := range strings.Split(elem, ";") {
					k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
					if ok && strings.EqualFold(k, "for") {
						hops = append(hops, strings.Trim(v, `"`))
					}
				}
			}
		}
	}
	if len(hops) > maxHops {
		hops = hops[len(hops)-maxHops:]
	}
	return hops
}

// parseHop reads one forwarded address: 192.0.2.7, 192.0.2.7:4711,
// 2001:db8::1 or [2001:db8::1]:4711.
func parseHop(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return a.Unmap().WithZone(""), true
	}
	return netip.Addr{}, false
}

// addrKey is the part of an address that stands for one client in limits:
// the address itself for IPv4, its /64 network for IPv6, since one home or
// device usually holds a whole /64 and could otherwise change address at
// every try.
func addrKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is6() {
		return ip
	}
	p, _ := a.Prefix(64)
	return p.String()
}
