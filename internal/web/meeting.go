package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/schedule"
)

// meetingFields are the fields of the meeting form, in page order.
var meetingFields = []string{"date", "time", "minutes", "video_url", "place", "agenda", "readings", "presenter_id", "challenge"}

// meetingFormPage is the facilitator's form for a new meeting or a change.
type meetingFormPage struct {
	layoutData
	Circle     *roundtable.Circle
	Meeting    *roundtable.Meeting // nil for a new meeting
	Zone       string
	Form       *form
	Presenters []option
	Mail       []mailView
	ReaderZone string
	When       string // the meeting's time for the reader, when changing
}

// mailView says what became of one kind of message, in the reader's time.
type mailView struct {
	Label, Status string
}

// meetingHead is the top of every page about one meeting: the meeting, its
// circle and its time for the reader.
type meetingHead struct {
	Meeting *roundtable.Meeting
	Circle  *roundtable.Circle
	When    string
	Zone    string // the reader's
}

// headOf fills a meetingHead for the reader u.
func (s *Server) headOf(u *roundtable.User, m *roundtable.Meeting, c *roundtable.Circle) meetingHead {
	loc := u.Location()
	return meetingHead{Meeting: m, Circle: c, When: meetingWhen(m.StartsAt, m.EndsAt(), loc, s.now()), Zone: zoneName(loc)}
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
	if !isFacilitator(home) {
		return nil, roundtable.Errorf(roundtable.EFORBIDDEN, "Only the circle's facilitator schedules meetings.")
	}
	return home, nil
}

// isFacilitator reports whether the reader facilitates the circle.
func isFacilitator(home *roundtable.CircleHome) bool {
	return home.Me != nil && home.Me.Role == roundtable.RoleFacilitator
}

// meetingOf returns the meeting of the request's path with its circle's page,
// for the circle's people.
func (s *Server) meetingOf(r *http.Request) (*roundtable.User, *roundtable.Meeting, *roundtable.CircleHome, error) {
	u, err := requireUser(r)
	if err != nil {
		return nil, nil, nil, err
	}
	m, home, err := s.svc.Circles.FindMeetingHome(r.Context(), r.PathValue("meetingID"))
	if err != nil {
		return nil, nil, nil, err
	}
	return u, m, home, nil
}

// facilitatedMeeting is meetingOf for the circle's facilitator only.
func (s *Server) facilitatedMeeting(r *http.Request) (*roundtable.User, *roundtable.Meeting, *roundtable.CircleHome, error) {
	u, m, home, err := s.meetingOf(r)
	if err != nil {
		return nil, nil, nil, err
	}
	if !isFacilitator(home) {
		return nil, nil, nil, roundtable.Errorf(roundtable.EFORBIDDEN, "Only the circle's facilitator changes meetings.")
	}
	return u, m, home, nil
}

// presenterOptions lists the circle's people for the presenter select.
func presenterOptions(c *roundtable.Circle) []option {
	out := []option{{"", "Nobody yet"}}
	for _, m := range c.Members {
		out = append(out, option{m.UserID, m.Name})
	}
	return out
}

// handleMeetingNew shows the form for a new meeting.
func (s *Server) handleMeetingNew(w http.ResponseWriter, r *http.Request) error {
	home, err := s.facilitatedCircle(r)
	if err != nil {
		return err
	}
	v := url.Values{"minutes": {strconv.Itoa(home.Program.SessionMinutes)}, "time": {"10:00"}}
	s.renderMeetingForm(w, r, http.StatusOK, home, nil, newForm(v, meetingFields...))
	return nil
}

func (s *Server) renderMeetingForm(w http.ResponseWriter, r *http.Request, status int, home *roundtable.CircleHome, m *roundtable.Meeting, f *form) {
	title := "Schedule a meeting"
	if m != nil {
		title = "Change the meeting"
	}
	page := &meetingFormPage{
		layoutData: layoutData{Title: title, Nav: "home"},
		Circle:     home.Circle, Meeting: m, Zone: zoneName(roundtable.LoadLocation(home.Circle.TimeZone)), Form: f,
		Presenters: presenterOptions(home.Circle),
	}
	if u := roundtable.UserFromContext(r.Context()); u != nil && m != nil {
		loc := u.Location()
		page.ReaderZone = zoneName(loc)
		page.When = meetingWhen(m.StartsAt, m.EndsAt(), loc, s.now())
		if mail, err := s.svc.Meetings.ListMeetingMail(r.Context(), m.ID); err == nil {
			page.Mail = mailViews(mail, m, loc, s.now())
		}
	}
	s.render(w, r, status, "meeting_form", page)
}

// mailViews writes what became of each kind of message, for the form.
func mailViews(mail []*roundtable.MeetingMail, m *roundtable.Meeting, loc *time.Location, now time.Time) []mailView {
	var out []mailView
	at := func(t *time.Time) string { return t.In(loc).Format("Monday 2 January at 15:04") }
	for _, x := range mail {
		var status string
		switch {
		case x.Sent > 0 && x.Waiting > 0:
			status = fmt.Sprintf("Sent to %s, last on %s; %d still to go on %s.", plural(x.Sent, "person", "people"), at(x.SentAt), x.Waiting, at(x.DueAt))
		case x.Sent > 0 && x.Kind == "invitation":
			status = fmt.Sprintf("Sent to %s on %s. A new time, length, link or place sends everyone an update.", plural(x.Sent, "person", "people"), at(x.SentAt))
		case x.Sent > 0:
			status = fmt.Sprintf("Sent to %s on %s. Changes you make now show on the meeting's page, not in that e-mail.", plural(x.Sent, "person", "people"), at(x.SentAt))
		case x.Waiting > 0:
			status = fmt.Sprintf("Goes to %s on %s, with the meeting as it is then.", plural(x.Waiting, "person", "people"), at(x.DueAt))
		case x.Dropped > 0:
			status = "Not sent: " + x.DropReason + "."
		case x.Kind == "reminder_week" && !m.StartsAt.Add(-7*24*time.Hour).After(m.CreatedAt):
			status = "Not sent: the meeting was set up less than a week ahead."
		case x.Kind == "notes" || x.Kind == "cancellation":
			continue // nothing to say until it happens
		default:
			status = "Not sent."
		}
		if x.Dropped > 0 && (x.Sent > 0 || x.Waiting > 0) {
			status += fmt.Sprintf(" Held back from %s: %s.", plural(x.Dropped, "person", "people"), x.DropReason)
		}
		out = append(out, mailView{Label: x.Label, Status: status})
	}
	return out
}

// readMeeting reads the meeting form's fields into m; the date and time are
// in loc, read by the daylight-saving rule of the series.
func readMeeting(f *form, m *roundtable.Meeting, loc *time.Location) {
	m.VideoURL, m.Place, m.Agenda = f.text("video_url"), f.text("place"), f.text("agenda")
	m.Readings, m.Challenge, m.PresenterID = f.text("readings"), f.text("challenge"), f.text("presenter_id")
	m.Minutes = f.intField("minutes", "Enter the length in minutes, like 90.")
	m.StartsAt, m.TimeNote = parseDateTime(f, "date", "time", loc)
}

// meetingProblems puts a meeting's validation or service errors on the form,
// the start's on the date field. It reports false for errors nobody can fix
// in the form.
func meetingProblems(f *form, err error) bool {
	if roundtable.ErrorCode(err) != roundtable.EINVALID && roundtable.ErrorCode(err) != roundtable.ECONFLICT {
		return false
	}
	for k, v := range roundtable.ErrorFields(err) {
		if k == "starts_at" {
			if f.Error("date") != "" || f.Error("time") != "" {
				continue // the date or time field says what is wrong already
			}
			k = "date"
		}
		f.add(k, v)
	}
	if len(roundtable.ErrorFields(err)) == 0 {
		f.finish(roundtable.ErrorMessage(err))
	}
	return true
}

// handleMeetingCreate schedules a meeting at a time in the circle's zone.
func (s *Server) handleMeetingCreate(w http.ResponseWriter, r *http.Request) error {
	home, err := s.facilitatedCircle(r)
	if err != nil {
		return err
	}
	f := newForm(r.PostForm, meetingFields...)
	m := &roundtable.Meeting{CircleID: home.Circle.ID}
	readMeeting(f, m, roundtable.LoadLocation(home.Circle.TimeZone))
	if err := m.Validate(); err != nil {
		meetingProblems(f, err)
	}
	if !f.Invalid() {
		if err := s.svc.Meetings.CreateMeeting(r.Context(), m); err != nil && !meetingProblems(f, err) {
			return err
		}
	}
	if f.Invalid() {
		f.finish("")
		s.renderMeetingForm(w, r, http.StatusUnprocessableEntity, home, nil, f)
		return nil
	}
	return s.notice(w, r, "/meetings/"+m.ID, "Meeting scheduled. Everyone in the circle gets an invitation in their own time zone.")
}

// handleMeetingEdit shows the form to change a meeting, with what became of
// its messages.
func (s *Server) handleMeetingEdit(w http.ResponseWriter, r *http.Request) error {
	_, m, home, err := s.facilitatedMeeting(r)
	if err != nil {
		return err
	}
	if m.Cancelled {
		return roundtable.Errorf(roundtable.EINVALID, "This meeting is cancelled: it can no longer be changed.")
	}
	local := m.StartsAt.In(roundtable.LoadLocation(home.Circle.TimeZone))
	v := url.Values{
		"date": {local.Format(roundtable.DateLayout)}, "time": {local.Format("15:04")}, "minutes": {strconv.Itoa(m.Minutes)},
		"video_url": {m.VideoURL}, "place": {m.Place}, "agenda": {m.Agenda}, "readings": {m.Readings},
		"presenter_id": {m.PresenterID}, "challenge": {m.Challenge},
	}
	s.renderMeetingForm(w, r, http.StatusOK, home, m, newForm(v, meetingFields...))
	return nil
}

// handleMeetingUpdate saves a change of a meeting.
func (s *Server) handleMeetingUpdate(w http.ResponseWriter, r *http.Request) error {
	_, old, home, err := s.facilitatedMeeting(r)
	if err != nil {
		return err
	}
	f := newForm(r.PostForm, meetingFields...)
	m := &roundtable.Meeting{ID: old.ID, CircleID: old.CircleID}
	readMeeting(f, m, roundtable.LoadLocation(home.Circle.TimeZone))
	if err := m.Validate(); err != nil {
		meetingProblems(f, err)
	}
	if !f.Invalid() {
		if err := s.svc.Meetings.UpdateMeeting(r.Context(), m); err != nil && !meetingProblems(f, err) {
			return err
		}
	}
	if f.Invalid() {
		f.finish("")
		s.renderMeetingForm(w, r, http.StatusUnprocessableEntity, home, old, f)
		return nil
	}
	msg := "Saved. The reminders will carry your changes when they go out."
	if m.Sequence > old.Sequence {
		msg = "Meeting changed. Everyone gets the new details for their calendar."
	}
	return s.notice(w, r, "/meetings/"+m.ID, msg)
}

// parseDateTime reads a date and a time field as a moment in loc. A time
// that daylight saving skips or repeats there is read by the rule of the
// series (see schedule.WallTime) and explained by the returned note.
func parseDateTime(f *form, dateField, timeField string, loc *time.Location) (time.Time, string) {
	d, t := f.text(dateField), f.text(timeField)
	if d == "" {
		f.add(dateField, "Enter the date of the meeting.")
	}
	if t == "" {
		f.add(timeField, "Enter the time the meeting starts, like 10:00.")
	}
	if d == "" || t == "" {
		return time.Time{}, ""
	}
	day, derr := time.Parse(roundtable.DateLayout, d)
	if derr != nil {
		f.add(dateField, "Enter the date like 2026-03-14.")
	}
	clock, terr := time.Parse("15:04", t)
	if terr != nil {
		f.add(timeField, "Enter the time like 10:00.")
	}
	if derr != nil || terr != nil {
		return time.Time{}, ""
	}
	if y := day.Year(); y < 2000 || y > 2200 {
		f.add(dateField, "Enter a date between the years 2000 and 2200.")
		return time.Time{}, ""
	}
	return schedule.WallTimeNote(day, clock.Hour()*60+clock.Minute(), loc)
}

// rsvpView is one person's answer to a meeting.
type rsvpView struct {
	Name        string
	Facilitator bool
	Answer      roundtable.RSVP
	IsMe        bool
}

// answerButton is one answer the reader may give, Chosen when it is theirs.
type answerButton struct {
	Value  roundtable.RSVP
	Label  string
	Chosen bool
}

// answerButtons returns the answers to a meeting, mine marked as chosen.
func answerButtons(mine roundtable.RSVP) []answerButton {
	var out []answerButton
	for _, a := range []roundtable.RSVP{roundtable.RSVPYes, roundtable.RSVPMaybe, roundtable.RSVPNo} {
		out = append(out, answerButton{Value: a, Label: a.Label(), Chosen: a == mine})
	}
	return out
}

// rsvpGroup is the people who gave one answer.
type rsvpGroup struct {
	Label  string
	People []rsvpView
}

// groupRSVPs gathers people by answer, those coming first, keeping their
// order within each answer and leaving out answers nobody gave.
func groupRSVPs(people []rsvpView) []rsvpGroup {
	var out []rsvpGroup
	for _, a := range []roundtable.RSVP{roundtable.RSVPYes, roundtable.RSVPMaybe, roundtable.RSVPNo, ""} {
		g := rsvpGroup{Label: a.Label()}
		for _, p := range people {
			if p.Answer == a || (a == "" && !p.Answer.Valid()) {
				g.People = append(g.People, p)
			}
		}
		if len(g.People) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// meetingPage shows one meeting with everyone's answers.
type meetingPage struct {
	layoutData
	Meeting       *roundtable.Meeting
	Circle        *roundtable.Circle
	When          string
	Zone          string
	CircleWhen    string // in the circle's zone, when it differs from the reader's
	CircleZone    string
	RSVPs         []rsvpGroup // by answer: coming, maybe, not coming, none yet
	Answers       []answerButton
	MyAnswer      string // the reader's answer in words
	Past          bool
	IsFacilitator bool
	Polls         []*roundtable.Poll     // open polls for a new time
	Agenda        *agendaView            // timed parts, roles, challenge cards, commitments
	Readings      []*roundtable.Document // the circle's documents attached to it
	Threads       []*roundtable.Thread   // the discussion carrying on from it
	// Move offers the facilitator a new time when most members cannot come.
	Move *troubleView
}

// handleMeetingShow shows a meeting to its circle.
func (s *Server) handleMeetingShow(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	// One read gives the meeting, its circle and its agenda.
	pg, err := s.svc.Circles.FindMeetingPage(r.Context(), r.PathValue("meetingID"))
	if err != nil {
		return err
	}
	m, c := pg.Meeting, pg.Circle
	loc, now := u.Location(), s.now()
	data := &meetingPage{
		layoutData: layoutData{Title: "Meeting of " + c.Name, Nav: "home"},
		Meeting:    m, Circle: c, When: meetingWhen(m.StartsAt, m.EndsAt(), loc, now), Zone: zoneName(loc),
		MyAnswer:      m.MyRSVP.Label(),
		Past:          !m.EndsAt().After(now),
		IsFacilitator: pg.Me != nil && pg.Me.Role == roundtable.RoleFacilitator,
		Polls:         pg.Polls,
		Readings:      pg.Readings,
		Threads:       pg.Threads,
	}
	if cloc := roundtable.LoadLocation(c.TimeZone); cloc.String() != loc.String() {
		data.CircleWhen, data.CircleZone = meetingWhen(m.StartsAt, m.EndsAt(), cloc, now), zoneName(cloc)
	}
	data.Answers = answerButtons(m.MyRSVP)
	var people []rsvpView
	for _, p := range c.Members {
		people = append(people, rsvpView{Name: p.Name, Facilitator: p.Role == roundtable.RoleFacilitator, Answer: m.RSVPs[p.UserID], IsMe: p.UserID == u.ID})
	}
	data.RSVPs = groupRSVPs(people)
	data.Agenda = newAgendaView(pg.Agenda, m, u, loc, pg.Starts)
	if data.IsFacilitator && !data.Past && !m.Cancelled {
		t, err := s.svc.Lapses.MeetingTimeTrouble(r.Context(), m.ID)
		if err != nil {
			return err
		}
		if t != nil {
			v := newTroubleView(t, loc, now)
			data.Move = &v
		}
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
