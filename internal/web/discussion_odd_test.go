package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

// TestDiscussion_OddInput: odd IDs, page numbers and bodies on every
// discussion route give a clear answer, never a 500.
func TestDiscussion_OddInput(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	th := &roundtable.Thread{CircleID: s.circle.ID, Title: "Odd", Body: "Start"}
	if err := a.svc.Discussion.StartThread(as(s.ny), th); err != nil {
		t.Fatal(err)
	}
	rp := &roundtable.Reply{ThreadID: th.ID, Body: "A reply"}
	if err := a.svc.Discussion.AddReply(as(s.ny), rp); err != nil {
		t.Fatal(err)
	}
	ny := a.browser().signInAs(s.ny)
	ids := []string{"abc", "0", "-1", "%00", "..%2Fx", strings.Repeat("a", 2000), "0190c5a8-1c2d-7000-8000-00000000a11e",
		"0190C5A8-1C2D-7000-8000-00000000A11E", "'%20OR%201=1--"}
	body := url.Values{"title": {"T"}, "body": {"B"}, "delivery": {"none"}}
	circleIDs, threadIDs, replyIDs := append(ids, th.ID), append(ids, rp.ID, s.circle.ID), append(ids, th.ID, s.circle.ID)
	for _, c := range []struct {
		ids         []string
		gets, posts []string
	}{
		{circleIDs, []string{"/circles/%s/discussion", "/circles/%s/discussion/new"}, []string{"/circles/%s/discussion/messages", "/circles/%s/discussion/new"}},
		{threadIDs, []string{"/threads/%s", "/threads/%s/edit", "/threads/%s/delete"}, []string{"/threads/%s/replies", "/threads/%s/edit", "/threads/%s/delete"}},
		{replyIDs, []string{"/replies/%s/edit", "/replies/%s/delete"}, []string{"/replies/%s/edit", "/replies/%s/delete"}},
	} {
		for _, id := range c.ids {
			for _, f := range c.gets {
				if r := ny.get(fmt.Sprintf(f, id)); r.Code != http.StatusNotFound {
					t.Errorf("GET %s: got %d, want 404", fmt.Sprintf(f, id), r.Code)
				}
			}
			for _, f := range c.posts {
				if r := ny.post(fmt.Sprintf(f, id), body); r.Code != http.StatusNotFound {
					t.Errorf("POST %s: got %d, want 404", fmt.Sprintf(f, id), r.Code)
				}
			}
		}
	}
	for _, pg := range []string{"-1", "0", "99999", "abc", "last", "9223372036854775807", "99999999999999999999", "1.5", ""} {
		ny.get("/threads/"+th.ID+"?page="+pg).want(t, http.StatusOK).contains(t, "A reply", `id="replies"`)
	}
	// Bodies: huge, empty, only spaces, odd characters.
	for _, b := range []string{strings.Repeat("x", roundtable.MaxPostBody+1), strings.Repeat("é", roundtable.MaxPostBody+1), "", " \r\n\t ", "\x00"} {
		if r := ny.post("/threads/"+th.ID+"/replies", url.Values{"body": {b}}); r.Code != http.StatusUnprocessableEntity {
			t.Errorf("reply of %d bytes: got %d, want 422", len(b), r.Code)
		}
	}
	if r := ny.post("/threads/"+th.ID+"/replies", url.Values{"body": {strings.Repeat("y", 5<<20)}}); r.Code >= 500 || r.Code == http.StatusSeeOther {
		t.Errorf("reply of 5 MB: got %d, want refused", r.Code)
	}
	tp, err := a.svc.Discussion.ReadThread(as(s.ny), th.ID, 1)
	if err != nil || tp.Thread.Replies != 1 {
		t.Fatalf("got %v (%v), want 1 reply: nothing stored", tp, err)
	}

	// The longest post allowed is accepted in any script, though its form
	// is far larger than its characters (日 is nine bytes encoded).
	long := strings.Repeat("日", roundtable.MaxPostBody)
	ny.post("/circles/"+s.circle.ID+"/discussion/new", url.Values{"title": {strings.Repeat("題", roundtable.MaxThreadTitle)}, "body": {long}}).
		want(t, http.StatusSeeOther)
	ny.post("/threads/"+th.ID+"/replies", url.Values{"body": {long}}).want(t, http.StatusSeeOther)
	ny.post("/threads/"+th.ID+"/edit", url.Values{"title": {"Odd"}, "body": {long}}).want(t, http.StatusSeeOther)
	ny.post("/replies/"+rp.ID+"/edit", url.Values{"body": {long}}).want(t, http.StatusSeeOther)
	if r, err := a.svc.Discussion.FindReply(as(s.ny), rp.ID); err != nil || r.Body != long {
		t.Fatalf("got a reply of %d bytes (%v), want the long one", len(r.Body), err)
	}
}

// TestDiscussion_AccountChoice: the choice of discussion e-mails is also on
// the account page, beside the other messages, and saved with them.
func TestDiscussion_AccountChoice(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	ny := a.browser().signInAs(s.ny)
	ny.get("/account").want(t, http.StatusOK).contains(t, "E-mails about your circles’ discussions", `name="delivery" value="weekly" checked`,
		`for="delivery-immediate"`)

	r := ny.post("/account/messages", url.Values{"kinds": {"notes"}, "on_notes": {"on"}, "delivery": {"immediate"}}).want(t, http.StatusSeeOther)
	ny.get(pathOnly(r.Location)).contains(t, "Your choice of messages is saved", `name="delivery" value="immediate" checked`)
	if d, _ := a.svc.Discussion.DiscussionDelivery(as(s.ny)); d != roundtable.DeliverImmediate {
		t.Fatalf("got %q, want immediate", d)
	}
	ny.get("/circles/"+s.circle.ID+"/discussion").contains(t, `value="immediate" checked`)

	// A bad choice saves nothing and says why; a page without the choice
	// keeps it.
	r = ny.post("/account/messages", url.Values{"kinds": {"notes"}, "delivery": {"hourly"}}).want(t, http.StatusSeeOther)
	ny.get(pathOnly(r.Location)).contains(t, `role="alert"`, "Choose one of the three ways to hear about new posts")
	if p, _ := a.svc.Notifications.NotificationPrefs(as(s.ny)); !p.On(roundtable.NotifyNotes) {
		t.Error("got the notes turned off by a refused form, want them kept")
	}
	ny.post("/account/messages", url.Values{"kinds": {"notes"}, "on_notes": {"on"}}).want(t, http.StatusSeeOther)
	if d, _ := a.svc.Discussion.DiscussionDelivery(as(s.ny)); d != roundtable.DeliverImmediate {
		t.Fatalf("got %q, want immediate kept", d)
	}
}
