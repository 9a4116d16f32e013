package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestParkingLot_Pages: a member adds a topic, private until she shares it;
// another marks it; the facilitator picks it for the next meeting and it is
// the presenter's challenge card draft there. Bad input keeps what she typed
// and stores nothing; the organizer sees none of it.
func TestParkingLot_Pages(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	m := a.meetingIn(s, 10, 90)
	ny, tk, fb := a.browser().signInAs(s.ny), a.browser().signInAs(s.tokyo), a.browser().signInAs(s.fac)
	lot := "/circles/" + s.circle.ID + "/parking-lot"

	ny.get("/circles/"+s.circle.ID).want(t, http.StatusOK).contains(t, `href="`+lot+`"`)
	ny.get(lot).want(t, http.StatusOK).contains(t, "Parking lot", "Only your circle can see this", "You have no topic waiting")
	ny.post(lot, url.Values{"title": {""}, "why": {"Kept text"}, "priority": {"D"}, "minutes": {"900"}}).
		want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-title"`, `href="#f-priority"`, `href="#f-minutes"`, "Kept text")
	ny.get(lot).contains(t, "You have no topic waiting")

	r := ny.post(lot, url.Values{"title": {"Growing the leadership team"}, "why": {"The team doubles this year."}, "priority": {"A"}, "minutes": {"25"}}).
		want(t, http.StatusSeeOther)
	ny.follow(r).contains(t, "Only you can see it until you share it", "Growing the leadership team", "Only you")
	tk.get(lot).lacks(t, "Growing the leadership team")
	l, err := a.svc.ParkingLot.FindParkingLot(as(s.ny), s.circle.ID)
	if err != nil || len(l.Mine) != 1 {
		t.Fatalf("got %v (%v), want her topic", l, err)
	}
	topic := lot + "/" + l.Mine[0].ID
	ny.get(topic).want(t, http.StatusOK).contains(t, "Change your topic", "The team doubles this year.")
	tk.get(topic).want(t, http.StatusNotFound)
	ny.post(topic, url.Values{"title": {"Growing the leadership team"}, "why": {"The team doubles."}, "priority": {"B"}, "minutes": {"30"}}).want(t, http.StatusSeeOther)
	ny.post(topic+"/share", url.Values{"shared": {"1"}}).want(t, http.StatusSeeOther)

	r = tk.post(topic+"/want", url.Values{"want": {"1"}}).want(t, http.StatusSeeOther)
	tk.follow(r).contains(t, "Growing the leadership team", "1 person wants to hear it", "You want to hear it").lacks(t, "Pick this topic")
	tk.post(topic+"/pick", url.Values{"meeting_id": {m.ID}}).want(t, http.StatusForbidden)
	a.browser().signInAs(s.org).get(lot).want(t, http.StatusNotFound)

	fb.get(lot).want(t, http.StatusOK).contains(t, "Pick this topic", "Pick for")
	r = fb.post(topic+"/pick", url.Values{"meeting_id": {m.ID}}).want(t, http.StatusSeeOther)
	if !strings.HasSuffix(r.Location, "/meetings/"+m.ID+"/agenda") {
		t.Fatalf("got redirect %q, want the meeting's agenda", r.Location)
	}
	r = fb.post(topic+"/pick", url.Values{"meeting_id": {m.ID}}).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "picked already")
	ny.get("/meetings/"+m.ID+"/challenge").want(t, http.StatusOK).contains(t, "Growing the leadership team", "The team doubles.")
	ny.get(lot).contains(t, "you present it on").lacks(t, "Put back in the parking lot")

	// Picked by mistake: the facilitator puts it back, and may pick again.
	fb.get(lot).contains(t, "Put back in the parking lot")
	tk.post(topic+"/put-back", nil).want(t, http.StatusForbidden)
	r = fb.post(topic+"/put-back", nil).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "The topic is back in the parking lot.", "no longer presents at that meeting", "Pick this topic")
	ny.get("/meetings/"+m.ID+"/challenge").lacks(t, "The team doubles.")
	r = fb.post(topic+"/put-back", nil).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "waits in the parking lot already")
	fb.post(topic+"/pick", url.Values{"meeting_id": {m.ID}}).want(t, http.StatusSeeOther)

	// Removing asks on its own page and says what goes.
	ny.post(lot, url.Values{"title": {"Board politics"}, "priority": {"C"}, "minutes": {"10"}}).want(t, http.StatusSeeOther)
	l, err = a.svc.ParkingLot.FindParkingLot(as(s.ny), s.circle.ID)
	if err != nil || len(l.Mine) != 1 {
		t.Fatalf("got %v (%v), want her new topic", l, err)
	}
	ny.get(lot+"/"+l.Mine[0].ID).contains(t, "Remove my topic", "deletes it for good")
	tk.post(lot+"/"+l.Mine[0].ID+"/delete", nil).want(t, http.StatusNotFound)
	r = ny.post(lot+"/"+l.Mine[0].ID+"/delete", nil).want(t, http.StatusSeeOther)
	ny.follow(r).contains(t, "removed from the parking lot").lacks(t, "Board politics")
}
