package sqldb_test

import (
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

func TestRoomService_SetSpeaker(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		id := w.meeting.ID
		fac := as(w.fac)
		wantCode(t, w.rooms.SetSpeaker(fac, id, w.member.ID), roundtable.EINVALID) // not started
		for _, u := range []*roundtable.User{w.fac, w.member, w.chair, w.keeper} {
			must(t, w.rooms.Join(as(u), id))
		}
		w.timer(t, roundtable.TimerStart)

		must(t, w.rooms.RaiseHand(as(w.member), id, true))
		must(t, w.rooms.SetSpeaker(fac, id, w.member.ID))
		e.clock.Add(time.Minute)
		r := w.room(t, w.chair)
		if r.Speaker != w.member.ID || !r.SpeakerSince.Equal(e.clock.Now().Add(-time.Minute)) || len(r.Hands) != 0 {
			t.Fatalf("got speaker %q since %v, hands %v: want Mo speaking and her hand lowered", r.Speaker, r.SpeakerSince, r.Hands)
		}
		s := share(r, w.member.ID)
		if s.Spoken != time.Minute || s.Share != 1 || s.Fair != 0.25 || s.Over || s.NotYet {
			t.Fatalf("got %+v, want a minute, all of the time, not yet flagged (under 3 minutes in all)", s)
		}
		e.clock.Add(3 * time.Minute)
		r = w.room(t, w.chair)
		if s := share(r, w.member.ID); s.Spoken != 4*time.Minute || !s.Over {
			t.Fatalf("got %+v, want 4 minutes and flagged above twice the fair share", s)
		}
		for _, u := range []*roundtable.User{w.fac, w.chair, w.keeper} {
			if s := share(r, u.ID); s == nil || !s.NotYet || s.Spoken != 0 {
				t.Fatalf("got %+v for %s, want not yet spoken", s, u.Name)
			}
		}

		t.Run("SelfAndOthers", func(t *testing.T) {
			must(t, w.rooms.SetSpeaker(as(w.member), id, "")) // she ends her own turn
			must(t, w.rooms.SetSpeaker(as(w.keeper), id, w.keeper.ID))
			wantCode(t, w.rooms.SetSpeaker(as(w.member), id, ""), roundtable.EFORBIDDEN)
			wantCode(t, w.rooms.SetSpeaker(as(w.keeper), id, w.member.ID), roundtable.EFORBIDDEN) // the timekeeper does not give the floor
			must(t, w.rooms.SetSpeaker(as(w.chair), id, w.fac.ID))
			wantCode(t, w.rooms.SetSpeaker(fac, id, w.stranger.ID), roundtable.EINVALID)
			wantCode(t, w.rooms.SetSpeaker(fac, id, w.otherMember.ID), roundtable.EINVALID)
			wantCode(t, w.rooms.SetSpeaker(fac, id, w.guest.ID), roundtable.EINVALID) // the check-in is not shared with guests
			r := w.room(t, w.fac)
			// Ken's turn lasted no time: he has still not spoken.
			if s := share(r, w.keeper.ID); !s.NotYet {
				t.Fatalf("got %+v, want a turn of no time not counted", s)
			}
			if r.Speaker != w.fac.ID {
				t.Fatalf("got speaker %q, want the facilitator", r.Speaker)
			}
			w.goTo(t, segQuestions)
			must(t, w.rooms.SetSpeaker(fac, id, w.guest.ID))
			if r := w.room(t, w.guest); r.Speaker != w.guest.ID || share(r, w.guest.ID) != nil {
				t.Fatalf("got speaker %q and shares %+v, want the guest speaking and left out of the shares", r.Speaker, r.Speaking)
			}
		})
	})
}

func TestRoomService_RaiseHand(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		id := w.meeting.ID
		w.timer(t, roundtable.TimerStart)
		must(t, w.rooms.RaiseHand(as(w.keeper), id, true))
		e.clock.Add(time.Second)
		must(t, w.rooms.RaiseHand(as(w.chair), id, true))
		must(t, w.rooms.RaiseHand(as(w.keeper), id, true)) // again: keeps her place
		r := w.room(t, w.member)
		if len(r.Hands) != 2 || r.Hands[0].UserID != w.keeper.ID || r.Hands[1].UserID != w.chair.ID || r.Hands[1].Name == "" {
			t.Fatalf("got hands %+v, want Ken then Cleo", r.Hands)
		}
		must(t, w.rooms.RaiseHand(as(w.keeper), id, false))
		if r := w.room(t, w.member); len(r.Hands) != 1 || r.Hands[0].UserID != w.chair.ID {
			t.Fatalf("got hands %+v, want Cleo's only", r.Hands)
		}
		w.timer(t, roundtable.TimerEnd)
		wantCode(t, w.rooms.RaiseHand(as(w.chair), id, true), roundtable.EINVALID)
	})
}
