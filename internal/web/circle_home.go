package web

import (
	"fmt"
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

// memberView is one person on the circle page. Its fields are plain copies
// rather than an embedded *roundtable.CircleMember: the template reads them
// for every member, and a field found through an embedded struct costs a
// search of the type by reflection, with allocations, at every reading.
type memberView struct {
	UserID, Name string
	// Affiliation is the member's title and organization, like "Director,
	// Acme", either alone, or empty.
	Affiliation string
	Facilitator bool
	Goals       []string
	IsMe        bool
	// SharesCheckIns is set when she shows her goal check-ins to the circle.
	SharesCheckIns bool
}

// newMemberView returns what the circle page shows of a member.
func newMemberView(m *roundtable.CircleMember, goals []*roundtable.Goal, me string) memberView {
	v := memberView{
		UserID: m.UserID, Name: m.Name, Affiliation: m.Title, Facilitator: m.Role == roundtable.RoleFacilitator, IsMe: m.UserID == me,
		SharesCheckIns: m.SharesCheckIns,
	}
	if m.Title != "" && m.Organization != "" {
		v.Affiliation += ", "
	}
	v.Affiliation += m.Organization
	for _, g := range goals {
		v.Goals = append(v.Goals, g.Text)
	}
	return v
}

// meetingView is a meeting in the reader's time zone, as the circle page
// lists it; plain fields for the same reason as memberView.
type meetingView struct {
	ID, When, TimeNote, VideoURL, Place string
	Cancelled, InPerson, HasNotes       bool
	MyRSVP                              roundtable.RSVP
	MyRSVPLabel                         string
}

// newMeetingView returns what the circle page shows of a meeting, its time
// in loc.
func newMeetingView(m *roundtable.Meeting, loc *time.Location, now time.Time) meetingView {
	return meetingView{
		ID: m.ID, When: meetingWhen(m.StartsAt, m.EndsAt(), loc, now), TimeNote: m.TimeNote,
		VideoURL: m.VideoURL, Place: m.Place, Cancelled: m.Cancelled, InPerson: m.InPerson(),
		HasNotes: m.Notes != "", MyRSVP: m.MyRSVP, MyRSVPLabel: m.MyRSVP.Label(),
	}
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
	RSVPs         []answerButton // for the next meeting
	// Rhythm is when the circle meets, in its zone and on the reader's
	// clock: the series' time, or before there is one the weekly time the
	// circle was formed around; nil when it has neither.
	Rhythm    *rhythmView
	HasSeries bool
	Polls     []pollLink // open polls for a new time
	// Next is the next meeting that takes place, shown with its details and
	// the RSVP buttons; Later the other upcoming ones, listed briefly.
	Next  *meetingView
	Later []meetingView
	// Lapses is what the facilitator alone is told: members who crossed an
	// attendance rule, meetings most cannot make; nil for members.
	Lapses *lapseNotices
}

// pollLink is an open poll on the circle page.
type pollLink struct {
	ID, MeetingWhen string
	Answered        bool
}

// rhythmView says when a circle meets, for one reader.
type rhythmView struct {
	// Circle is how often and when in the circle's zone, like "every two
	// weeks on Thursday at 16:00"; before there is a series only when, like
	// "Thursday at 16:00", and Cadence says how often the program plans
	// meetings, like "every month".
	Circle, Cadence string
	// Zone names the circle's zone when the reader's clock shows other times.
	Zone string
	// Local is the time on the reader's clock, like "Thursday at 10:00", and
	// Changes the weeks when daylight saving moves it, like "at 11:00 from
	// 18 March, then at 10:00 again from 1 April"; both empty when the reader
	// sees the circle's own times.
	Local, Changes string
}

// circleRhythm describes when a circle meets for a reader in loc, over the
// program's remaining dates: by the series sr when there is one (nil
// otherwise), else by the weekly time the circle was formed around and the
// program's cadence. It returns nil when the circle has no time yet.
func circleRhythm(c *roundtable.Circle, p *roundtable.Program, sr *roundtable.Series, loc *time.Location, now time.Time) *rhythmView {
	if p == nil {
		return nil
	}
	slotText := c.Slot
	if sr != nil {
		slotText = sr.Slot
	}
	slot, err := schedule.ParseSlot(slotText)
	if err != nil {
		return nil
	}
	ref, err := roundtable.Zone(c.TimeZone)
	if err != nil {
		return nil
	}
	out := &rhythmView{Circle: schedule.DayName(slot.Day) + " at " + wallClock(slot.Start), Cadence: strings.ToLower(p.Cadence.Label())}
	if sr != nil {
		out.Circle, out.Cadence = sr.Phrase(), ""
	}
	runs := localRuns(slot, ref, loc, programFrom(p, ref, now), p.EndDate)
	if len(runs) == 0 || (len(runs) == 1 && runs[0].Day == slot.Day && runs[0].Start == slot.Start) {
		return out
	}
	out.Zone = zoneName(ref)
	out.Local = schedule.DayName(runs[0].Day) + " at " + wallClock(runs[0].Start)
	out.Changes = runChanges(runs, now.In(loc).Year(), false)
	return out
}

// localRuns returns how a reader in loc sees the weekly slot, named in ref,
// from one date to another: one run, or more when daylight saving in either
// zone moves it. It is nil when the dates hold no meeting.
func localRuns(slot schedule.Slot, ref, loc *time.Location, from, to time.Time) schedule.LocalRuns {
	plan, err := schedule.NewPlan(ref, schedule.NewRange(from, to), 1)
	if err != nil {
		return nil
	}
	return plan.LocalTimes(slot, loc)
}

// runChanges writes the runs after the first, like "at 11:00 from 18
// March, then at 10:00 again from 1 April"; short writes "11:00 from 18
// Mar, then 10:00 again from 1 Apr". The year is named when it is not
// thisYear.
func runChanges(runs schedule.LocalRuns, thisYear int, short bool) string {
	var parts []string
	for i, r := range runs {
		if i == 0 {
			continue
		}
		clock, moved := wallClock(r.Start), r.Day != runs[0].Day
		var at string
		switch {
		case short && moved:
			at = schedule.DayAbbrev(r.Day) + " " + clock
		case short:
			at = clock
		case moved:
			at = "on " + schedule.DayName(r.Day) + " at " + clock
		default:
			at = "at " + clock
		}
		if r.Day == runs[0].Day && r.Start == runs[0].Start {
			at += " again"
		}
		layout := "2 January"
		if short {
			layout = "2 Jan"
		}
		if r.From.Year() != thisYear {
			layout += " 2006"
		}
		parts = append(parts, at+" from "+r.From.Format(layout))
	}
	return strings.Join(parts, ", then ")
}

// wallClock writes minutes since midnight like "09:30".
func wallClock(minutes int) string {
	return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60)
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
		Home:       home, Zone: zoneName(loc),
		IsFacilitator: isFacilitator(home),
	}
	for _, m := range home.Circle.Members {
		data.Members = append(data.Members, newMemberView(m, home.Goals[m.UserID], u.ID))
	}
	data.MyGoals = home.Goals[u.ID]
	for _, m := range home.Upcoming {
		v := newMeetingView(m, loc, now)
		data.Upcoming = append(data.Upcoming, v)
		if data.Next == nil && !m.Cancelled {
			data.Next = &v
		} else {
			data.Later = append(data.Later, v)
		}
	}
	if data.Next != nil {
		data.RSVPs = answerButtons(data.Next.MyRSVP)
	}
	for _, m := range home.Past {
		data.Past = append(data.Past, newMeetingView(m, loc, now))
	}
	s.circleSchedule(r, data, loc)
	if data.IsFacilitator {
		if data.Lapses, err = s.circleLapses(r, home.Circle.ID, loc, now); err != nil {
			return err
		}
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
