package main

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// TestBrowser_LapseAlert: the demo member misses two meetings of the Harbour
// Circle in a row. The first absence was taken in the room; the facilitator
// marks the second after the meeting, in the room's people list. She is then
// told, on the circle's page (which its members do not see) and by e-mail,
// with the next step to take, the e-mail a few minutes later.
func TestBrowser_LapseAlert(t *testing.T) {
	root := startChromium(t)
	smtp := mailtest.StartServer(t)
	var ahead atomic.Int64 // how far the program's clock runs ahead of the wall clock
	m := startDemoOn(t, smtp, func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) })
	sys := roundtable.NewSystemContext(context.Background())
	home, err := sqldb.NewCircleService(m.DB).FindCircleHome(sys, m.Demo.MemberCircleID)
	if err != nil {
		t.Fatalf("read the circle: %v", err)
	}
	var held []*roundtable.Meeting
	for _, x := range home.Upcoming {
		if !x.Cancelled && len(held) < 2 {
			held = append(held, x)
		}
	}
	if len(held) < 2 {
		t.Fatalf("got %d coming meetings, want 2", len(held))
	}
	// Both meetings are over.
	ahead.Store(int64(time.Until(held[1].EndsAt().Add(time.Hour))))
	memberID := m.Demo.Users[demo.MemberEmail]
	var member string
	rooms := sqldb.NewRoomService(m.DB)
	for i, x := range held {
		for _, p := range home.Circle.Members {
			if p.Role != roundtable.RoleMember || p.GroundRulesAcceptedAt == nil {
				continue // the room takes attendance of those who accepted the rules
			}
			if p.UserID == memberID {
				member = p.Name
			}
			present := p.UserID != memberID || i == 1 // the second is corrected below
			if err := rooms.SetAttendance(sys, x.ID, p.UserID, present); err != nil {
				t.Fatalf("take attendance: %v", err)
			}
		}
	}

	fac := newBrowser(t, root, "facilitator", m.URL())
	signIn(fac, demo.FacilitatorEmail, demo.Password)
	circle := "/circles/" + m.Demo.MemberCircleID
	fac.open(circle)
	if strings.Contains(fac.mainText(), "missed the last") {
		t.Fatalf("the circle page tells of a lapse after one absence; it says:\n%s", fac.mainText())
	}
	fac.open("/meetings/" + held[1].ID + "/room")
	fac.waitLive() // the room's script sends the correction and redraws the list
	fac.click(`form[action$="/room/attendance"]:has(input[name=user][value="` + memberID + `"]) button`)
	fac.waitFor("the correction", `document.querySelector('form[action$="/room/attendance"]:has(input[name=user][value="`+memberID+`"]) input[name=present]').value === "1"`, 5*time.Second)

	fac.open(circle)
	fac.see(member+" missed the last 2 meetings in a row", roundtable.LapseNextStep)
	fac.checkPage("circle page with a lapse alert")
	// The e-mail waits a few minutes, for corrections made in a row.
	ahead.Add(int64(11 * time.Minute))
	msg := smtp.WaitForMatch(t, func(p mailtest.ParsedMessage) bool {
		return p.SentTo(demo.FacilitatorEmail) && strings.Contains(p.Subject, "missed the last 2 meetings in a row")
	}, 10*time.Second)
	if !strings.Contains(msg.Text, member) || !strings.Contains(msg.Text, roundtable.LapseNextStep) {
		t.Errorf("got the alert e-mail\n%s\nwant it to name %s and the next step", msg.Text, member)
	}

	mo := newBrowser(t, root, "member", m.URL())
	signIn(mo, demo.MemberEmail, demo.Password)
	mo.open(circle)
	if text := mo.mainText(); strings.Contains(text, "missed the last") || strings.Contains(text, roundtable.LapseNextStep) {
		t.Errorf("the member sees the facilitator's alert; the page says:\n%s", text)
	}
}

// TestBrowser_LapsePages walks the other pages of attendance as their
// people see them: the organizer's rules, the facilitator's attendance of
// the kick-off and the new time offered when most cannot come, prefilled
// in the poll form, and the member's page to step away.
func TestBrowser_LapsePages(t *testing.T) {
	root := startChromium(t)
	m := startDemo(t, mailtest.StartServer(t))
	sys := roundtable.NewSystemContext(context.Background())
	home, err := sqldb.NewCircleService(m.DB).FindCircleHome(sys, m.Demo.MemberCircleID)
	if err != nil {
		t.Fatalf("read the circle: %v", err)
	}
	later := home.Upcoming[len(home.Upcoming)-1] // months ahead
	meetings := sqldb.NewMeetingService(m.DB)
	for _, p := range home.Circle.Members {
		if p.Role == roundtable.RoleMember && p.GroundRulesAcceptedAt != nil {
			u := &roundtable.User{ID: p.UserID, Name: p.Name, Email: p.Email, TimeZone: "UTC"}
			if err := meetings.SetRSVP(roundtable.NewContextWithUser(context.Background(), u), later.ID, roundtable.RSVPNo); err != nil {
				t.Fatalf("answer no: %v", err)
			}
		}
	}

	org := newBrowser(t, root, "organizer", m.URL())
	signIn(org, demo.OrganizerEmail, demo.Password)
	org.open("/programs/" + m.Demo.ProgramID)
	org.click(`main a[href$="/attendance-rules"]`)
	org.waitPath(`/attendance-rules$`)
	org.see("Meetings missed in a row", "More than a third of the meetings so far")
	org.checkPage("attendance rules")
	org.set(`input[name=in_a_row]`, "1")
	org.submit(`form[action$="/attendance-rules"] button[type=submit]`, `/attendance-rules$`)
	org.see("There is a problem", "between 2 and 10")
	org.checkPage("attendance rules refused")

	fac := newBrowser(t, root, "facilitator", m.URL())
	signIn(fac, demo.FacilitatorEmail, demo.Password)
	fac.open("/meetings/" + m.Demo.PastMeetingIDs[0] + "/attendance")
	fac.see("Attendance")
	fac.checkPage("attendance of the kick-off")
	fac.open("/circles/" + m.Demo.MemberCircleID)
	fac.see("Most of the circle cannot come on")
	fac.click(`main a[href="/meetings/` + later.ID + `/polls/new?why=answers"]`)
	fac.waitPath(`/polls/new$`)
	if got := fac.value(`input[name=option1_date]`); got == "" {
		t.Errorf("the poll form comes without the first time filled in")
	}
	fac.checkPage("poll form for a meeting most cannot make")

	mo := newBrowser(t, root, "member", m.URL())
	signIn(mo, demo.MemberEmail, demo.Password)
	mo.open("/circles/" + m.Demo.MemberCircleID)
	mo.click(`main a[href$="/step-away"]`)
	mo.waitPath(`/step-away$`)
	mo.see("your seat opens")
	mo.checkPage("step away")
	mo.submit(`form[action$="/step-away"] button[type=submit]`, `^/$`)
	mo.see("You have stepped away from the circle.")
	if code := mo.status("/circles/" + m.Demo.MemberCircleID); code != 404 {
		t.Errorf("got status %d on the circle she left, want 404", code)
	}
}
