package main

import (
	"testing"

	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
)

// TestBrowser_ParkingLotPutBack: the demo's facilitator picks a shared topic
// for the next meeting by mistake and puts it back from the lot's Picked
// list; the page says its owner no longer presents, and the topic waits to
// be picked again. Both states of the page are checked with axe-core.
func TestBrowser_ParkingLotPutBack(t *testing.T) {
	root := startChromium(t)
	m := startDemo(t, mailtest.StartServer(t))
	fac := newBrowser(t, root, "facilitator", m.URL())
	signIn(fac, demo.FacilitatorEmail, demo.Password)
	lot := "/circles/" + m.Demo.MemberCircleID + "/parking-lot"
	fac.open(lot)
	fac.submit(`form.pick-form button[type=submit]`, "/agenda$")
	fac.open(lot)
	fac.see("Picked", "Put back in the parking lot")
	fac.checkAccessibility("parking lot with a picked topic")
	fac.submit(`form[action$="/put-back"] button`, "/parking-lot$")
	fac.see("The topic is back in the parking lot.", "no longer presents at that meeting.")
	if n := fac.count(`form[action$="/put-back"]`); n != 0 {
		t.Errorf("got %d topics to put back after putting the only one back, want none", n)
	}
	fac.checkAccessibility("parking lot after putting a topic back")
}
