package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/roundtable/roundtable"
)

// accountPage holds the profile form and the password form.
type accountPage struct {
	layoutData
	Form         *form
	PasswordForm *form
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, f, pf *form) {
	pf.Values.Del("password")
	s.render(w, r, status, "account", &accountPage{layoutData: layoutData{Title: "Your account", Nav: "account"}, Form: f, PasswordForm: pf})
}

// handleAccountShow shows the signed-in person's details.
func (s *Server) handleAccountShow(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	f := newForm(url.Values{"name": {u.Name}, "time_zone": {u.TimeZone}}, "name", "time_zone")
	s.renderAccount(w, r, http.StatusOK, f, newForm(nil, "password"))
	return nil
}

// handleAccountUpdate saves the name and time zone.
func (s *Server) handleAccountUpdate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	f := newForm(r.PostForm, "name", "time_zone")
	if msg := roundtable.ValidateTimeZone(f.text("time_zone")); msg != "" {
		f.add("time_zone", msg)
	}
	if f.text("name") == "" {
		f.add("name", "Enter your name.")
	}
	var err error
	if !f.Invalid() {
		_, err = s.svc.Users.UpdateProfile(r.Context(), f.text("name"), f.text("time_zone"))
	}
	if f.Invalid() || f.fail(err) {
		f.finish("")
		s.renderAccount(w, r, http.StatusUnprocessableEntity, f, newForm(nil, "password"))
		return nil
	} else if err != nil {
		return fmt.Errorf("update profile: %w", err)
	}
	return s.notice(w, r, "/account", "Your details are saved.")
}

// handleAccountPassword sets a new password.
func (s *Server) handleAccountPassword(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	pf := newForm(r.PostForm, "password")
	if msg := roundtable.ValidatePassword(pf.Get("password")); msg != "" {
		pf.add("password", msg)
	}
	if !pf.Invalid() {
		err = s.svc.Users.SetPassword(r.Context(), pf.Get("password"))
	}
	if pf.Invalid() || pf.fail(err) {
		pf.finish("")
		f := newForm(url.Values{"name": {u.Name}, "time_zone": {u.TimeZone}}, "name", "time_zone")
		s.renderAccount(w, r, http.StatusUnprocessableEntity, f, pf)
		return nil
	} else if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return s.notice(w, r, "/account", "Your new password is saved.")
}
