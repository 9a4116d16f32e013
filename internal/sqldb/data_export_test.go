package sqldb_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// ownWorld is a room where Mo, the presenter, and Ken each wrote one of
// every kind: Mo's markers start MO-, Ken's KEN-.
type ownWorld struct {
	*roomWorld
	commitment *roundtable.ActionItem
}

func (e *env) ownWorld() *ownWorld {
	t := e.t
	t.Helper()
	w := &ownWorld{roomWorld: e.roomWorld()}
	id := w.meeting.ID
	must(t, e.meetings.SetRSVP(as(w.member), w.next.ID, roundtable.RSVPYes))
	must(t, e.meetings.SetRSVP(as(w.keeper), w.next.ID, roundtable.RSVPNo))
	must(t, e.circles.SetGoals(as(w.keeper), w.a.ID, []string{"KEN-GOAL"}))
	w.goTo(t, segQuestions)
	_, err := w.rooms.Post(as(w.member), id, roundtable.PostQuestion, "MO-POST")
	must(t, err)
	_, err = w.rooms.Post(as(w.keeper), id, roundtable.PostQuestion, "KEN-POST")
	must(t, err)
	w.goTo(t, segDiscussion)
	s, err := w.rooms.Post(as(w.keeper), id, roundtable.PostSuggestion, "KEN-SUGGESTION")
	must(t, err)
	w.goTo(t, segPlayback)
	items, err := w.rooms.PlayBack(as(w.member), id, []string{s.ID}, []string{"MO-COMMITMENT"})
	must(t, err)
	w.commitment = items[0]
	w.goTo(t, segClosing)
	must(t, w.rooms.Reflect(as(w.member), &roundtable.Reflection{MeetingID: id, Relevance: 4, Insights: 4, Heard: 5, Line: "MO-REFLECTION"}))
	must(t, w.rooms.Reflect(as(w.keeper), &roundtable.Reflection{MeetingID: id, Relevance: 3, Insights: 3, Heard: 3, Line: "KEN-REFLECTION"}))
	must(t, w.rooms.SetAttendance(as(w.fac), id, w.member.ID, true))
	w.timer(t, roundtable.TimerEnd)
	e.clock.Add(w.next.StartsAt.Sub(e.clock.Now()))
	must(t, w.rooms.ReportFollowUp(as(w.member), w.commitment.ID, roundtable.ActionDone, "MO-REPORT"))
	return w
}

// TestExportService_Mine exports a member's data: every kind she wrote is
// in it, nobody else's words are, and the export is in the audit log.
func TestExportService_Mine(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.ownWorld()
		svc := sqldb.NewExportService(e.db)
		_, err := svc.ExportMyData(anon)
		wantCode(t, err, roundtable.EUNAUTHORIZED)
		tok, err := e.auth.StartSession(sys, w.member.ID, roundtable.SessionStart{Browser: "Firefox on Linux"})
		must(t, err)
		x, err := svc.ExportMyData(as(w.member))
		must(t, err)
		raw, err := json.Marshal(x)
		must(t, err)
		got := string(raw)
		for _, want := range []string{"mo@example.org", "Delegate more.", "Secret goal", "Secret context", "How do I delegate?",
			"MO-POST", "MO-COMMITMENT", "MO-REPORT", "MO-REFLECTION", `"answer":"yes"`, `"present":true`, "Firefox on Linux", "Leaders"} {
			if !strings.Contains(got, want) {
				t.Errorf("export lacks %q", want)
			}
		}
		for _, not := range []string{"KEN-", "Secret agenda", "ken@example.org", "cleo@example.org", tok, `"answer":"no"`} {
			if strings.Contains(got, not) {
				t.Errorf("export holds %q, which is not hers", not)
			}
		}
		if len(x.Posts) != 1 || x.Posts[0].Circle != "A" || x.Posts[0].Program != "Leaders" || !x.Posts[0].Meeting.Equal(w.meeting.StartsAt) {
			t.Errorf("got posts %+v, want her one post with its meeting, circle and program", x.Posts)
		}
		if len(x.Applications) != 1 || len(x.Circles) != 1 || len(x.Goals) != 1 || len(x.Challenges) != 1 ||
			len(x.Commitments) != 1 || len(x.Reflections) != 1 || len(x.RSVPs) != 1 || len(x.Attendance) != 1 {
			t.Errorf("got %d applications, %d circles, %d goals, %d cards, %d commitments, %d reflections, %d answers, %d attendance; want one each",
				len(x.Applications), len(x.Circles), len(x.Goals), len(x.Challenges), len(x.Commitments), len(x.Reflections), len(x.RSVPs), len(x.Attendance))
		}
		entries := e.auditAll(w.admin, roundtable.AuditFilter{Kind: roundtable.AuditDataExported})
		if len(entries) != 1 || entries[0].UserID != w.member.ID || entries[0].ActorID != w.member.ID {
			t.Fatalf("got %d export entries, want one by and about Mo", len(entries))
		}
		// The organizer exports only her own account: no circle content.
		x, err = svc.ExportMyData(as(w.org))
		must(t, err)
		raw, _ = json.Marshal(x)
		for _, not := range []string{"MO-", "KEN-", "Secret"} {
			if strings.Contains(string(raw), not) {
				t.Errorf("the organizer's export holds %q", not)
			}
		}
	})
}
