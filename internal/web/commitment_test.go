package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

// TestCommitments_Pages: Nia marks her commitment done with a note between
// meetings; her page and the next meeting's follow-ups show her word.
// Nobody else can change it or see it on their own page.
func TestCommitments_Pages(t *testing.T) {
	w := newRoomWorld(t)
	w.goTo(t, rsPlayback)
	items, err := w.a.svc.Room.PlayBack(as(w.ny), w.meeting.ID, nil, []string{"Hold one joint retro"})
	if err != nil || len(items) != 1 {
		t.Fatalf("play-back: %v %v", items, err)
	}
	id := items[0].ID

	page := w.nb.get("/commitments").want(t, http.StatusOK)
	page.contains(t, "<h1>My commitments</h1>", "Only your circle can see this", "Hold one joint retro", "Circle Cedar",
		`action="/commitments/`+id+`"`, "Say how it is going", `aria-current="page">My commitments`)
	w.tb.get("/commitments").want(t, http.StatusOK).lacks(t, "Hold one joint retro").contains(t, "No commitments yet")

	for name, b := range map[string]*browser{"Taro": w.tb, "Fay": w.fb} {
		r := b.post("/commitments/"+id, url.Values{"status": {"done"}, "note": {"Not mine"}})
		if r.Code != http.StatusNotFound {
			t.Errorf("%s: got status %d, want 404", name, r.Code)
		}
	}

	r := w.nb.post("/commitments/"+id, url.Values{"status": {"done"}, "note": {"Held it on Friday, both teams came"}}).want(t, http.StatusSeeOther)
	if r.Location != "/commitments#c-"+id {
		t.Errorf("got redirect to %q, want the commitment on the page", r.Location)
	}
	// A browser drops the fragment when it follows the redirect.
	w.nb.get("/commitments").want(t, http.StatusOK).contains(t, "Marked done", `role="status"`, "<h2>Done</h2>",
		"Held it on Friday, both teams came", "Change your word on it")

	next := w.tb.get("/meetings/"+w.next.ID).want(t, http.StatusOK)
	next.contains(t, "Follow-ups", "Hold one joint retro", `<span class="tag">Done</span>`, "Held it on Friday, both teams came")
}

// Bad input keeps the commitment as it was and says what to fix.
func TestCommitments_BadInput(t *testing.T) {
	w := newRoomWorld(t)
	w.goTo(t, rsPlayback)
	items, err := w.a.svc.Room.PlayBack(as(w.ny), w.meeting.ID, nil, []string{"Hold one joint retro"})
	if err != nil {
		t.Fatal(err)
	}
	id := items[0].ID
	w.nb.post("/commitments/"+id, url.Values{"status": {"maybe"}, "note": {"Kept note"}}).want(t, http.StatusUnprocessableEntity).
		contains(t, "There is a problem", "Say whether the commitment is still open, done or dropped.", "Kept note", `href="#status-`+id+`"`)
	w.nb.post("/commitments/"+id, url.Values{"status": {"done"}, "note": {strings.Repeat("x", 1001)}}).want(t, http.StatusUnprocessableEntity).
		contains(t, "Use at most 1,000 characters.", `id="note-`+id+`"`)
	w.nb.post("/commitments/not-a-commitment", url.Values{"status": {"done"}}).want(t, http.StatusNotFound)
	w.a.browser().post("/commitments/"+id, url.Values{"status": {"done"}}).want(t, http.StatusSeeOther) // to sign in
	mine, err := w.a.svc.Commitments.ListMyCommitments(as(w.ny))
	if err != nil || len(mine) != 1 || mine[0].Status != roundtable.ActionOpen || mine[0].Report != "" {
		t.Fatalf("got %+v %v, want it untouched", mine, err)
	}
}

// TestCheckIns_Pages: Nia checks in on her goal and her timeline shows it;
// Taro sees it only once she shares it; the organizer never.
func TestCheckIns_Pages(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	nb, tb, ob := a.browser().signInAs(s.ny), a.browser().signInAs(s.tokyo), a.browser().signInAs(s.org)
	base := "/circles/" + s.circle.ID
	mine := base + "/members/" + s.ny.ID + "/checkins"

	nb.get(base+"/checkins").want(t, http.StatusOK).contains(t, "Set your leadership goals first")
	if err := a.svc.Circles.SetGoals(as(s.ny), s.circle.ID, []string{"Build one team from two"}); err != nil {
		t.Fatal(err)
	}
	p, err := a.svc.CheckIns.FindCheckIns(as(s.ny), s.circle.ID, s.ny.ID)
	if err != nil {
		t.Fatal(err)
	}
	g := p.Goals[0].Goal.ID
	nb.get(base).want(t, http.StatusOK).contains(t, `href="`+base+`/checkins"`, "Check in on my goals")
	page := nb.get(base+"/checkins").want(t, http.StatusOK)
	page.contains(t, "<h1>Your goals over time</h1>", "Only your circle can see this", "Every month", "Check in for this month",
		`name="rating-`+g+`"`, `<label for="f-reflection-`+g+`">`, "No check-ins yet", "Share my check-ins with my circle")

	r := nb.post(base+"/checkins", url.Values{"rating-" + g: {"4"}, "reflection-" + g: {"Joint retro went well"}}).want(t, http.StatusSeeOther)
	page = nb.follow(r).want(t, http.StatusOK)
	page.contains(t, "Your check-in is saved.", "4 of 5, Good progress", "Joint retro went well", `<svg class="timeline-chart"`,
		"Progress ratings over time, from 1 to 5: 4.", "Change this month", `value="4" aria-describedby="f-rating-`+g+`-hint" checked`)

	// Hidden from the circle until she shares it; never shown to the organizer.
	tb.get(mine).want(t, http.StatusNotFound)
	tb.get(base).want(t, http.StatusOK).lacks(t, mine)
	nb.post(base+"/checkins/share", url.Values{"share": {"1"}}).want(t, http.StatusSeeOther)
	tb.get(base).want(t, http.StatusOK).contains(t, `href="`+mine+`"`)
	tb.get(mine).want(t, http.StatusOK).contains(t, "Nia York", "Joint retro went well", "4 of 5").lacks(t, `action="`+base+`/checkins"`)
	ob.get(mine).want(t, http.StatusNotFound).lacks(t, "Joint retro went well")
	nb.post(base+"/checkins/share", url.Values{"share": {"0"}}).want(t, http.StatusSeeOther)
	tb.get(mine).want(t, http.StatusNotFound)
}

// Bad ratings are refused with the reason, and nothing is stored.
func TestCheckIns_BadInput(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	nb := a.browser().signInAs(s.ny)
	base := "/circles/" + s.circle.ID
	if err := a.svc.Circles.SetGoals(as(s.ny), s.circle.ID, []string{"Build one team from two"}); err != nil {
		t.Fatal(err)
	}
	p, _ := a.svc.CheckIns.FindCheckIns(as(s.ny), s.circle.ID, s.ny.ID)
	g := p.Goals[0].Goal.ID
	nb.post(base+"/checkins", url.Values{"rating-" + g: {"9"}, "reflection-" + g: {"Kept line"}}).want(t, http.StatusUnprocessableEntity).
		contains(t, "There is a problem", "Choose how far you have come, from 1 to 5.", `href="#f-rating-`+g+`"`, `value="Kept line"`)
	nb.post(base+"/checkins", url.Values{"reflection-" + g: {"A line but no rating"}}).want(t, http.StatusUnprocessableEntity).
		contains(t, "Choose how far you have come")
	nb.post(base+"/checkins", url.Values{}).want(t, http.StatusUnprocessableEntity).contains(t, "Rate your progress on at least one goal.")
	nb.post(base+"/checkins", url.Values{"rating-made-up": {"3"}}).want(t, http.StatusUnprocessableEntity).contains(t, "not one of yours")
	p, _ = a.svc.CheckIns.FindCheckIns(as(s.ny), s.circle.ID, s.ny.ID)
	if n := len(p.Goals[0].CheckIns); n != 0 {
		t.Fatalf("got %d check-ins stored, want none", n)
	}
}
