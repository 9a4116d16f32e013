package sqldb_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

func TestRoomService_Post(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		id := w.meeting.ID
		post := func(u *roundtable.User, kind roundtable.BoardKind, body string) (*roundtable.BoardPost, error) {
			return w.rooms.Post(as(u), id, kind, body)
		}
		_, err := post(w.chair, roundtable.PostQuestion, "Too early?")
		wantCode(t, err, roundtable.EINVALID) // the check-in's board is closed

		w.goTo(t, segQuestions)
		q, err := post(w.chair, roundtable.PostQuestion, "  Who decides?  ")
		must(t, err)
		segs := w.room(t, w.fac).Segments
		if q.Body != "Who decides?" || q.SegmentID != segs[segQuestions].ID || q.AuthorID != w.chair.ID || q.Kind != roundtable.PostQuestion {
			t.Fatalf("got %+v, want Cleo's question in the questions segment", q)
		}
		_, err = post(w.chair, roundtable.PostSuggestion, "You should delegate.")
		wantCode(t, err, roundtable.EINVALID)
		if msg := roundtable.ErrorMessage(err); !strings.Contains(msg, "questions only") {
			t.Fatalf("got %q, want a message saying the segment takes questions only", msg)
		}

		w.goTo(t, segDiscussion)
		_, err = post(w.keeper, roundtable.PostSuggestion, "Try a RACI chart.")
		must(t, err)
		_, err = post(w.keeper, roundtable.PostQuestion, "And a question?")
		must(t, err)
		for _, bad := range []struct {
			kind roundtable.BoardKind
			body string
		}{{roundtable.PostSuggestion, "   "}, {roundtable.PostSuggestion, strings.Repeat("é", roundtable.MaxPostLength+1)}, {"comment", "Hi"}} {
			_, err = post(w.keeper, bad.kind, bad.body)
			wantCode(t, err, roundtable.EINVALID)
		}
		_, err = post(w.keeper, roundtable.PostSuggestion, strings.Repeat("é", roundtable.MaxPostLength))
		must(t, err)

		r := w.room(t, w.member)
		if len(r.Board) != 4 || r.Board[0].Body != "Who decides?" || r.Board[0].AuthorName == "" {
			t.Fatalf("got board %+v, want four posts, oldest first", r.Board)
		}
		w.goTo(t, segPlayback)
		_, err = post(w.keeper, roundtable.PostQuestion, "Closed?")
		wantCode(t, err, roundtable.EINVALID)
		w.timer(t, roundtable.TimerEnd)
		_, err = post(w.keeper, roundtable.PostQuestion, "After?")
		wantCode(t, err, roundtable.EINVALID)
	})
}

func TestRoomService_PlayBack(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		id := w.meeting.ID
		presenter := as(w.member)
		_, err := w.rooms.PlayBack(presenter, id, nil, []string{"Too early"})
		wantCode(t, err, roundtable.EINVALID)

		w.goTo(t, segQuestions)
		q, err := w.rooms.Post(as(w.chair), id, roundtable.PostQuestion, "Who decides?")
		must(t, err)
		w.goTo(t, segDiscussion)
		s1, err := w.rooms.Post(as(w.chair), id, roundtable.PostSuggestion, "Hand the budget to Ana.")
		must(t, err)
		s2, err := w.rooms.Post(as(w.keeper), id, roundtable.PostSuggestion, "Block an hour each Friday.")
		must(t, err)
		w.goTo(t, segPlayback)

		for _, u := range []*roundtable.User{w.fac, w.chair, w.guest} {
			_, err = w.rooms.PlayBack(as(u), id, []string{s1.ID}, nil)
			wantCode(t, err, roundtable.EFORBIDDEN)
		}
		for _, picked := range [][]string{{q.ID}, {"0190aaaa-0000-7000-8000-000000000000"}, {"junk"}} {
			_, err = w.rooms.PlayBack(presenter, id, picked, nil)
			wantCode(t, err, roundtable.EINVALID)
		}
		_, err = w.rooms.PlayBack(presenter, id, nil, []string{strings.Repeat("x", roundtable.MaxCommitmentLength+1)})
		wantCode(t, err, roundtable.EINVALID)
		_, err = w.rooms.PlayBack(presenter, id, nil, nil) // nothing to act on yet
		must(t, err)
		many := make([]string, roundtable.MaxCommitments+1)
		for i := range many {
			many[i] = "Commitment"
		}
		_, err = w.rooms.PlayBack(presenter, id, nil, many)
		wantCode(t, err, roundtable.EINVALID)

		items, err := w.rooms.PlayBack(presenter, id, []string{s1.ID, s2.ID, s1.ID}, []string{"Talk to my team first", " ", "Block an hour each Friday."})
		must(t, err)
		if len(items) != 2 || items[0].Text != "Talk to my team first" || items[0].SourcePostID != "" || items[1].SourcePostID != s2.ID {
			t.Fatalf("got %+v, want two commitments, the second from Ken's suggestion", items)
		}
		for _, it := range items {
			if it.OwnerID != w.member.ID || it.DueMeetingID != w.next.ID || !it.DueAt.Equal(w.next.StartsAt) || it.Status != roundtable.ActionOpen || it.CircleID != w.a.ID {
				t.Fatalf("got %+v, want Mo's open commitment due at the next meeting", it)
			}
		}
		r := w.room(t, w.fac)
		if len(r.Commitments) != 2 || !r.Board[1].Picked || !r.Board[2].Picked || r.Board[0].Picked {
			t.Fatalf("got commitments %+v and board %+v, want both suggestions picked", r.Commitments, r.Board)
		}

		// Playing back again replaces: one pick, no words, so the suggestion's.
		items, err = w.rooms.PlayBack(presenter, id, []string{s1.ID}, nil)
		must(t, err)
		if len(items) != 1 || items[0].Text != s1.Body || items[0].SourcePostID != s1.ID {
			t.Fatalf("got %+v, want the picked suggestion as the commitment", items)
		}
		r = w.room(t, w.fac)
		if len(r.Commitments) != 1 || !r.Board[1].Picked || r.Board[2].Picked {
			t.Fatalf("got commitments %+v and board %+v, want the new play-back only", r.Commitments, r.Board)
		}

		t.Run("FollowUpsOfTheNextMeeting", func(t *testing.T) {
			w.timer(t, roundtable.TimerEnd)
			e.clock.Add(w.next.StartsAt.Sub(e.clock.Now()))
			next, err := w.rooms.Room(as(w.keeper), w.next.ID)
			must(t, err)
			if len(next.FollowUps) != 1 || next.FollowUps[0].ID != items[0].ID || next.FollowUps[0].OwnerName == "" {
				t.Fatalf("got follow-ups %+v, want Mo's commitment", next.FollowUps)
			}
			itemID := items[0].ID
			wantCode(t, w.rooms.ReportFollowUp(as(w.keeper), itemID, roundtable.ActionDone, "Not mine"), roundtable.EFORBIDDEN)
			for _, u := range []*roundtable.User{w.otherMember, w.guest, w.org, w.admin, w.stranger} {
				wantCode(t, w.rooms.ReportFollowUp(as(u), itemID, roundtable.ActionDone, "x"), roundtable.ENOTFOUND)
			}
			wantCode(t, w.rooms.ReportFollowUp(as(w.member), itemID, roundtable.ActionOpen, "x"), roundtable.EINVALID)
			wantCode(t, w.rooms.ReportFollowUp(as(w.member), itemID, roundtable.ActionDone, strings.Repeat("x", roundtable.MaxReportLength+1)), roundtable.EINVALID)
			wantCode(t, w.rooms.ReportFollowUp(as(w.member), "junk", roundtable.ActionDone, "x"), roundtable.ENOTFOUND)
			must(t, w.rooms.ReportFollowUp(as(w.member), itemID, roundtable.ActionDone, "Ana owns the budget now."))
			next, err = w.rooms.Room(as(w.keeper), w.next.ID)
			must(t, err)
			if len(next.FollowUps) != 0 {
				t.Fatalf("got follow-ups %+v after the report, want none", next.FollowUps)
			}
			// The facilitator may report for the owner.
			must(t, w.rooms.ReportFollowUp(as(w.fac), itemID, roundtable.ActionDropped, "Changed plans."))
			// So may whoever facilitates the meeting it is due at.
			must(t, w.agenda.SetRoles(as(w.fac), w.next.ID, []roundtable.RoleAssignment{{Role: roundtable.RoleChair, UserID: w.keeper.ID}}))
			must(t, w.rooms.ReportFollowUp(as(w.keeper), itemID, roundtable.ActionDone, "Ken heard it was done."))
			must(t, w.rooms.ReportFollowUp(as(w.fac), itemID, roundtable.ActionDropped, "Changed plans."))
			made := w.room(t, w.member)
			if c := made.Commitments[0]; c.Status != roundtable.ActionDropped || c.Report != "Changed plans." || c.ClosedAt == nil {
				t.Fatalf("got %+v, want the commitment dropped with the report", c)
			}
		})
	})
}

// TestRoomService_PostLimit: one person posts at most MaxPostsPerMeeting
// times in a meeting, told why when she reaches it; the others go on.
func TestRoomService_PostLimit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		id := w.meeting.ID
		w.goTo(t, segDiscussion)
		for i := range roundtable.MaxPostsPerMeeting {
			kind := roundtable.PostQuestion
			if i%2 == 1 {
				kind = roundtable.PostSuggestion
			}
			_, err := w.rooms.Post(as(w.chair), id, kind, fmt.Sprintf("Idea %d", i+1))
			must(t, err)
		}
		_, err := w.rooms.Post(as(w.chair), id, roundtable.PostSuggestion, "One more")
		wantCode(t, err, roundtable.EINVALID)
		msg := roundtable.ErrorMessage(err)
		if !strings.Contains(msg, fmt.Sprintf("%d times", roundtable.MaxPostsPerMeeting)) || !strings.Contains(msg, "readable") {
			t.Fatalf("got %q, want the limit and its reason", msg)
		}
		if f := roundtable.ErrorFields(err); f["body"] == "" {
			t.Fatalf("got fields %v, want the message beside the text", f)
		}
		_, err = w.rooms.Post(as(w.keeper), id, roundtable.PostSuggestion, "Mine still goes on")
		must(t, err)
		if n := len(w.room(t, w.fac).Board); n != roundtable.MaxPostsPerMeeting+1 {
			t.Fatalf("got %d posts, want %d", n, roundtable.MaxPostsPerMeeting+1)
		}
	})
}
