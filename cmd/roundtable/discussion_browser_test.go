package main

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// shiftClock is the real clock moved on by a settable offset: the program
// runs on it and the test jumps a week ahead.
type shiftClock struct{ offset atomic.Int64 }

func (c *shiftClock) Now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *shiftClock) Add(d time.Duration)     { c.offset.Add(int64(d)) }
func (c *shiftClock) since(t time.Time) int64 { return int64(c.Now().Sub(t)) }

// TestBrowser_Discussion: the demo's member starts a thread from her circle's
// page, the facilitator replies, the member finds the reply marked new; a
// week later a member of the circle who never came to look gets the weekly
// digest naming the thread.
func TestBrowser_Discussion(t *testing.T) {
	root := startChromium(t)
	smtp := mailtest.StartServer(t)
	clock := &shiftClock{}
	m := startDemoOn(t, smtp, clock.Now)
	circleID := m.Demo.MemberCircleID

	// An absent member: in the circle, rules accepted, never signed in here.
	home, err := sqldb.NewCircleService(m.DB).FindCircleHome(roundtable.NewSystemContext(context.Background()), circleID)
	if err != nil {
		t.Fatal(err)
	}
	absent := ""
	for _, p := range home.Circle.Members {
		if p.Role == roundtable.RoleMember && p.GroundRulesAcceptedAt != nil && p.Email != demo.MemberEmail {
			absent = p.Email
			break
		}
	}
	if absent == "" {
		t.Fatal("the demo circle has no other member who accepted the rules")
	}

	mem := newBrowser(t, root, "member", m.URL())
	signIn(mem, demo.MemberEmail, demo.Password)
	mem.open("/circles/" + circleID)
	mem.do("open the discussion", chromedp.Click(chromedp.CSS(`main a[href="/circles/`+circleID+`/discussion"]`)))
	mem.waitPath(`/discussion$`)
	// The demo's own thread, with replies she has not read yet; she reads it.
	// She started it; both replies, written as the demo was seeded, are new.
	mem.see("Carrying on: handing over the weekly escalations", "New: 2 replies", "A weekly digest of what is new")
	mem.do("open the demo thread", chromedp.Click(chromedp.CSS(`main a[href^="/threads/"]`)))
	mem.waitPath(`^/threads/[^/]+$`)
	mem.see("How did you get your people to trust")
	mem.open("/circles/" + circleID + "/discussion")
	mem.do("start a thread", chromedp.Click(chromedp.CSS(`main a[href$="/discussion/new"]`)))
	mem.waitPath(`/discussion/new$`)
	mem.checkPage("discussion new thread")
	mem.set(`#f-title`, "Carrying on from Tuesday")
	mem.set(`#f-body`, "What did each of you **try** since we met?\n\n- one thing that worked\n- one that did not\n\n"+
		"| week | what I tried | how it went | what I will do next |\n|---|---|---|---|\n| one | delegating the weekly report to the team | better than feared | keep doing it |\n\n"+
		"Notes: https://example.org/a-very-long-address-without-any-break-in-it-that-a-phone-must-wrap-somewhere")
	meetingID := m.Demo.MeetingIDs[0] // the circle's next meeting
	mem.set(`#f-meeting_id`, meetingID)
	threadPath := mem.submit(`form[action$="/discussion/new"] button[type=submit]`, `^/threads/[^/]+$`)
	mem.see("Your thread is started", "Carrying on from Tuesday", "one thing that worked", "Carries on from the meeting of")
	mem.open("/meetings/" + meetingID)
	mem.see("Discussion", "Carrying on from Tuesday", "Start a thread about this meeting")
	mem.checkPage("meeting with its thread")

	fac := newBrowser(t, root, "facilitator", m.URL())
	signIn(fac, demo.FacilitatorEmail, demo.Password)
	fac.open("/circles/" + circleID + "/discussion")
	fac.see("Carrying on from Tuesday", "New")
	fac.do("open the thread", chromedp.Click(chromedp.CSS(`main a[href="`+threadPath+`"]`)))
	fac.waitPath(`^` + threadPath + `$`)
	fac.set(`#f-body`, "I finally *delegated* the weekly report. It went better than I feared.")
	fac.submit(`form[action$="/replies"] button[type=submit]`, `^`+threadPath+`$`)
	fac.see("Your reply is posted", "It went better than I feared.")

	mem.open("/circles/" + circleID + "/discussion")
	mem.see("New: 1 reply", "1 thread has something new since your last visit")
	mem.checkPage("discussion threads")
	mem.open(threadPath)
	mem.see("It went better than I feared.", "New")
	if n := evaluate[int](mem, "count new posts", `document.querySelectorAll("article.post-new").length`); n != 1 {
		t.Fatalf("got %d posts marked new, want the facilitator's reply", n)
	}
	mem.checkPage("discussion thread")
	mem.checkWidth(320, "discussion thread")
	mem.open("/circles/" + circleID + "/discussion")
	mem.checkWidth(320, "discussion threads")
	mem.open(threadPath)
	if n := evaluate[int](mem, "count new posts", `document.querySelectorAll("article.post-new").length`); n != 0 {
		t.Fatalf("got %d posts marked new on the second visit, want none", n)
	}

	// The same choice of e-mails is on her account page.
	mem.open("/account")
	mem.see("E-mails about your circles’ discussions", "A weekly digest of what is new")
	screensOf(t, mem, "account-discussion-choice", "fieldset:has(#delivery-weekly)")
	mem.checkPage("account with the discussion choice")

	// A week later the absent member hears of it in her digest.
	before := clock.Now()
	clock.Add(7 * 24 * time.Hour)
	msg := smtp.WaitForMatch(t, func(p mailtest.ParsedMessage) bool {
		return p.SentTo(absent) && strings.Contains(p.Subject, "This week in your circle's discussion")
	}, 30*time.Second)
	if !strings.Contains(msg.Text, "Carrying on from Tuesday") || !strings.Contains(msg.Text, "1 new reply from") || msg.Link(threadPath) == "" {
		t.Fatalf("got digest %q, want the thread, its reply and a link to it", msg.Text)
	}
	for _, p := range smtp.MessagesTo(demo.MemberEmail) {
		if strings.Contains(p.Subject, "This week in your circle's discussion") {
			t.Errorf("the member who saw everything got a digest: %q", p.Text)
		}
	}
	t.Logf("digest reached %s %v after the clock moved on", absent, time.Duration(clock.since(before))-7*24*time.Hour)
}
