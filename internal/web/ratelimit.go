package web

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Limits on sign-in attempts and link requests.
var (
	limitPerIP    = rateLimit{n: 10, per: time.Minute}
	limitPerEmail = rateLimit{n: 5, per: 15 * time.Minute}
)

// rateLimit allows n events per period.
type rateLimit struct {
	n   int
	per time.Duration
}

// rateLimiter counts recent events per key in memory (a sliding window). It
// is per instance: with several instances an attacker gets a few more tries,
// which the argon2id cost of each password check still makes slow.
type rateLimiter struct {
	now    func() time.Time
	mu     sync.Mutex
	events map[string][]time.Time
	swept  time.Time
}

func newRateLimiter(now func() time.Time) *rateLimiter {
	return &rateLimiter{now: now, events: map[string][]time.Time{}}
}

// allow records an event for key and reports whether it is within the limit.
// Refused events are not recorded, so waiting always helps.
func (l *rateLimiter) allow(key string, lim rateLimit) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	recent := l.events[key][:0]
	for _, t := range l.events[key] {
		if now.Sub(t) < lim.per {
			recent = append(recent, t)
		}
	}
	if len(recent) >= lim.n {
		l.events[key] = recent
		return false
	}
	l.events[key] = append(recent, now)
	return true
}

// full reports whether key has reached the limit, without recording.
func (l *rateLimiter) full(key string, lim rateLimit) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now, n := l.now(), 0
	for _, t := range l.events[key] {
		if now.Sub(t) < lim.per {
			n++
		}
	}
	return n >= lim.n
}

// record notes an event for key.
func (l *rateLimiter) record(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events[key] = append(l.events[key], l.now())
}

// sweep drops keys whose events are all old, at most once a minute, so the
// map does not grow without bound.
func (l *rateLimiter) sweep(now time.Time) {
	if now.Sub(l.swept) < time.Minute {
		return
	}
	l.swept = now
	longest := max(limitPerIP.per, limitPerEmail.per)
	for k, ts := range l.events {
		if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= longest {
			delete(l.events, k)
		}
	}
}

// clientIP returns the address of the client. Forwarded headers are not
// trusted: anyone can send them.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// allowSignIn applies the limits to a password sign-in: every attempt counts
// per client address; per e-mail address only failures count (see
// failedSignIn), so a person who signs in often is never held up.
func (s *Server) allowSignIn(r *http.Request, email string) bool {
	if !s.limiter.allow("ip:"+clientIP(r), limitPerIP) {
		return false
	}
	return email == "" || !s.limiter.full("signin:"+email, limitPerEmail)
}

// failedSignIn counts a wrong password against the e-mail address.
func (s *Server) failedSignIn(email string) { s.limiter.record("signin:" + email) }

// allowLinkRequest applies the limits to a request for a sign-in link: every
// request counts, per client address and per e-mail address.
func (s *Server) allowLinkRequest(r *http.Request, email string) bool {
	if !s.limiter.allow("ip:"+clientIP(r), limitPerIP) {
		return false
	}
	return email == "" || s.limiter.allow("link:"+email, limitPerEmail)
}
