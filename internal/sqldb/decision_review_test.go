package sqldb_test

import (
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// A circle that meets on the last Tuesday of the month and decides to meet
// every two months keeps meeting on the last Tuesday: the week of the month
// is not taken from whatever day the decision happens to be applied.
func TestDecisionService_ApplyCadence_KeepsWeekOfMonth(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		sc := e.scheduling("Europe/Paris", date(2026, 3, 1), date(2026, 8, 31))
		_, err := sc.series.CreateSeries(as(sc.fac), &roundtable.Series{CircleID: sc.circle.ID, Slot: "Tue 10:00",
			Cadence: roundtable.Monthly, Nth: -1, Minutes: 60, Place: "Library"})
		must(t, err)
		s := sqldb.NewDecisionService(e.db)
		d := proposal(sc.circle, e.clock.Now())
		d.Change = roundtable.DecisionChange{Cadence: roundtable.Bimonthly}
		must(t, s.CreateDecision(as(sc.members[0]), d))
		e.clock.Add(8 * 24 * time.Hour) // Tuesday 10 March, the second of the month
		msg, err := s.ApplyDecision(as(sc.fac), sc.circle.ID, d.ID)
		must(t, err)
		sr, err := sc.series.FindSeries(as(sc.members[0]), sc.circle.ID)
		must(t, err)
		if sr.Cadence != roundtable.Bimonthly || sr.Nth != -1 {
			t.Fatalf("got cadence %s on week %d (%s), want bimonthly on the last week (-1)", sr.Cadence, sr.Nth, msg)
		}
	})
}

// A facilitator who clicks "Apply" twice (two requests at once, as a double
// click sends them) applies the decision once: the other click is told it
// was applied already.
func TestDecisionService_ApplyDecision_Twice(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewDecisionService(e.db)
		for i := 0; i < 8; i++ {
			d := proposal(w.a, e.clock.Now())
			d.Change = roundtable.DecisionChange{Format: "check_in"}
			must(t, s.CreateDecision(as(w.member), d))
			must(t, s.CloseDecision(as(w.member), w.a.ID, d.ID))
			errs := make(chan error, 2)
			for range 2 {
				go func() {
					_, err := s.ApplyDecision(as(w.fac), w.a.ID, d.ID)
					errs <- err
				}()
			}
			applied := 0
			for range 2 {
				switch err := <-errs; roundtable.ErrorCode(err) {
				case "":
					applied++
				case roundtable.EINVALID:
				default:
					t.Fatalf("a second click: got %v, want it told the decision was applied already", err)
				}
			}
			if applied != 1 {
				t.Fatalf("decision %d: applied %d times, want once", i, applied)
			}
		}
	})
}

// A facilitator who clicks "Pick this topic" twice picks it once: the other
// click is told the topic was picked already, not shown an error page.
func TestParkingLotService_PickTopic_Twice(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewParkingLotService(e.db)
		for i := 0; i < 8; i++ {
			tp := topicOf(w.a, "Picked once")
			must(t, s.SaveTopic(as(w.member), tp))
			must(t, s.ShareTopic(as(w.member), w.a.ID, tp.ID, true))
			errs := make(chan error, 2)
			for range 2 {
				go func() { errs <- s.PickTopic(as(w.fac), w.a.ID, tp.ID, w.meeting.ID) }()
			}
			picked := 0
			for range 2 {
				switch err := <-errs; roundtable.ErrorCode(err) {
				case "":
					picked++
				case roundtable.EINVALID:
				default:
					t.Fatalf("a second click: got %v, want it told the topic was picked already", err)
				}
			}
			if picked != 1 {
				t.Fatalf("topic %d: picked %d times, want once", i, picked)
			}
		}
	})
}

// A topic picked for a meeting that was then cancelled waits again and can
// be picked for another meeting.
func TestParkingLotService_PickTopic_AfterCancel(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewParkingLotService(e.db)
		tp := topicOf(w.a, "Picked again")
		must(t, s.SaveTopic(as(w.member), tp))
		must(t, s.ShareTopic(as(w.member), w.a.ID, tp.ID, true))
		must(t, s.PickTopic(as(w.fac), w.a.ID, tp.ID, w.meeting.ID))
		must(t, e.meetings.CancelMeeting(as(w.fac), w.meeting.ID))
		wantCode(t, s.PickTopic(as(w.fac), w.a.ID, tp.ID, w.meeting.ID), roundtable.EINVALID) // cancelled
		next := &roundtable.Meeting{CircleID: w.a.ID, StartsAt: w.meeting.StartsAt.Add(7 * 24 * time.Hour), Minutes: 60, Place: "Library"}
		must(t, e.meetings.CreateMeeting(as(w.fac), next))
		must(t, s.PickTopic(as(w.fac), w.a.ID, tp.ID, next.ID))
		if l := lot(t, s, w.member, w.a); len(l.Picked) != 1 || l.Picked[0].PickedMeetingID != next.ID {
			t.Fatalf("got picked %+v, want the topic picked for the next meeting", l.Picked)
		}
	})
}

// A member who left the circle takes her topics out of its lot: the
// facilitator is not offered to pick a topic whose owner can no longer
// present it.
func TestParkingLotService_OwnerLeft(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewParkingLotService(e.db)
		tp := topicOf(w.a, "Mine while I was here")
		must(t, s.SaveTopic(as(w.member), tp))
		must(t, s.ShareTopic(as(w.member), w.a.ID, tp.ID, true))
		must(t, e.circles.RemoveMember(as(w.org), w.a.ID, w.member.ID))
		if l := lot(t, s, w.fac, w.a); len(l.Shared) != 0 {
			t.Fatalf("got %d shared topics after their owner left, want 0", len(l.Shared))
		}
		wantCode(t, s.WantTopic(as(w.fac), w.a.ID, tp.ID, true), roundtable.ENOTFOUND)
		wantCode(t, s.PickTopic(as(w.fac), w.a.ID, tp.ID, w.meeting.ID), roundtable.ENOTFOUND)
	})
}

// A cadence decision in a circle with no series yet is refused with the
// reason, and stays to be applied once there is one.
func TestDecisionService_ApplyCadence_NoSeries(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewDecisionService(e.db)
		d := proposal(w.a, e.clock.Now())
		d.Change = roundtable.DecisionChange{Cadence: roundtable.Biweekly}
		must(t, s.CreateDecision(as(w.member), d))
		must(t, s.CloseDecision(as(w.member), w.a.ID, d.ID))
		_, err := s.ApplyDecision(as(w.fac), w.a.ID, d.ID)
		if wantCode(t, err, roundtable.EINVALID); !contains(roundtable.ErrorMessage(err), "no meeting series") {
			t.Fatalf("got %q, want to be told the circle has no series", roundtable.ErrorMessage(err))
		}
		if got := findDecision(t, s, w.fac, d); !got.AppliedAt.IsZero() || !got.CanApply {
			t.Fatalf("got applied at %v, can apply %v; want it still to be applied", got.AppliedAt, got.CanApply)
		}
	})
}

// A member who voted and then left still counts among those who voted, and
// the page never says more voted than could: "2 of 2", not "2 of 1".
func TestDecisionService_VoterLeft(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewDecisionService(e.db)
		d := proposal(w.a, e.clock.Now())
		must(t, s.CreateDecision(as(w.fac), d))
		must(t, s.Vote(as(w.member), w.a.ID, &roundtable.DecisionVote{DecisionID: d.ID, Stance: roundtable.StanceAgree}))
		before := findDecision(t, s, w.fac, d)
		must(t, e.circles.RemoveMember(as(w.org), w.a.ID, w.member.ID))
		got := findDecision(t, s, w.fac, d)
		if got.Voters != 1 || got.Members != before.Members {
			t.Fatalf("got %d of %d voted, want 1 of %d", got.Voters, got.Members, before.Members)
		}
		list, err := s.ListDecisions(as(w.fac), w.a.ID)
		must(t, err)
		if list[0].Voters > list[0].Members {
			t.Fatalf("list: got %d of %d voted, want no more voters than members", list[0].Voters, list[0].Members)
		}
	})
}
