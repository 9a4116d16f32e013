package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/roundtable/roundtable"
)

// lapseRulesPage is the organizers' form of a program's attendance rules.
type lapseRulesPage struct {
	layoutData
	Program *roundtable.Program
	Form    *form
}

var lapseFields = []string{"in_a_row", "share_of"}

func (s *Server) renderLapseRules(w http.ResponseWriter, r *http.Request, status int, p *roundtable.Program, f *form) {
	s.render(w, r, status, "lapse_rules", &lapseRulesPage{
		layoutData: layoutData{Title: "Attendance rules of " + p.Name, Nav: "programs"},
		Program:    p, Form: f,
	})
}

// handleLapseRulesShow shows the program's attendance rules.
func (s *Server) handleLapseRulesShow(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("programID")
	p, err := s.svc.Programs.FindProgramByID(r.Context(), id)
	if err != nil {
		return err
	}
	rules, err := s.svc.Lapses.LapseRules(r.Context(), id)
	if err != nil {
		return err
	}
	v := url.Values{"in_a_row": {strconv.Itoa(rules.InARow)}, "share_of": {strconv.Itoa(rules.ShareOf)}}
	s.renderLapseRules(w, r, http.StatusOK, p, newForm(v, lapseFields...))
	return nil
}

// handleLapseRulesUpdate saves the program's attendance rules.
func (s *Server) handleLapseRulesUpdate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("programID")
	p, err := s.svc.Programs.FindProgramByID(r.Context(), id)
	if err != nil {
		return err
	}
	f := newForm(r.PostForm, lapseFields...)
	rules := &roundtable.LapseRules{ProgramID: id, InARow: f.intField("in_a_row", "Enter a number of meetings, like 2, or 0.")}
	if n, err := strconv.Atoi(f.text("share_of")); err == nil {
		rules.ShareOf = n
	} else {
		rules.ShareOf = -1 // not one of the choices: the rules say so
	}
	if !f.Invalid() {
		if err := s.svc.Lapses.SetLapseRules(r.Context(), rules); err != nil && !f.fail(err) {
			return err
		}
	}
	if f.Invalid() {
		f.finish("")
		s.renderLapseRules(w, r, http.StatusUnprocessableEntity, p, f)
		return nil
	}
	return s.notice(w, r, "/programs/"+id, "The attendance rules are saved. Facilitators are told when a member crosses them.")
}

// lapseView is an alert on the circle page.
type lapseView struct {
	UserID, Name, Reason, Since string
	MeetingID                   string // where she crossed the rule
}

// troubleView is a coming meeting most members cannot make.
type troubleView struct {
	MeetingID, When string
	No, Members     int
}

// lapseNotices is what the circle page tells its facilitator.
type lapseNotices struct {
	CircleID string
	Alerts   []lapseView
	Moves    []troubleView
	NextStep string
}

// circleLapses reads the facilitator's notices for the circle page; nil
// for members and when there is nothing to tell.
func (s *Server) circleLapses(r *http.Request, circleID string, loc *time.Location, now time.Time) (*lapseNotices, error) {
	l, err := s.svc.Lapses.CircleLapses(r.Context(), circleID)
	if err != nil || (len(l.Alerts) == 0 && len(l.Moves) == 0) {
		return nil, err
	}
	out := &lapseNotices{CircleID: circleID, NextStep: roundtable.LapseNextStep}
	for _, a := range l.Alerts {
		out.Alerts = append(out.Alerts, lapseView{UserID: a.UserID, Name: a.Name, Reason: a.Reason(), MeetingID: a.MeetingID,
			Since: dayIn(a.MeetingAt, loc, now, " at 15:04")})
	}
	for _, t := range l.Moves {
		out.Moves = append(out.Moves, newTroubleView(t, loc, now))
	}
	return out, nil
}

func newTroubleView(t *roundtable.TimeTrouble, loc *time.Location, now time.Time) troubleView {
	return troubleView{MeetingID: t.MeetingID, When: dayIn(t.StartsAt, loc, now, " at 15:04"), No: t.No, Members: t.Members}
}

// handleLapseDone records that the facilitator followed up an alert.
func (s *Server) handleLapseDone(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("circleID")
	if err := s.svc.Lapses.MarkLapseDone(r.Context(), id, r.PathValue("userID")); err != nil {
		return err
	}
	return s.notice(w, r, "/circles/"+id, "Noted. The alert is put away; you will hear again if she crosses a rule anew.")
}

// handleAbsenceExcuse excuses a member's absence from a held meeting, or
// takes the excuse back.
func (s *Server) handleAbsenceExcuse(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("meetingID")
	excused := r.PostForm.Get("excused") == "1"
	if err := s.svc.Lapses.ExcuseAbsence(r.Context(), id, r.PostForm.Get("user"), excused); err != nil {
		return err
	}
	msg := "The absence is excused: it does not count towards the attendance rules."
	if !excused {
		msg = "The absence counts again."
	}
	return s.notice(w, r, "/meetings/"+id+"/attendance", msg)
}

// stepAwayPage asks a member once whether she steps away from her circle.
type stepAwayPage struct {
	layoutData
	Home *roundtable.CircleHome
}

// handleStepAwayShow says what stepping away means and asks to confirm.
func (s *Server) handleStepAwayShow(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	home, err := s.svc.Circles.FindCircleWelcome(r.Context(), r.PathValue("circleID"))
	if err != nil {
		return err
	}
	if isFacilitator(home) {
		return roundtable.Errorf(roundtable.EINVALID, "As the circle's facilitator you cannot step away here; ask the program's organizers to name someone else.")
	}
	s.render(w, r, http.StatusOK, "step_away", &stepAwayPage{
		layoutData: layoutData{Title: "Step away from " + home.Circle.Name, Nav: "home"}, Home: home,
	})
	return nil
}

// handleStepAway takes the member out of the circle.
func (s *Server) handleStepAway(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	if err := s.svc.Lapses.StepAway(r.Context(), r.PathValue("circleID")); err != nil {
		return err
	}
	return s.notice(w, r, "/", "You have stepped away from the circle. Your facilitator knows. Thank you for the time you gave it.")
}

// attendancePage shows the facilitator who came to a meeting, with the
// absences to excuse.
type attendancePage struct {
	layoutData
	A    *roundtable.MeetingAttendance
	When string
}

// handleAttendanceShow shows a meeting's attendance to its facilitator.
func (s *Server) handleAttendanceShow(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	a, err := s.svc.Lapses.MeetingAttendance(r.Context(), r.PathValue("meetingID"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "attendance", &attendancePage{
		layoutData: layoutData{Title: "Attendance", Nav: "home"}, A: a,
		When: dayIn(a.StartsAt, u.Location(), s.now(), " at 15:04"),
	})
	return nil
}

// moveDays are the days after a meeting the poll form offers when most of
// the circle cannot come: the next two days and the same day a week later.
var moveDays = []int{1, 2, 7}

// prefillMove fills the poll form for a meeting most members cannot make:
// why, and times at the meeting's hour on the days after it, on the
// circle's clock, those still ahead.
func prefillMove(v url.Values, m *roundtable.Meeting, c *roundtable.Circle, now time.Time) {
	v.Set("note", "Most of us cannot come at the planned time. Which of these times would suit you?")
	loc := roundtable.LoadLocation(c.TimeZone)
	at := m.StartsAt.In(loc)
	n := 0
	for _, d := range moveDays {
		day := at.AddDate(0, 0, d)
		if !day.After(now) || n >= roundtable.MaxPollOptions {
			continue
		}
		n++
		v.Set("option"+strconv.Itoa(n)+"_date", day.Format(roundtable.DateLayout))
		v.Set("option"+strconv.Itoa(n)+"_time", day.Format("15:04"))
	}
}
