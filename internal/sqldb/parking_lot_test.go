package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// topicOf is a valid topic for circle c.
func topicOf(c *roundtable.Circle, title string) *roundtable.ParkingTopic {
	return &roundtable.ParkingTopic{CircleID: c.ID, Title: title, Why: "It keeps me up at night.", Priority: roundtable.PriorityA, Minutes: 20}
}

// lot reads the parking lot as u.
func lot(t *testing.T, s *sqldb.ParkingLotService, u *roundtable.User, c *roundtable.Circle) *roundtable.ParkingLot {
	t.Helper()
	l, err := s.FindParkingLot(as(u), c.ID)
	must(t, err)
	return l
}

// A topic is its owner's alone until she shares it; then the whole circle
// sees it and can mark it, and nobody outside the circle ever does.
func TestParkingLotService_PrivateUntilShared(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewParkingLotService(e.db)
		tp := topicOf(w.a, "Hiring my first senior manager")
		must(t, s.SaveTopic(as(w.member), tp))
		if l := lot(t, s, w.member, w.a); len(l.Mine) != 1 || l.Mine[0].Title != tp.Title || l.Mine[0].Shared || len(l.Shared) != 0 {
			t.Fatalf("owner's lot: got mine %d, shared %d; want her private topic", len(l.Mine), len(l.Shared))
		}
		if l := lot(t, s, w.fac, w.a); len(l.Shared) != 0 || len(l.Mine) != 0 {
			t.Fatalf("facilitator's lot: got %d shared, want the private topic hidden", len(l.Shared))
		}
		wantCode(t, s.WantTopic(as(w.fac), w.a.ID, tp.ID, true), roundtable.ENOTFOUND)
		wantCode(t, s.ShareTopic(as(w.fac), w.a.ID, tp.ID, true), roundtable.ENOTFOUND)

		must(t, s.ShareTopic(as(w.member), w.a.ID, tp.ID, true))
		must(t, s.WantTopic(as(w.fac), w.a.ID, tp.ID, true))
		must(t, s.WantTopic(as(w.fac), w.a.ID, tp.ID, true)) // twice counts once
		l := lot(t, s, w.fac, w.a)
		if len(l.Shared) != 1 || l.Shared[0].Why != tp.Why || l.Shared[0].Wants != 1 || !l.Shared[0].IWant || !l.CanPick {
			t.Fatalf("facilitator's lot after sharing: got %+v, want the topic wanted once by her", l.Shared)
		}
		if l := lot(t, s, w.member, w.a); l.CanPick || len(l.Meetings) != 0 {
			t.Fatal("a member is offered to pick topics")
		}
		for name, ctx := range w.outsiders() {
			t.Run(name, func(t *testing.T) {
				_, err := s.FindParkingLot(ctx, w.a.ID)
				wantCode(t, err, roundtable.ENOTFOUND)
				wantCode(t, s.WantTopic(ctx, w.a.ID, tp.ID, true), roundtable.ENOTFOUND)
				wantCode(t, s.SaveTopic(ctx, topicOf(w.a, "Intruder")), roundtable.ENOTFOUND)
				wantCode(t, s.DeleteTopic(ctx, w.a.ID, tp.ID), roundtable.ENOTFOUND)
				wantCode(t, s.PickTopic(ctx, w.a.ID, tp.ID, w.meeting.ID), roundtable.ENOTFOUND)
			})
		}
		// Someone else's topic cannot be changed or deleted, even shared.
		other := *tp
		other.Title = "Taken over"
		wantCode(t, s.SaveTopic(as(w.fac), &other), roundtable.ENOTFOUND)
		wantCode(t, s.DeleteTopic(as(w.fac), w.a.ID, tp.ID), roundtable.ENOTFOUND)
		// Taking it back clears the marks.
		must(t, s.ShareTopic(as(w.member), w.a.ID, tp.ID, false))
		must(t, s.ShareTopic(as(w.member), w.a.ID, tp.ID, true))
		if l := lot(t, s, w.fac, w.a); l.Shared[0].Wants != 0 {
			t.Fatalf("got %d wants after sharing again, want 0", l.Shared[0].Wants)
		}
		must(t, s.DeleteTopic(as(w.member), w.a.ID, tp.ID))
		if l := lot(t, s, w.member, w.a); len(l.Mine) != 0 {
			t.Fatalf("got %d topics after deleting, want 0", len(l.Mine))
		}
	})
}

// Bad input is refused field by field and nothing is stored.
func TestParkingLotService_SaveTopic(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewParkingLotService(e.db)
		t.Run("BadInput", func(t *testing.T) {
			bad := &roundtable.ParkingTopic{CircleID: w.a.ID, Title: "  ", Why: "x", Priority: "D", Minutes: 500}
			err := s.SaveTopic(as(w.member), bad)
			wantCode(t, err, roundtable.EINVALID)
			f := roundtable.ErrorFields(err)
			for _, k := range []string{"title", "priority", "minutes"} {
				if f[k] == "" {
					t.Errorf("got no problem with %s, want one (%v)", k, f)
				}
			}
			if l := lot(t, s, w.member, w.a); len(l.Mine) != 0 {
				t.Fatalf("got %d topics stored, want none", len(l.Mine))
			}
		})
		t.Run("Edit", func(t *testing.T) {
			tp := topicOf(w.a, "First wording")
			must(t, s.SaveTopic(as(w.member), tp))
			tp.Title, tp.Priority, tp.Minutes = "Second wording", roundtable.PriorityC, 45
			must(t, s.SaveTopic(as(w.member), tp))
			l := lot(t, s, w.member, w.a)
			if len(l.Mine) != 1 || l.Mine[0].Title != "Second wording" || l.Mine[0].Priority != roundtable.PriorityC || l.Mine[0].Minutes != 45 {
				t.Fatalf("got %+v, want the edited topic", l.Mine)
			}
		})
	})
}

// A shared topic picked for a meeting makes its owner a presenter there,
// with the topic as her challenge card draft; it leaves the waiting list,
// and what she wrote on the card already stays.
func TestParkingLotService_PickTopic(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewParkingLotService(e.db)
		agendas := sqldb.NewAgendaService(e.db)
		tp := topicOf(w.a, "Hiring my first senior manager")
		must(t, s.SaveTopic(as(w.member), tp))
		wantCode(t, s.PickTopic(as(w.fac), w.a.ID, tp.ID, w.meeting.ID), roundtable.ENOTFOUND) // not shared yet
		must(t, s.ShareTopic(as(w.member), w.a.ID, tp.ID, true))
		wait := topicOf(w.a, "Stays for next time")
		must(t, s.SaveTopic(as(w.fac), wait))
		must(t, s.ShareTopic(as(w.fac), w.a.ID, wait.ID, true))

		wantCode(t, s.PickTopic(as(w.member), w.a.ID, tp.ID, w.meeting.ID), roundtable.EFORBIDDEN)
		err := s.PickTopic(as(w.fac), w.a.ID, tp.ID, "0190c5a8-1c2d-7000-8000-00000000a11e")
		if wantCode(t, err, roundtable.EINVALID); roundtable.ErrorFields(err)["meeting_id"] == "" {
			t.Fatalf("got %v, want a problem with meeting_id", err)
		}
		l := lot(t, s, w.fac, w.a)
		if len(l.Meetings) != 1 || l.Meetings[0].ID != w.meeting.ID {
			t.Fatalf("got %d meetings to pick for, want the coming one", len(l.Meetings))
		}
		must(t, s.PickTopic(as(w.fac), w.a.ID, tp.ID, w.meeting.ID))
		wantCode(t, s.PickTopic(as(w.fac), w.a.ID, tp.ID, w.meeting.ID), roundtable.EINVALID)
		wantCode(t, s.ShareTopic(as(w.member), w.a.ID, tp.ID, false), roundtable.EINVALID)

		ag, err := agendas.FindAgenda(as(w.member), w.meeting.ID)
		must(t, err)
		if len(ag.Challenges) != 1 || ag.Challenges[0].PresenterID != w.member.ID || ag.Challenges[0].Question != tp.Title || ag.Challenges[0].Context != tp.Why {
			t.Fatalf("got cards %+v, want the member's card drafted from the topic", ag.Challenges)
		}
		l = lot(t, s, w.member, w.a)
		if len(l.Picked) != 1 || l.Picked[0].ID != tp.ID || !l.Picked[0].PickedFor.Equal(w.meeting.StartsAt) {
			t.Fatalf("got picked %+v, want the topic picked for the meeting", l.Picked)
		}
		if len(l.Shared) != 1 || l.Shared[0].ID != wait.ID || len(l.Mine) != 0 {
			t.Fatalf("got shared %d, mine %d; want the unpicked topic waiting and none of hers", len(l.Shared), len(l.Mine))
		}

		// The facilitator's own card keeps what she wrote; the topic fills the rest.
		must(t, agendas.SetRoles(as(w.fac), w.meeting.ID, []roundtable.RoleAssignment{
			{Role: roundtable.RolePresenter, UserID: w.member.ID}, {Role: roundtable.RolePresenter, UserID: w.fac.ID}}))
		must(t, agendas.SaveChallenge(as(w.fac), &roundtable.Challenge{MeetingID: w.meeting.ID, Question: "My own question"}))
		must(t, s.PickTopic(as(w.fac), w.a.ID, wait.ID, w.meeting.ID))
		ag, err = agendas.FindAgenda(as(w.fac), w.meeting.ID)
		must(t, err)
		if len(ag.Challenges) != 2 || ag.Challenges[1].Question != "My own question" || ag.Challenges[1].Context != wait.Why {
			t.Fatalf("got cards %+v, want her own question kept and the context drafted", ag.Challenges)
		}

		// A meeting that is over takes no topic.
		late := topicOf(w.a, "Too late")
		must(t, s.SaveTopic(as(w.member), late))
		must(t, s.ShareTopic(as(w.member), w.a.ID, late.ID, true))
		e.clock.Add(w.meeting.EndsAt().Sub(e.clock.Now()) + time.Minute)
		wantCode(t, s.PickTopic(as(w.fac), w.a.ID, late.ID, w.meeting.ID), roundtable.EINVALID)
	})
}

// A topic picked by mistake goes back to the lot before its meeting: what
// the pick did is undone, and what people did since stays.
func TestParkingLotService_PutTopicBack(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewParkingLotService(e.db)
		agendas := sqldb.NewAgendaService(e.db)
		presenters := func() (member bool, card roundtable.Challenge) {
			t.Helper()
			ag, err := agendas.FindAgenda(as(w.fac), w.meeting.ID)
			must(t, err)
			for _, r := range ag.Roles {
				member = member || r.Role == roundtable.RolePresenter && r.UserID == w.member.ID
			}
			for _, c := range ag.Challenges {
				if c.PresenterID == w.member.ID {
					card = c
				}
			}
			return member, card
		}
		tp := topicOf(w.a, "Hiring my first senior manager")
		must(t, s.SaveTopic(as(w.member), tp))
		must(t, s.ShareTopic(as(w.member), w.a.ID, tp.ID, true))
		_, err := s.PutTopicBack(as(w.fac), w.a.ID, tp.ID)
		wantCode(t, err, roundtable.EINVALID) // not picked
		must(t, s.PickTopic(as(w.fac), w.a.ID, tp.ID, w.meeting.ID))
		_, err = s.PutTopicBack(as(w.member), w.a.ID, tp.ID)
		wantCode(t, err, roundtable.EFORBIDDEN)

		// Picked and put back at once: her role and the untouched draft go.
		msg, err := s.PutTopicBack(as(w.fac), w.a.ID, tp.ID)
		must(t, err)
		if !contains(msg, "back in the parking lot") || !contains(msg, "no longer presents") || contains(msg, "card") {
			t.Errorf("got %q, want the topic back and her role gone", msg)
		}
		if on, card := presenters(); on || card.Question != "" || card.Context != "" {
			t.Fatalf("after putting back: presenter %v, card %+v; want neither", on, card)
		}
		if l := lot(t, s, w.member, w.a); len(l.Picked) != 0 || len(l.Mine) != 1 || l.Mine[0].ID != tp.ID {
			t.Fatalf("got picked %d, mine %d; want the topic waiting again", len(l.Picked), len(l.Mine))
		}
		_, err = s.PutTopicBack(as(w.fac), w.a.ID, tp.ID)
		wantCode(t, err, roundtable.EINVALID)

		// Presenting already, and writing on the card: both stay.
		must(t, agendas.SetRoles(as(w.fac), w.meeting.ID, []roundtable.RoleAssignment{{Role: roundtable.RolePresenter, UserID: w.member.ID}}))
		must(t, s.PickTopic(as(w.fac), w.a.ID, tp.ID, w.meeting.ID))
		must(t, agendas.SaveChallenge(as(w.member), &roundtable.Challenge{MeetingID: w.meeting.ID, Question: tp.Title, Context: tp.Why, Tried: "Asked my board"}))
		msg, err = s.PutTopicBack(as(w.fac), w.a.ID, tp.ID)
		must(t, err)
		if !contains(msg, "still is") || !contains(msg, "stays as she wrote it") {
			t.Errorf("got %q, want her role and card said to stay", msg)
		}
		if on, card := presenters(); !on || card.Tried != "Asked my board" {
			t.Fatalf("presenter %v, card %+v; want both kept", on, card)
		}

		// Picked before the pick's role was recorded: nobody knows whether
		// it gave her the role, so it stays, and the answer says so.
		must(t, agendas.SetRoles(as(w.fac), w.meeting.ID, nil))
		must(t, s.PickTopic(as(w.fac), w.a.ID, tp.ID, w.meeting.ID))
		must(t, sqldb.ExecForTest(context.Background(), e.db, `UPDATE parking_topics SET picked_role = -1 WHERE id = $1`, tp.ID))
		msg, err = s.PutTopicBack(as(w.fac), w.a.ID, tp.ID)
		must(t, err)
		if !contains(msg, "still presents at that meeting: change its roles") {
			t.Errorf("got %q, want her role said to stay, with what to do", msg)
		}
		if on, _ := presenters(); !on {
			t.Fatal("the role of a pick made before it was recorded was removed, want it kept")
		}

		// Once the meeting is under way, the pick stands.
		must(t, s.PickTopic(as(w.fac), w.a.ID, tp.ID, w.meeting.ID))
		e.clock.Add(w.meeting.StartsAt.Sub(e.clock.Now()) + time.Minute)
		_, err = s.PutTopicBack(as(w.fac), w.a.ID, tp.ID)
		wantCode(t, err, roundtable.EINVALID)
	})
}
