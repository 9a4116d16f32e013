package web

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/roundtable/roundtable"
)

// Cookie names.
const (
	sessionCookie = "rt_session"
	flashCookie   = "rt_flash"
)

// signIn rotates the session: the browser's old session (if any) ends and a
// new one starts for u, so a session fixed before sign-in is worthless.
// method says how u proved who she is, for the audit log ("" for a password).
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, u *roundtable.User, method string) error {
	return s.startSession(w, r, u, roundtable.SessionStart{Method: method})
}

// signInByLink signs in like signIn, noting that a sign-in link began the
// session: for a few minutes it may set a password without the old one.
func (s *Server) signInByLink(w http.ResponseWriter, r *http.Request, u *roundtable.User) error {
	return s.startSession(w, r, u, roundtable.SessionStart{ViaLink: true})
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *roundtable.User, how roundtable.SessionStart) error {
	how.Browser, how.Replaces = browserName(r.UserAgent()), sessionToken(r)
	token, err := s.svc.Auth.StartSession(r.Context(), u.ID, how)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		MaxAge:   int(roundtable.SessionLifetime / time.Second),
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteLaxMode,
	})
	return nil
}

// sessionToken returns the token of the browser's session cookie, or "".
func sessionToken(r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// clearSessionCookie tells the browser to forget its session.
func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}

// flash is a one-time message shown on the next page after a redirect.
type flash struct {
	Kind string `json:"k"` // flashSuccess, flashInfo or flashError
	Text string `json:"t"`
}

// The kinds of flash message. Each has its own look (see .flash-* in
// style.css); the layout announces errors as alerts and the others as status.
const (
	flashSuccess = "success" // what the person asked for is done
	flashInfo    = "info"    // nothing went wrong, nothing new was done
	flashError   = "error"   // what the person asked for was not done
)

// setFlash keeps a message for the next page in a short-lived cookie.
func (s *Server) setFlash(w http.ResponseWriter, kind, text string) {
	b, _ := json.Marshal(flash{Kind: kind, Text: text})
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/", MaxAge: 120,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}

// notice redirects with a message that what was asked is done (PRG).
func (s *Server) notice(w http.ResponseWriter, r *http.Request, to, text string) error {
	s.setFlash(w, flashSuccess, text)
	redirect(w, r, to)
	return nil
}

// inform redirects with a neutral message: nothing failed, but nothing new
// was done either (a meeting cancelled already, say).
func (s *Server) inform(w http.ResponseWriter, r *http.Request, to, text string) error {
	s.setFlash(w, flashInfo, text)
	redirect(w, r, to)
	return nil
}

// takeFlash reads and clears the flash message, if any.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return nil
	}
	var f flash
	if json.Unmarshal(b, &f) != nil || f.Text == "" || len(f.Text) > 500 {
		return nil
	}
	switch f.Kind {
	case flashSuccess, flashError:
	default:
		f.Kind = flashInfo
	}
	return &f
}
