package sqldb_test

import (
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// TestRoomService_Presence: who is here follows the screens open on the
// room, at any hour; starting the meeting takes the attendance of everyone
// here, the facilitator's correction standing; leaving, coming back and an
// instance that dies with screens open are all shown.
func TestRoomService_Presence(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		id := w.meeting.ID
		enter := func(u *roundtable.User, instance string) string {
			t.Helper()
			p, err := w.rooms.Enter(as(u), id, instance)
			must(t, err)
			if p == "" {
				t.Fatalf("%s entered without a presence", u.Name)
			}
			return p
		}
		state := func(u *roundtable.User) roundtable.RoomPerson {
			t.Helper()
			p := person(w.room(t, w.fac), u.ID)
			if p == nil {
				t.Fatalf("%s is not among the people", u.Name)
			}
			return *p
		}

		// Two hours early: long before attendance is taken, but the room
		// is open and shows who has it open.
		e.clock.Add(-2 * time.Hour)
		wantCode(t, w.rooms.Join(as(w.member), id), roundtable.EINVALID)
		mo := enter(w.member, "one")
		enter(w.fac, "one")
		enter(w.keeper, "two")
		if p := state(w.member); !p.Here || p.Present {
			t.Fatalf("before the start: got %+v, want Mo here, attendance not taken", p)
		}
		// The facilitator knows Ken must leave early and marks him absent.
		must(t, w.rooms.SetAttendance(as(w.fac), id, w.keeper.ID, false))

		// Their instances keep them; the facilitator starts the meeting
		// early, and everyone here joins.
		e.clock.Add(roundtable.PresenceLease / 2)
		must(t, w.rooms.KeepPresence(sys, "one"))
		must(t, w.rooms.KeepPresence(sys, "two"))
		e.clock.Add(roundtable.PresenceLease / 2)
		v := w.room(t, w.fac).Version
		w.timer(t, roundtable.TimerStart)
		r := w.room(t, w.fac)
		if r.Version <= v {
			t.Fatalf("got version %d after %d, want the start to change the room", r.Version, v)
		}
		for _, u := range []*roundtable.User{w.member, w.fac} {
			if p := person(r, u.ID); !p.Here || !p.Present || p.Marked || !p.Joined.Equal(e.clock.Now()) {
				t.Fatalf("at the start: got %+v, want %s here and present from now", p, u.Name)
			}
		}
		if p := person(r, w.keeper.ID); !p.Here || p.Present || !p.Marked {
			t.Fatalf("at the start: got %+v, want Ken here but marked absent (the correction stands)", p)
		}
		if p := person(r, w.chair.ID); p.Here || p.Present {
			t.Fatalf("got %+v, want Cleo, who has no screen open, not here", p)
		}
		if len(r.Speaking) != 2 || r.Speaking[0].Fair != 0.5 {
			t.Fatalf("got shares %+v, want two members present, a fair share of a half each", r.Speaking)
		}

		// Cleo opens the room during the meeting: she joins at once.
		cleo := enter(w.chair, "two")
		if p := state(w.chair); !p.Here || !p.Present {
			t.Fatalf("got %+v, want Cleo here and present", p)
		}

		// Mo's screen closes: she was here, and stays present.
		v = w.room(t, w.fac).Version
		must(t, w.rooms.Leave(as(w.keeper), mo)) // not Ken's to end
		if p := state(w.member); !p.Here {
			t.Fatalf("got %+v after someone else ended Mo's presence, want her still here", p)
		}
		must(t, w.rooms.Leave(as(w.member), mo))
		must(t, w.rooms.Leave(as(w.member), mo)) // again: nothing more
		r = w.room(t, w.fac)
		if p := person(r, w.member.ID); p.Here || !p.Present || r.Version <= v {
			t.Fatalf("after leaving: got %+v at version %d (was %d), want Mo gone, still present, the room changed", p, r.Version, v)
		}
		// She reconnects, on two screens; closing one leaves her here.
		first, second := enter(w.member, "one"), enter(w.member, "two")
		must(t, w.rooms.Leave(as(w.member), first))
		if p := state(w.member); !p.Here || !p.Present {
			t.Fatalf("after reconnecting: got %+v, want Mo here", p)
		}

		// The facilitator's correction survives reconnections.
		must(t, w.rooms.SetAttendance(as(w.fac), id, w.member.ID, false))
		must(t, w.rooms.Leave(as(w.member), second))
		enter(w.member, "one")
		must(t, w.rooms.Join(as(w.member), id))
		if p := state(w.member); !p.Here || p.Present || !p.Marked {
			t.Fatalf("got %+v, want Mo here yet marked absent", p)
		}

		// Instance two dies with Ken's and Cleo's screens open; instance one
		// goes on renewing its own. After the lease, they are gone.
		wantCode(t, w.rooms.KeepPresence(as(w.fac), "one"), roundtable.ENOTFOUND)
		must(t, w.rooms.KeepPresence(sys, "one"))
		e.clock.Add(roundtable.PresenceLease / 2)
		must(t, w.rooms.KeepPresence(sys, "one"))
		e.clock.Add(roundtable.PresenceLease/2 + time.Second)
		v = w.room(t, w.fac).Version
		must(t, w.rooms.KeepPresence(sys, "one"))
		r = w.room(t, w.fac)
		if r.Version <= v {
			t.Fatalf("got version %d after %d, want the lapsed screens to change the room", r.Version, v)
		}
		for _, u := range []*roundtable.User{w.keeper, w.chair} {
			if p := person(r, u.ID); p.Here {
				t.Fatalf("got %+v, want %s no longer here after the instance died", p, u.Name)
			}
		}
		for _, u := range []*roundtable.User{w.member, w.fac} {
			if p := person(r, u.ID); !p.Here {
				t.Fatalf("got %+v, want %s still here on the living instance", p, u.Name)
			}
		}
		if p := person(r, w.chair.ID); !p.Present {
			t.Fatalf("got %+v, want Cleo's attendance kept", p)
		}
		must(t, w.rooms.Leave(as(w.chair), cleo)) // lapsed already: no error

		// Nobody gathers in a room that is over; the system is never in one.
		if p, err := w.rooms.Enter(sys, id, "one"); err != nil || p != "" {
			t.Fatalf("the system entering: got %q, %v; want no presence", p, err)
		}
		_, err := w.rooms.Enter(as(w.otherMember), id, "one")
		wantCode(t, err, roundtable.ENOTFOUND)
		w.timer(t, roundtable.TimerEnd)
		if p, err := w.rooms.Enter(as(w.keeper), id, "one"); err != nil || p != "" {
			t.Fatalf("entering after the end: got %q, %v; want no presence", p, err)
		}
	})
}
