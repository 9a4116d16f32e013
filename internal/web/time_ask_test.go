package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

var timesRE = regexp.MustCompile(`/times/([A-Za-z0-9_-]+)`)

func TestTimeAsk(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	otherOrg := a.user("oscar@example.org", "Oscar Other", true)
	p := a.program(org, "Ways Program")
	a.program(otherOrg, "Oscar's Program")
	for i := range 6 {
		a.applicant(org, p, fmt.Sprintf("p%d@example.org", i), fmt.Sprintf("Person %d", i), "Grow.", true)
	}
	di := &roundtable.Applicant{ProgramID: p.ID, Name: "Di Nakamura", Email: "di@example.org", Title: "Director", Organization: "Kumo",
		Sector: "Private", Level: 3, TimeZone: "Asia/Tokyo", Availability: "Thu 09:00-10:00", Goals: "Grow."}
	if err := a.svc.Applicants.Apply(context.Background(), di); err != nil {
		t.Fatal(err)
	}
	if err := a.svc.Applicants.SetApplicantStatus(as(org), di.ID, roundtable.StatusAccepted); err != nil {
		t.Fatal(err)
	}
	// A member of another circle of the program.
	c := a.circle(org, p, "Circle Z")
	mem := a.member(org, c, a.applicant(org, p, "mo@example.org", "Mo Member", "Grow.", true), "UTC")
	pv := a.readyDraft(org, p)
	var way *roundtable.WayIn
	for _, u := range pv.Unplaced {
		if u.Applicant.ID == di.ID && len(u.Ways) > 0 {
			way = u.Ways[0]
		}
	}
	if way == nil {
		t.Fatalf("got unplaced %v, want Di with a way in", pv.Unplaced)
	}
	path := draftPath(p.ID, pv.Draft.ID)
	a.deliver()

	a.browser().signInAs(org).get(path).want(t, http.StatusOK).
		contains(t, "Nearest times that would place Di Nakamura", "Could join <strong>"+way.Where()+"</strong> if also free <strong>"+way.HerFirst()+"</strong> (Asia/Tokyo time)",
			way.Ref+" in Europe/Paris", "Ask Di Nakamura")

	ask := url.Values{"applicant_id": {di.ID}}
	a.browser().signInAs(otherOrg).post(path+"/ask", ask).want(t, http.StatusNotFound)
	a.browser().signInAs(mem).post(path+"/ask", ask).want(t, http.StatusNotFound)
	if r := a.browser().post(path+"/ask", ask); r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/signin") {
		t.Fatalf("anonymous: got %d to %q, want the sign-in page", r.Code, r.Location)
	}
	a.browser().signInAs(otherOrg).get(path).want(t, http.StatusNotFound).lacks(t, "Di Nakamura")
	if msgs := a.deliver(); len(msgs) != 0 {
		t.Fatalf("got %d messages, want none sent by strangers", len(msgs))
	}

	b := a.browser().signInAs(org)
	if r := b.post(path+"/ask", ask).want(t, http.StatusSeeOther); r.Location != path+"#circle-0" {
		t.Fatalf("got redirect to %q, want the unplaced list", r.Location)
	}
	b.get(path).want(t, http.StatusOK).contains(t, "Di Nakamura was asked by e-mail on", "No answer yet")
	b.post(path+"/ask", ask).want(t, http.StatusSeeOther)
	msgs := a.deliver()
	if len(msgs) != 1 || msgs[0].To != di.Email || !strings.Contains(msgs[0].Text, way.HerFirst()) {
		t.Fatalf("got %d messages %v, want one to Di with %q", len(msgs), msgs, way.HerFirst())
	}
	token := timesRE.FindStringSubmatch(msgs[0].Text)[1]

	// Her page works with its token only; bad input answers in words.
	anon := a.browser()
	anon.get("/times/"+strings.Repeat("x", 43)).want(t, http.StatusNotFound).contains(t, "This link does not work")
	anon.post("/times/"+strings.Repeat("x", 43), url.Values{"choice": {"0"}}).want(t, http.StatusNotFound).contains(t, "This link does not work")
	anon.get("/times/"+token).want(t, http.StatusOK).contains(t, "Could you make one of these times?", way.HerFirst(), "Asia/Tokyo", "I can make this", "None of these")
	anon.post("/times/"+token, url.Values{"choice": {"7"}}).want(t, http.StatusUnprocessableEntity).contains(t, "Choose one of the times")
	anon.post("/times/"+token, url.Values{"choice": {"x"}}).want(t, http.StatusUnprocessableEntity).contains(t, "Choose one of the times")
	anon.follow(anon.post("/times/"+token, url.Values{"choice": {"0"}}).want(t, http.StatusSeeOther)).want(t, http.StatusOK).
		contains(t, "Thank you for your answer", "kept you a seat")
	anon.post("/times/"+token, url.Values{"choice": {"none"}}).want(t, http.StatusUnprocessableEntity).contains(t, "You answered already")

	a.browser().signInAs(org).get(path).want(t, http.StatusOK).contains(t, "Joined after being asked")
}
