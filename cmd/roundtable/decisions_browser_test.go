package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// TestBrowser_ParkingLotAndDecision: in the demo's Harbour Circle a member
// puts a topic in her parking lot and shares it; the facilitator picks it
// for a coming meeting and it is the member's challenge card there. Then
// the member proposes to open every meeting with a check-in round; once it
// closes, the facilitator applies it in one click and the meetings to come
// follow the format.
func TestBrowser_ParkingLotAndDecision(t *testing.T) {
	root := startChromium(t)
	m := startDemo(t, mailtest.StartServer(t))
	circleID := m.Demo.MemberCircleID
	member := newBrowser(t, root, "member", m.URL())
	fac := newBrowser(t, root, "facilitator", m.URL())
	signIn(member, demo.MemberEmail, demo.Password)
	signIn(fac, demo.FacilitatorEmail, demo.Password)
	lot := "/circles/" + circleID + "/parking-lot"

	// The member's topic, private at first, then shared.
	member.open("/circles/" + circleID)
	member.do("open the parking lot", chromedp.Click(chromedp.CSS(`main a[href="`+lot+`"]`)))
	member.waitPath(`/parking-lot$`)
	member.typeIn(`input[name=title]`, "Handing over the key accounts")
	member.typeIn(`textarea[name=why]`, "Two of my leads leave in spring.")
	member.do("priority A", chromedp.Click(chromedp.CSS(`#f-priority`)))
	member.submit(`form[action="`+lot+`"] button[type=submit]`, `/parking-lot$`)
	member.see("Only you can see it until you share it", "Handing over the key accounts")
	// The demo's own topics are listed too: act on this one's form.
	member.do("find its share button", markIn(`form[action$="/share"] button`, "Handing over the key accounts", "share-it"))
	member.submit(`#share-it`, `/parking-lot$`)
	member.see("Your topic is shared with the circle.")
	member.checkPage("parking lot")

	// The facilitator picks it for the last meeting the list offers.
	fac.open(lot)
	fac.see("Handing over the key accounts", "Pick this topic")
	fac.checkPage("parking lot picking")
	fac.do("find its pick form", markIn(`form[action$="/pick"]`, "Handing over the key accounts", "pick-it"))
	fac.do("choose the last meeting", chromedp.Evaluate[chromedp.Void](
		`(() => { const s = document.querySelector('#pick-it select'); s.value = s.options[s.options.length - 1].value; })()`))
	agenda := fac.submit(`#pick-it button[type=submit]`, `^/meetings/[^/]+/agenda$`)
	fac.see("The topic is picked")
	meetingID := strings.Split(agenda, "/")[2]
	member.open("/meetings/" + meetingID + "/challenge")
	if got := member.value(`textarea[name=question]`); got != "Handing over the key accounts" {
		t.Fatalf("got the question %q on her card, want the topic", got)
	}
	if got := member.value(`textarea[name=context]`); got != "Two of my leads leave in spring." {
		t.Fatalf("got the situation %q on her card, want why it matters", got)
	}

	// A decision to change the format.
	member.open("/circles/" + circleID + "/decisions")
	member.do("propose", chromedp.Click(chromedp.CSS(`main a[href$="/decisions/new"]`)))
	member.waitPath(`/decisions/new$`)
	member.checkPage("decision form")
	member.typeIn(`input[name=title]`, "Open every meeting with a check-in round")
	member.do("choose the change", selectOptionContaining(`select[name=change]`, "Round-robin check-in"))
	member.do("results as they come", chromedp.Click(chromedp.CSS(`#f-results-1`)))
	path := member.submit(`form[action$="/decisions/new"] button[type=submit]`, `/decisions/[^/]+$`)
	member.see("Your proposal is open")
	member.do("agree", chromedp.Click(chromedp.CSS(`#f-stance`)))
	member.submit(`form[action$="/vote"] button[type=submit]`, `/decisions/[^/]+$`)
	member.see("Your vote is recorded", "Agree: 1")
	member.checkPage("decision")

	fac.open(path)
	fac.submit(`form[action$="/close"] button[type=submit]`, `/decisions/[^/]+$`)
	fac.see("The decision is closed", "Apply the decision")
	fac.submit(`form[action$="/apply"] button[type=submit]`, `/decisions/[^/]+$`)
	fac.see("is now the circle's format", "Applied")
	fac.checkPage("decision applied")
	// Her page, loaded before the close, still offers the vote.
	member.submit(`form[action$="/vote"] button[type=submit]`, `/decisions/[^/]+$`)
	member.see("votes are no longer counted")
	for _, p := range []string{lot, "/circles/" + circleID + "/decisions", "/circles/" + circleID + "/decisions/new", path} {
		member.open(p)
		member.checkWidth(320, "member "+p)
	}

	sys := roundtable.NewSystemContext(context.Background())
	ag, err := sqldb.NewAgendaService(m.DB).FindAgenda(sys, meetingID)
	if err != nil {
		t.Fatalf("find the agenda: %v", err)
	}
	if len(ag.Segments) != 1 || ag.Segments[0].Title != "Check-in round" {
		t.Fatalf("got %d parts on a coming meeting, want the check-in format", len(ag.Segments))
	}
}

// markIn gives the id to the first element matching sel inside the list
// item that mentions text, so a test acts on one item of a list.
func markIn(sel, text, id string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const el = [...document.querySelectorAll(%q)].find(e => e.closest("li").textContent.includes(%q));
		if (!el) throw new Error("no " + %q + " in an item with " + %q);
		el.id = %q;
	})()`, sel, text, sel, text, id))
}
