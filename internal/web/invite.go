package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/roundtable/roundtable"
)

// invitePage welcomes an invited person and sets up their account.
type invitePage struct {
	layoutData
	Invitation *roundtable.Invitation
	Form       *form
	Action     string
}

var inviteFields = []string{"name", "time_zone", "password"}

func (s *Server) renderInvite(w http.ResponseWriter, r *http.Request, status int, inv *roundtable.Invitation, f *form) {
	f.Values.Del("password")
	s.render(w, r, status, "invite", &invitePage{
		layoutData: layoutData{Title: "Join " + inv.CircleName},
		Invitation: inv, Form: f, Action: "/invite/" + url.PathEscape(r.PathValue("token")),
	})
}

// renderInviteGone explains that an invitation no longer works.
func (s *Server) renderInviteGone(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusGone, "message", &messagePage{
		layoutData: layoutData{Title: "This invitation no longer works"},
		Message:    "Invitations work once and for two weeks. If you joined already, sign in to reach your circle. Otherwise ask your program's organizer for a new invitation.",
		LinkHref:   "/signin", LinkText: "Go to the sign-in page",
	})
}

// handleInviteShow shows what an invitation is for. It does not use it up.
func (s *Server) handleInviteShow(w http.ResponseWriter, r *http.Request) error {
	inv, err := s.svc.Auth.FindInvitation(r.Context(), r.PathValue("token"))
	if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
		s.renderInviteGone(w, r)
		return nil
	} else if err != nil {
		return fmt.Errorf("find invitation: %w", err)
	}
	tz := inv.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	s.renderInvite(w, r, http.StatusOK, inv, newForm(url.Values{"name": {inv.Name}, "time_zone": {tz}}, inviteFields...))
	return nil
}

// handleInviteAccept uses the invitation, sets up the account if needed,
// signs the person in and takes them to their circle.
func (s *Server) handleInviteAccept(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	inv, err := s.svc.Auth.FindInvitation(r.Context(), token)
	if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
		s.renderInviteGone(w, r)
		return nil
	} else if err != nil {
		return fmt.Errorf("find invitation: %w", err)
	}
	f := newForm(r.PostForm, inviteFields...)
	setup := roundtable.AccountSetup{Name: f.text("name"), TimeZone: f.text("time_zone"), Password: f.Get("password")}
	if inv.NeedsAccount {
		if setup.Name == "" {
			f.add("name", "Enter your name as your circle will see it.")
		}
		if msg := roundtable.ValidateTimeZone(setup.TimeZone); msg != "" {
			f.add("time_zone", msg)
		}
		if msg := roundtable.ValidatePassword(setup.Password); msg != "" {
			f.add("password", msg)
		}
	}
	var u *roundtable.User
	if !f.Invalid() {
		u, err = s.svc.Auth.AcceptInvitation(r.Context(), token, setup)
	}
	if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
		s.renderInviteGone(w, r)
		return nil
	}
	if f.Invalid() || f.fail(err) {
		f.finish("")
		s.renderInvite(w, r, http.StatusUnprocessableEntity, inv, f)
		return nil
	} else if err != nil {
		return fmt.Errorf("accept invitation: %w", err)
	}
	if err := s.signIn(w, r, u, "invitation"); err != nil {
		return err
	}
	return s.notice(w, r, "/circles/"+inv.CircleID+"/welcome", "Welcome, "+u.Name+". You are signed in.")
}
