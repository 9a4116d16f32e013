package main

import (
	"regexp"
	"testing"

	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
)

// TestBrowser_NarrowPhone opens the main pages of each role on a 320 px
// phone, the narrowest still in use: none scrolls sideways.
func TestBrowser_NarrowPhone(t *testing.T) {
	root := startChromium(t)
	m := startDemo(t, mailtest.StartServer(t))
	anon := newBrowser(t, root, "visitor", m.URL())
	for _, p := range []string{"/", "/signin", "/apply/" + m.Demo.ProgramID} {
		anon.open(p)
		anon.checkWidth(320, "visitor "+p)
	}

	member := newBrowser(t, root, "member", m.URL())
	signIn(member, m.Demo.MemberEmail, demo.Password)
	circle := "/circles/" + m.Demo.MemberCircleID
	member.open(circle)
	meeting := regexp.MustCompile(`^/meetings/[^/#?]+$`)
	var meetingPath string
	for _, h := range member.hrefs(`main a[href^="/meetings/"]`) {
		if meeting.MatchString(h) {
			meetingPath = h
			break
		}
	}
	if meetingPath == "" {
		t.Fatalf("no meeting linked from the circle's page")
	}
	for _, p := range []string{"/", circle, meetingPath, meetingPath + "/room", "/account"} {
		member.open(p)
		member.checkWidth(320, "member "+p)
	}

	fac := newBrowser(t, root, "facilitator", m.URL())
	signIn(fac, m.Demo.FacilitatorEmail, demo.Password)
	for _, p := range []string{"/", circle, meetingPath, meetingPath + "/agenda", meetingPath + "/room"} {
		fac.open(p)
		fac.checkWidth(320, "facilitator "+p)
	}

	org := newBrowser(t, root, "organizer", m.URL())
	signIn(org, m.Demo.OrganizerEmail, demo.Password)
	prog := "/programs/" + m.Demo.ProgramID
	for _, p := range []string{"/programs", prog, prog + "/applicants", prog + "/circles"} {
		org.open(p)
		org.checkWidth(320, "organizer "+p)
	}
}
