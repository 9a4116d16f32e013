package sqldb_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// TestSealing_MarkersCommitments writes markers into a commitment, the
// note its owner gives between meetings, a goal and its check-in's
// reflection, reads them back through the services, and finds none of them
// in the raw database.
func TestSealing_MarkersCommitments(t *testing.T) {
	t.Parallel()
	for _, engine := range sqldbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			var logs bytes.Buffer
			e, url := sealedDB(t, engine, &logs)
			w := e.roomWorld()
			m := map[string]string{}
			for _, k := range []string{"commitment", "note", "goal", "checkin"} {
				m[k] = marker(k)
			}
			it := w.committed(t, m["commitment"])
			e.clock.Add(2 * 24 * time.Hour)
			cs := sqldb.NewCommitmentService(e.db)
			must(t, cs.UpdateCommitment(as(w.member), it.ID, roundtable.ActionDone, m["note"]))
			must(t, e.circles.SetGoals(as(w.member), w.a.ID, []string{m["goal"]}))
			ci := sqldb.NewCheckInService(e.db)
			p := checkInFirst(t, e, ci, w.member, w.a.ID, 4, m["checkin"])

			mine, err := cs.ListMyCommitments(as(w.member))
			must(t, err)
			if len(mine) != 1 || mine[0].Text != m["commitment"] || mine[0].Report != m["note"] {
				t.Fatalf("my commitments do not read back: %+v", mine)
			}
			ag, err := w.agenda.FindAgenda(as(w.chair), w.next.ID)
			must(t, err)
			if len(ag.FollowUps) != 1 || ag.FollowUps[0].Report != m["note"] {
				t.Fatalf("the follow-ups do not read back the note: %+v", ag.FollowUps)
			}
			if g := p.Goals[0]; g.Goal.Text != m["goal"] || len(g.CheckIns) != 1 || g.CheckIns[0].Reflection != m["checkin"] {
				t.Fatalf("the check-ins do not read back: %+v", g)
			}
			x, err := sqldb.NewExportService(e.db).ExportMyData(as(w.member))
			must(t, err)
			if len(x.CheckIns) != 1 || x.CheckIns[0].Reflection != m["checkin"] || x.CheckIns[0].Goal != m["goal"] {
				t.Fatalf("the export does not read back the check-in: %+v", x.CheckIns)
			}
			wantSealed(t, rawDatabase(t, engine, url), "Mo Member", m, &logs)
		})
	}
}
