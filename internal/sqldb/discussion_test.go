package sqldb_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// discussionWorld is a circle with a facilitator and two members, an
// organizer and a member of another circle.
type discussionWorld struct {
	s                    *sqldb.DiscussionService
	circle, other        *roundtable.Circle
	fac, mo, ana, org, x *roundtable.User
}

func (e *env) discussionWorld() *discussionWorld {
	e.t.Helper()
	w := &discussionWorld{s: sqldb.NewDiscussionService(e.db)}
	w.org = e.user("Olga", "olga@example.org", false, true)
	p := e.program(w.org, "Leaders")
	w.circle, w.other = e.circle(p.ID, "Tuesday circle"), e.circle(p.ID, "Other circle")
	w.fac = e.facilitator(w.circle, "Fay", "fay@example.org")
	w.mo, w.ana = e.member(w.circle, "Mo", "mo@example.org"), e.member(w.circle, "Ana", "ana@example.org")
	w.x = e.member(w.other, "Xen", "xen@example.org")
	e.deliver()
	return w
}

func TestDiscussionService_ThreadsAndReplies(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.discussionWorld()
		th := &roundtable.Thread{CircleID: w.circle.ID, Title: "Carry on from Tuesday", Body: "What did you *try*?"}
		must(t, w.s.StartThread(as(w.mo), th))

		// Ana has not seen it: it is new to her, not to Mo.
		idx, err := w.s.ListThreads(as(w.ana), w.circle.ID)
		list := idx.Threads
		must(t, err)
		if len(list) != 1 || !list[0].New || list[0].Title != th.Title || list[0].AuthorName != w.mo.Name {
			t.Fatalf("got %+v, want Mo's thread, new to Ana", list)
		}
		if idx, _ := w.s.ListThreads(as(w.mo), w.circle.ID); idx.Threads[0].New {
			t.Error("got Mo's own thread new to him, want not new")
		}
		// The facilitator is a member; others are not.
		if _, err := w.s.ListThreads(as(w.fac), w.circle.ID); err != nil {
			t.Fatalf("facilitator: got %v, want the threads", err)
		}
		for _, u := range []*roundtable.User{w.org, w.x} {
			_, err := w.s.ListThreads(as(u), w.circle.ID)
			wantCode(t, err, roundtable.ENOTFOUND)
			_, err = w.s.ReadThread(as(u), th.ID, 0)
			wantCode(t, err, roundtable.ENOTFOUND)
			wantCode(t, w.s.AddReply(as(u), &roundtable.Reply{ThreadID: th.ID, Body: "Intruder"}), roundtable.ENOTFOUND)
		}
		_, err = w.s.ReadThread(anon, th.ID, 0)
		wantCode(t, err, roundtable.ENOTFOUND)

		pg, err := w.s.ReadThread(as(w.ana), th.ID, 0)
		must(t, err)
		if pg.Thread.Body != th.Body || pg.Thread.BodyHTML != "<p>What did you <em>try</em>?</p>\n" || pg.LastRead != nil || pg.Page != 1 || pg.Pages != 1 {
			t.Fatalf("got %+v, want the thread's first page on Ana's first visit", pg)
		}
		if idx, _ := w.s.ListThreads(as(w.ana), w.circle.ID); idx.Threads[0].New {
			t.Error("got the thread still new after Ana's visit, want seen")
		}

		e.clock.Add(time.Minute)
		r := &roundtable.Reply{ThreadID: th.ID, Body: "I tried **delegating**."}
		must(t, w.s.AddReply(as(w.ana), r))
		idx, _ = w.s.ListThreads(as(w.mo), w.circle.ID)
		list = idx.Threads
		if !list[0].New || list[0].NewReplies != 1 || list[0].Replies != 1 {
			t.Fatalf("got %+v, want one new reply for Mo", list[0])
		}
		pg, err = w.s.ReadThread(as(w.mo), th.ID, 0)
		must(t, err)
		if len(pg.Replies) != 1 || !pg.Replies[0].New || pg.Replies[0].BodyHTML != "<p>I tried <strong>delegating</strong>.</p>\n" || pg.FirstNewPage != 1 {
			t.Fatalf("got %+v, want Ana's reply marked new", pg.Replies)
		}
		pg, _ = w.s.ReadThread(as(w.mo), th.ID, 0)
		if pg.Replies[0].New {
			t.Error("got the reply new on Mo's second visit, want seen")
		}
	})
}

func TestDiscussionService_BadInput(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.discussionWorld()
		for _, c := range []struct {
			th    roundtable.Thread
			field string
		}{
			{roundtable.Thread{Title: " ", Body: "Body"}, "title"},
			{roundtable.Thread{Title: strings.Repeat("t", roundtable.MaxThreadTitle+1), Body: "Body"}, "title"},
			{roundtable.Thread{Title: "Title", Body: "\n \n"}, "body"},
			{roundtable.Thread{Title: "Title", Body: strings.Repeat("b", roundtable.MaxPostBody+1)}, "body"},
			{roundtable.Thread{Title: "Title", Body: "Body", MeetingID: "not-a-meeting"}, "meeting_id"},
		} {
			th := c.th
			th.CircleID = w.circle.ID
			err := w.s.StartThread(as(w.mo), &th)
			wantCode(t, err, roundtable.EINVALID)
			if roundtable.ErrorFields(err)[c.field] == "" {
				t.Errorf("got %v, want a problem with %s", err, c.field)
			}
		}
		// A meeting of another circle cannot be linked.
		fx := e.facilitator(w.other, "Fox", "fox@example.org")
		m := &roundtable.Meeting{CircleID: w.other.ID, StartsAt: start.Add(72 * time.Hour), Minutes: 60, VideoURL: "https://v.example/1"}
		must(t, e.meetings.CreateMeeting(as(fx), m))
		err := w.s.StartThread(as(w.mo), &roundtable.Thread{CircleID: w.circle.ID, Title: "T", Body: "B", MeetingID: m.ID})
		wantCode(t, err, roundtable.EINVALID)
		if idx, _ := w.s.ListThreads(as(w.mo), w.circle.ID); len(idx.Threads) != 0 {
			t.Fatalf("got %d threads, want none stored", len(idx.Threads))
		}
		th := &roundtable.Thread{CircleID: w.circle.ID, Title: "T", Body: "B"}
		must(t, w.s.StartThread(as(w.mo), th))
		wantCode(t, w.s.AddReply(as(w.ana), &roundtable.Reply{ThreadID: th.ID, Body: "  "}), roundtable.EINVALID)
		if pg, _ := w.s.ReadThread(as(w.ana), th.ID, 0); len(pg.Replies) != 0 {
			t.Fatalf("got %d replies, want none stored", len(pg.Replies))
		}
	})
}

func TestDiscussionService_EditAndDelete(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.discussionWorld()
		th := &roundtable.Thread{CircleID: w.circle.ID, Title: "First", Body: "Body"}
		must(t, w.s.StartThread(as(w.mo), th))
		r := &roundtable.Reply{ThreadID: th.ID, Body: "Reply"}
		must(t, w.s.AddReply(as(w.ana), r))

		wantCode(t, w.s.EditThread(as(w.ana), &roundtable.Thread{ID: th.ID, Title: "Mine now", Body: "B"}), roundtable.EFORBIDDEN)
		wantCode(t, w.s.EditReply(as(w.mo), &roundtable.Reply{ID: r.ID, Body: "Changed"}), roundtable.EFORBIDDEN)
		_, err := w.s.DeleteReply(as(w.mo), r.ID)
		wantCode(t, err, roundtable.EFORBIDDEN)

		e.clock.Add(10 * time.Minute)
		must(t, w.s.EditThread(as(w.mo), &roundtable.Thread{ID: th.ID, Title: "Second", Body: "New body"}))
		must(t, w.s.EditReply(as(w.ana), &roundtable.Reply{ID: r.ID, Body: "Reply, edited"}))
		if got, err := w.s.FindReply(as(w.ana), r.ID); err != nil || got.Body != "Reply, edited" {
			t.Fatalf("got %+v (%v), want the edited reply's Markdown", got, err)
		}
		pg, err := w.s.ReadThread(as(w.mo), th.ID, 0)
		must(t, err)
		if pg.Thread.Title != "Second" || pg.Thread.EditedAt == nil || pg.Replies[0].BodyHTML != "<p>Reply, edited</p>\n" || pg.Replies[0].EditedAt == nil {
			t.Fatalf("got %+v %+v, want both edits", pg.Thread, pg.Replies[0])
		}

		e.clock.Add(6 * time.Minute) // past the 15 minutes
		err = w.s.EditThread(as(w.mo), &roundtable.Thread{ID: th.ID, Title: "Third", Body: "Late"})
		wantCode(t, err, roundtable.EINVALID)
		if !strings.Contains(roundtable.ErrorMessage(err), "15 minutes") {
			t.Errorf("got %q, want a message naming the 15 minutes", roundtable.ErrorMessage(err))
		}
		wantCode(t, w.s.EditReply(as(w.ana), &roundtable.Reply{ID: r.ID, Body: "Late"}), roundtable.EINVALID)

		tid, err := w.s.DeleteReply(as(w.ana), r.ID)
		must(t, err)
		if tid != th.ID {
			t.Errorf("got thread %s, want %s", tid, th.ID)
		}
		_, err = w.s.FindReply(as(w.ana), r.ID)
		wantCode(t, err, roundtable.ENOTFOUND)

		wantCode(t, w.s.DeleteThread(as(w.ana), th.ID), roundtable.EFORBIDDEN)
		must(t, w.s.DeleteThread(as(w.mo), th.ID))
		_, err = w.s.ReadThread(as(w.ana), th.ID, 0)
		var gone *roundtable.ThreadDeleted
		if !errors.As(err, &gone) || gone.CircleID != w.circle.ID {
			t.Fatalf("got %v, want ThreadDeleted for the circle", err)
		}
		// Outsiders learn nothing, not even that it was deleted.
		_, err = w.s.ReadThread(as(w.x), th.ID, 0)
		wantCode(t, err, roundtable.ENOTFOUND)
		err = w.s.AddReply(as(w.ana), &roundtable.Reply{ThreadID: th.ID, Body: "Too late"})
		if !errors.As(err, &gone) {
			t.Fatalf("got %v, want ThreadDeleted", err)
		}
		if idx, _ := w.s.ListThreads(as(w.ana), w.circle.ID); len(idx.Threads) != 0 {
			t.Fatalf("got %d threads, want the deleted one gone from the list", len(idx.Threads))
		}
	})
}

func TestDiscussionService_MeetingLink(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.discussionWorld()
		m := &roundtable.Meeting{CircleID: w.circle.ID, StartsAt: start.Add(72 * time.Hour), Minutes: 60, VideoURL: "https://v.example/1"}
		must(t, e.meetings.CreateMeeting(as(w.fac), m))
		th := &roundtable.Thread{CircleID: w.circle.ID, Title: "Carry on from Thursday", Body: "B", MeetingID: m.ID}
		must(t, w.s.StartThread(as(w.ana), th))
		got, err := w.s.MeetingThreads(as(w.mo), m.ID)
		must(t, err)
		if len(got) != 1 || got[0].ID != th.ID || !got[0].MeetingAt.Equal(m.StartsAt) {
			t.Fatalf("got %+v, want the linked thread with the meeting's time", got)
		}
		_, err = w.s.MeetingThreads(as(w.org), m.ID)
		wantCode(t, err, roundtable.ENOTFOUND)
	})
}

func TestDiscussionService_Paging(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.discussionWorld()
		th := &roundtable.Thread{CircleID: w.circle.ID, Title: "Long", Body: "B"}
		must(t, w.s.StartThread(as(w.mo), th))
		must(t, w.s.AddReply(as(w.ana), &roundtable.Reply{ThreadID: th.ID, Body: "first"}))
		_, err := w.s.ReadThread(as(w.mo), th.ID, 0)
		must(t, err)
		n := roundtable.RepliesPerPage + 5
		for i := 1; i < n; i++ {
			e.clock.Add(time.Second)
			must(t, w.s.AddReply(as(w.ana), &roundtable.Reply{ThreadID: th.ID, Body: "reply"}))
		}
		pg, err := w.s.ReadThread(as(w.mo), th.ID, 0)
		must(t, err)
		if pg.Pages != 2 || pg.FirstNewPage != 1 || pg.Page != 1 || len(pg.Replies) != roundtable.RepliesPerPage {
			t.Fatalf("got page %d of %d (first new %d) with %d replies, want page 1 of 2", pg.Page, pg.Pages, pg.FirstNewPage, len(pg.Replies))
		}
		if pg.Replies[0].New || !pg.Replies[1].New {
			t.Errorf("got new %v %v, want the first reply seen and the second new", pg.Replies[0].New, pg.Replies[1].New)
		}
		pg, _ = w.s.ReadThread(as(w.mo), th.ID, 2)
		if len(pg.Replies) != 5 || pg.Page != 2 {
			t.Fatalf("got %d replies on page %d, want 5 on page 2", len(pg.Replies), pg.Page)
		}
		pg, _ = w.s.ReadThread(as(w.mo), th.ID, 99)
		if pg.Page != 2 {
			t.Errorf("got page %d, want the last page for a page past the end", pg.Page)
		}
	})
}

func TestDiscussionService_Mail(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.discussionWorld()
		wantCode(t, w.s.SetDiscussionDelivery(as(w.ana), "hourly"), roundtable.EINVALID)
		if d, _ := w.s.DiscussionDelivery(as(w.ana)); d != roundtable.DeliverWeekly {
			t.Fatalf("got %q, want weekly by default", d)
		}
		must(t, w.s.SetDiscussionDelivery(as(w.ana), roundtable.DeliverImmediate))
		must(t, w.s.SetDiscussionDelivery(as(w.fac), roundtable.DeliverNone))

		// Mo starts a thread; Ana (immediate) gets an e-mail, the others not.
		th := &roundtable.Thread{CircleID: w.circle.ID, Title: "Budget talk", Body: "How do you **plan**?"}
		must(t, w.s.StartThread(as(w.mo), th))
		sent := e.deliver()
		if len(sent) != 1 || sent[0].To != "ana@example.org" || !strings.Contains(sent[0].Subject, "Budget talk") ||
			!strings.Contains(sent[0].Text, "How do you **plan**?") || !strings.Contains(sent[0].HTML, "How do you <strong>plan</strong>?") || !strings.Contains(sent[0].Text, "/threads/"+th.ID) {
			t.Fatalf("got %+v, want one e-mail to Ana with the post", sent)
		}
		// A reply deleted before it is sent sends nothing.
		r := &roundtable.Reply{ThreadID: th.ID, Body: "Oops"}
		must(t, w.s.AddReply(as(w.fac), r))
		_, err := w.s.DeleteReply(as(w.fac), r.ID)
		must(t, err)
		if sent := e.deliver(); len(sent) != 0 {
			t.Fatalf("got %d e-mails, want none for a deleted reply", len(sent))
		}

		// The next Monday's digest: Mo gets Fay's reply, unseen; the
		// facilitator (none) and Ana (immediate) get nothing; Xen, in
		// another circle, has nothing new.
		e.clock.Add(24 * time.Hour)
		must(t, w.s.AddReply(as(w.fac), &roundtable.Reply{ThreadID: th.ID, Body: "Quarterly."}))
		e.deliver()
		e.clock.Add(7 * 24 * time.Hour)
		must(t, e.outbox.ScheduleDigests(context.Background()))
		must(t, e.outbox.ScheduleDigests(context.Background())) // once a week however often asked
		sent = e.deliver()
		if len(sent) != 1 || sent[0].To != "mo@example.org" || !strings.Contains(sent[0].Text, "Budget talk") ||
			!strings.Contains(sent[0].Text, "1 new reply from "+w.fac.Name) || strings.Contains(sent[0].Text, "Quarterly") {
			t.Fatalf("got %+v, want Mo's digest naming the thread and Fay's reply", sent)
		}
		// Seen before the next digest: nothing to send.
		must(t, w.s.AddReply(as(w.ana), &roundtable.Reply{ThreadID: th.ID, Body: "Monthly."}))
		e.deliver()
		_, err = w.s.ReadThread(as(w.mo), th.ID, 0)
		must(t, err)
		e.clock.Add(7 * 24 * time.Hour)
		must(t, e.outbox.ScheduleDigests(context.Background()))
		if sent := e.deliver(); len(sent) != 0 {
			t.Fatalf("got %+v, want no digest when Mo has seen everything", sent)
		}
	})
}

func TestDiscussionService_Export(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.discussionWorld()
		th := &roundtable.Thread{CircleID: w.circle.ID, Title: "Mo's thread", Body: "Mo's words"}
		must(t, w.s.StartThread(as(w.mo), th))
		e.clock.Add(time.Minute)
		must(t, w.s.AddReply(as(w.ana), &roundtable.Reply{ThreadID: th.ID, Body: "Ana's reply"}))
		x, err := sqldb.NewExportService(e.db).ExportMyData(as(w.ana))
		must(t, err)
		if len(x.Discussion) != 1 || x.Discussion[0].Kind != "reply" || x.Discussion[0].Body != "Ana's reply" || x.Discussion[0].Title != "" {
			t.Fatalf("got %+v, want Ana's reply alone, without Mo's title", x.Discussion)
		}
		x, err = sqldb.NewExportService(e.db).ExportMyData(as(w.mo))
		must(t, err)
		if len(x.Discussion) != 1 || x.Discussion[0].Title != "Mo's thread" || x.Discussion[0].Body != "Mo's words" {
			t.Fatalf("got %+v, want Mo's thread", x.Discussion)
		}
	})
}

func TestDiscussionService_AuthorDeleted(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.discussionWorld()
		th := &roundtable.Thread{CircleID: w.circle.ID, Title: "Mo's thread", Body: "Mo's words"}
		must(t, w.s.StartThread(as(w.mo), th))
		must(t, w.s.SetDiscussionDelivery(as(w.mo), roundtable.DeliverImmediate))
		tok, err := e.auth.StartSession(sys, w.mo.ID, roundtable.SessionStart{})
		must(t, err)
		must(t, sqldb.NewAccountDeletionService(e.db).DeleteMyAccount(as(w.mo), tok, "a long enough password"))
		// The circle keeps her thread, as a former member's.
		pg, err := w.s.ReadThread(as(w.ana), th.ID, 0)
		must(t, err)
		if pg.Thread.AuthorName != roundtable.FormerMemberName || pg.Thread.Body != "Mo's words" {
			t.Fatalf("got %q %q, want Mo's words kept as a former member's", pg.Thread.AuthorName, pg.Thread.Body)
		}
		// Her own things go: her visits and her choice of e-mails.
		for _, q := range []string{`SELECT COUNT(*) FROM discussion_reads WHERE user_id = $1`, `SELECT COUNT(*) FROM discussion_prefs WHERE user_id = $1`} {
			n, err := sqldb.CountForTest(context.Background(), e.db, q, w.mo.ID)
			must(t, err)
			if n != 0 {
				t.Errorf("%s: got %d rows, want none", q, n)
			}
		}
	})
}

// The circle's page counts the threads with news for the reader, exactly as
// the discussion marks them new, through a thread's life.
func TestDiscussionService_NewOnCircleHome(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.discussionWorld()
		circles := sqldb.NewCircleService(e.db)
		check := func(step string, want map[*roundtable.User]int) {
			t.Helper()
			for u, n := range want {
				home, err := circles.FindCircleHome(as(u), w.circle.ID)
				must(t, err)
				idx, err := w.s.ListThreads(as(u), w.circle.ID)
				must(t, err)
				marked := 0
				for _, th := range idx.Threads {
					if th.New {
						marked++
					}
				}
				if home.NewThreads != n || marked != n {
					t.Errorf("%s, %s: got %d on the circle's page and %d marked in the discussion, want %d", step, u.Name, home.NewThreads, marked, n)
				}
			}
		}
		check("no thread", map[*roundtable.User]int{w.mo: 0, w.ana: 0, w.fac: 0})
		th := &roundtable.Thread{CircleID: w.circle.ID, Title: "Carry on from Tuesday", Body: "What did you try?"}
		must(t, w.s.StartThread(as(w.mo), th))
		other := &roundtable.Thread{CircleID: w.circle.ID, Title: "Reading for March", Body: "Anyone read it?"}
		must(t, w.s.StartThread(as(w.fac), other))
		check("two threads", map[*roundtable.User]int{w.mo: 1, w.ana: 2, w.fac: 1})
		_, err := w.s.ReadThread(as(w.ana), th.ID, 0)
		must(t, err)
		check("Ana read one", map[*roundtable.User]int{w.mo: 1, w.ana: 1, w.fac: 1})
		e.clock.Add(time.Minute)
		must(t, w.s.AddReply(as(w.ana), &roundtable.Reply{ThreadID: th.ID, Body: "I tried delegating."}))
		check("Ana replied", map[*roundtable.User]int{w.mo: 2, w.ana: 1, w.fac: 1})
		must(t, w.s.DeleteThread(as(w.fac), other.ID))
		check("a thread deleted", map[*roundtable.User]int{w.mo: 1, w.ana: 0, w.fac: 1})
	})
}
