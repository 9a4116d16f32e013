package web

import (
	"net/http"
	"testing"
)

// The next period begins at midnight on the circle's calendar: a member
// far west of it reads that day, not the evening before.
func TestCheckIns_NextPeriodOnCirclesCalendar(t *testing.T) {
	a := newApp(t)
	org := a.user("olga@example.org", "Olga Organizer", true)
	p := a.program(org, "Leaders")
	c := a.circle(org, p, "Harbour")
	a.facilitator(org, c, "fay@example.org", "Fay Facilitator")
	mo := a.member(org, c, a.applicant(org, p, "mo@example.org", "Mo Member", "Listen", true), "America/Los_Angeles")
	if err := a.svc.Circles.SetGoals(as(mo), c.ID, []string{"Build one team from two"}); err != nil {
		t.Fatal(err)
	}
	a.browser().signInAs(mo).get("/circles/"+c.ID+"/checkins").want(t, http.StatusOK).contains(t, "The next one is due from 1 ")
}
