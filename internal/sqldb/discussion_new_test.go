package sqldb_test

import (
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// Replies written in the same millisecond as the reader's last visit (the
// clock does not move here) are still new to her: the demo seed's thread
// showed "New: 1 reply" where two were new.
func TestDiscussionService_NewInSameMillisecond(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.discussionWorld()
		th := &roundtable.Thread{CircleID: w.circle.ID, Title: "Carry on", Body: "Start"}
		must(t, w.s.StartThread(as(w.mo), th))
		must(t, w.s.AddReply(as(w.ana), &roundtable.Reply{ThreadID: th.ID, Body: "One"}))
		must(t, w.s.AddReply(as(w.fac), &roundtable.Reply{ThreadID: th.ID, Body: "Two"}))

		idx, err := w.s.ListThreads(as(w.mo), w.circle.ID)
		must(t, err)
		if got := idx.Threads[0]; !got.New || got.NewReplies != 2 {
			t.Fatalf("got new %v with %d new replies for Mo, want new with 2", got.New, got.NewReplies)
		}
		pg, err := w.s.ReadThread(as(w.mo), th.ID, 0)
		must(t, err)
		if len(pg.Replies) != 2 || !pg.Replies[0].New || !pg.Replies[1].New || pg.FirstNewPage != 1 {
			t.Fatalf("got %d replies (first new page %d), want both marked new", len(pg.Replies), pg.FirstNewPage)
		}
		if pg.Replies[0].Body != "" || pg.Replies[0].ID == pg.Replies[1].ID {
			t.Fatalf("got replies %+v, want two distinct", pg.Replies)
		}

		// Mo has now seen both; a third reply in the same millisecond is
		// new to him, and his own reply is not.
		must(t, w.s.AddReply(as(w.ana), &roundtable.Reply{ThreadID: th.ID, Body: "Three"}))
		idx, _ = w.s.ListThreads(as(w.mo), w.circle.ID)
		if got := idx.Threads[0]; !got.New || got.NewReplies != 1 {
			t.Fatalf("got new %v with %d new replies after Mo's visit, want new with 1", got.New, got.NewReplies)
		}
		pg, _ = w.s.ReadThread(as(w.mo), th.ID, 0)
		if n := len(pg.Replies); n != 3 || pg.Replies[0].New || pg.Replies[1].New || !pg.Replies[2].New {
			t.Fatalf("got %d replies, new %v, want only the third new", n, newFlags(pg.Replies))
		}
		must(t, w.s.AddReply(as(w.mo), &roundtable.Reply{ThreadID: th.ID, Body: "Mine"}))
		idx, _ = w.s.ListThreads(as(w.mo), w.circle.ID)
		if got := idx.Threads[0]; got.New || got.NewReplies != 0 {
			t.Fatalf("got new %v with %d new replies after Mo's own reply, want nothing new", got.New, got.NewReplies)
		}
		// Replies keep the order they were written in.
		pg, _ = w.s.ReadThread(as(w.ana), th.ID, 1)
		var bodies []string
		for _, r := range pg.Replies {
			full, err := w.s.FindReply(as(w.ana), r.ID)
			must(t, err)
			bodies = append(bodies, full.Body)
		}
		if want := []string{"One", "Two", "Three", "Mine"}; len(bodies) != 4 || bodies[0] != want[0] || bodies[1] != want[1] || bodies[2] != want[2] || bodies[3] != want[3] {
			t.Fatalf("got replies in order %q, want %q", bodies, want)
		}
	})
}

func newFlags(rs []*roundtable.Reply) []bool {
	out := make([]bool, len(rs))
	for i, r := range rs {
		out[i] = r.New
	}
	return out
}

// A visit marks as seen what its page showed, not the whole thread: with
// more new replies than a page holds, the rest stay new until she reaches
// them, and an earlier page read again changes nothing.
func TestDiscussionService_NewAcrossPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.discussionWorld()
		th := &roundtable.Thread{CircleID: w.circle.ID, Title: "Long", Body: "B"}
		must(t, w.s.StartThread(as(w.mo), th))
		n := roundtable.RepliesPerPage + 5
		for range n {
			e.clock.Add(time.Second)
			must(t, w.s.AddReply(as(w.ana), &roundtable.Reply{ThreadID: th.ID, Body: "reply"}))
		}
		pg, err := w.s.ReadThread(as(w.mo), th.ID, 0)
		must(t, err)
		if pg.Page != 1 || len(pg.Replies) != roundtable.RepliesPerPage || !pg.Replies[roundtable.RepliesPerPage-1].New {
			t.Fatalf("got page %d with %d replies, want page 1 all new", pg.Page, len(pg.Replies))
		}
		idx, _ := w.s.ListThreads(as(w.mo), w.circle.ID)
		if got := idx.Threads[0]; !got.New || got.NewReplies != 5 {
			t.Fatalf("got new %v with %d new replies after page 1, want new with 5", got.New, got.NewReplies)
		}
		// Page 1 again: still 5 new, and the next visit opens on page 2.
		_, err = w.s.ReadThread(as(w.mo), th.ID, 1)
		must(t, err)
		pg, err = w.s.ReadThread(as(w.mo), th.ID, 0)
		must(t, err)
		if pg.Page != 2 || pg.FirstNewPage != 2 || len(pg.Replies) != 5 || !pg.Replies[0].New || !pg.Replies[4].New {
			t.Fatalf("got page %d (first new %d) with %d replies, new %v, want page 2 with 5 new", pg.Page, pg.FirstNewPage, len(pg.Replies), newFlags(pg.Replies))
		}
		idx, _ = w.s.ListThreads(as(w.mo), w.circle.ID)
		if got := idx.Threads[0]; got.New || got.NewReplies != 0 {
			t.Fatalf("got new %v with %d new replies after the last page, want nothing new", got.New, got.NewReplies)
		}
	})
}
