package web

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// TestAgenda_DefaultFormat: the organizer chooses how meetings usually run
// on the program's form; the series then says which agenda its meetings
// start with, or why they start without one, and each meeting it makes
// has that agenda, never longer than the meeting.
func TestAgenda_DefaultFormat(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	ob, fb := a.browser().signInAs(s.org), a.browser().signInAs(s.fac)
	ob.get("/programs/new").want(t, http.StatusOK).contains(t, "How meetings usually run", `value="circle_meeting" selected`)

	edit := "/programs/" + s.prog.ID + "/edit"
	v := programValues(s.prog)
	v.Set("default_format", "karaoke")
	ob.post(edit, v).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-default_format"`, "Choose one of the formats, or none.")
	v.Set("default_format", "case_clinic")
	ob.post(edit, v).want(t, http.StatusSeeOther)
	ob.get(edit).want(t, http.StatusOK).contains(t, `value="case_clinic" selected`)

	// Sixty minutes are too short for the case clinic: said before anything is made.
	base := "/circles/" + s.circle.ID + "/series"
	choice := url.Values{"slot": {"other"}, "day": {"Tue"}, "time": {"15:00"}, "cadence": {"monthly"}, "minutes": {"60"}, "video_url": {"https://v.example/cedar"}}
	fb.get(base+"/preview?"+choice.Encode()).want(t, http.StatusOK).
		contains(t, "New meetings start without an agenda", "Case clinic needs at least 70 minutes; this meeting has 60.")

	v.Set("default_format", roundtable.DefaultFormatKey)
	ob.post(edit, v).want(t, http.StatusSeeOther)
	fb.get(base+"/preview?"+choice.Encode()).want(t, http.StatusOK).
		contains(t, "Each new meeting starts with the agenda of the program's usual format, <strong>Check-in, one challenge, closing round</strong>")
	r := fb.post(base, choice).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "Each new meeting has the agenda of Check-in, one challenge, closing round")
	ms := a.meetingsOf(s)
	if len(ms) < 2 {
		t.Fatalf("got %d meetings, want a monthly series", len(ms))
	}
	for _, m := range ms {
		ag, err := a.svc.Agendas.FindAgenda(as(s.fac), m.ID)
		if err != nil || len(ag.Segments) == 0 || ag.TotalMinutes() > m.Minutes {
			t.Fatalf("meeting %s: got %d parts, %d minutes (%v); want the default agenda within %d", m.StartsAt, len(ag.Segments), ag.TotalMinutes(), err, m.Minutes)
		}
	}
	a.browser().signInAs(s.ny).get("/meetings/"+ms[0].ID).want(t, http.StatusOK).contains(t, "Check-in round", "Closing round")
}

// TestAgenda_TemplateSharing: a template saved by one circle's facilitator
// stays hers unless she shares it; then another circle's facilitator uses
// it but cannot change or delete it.
func TestAgenda_TemplateSharing(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	m := a.meetingIn(s, 10, 90)
	circleB := a.circle(s.org, s.prog, "Circle Birch")
	facB := a.facilitator(s.org, circleB, "hal@example.org", "Hal Facilitator")
	mB := &roundtable.Meeting{CircleID: circleB.ID, StartsAt: time.Now().Add(240 * time.Hour).Truncate(time.Minute), Minutes: 90, Place: "Room 4"}
	if err := a.svc.Meetings.CreateMeeting(as(facB), mB); err != nil {
		t.Fatal(err)
	}
	fa, fb := a.browser().signInAs(s.fac), a.browser().signInAs(facB)
	pathA, pathB := "/meetings/"+m.ID+"/agenda", "/meetings/"+mB.ID+"/agenda"

	segs := []roundtable.Segment{{Title: "Nia's merger, part two", Kind: roundtable.SegmentDiscussion, Minutes: 30, Order: roundtable.OrderHands,
		Guidance: "Pick up the merger where Nia left it."}}
	fa.get(pathA).want(t, http.StatusOK).contains(t, "Who can use it", "Only me", "Every facilitator of this program",
		"keeps each part's title, minutes, how it runs and its guidance", "Only you, or the program's organizer, can change or delete it.")
	tv := agendaForm(segs, "template")
	tv.Set("template_name", "Merger follow-up")
	fa.post(pathA, tv).want(t, http.StatusSeeOther)
	list, err := a.svc.Agendas.ListAgendaTemplates(as(s.fac), s.circle.ID)
	if err != nil || len(list) != 1 || list[0].Shared {
		t.Fatalf("got %+v (%v), want one template, Fay's alone", list, err)
	}
	id := list[0].ID

	fb.get(pathB).want(t, http.StatusOK).lacks(t, "Merger follow-up", "Nia's merger")
	fb.post(pathB+"/format", url.Values{"source": {"template:" + id}, "mode": {"replace"}}).want(t, http.StatusUnprocessableEntity).
		contains(t, "That template is no longer there")
	fb.post(pathB+"/templates/delete", url.Values{"template_id": {id}, "confirm": {"yes"}}).want(t, http.StatusSeeOther)
	fb.post(pathB+"/templates/share", url.Values{"template_id": {id}, "shared": {"program"}}).want(t, http.StatusSeeOther)
	if got, _ := a.svc.Agendas.ListAgendaTemplates(as(s.fac), s.circle.ID); len(got) != 1 || got[0].Shared {
		t.Fatalf("B's facilitator changed A's template: %+v", got)
	}

	// Fay shares it: Hal sees who wrote it and uses it, with no way to change it.
	r := fa.post(pathA+"/templates/share", url.Values{"template_id": {id}, "shared": {"program"}}).want(t, http.StatusSeeOther)
	fa.follow(r).contains(t, "Template shared", "Yours, shared with every facilitator of the program.")
	page := fb.get(pathB).want(t, http.StatusOK).contains(t, "Merger follow-up", "Shared by Fay Facilitator")
	page.lacks(t, `name="template_id" value="`+id+`"`)
	r = fb.post(pathB+"/format", url.Values{"source": {"template:" + id}, "mode": {"replace"}}).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "Nia&#39;s merger, part two")
	fb.post(pathB+"/templates/delete", url.Values{"template_id": {id}, "confirm": {"yes"}}).want(t, http.StatusForbidden)
	fb.post(pathB+"/templates/share", url.Values{"template_id": {id}, "shared": {""}}).want(t, http.StatusForbidden)

	// Fay keeps it to herself again, then deletes it.
	fa.post(pathA+"/templates/share", url.Values{"template_id": {id}, "shared": {""}}).want(t, http.StatusSeeOther)
	fb.get(pathB).want(t, http.StatusOK).lacks(t, "Merger follow-up")
	r = fa.post(pathA+"/templates/delete", url.Values{"template_id": {id}, "confirm": {"yes"}}).want(t, http.StatusSeeOther)
	fa.follow(r).contains(t, "Template deleted")
}
