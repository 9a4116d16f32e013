package sqldb_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

func TestRoomService_SaveMinutes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		id := w.meeting.ID
		save := func(u *roundtable.User, base roundtable.Minutes, text string) *roundtable.MinutesSave {
			t.Helper()
			res, err := w.rooms.SaveMinutes(as(u), id, base.Version, base.Text, text)
			must(t, err)
			return res
		}
		w.timer(t, roundtable.TimerStart)
		res := save(w.keeper, roundtable.Minutes{}, "Present: all\r\nMo presents\r\nNext steps")
		if res.Merged || res.Conflict || res.Minutes.Version != 1 || res.Minutes.Text != "Present: all\nMo presents\nNext steps" ||
			!strings.Contains(res.Minutes.UpdatedBy, "ken") || !res.Minutes.UpdatedAt.Equal(e.clock.Now()) {
			t.Fatalf("got %+v, want version 1 by Ken with plain line ends", res)
		}
		v1 := res.Minutes
		// A member's room reads the minutes, the circle's name and the
		// cards with the meeting and its roles; the screens' snapshot reads
		// each on its own: the same.
		mine, screens := w.room(t, w.member), snapshot(t, w, roundtable.AudienceMember)
		if mine.Minutes != v1 || mine.Minutes != screens.Minutes || mine.CircleName == "" || mine.CircleName != screens.CircleName ||
			!reflect.DeepEqual(mine.Challenges, screens.Challenges) {
			t.Fatalf("got minutes %+v, circle %q, cards %+v in a member's room; want %+v, %q, %+v as the screens read them",
				mine.Minutes, mine.CircleName, mine.Challenges, screens.Minutes, screens.CircleName, screens.Challenges)
		}

		_, err := w.rooms.SaveMinutes(as(w.member), id, v1.Version, v1.Text, "Mine")
		wantCode(t, err, roundtable.EFORBIDDEN)
		_, err = w.rooms.SaveMinutes(as(w.keeper), id, v1.Version, v1.Text, strings.Repeat("x", roundtable.MaxTextLength+1))
		wantCode(t, err, roundtable.EINVALID)

		t.Run("MergedWhenApart", func(t *testing.T) {
			ken := save(w.keeper, v1, "Present: all but Ned\nMo presents\nNext steps")
			fay := save(w.fac, v1, "Present: all\nMo presents\nNext steps: meet in May")
			if !fay.Merged || fay.Conflict || fay.Minutes.Version != ken.Minutes.Version+1 ||
				fay.Minutes.Text != "Present: all but Ned\nMo presents\nNext steps: meet in May" {
				t.Fatalf("got %+v, want both edits kept", fay)
			}
			v1 = fay.Minutes
		})

		t.Run("ConflictWhenOverlapping", func(t *testing.T) {
			ctx := context.Background()
			cleo := save(w.chair, v1, strings.Replace(v1.Text, "Mo presents", "Mo presents her team", 1))
			version := sqldb.RoomVersionForTest(ctx, e.db, id)
			ken := save(w.keeper, v1, strings.Replace(v1.Text, "Mo presents", "Mo presented", 1))
			if !ken.Conflict || ken.Merged || ken.Theirs.Version != cleo.Minutes.Version || ken.Theirs.Text != cleo.Minutes.Text {
				t.Fatalf("got %+v, want a conflict showing Cleo's version", ken)
			}
			if r := w.room(t, w.member); r.Minutes.Text != cleo.Minutes.Text || r.Minutes.Version != cleo.Minutes.Version {
				t.Fatalf("got minutes %+v, want Cleo's kept", r.Minutes)
			}
			if v := sqldb.RoomVersionForTest(ctx, e.db, id); v != version {
				t.Fatalf("got room version %d after a conflict, want %d: nothing changed", v, version)
			}
			// Saving the same text again makes no new version.
			if again := save(w.chair, cleo.Minutes, cleo.Minutes.Text); again.Minutes.Version != cleo.Minutes.Version {
				t.Fatalf("got version %d for an unchanged save, want %d", again.Minutes.Version, cleo.Minutes.Version)
			}
			v1 = cleo.Minutes
		})

		t.Run("NotesFromTheMeetingPage", func(t *testing.T) {
			// The facilitator's notes form makes a version too, so a save
			// from the room written before it merges with it.
			must(t, e.meetings.SaveNotes(as(w.fac), id, v1.Text+"\nAction: Ana", false))
			res := save(w.keeper, v1, "Intro\n"+v1.Text)
			if !res.Merged || res.Minutes.Text != "Intro\n"+v1.Text+"\nAction: Ana" {
				t.Fatalf("got %+v, want the notes form's line kept", res)
			}
		})

		t.Run("AfterTheEnd", func(t *testing.T) {
			w.timer(t, roundtable.TimerEnd)
			r := w.room(t, w.keeper)
			if res := save(w.keeper, r.Minutes, r.Minutes.Text+"\nSent to Ned"); res.Minutes.Version != r.Minutes.Version+1 {
				t.Fatalf("got %+v, want the minutes still written after the end", res)
			}
			m, err := e.meetings.FindMeetingByID(as(w.member), id)
			must(t, err)
			if !strings.HasSuffix(m.Notes, "Sent to Ned") {
				t.Fatalf("got notes %q, want the room's minutes as the meeting's notes", m.Notes)
			}
		})
	})
}
