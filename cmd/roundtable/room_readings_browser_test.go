package main

import (
	"testing"
	"time"

	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
)

// TestBrowser_RoomReadings: a member finds the meeting's readings in the
// room beside the agenda, each opening in a tab of its own so the room
// stays open.
func TestBrowser_RoomReadings(t *testing.T) {
	root := startChromium(t)
	m := startDemo(t, mailtest.StartServer(t))
	mem := newBrowser(t, root, "member", m.URL())
	signIn(mem, m.Demo.MemberEmail, demo.Password)
	mem.open("/meetings/" + m.Demo.MeetingIDs[0] + "/room")
	mem.waitLive()
	mem.waitFor("the readings", `document.querySelector("#readings a[target=_blank]") !== null`, 2*time.Second)
	mem.checkPage("meeting room with readings")
}
