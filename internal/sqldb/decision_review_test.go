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
