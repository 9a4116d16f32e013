package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// TestPoll_Pages: the facilitator offers times, members answer in their own
// time zone, the best time is chosen in one click and the meeting moves.
func TestPoll_Pages(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	m := a.meetingIn(s, 10, 90)
	fb, ny, tk := a.browser().signInAs(s.fac), a.browser().signInAs(s.ny), a.browser().signInAs(s.tokyo)
	newPath := "/meetings/" + m.ID + "/polls/new"

	fb.get(newPath).want(t, http.StatusOK).contains(t, "Find a new time", "This meeting only", `value="10:00"`).lacks(t, "This and the following")
	d1, _, t1 := parisAt(11, "18:00")
	d2, _, t2 := parisAt(12, "08:00")
	dPast, _, _ := parisAt(-1, "08:00")
	fb.post(newPath, url.Values{"scope": {"meeting"}, "option1_date": {d1}, "option1_time": {"18:00"}, "minutes": {"90"}}).
		want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-options"`, "at least two")
	fb.post(newPath, url.Values{"scope": {"meeting"}, "option1_date": {d1}, "option1_time": {"18:00"}, "option3_date": {dPast}, "option3_time": {"08:00"}, "minutes": {"90"}}).
		want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-option3_date"`, "in the future")
	r := fb.post(newPath, url.Values{"scope": {"meeting"}, "note": {"Half of us travel that week."},
		"option1_date": {d1}, "option1_time": {"18:00"}, "option2_date": {d2}, "option2_time": {"08:00"}, "minutes": {"90"}}).want(t, http.StatusSeeOther)
	pollPath := r.Location
	if !strings.HasPrefix(pollPath, "/polls/") {
		t.Fatalf("got redirect %q, want the poll", pollPath)
	}
	fb.follow(r).contains(t, "The poll is open", "Half of us travel that week.", "Not answered yet")
	fb.post(newPath, url.Values{"scope": {"meeting"}, "option1_date": {d1}, "option1_time": {"19:00"}, "option2_date": {d2}, "option2_time": {"09:00"}, "minutes": {"90"}}).
		want(t, http.StatusUnprocessableEntity).contains(t, "open already")

	// Members see the times on their own clock and answer.
	nyLoc, tkLoc := roundtable.LoadLocation("America/New_York"), roundtable.LoadLocation("Asia/Tokyo")
	page := ny.get(pollPath).want(t, http.StatusOK)
	page.contains(t, meetingWhen(t1, t1.Add(90*time.Minute), nyLoc, time.Now()), "America/New York", "Can you make it?").lacks(t, "Choose the time")
	p, err := a.svc.Polls.FindPoll(as(s.ny), strings.TrimPrefix(pollPath, "/polls/"))
	if err != nil {
		t.Fatal(err)
	}
	o1, o2 := p.Options[0].ID, p.Options[1].ID
	ny.post(pollPath+"/answer", url.Values{"answer_" + o1: {"maybe"}}).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-option1"`)
	r = ny.post(pollPath+"/answer", url.Values{"answer_" + o1: {"no"}, "answer_" + o2: {"yes"}}).want(t, http.StatusSeeOther)
	ny.follow(r).contains(t, "your answers are saved", "Nia York")
	tk.get(pollPath).want(t, http.StatusOK).contains(t, meetingWhen(t2, t2.Add(90*time.Minute), tkLoc, time.Now()))
	tk.post(pollPath+"/answer", url.Values{"answer_" + o1: {"yes"}, "answer_" + o2: {"if_need_be"}}).want(t, http.StatusSeeOther)
	ny.post(pollPath+"/choose", url.Values{"option_id": {o2}}).want(t, http.StatusForbidden)
	ny.post(pollPath+"/close", nil).want(t, http.StatusForbidden)
	a.browser().signInAs(s.org).get(pollPath).want(t, http.StatusNotFound)

	// Both have one yes; the second has an if-need-be more: it is the best.
	res := fb.get(pollPath).want(t, http.StatusOK).contains(t, "Best so far", "Choose the time")
	if i, j := strings.Index(res.Body, "Best so far"), strings.Index(res.Body, meetingWhen(t2, t2.Add(90*time.Minute), roundtable.LoadLocation("Europe/Paris"), time.Now())); i < j {
		t.Errorf("the best mark is not on the second time")
	}
	ny.get("/circles/"+s.circle.ID).want(t, http.StatusOK).contains(t, "Finding a new time", "Change my answers")
	r = fb.post(pollPath+"/choose", url.Values{"option_id": {o2}}).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "The new time is set", "Chosen").lacks(t, "Save my answers")
	moved, err := a.svc.Meetings.FindMeetingByID(as(s.tokyo), m.ID)
	if err != nil || !moved.StartsAt.Equal(t2) || moved.Sequence != 1 {
		t.Fatalf("got %+v (%v), want the meeting at %s, sequence 1", moved, err, t2)
	}
	fb.post(pollPath+"/choose", url.Values{"option_id": {o1}}).want(t, http.StatusSeeOther)
	if again, _ := a.svc.Meetings.FindMeetingByID(as(s.tokyo), m.ID); !again.StartsAt.Equal(t2) {
		t.Errorf("a closed poll moved the meeting again")
	}
}

// TestPoll_UntouchedRows: the form fills a start time into its first three
// rows; offering two times leaves the third as the page gave it, and that
// row is no option. A row whose time she changed but whose date she left
// out asks for the date rather than vanishing.
func TestPoll_UntouchedRows(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	m := a.meetingIn(s, 10, 90)
	fb := a.browser().signInAs(s.fac)
	newPath := "/meetings/" + m.ID + "/polls/new"
	fb.get(newPath).want(t, http.StatusOK).contains(t, `name="option3_time" value="10:00"`)
	d1, _, _ := parisAt(11, "18:00")
	d2, _, _ := parisAt(12, "08:00")
	two := url.Values{"scope": {"meeting"}, "minutes": {"90"},
		"option1_date": {d1}, "option1_time": {"18:00"}, "option2_date": {d2}, "option2_time": {"08:00"},
		"option3_date": {""}, "option3_time": {"10:00"}, "option4_date": {""}, "option4_time": {""}}

	// A third row with a time of her own but no date: she meant it.
	partly := url.Values{}
	for k, v := range two {
		partly[k] = v
	}
	partly.Set("option3_time", "11:30")
	fb.post(newPath, partly).want(t, http.StatusUnprocessableEntity).
		contains(t, `href="#f-option3_date"`, "Enter the date of time 3, or empty its start time to leave it out.", `value="11:30"`).
		lacks(t, "Enter the date of the meeting")

	r := fb.post(newPath, two).want(t, http.StatusSeeOther)
	p, err := a.svc.Polls.FindPoll(as(s.fac), strings.TrimPrefix(r.Location, "/polls/"))
	if err != nil {
		t.Fatalf("got redirect %q (%v), want the new poll", r.Location, err)
	}
	if len(p.Options) != 2 {
		t.Fatalf("got %d options, want the two offered", len(p.Options))
	}
}
