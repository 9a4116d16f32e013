package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// seatsProgram creates a program with circles of 2–3 people organized by org.
func (a *app) seatsProgram(org *roundtable.User) *roundtable.Program {
	a.t.Helper()
	start := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 7)
	p := &roundtable.Program{
		Name: "Seats Program", Purpose: "Grow as leaders.", StartDate: start, EndDate: start.AddDate(0, 6, 0),
		Cadence: roundtable.Monthly, SessionMinutes: 90, SizeMin: 2, SizeTarget: 2, SizeMax: 3,
		TimeZone: "Europe/Paris", GroundRules: roundtable.DefaultGroundRules, ApplicationsOpen: true,
	}
	if err := a.svc.Programs.CreateProgram(as(org), p); err != nil {
		a.t.Fatalf("create program: %v", err)
	}
	return p
}

// circleAt creates a circle of p that meets weekly at slot, Paris time.
func (a *app) circleAt(org *roundtable.User, p *roundtable.Program, name, slot string) *roundtable.Circle {
	a.t.Helper()
	c := &roundtable.Circle{ProgramID: p.ID, Name: name, TimeZone: "Europe/Paris", Slot: slot}
	if err := a.svc.Circles.CreateCircle(as(org), c); err != nil {
		a.t.Fatalf("create circle: %v", err)
	}
	return c
}

// person applies to p from New York with the given availability and gets status st.
func (a *app) person(org *roundtable.User, p *roundtable.Program, name, availability string, st roundtable.ApplicantStatus) *roundtable.Applicant {
	a.t.Helper()
	ap := &roundtable.Applicant{
		ProgramID: p.ID, Name: name, Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org", Title: "Director",
		Organization: name + " Ltd", Sector: "Public", Level: 3, TimeZone: "America/New_York", Availability: availability, Goals: "Grow.",
	}
	if err := a.svc.Applicants.Apply(context.Background(), ap); err != nil {
		a.t.Fatalf("apply %s: %v", name, err)
	}
	if err := a.svc.Applicants.SetApplicantStatus(as(org), ap.ID, st); err != nil {
		a.t.Fatalf("set status of %s: %v", name, err)
	}
	return ap
}

// seat places a new accepted person in c.
func (a *app) seat(org *roundtable.User, c *roundtable.Circle, p *roundtable.Program, name, availability string) *roundtable.Applicant {
	a.t.Helper()
	ap := a.person(org, p, name, availability, roundtable.StatusAccepted)
	if err := a.svc.Circles.PlaceApplicant(as(org), c.ID, ap.ID); err != nil {
		a.t.Fatalf("place %s: %v", name, err)
	}
	return ap
}

var versionRE = regexp.MustCompile(`name="version" value="([0-9a-f]+)"`)

// version returns the proposal's version on a page.
func version(t *testing.T, r *response) string {
	t.Helper()
	m := versionRE.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no proposal version on the page: %s", snippet(r.Body))
	}
	return m[1]
}

// Monday at 15:00 in Paris is 09:00 in New York, or 10:00 in the weeks the
// two zones change clocks on different dates: a New York morning holds both.
const mondayMorning = "Mon 08:30-12:00"

func TestSeats(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	stranger := a.user("sam@example.org", "Sam Stranger", true)
	p := a.seatsProgram(org)
	monday := a.circleAt(org, p, "Monday circle", "Mon 15:00")
	ann := a.seat(org, monday, p, "Ann Member", mondayMorning)
	late := a.person(org, p, "Lara Late", mondayMorning, roundtable.StatusAccepted)
	friday := a.person(org, p, "Fred Friday", "Fri 09:00-12:00", roundtable.StatusAccepted)
	wait := a.person(org, p, "Walt Waiting", mondayMorning, roundtable.StatusWaitlisted)
	member := a.join(monday, ann.Email, ann.Name, "America/New_York")
	base := "/programs/" + p.ID + "/seats"
	ob := a.browser().signInAs(org)

	t.Run("Links", func(t *testing.T) {
		ob.get("/programs/"+p.ID).want(t, http.StatusOK).contains(t, `href="`+base+`"`, "2 accepted people are not in a circle yet")
		ob.get("/programs/"+p.ID+"/circles").want(t, http.StatusOK).contains(t, `href="`+base+`"`, "Fill open seats")
		ob.get("/programs/"+p.ID+"/circles/"+monday.ID).want(t, http.StatusOK).contains(t, `href="`+base+`"`, "Monday circle has 1 member")
	})

	t.Run("Show", func(t *testing.T) {
		ob.get(base).want(t, http.StatusOK).
			contains(t, "Fill open seats", "Monday circle", "Mon 15:00", "1 <span class=\"muted\">of 2–3</span>", "Lara Late", "Fred Friday",
				`name="waitlisted" value="`+wait.ID+`"`, "Propose placements").
			lacks(t, "Place them")
		a.browser().signInAs(stranger).get(base).want(t, http.StatusNotFound)
		a.browser().signInAs(member).get(base).want(t, http.StatusNotFound)
		a.browser().get(base).want(t, http.StatusSeeOther)
	})

	proposal := base + "?" + url.Values{"propose": {"1"}, "waitlisted": {wait.ID}}.Encode()
	t.Run("Propose", func(t *testing.T) {
		r := ob.get(proposal).want(t, http.StatusOK)
		r.contains(t, "Proposal", "Lara Late", "Walt Waiting", "From the waiting list", "Mon 09:00", "America/New_York",
			"Cannot be placed", "Fred Friday", "no circle meets at a weekly time they can make", "Place them",
			`<input type="checkbox" id="w-`+wait.ID+`" name="waitlisted" value="`+wait.ID+`" checked`).
			lacks(t, "Also move")
		version(t, r)
		a.browser().signInAs(stranger).get(proposal).want(t, http.StatusNotFound)
		a.browser().signInAs(member).get(proposal).want(t, http.StatusNotFound)
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		ob.get(base+"?propose=1&waitlisted=nobody").want(t, http.StatusUnprocessableEntity).
			contains(t, "There is a problem", `href="#f-waitlisted"`, "not on the waiting list any more", "Choose people from the waiting list below.").lacks(t, "Place them")
	})

	t.Run("Place", func(t *testing.T) {
		v := version(t, ob.get(proposal))
		a.browser().signInAs(stranger).post(base, url.Values{"version": {v}, "waitlisted": {wait.ID}}).want(t, http.StatusNotFound)
		a.browser().signInAs(member).post(base, url.Values{"version": {v}, "waitlisted": {wait.ID}}).want(t, http.StatusNotFound)
		a.deliver()
		r := ob.post(base, url.Values{"version": {v}, "waitlisted": {wait.ID}}).want(t, http.StatusSeeOther)
		if r.Location != "/programs/"+p.ID+"/circles" {
			t.Fatalf("got redirect %q, want the circles page", r.Location)
		}
		ob.follow(r).want(t, http.StatusOK).contains(t, "Placed 2 people (1 from the waiting list); 2 invitations sent.")
		invited := map[string]bool{}
		for _, m := range a.deliver() {
			if inviteRE.MatchString(m.Text) {
				invited[m.To] = true
			}
		}
		if len(invited) != 2 || !invited[late.Email] || !invited[wait.Email] {
			t.Fatalf("got invitations to %v, want Lara and Walt", invited)
		}

		// The same proposal again: it is out of date, and the organizer sees the new one.
		r = ob.post(base, url.Values{"version": {v}, "waitlisted": {wait.ID}}).want(t, http.StatusSeeOther)
		if !strings.HasPrefix(r.Location, base+"?") {
			t.Fatalf("got redirect %q, want the proposal page", r.Location)
		}
		ob.follow(r).contains(t, "Circles or people changed since this proposal")
		if n := len(a.deliver()); n != 0 {
			t.Fatalf("got %d e-mails, want none", n)
		}
		// Odd input is a message, never a server error.
		ob.post(base, url.Values{"version": {"<script>"}, "waitlisted": {"x", "y"}}).want(t, http.StatusSeeOther)
		ob.post(base, nil).want(t, http.StatusSeeOther)
		ob.get(base+"?propose=1&waitlisted=%00").want(t, http.StatusUnprocessableEntity)
	})

	t.Run("AfterRemoval", func(t *testing.T) {
		roster := "/programs/" + p.ID + "/circles/" + monday.ID
		r := ob.post(roster+"/remove", url.Values{"user_id": {member.ID}}).want(t, http.StatusSeeOther)
		ob.follow(r).contains(t, "is no longer in Monday circle", `href="`+base+`"`, "Fill open seats")
	})
	_ = friday
}

func TestSeats_Moves(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.seatsProgram(org)
	monday := a.circleAt(org, p, "Monday circle", "Mon 15:00")
	wednesday := a.circleAt(org, p, "Wednesday circle", "Wed 15:00")
	a.seat(org, monday, p, "Ann Member", mondayMorning)
	mover := a.seat(org, monday, p, "Max Mover", mondayMorning+";Wed 08:30-12:00")
	a.seat(org, monday, p, "Cat Member", mondayMorning)
	a.seat(org, wednesday, p, "Wes Member", "Wed 08:30-12:00")
	a.seat(org, wednesday, p, "Val Member", "Wed 08:30-12:00")
	tia := a.person(org, p, "Tia Newcomer", mondayMorning, roundtable.StatusAccepted)
	base := "/programs/" + p.ID + "/seats"
	ob := a.browser().signInAs(org)

	r := ob.get(base+"?propose=1").want(t, http.StatusOK)
	r.contains(t, "Members who would move", "Max Mover", "from Monday circle to Wednesday circle", "Only if a member moves",
		"Also move 1 existing member", "Every placement here needs a move")
	v := version(t, r)

	// Without the go-ahead for the move, nothing is placed, and the page says why.
	r = ob.post(base, url.Values{"version": {v}}).want(t, http.StatusSeeOther)
	ob.follow(r).contains(t, "every seat in this proposal needs a member to move")

	a.deliver()
	r = ob.post(base, url.Values{"version": {v}, "moves": {"on"}}).want(t, http.StatusSeeOther)
	ob.follow(r).contains(t, "Placed 1 person and moved 1 member; 2 invitations sent.")
	invited := map[string]bool{}
	for _, m := range a.deliver() {
		if inviteRE.MatchString(m.Text) {
			invited[m.To] = true
		}
	}
	if !invited[tia.Email] || !invited[mover.Email] {
		t.Fatalf("got invitations to %v, want Tia and Max", invited)
	}
	ob.get("/programs/"+p.ID+"/circles/"+wednesday.ID).want(t, http.StatusOK).contains(t, "Max Mover")
	ob.get("/programs/"+p.ID+"/circles/"+monday.ID).want(t, http.StatusOK).contains(t, "Tia Newcomer").lacks(t, "Max Mover")
}
