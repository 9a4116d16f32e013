package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/schedule"
)

// welcomePage shows a circle's ground rules before anything else of it.
type welcomePage struct {
	layoutData
	Home     *roundtable.CircleHome
	Accepted bool
}

// handleCircleWelcome shows the ground rules to a member who has not
// accepted them, and nothing else of the circle.
func (s *Server) handleCircleWelcome(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	home, err := s.svc.Circles.FindCircleWelcome(r.Context(), r.PathValue("circleID"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "welcome", &welcomePage{
		layoutData: layoutData{Title: "Welcome to " + home.Circle.Name, Nav: "home"},
		Home:       home, Accepted: home.Me != nil && home.Me.GroundRulesAcceptedAt != nil,
	})
	return nil
}

// handleCircleAccept records that the member accepts the ground rules.
func (s *Server) handleCircleAccept(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("circleID")
	if err := s.svc.Circles.AcceptGroundRules(r.Context(), id); err != nil {
		return err
	}
	return s.notice(w, r, "/circles/"+id, "Thank you. Welcome to your circle.")
}

// memberView is one person on the circle page.
type memberView struct {
	*roundtable.CircleMember
	Goals []*roundtable.Goal
	IsMe  bool
}

// meetingView is a meeting in the reader's time zone.
type meetingView struct {
	*roundtable.Meeting
	When string
}

// circleHomePage is the circle's own page. It is confidential.
type circleHomePage struct {
	layoutData
	Home          *roundtable.CircleHome
	Members       []memberView
	Upcoming      []meetingView
	Past          []meetingView
	Zone          string
	MyGoals       []*roundtable.Goal
	IsFacilitator bool
	RSVPs         []roundtable.RSVP
	// Rhythm is the circle's weekly time when it has one, like "Tue 15:00
	// Europe/London — Tue 16:00 your time", so members know it before the
	// meetings are scheduled; the series' time once there is one.
	Rhythm string
	// Cadence says how often, like "every two weeks" or "the second
	// Tuesday of every month".
	Cadence   string
	HasSeries bool
	Polls     []pollLink // open polls for a new time
}

// pollLink is an open poll on the circle page.
type pollLink struct {
	ID, MeetingWhen string
	Answered        bool
}

// circleRhythm describes a circle's weekly slot for a reader in loc over the
// program's dates, or "" when the circle has no slot.
func circleRhythm(c *roundtable.Circle, p *roundtable.Program, loc *time.Location) string {
	if c.Slot == "" || p == nil {
		return ""
	}
	slot, err := schedule.ParseSlot(c.Slot)
	if err != nil {
		return ""
	}
	ref, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		return ""
	}
	plan, err := schedule.NewPlan(ref, schedule.NewRange(p.StartDate, p.EndDate), 1)
	if err != nil {
		return ""
	}
	return plan.Explain(slot, loc)
}

// handleCircleShow shows a circle to its members: people, ground rules,
// goals and meetings, times in the reader's zone.
func (s *Server) handleCircleShow(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	home, err := s.svc.Circles.FindCircleHome(r.Context(), r.PathValue("circleID"))
	if err != nil {
		return err
	}
	loc, now := u.Location(), s.now()
	data := &circleHomePage{
		layoutData: layoutData{Title: home.Circle.Name, Nav: "home"},
		Home:       home, Zone: zoneName(loc), RSVPs: []roundtable.RSVP{roundtable.RSVPYes, roundtable.RSVPMaybe, roundtable.RSVPNo},
		IsFacilitator: home.Me != nil && home.Me.Role == roundtable.RoleFacilitator,
	}
	for _, m := range home.Circle.Members {
		data.Members = append(data.Members, memberView{CircleMember: m, Goals: home.Goals[m.UserID], IsMe: m.UserID == u.ID})
	}
	data.MyGoals = home.Goals[u.ID]
	data.Cadence = strings.ToLower(home.Program.Cadence.Label())
	for _, m := range home.Upcoming {
		data.Upcoming = append(data.Upcoming, meetingView{Meeting: m, When: meetingWhen(m.StartsAt, m.EndsAt(), loc, now)})
	}
	for _, m := range home.Past {
		data.Past = append(data.Past, meetingView{Meeting: m, When: meetingWhen(m.StartsAt, m.EndsAt(), loc, now)})
	}
	if err := s.circleSchedule(r, data, loc); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "circle_home", data)
	return nil
}

// goalsPage is the form for a member's 1–3 leadership goals.
type goalsPage struct {
	layoutData
	Circle *roundtable.Circle
	Form   *form
}

var goalFields = []string{"goal1", "goal2", "goal3"}

// handleGoalsEdit shows the member's goals form.
func (s *Server) handleGoalsEdit(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	home, err := s.svc.Circles.FindCircleHome(r.Context(), r.PathValue("circleID"))
	if err != nil {
		return err
	}
	v := url.Values{}
	for i, g := range home.Goals[u.ID] {
		if i < roundtable.MaxGoals {
			v.Set("goal"+strconv.Itoa(i+1), g.Text)
		}
	}
	s.render(w, r, http.StatusOK, "goals", &goalsPage{
		layoutData: layoutData{Title: "Your leadership goals", Nav: "home"},
		Circle:     home.Circle, Form: newForm(v, goalFields...),
	})
	return nil
}

// handleGoalsUpdate saves the member's goals.
func (s *Server) handleGoalsUpdate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("circleID")
	f := newForm(r.PostForm, goalFields...)
	goals := []string{f.Get("goal1"), f.Get("goal2"), f.Get("goal3")}
	if _, err := roundtable.ValidateGoals(goals); err != nil {
		f.mergeProblems(err)
	}
	var err error
	if !f.Invalid() {
		err = s.svc.Circles.SetGoals(r.Context(), id, goals)
	}
	if !f.Invalid() && err == nil {
		return s.notice(w, r, "/circles/"+id, "Your goals are saved. Your circle can see them.")
	}
	if err != nil && !f.fail(err) {
		return err
	}
	// Showing the form again needs the circle, which only its members may see.
	home, err := s.svc.Circles.FindCircleHome(r.Context(), id)
	if err != nil {
		return err
	}
	f.finish("")
	s.render(w, r, http.StatusUnprocessableEntity, "goals", &goalsPage{
		layoutData: layoutData{Title: "Your leadership goals", Nav: "home"},
		Circle:     home.Circle, Form: f,
	})
	return nil
}
