package web

import (
	"net/http"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// TestHomeTodos checks that an organizer's home and program page say what
// needs doing now, each line a link to where it gets done, and only while
// there is something to do.
func TestHomeTodos(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	b := a.browser().signInAs(org)
	b.get("/").want(t, http.StatusOK).contains(t, "Create your first program", `href="/programs/new"`).lacks(t, "Nothing needs doing")

	quiet := a.program(org, "Quiet Program")
	p := a.program(org, "Busy Program")
	b.get("/").want(t, http.StatusOK).contains(t, "Nothing needs doing in Quiet Program right now.", "Nothing needs doing in Busy Program right now.")

	pendingLine := `<a href="/programs/` + p.ID + `/applicants?status=pending">2 applicants are waiting for review</a>`
	a.applicant(org, p, "new1@example.org", "Nia New", "Goals.", false)
	a.applicant(org, p, "new2@example.org", "Ned New", "Goals.", false)
	b.get("/").contains(t, pendingLine, "Nothing needs doing in Quiet Program right now.").lacks(t, "Nothing needs doing in Busy Program")

	// Two accepted people and no circle yet: they get one by forming circles.
	will := a.applicant(org, p, "will@example.org", "Will Waiting", "Goals.", true)
	mo := a.applicant(org, p, "mo@example.org", "Mo Member", "Goals.", true)
	formLine := `<a href="/programs/` + p.ID + `/formation">2 accepted people are not in a circle yet</a>`
	b.get("/").contains(t, formLine)

	// A circle without a facilitator points to its roster.
	c := a.circle(org, p, "Harbour Circle")
	facLine := `<a href="/programs/` + p.ID + `/circles/` + c.ID + `">Harbour Circle has no facilitator yet</a>`
	b.get("/").contains(t, facLine)
	c2 := a.circle(org, p, "Lake Circle")
	twoLine := `<a href="/programs/` + p.ID + `/circles">2 circles have no facilitator yet</a>`
	b.get("/").contains(t, twoLine, "(Harbour Circle, Lake Circle)").lacks(t, facLine)

	// Once the circle meets, the unplaced person joins through open seats.
	fac := a.facilitator(org, c, "fac@example.org", "Fiona Fac")
	a.member(org, c, mo, "Europe/Paris")
	seatsLine := `<a href="/programs/` + p.ID + `/seats">1 accepted person is not in a circle yet</a>`
	lakeLine := `<a href="/programs/` + p.ID + `/circles/` + c2.ID + `">Lake Circle has no facilitator yet</a>`
	b.get("/").contains(t, seatsLine, lakeLine).lacks(t, formLine, twoLine)

	// A meeting in two days without an agenda; one in ten days does not count.
	soon := &roundtable.Meeting{CircleID: c.ID, StartsAt: time.Now().Add(48 * time.Hour).Truncate(time.Minute), Minutes: 60, Place: "Cafe"}
	if err := a.svc.Meetings.CreateMeeting(as(fac), soon); err != nil {
		t.Fatal(err)
	}
	later := &roundtable.Meeting{CircleID: c.ID, StartsAt: time.Now().Add(240 * time.Hour), Minutes: 60, Place: "Cafe"}
	if err := a.svc.Meetings.CreateMeeting(as(fac), later); err != nil {
		t.Fatal(err)
	}
	when := soon.StartsAt.In(org.Location()).Format("Monday 2 January, 15:04")
	agendaLine := `<a href="/programs/` + p.ID + `/circles/` + c.ID + `">Harbour Circle, ` + when + `: ask its facilitator</a>`
	home := b.get("/").want(t, http.StatusOK)
	home.contains(t, "1 meeting in the next 7 days has no agenda yet:", agendaLine)
	show := b.get("/programs/"+p.ID).want(t, http.StatusOK).contains(t, "To do now", pendingLine, lakeLine, agendaLine)
	// The program page's own card already points to open seats.
	show.contains(t, "Fill open seats").lacks(t, seatsLine)
	b.get("/programs/"+quiet.ID).want(t, http.StatusOK).contains(t, "Nothing needs doing in Quiet Program right now.")

	// Doing each thing takes its line away.
	for _, ap := range []string{"new1@example.org", "new2@example.org"} {
		list, _ := a.svc.Applicants.ListApplicants(as(org), p.ID, roundtable.ApplicantFilter{Query: ap})
		if err := a.svc.Applicants.SetApplicantStatus(as(org), list[0].ID, roundtable.StatusDeclined); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.svc.Circles.SetFacilitator(as(org), c2.ID, "fac@example.org", "Fiona Fac"); err != nil {
		t.Fatal(err)
	}
	if err := a.svc.Agendas.SetSegments(as(fac), soon.ID, []roundtable.Segment{{Title: "Check-in", Kind: roundtable.SegmentDiscussion, Minutes: 20}}); err != nil {
		t.Fatal(err)
	}
	if err := a.svc.Circles.PlaceApplicant(as(org), c.ID, will.ID); err != nil {
		t.Fatal(err)
	}
	b.get("/").want(t, http.StatusOK).contains(t, "Nothing needs doing in Busy Program right now.").
		lacks(t, "waiting for review", "no facilitator", "no agenda", "not in a circle yet")

	// Someone who organizes nothing sees no program's to-do.
	mb := a.browser().signInAs(fac)
	mb.get("/").want(t, http.StatusOK).lacks(t, "Busy Program", "Nothing needs doing")
}
