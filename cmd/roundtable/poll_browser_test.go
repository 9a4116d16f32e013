package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// TestBrowser_PollTwoTimes: the demo's facilitator asks her circle for a
// new time, offering exactly two as the form's hint says and leaving the
// third row as the page gives it (with the meeting's start time filled in).
// The poll opens with two times on the first try.
func TestBrowser_PollTwoTimes(t *testing.T) {
	root := startChromium(t)
	m := startDemo(t, mailtest.StartServer(t))
	meetingID := m.Demo.MeetingIDs[0] // the Harbour Circle's next meeting
	fac := newBrowser(t, root, "facilitator", m.URL())
	signIn(fac, demo.FacilitatorEmail, demo.Password)

	fac.open("/meetings/" + meetingID)
	fac.do("open the poll form", chromedp.Click(chromedp.CSS(`main a[href="/meetings/`+meetingID+`/polls/new"]`)))
	fac.waitPath(`/polls/new$`)
	fac.checkPage("poll form")
	given := fac.value(`input[name=option3_time]`)
	if given == "" {
		t.Fatalf("the third row comes without a start time; this test is about the one the page fills in")
	}
	day := time.Now().AddDate(0, 0, 40)
	fac.set(`input[name=option1_date]`, day.Format("2006-01-02"))
	fac.set(`input[name=option1_time]`, "17:00")
	fac.set(`input[name=option2_date]`, day.AddDate(0, 0, 1).Format("2006-01-02"))
	fac.set(`input[name=option2_time]`, "09:30")
	pollPath := fac.submit(`form[action$="/polls/new"] button[type=submit]`, `^/polls/[^/]+$`)
	fac.see("The poll is open")

	sys := roundtable.NewSystemContext(context.Background())
	p, err := sqldb.NewPollService(m.DB).FindPoll(sys, strings.TrimPrefix(pollPath, "/polls/"))
	if err != nil {
		t.Fatalf("find the poll: %v", err)
	}
	if len(p.Options) != 2 {
		t.Fatalf("got a poll of %d times, want the 2 offered (the third row kept %s as given)", len(p.Options), given)
	}
}
