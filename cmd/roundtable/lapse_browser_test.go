package main

import (
	"context"
	"path/filepath"
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
	m := startDemoClock(t, smtp, func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) })
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

// startDemoClock is startDemo on the clock now.
func startDemoClock(t *testing.T, smtp *mailtest.Server, now func() time.Time) *Main {
	t.Helper()
	m := NewMain()
	m.Config.Addr = "127.0.0.1:0"
	m.Config.DatabaseURL = "sqlite:" + filepath.Join(t.TempDir(), "roundtable.db")
	m.Config.LogLevel = "warn"
	m.Mailer = smtp.Mailer(t)
	m.SeedDemo = true
	m.Now = now
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := m.Run(ctx); err != nil {
		t.Fatalf("start Roundtable: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}
