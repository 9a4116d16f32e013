package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/roundtable/roundtable"
)

// meetingFields are the fields of the new meeting form.
var meetingFields = []string{"date", "time", "minutes", "video_url", "place", "agenda"}

// meetingFormPage is the facilitator's form for a meeting.
type meetingFormPage struct {
	layoutData
	Circle *roundtable.Circle
	Zone   string
	Form   *form
}

// facilitatedCircle returns a circle's page for its facilitator.
func (s *Server) facilitatedCircle(r *http.Request) (*roundtable.CircleHome, error) {
	if _, err := requireUser(r); err != nil {
		return nil, err
	}
	home, err := s.svc.Circles.FindCircleHome(r.Context(), r.PathValue("circleID"))
	if err != nil {
		return nil, err
	}
	if home.Me == nil || home.Me.Role != roundtable.RoleFacilitator {
		return nil, roundtable.Errorf(roundtable.EFORBIDDEN, "Only the circle's facilitator schedules meetings.")
	}
	return home, nil
}

// handleMeetingNew shows the form for a new meeting.
func (s *Server) handleMeetingNew(w http.ResponseWriter, r *http.Request) error {
	home, err := s.facilitatedCircle(r)
	if err != nil {
		return err
	}
	v := url.Values{"minutes": {strconv.Itoa(home.Program.SessionMinutes)}, "time": {"10:00"}}
	s.renderMeetingForm(w, r, http.StatusOK, home.Circle, newForm(v, meetingFields...))
	return nil
}

func (s *Server) renderMeetingForm(w http.ResponseWriter, r *http.Request, status int, c *roundtable.Circle, f *form) {
	s.render(w, r, status, "meeting_form", &meetingFormPage{
		layoutData: layoutData{Title: "Schedule a meeting", Nav: "home"},
		Circle:     c, Zone: zoneName(roundtable.LoadLocation(c.TimeZone)), Form: f,
	})
}

// handleMeetingCreate schedules a meeting at a time in the circle's zone.
func (s *Server) handleMeetingCreate(w http.ResponseWriter, r *http.Request) error {
	home, err := s.facilitatedCircle(r)
	if err != nil {
		return err
	}
	f := newForm(r.PostForm, meetingFields...)
	m := &roundtable.Meeting{CircleID: home.Circle.ID, VideoURL: f.text("video_url"), Place: f.text("place"), Agenda: f.text("agenda")}
	m.Minutes = f.intField("minutes", "Enter the length in minutes, like 90.")
	loc := roundtable.LoadLocation(home.Circle.TimeZone)
	m.StartsAt = parseDateTime(f, loc)
	if err := m.Validate(); err != nil {
		for k, v := range roundtable.ErrorFields(err) {
			if k == "starts_at" && (f.Error("date") != "" || f.Error("time") != "") {
				continue // the date or time field says what is wrong already
			}
			if k == "starts_at" {
				k = "date"
			}
			f.add(k, v)
		}
	}
	if !f.Invalid() {
		err = s.svc.Meetings.CreateMeeting(r.Context(), m)
	}
	if err != nil && !f.Invalid() {
		if !f.fail(err) {
			return err
		}
		if msg, ok := f.Errors["starts_at"]; ok {
			f.add("date", msg)
			delete(f.Errors, "starts_at")
		}
	}
	if f.Invalid() {
		f.finish("")
		s.renderMeetingForm(w, r, http.StatusUnprocessableEntity, home.Circle, f)
		return nil
	}
	return s.notice(w, r, "/meetings/"+m.ID, "Meeting scheduled. Your circle sees it in their own time zones.")
}

// parseDateTime reads the date and time fields as a moment in loc.
func parseDateTime(f *form, loc *time.Location) time.Time {
	d, t := f.text("date"), f.text("time")
	if d == "" {
		f.add("date", "Enter the date of the meeting.")
	}
	if t == "" {
		f.add("time", "Enter the time the meeting starts, like 10:00.")
	}
	if d == "" || t == "" {
		return time.Time{}
	}
	day, derr := time.ParseInLocation(roundtable.DateLayout, d, loc)
	if derr != nil {
		f.add("date", "Enter the date like 2026-03-14.")
	}
	clock, terr := time.Parse("15:04", t)
	if terr != nil {
		f.add("time", "Enter the time like 10:00.")
	}
	if derr != nil || terr != nil {
		return time.Time{}
	}
	return time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc)
}

// rsvpView is one person's answer to a meeting.
type rsvpView struct {
	Name   string
	Role   roundtable.CircleRole
	Answer roundtable.RSVP
	IsMe   bool
}

// meetingPage shows one meeting with everyone's answers.
type meetingPage struct {
	layoutData
	Meeting    *roundtable.Meeting
	Circle     *roundtable.Circle
	When       string
	Zone       string
	CircleWhen string // in the circle's zone, when it differs from the reader's
	CircleZone string
	RSVPs      []rsvpView
	Answers    []roundtable.RSVP
	Past       bool
}

// handleMeetingShow shows a meeting to its circle.
func (s *Server) handleMeetingShow(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	m, err := s.svc.Meetings.FindMeetingByID(r.Context(), r.PathValue("meetingID"))
	if err != nil {
		return err
	}
	home, err := s.svc.Circles.FindCircleHome(r.Context(), m.CircleID)
	if err != nil {
		return err
	}
	loc, now := u.Location(), s.now()
	data := &meetingPage{
		layoutData: layoutData{Title: "Meeting of " + home.Circle.Name, Nav: "home"},
		Meeting:    m, Circle: home.Circle, When: meetingWhen(m.StartsAt, m.EndsAt(), loc, now), Zone: zoneName(loc),
		Answers: []roundtable.RSVP{roundtable.RSVPYes, roundtable.RSVPMaybe, roundtable.RSVPNo},
		Past:    !m.EndsAt().After(now),
	}
	if cloc := roundtable.LoadLocation(home.Circle.TimeZone); cloc.String() != loc.String() {
		data.CircleWhen, data.CircleZone = meetingWhen(m.StartsAt, m.EndsAt(), cloc, now), zoneName(cloc)
	}
	for _, p := range home.Circle.Members {
		data.RSVPs = append(data.RSVPs, rsvpView{Name: p.Name, Role: p.Role, Answer: m.RSVPs[p.UserID], IsMe: p.UserID == u.ID})
	}
	s.render(w, r, http.StatusOK, "meeting_show", data)
	return nil
}

// handleMeetingRSVP records the signed-in member's answer.
func (s *Server) handleMeetingRSVP(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("meetingID")
	answer := roundtable.RSVP(r.PostForm.Get("answer"))
	if !answer.Valid() {
		// Check the meeting first so strangers learn nothing from the answer.
		if _, err := s.svc.Meetings.FindMeetingByID(r.Context(), id); err != nil {
			return err
		}
		return roundtable.Errorf(roundtable.EINVALID, "Choose Coming, Maybe or Not coming.")
	}
	if err := s.svc.Meetings.SetRSVP(r.Context(), id, answer); err != nil {
		if roundtable.ErrorCode(err) == roundtable.EINTERNAL {
			return fmt.Errorf("set rsvp: %w", err)
		}
		return err
	}
	back := localPath(r.PostForm.Get("back"), "/meetings/"+id)
	return s.notice(w, r, back, "Your answer is saved: "+answer.Label()+".")
}
