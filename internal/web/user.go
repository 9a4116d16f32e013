package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/roundtable/roundtable"
)

// usersPage lists every account and offers a form to add one.
type usersPage struct {
	layoutData
	Users []*roundtable.User
	Form  *form
}

var userFields = []string{"name", "email", "time_zone", "can_organize", "is_admin"}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	users, err := s.svc.Users.ListUsers(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, status, "users", &usersPage{layoutData: layoutData{Title: "Users", Nav: "users"}, Users: users, Form: f})
	return nil
}

// requireAdmin returns the signed-in administrator.
func requireAdmin(r *http.Request) (*roundtable.User, error) {
	u, err := requireUser(r)
	if err != nil {
		return nil, err
	}
	if !u.IsAdmin {
		return nil, roundtable.Errorf(roundtable.EFORBIDDEN, "Only administrators can manage accounts.")
	}
	return u, nil
}

// handleUserIndex lists accounts for administrators.
func (s *Server) handleUserIndex(w http.ResponseWriter, r *http.Request) error {
	u, err := requireAdmin(r)
	if err != nil {
		return err
	}
	return s.renderUsers(w, r, http.StatusOK, newForm(url.Values{"time_zone": {u.TimeZone}, "can_organize": {"on"}}, userFields...))
}

// handleUserCreate creates an account without a password: the new person
// signs in with a link sent to their e-mail.
func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireAdmin(r); err != nil {
		return err
	}
	f := newForm(r.PostForm, userFields...)
	nu := &roundtable.User{
		Name: f.text("name"), Email: f.text("email"), TimeZone: f.text("time_zone"),
		CanOrganize: f.checked("can_organize"), IsAdmin: f.checked("is_admin"),
	}
	if nu.Name == "" {
		f.add("name", "Enter the person's name.")
	}
	if msg := roundtable.ValidateEmail(nu.Email); msg != "" {
		f.add("email", msg)
	}
	if msg := roundtable.ValidateTimeZone(nu.TimeZone); msg != "" {
		f.add("time_zone", msg)
	}
	var err error
	if !f.Invalid() {
		err = s.svc.Users.CreateUser(r.Context(), nu, "")
	}
	if roundtable.ErrorCode(err) == roundtable.ECONFLICT && len(roundtable.ErrorFields(err)) == 0 {
		f.add("email", "This e-mail address has an account already.")
	}
	if f.Invalid() || f.fail(err) {
		f.finish("")
		return s.renderUsers(w, r, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	return s.notice(w, r, "/admin/users", "Account created for "+nu.Name+". They sign in by asking for a link on the sign-in page with "+nu.Email+".")
}
