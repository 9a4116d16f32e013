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
