package sqldb_test

import (
	"slices"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

func TestRoomService_ControlTimer(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		id := w.meeting.ID
		r := w.room(t, w.member)
		if r.Started || r.Ended || r.Current != 0 || r.Timer.Running || r.Timer.Planned != 5*time.Minute {
			t.Fatalf("got %+v, want a room not started at its first segment", r)
		}

		w.timer(t, roundtable.TimerStart)
		e.clock.Add(2 * time.Minute)
		r = w.room(t, w.member)
		if !r.Started || !r.Timer.Running || r.Timer.ElapsedAt(e.clock.Now()) != 2*time.Minute {
			t.Fatalf("got %+v, want a timer that ran 2 minutes", r.Timer)
		}

		w.timer(t, roundtable.TimerPause)
		e.clock.Add(time.Minute)
		r = w.room(t, w.member)
		if r.Timer.Running || r.Timer.ElapsedAt(e.clock.Now()) != 2*time.Minute {
			t.Fatalf("got %+v, want a paused timer at 2 minutes", r.Timer)
		}
		w.timer(t, roundtable.TimerStart)
		e.clock.Add(30 * time.Second)
		must(t, w.rooms.ControlTimer(as(w.fac), id, roundtable.TimerExtend, 3))
		r = w.room(t, w.member)
		if got := r.Timer.RemainingAt(e.clock.Now()); got != 8*time.Minute-150*time.Second {
			t.Fatalf("got %v left, want 5:30 after extending by 3 minutes", got)
		}
		for _, m := range []int{0, -1, 121} {
			wantCode(t, w.rooms.ControlTimer(as(w.fac), id, roundtable.TimerExtend, m), roundtable.EINVALID)
		}
		wantCode(t, w.rooms.ControlTimer(as(w.fac), id, "jump", 0), roundtable.EINVALID)

		t.Run("WhoMayControl", func(t *testing.T) {
			for _, u := range []*roundtable.User{w.chair, w.keeper, w.fac} {
				must(t, w.rooms.ControlTimer(as(u), id, roundtable.TimerStart, 0))
			}
			for _, u := range []*roundtable.User{w.member, w.guest} {
				wantCode(t, w.rooms.ControlTimer(as(u), id, roundtable.TimerPause, 0), roundtable.EFORBIDDEN)
			}
		})

		t.Run("NextClosesTheFloor", func(t *testing.T) {
			must(t, w.rooms.SetSpeaker(as(w.fac), id, w.member.ID))
			must(t, w.rooms.RaiseHand(as(w.chair), id, true))
			e.clock.Add(time.Minute)
			must(t, w.rooms.ControlTimer(as(w.keeper), id, roundtable.TimerNext, 0))
			r := w.room(t, w.member)
			if r.Current != segPresent || !r.Timer.Running || r.Timer.ElapsedAt(e.clock.Now()) != 0 || r.Timer.Planned != 10*time.Minute {
				t.Fatalf("got segment %d timer %+v, want the next segment running afresh", r.Current, r.Timer)
			}
			if r.Speaker != "" || len(r.Hands) != 0 {
				t.Fatalf("got speaker %q hands %v, want the floor open", r.Speaker, r.Hands)
			}
			if s := share(r, w.member.ID); s == nil || s.Spoken != time.Minute {
				t.Fatalf("got %+v, want the closed turn of a minute kept", s)
			}
		})

		t.Run("Previous", func(t *testing.T) {
			must(t, w.rooms.ControlTimer(as(w.keeper), id, roundtable.TimerPrevious, 0))
			r := w.room(t, w.member)
			if r.Current != segCheckIn || r.Timer.Running || r.Timer.Elapsed != 0 {
				t.Fatalf("got segment %d timer %+v, want the first segment paused", r.Current, r.Timer)
			}
			wantCode(t, w.rooms.ControlTimer(as(w.keeper), id, roundtable.TimerPrevious, 0), roundtable.EINVALID)
		})

		t.Run("LastSegmentAndEnd", func(t *testing.T) {
			w.goTo(t, segClosing)
			wantCode(t, w.rooms.ControlTimer(as(w.fac), id, roundtable.TimerNext, 0), roundtable.EINVALID)
			e.clock.Add(time.Minute)
			w.timer(t, roundtable.TimerEnd)
			r := w.room(t, w.member)
			if !r.Ended || r.Timer.Running || r.Timer.Elapsed != time.Minute {
				t.Fatalf("got %+v, want the meeting ended with its timer stopped", r)
			}
			for _, a := range []roundtable.TimerAction{roundtable.TimerStart, roundtable.TimerNext, roundtable.TimerEnd} {
				wantCode(t, w.rooms.ControlTimer(as(w.fac), id, a, 0), roundtable.EINVALID)
			}
		})

		t.Run("Cancelled", func(t *testing.T) {
			must(t, e.meetings.CancelMeeting(as(w.fac), w.next.ID))
			wantCode(t, w.rooms.ControlTimer(as(w.fac), w.next.ID, roundtable.TimerStart, 0), roundtable.EINVALID)
		})
	})
}

func TestRoomService_RoundOrder(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		// Names sort as cleo, fay, ken, mo; ken opens.
		want := []string{w.keeper.ID, w.chair.ID, w.fac.ID, w.member.ID}
		if got := w.room(t, w.fac).RoundOrder; !slices.Equal(got, want) {
			t.Fatalf("got round order %v, want the opener then every member %v", got, want)
		}
		for _, u := range []*roundtable.User{w.member, w.guest, w.fac, w.keeper} {
			must(t, w.rooms.Join(as(u), w.meeting.ID))
		}
		want = []string{w.keeper.ID, w.fac.ID, w.member.ID}
		if got := w.room(t, w.fac).RoundOrder; !slices.Equal(got, want) {
			t.Fatalf("got round order %v, want the opener then the members present %v", got, want)
		}
		w.goTo(t, segDiscussion)
		if got := w.room(t, w.fac).RoundOrder; got != nil {
			t.Fatalf("got round order %v outside a round, want none", got)
		}
	})
}

// share returns a person's speaking share, or nil.
func share(r *roundtable.Room, userID string) *roundtable.SpeakingShare {
	for i := range r.Speaking {
		if r.Speaking[i].UserID == userID {
			return &r.Speaking[i]
		}
	}
	return nil
}
