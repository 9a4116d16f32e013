package web

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

// hrefRE finds the links of a page that stay on the site.
var hrefRE = regexp.MustCompile(`href="(/[^"#]*)`)

// TestGuest_EveryLinkOpens: a guest invited to one meeting follows every
// link on every page she can reach — the room before, during and after the
// meeting, and whatever those lead to — and none answers 404 or 403: she is
// never shown a link to a page she may not open.
func TestGuest_EveryLinkOpens(t *testing.T) {
	w := newRoomWorld(t)
	a := w.a
	if err := a.svc.Room.InviteGuest(as(w.fac), w.meeting.ID, "Gia Guest", "gia@example.org"); err != nil {
		t.Fatalf("invite guest: %v", err)
	}
	token := a.tokenFor(linkRE, "gia@example.org")
	gia, err := a.svc.Auth.RedeemSignInLink(context.Background(), token)
	if err != nil {
		t.Fatalf("redeem the guest's link: %v", err)
	}
	gb := a.browser().signInAs(gia)

	seen := map[string]bool{}
	var walk func(from, path string)
	walk = func(from, path string) {
		if seen[path] || len(seen) > 200 {
			return
		}
		seen[path] = true
		res := gb.get(path)
		switch {
		case res.Code == http.StatusNotFound || res.Code == http.StatusForbidden:
			t.Errorf("the guest follows %s on %s: got %d", path, from, res.Code)
			return
		case res.Code == http.StatusSeeOther || res.Code == http.StatusFound:
			walk(path, res.Location)
			return
		case strings.HasPrefix(path, "/static/"):
			return
		}
		for _, m := range hrefRE.FindAllStringSubmatch(res.Body, -1) {
			walk(path, strings.ReplaceAll(m[1], "&amp;", "&"))
		}
	}
	visit := func(state, start string) {
		t.Helper()
		clear(seen)
		walk("the guest's start ("+state+")", start)
		if len(seen) < 3 {
			t.Fatalf("%s: walked %d pages, want %s and the pages it links to", state, len(seen), start)
		}
	}
	gb.get(w.path).want(t, http.StatusOK).contains(t, "You are a guest")
	visit("before the meeting", w.path)
	visit("before the meeting", "/")
	w.goTo(t, rsChallenge) // a part shared with guests
	visit("during a shared part", w.path)
	// Once the meeting ends, the room closes to guests: nothing may lead
	// her there any more.
	w.timer(t, roundtable.TimerEnd)
	gb.get(w.path).want(t, http.StatusNotFound)
	visit("after the meeting", "/")
}
