package sqldb_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// TestSealing_MarkersParkingAndDecisions writes a marker into every text of
// the parking lot and of group decisions through the services, reads each
// back, then looks for them in the raw database: none may be found.
func TestSealing_MarkersParkingAndDecisions(t *testing.T) {
	t.Parallel()
	for _, engine := range sqldbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			var logs bytes.Buffer
			e, url := sealedDB(t, engine, &logs)
			w := e.world()
			m := map[string]string{}
			for _, k := range []string{"topic-title", "topic-why", "picked-title", "picked-why", "decision-title", "decision-details",
				"option", "reason", "outcome", "control"} {
				m[k] = marker(k)
			}
			lots, decisions, agendas := sqldb.NewParkingLotService(e.db), sqldb.NewDecisionService(e.db), sqldb.NewAgendaService(e.db)
			tp := &roundtable.ParkingTopic{CircleID: w.a.ID, Title: m["topic-title"], Why: m["topic-why"], Priority: roundtable.PriorityB, Minutes: 15}
			must(t, lots.SaveTopic(as(w.member), tp))
			picked := &roundtable.ParkingTopic{CircleID: w.a.ID, Title: m["picked-title"], Why: m["picked-why"], Priority: roundtable.PriorityA, Minutes: 30}
			must(t, lots.SaveTopic(as(w.member), picked))
			must(t, lots.ShareTopic(as(w.member), w.a.ID, picked.ID, true))
			must(t, lots.PickTopic(as(w.fac), w.a.ID, picked.ID, w.meeting.ID))

			d := &roundtable.GroupDecision{CircleID: w.a.ID, Title: m["decision-title"], Details: m["decision-details"], Kind: roundtable.KindChoice,
				ClosesAt: e.clock.Now().Add(24 * time.Hour), Options: []*roundtable.DecisionOption{{Label: m["option"]}, {Label: "Plain"}}}
			must(t, decisions.CreateDecision(as(w.member), d))
			must(t, decisions.Vote(as(w.fac), w.a.ID, &roundtable.DecisionVote{DecisionID: d.ID, OptionID: d.Options[0].ID, Reason: m["reason"]}))
			must(t, decisions.CloseDecision(as(w.fac), w.a.ID, d.ID))
			must(t, decisions.RecordOutcome(as(w.fac), w.a.ID, d.ID, m["outcome"]))
			e.user(m["control"], "control@example.org", false, false)

			l, err := lots.FindParkingLot(as(w.member), w.a.ID)
			must(t, err)
			if len(l.Mine) != 1 || l.Mine[0].Title != m["topic-title"] || l.Mine[0].Why != m["topic-why"] ||
				len(l.Picked) != 1 || l.Picked[0].Title != m["picked-title"] {
				t.Fatalf("the parking lot does not read back what was written: %+v %+v", l.Mine, l.Picked)
			}
			ag, err := agendas.FindAgenda(as(w.member), w.meeting.ID)
			must(t, err)
			if len(ag.Challenges) != 1 || ag.Challenges[0].Question != m["picked-title"] || ag.Challenges[0].Context != m["picked-why"] {
				t.Fatalf("the card drafted from the topic does not read back: %+v", ag.Challenges)
			}
			got, err := decisions.FindDecision(as(w.member), w.a.ID, d.ID)
			must(t, err)
			if got.Title != m["decision-title"] || got.Details != m["decision-details"] || got.Options[0].Label != m["option"] ||
				len(got.Votes) != 1 || got.Votes[0].Reason != m["reason"] || got.Outcome != m["outcome"] {
				t.Fatalf("the decision does not read back what was written: %+v", got)
			}

			exports := sqldb.NewExportService(e.db)
			mine, err := exports.ExportMyData(as(w.member))
			must(t, err)
			if len(mine.ParkingLot) != 2 || mine.ParkingLot[0].Title != m["topic-title"] || len(mine.Proposals) != 1 || mine.Proposals[0].Details != m["decision-details"] {
				t.Fatalf("her export lacks her topics or proposal: %+v %+v", mine.ParkingLot, mine.Proposals)
			}
			facs, err := exports.ExportMyData(as(w.fac))
			must(t, err)
			if len(facs.Votes) != 1 || facs.Votes[0].Reason != m["reason"] || facs.Votes[0].Option != m["option"] || facs.Votes[0].Decision != m["decision-title"] {
				t.Fatalf("the facilitator's export lacks her vote: %+v", facs.Votes)
			}

			wantSealed(t, rawDatabase(t, engine, url), m["control"], m, &logs)
		})
	}
}
