package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/roundtable/roundtable"
)

// accountDeletePage asks once, saying what deleting the account does.
type accountDeletePage struct {
	layoutData
	Form         *form
	NeedsCurrent bool // the password is asked for
	NeedsLink    bool // she has no password and no fresh link: she must sign in with one first
	Circles      int  // how many circles she leaves
}

func (s *Server) renderAccountDelete(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	f.Values.Del("password")
	p := &accountDeletePage{layoutData: layoutData{Title: "Delete your account", Nav: "account"}, Form: f}
	needs, has, err := s.svc.Deletion.DeletionNeedsPassword(r.Context(), sessionToken(r))
	if err != nil {
		return fmt.Errorf("deletion check: %w", err)
	}
	p.NeedsCurrent, p.NeedsLink = needs && has, needs && !has
	circles, err := s.svc.Circles.ListMyCircles(r.Context())
	if err != nil {
		return fmt.Errorf("list circles: %w", err)
	}
	p.Circles = len(circles)
	s.render(w, r, status, "account_delete", p)
	return nil
}

// handleAccountDeleteShow asks the person to confirm deleting her account.
func (s *Server) handleAccountDeleteShow(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	return s.renderAccountDelete(w, r, http.StatusOK, newForm(nil, "password"))
}

// handleAccountDelete deletes the signed-in person's account and signs this
// browser out (the others were ended with the account). Wrong passwords
// count towards the same limit as sign-ins.
func (s *Server) handleAccountDelete(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	f := newForm(r.PostForm, "password")
	client := s.clientIP(r)
	if wait := s.signins.wait(u.Email, addrKey(client)); wait > 0 {
		s.log.Warn("account deletion throttled", "email", u.Email, "client", client, "wait", wait.Round(time.Second).String())
		setRetryAfter(w, wait)
		f.finish(tooManyTries(wait))
		return s.renderAccountDelete(w, r, http.StatusTooManyRequests, f)
	}
	err = s.svc.Deletion.DeleteMyAccount(r.Context(), sessionToken(r), f.Get("password"))
	if roundtable.ErrorFields(err)["password"] != "" && f.Get("password") != "" {
		s.signins.fail(u.Email, addrKey(client))
	}
	if f.fail(err) {
		return s.renderAccountDelete(w, r, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return fmt.Errorf("delete account: %w", err)
	}
	s.clearSessionCookie(w)
	return s.notice(w, r, "/", "Your account is deleted. Thank you for the time you gave your circles.")
}
