package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// TestCircle_Journey walks the foundation's main path through the pages: an
// organizer forms a circle, a member joins through the invitation, accepts
// the ground rules and sets goals, the facilitator schedules a meeting and
// the member answers it, seeing the time in their own zone.
func TestCircle_Journey(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.program(org, "Journey Program")
	ap := a.applicant(org, p, "ana@example.org", "Ana Applicant", "Delegate more.", true)
	ob := a.browser().signInAs(org)

	// Create a circle.
	ob.get("/programs/"+p.ID+"/circles").want(t, http.StatusOK).contains(t, "No circles yet", `<option value="Europe/Paris" selected>`)
	ob.post("/programs/"+p.ID+"/circles", url.Values{"name": {""}, "time_zone": {"Europe/Paris"}}).
		want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-name"`)
	r := ob.post("/programs/"+p.ID+"/circles", url.Values{"name": {"Circle Aurora"}, "time_zone": {"Europe/Paris"}}).want(t, http.StatusSeeOther)
	roster := r.Location
	circleID := roster[strings.LastIndexByte(roster, '/')+1:]
	ob.follow(r).want(t, http.StatusOK).contains(t, "Circle created", "Nobody is in this circle yet", "Ana Applicant")

	// Place the applicant; the invitation goes out.
	ob.post(roster+"/place", url.Values{"applicant_id": {""}}).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-applicant_id"`)
	ob.post(roster+"/place", url.Values{"applicant_id": {"not-an-id"}}).want(t, http.StatusUnprocessableEntity)
	r = ob.post(roster+"/place", url.Values{"applicant_id": {ap.ID}}).want(t, http.StatusSeeOther)
	ob.follow(r).contains(t, "Placed in Circle Aurora", "Ana Applicant", "not joined yet")
	token := a.tokenFor(inviteRE, "ana@example.org")

	// Name a facilitator who has no account yet.
	ob.post(roster+"/facilitator", url.Values{"facilitator_email": {"nope"}}).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-facilitator_email"`)
	r = ob.post(roster+"/facilitator", url.Values{"facilitator_email": {"fay@example.org"}, "facilitator_name": {"Fay Facilitator"}}).want(t, http.StatusSeeOther)
	ob.follow(r).contains(t, "Facilitator named", "Fay Facilitator")
	fay := a.join(&roundtable.Circle{ID: circleID}, "fay@example.org", "Fay Facilitator", "Europe/Paris")

	// The member enters through the invitation.
	mb := a.browser()
	mb.get("/invite/"+token).want(t, http.StatusOK).contains(t, "Join Circle Aurora", "Journey Program", `value="Ana Applicant"`, `<option value="America/New_York" selected>`)
	mb.post("/invite/"+token, url.Values{"name": {"Ana A."}, "time_zone": {"America/New_York"}, "password": {"short"}}).
		want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-password"`, `value="Ana A."`)
	r = mb.post("/invite/"+token, url.Values{"name": {"Ana A."}, "time_zone": {"America/New_York"}, "password": {testPassword}}).want(t, http.StatusSeeOther)
	checkSessionCookie(t, r, false)
	if r.Location != "/circles/"+circleID+"/welcome" {
		t.Fatalf("got redirect %q, want the circle's welcome page", r.Location)
	}
	a.browser().get("/invite/"+token).want(t, http.StatusGone).contains(t, "This invitation no longer works", `href="/signin"`)

	// Nothing of the circle before the ground rules.
	mb.get("/").want(t, http.StatusOK).contains(t, "Read and accept the ground rules of Circle Aurora")
	r = mb.get("/circles/"+circleID).want(t, http.StatusSeeOther)
	if r.Location != "/circles/"+circleID+"/welcome" {
		t.Fatalf("got redirect %q, want the welcome page", r.Location)
	}
	mb.get("/circles/"+circleID+"/goals").want(t, http.StatusSeeOther)
	w := mb.get("/circles/"+circleID+"/welcome").want(t, http.StatusOK)
	w.contains(t, "what is said in the circle stays in the circle", "I accept the ground rules").lacks(t, "Fay Facilitator")
	r = mb.post("/circles/"+circleID+"/welcome", nil).want(t, http.StatusSeeOther)
	home := mb.follow(r).want(t, http.StatusOK)
	home.contains(t, "Only your circle can see this", "Set your leadership goals", "Fay Facilitator", "Ana A. (you)")

	// Goals: 1 to 3.
	mb.post("/circles/"+circleID+"/goals", url.Values{"goal1": {" "}, "goal2": {""}}).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-goal1"`)
	r = mb.post("/circles/"+circleID+"/goals", url.Values{"goal1": {"Coach my team leads"}, "goal2": {"Say no more often"}}).want(t, http.StatusSeeOther)
	mb.follow(r).contains(t, "Your goals are saved", "Coach my team leads", "Say no more often").lacks(t, "Set your leadership goals")
	mb.get("/circles/"+circleID+"/goals").want(t, http.StatusOK).contains(t, "Coach my team leads")

	// Only the facilitator schedules.
	mb.get("/circles/"+circleID+"/meetings/new").want(t, http.StatusForbidden)
	fb := a.browser().signInAs(fay)
	fb.get("/circles/"+circleID+"/meetings/new").want(t, http.StatusOK).contains(t, "Europe/Paris", `value="90"`)
	fb.post("/circles/"+circleID+"/meetings/new", url.Values{"date": {"soon"}, "time": {"25:00"}, "minutes": {"90"}}).
		want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-date"`, `href="#f-time"`)
	paris := roundtable.LoadLocation("Europe/Paris")
	day := time.Now().In(paris).AddDate(0, 0, 10)
	start := time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, paris)
	r = fb.post("/circles/"+circleID+"/meetings/new", url.Values{
		"date": {start.Format("2006-01-02")}, "time": {"10:00"}, "minutes": {"90"},
		"video_url": {"https://meet.example.org/aurora"}, "agenda": {"Check-in, then a case clinic."},
	}).want(t, http.StatusSeeOther)
	meetingPath := r.Location
	fb.follow(r).want(t, http.StatusOK).contains(t, "Meeting scheduled", "Check-in, then a case clinic.", "https://meet.example.org/aurora")

	// The member sees it in their own zone, with the zone named.
	ny := roundtable.LoadLocation("America/New_York")
	when := meetingWhen(start, start.Add(90*time.Minute), ny, time.Now())
	mb.get("/circles/"+circleID).want(t, http.StatusOK).contains(t, when, "America/New York, your time")
	mb.get("/").want(t, http.StatusOK).contains(t, when, "America/New York")

	// RSVP from the circle page goes back there.
	meetingID := strings.TrimPrefix(meetingPath, "/meetings/")
	r = mb.post("/meetings/"+meetingID+"/rsvp", url.Values{"answer": {"yes"}, "back": {"/circles/" + circleID}}).want(t, http.StatusSeeOther)
	if r.Location != "/circles/"+circleID {
		t.Errorf("got redirect %q, want back to the circle", r.Location)
	}
	mb.follow(r).contains(t, "Your answer is saved: Coming")
	mb.post("/meetings/"+meetingID+"/rsvp", url.Values{"answer": {"perhaps"}}).want(t, http.StatusUnprocessableEntity)
	mb.post("/meetings/"+meetingID+"/rsvp", url.Values{"answer": {"no"}, "back": {"https://evil.example/"}}).want(t, http.StatusSeeOther)
	// The meeting page groups people by answer.
	page := fb.get(meetingPath).want(t, http.StatusOK)
	if !regexp.MustCompile(`<dt>Not coming <span class="muted">\(1\)</span></dt>\s*<dd>Ana A\.</dd>`).MatchString(page.Body) ||
		!regexp.MustCompile(`<dt>No answer yet <span class="muted">\(1\)</span></dt>\s*<dd>Fay Facilitator \(you\) <span class="muted">\(facilitator\)</span></dd>`).MatchString(page.Body) {
		t.Errorf("the meeting page does not group the answers: %s", snippet(page.Body))
	}

	// The organizer sees the roster but never goals or meetings.
	ro := ob.get(roster).want(t, http.StatusOK)
	ro.contains(t, "Ana A.", "Fay Facilitator", "Accepted").lacks(t, "Coach my team leads", "Check-in, then a case clinic.", "meet.example.org")
	ob.get("/circles/"+circleID).want(t, http.StatusNotFound)
	ob.get(meetingPath).want(t, http.StatusNotFound)
	ob.get("/programs/"+p.ID).want(t, http.StatusOK).contains(t, "Circle Aurora").lacks(t, "Coach my team leads")

	// Removing a member.
	anaID := ""
	c, err := a.svc.Circles.FindCircleRoster(as(org), circleID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range c.Members {
		if m.Email == "ana@example.org" {
			anaID = m.UserID
		}
	}
	r = ob.post(roster+"/remove", url.Values{"user_id": {anaID}}).want(t, http.StatusSeeOther)
	ob.follow(r).contains(t, "Ana A. is no longer in Circle Aurora")
	mb.get("/circles/"+circleID).want(t, http.StatusNotFound)
	ob.post(roster+"/remove", url.Values{"user_id": {"nobody"}}).want(t, http.StatusSeeOther)
}

func TestInvite_Unknown(t *testing.T) {
	a := newApp(t)
	a.user("someone@example.org", "Some One", false)
	a.browser().get("/invite/"+strings.Repeat("A", 43)).want(t, http.StatusGone).contains(t, "This invitation no longer works")
	a.browser().post("/invite/x", url.Values{"name": {"X"}, "password": {testPassword}}).want(t, http.StatusGone)
}
