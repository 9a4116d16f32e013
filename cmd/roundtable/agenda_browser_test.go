package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
)

// TestBrowser_AgendaDefaults: in the demo, a meeting the series made and
// nobody planned has the program's usual agenda; its agenda page says which
// formats do not fit and why; the facilitator keeps the agenda as a
// template for herself; the organizer sees how meetings usually run on the
// program's form. Every page is checked with axe-core and on a phone.
func TestBrowser_AgendaDefaults(t *testing.T) {
	root := startChromium(t)
	m := startDemo(t, mailtest.StartServer(t))
	fac := newBrowser(t, root, "facilitator", m.URL())
	signIn(fac, demo.FacilitatorEmail, demo.Password)

	fac.open("/circles/" + m.Demo.MemberCircleID)
	var ids []string
	for _, href := range fac.hrefs(`main a[href^="/meetings/"]`) {
		if id := strings.TrimPrefix(href, "/meetings/"); !strings.Contains(id, "/") && !slices.Contains(ids, id) && !slices.Contains(m.Demo.PastMeetingIDs, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) < 3 {
		t.Fatalf("got %d coming meetings on the circle page, want the series", len(ids))
	}
	third := ids[2] // the demo plans the first two by hand; the series made this one
	fac.open("/meetings/" + third)
	fac.see("Check-in round", "The challenge", "Closing round")
	fac.checkPage("series meeting with the default agenda")

	fac.open("/meetings/" + third + "/agenda")
	fac.see("Check-in, one challenge, closing round", "Who can use it")
	fac.checkPage("agenda page")
	fac.typeIn(`input[name=template_name]`, "Our usual meeting")
	fac.submit(`button[name=op][value=template]`, `/agenda$`)
	fac.see("kept as your template", "Yours; only you see it.", "Share with the program's facilitators")
	fac.checkPage("agenda page with a template")

	// Shortened to an hour, the meeting's agenda page says which formats no
	// longer fit, and why.
	fac.open("/meetings/" + third + "/edit")
	fac.typeIn(`input[name=minutes]`, "60")
	fac.submit(`form[action$="/edit"] button[type=submit]`, `^/meetings/`+third+`$`)
	fac.open("/meetings/" + third + "/agenda")
	fac.see("Does not fit this meeting: Case clinic needs at least 70 minutes; this meeting has 60.", "Shortened to fit this meeting")
	if !evaluate[bool](fac, "is the case clinic disabled", `document.querySelector('input[value="format:case_clinic"]').disabled`) {
		t.Fatal("the case clinic can still be chosen for a one-hour meeting")
	}
	fac.checkPage("agenda page of a one-hour meeting")

	org := newBrowser(t, root, "organizer", m.URL())
	signIn(org, demo.OrganizerEmail, demo.Password)
	org.open("/programs/" + m.Demo.ProgramID + "/edit")
	org.see("How meetings usually run")
	if got := org.value(`#f-default_format`); got != "circle_meeting" {
		t.Fatalf("the program's usual format: got %q, want circle_meeting", got)
	}
	org.do("choose the case clinic", selectOptionContaining(`#f-default_format`, "Case clinic"))
	org.submit(`form[action$="/edit"] button[type=submit]`, `^/programs/[^/]+$`)
	org.see("Program saved")
	org.open("/programs/" + m.Demo.ProgramID + "/edit")
	if got := org.value(`#f-default_format`); got != "case_clinic" {
		t.Fatalf("after saving: got %q, want case_clinic", got)
	}
	org.checkPage("program form")
}
