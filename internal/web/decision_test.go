package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// TestDecision_Pages: a member proposes a change of format, members vote
// (a block needs a reason), results show only at the close, a late vote is
// told calmly it was not counted, the facilitator applies the format in one
// click and records the outcome. The organizer sees none of it.
func TestDecision_Pages(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	m := a.meetingIn(s, 10, 90)
	ny, tk, fb := a.browser().signInAs(s.ny), a.browser().signInAs(s.tokyo), a.browser().signInAs(s.fac)
	list := "/circles/" + s.circle.ID + "/decisions"

	ny.get("/circles/"+s.circle.ID).want(t, http.StatusOK).contains(t, `href="`+list+`"`)
	ny.get(list).want(t, http.StatusOK).contains(t, "Nothing is open for a vote", "Only your circle can see this")
	ny.get(list+"/new").want(t, http.StatusOK).contains(t, "Propose a decision", "Case clinic", "Meet every two weeks for the rest of the series")
	past := time.Now().Add(-48 * time.Hour).Format(roundtable.DateLayout)
	ny.post(list+"/new", url.Values{"title": {""}, "kind": {"choice"}, "option1": {"Only one"}, "closes_date": {past}, "closes_time": {"10:00"}, "results": {"close"}}).
		want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-title"`, `href="#f-options"`, `href="#f-closes_date"`, "Only one")
	ny.get(list).contains(t, "Nothing is open for a vote")

	day := time.Now().Add(3 * 24 * time.Hour).Format(roundtable.DateLayout)
	r := ny.post(list+"/new", url.Values{"title": {"Open with a check-in round"}, "details": {"We rush in."}, "kind": {"consent"},
		"closes_date": {day}, "closes_time": {"18:00"}, "results": {"close"}, "change": {"format:check_in"}}).want(t, http.StatusSeeOther)
	path := r.Location
	ny.follow(r).contains(t, "Your proposal is open", "Open with a check-in round", "Round-robin check-in", "Where do you stand?")
	ny.post(path+"/vote", url.Values{"stance": {"agree"}}).want(t, http.StatusSeeOther)
	tk.post(path+"/vote", url.Values{"stance": {"block"}}).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-reason"`, "Say why you block")
	tk.post(path+"/vote", url.Values{"stance": {"disagree"}, "reason": {"Too long for us"}}).want(t, http.StatusSeeOther)
	ny.get(path).contains(t, "The results are shown when the decision closes", "You voted: Agree", "2 of 3 voted").lacks(t, "Too long for us")
	ny.post(path+"/apply", nil).want(t, http.StatusForbidden)
	tk.post(path+"/close", nil).want(t, http.StatusForbidden)
	a.browser().signInAs(s.org).get(path).want(t, http.StatusNotFound)

	r = ny.post(path+"/close", nil).want(t, http.StatusSeeOther)
	ny.follow(r).contains(t, "The decision is closed", "Agree: 1", "Disagree: 1", "Too long for us", "Record the outcome").lacks(t, "Apply the decision")
	r = tk.post(path+"/vote", url.Values{"stance": {"agree"}}).want(t, http.StatusSeeOther)
	tk.follow(r).contains(t, "votes are no longer counted", "Disagree: 1")

	page := fb.get(path).want(t, http.StatusOK).contains(t, "Apply the decision")
	if !strings.Contains(page.Body, "Make “Round-robin check-in” the default format of the rest of this circle&#39;s meetings") {
		t.Fatalf("the apply button does not say what it does: %s", snippet(page.Body))
	}
	r = fb.post(path+"/apply", nil).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "is now the circle&#39;s format", "1 meeting now follows it", "Applied").lacks(t, "Apply the decision")
	ag, err := a.svc.Agendas.FindAgenda(as(s.ny), m.ID)
	if err != nil || len(ag.Segments) != 1 || ag.Segments[0].Title != "Check-in round" {
		t.Fatalf("got agenda %+v (%v), want the check-in format", ag, err)
	}
	r = fb.post(path+"/apply", nil).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "applied already")
	fb.post(path+"/outcome", url.Values{"outcome": {" "}}).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-outcome"`)
	r = fb.post(path+"/outcome", url.Values{"outcome": {"We open with a check-in from now on."}}).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "The outcome is recorded", "We open with a check-in from now on.", "Recorded by Fay Facilitator")
	ny.get(list).contains(t, "Outcome: We open with a check-in from now on.", "Applied")
}

// TestDecision_ApplyCadence: a decision to meet every week instead of every
// month changes the rest of the series in one click.
func TestDecision_ApplyCadence(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	if _, err := a.svc.Series.CreateSeries(as(s.fac), &roundtable.Series{CircleID: s.circle.ID, Slot: "Tue 15:00",
		Cadence: roundtable.Monthly, Minutes: 90, VideoURL: "https://v.example/s"}); err != nil {
		t.Fatal(err)
	}
	ny, fb := a.browser().signInAs(s.ny), a.browser().signInAs(s.fac)
	day := time.Now().Add(3 * 24 * time.Hour).Format(roundtable.DateLayout)
	r := ny.post("/circles/"+s.circle.ID+"/decisions/new", url.Values{"title": {"Meet every week"}, "kind": {"consent"},
		"closes_date": {day}, "closes_time": {"18:00"}, "results": {"open"}, "change": {"cadence:weekly"}}).want(t, http.StatusSeeOther)
	path := r.Location
	ny.follow(r).contains(t, "Change the rest of the series to every week")
	r = fb.post(path+"/apply", nil).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "still open")
	fb.post(path+"/close", nil).want(t, http.StatusSeeOther)
	r = fb.post(path+"/apply", nil).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "The circle now meets every week on Tuesday at 15:00", "new")
	sr, err := a.svc.Series.FindSeries(as(s.ny), s.circle.ID)
	if err != nil || sr.Cadence != roundtable.Weekly {
		t.Fatalf("got series %+v (%v), want weekly", sr, err)
	}
}
