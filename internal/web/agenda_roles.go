package web

import (
	"net/http"
	"net/url"

	"github.com/roundtable/roundtable"
)

// singleRoles are the roles one person holds, as the roles form asks them.
var singleRoles = func() []roleChoice {
	var out []roleChoice
	for _, r := range []roundtable.MeetingRole{roundtable.RoleChair, roundtable.RoleTimekeeper, roundtable.RoleNoteTaker, roundtable.RoleOpener} {
		out = append(out, roleChoice{Key: string(r), Label: r.Label(), Hint: roleHint(r)})
	}
	return out
}()

// rolesFields are the roles form's fields in page order.
var rolesFields = []string{"facilitator", "presenter", "timekeeper", "notetaker", "opener", "roles"}

// rolesPage is the form for who holds which role in a meeting.
type rolesPage struct {
	layoutData
	meetingHead
	Form      *form
	People    []option // the circle's people who may hold a role
	Singles   []roleChoice
	Suggested bool
	Away      []string // names of those who said they will not come
}

// roleChoice is one single-holder role on the form.
type roleChoice struct {
	Key, Label, Hint string
}

func roleHint(r roundtable.MeetingRole) string {
	switch r {
	case roundtable.RoleChair:
		return "Runs the meeting and may change its agenda. Usually the circle's facilitator."
	case roundtable.RoleTimekeeper:
		return "Watches the time of each part and moves the agenda on."
	case roundtable.RoleNoteTaker:
		return "Writes the minutes during the meeting."
	case roundtable.RoleOpener:
		return "Speaks first in the opening round."
	}
	return ""
}

// roleValues writes roles as the form's values.
func roleValues(roles []roundtable.RoleAssignment) url.Values {
	v := url.Values{}
	for _, r := range roles {
		v.Add(string(r.Role), r.UserID)
	}
	return v
}

// readRoles reads the roles form.
func readRoles(v url.Values) []roundtable.RoleAssignment {
	var out []roundtable.RoleAssignment
	for _, role := range roundtable.MeetingRoles {
		for _, id := range v[string(role)] {
			out = append(out, roundtable.RoleAssignment{Role: role, UserID: id})
		}
	}
	return out
}

func (s *Server) renderRoles(w http.ResponseWriter, r *http.Request, status int, u *roundtable.User, m *roundtable.Meeting,
	home *roundtable.CircleHome, f *form, suggested bool) {
	page := &rolesPage{
		layoutData:  layoutData{Title: "Roles for the meeting", Nav: "home"},
		meetingHead: s.headOf(u, m, home.Circle),
		Form:        f, Suggested: suggested, Singles: singleRoles,
	}
	for _, p := range home.Circle.Members {
		if p.JoinedAt == nil || p.GroundRulesAcceptedAt == nil {
			continue
		}
		label := p.Name
		if p.Role == roundtable.RoleFacilitator {
			label += " (facilitator)"
		}
		if m.RSVPs[p.UserID] == roundtable.RSVPNo {
			label += " (not coming)"
			page.Away = append(page.Away, p.Name)
		}
		page.People = append(page.People, option{p.UserID, label})
	}
	s.render(w, r, status, "meeting_roles", page)
}

// handleRolesEdit shows the roles form, filled from the saved roles or,
// with ?suggest=1, from the fair rotation.
func (s *Server) handleRolesEdit(w http.ResponseWriter, r *http.Request) error {
	u, m, home, ag, err := s.editableAgenda(r)
	if err != nil {
		return err
	}
	roles, suggested := ag.Roles, r.URL.Query().Get("suggest") != ""
	if suggested {
		if roles, err = s.svc.Agendas.SuggestRoles(r.Context(), m.ID, -1); err != nil {
			return err
		}
	}
	s.renderRoles(w, r, http.StatusOK, u, m, home, newForm(roleValues(roles), rolesFields...), suggested)
	return nil
}

// handleRolesSave saves who holds which role.
func (s *Server) handleRolesSave(w http.ResponseWriter, r *http.Request) error {
	u, m, home, _, err := s.editableAgenda(r)
	if err != nil {
		return err
	}
	f := newForm(r.PostForm, rolesFields...)
	roles, err := roundtable.ValidateRoles(readRoles(r.PostForm))
	if err == nil {
		err = s.svc.Agendas.SetRoles(r.Context(), m.ID, roles)
	}
	if err != nil {
		if !f.fail(err) {
			return err
		}
		s.renderRoles(w, r, http.StatusUnprocessableEntity, u, m, home, f, false)
		return nil
	}
	return s.notice(w, r, "/meetings/"+m.ID, "Roles saved. Everyone sees them on the meeting's page.")
}

// challengeFields are the challenge card's fields in page order.
var challengeFields = []string{"question", "context", "tried"}

// challengePage is a presenter's form for her challenge card.
type challengePage struct {
	layoutData
	meetingHead
	Form   *form
	Others []string // the other presenters' names
}

// presenterAgenda returns the meeting and agenda of the request for one
// of its presenters.
func (s *Server) presenterAgenda(r *http.Request) (*roundtable.User, *roundtable.Meeting, *roundtable.CircleHome, *roundtable.Agenda, error) {
	u, m, home, ag, err := s.agendaOf(r)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if !ag.Holds(u.ID, roundtable.RolePresenter) {
		return nil, nil, nil, nil, roundtable.Errorf(roundtable.EFORBIDDEN, "Only the meeting's presenters write challenge cards, each her own.")
	}
	if err := s.settled(m, "its challenge cards"); err != nil {
		return nil, nil, nil, nil, err
	}
	return u, m, home, ag, nil
}

func (s *Server) renderChallenge(w http.ResponseWriter, r *http.Request, status int, u *roundtable.User, m *roundtable.Meeting,
	home *roundtable.CircleHome, ag *roundtable.Agenda, f *form) {
	page := &challengePage{
		layoutData:  layoutData{Title: "Your challenge card", Nav: "home"},
		meetingHead: s.headOf(u, m, home.Circle), Form: f,
	}
	for _, c := range ag.Challenges {
		if c.PresenterID != u.ID {
			page.Others = append(page.Others, c.Name)
		}
	}
	s.render(w, r, status, "meeting_challenge", page)
}

// handleChallengeEdit shows the presenter her card.
func (s *Server) handleChallengeEdit(w http.ResponseWriter, r *http.Request) error {
	u, m, home, ag, err := s.presenterAgenda(r)
	if err != nil {
		return err
	}
	v := url.Values{}
	if c := ag.Challenge(u.ID); c != nil {
		v = url.Values{"context": {c.Context}, "question": {c.Question}, "tried": {c.Tried}}
	}
	s.renderChallenge(w, r, http.StatusOK, u, m, home, ag, newForm(v, challengeFields...))
	return nil
}

// handleChallengeSave saves the presenter's card.
func (s *Server) handleChallengeSave(w http.ResponseWriter, r *http.Request) error {
	u, m, home, ag, err := s.presenterAgenda(r)
	if err != nil {
		return err
	}
	f := newForm(r.PostForm, challengeFields...)
	c := &roundtable.Challenge{MeetingID: m.ID, Context: f.Get("context"), Question: f.Get("question"), Tried: f.Get("tried")}
	if err := s.svc.Agendas.SaveChallenge(r.Context(), c); err != nil {
		if !f.fail(err) {
			return err
		}
		s.renderChallenge(w, r, http.StatusUnprocessableEntity, u, m, home, ag, f)
		return nil
	}
	return s.notice(w, r, "/meetings/"+m.ID, "Your challenge card is saved. The circle reads it on the meeting's page and in the reminder a week before.")
}

// Select is the select of a single-holder role for the "field" partial.
func (p *rolesPage) Select(c roleChoice) *fieldView {
	return &fieldView{Form: p.Form, Name: c.Key, Label: c.Label, Hint: c.Hint, Type: "select",
		Options: append([]option{{"", "Nobody"}}, p.People...)}
}
