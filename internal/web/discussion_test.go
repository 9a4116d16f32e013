package web

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// TestDiscussion_Pages: a member starts a thread linked to a meeting, another
// replies, the first sees the reply as new; bad input is refused with the
// reason; the organizer sees nothing; a deleted thread says so.
func TestDiscussion_Pages(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	m := a.meetingIn(s, 3, 90)
	ny, tk, fb := a.browser().signInAs(s.ny), a.browser().signInAs(s.tokyo), a.browser().signInAs(s.fac)
	base := "/circles/" + s.circle.ID + "/discussion"

	ny.get("/circles/"+s.circle.ID).want(t, http.StatusOK).contains(t, `href="`+base+`"`, "Open the discussion")
	ny.get(base).want(t, http.StatusOK).contains(t, "Discussion", "No threads yet", "Only your circle can see this",
		`value="weekly" checked`, "Start a thread")
	ny.get(base+"/new?meeting="+m.ID).want(t, http.StatusOK).contains(t, `<option value="`+m.ID+`" selected>`, `id="f-title"`, `id="f-body"`)

	// Bad input: the reasons, beside the fields; nothing stored.
	ny.post(base+"/new", url.Values{"title": {""}, "body": {"  "}}).want(t, http.StatusUnprocessableEntity).
		contains(t, `href="#f-title"`, `href="#f-body"`, "Give the thread a title", "Write your message")
	ny.post(base+"/new", url.Values{"title": {"T"}, "body": {"B"}, "meeting_id": {"0190c5a8-1c2d-7000-8000-00000000a11e"}}).
		want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-meeting_id"`)
	if idx, _ := a.svc.Discussion.ListThreads(as(s.ny), s.circle.ID); len(idx.Threads) != 0 {
		t.Fatalf("got %d threads, want none stored", len(idx.Threads))
	}

	r := ny.post(base+"/new", url.Values{"title": {"Carry on from Tuesday"}, "meeting_id": {m.ID},
		"body": {"What did you **try**?\n\n<script>alert(1)</script> [x](javascript:alert(1))"}}).want(t, http.StatusSeeOther)
	threadPath := r.Location
	if !strings.HasPrefix(threadPath, "/threads/") {
		t.Fatalf("got redirect %q, want the thread", threadPath)
	}
	page := ny.follow(r).contains(t, "Your thread is started", "<strong>try</strong>", "Carries on from", "Change the thread", "Delete the thread")
	page.lacks(t, "<script>alert", "javascript:alert")
	id := strings.TrimPrefix(threadPath, "/threads/")

	// The meeting page shows the thread; Taro sees it new.
	tk.get("/meetings/"+m.ID).want(t, http.StatusOK).contains(t, "Carry on from Tuesday", `href="`+threadPath+`"`)
	tk.get(base).want(t, http.StatusOK).contains(t, "Carry on from Tuesday", "tag-new", "1 thread has something new")
	tk.get(threadPath).want(t, http.StatusOK).contains(t, "post-new").lacks(t, "Change the thread", "Delete the thread")
	tk.post(threadPath+"/replies", url.Values{"body": {""}}).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-body"`, "Write your message")
	r = tk.post(threadPath+"/replies", url.Values{"body": {"I tried *delegating*."}}).want(t, http.StatusSeeOther)
	tk.follow(r).contains(t, "Your reply is posted", "<em>delegating</em>", "Change my reply", "Delete my reply")

	// Nia sees the reply as new, once.
	ny.get(base).want(t, http.StatusOK).contains(t, "New: 1 reply")
	ny.get(threadPath).want(t, http.StatusOK).contains(t, "post-new", "<em>delegating</em>").lacks(t, "Change my reply")
	ny.get(base).want(t, http.StatusOK).lacks(t, "tag-new")

	// Only authors change and delete.
	tp, err := a.svc.Discussion.ReadThread(as(s.tokyo), id, 1)
	if err != nil {
		t.Fatal(err)
	}
	replyID := tp.Replies[0].ID
	ny.get("/replies/"+replyID+"/edit").want(t, http.StatusForbidden)
	ny.post("/replies/"+replyID+"/delete", nil).want(t, http.StatusForbidden)
	tk.get(threadPath+"/edit").want(t, http.StatusForbidden)
	tk.post(threadPath+"/delete", nil).want(t, http.StatusForbidden)
	tk.get("/replies/"+replyID+"/edit").want(t, http.StatusOK).contains(t, "I tried *delegating*.")
	r = tk.post("/replies/"+replyID+"/edit", url.Values{"body": {"I tried delegating, twice."}}).want(t, http.StatusSeeOther)
	tk.get(pathOnly(r.Location)).contains(t, "Your reply is changed", "I tried delegating, twice.", "changed")

	// The organizer and anyone outside see nothing.
	org := a.browser().signInAs(s.org)
	for _, p := range []string{base, base + "/new", threadPath, threadPath + "/edit", "/replies/" + replyID + "/edit"} {
		org.get(p).want(t, http.StatusNotFound).lacks(t, "Carry on from Tuesday", "delegating")
	}

	// Choosing e-mails.
	fb.post(base+"/messages", url.Values{"delivery": {"sometimes"}}).want(t, http.StatusSeeOther)
	if d, _ := a.svc.Discussion.DiscussionDelivery(as(s.fac)); d != roundtable.DeliverWeekly {
		t.Fatalf("got %q, want the weekly digest kept after a bad choice", d)
	}
	r = fb.post(base+"/messages", url.Values{"delivery": {"immediate"}}).want(t, http.StatusSeeOther)
	fb.get(pathOnly(r.Location)).contains(t, "Saved: an e-mail for each new thread or reply", `value="immediate" checked`)

	// Delete: asked once, then a clear page for whoever comes later.
	ny.get(threadPath+"/delete").want(t, http.StatusOK).contains(t, "Delete your thread?", "its 1 reply will be deleted")
	r = ny.post(threadPath+"/delete", nil).want(t, http.StatusSeeOther)
	ny.follow(r).contains(t, "Your thread is deleted").lacks(t, "Carry on from Tuesday")
	tk.get(threadPath).want(t, http.StatusGone).contains(t, "This thread was deleted", `href="`+base+`"`)
	tk.post(threadPath+"/replies", url.Values{"body": {"Too late"}}).want(t, http.StatusGone).contains(t, "This thread was deleted")
	org.get(threadPath).want(t, http.StatusNotFound).lacks(t, "was deleted")
}

// TestDiscussion_Paging: a long thread is shown a page at a time, opening
// where the reader left off.
func TestDiscussion_Paging(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	th := &roundtable.Thread{CircleID: s.circle.ID, Title: "Long one", Body: "Start"}
	if err := a.svc.Discussion.StartThread(as(s.ny), th); err != nil {
		t.Fatal(err)
	}
	for i := range roundtable.RepliesPerPage + 3 {
		if err := a.svc.Discussion.AddReply(as(s.tokyo), &roundtable.Reply{ThreadID: th.ID, Body: "Reply number " + strings.Repeat("i", i+1)}); err != nil {
			t.Fatal(err)
		}
	}
	ny := a.browser().signInAs(s.ny)
	ny.get("/threads/"+th.ID).want(t, http.StatusOK).contains(t, "Page 1 of 2", "Later replies", "Start").lacks(t, "Earlier replies")
	ny.get("/threads/"+th.ID+"?page=2").want(t, http.StatusOK).contains(t, "Page 2 of 2", "Earlier replies").lacks(t, "Later replies")
	ny.get("/threads/"+th.ID+"?page=x").want(t, http.StatusOK).contains(t, "Page 1 of 2")
}

// pathOnly drops a redirect's fragment, as a browser does before asking.
func pathOnly(loc string) string {
	p, _, _ := strings.Cut(loc, "#")
	return p
}

// newAppAt is newApp on a clock the test moves: the server's and the
// database's.
func newAppAt(t *testing.T, now func() time.Time) *app {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db := sqldbtest.OpenWith(t, "sqlite", sqldb.Config{BaseURL: testBase, Logger: logger, Now: now})
	svc := testServices(t, db)
	srv, err := New(svc, Config{BaseURL: testBase, Logger: logger, Now: now})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &app{t: t, db: db, svc: svc, srv: srv, outbox: sqldb.NewOutbox(db), logs: logs}
}

// TestDiscussion_EditWindow: a post can be changed for 15 minutes; after
// that its author is told why, and nothing changes.
func TestDiscussion_EditWindow(t *testing.T) {
	var offset atomic.Int64
	a := newAppAt(t, func() time.Time { return time.Now().Add(time.Duration(offset.Load())) })
	s := a.scheduled()
	ny := a.browser().signInAs(s.ny)
	th := &roundtable.Thread{CircleID: s.circle.ID, Title: "First words", Body: "Body"}
	if err := a.svc.Discussion.StartThread(as(s.ny), th); err != nil {
		t.Fatal(err)
	}
	rp := &roundtable.Reply{ThreadID: th.ID, Body: "A reply"}
	if err := a.svc.Discussion.AddReply(as(s.ny), rp); err != nil {
		t.Fatal(err)
	}
	path := "/threads/" + th.ID
	ny.get(path).want(t, http.StatusOK).contains(t, "Change the thread", "Change my reply")
	ny.get(path+"/edit").want(t, http.StatusOK).contains(t, `value="First words"`)

	offset.Store(int64(16 * time.Minute))
	ny.get(path).want(t, http.StatusOK).lacks(t, "Change the thread", "Change my reply").contains(t, "Delete the thread", "Delete my reply")
	for _, ask := range []func() *response{
		func() *response { return ny.get(path + "/edit") },
		func() *response { return ny.post(path+"/edit", url.Values{"title": {"Late title"}, "body": {"Late"}}) },
		func() *response { return ny.get("/replies/" + rp.ID + "/edit") },
		func() *response { return ny.post("/replies/"+rp.ID+"/edit", url.Values{"body": {"Late"}}) },
	} {
		r := ask().want(t, http.StatusSeeOther)
		if r.Location != path {
			t.Errorf("got redirect %q, want %q", r.Location, path)
		}
		ny.follow(r).contains(t, "can be changed for 15 minutes", "that time has passed")
	}
	ny.get(path).contains(t, "First words", "A reply").lacks(t, "Late")
}
