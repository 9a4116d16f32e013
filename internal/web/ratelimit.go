package web

import (
	"net/http"
	"sync"
	"time"
)

// Limits on requests for sign-in links. Every request counts, per client
// address and per e-mail address; the second stops a stranger from filling
// someone's inbox. (Such requests put links in the owner's own inbox, so
// they cannot keep the owner out.)
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
// is per instance: with several instances a sender gets a few more tries.
type rateLimiter struct {
	now    func() time.Time
	mu     sync.Mutex
	events map[string][]time.Time
	swept  time.Time
}

func newRateLimiter(now func() time.Time) *rateLimiter {
	return &rateLimiter{now: now, events: map[string][]time.Time{}}
}

// allow records an event for key and reports whether it is within the limit,
// and when not, how long until it would be. Refused events are not recorded,
// so waiting always helps.
func (l *rateLimiter) allow(key string, lim rateLimit) (bool, time.Duration) {
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
		return false, recent[len(recent)-lim.n].Add(lim.per).Sub(now)
	}
	l.events[key] = append(recent, now)
	return true, 0
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

// allowLinkRequest applies the limits to a request for a sign-in link and
// returns how long to wait when it is over them.
func (s *Server) allowLinkRequest(r *http.Request, email string) (bool, time.Duration) {
	if ok, wait := s.limiter.allow("ip:"+addrKey(s.clientIP(r)), limitPerIP); !ok {
		return false, wait
	}
	if email == "" {
		return true, 0
	}
	return s.limiter.allow("link:"+email, limitPerEmail)
}
