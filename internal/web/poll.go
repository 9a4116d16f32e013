package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/roundtable/roundtable"
)

// pollFields are the fields of the new poll form, in page order.
var pollFields = func() []string {
	out := []string{"scope", "options"}
	for i := 1; i <= roundtable.MaxPollOptions; i++ {
		n := strconv.Itoa(i)
		out = append(out, "option"+n+"_date", "option"+n+"_time")
	}
	return append(out, "minutes", "note")
}()

// pollPrefilled is how many rows of the poll form come with a start time
// filled in: the meeting's own, the likeliest one to keep.
const pollPrefilled = 3

// pollClock is the start time the poll form fills in: the meeting's, on the
// circle's clock.
func pollClock(m *roundtable.Meeting, c *roundtable.Circle) string {
	return m.StartsAt.In(roundtable.LoadLocation(c.TimeZone)).Format("15:04")
}

// pollFormPage is the facilitator's form to offer new times.
type pollFormPage struct {
	layoutData
	meetingHead
	CircleZone string
	Form       *form
	Numbers    []int
	Scopes     []roundtable.PollScope
}

func (s *Server) renderPollForm(w http.ResponseWriter, r *http.Request, status int, u *roundtable.User, m *roundtable.Meeting, home *roundtable.CircleHome, f *form) {
	page := &pollFormPage{
		layoutData:  layoutData{Title: "Find a new time", Nav: "home"},
		meetingHead: s.headOf(u, m, home.Circle),
		CircleZone:  zoneName(roundtable.LoadLocation(home.Circle.TimeZone)), Form: f,
		Scopes: []roundtable.PollScope{roundtable.ScopeMeeting},
	}
	if m.InSeries {
		page.Scopes = append(page.Scopes, roundtable.ScopeSeries)
	}
	for i := 1; i <= roundtable.MaxPollOptions; i++ {
		page.Numbers = append(page.Numbers, i)
	}
	s.render(w, r, status, "poll_form", page)
}

// handlePollNew shows the form to offer 2–5 new times for a meeting.
func (s *Server) handlePollNew(w http.ResponseWriter, r *http.Request) error {
	u, m, home, err := s.facilitatedMeeting(r)
	if err != nil {
		return err
	}
	clock := pollClock(m, home.Circle)
	v := url.Values{"scope": {string(roundtable.ScopeMeeting)}, "minutes": {strconv.Itoa(m.Minutes)}}
	for i := 1; i <= pollPrefilled; i++ {
		v.Set("option"+strconv.Itoa(i)+"_time", clock)
	}
	if r.URL.Query().Get("why") == "answers" {
		prefillMove(v, m, home.Circle, s.now())
	}
	s.renderPollForm(w, r, http.StatusOK, u, m, home, newForm(v, pollFields...))
	return nil
}

// handlePollCreate opens the poll and tells the members.
func (s *Server) handlePollCreate(w http.ResponseWriter, r *http.Request) error {
	u, m, home, err := s.facilitatedMeeting(r)
	if err != nil {
		return err
	}
	f := newForm(r.PostForm, pollFields...)
	loc := roundtable.LoadLocation(home.Circle.TimeZone)
	p := &roundtable.Poll{MeetingID: m.ID, Scope: roundtable.PollScope(f.text("scope")), Note: f.text("note")}
	minutes := f.intField("minutes", "Enter the length in minutes, like 90.")
	clock := pollClock(m, home.Circle)
	var numbers []int // the form's number of each option given
	for i := 1; i <= roundtable.MaxPollOptions; i++ {
		n := strconv.Itoa(i)
		date, start := f.text("option"+n+"_date"), f.text("option"+n+"_time")
		switch {
		case date == "" && (start == "" || (i <= pollPrefilled && start == clock)):
			continue // a row left as the page gave it is not an option
		case date == "":
			// A start time of her own says she meant to offer this row.
			f.add("option"+n+"_date", "Enter the date of time "+n+", or empty its start time to leave it out.")
			continue
		case start == "":
			f.add("option"+n+"_time", "Enter the start time of time "+n+", like "+clock+".")
			continue
		}
		at, _ := parseDateTime(f, "option"+n+"_date", "option"+n+"_time", loc)
		p.Options = append(p.Options, &roundtable.PollOption{StartsAt: at, Minutes: minutes})
		numbers = append(numbers, i)
	}
	if !f.Invalid() {
		if err := s.svc.Polls.CreatePoll(r.Context(), p); err != nil {
			if code := roundtable.ErrorCode(err); code != roundtable.EINVALID && code != roundtable.ECONFLICT {
				return err
			}
			for k, v := range roundtable.ErrorFields(err) {
				if rest, ok := strings.CutPrefix(k, "option"); ok && rest != "s" {
					if x, err := strconv.Atoi(rest); err == nil && x >= 1 && x <= len(numbers) {
						k = "option" + strconv.Itoa(numbers[x-1]) + "_date"
					}
				}
				f.add(k, v)
			}
			if len(f.Errors) == 0 {
				f.finish(roundtable.ErrorMessage(err))
			}
		}
	}
	if f.Invalid() {
		f.finish("")
		s.renderPollForm(w, r, http.StatusUnprocessableEntity, u, m, home, f)
		return nil
	}
	return s.notice(w, r, "/polls/"+p.ID, "The poll is open. Everyone in the circle is asked which times suit them, in their own time zone.")
}

// pollOptionView is one time of a poll for the reader.
type pollOptionView struct {
	*roundtable.PollOption
	Key               string // "option2", the field of its answer's problems
	Field             string // the answer's input name
	When              string
	CircleWhen        string
	Mine              roundtable.PollAnswer
	Best              bool
	Chosen            bool
	Yes, IfNeedBe, No []string // names
}

// pollPage shows a poll: the times, the answers and what the reader can do.
type pollPage struct {
	layoutData
	Poll          *roundtable.Poll
	Meeting       *roundtable.Meeting
	Circle        *roundtable.Circle
	MeetingWhen   string
	Zone          string
	CircleZone    string // "" when it is the reader's
	Options       []pollOptionView
	IsFacilitator bool
	Waiting       []string // names of those who have not answered
	Answers       []roundtable.PollAnswer
	Form          *form
}

// loadPollPage gathers a poll with its meeting and circle for the reader.
func (s *Server) loadPollPage(r *http.Request, f *form) (*pollPage, error) {
	u, err := requireUser(r)
	if err != nil {
		return nil, err
	}
	p, err := s.svc.Polls.FindPoll(r.Context(), r.PathValue("pollID"))
	if err != nil {
		return nil, err
	}
	m, err := s.svc.Meetings.FindMeetingByID(r.Context(), p.MeetingID)
	if err != nil {
		return nil, err
	}
	home, err := s.svc.Circles.FindCircleHome(r.Context(), p.CircleID)
	if err != nil {
		return nil, err
	}
	loc, cloc, now := u.Location(), roundtable.LoadLocation(home.Circle.TimeZone), s.now()
	page := &pollPage{
		layoutData: layoutData{Title: "Finding a new time", Nav: "home"},
		Poll:       p, Meeting: m, Circle: home.Circle, MeetingWhen: meetingWhen(m.StartsAt, m.EndsAt(), loc, now),
		Zone: zoneName(loc), IsFacilitator: isFacilitator(home), Answers: roundtable.PollAnswers,
	}
	if cloc.String() != loc.String() {
		page.CircleZone = zoneName(cloc)
	}
	names := map[string]string{}
	for _, mb := range home.Circle.Members {
		names[mb.UserID] = mb.Name
		if !p.HasAnswered(mb.UserID) && mb.UserID != p.CreatedBy {
			page.Waiting = append(page.Waiting, mb.Name)
		}
	}
	best := p.Best()
	values := url.Values{}
	var order []string
	for _, o := range p.Options {
		v := pollOptionView{PollOption: o, Key: "option" + strconv.Itoa(o.Position), Field: "answer_" + o.ID,
			When: meetingWhen(o.StartsAt, o.EndsAt(), loc, now), Mine: o.Answers[u.ID],
			Best: p.Open() && best == o && len(p.Answered) > 0, Chosen: p.ChosenID == o.ID}
		if page.CircleZone != "" {
			v.CircleWhen = meetingWhen(o.StartsAt, o.EndsAt(), cloc, now)
		}
		for uid, a := range o.Answers {
			name := names[uid]
			if name == "" {
				continue // someone who left the circle
			}
			switch a {
			case roundtable.AnswerYes:
				v.Yes = append(v.Yes, name)
			case roundtable.AnswerIfNeedBe:
				v.IfNeedBe = append(v.IfNeedBe, name)
			case roundtable.AnswerNo:
				v.No = append(v.No, name)
			}
		}
		for _, l := range [][]string{v.Yes, v.IfNeedBe, v.No} {
			slices.Sort(l)
		}
		values.Set(v.Field, string(v.Mine))
		order = append(order, v.Key)
		page.Options = append(page.Options, v)
	}
	if f == nil {
		f = newForm(values, order...)
	} else {
		f.order = order
	}
	page.Form = f
	return page, nil
}

// handlePollShow shows a poll to the circle.
func (s *Server) handlePollShow(w http.ResponseWriter, r *http.Request) error {
	page, err := s.loadPollPage(r, nil)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "poll_show", page)
	return nil
}

// handlePollAnswer saves the reader's answers.
func (s *Server) handlePollAnswer(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("pollID")
	answers := map[string]roundtable.PollAnswer{}
	for k, v := range r.PostForm {
		if optionID, ok := strings.CutPrefix(k, "answer_"); ok && len(v) > 0 && v[0] != "" {
			answers[optionID] = roundtable.PollAnswer(v[0])
		}
	}
	err := s.svc.Polls.AnswerPoll(r.Context(), id, answers)
	if err == nil {
		return s.notice(w, r, "/polls/"+id, "Thank you: your answers are saved. You can change them while the poll is open.")
	}
	f := newForm(r.PostForm)
	if !f.fail(err) {
		return err
	}
	page, perr := s.loadPollPage(r, f)
	if perr != nil {
		return perr
	}
	s.render(w, r, http.StatusUnprocessableEntity, "poll_show", page)
	return nil
}

// handlePollChoose moves the meeting (or the series) to the chosen time.
func (s *Server) handlePollChoose(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("pollID")
	if err := s.svc.Polls.ChoosePollOption(r.Context(), id, r.PostForm.Get("option_id")); err != nil {
		if roundtable.ErrorCode(err) == roundtable.EINVALID {
			s.setFlash(w, "error", roundtable.ErrorMessage(err))
			redirect(w, r, "/polls/"+id)
			return nil
		}
		return err
	}
	return s.notice(w, r, "/polls/"+id, "The new time is set. Everyone gets the update for their calendar.")
}

// handlePollClose closes a poll without a choice.
func (s *Server) handlePollClose(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("pollID")
	if err := s.svc.Polls.ClosePoll(r.Context(), id); err != nil {
		return err
	}
	return s.notice(w, r, "/polls/"+id, "The poll is closed. The meeting keeps its time.")
}
