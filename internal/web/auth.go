package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/roundtable/roundtable"
)

// formPage is a page with one form.
type formPage struct {
	layoutData
	Form *form
}

// setupFields are the fields of the first administrator's form.
var setupFields = []string{"name", "email", "password", "time_zone"}

// handleSetupShow asks the first visitor of a new installation to create the
// administrator. Once anyone has an account the page does not exist.
func (s *Server) handleSetupShow(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireNoUsers(r); err != nil {
		return err
	}
	f := newForm(url.Values{"time_zone": {"UTC"}}, setupFields...)
	s.render(w, r, http.StatusOK, "setup", &formPage{layoutData: layoutData{Title: "Set up Roundtable"}, Form: f})
	return nil
}

// handleSetupCreate creates the administrator and signs them in.
func (s *Server) handleSetupCreate(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireNoUsers(r); err != nil {
		return err
	}
	f := newForm(r.PostForm, setupFields...)
	u := &roundtable.User{Name: f.text("name"), Email: f.text("email"), TimeZone: f.text("time_zone")}
	password := f.Get("password")
	if u.Name == "" {
		f.add("name", "Enter your name.")
	}
	if msg := roundtable.ValidateEmail(u.Email); msg != "" {
		f.add("email", msg)
	}
	if msg := roundtable.ValidateTimeZone(u.TimeZone); msg != "" {
		f.add("time_zone", msg)
	}
	if msg := roundtable.ValidatePassword(password); msg != "" {
		f.add("password", msg)
	}
	err := error(nil)
	if !f.Invalid() {
		err = s.svc.Users.CreateFirstAdmin(r.Context(), u, password)
	}
	if roundtable.ErrorCode(err) == roundtable.ECONFLICT && len(roundtable.ErrorFields(err)) == 0 {
		return roundtable.Errorf(roundtable.ENOTFOUND, "Set-up is done.")
	}
	if f.Invalid() || f.fail(err) {
		f.finish("")
		f.Values.Del("password")
		s.render(w, r, http.StatusUnprocessableEntity, "setup", &formPage{layoutData: layoutData{Title: "Set up Roundtable"}, Form: f})
		return nil
	} else if err != nil {
		return fmt.Errorf("create first admin: %w", err)
	}
	if err := s.signIn(w, r, u, "set-up"); err != nil {
		return err
	}
	return s.notice(w, r, "/", "Welcome, "+u.Name+". Your administrator account is ready.")
}

// requireNoUsers answers 404 once the installation has users.
func (s *Server) requireNoUsers(r *http.Request) error {
	n, err := s.svc.Users.CountUsers(r.Context())
	if err != nil {
		return fmt.Errorf("count users: %w", err)
	}
	if n > 0 {
		return roundtable.Errorf(roundtable.ENOTFOUND, "Set-up is done.")
	}
	return nil
}

// signInPage is the sign-in page: a password form and a link form.
type signInPage struct {
	layoutData
	Form     *form // e-mail and password
	LinkForm *form // e-mail for a sign-in link
	Next     string
}

// handleSignInShow shows the sign-in page.
func (s *Server) handleSignInShow(w http.ResponseWriter, r *http.Request) error {
	next := localPath(r.URL.Query().Get("next"), "")
	if currentUser(r) != nil {
		redirect(w, r, localPath(next, "/"))
		return nil
	}
	s.renderSignIn(w, r, http.StatusOK, newForm(nil, "email", "password"), newForm(nil, "link_email"), next)
	return nil
}

func (s *Server) renderSignIn(w http.ResponseWriter, r *http.Request, status int, f, lf *form, next string) {
	f.Values.Del("password")
	s.render(w, r, status, "signin", &signInPage{layoutData: layoutData{Title: "Sign in"}, Form: f, LinkForm: lf, Next: next})
}

// handleSignInPassword signs in with e-mail and password. Wrong passwords
// slow down the address that sends them (see signInThrottle); the account
// itself is never locked.
func (s *Server) handleSignInPassword(w http.ResponseWriter, r *http.Request) error {
	f := newForm(r.PostForm, "email", "password")
	next := localPath(f.Get("next"), "")
	email := roundtable.NormalizeEmail(f.Get("email"))
	if msg := roundtable.ValidateEmail(f.Get("email")); msg != "" {
		f.add("email", msg)
	}
	if f.Get("password") == "" {
		f.add("password", "Enter your password.")
	}
	if f.Invalid() {
		f.finish("")
		s.renderSignIn(w, r, http.StatusUnprocessableEntity, f, newForm(nil, "link_email"), next)
		return nil
	}
	client := s.clientIP(r)
	if wait := s.signins.wait(email, addrKey(client)); wait > 0 {
		s.log.Warn("sign-in throttled", "email", email, "client", client, "wait", wait.Round(time.Second).String())
		if err := s.svc.Auth.RecordThrottled(r.Context(), email, false); err != nil {
			return fmt.Errorf("record throttled sign-in: %w", err)
		}
		setRetryAfter(w, wait)
		f.finish(tooManyTries(wait))
		s.renderSignIn(w, r, http.StatusTooManyRequests, f, newForm(nil, "link_email"), next)
		return nil
	}
	u, err := s.svc.Auth.Authenticate(r.Context(), email, f.Get("password"))
	if roundtable.ErrorCode(err) == roundtable.EUNAUTHORIZED {
		n := s.signins.fail(email, addrKey(client))
		s.log.Info("sign-in failed: wrong e-mail or password", "email", email, "client", client, "failures_from_client", n)
		f.add("password", "The e-mail address or the password is not right.")
		f.finish("We could not sign you in with that e-mail address and password. Check them, or ask for a sign-in link below.")
		s.renderSignIn(w, r, http.StatusUnauthorized, f, newForm(nil, "link_email"), next)
		return nil
	} else if err != nil {
		return fmt.Errorf("authenticate: %w", err)
	}
	s.signins.succeed(email, addrKey(client))
	if err := s.signIn(w, r, u, ""); err != nil {
		return err
	}
	redirect(w, r, localPath(next, "/"))
	return nil
}

// tooManyTries is the message for a client that must wait.
func tooManyTries(wait time.Duration) string {
	return "Too many tries from here; try again in " + waitText(wait) + "."
}

// waitText says a wait in whole seconds, or minutes from two minutes on,
// rounding up so that trying again after it always works.
func waitText(d time.Duration) string {
	secs := waitSeconds(d)
	if secs < 120 {
		return plural(secs, "second", "seconds")
	}
	mins := (secs + 59) / 60
	return strconv.Itoa(mins) + " minutes"
}

// setRetryAfter tells the client how many seconds to wait.
func setRetryAfter(w http.ResponseWriter, d time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(waitSeconds(d)))
}

// waitSeconds is a wait in whole seconds, rounded up.
func waitSeconds(d time.Duration) int { return int((d + time.Second - 1) / time.Second) }

// handleSignInLinkRequest e-mails a sign-in link. The answer is the same
// whether or not the address has an account.
func (s *Server) handleSignInLinkRequest(w http.ResponseWriter, r *http.Request) error {
	lf := newForm(r.PostForm, "link_email")
	email := roundtable.NormalizeEmail(lf.Get("link_email"))
	if ok, wait := s.allowLinkRequest(r, email); !ok {
		s.log.Warn("sign-in link request throttled", "email", email, "client", s.clientIP(r), "wait", wait.Round(time.Second).String())
		if err := s.svc.Auth.RecordThrottled(r.Context(), email, true); err != nil {
			return fmt.Errorf("record throttled link request: %w", err)
		}
		setRetryAfter(w, wait)
		s.renderMessage(w, r, http.StatusTooManyRequests, "Please wait a little",
			"Many sign-in links have been asked for from here or for this address. If you asked for one, look for the newest in your inbox (and spam folder); otherwise try again in "+waitText(wait)+".")
		return nil
	}
	if msg := roundtable.ValidateEmail(lf.Get("link_email")); msg != "" {
		lf.add("link_email", msg)
		lf.finish("")
		s.renderSignIn(w, r, http.StatusUnprocessableEntity, newForm(nil, "email", "password"), lf, "")
		return nil
	}
	if err := s.svc.Auth.RequestSignInLink(r.Context(), email); err != nil {
		return fmt.Errorf("request sign-in link: %w", err)
	}
	return s.inform(w, r, "/signin", "If that address has an account, a link is on its way. It works once, for 15 minutes.")
}

// tokenPage shows a button that uses a one-time token.
type tokenPage struct {
	layoutData
	Action string
}

// handleSignInLinkShow shows a button to use a sign-in link. The link is not
// used up by a GET, so mail scanners that open links do not spend it.
func (s *Server) handleSignInLinkShow(w http.ResponseWriter, r *http.Request) error {
	action := "/signin/link/" + url.PathEscape(r.PathValue("token"))
	// A link may lead somewhere (a guest's meeting room): keep where, if it
	// is one of our own pages.
	if next := localPath(r.URL.Query().Get("next"), ""); next != "" {
		action += "?next=" + url.QueryEscape(next)
	}
	s.render(w, r, http.StatusOK, "signin_link", &tokenPage{
		layoutData: layoutData{Title: "Sign in to Roundtable"},
		Action:     action,
	})
	return nil
}

// handleSignInLinkRedeem uses up a sign-in link and signs in.
func (s *Server) handleSignInLinkRedeem(w http.ResponseWriter, r *http.Request) error {
	u, err := s.svc.Auth.RedeemSignInLink(r.Context(), r.PathValue("token"))
	if roundtable.ErrorCode(err) == roundtable.EUNAUTHORIZED || roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
		s.render(w, r, http.StatusGone, "message", &messagePage{
			layoutData: layoutData{Title: "This link no longer works"},
			Message:    "Sign-in links work once and for a limited time. Ask for a new one on the sign-in page.",
			LinkHref:   "/signin", LinkText: "Go to the sign-in page",
		})
		return nil
	} else if err != nil {
		return fmt.Errorf("redeem sign-in link: %w", err)
	}
	if err := s.signInByLink(w, r, u); err != nil {
		return err
	}
	return s.notice(w, r, localPath(r.URL.Query().Get("next"), "/"), "You are signed in.")
}

// handleSignOut ends the session.
func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.svc.Auth.DeleteSession(r.Context(), c.Value); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
	}
	s.clearSessionCookie(w)
	return s.notice(w, r, "/", "You are signed out.")
}
