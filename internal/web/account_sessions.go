package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/roundtable/roundtable"
)

// sessionView is one line of the list of a person's sessions.
type sessionView struct {
	*roundtable.Session
	Since    string // "3 December"
	LastUsed string // "today at 10:42"
}

// accountSessions fills the account page's sessions and what the password
// form asks for.
func (s *Server) accountSessions(r *http.Request, p *accountPage) error {
	u := currentUser(r)
	list, err := s.svc.Auth.ListSessions(r.Context(), sessionToken(r))
	if err != nil {
		return fmt.Errorf("list sessions: %w", err)
	}
	loc, now := u.Location(), s.now()
	p.Zone = zoneName(loc)
	freshLink := false
	for _, ss := range list {
		p.Sessions = append(p.Sessions, sessionView{Session: ss, Since: sinceText(ss.CreatedAt, loc, now), LastUsed: lastUsedText(ss.LastSeenAt, loc, now)})
		if ss.Current && ss.ViaLink && now.Sub(ss.CreatedAt) < roundtable.PasswordLinkWindow {
			freshLink = true
		}
	}
	p.NeedsCurrent = !freshLink && u.HasPassword
	p.NeedsLink = !freshLink && !u.HasPassword
	return nil
}

// sinceText says on which day a session began.
func sinceText(t time.Time, loc *time.Location, now time.Time) string {
	if t.In(loc).Year() != now.In(loc).Year() {
		return t.In(loc).Format("2 January 2006")
	}
	return t.In(loc).Format("2 January")
}

// lastUsedText says when a session was last used. Use is written down only
// every few minutes, so the last few minutes are one moment.
func lastUsedText(t time.Time, loc *time.Location, now time.Time) string {
	if now.Sub(t) < roundtable.SessionSeenInterval {
		return "in the last few minutes"
	}
	t, now = t.In(loc), now.In(loc)
	day := func(x time.Time) time.Time { return time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, loc) }
	switch days := int(day(now).Sub(day(t)).Hours()/24 + 0.5); {
	case days == 0:
		return "today at " + t.Format("15:04")
	case days == 1:
		return "yesterday at " + t.Format("15:04")
	case t.Year() == now.Year():
		return t.Format("Monday 2 January at 15:04")
	}
	return t.Format("2 January 2006 at 15:04")
}

// handleAccountPassword sets a new password. It asks for the current one,
// unless a sign-in link began this session moments ago, and ends the
// person's other sessions. Wrong current passwords count like wrong
// passwords at sign-in, so a borrowed session cannot guess at leisure.
func (s *Server) handleAccountPassword(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	pf := newForm(r.PostForm, "current_password", "password")
	client := s.clientIP(r)
	if wait := s.signins.wait(u.Email, addrKey(client)); wait > 0 {
		s.log.Warn("password change throttled", "email", u.Email, "client", client, "wait", wait.Round(time.Second).String())
		setRetryAfter(w, wait)
		pf.finish(tooManyTries(wait))
		return s.renderAccount(w, r, http.StatusTooManyRequests, profileForm(u), pf)
	}
	err = s.svc.Auth.ChangePassword(r.Context(), sessionToken(r), pf.Get("current_password"), pf.Get("password"))
	if roundtable.ErrorFields(err)["current_password"] != "" && pf.Get("current_password") != "" {
		n := s.signins.fail(u.Email, addrKey(client))
		s.log.Info("password change refused: wrong current password", "email", u.Email, "client", client, "failures_from_client", n)
	}
	if pf.fail(err) {
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, profileForm(u), pf)
	} else if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	s.signins.succeed(u.Email, addrKey(client))
	return s.notice(w, r, "/account#password", "Your new password is saved. Any other browser signed in as you has been signed out.")
}

// handleSessionEnd signs one of the person's browsers out.
func (s *Server) handleSessionEnd(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("sessionID")
	list, err := s.svc.Auth.ListSessions(r.Context(), sessionToken(r))
	if err != nil {
		return fmt.Errorf("list sessions: %w", err)
	}
	if err := s.svc.Auth.EndSession(r.Context(), id); err != nil {
		return err
	}
	for _, ss := range list {
		if ss.ID == id && ss.Current {
			s.clearSessionCookie(w)
			return s.notice(w, r, "/", "You are signed out.")
		}
	}
	return s.notice(w, r, "/account#sessions", "That browser is signed out.")
}

// handleSessionsEndOthers signs out every browser of the person but this one.
func (s *Server) handleSessionsEndOthers(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	n, err := s.svc.Auth.EndOtherSessions(r.Context(), sessionToken(r))
	if err != nil {
		return fmt.Errorf("end other sessions: %w", err)
	}
	if n == 0 {
		return s.notice(w, r, "/account#sessions", "You were signed in on this browser only.")
	}
	return s.notice(w, r, "/account#sessions", "Signed out of "+plural(n, "other browser", "other browsers")+". This one stays signed in.")
}
