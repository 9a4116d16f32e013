package sqldb_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// TestSealing_MarkersDiscussion writes markers into every text of the
// discussion (titles, bodies, replies, edits) through the service, reads them
// back, and finds none of them in the raw database.
func TestSealing_MarkersDiscussion(t *testing.T) {
	t.Parallel()
	for _, engine := range sqldbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			var logs bytes.Buffer
			e, url := sealedDB(t, engine, &logs)
			w := e.discussionWorld()
			m := map[string]string{}
			for _, k := range []string{"title", "body", "reply", "edited-title", "edited-body", "edited-reply", "control"} {
				m[k] = marker(k)
			}
			th := &roundtable.Thread{CircleID: w.circle.ID, Title: "Old " + m["title"], Body: "Old " + m["body"]}
			must(t, w.s.StartThread(as(w.mo), th))
			r := &roundtable.Reply{ThreadID: th.ID, Body: "Old " + m["reply"]}
			must(t, w.s.AddReply(as(w.ana), r))
			must(t, w.s.EditThread(as(w.mo), &roundtable.Thread{ID: th.ID, Title: m["edited-title"], Body: m["edited-body"]}))
			must(t, w.s.EditReply(as(w.ana), &roundtable.Reply{ID: r.ID, Body: m["edited-reply"]}))
			e.user(m["control"], "control@example.org", false, false)

			pg, err := sqldb.NewDiscussionService(e.db).ReadThread(as(w.fac), th.ID, 0)
			must(t, err)
			if pg.Thread.Title != m["edited-title"] || pg.Thread.Body != m["edited-body"] || !strings.Contains(pg.Thread.BodyHTML, m["edited-body"]) ||
				len(pg.Replies) != 1 || !strings.Contains(pg.Replies[0].BodyHTML, m["edited-reply"]) {
				t.Fatalf("got %q %q %+v, want the edited texts read back", pg.Thread.Title, pg.Thread.Body, pg.Replies)
			}
			if r, err := w.s.FindReply(as(w.ana), r.ID); err != nil || r.Body != m["edited-reply"] {
				t.Fatalf("got %+v (%v), want the reply's Markdown read back", r, err)
			}
			wantSealed(t, rawDatabase(t, engine, url), m["control"], m, &logs)
		})
	}
}
