package main

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// TestBrowser_CommitmentsAndCheckIns: the demo's member made a commitment
// in her circle's play-back. Between meetings she marks it done with a note
// on "My commitments", and the next meeting's follow-ups show her word. She
// then checks in on her first goal, and her timeline shows it.
func TestBrowser_CommitmentsAndCheckIns(t *testing.T) {
	root := startChromium(t)
	m := startDemo(t, mailtest.StartServer(t))
	ctx := context.Background()
	member := &roundtable.User{ID: m.Demo.Users[demo.MemberEmail]}
	fac := &roundtable.User{ID: m.Demo.Users[demo.FacilitatorEmail]}
	meetingID := m.Demo.MeetingIDs[0] // the Harbour Circle's next meeting
	rooms, agendas := sqldb.NewRoomService(m.DB), sqldb.NewAgendaService(m.DB)
	facCtx := roundtable.NewContextWithUser(ctx, fac)
	ag, err := agendas.FindAgenda(facCtx, meetingID)
	if err != nil {
		t.Fatalf("read the agenda: %v", err)
	}
	roles := []roundtable.RoleAssignment{{Role: roundtable.RolePresenter, UserID: member.ID}}
	for _, r := range ag.Roles {
		if r.Role != roundtable.RolePresenter {
			roles = append(roles, r)
		}
	}
	if err := agendas.SetRoles(facCtx, meetingID, roles); err != nil {
		t.Fatalf("make her the presenter: %v", err)
	}
	if err := rooms.ControlTimer(facCtx, meetingID, roundtable.TimerStart, 0); err != nil {
		t.Fatalf("start the room: %v", err)
	}
	items, err := rooms.PlayBack(roundtable.NewContextWithUser(ctx, member), meetingID, nil, []string{"Ask my board chair for a mentor"})
	if err != nil || len(items) != 1 || items[0].DueMeetingID == "" {
		t.Fatalf("play-back: %v %v, want one commitment due at a later meeting", items, err)
	}
	it := items[0]

	b := newBrowser(t, root, "member", m.URL())
	signIn(b, demo.MemberEmail, demo.Password)
	b.do("open my commitments", chromedp.Click(chromedp.CSS(`.site-nav a[href="/commitments"]`)))
	b.waitPath(`^/commitments$`)
	b.see("My commitments", "Ask my board chair for a mentor", "Open")
	b.do("choose done", chromedp.Click(chromedp.CSS(`#status-`+it.ID+`-done`)))
	b.typeIn(`#note-`+it.ID, "Asked on Tuesday; she will introduce me to two people.")
	b.checkPage("my commitments")
	b.submit(`form[action="/commitments/`+it.ID+`"] button[type=submit]`, `^/commitments$`)
	b.see("Marked done", "Done", "Your latest word", "she will introduce me to two people")

	b.open("/meetings/" + it.DueMeetingID)
	b.see("Follow-ups", "Ask my board chair for a mentor", "Done", "Asked on Tuesday; she will introduce me to two people.")

	circle := "/circles/" + m.Demo.MemberCircleID
	b.open(circle)
	b.do("open check-ins", chromedp.Click(chromedp.CSS(`main a[href="`+circle+`/checkins"]`)))
	b.waitPath(`/checkins$`)
	b.see("Your goals over time", "Check in for this month", "No check-ins yet")
	radio := evaluate[string](b, "first goal's rating 4", `document.querySelector('form[action$="/checkins"] input[type=radio][value="4"]').id`)
	b.do("rate 4", chromedp.Click(chromedp.CSS(`#`+radio)))
	reflection := evaluate[string](b, "first reflection", `document.querySelector('form[action$="/checkins"] input[type=text]').id`)
	b.typeIn(`#`+reflection, "Delegated the weekly report for the first time")
	b.submit(`form[action$="/checkins"] button[type=submit]`, `/checkins$`)
	b.see("Your check-in is saved.", "4 of 5, Good progress", "Delegated the weekly report for the first time")
	if n := evaluate[int](b, "chart dots", `document.querySelectorAll("svg.timeline-chart circle").length`); n != 1 {
		t.Fatalf("got %d dots on the timeline, want 1", n)
	}
	b.checkPage("goal check-ins")
}
