package main

import (
	"context"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// TestBrowser_RoomPresence: the Cedar Circle's three members open their
// meeting's room in three browsers hours before it is due, long before any
// attendance is taken, and see each other here. Fay starts the meeting
// early; within a second every screen shows all three present and a fair
// share of a third each.
func TestBrowser_RoomPresence(t *testing.T) {
	root := startChromium(t)
	smtp := mailtest.StartServer(t)
	m := startDemo(t, smtp)
	cd := cedarCircle(t, m, smtp)
	mt := cd.meeting(t, m, 3*time.Hour, 90, []roundtable.Segment{
		{Title: "Check-in", Kind: roundtable.SegmentRound, Minutes: 10, Order: roundtable.OrderRound},
		{Title: "Open discussion", Kind: roundtable.SegmentDiscussion, Minutes: 60, Board: roundtable.BoardSuggestions},
	})

	fay := newBrowser(t, root, "fay", m.URL())
	signIn(fay, cd.facEmail, cd.facPassword)
	nia := newBrowser(t, root, "nia", m.URL())
	signIn(nia, cd.memberEmail, cd.memberPasswd)
	kemi := newBrowser(t, root, "kemi", m.URL())
	signIn(kemi, "kemi.adeyemi@example.net", "a circle of trusted peers")
	everyone := []*browser{fay, nia, kemi}
	room := "/meetings/" + mt.ID + "/room"
	for _, b := range everyone {
		b.open(room)
		b.waitLive()
	}
	// Each screen shows whose screens are open, whatever the clock says.
	const allHere = `Array.from(document.querySelectorAll("[data-region=people] li")).length === 3 &&
		Array.from(document.querySelectorAll("[data-region=people] li")).every(li => li.querySelector(".here") && li.querySelector(".here").textContent === "here")`
	for _, b := range everyone {
		b.waitFor("all three here before the start", allHere, 2*time.Second)
	}
	fay.checkPage("meeting room, everyone here before the start")

	fay.click(`form:has(input[name=action][value=start]) button`)
	// Present: the facilitator's correction now offers to mark them absent.
	const allPresent = allHere + ` &&
		Array.from(document.querySelectorAll("[data-region=people] li form button")).every(b => b.textContent.startsWith("Mark absent")) &&
		document.querySelector("[data-region=speaking]").textContent.includes("A fair share is 33 %")`
	for _, b := range everyone {
		b.waitFor("all three present, a fair share of a third", allPresent, time.Second)
	}
	nia.checkPage("meeting room, everyone present")

	// A board thousands of posts long reaches every screen as its newest
	// posts, with the whole board a link away.
	if err := sqldb.SeedBoard(context.Background(), m.DB, mt.ID, 2000); err != nil {
		t.Fatal(err)
	}
	for _, b := range everyone {
		b.waitFor("the long board", `document.querySelector("[data-region=board]").textContent.includes("(newest 30 of 1000)")`, 5*time.Second)
	}
	kemi.checkPage("meeting room, long board")
	if href := kemi.attr(`[data-region=board] .board-more a`, "href"); href != room+"?board=all#board" {
		t.Fatalf("got a link to %q, want the whole board", href)
	}
	kemi.open(room + "?board=all")
	kemi.waitFor("the whole board", `document.querySelectorAll("[data-board-all] .posts li").length === 2000`, 5*time.Second)
}
