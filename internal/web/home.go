package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/roundtable/roundtable"
)

// handleHealth answers load balancers: 200 when the database answers.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.svc.Health != nil {
		if err := s.svc.Health(r.Context()); err != nil {
			s.log.Warn("health check failed", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "unavailable")
			return nil
		}
	}
	fmt.Fprintln(w, "ok")
	return nil
}

// homeCircle is one of my circles on the home page.
type homeCircle struct {
	Circle       *roundtable.Circle
	Role         roundtable.CircleRole
	RulesPending bool
}

// homeMeeting is one of my upcoming meetings, in my zone.
type homeMeeting struct {
	ID         string
	CircleName string
	When       string
	MyRSVP     roundtable.RSVP
}

type homePage struct {
	layoutData
	Circles    []homeCircle
	Meetings   []homeMeeting
	Zone       string
	Programs   []*roundtable.Program
	Todos      []*todoView // what needs doing in each program, in the order of Programs
	Busy       bool        // some program has something to do
	Organizer  bool
	AnyPending bool
}

// handleHome is the first page: for a visitor, what Roundtable is; for a
// signed-in person, what they need to do now.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if u == nil {
		n, err := s.svc.Users.CountUsers(r.Context())
		if err != nil {
			return fmt.Errorf("count users: %w", err)
		}
		if n == 0 {
			redirect(w, r, "/setup")
			return nil
		}
		s.render(w, r, http.StatusOK, "home_anon", &messagePage{layoutData: layoutData{Title: "Peer learning circles for leaders"}})
		return nil
	}
	ctx := r.Context()
	data := &homePage{layoutData: layoutData{Title: "Home", Nav: "home"}, Zone: zoneName(u.Location())}
	circles, err := s.svc.Circles.ListMyCircles(ctx)
	if err != nil {
		return fmt.Errorf("list my circles: %w", err)
	}
	for _, c := range circles {
		hc := homeCircle{Circle: c, Role: roundtable.RoleMember}
		welcome, err := s.svc.Circles.FindCircleWelcome(ctx, c.ID)
		if err != nil {
			return fmt.Errorf("find circle welcome: %w", err)
		}
		if welcome.Me != nil {
			hc.Role = welcome.Me.Role
			hc.RulesPending = welcome.Me.GroundRulesAcceptedAt == nil
		}
		data.AnyPending = data.AnyPending || hc.RulesPending
		data.Circles = append(data.Circles, hc)
	}
	meetings, err := s.svc.Meetings.ListMyUpcomingMeetings(ctx)
	if err != nil {
		return fmt.Errorf("list my meetings: %w", err)
	}
	now := s.now()
	for _, m := range meetings {
		data.Meetings = append(data.Meetings, homeMeeting{
			ID: m.ID, CircleName: m.CircleName, MyRSVP: m.MyRSVP,
			When: meetingWhen(m.StartsAt, m.EndsAt(), u.Location(), now),
		})
	}
	if u.CanOrganize || u.IsAdmin {
		data.Organizer = true
		if data.Programs, err = s.svc.Programs.ListPrograms(ctx); err != nil {
			return fmt.Errorf("list programs: %w", err)
		}
		todos, err := s.svc.Programs.ListProgramTodos(ctx)
		if err != nil {
			return fmt.Errorf("list program todos: %w", err)
		}
		for _, p := range data.Programs {
			v := newTodoView(p, todos[p.ID], u.Location())
			data.Busy = data.Busy || !v.Nothing()
			data.Todos = append(data.Todos, v)
		}
	}
	s.render(w, r, http.StatusOK, "home", data)
	return nil
}

// today returns the current date in loc, at midnight UTC like program dates.
func (s *Server) today(loc *time.Location) time.Time {
	y, m, d := s.now().In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
