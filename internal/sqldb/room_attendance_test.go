package sqldb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

func TestRoomService_Join(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		id := w.meeting.ID
		wantCode(t, w.rooms.Join(as(w.member), w.next.ID), roundtable.EINVALID) // two weeks early

		e.clock.Add(-20 * time.Minute) // shortly before the start
		must(t, w.rooms.Join(as(w.member), id))
		joined := e.clock.Now()
		e.clock.Add(20 * time.Minute)
		must(t, w.rooms.Join(as(w.member), id))
		must(t, w.rooms.Join(as(w.guest), id))
		must(t, w.rooms.Join(sys, id)) // the system attends nothing
		r := w.room(t, w.fac)
		mo, gia := person(r, w.member.ID), person(r, w.guest.ID)
		if !mo.Present || mo.Marked || !mo.Joined.Equal(joined) {
			t.Fatalf("got %+v, want Mo present since her first join", mo)
		}
		if !gia.Present || !gia.Guest {
			t.Fatalf("got %+v, want the guest present", gia)
		}
		if p := person(r, w.chair.ID); p.Present || !p.Joined.IsZero() {
			t.Fatalf("got %+v, want Cleo not there", p)
		}
		if p := person(r, w.fac.ID); !p.Facilitator {
			t.Fatalf("got %+v, want the circle's facilitator marked as such", p)
		}
		if person(r, w.pending.ID) != nil {
			t.Fatal("got a member who has not accepted the ground rules among the people, want her left out")
		}

		t.Run("SetAttendance", func(t *testing.T) {
			must(t, w.rooms.SetAttendance(as(w.fac), id, w.member.ID, false))
			must(t, w.rooms.Join(as(w.member), id)) // a reload does not undo the correction
			must(t, w.rooms.SetAttendance(as(w.chair), id, w.chair.ID, true))
			wantCode(t, w.rooms.SetAttendance(as(w.keeper), id, w.member.ID, true), roundtable.EFORBIDDEN)
			wantCode(t, w.rooms.SetAttendance(as(w.member), id, w.member.ID, true), roundtable.EFORBIDDEN)
			wantCode(t, w.rooms.SetAttendance(as(w.fac), id, w.stranger.ID, true), roundtable.EINVALID)
			wantCode(t, w.rooms.SetAttendance(as(w.fac), id, w.otherMember.ID, true), roundtable.EINVALID)
			r := w.room(t, w.fac)
			if mo := person(r, w.member.ID); mo.Present || !mo.Marked || mo.Joined.IsZero() {
				t.Fatalf("got %+v, want Mo marked absent", mo)
			}
			if p := person(r, w.chair.ID); !p.Present || !p.Marked {
				t.Fatalf("got %+v, want Cleo marked present", p)
			}
		})

		t.Run("AfterTheEnd", func(t *testing.T) {
			w.timer(t, roundtable.TimerStart)
			w.timer(t, roundtable.TimerEnd)
			wantCode(t, w.rooms.Join(as(w.keeper), id), roundtable.EINVALID)
			must(t, w.rooms.SetAttendance(as(w.fac), id, w.keeper.ID, true)) // corrections go on
			e.clock.Add(w.next.EndsAt().Add(31 * time.Minute).Sub(e.clock.Now()))
			wantCode(t, w.rooms.Join(as(w.keeper), w.next.ID), roundtable.EINVALID) // over, never started
		})
	})
}

// JoinRoom joins and reads the room at once: a room that takes no attendance
// yet is shown all the same, a live one records the reader as Join does.
func TestRoomService_JoinRoom(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		id := w.meeting.ID
		r, err := w.rooms.JoinRoom(as(w.member), w.next.ID) // two weeks early
		must(t, err)
		if r.Meeting.ID != w.next.ID || person(r, w.member.ID).Present {
			t.Fatalf("got meeting %s with Mo %+v, want the next meeting's room without attendance", r.Meeting.ID, person(r, w.member.ID))
		}
		_, err = w.rooms.JoinRoom(as(w.stranger), id)
		wantCode(t, err, roundtable.ENOTFOUND)
		_, err = w.rooms.JoinRoom(as(w.pending), id)
		wantCode(t, err, roundtable.EGROUNDRULES)

		e.clock.Add(-20 * time.Minute) // shortly before the start
		r, err = w.rooms.JoinRoom(as(w.member), id)
		must(t, err)
		joined := e.clock.Now()
		if mo := person(r, w.member.ID); !mo.Present || !mo.Joined.Equal(joined) {
			t.Fatalf("got %+v in the room entered, want Mo present since now", mo)
		}
		e.clock.Add(20 * time.Minute)
		r, err = w.rooms.JoinRoom(as(w.member), id)
		must(t, err)
		if mo := person(r, w.member.ID); !mo.Joined.Equal(joined) {
			t.Fatalf("got %+v, want Mo joined at her first entry", mo)
		}
		r, err = w.rooms.JoinRoom(as(w.guest), id)
		must(t, err)
		if gia := person(r, w.guest.ID); !gia.Present || !gia.Guest {
			t.Fatalf("got %+v, want the guest present", gia)
		}
		if r.Minutes.Text != "" || r.MyReflection != nil {
			t.Fatalf("got the guest minutes %q or a reflection, want the guests' view", r.Minutes.Text)
		}
	})
}

// person returns a person of the room, or nil.
func person(r *roundtable.Room, userID string) *roundtable.RoomPerson {
	for i := range r.People {
		if r.People[i].UserID == userID {
			return &r.People[i]
		}
	}
	return nil
}

func TestRoomService_Reflect(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		id := w.meeting.ID
		ref := func(rel, ins, heard int, line string) *roundtable.Reflection {
			return &roundtable.Reflection{MeetingID: id, Relevance: rel, Insights: ins, Heard: heard, Line: line}
		}
		wantCode(t, w.rooms.Reflect(as(w.member), ref(4, 4, 4, "")), roundtable.EINVALID)
		w.goTo(t, segPlayback)
		wantCode(t, w.rooms.Reflect(as(w.member), ref(4, 4, 4, "")), roundtable.EINVALID)
		w.goTo(t, segClosing)
		err := w.rooms.Reflect(as(w.member), ref(0, 6, 3, strings.Repeat("x", roundtable.MaxReflectionLine+1)))
		wantCode(t, err, roundtable.EINVALID)
		if f := roundtable.ErrorFields(err); f["relevance"] == "" || f["insights"] == "" || f["heard"] != "" || f["line"] == "" {
			t.Fatalf("got fields %v, want relevance, insights and line", f)
		}
		must(t, w.rooms.Reflect(as(w.member), ref(5, 4, 2, "  I felt rushed.  ")))
		r := w.room(t, w.member)
		if m := r.MyReflection; m == nil || m.Relevance != 5 || m.Insights != 4 || m.Heard != 2 || m.Line != "I felt rushed." || m.UserID != w.member.ID {
			t.Fatalf("got %+v, want Mo's reflection", r.MyReflection)
		}
		if r := w.room(t, w.keeper); r.MyReflection != nil {
			t.Fatalf("got %+v in Ken's room, want only his own reflection", r.MyReflection)
		}
		w.timer(t, roundtable.TimerEnd)
		must(t, w.rooms.Reflect(as(w.member), ref(3, 3, 3, "On second thought, fine.")))
		if m := w.room(t, w.member).MyReflection; m.Relevance != 3 || m.Line != "On second thought, fine." {
			t.Fatalf("got %+v, want the reflection replaced", m)
		}
		must(t, w.rooms.Reflect(as(w.keeper), ref(5, 5, 5, "")))
		wantCode(t, w.rooms.Reflect(as(w.pending), ref(5, 5, 5, "")), roundtable.EGROUNDRULES)
	})
}
