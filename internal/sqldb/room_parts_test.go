package sqldb_test

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// snapshot reads the room's snapshot for an audience from scratch.
func (w *roomWorld) snapshot(t *testing.T, audience string) *roundtable.RoomSnapshot {
	t.Helper()
	s, err := w.rooms.SnapshotSince(sys, w.meeting.ID, audience, nil)
	must(t, err)
	return s
}

// Part bits for the tests, in the order of roundtable.RoomParts.
const (
	tState = 1 << iota
	tAgenda
	tPeople
	tSpeaking
	tBoard
	tActions
	tMinutes
)

func partList(p roundtable.RoomParts) []int64 {
	return []int64{p.State, p.Agenda, p.People, p.Speaking, p.Board, p.Actions, p.Minutes}
}

// TestRoomParts_EachActionTouchesItsParts checks that each room action
// raises the room's version once and gives exactly the parts it writes the
// new version, leaving the others as they were.
func TestRoomParts_EachActionTouchesItsParts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		id := w.meeting.ID
		var itemID string
		var board []roundtable.BoardPost
		steps := []struct {
			name  string
			parts int
			do    func() error
		}{
			{"start", tState, func() error { return w.rooms.ControlTimer(as(w.fac), id, roundtable.TimerStart, 0) }},
			{"extend", tState, func() error { return w.rooms.ControlTimer(as(w.keeper), id, roundtable.TimerExtend, 2) }},
			{"speaker", tState | tSpeaking, func() error { return w.rooms.SetSpeaker(as(w.fac), id, w.member.ID) }},
			{"hand", tSpeaking, func() error { return w.rooms.RaiseHand(as(w.chair), id, true) }},
			{"next", tState | tSpeaking, func() error { return w.rooms.ControlTimer(as(w.keeper), id, roundtable.TimerNext, 0) }},
			{"post", tBoard, func() error {
				_, err := w.rooms.Post(as(w.chair), id, roundtable.PostQuestion, "Who decides?")
				return err
			}},
			{"join", tPeople, func() error { return w.rooms.Join(as(w.chair), id) }},
			{"attendance", tPeople, func() error { return w.rooms.SetAttendance(as(w.fac), id, w.chair.ID, false) }},
			{"minutes", tMinutes, func() error {
				_, err := w.rooms.SaveMinutes(as(w.keeper), id, 0, "", "We began.")
				return err
			}},
			{"pause", tState, func() error { return w.rooms.ControlTimer(as(w.fac), id, roundtable.TimerPause, 0) }},
			{"previous", tState | tSpeaking, func() error { return w.rooms.ControlTimer(as(w.fac), id, roundtable.TimerPrevious, 0) }},
			{"to ideas", tState | tSpeaking, func() error {
				for range segDiscussion {
					if err := w.rooms.ControlTimer(as(w.fac), id, roundtable.TimerNext, 0); err != nil {
						return err
					}
				}
				return nil
			}},
			{"suggest", tBoard, func() error {
				p, err := w.rooms.Post(as(w.chair), id, roundtable.PostSuggestion, "Try a pilot")
				if p != nil {
					board = append(board, *p)
				}
				return err
			}},
			{"play-back", tBoard | tActions, func() error {
				items, err := w.rooms.PlayBack(as(w.member), id, []string{board[0].ID}, []string{"Run a pilot"})
				if len(items) > 0 {
					itemID = items[0].ID
				}
				return err
			}},
			{"report", tActions, func() error {
				return w.rooms.ReportFollowUp(as(w.member), itemID, roundtable.ActionDone, "Done early")
			}},
			{"invite", tPeople, func() error { return w.rooms.InviteGuest(as(w.fac), id, "Gus Guest", "gus@example.org") }},
			{"remove guest", tPeople | tSpeaking, func() error { return w.rooms.RemoveGuest(as(w.fac), id, w.guest.ID) }},
			{"agenda", tState | tAgenda | tPeople | tSpeaking | tBoard | tActions | tMinutes, func() error {
				return w.agenda.SetSegments(as(w.fac), id, roomAgenda())
			}},
		}
		for _, s := range steps {
			before := w.snapshot(t, roundtable.AudienceMember)
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			after := w.snapshot(t, roundtable.AudienceMember)
			if after.Room.Version != before.Room.Version+1 && s.name != "to ideas" {
				t.Errorf("%s: version %d → %d, want one more", s.name, before.Room.Version, after.Room.Version)
			}
			b, a := partList(before.Parts), partList(after.Parts)
			for i := range b {
				touched := s.parts&(1<<i) != 0
				switch {
				case touched && a[i] != after.Room.Version:
					t.Errorf("%s: part %d is at %d, want the new version %d", s.name, i, a[i], after.Room.Version)
				case !touched && a[i] != b[i]:
					t.Errorf("%s: part %d went %d → %d, want it untouched", s.name, i, b[i], a[i])
				}
			}
		}
	})
}

// TestRoomParts_SnapshotSinceMatchesSnapshot does random room actions and
// checks after each that a snapshot built on the previous one equals a
// snapshot read whole, for members and for guests.
func TestRoomParts_SnapshotSinceMatchesSnapshot(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		id := w.meeting.ID
		rng := rand.New(rand.NewPCG(1, 2))
		people := []*roundtable.User{w.fac, w.chair, w.keeper, w.member, w.guest}
		pick := func() *roundtable.User { return people[rng.IntN(len(people))] }
		var posts []string
		var items []string
		actions := []func() error{
			func() error { return w.rooms.ControlTimer(as(w.fac), id, roundtable.TimerStart, 0) },
			func() error { return w.rooms.ControlTimer(as(w.keeper), id, roundtable.TimerPause, 0) },
			func() error { return w.rooms.ControlTimer(as(w.keeper), id, roundtable.TimerExtend, 1+rng.IntN(3)) },
			func() error { return w.rooms.ControlTimer(as(w.fac), id, roundtable.TimerNext, 0) },
			func() error { return w.rooms.ControlTimer(as(w.fac), id, roundtable.TimerPrevious, 0) },
			func() error { return w.rooms.SetSpeaker(as(w.fac), id, pick().ID) },
			func() error { return w.rooms.SetSpeaker(as(w.fac), id, "") },
			func() error { return w.rooms.RaiseHand(as(pick()), id, rng.IntN(2) == 0) },
			func() error { return w.rooms.Join(as(pick()), id) },
			func() error { return w.rooms.SetAttendance(as(w.fac), id, pick().ID, rng.IntN(2) == 0) },
			func() error {
				kind := roundtable.PostQuestion
				if rng.IntN(2) == 0 {
					kind = roundtable.PostSuggestion
				}
				p, err := w.rooms.Post(as(pick()), id, kind, "Post")
				if err == nil {
					posts = append(posts, p.ID)
				}
				return err
			},
			func() error {
				var picked []string
				if len(posts) > 0 {
					picked = []string{posts[rng.IntN(len(posts))]}
				}
				got, err := w.rooms.PlayBack(as(w.member), id, picked, []string{"Act"})
				for _, it := range got {
					items = append(items, it.ID)
				}
				return err
			},
			func() error {
				if len(items) == 0 {
					return nil
				}
				return w.rooms.ReportFollowUp(as(w.member), items[rng.IntN(len(items))], roundtable.ActionDropped, "No time")
			},
			func() error {
				r := w.room(t, w.keeper)
				_, err := w.rooms.SaveMinutes(as(w.keeper), id, r.Minutes.Version, r.Minutes.Text, r.Minutes.Text+"More.\n")
				return err
			},
			func() error {
				return w.agenda.SaveChallenge(as(w.member), &roundtable.Challenge{MeetingID: id, PresenterID: w.member.ID, Question: "Again?"})
			},
		}
		prev := map[string]*roundtable.RoomSnapshot{}
		for _, aud := range []string{roundtable.AudienceMember, roundtable.AudienceGuest} {
			prev[aud] = w.snapshot(t, aud)
		}
		for step := range 120 {
			_ = actions[rng.IntN(len(actions))]() // refusals are part of the game
			e.clock.Add(time.Duration(rng.IntN(20)) * time.Second)
			for _, aud := range []string{roundtable.AudienceMember, roundtable.AudienceGuest} {
				got, err := w.rooms.SnapshotSince(sys, id, aud, prev[aud])
				must(t, err)
				want, err := w.rooms.Snapshot(sys, id, aud)
				must(t, err)
				if !reflect.DeepEqual(got.Room, want) {
					t.Fatalf("step %d, %s: SnapshotSince\n%+v\nSnapshot\n%+v", step, aud, got.Room, want)
				}
				prev[aud] = got
			}
		}
	})
}
