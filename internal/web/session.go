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
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, u *roundtable.User) error {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.svc.Auth.DeleteSession(r.Context(), c.Value); err != nil {
			return fmt.Errorf("end old session: %w", err)
		}
	}
	token, err := s.svc.Auth.CreateSession(r.Context(), u.ID)
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

// clearSessionCookie tells the browser to forget its session.
func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}

// flash is a one-time message shown on the next page after a redirect.
type flash struct {
	Kind string `json:"k"` // "info" or "error"
	Text string `json:"t"`
}

// setFlash keeps a message for the next page in a short-lived cookie.
func (s *Server) setFlash(w http.ResponseWriter, kind, text string) {
	b, _ := json.Marshal(flash{Kind: kind, Text: text})
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/", MaxAge: 120,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode,
	})
}

// notice redirects with an informational flash message (PRG).
func (s *Server) notice(w http.ResponseWriter, r *http.Request, to, text string) error {
	s.setFlash(w, "info", text)
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
	if f.Kind != "error" {
		f.Kind = "info"
	}
	return &f
}
