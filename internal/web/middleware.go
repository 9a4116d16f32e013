package web

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/roundtable/roundtable"
)

// contentSecurityPolicy allows our own files only: no inline script or style,
// no framing, forms post back to us only.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// headerValue is one header value made once for every response: Header.Set
// would canonicalize the name and allocate the value's slice on every
// request. The slice is full (its capacity is its length), so a later Add
// to the same header appends to a copy, never to the shared array.
func headerValue(v string) []string { return []string{v} }

// Values of the headers every response gets.
var (
	cspHeader      = headerValue(contentSecurityPolicy)
	nosniffHeader  = headerValue("nosniff")
	referrerHeader = headerValue("no-referrer")
	frameHeader    = headerValue("DENY")
	openerHeader   = headerValue("same-origin")
	hstsHeader     = headerValue("max-age=31536000")
)

// secureHeaders sets the security headers on every response.
func (s *Server) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Security-Policy"] = cspHeader
		h["X-Content-Type-Options"] = nosniffHeader
		h["Referrer-Policy"] = referrerHeader
		h["X-Frame-Options"] = frameHeader
		h["Cross-Origin-Opener-Policy"] = openerHeader
		if s.secure {
			h["Strict-Transport-Security"] = hstsHeader
		}
		next.ServeHTTP(w, r)
	})
}

// checkOrigin refuses state-changing requests that a browser sends on behalf
// of another site (cross-site request forgery).
func (s *Server) checkOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.cop.Check(r); err != nil {
			s.log.Info("cross-origin request refused", "method", r.Method, "path_prefix", firstSegment(r.URL.Path))
			s.renderMessage(w, r, http.StatusForbidden, "This form came from another site",
				"For your safety we only accept forms sent from Roundtable's own pages. Please go back, reload the page and try again.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// loadSession finds the signed-in user from the session cookie and puts them,
// and the client's address, in the request's context.
func (s *Server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/favicon.ico" || strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		// The services note the client's address in the audit log.
		r = r.WithContext(roundtable.NewContextWithClientAddr(r.Context(), s.clientIP(r)))
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		u, err := s.svc.Auth.FindSession(r.Context(), c.Value)
		switch {
		case err == nil && u != nil:
			r = r.WithContext(roundtable.NewContextWithUser(r.Context(), u))
		case roundtable.ErrorCode(err) == roundtable.EUNAUTHORIZED:
			s.clearSessionCookie(w) // expired or ended elsewhere
		default:
			// The database may be down: carry on anonymously; pages that
			// need the user will ask the services and fail with a 500.
			s.log.Error("find session", "err", err)
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a panic into the friendly 500 page.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &trackingWriter{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic serving request", "method", r.Method, "route", routeLabel(r), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if !tw.wrote {
				s.renderMessage(tw, r, http.StatusInternalServerError, "Something went wrong on our side",
					"We are sorry: this page could not be shown. Please try again in a moment.")
			}
		}()
		next.ServeHTTP(tw, r)
	})
}

// trackingWriter remembers whether the response has started.
type trackingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (t *trackingWriter) WriteHeader(code int) {
	t.wrote = true
	t.ResponseWriter.WriteHeader(code)
}

func (t *trackingWriter) Write(b []byte) (int, error) {
	t.wrote = true
	return t.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (t *trackingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// routeLabel names a request in logs by its route pattern, never its URL:
// URLs of sign-in links and invitations carry secrets.
func routeLabel(r *http.Request) string {
	if r.Pattern != "" {
		return r.Pattern
	}
	return r.Method + " " + firstSegment(r.URL.Path) + "…"
}

// firstSegment returns the first segment of a path, e.g. "/circles".
func firstSegment(p string) string {
	if i := strings.IndexByte(strings.TrimPrefix(p, "/"), '/'); i >= 0 {
		return p[:i+1]
	}
	return p
}
