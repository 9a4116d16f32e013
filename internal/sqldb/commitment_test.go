package sqldb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// committed plays back one commitment of the presenter in roomWorld's
// meeting and returns it.
func (w *roomWorld) committed(t *testing.T, text string) *roundtable.ActionItem {
	t.Helper()
	w.goTo(t, segPlayback)
	items, err := w.rooms.PlayBack(as(w.member), w.meeting.ID, nil, []string{text})
	must(t, err)
	if len(items) != 1 {
		t.Fatalf("got %d commitments, want 1", len(items))
	}
	return items[0]
}

// Marked done between meetings with a note, a commitment shows at the next
// meeting's follow-ups with its owner's word; one still open shows her
// latest word too.
func TestCommitmentService_UpdateCommitment(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		cs := sqldb.NewCommitmentService(e.db)
		w.goTo(t, segPlayback)
		items, err := w.rooms.PlayBack(as(w.member), w.meeting.ID, nil, []string{"Call the board chair", "Write the hiring plan"})
		must(t, err)
		e.clock.Add(3 * 24 * time.Hour)
		must(t, cs.UpdateCommitment(as(w.member), items[0].ID, roundtable.ActionDone, "  Called her on Monday; she agreed. "))
		must(t, cs.UpdateCommitment(as(w.member), items[1].ID, roundtable.ActionOpen, "Half written"))

		mine, err := cs.ListMyCommitments(as(w.member))
		must(t, err)
		if len(mine) != 2 || mine[0].ID != items[1].ID || mine[1].ID != items[0].ID {
			t.Fatalf("got %d commitments, want the open one first, then the done one", len(mine))
		}
		done := mine[1]
		if done.Status != roundtable.ActionDone || done.Report != "Called her on Monday; she agreed." || done.NotedAt == nil ||
			done.ClosedAt == nil || done.CircleName != "A" || !done.MadeAt.Equal(w.meeting.StartsAt) {
			t.Fatalf("got %+v, want it done with the note, noted and closed, in circle A", done)
		}

		ag, err := w.agenda.FindAgenda(as(w.chair), w.next.ID)
		must(t, err)
		if len(ag.FollowUps) != 2 {
			t.Fatalf("got %d follow-ups at the next meeting, want both commitments", len(ag.FollowUps))
		}
		for _, f := range ag.FollowUps {
			want := map[string]string{items[0].ID: "Called her on Monday; she agreed.", items[1].ID: "Half written"}[f.ID]
			if f.Report != want {
				t.Errorf("follow-up %q: got word %q, want %q", f.Text, f.Report, want)
			}
		}
		// Re-opened, it is open again and keeps her new word.
		must(t, cs.UpdateCommitment(as(w.member), items[0].ID, roundtable.ActionOpen, "Not quite: a second call is due"))
		mine, err = cs.ListMyCommitments(as(w.member))
		must(t, err)
		for _, c := range mine {
			if c.ID == items[0].ID && (c.Status != roundtable.ActionOpen || c.ClosedAt != nil) {
				t.Errorf("re-opened: got status %s closed %v, want open", c.Status, c.ClosedAt)
			}
		}
	})
}

// Closed between meetings, a commitment shows at the next meeting's
// follow-ups only, not at the one after.
func TestCommitmentService_UpdateCommitment_OnlyNextFollowUps(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		it := w.committed(t, "Call the board chair")
		later := &roundtable.Meeting{CircleID: w.a.ID, StartsAt: w.next.StartsAt.Add(14 * 24 * time.Hour), Minutes: 60, VideoURL: "https://meet.example/later"}
		must(t, e.meetings.CreateMeeting(as(w.fac), later))
		e.clock.Add(2 * 24 * time.Hour)
		must(t, sqldb.NewCommitmentService(e.db).UpdateCommitment(as(w.member), it.ID, roundtable.ActionDropped, "No longer needed"))
		ag, err := w.agenda.FindAgenda(as(w.member), w.next.ID)
		must(t, err)
		if len(ag.FollowUps) != 1 || ag.FollowUps[0].Status != roundtable.ActionDropped {
			t.Fatalf("next meeting: got %d follow-ups, want the dropped one", len(ag.FollowUps))
		}
		ag, err = w.agenda.FindAgenda(as(w.member), later.ID)
		must(t, err)
		if len(ag.FollowUps) != 0 {
			t.Fatalf("the meeting after: got %d follow-ups, want none", len(ag.FollowUps))
		}
	})
}

// Only the owner updates her commitment; everyone else is told it does not
// exist, and nothing changes.
func TestCommitmentService_UpdateCommitment_Access(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		it := w.committed(t, "Call the board chair")
		cs := sqldb.NewCommitmentService(e.db)
		callers := w.outsiders()
		callers["Facilitator"] = as(w.fac)
		callers["OtherMemberOfTheCircle"] = as(w.chair)
		for name, ctx := range callers {
			err := cs.UpdateCommitment(ctx, it.ID, roundtable.ActionDone, "Not mine")
			if c := roundtable.ErrorCode(err); c != roundtable.ENOTFOUND && c != roundtable.EUNAUTHORIZED {
				t.Errorf("%s: got %v, want ENOTFOUND or EUNAUTHORIZED", name, err)
			}
			mine, err := cs.ListMyCommitments(ctx)
			if err == nil && len(mine) != 0 {
				t.Errorf("%s: got %d commitments listed, want none", name, len(mine))
			}
		}
		wantCode(t, cs.UpdateCommitment(as(w.member), "not-an-id", roundtable.ActionDone, ""), roundtable.ENOTFOUND)
		mine, err := cs.ListMyCommitments(as(w.member))
		must(t, err)
		if len(mine) != 1 || mine[0].Status != roundtable.ActionOpen || mine[0].Report != "" {
			t.Fatalf("got %+v, want it untouched", mine[0])
		}
	})
}

// A bad status or a note too long is refused with the field, and nothing
// is stored.
func TestCommitmentService_UpdateCommitment_BadInput(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		it := w.committed(t, "Call the board chair")
		cs := sqldb.NewCommitmentService(e.db)
		for name, c := range map[string]struct {
			status roundtable.ActionStatus
			note   string
			field  string
		}{
			"UnknownStatus": {"maybe", "", "status"},
			"EmptyStatus":   {"", "", "status"},
			"LongNote":      {roundtable.ActionDone, strings.Repeat("x", roundtable.MaxReportLength+1), "note"},
		} {
			err := cs.UpdateCommitment(as(w.member), it.ID, c.status, c.note)
			wantCode(t, err, roundtable.EINVALID)
			if _, ok := roundtable.ErrorFields(err)[c.field]; !ok {
				t.Errorf("%s: got fields %v, want %s", name, roundtable.ErrorFields(err), c.field)
			}
		}
		mine, err := cs.ListMyCommitments(as(w.member))
		must(t, err)
		if mine[0].Status != roundtable.ActionOpen || mine[0].Report != "" || mine[0].NotedAt != nil {
			t.Fatalf("got %+v, want nothing stored", mine[0])
		}
	})
}

// A reminder goes to the owner three days before the commitment is due,
// once; not when she closed it or turned these reminders off.
func TestCommitmentService_DueReminder(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		it := w.committed(t, "Call the board chair")
		rows := rowsOf(e.outboxRows(), "commitment.due", "")
		if len(rows) != 1 || rows[0].UserID != w.member.ID || rows[0].RefID != it.ID || !rows[0].DueAt.Equal(w.next.StartsAt.Add(-72*time.Hour)) {
			t.Fatalf("got %+v, want one reminder to the owner three days before the next meeting", rows)
		}
		e.deliver()
		e.clock.Add(w.next.StartsAt.Add(-72 * time.Hour).Sub(e.clock.Now()))
		var got []string
		for _, m := range e.deliver() {
			if strings.Contains(m.Subject, "commitment") {
				got = append(got, m.To+": "+m.Subject)
				if !strings.Contains(m.Text, "Call the board chair") || !strings.Contains(m.Text, "https://rt.example/commitments#c-"+it.ID) {
					t.Errorf("the reminder lacks the commitment or the link:\n%s", m.Text)
				}
			}
		}
		if len(got) != 1 || !strings.HasPrefix(got[0], "mo@example.org") {
			t.Fatalf("got %v, want one reminder to its owner", got)
		}
		e.clock.Add(time.Hour)
		for _, m := range e.deliver() {
			if strings.Contains(m.Subject, "commitment") {
				t.Fatalf("a second reminder went out: %s", m.Subject)
			}
		}
	})
}

func TestCommitmentService_DueReminder_NotWanted(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		w.goTo(t, segPlayback)
		items, err := w.rooms.PlayBack(as(w.member), w.meeting.ID, nil, []string{"Call the board chair", "Write the plan"})
		must(t, err)
		must(t, sqldb.NewCommitmentService(e.db).UpdateCommitment(as(w.member), items[0].ID, roundtable.ActionDone, "Done already"))
		must(t, sqldb.NewNotificationService(e.db).SetNotificationPrefs(as(w.member),
			roundtable.NotificationPrefs{roundtable.NotifyCommitmentDue: true}))
		e.clock.Add(w.next.StartsAt.Add(-72 * time.Hour).Sub(e.clock.Now()))
		must(t, sqldb.NewNotificationService(e.db).SetNotificationPrefs(as(w.member),
			roundtable.NotificationPrefs{roundtable.NotifyCommitmentDue: false}))
		for _, m := range e.deliver() {
			if strings.Contains(m.Subject, "commitment") {
				t.Fatalf("got a reminder %q, want none", m.Subject)
			}
		}
		reasons := map[string]string{}
		for _, r := range rowsOf(e.outboxRows(), "commitment.due", "") {
			reasons[r.RefID] = r.Reason
		}
		if reasons[items[0].ID] != "the commitment is done or dropped" || reasons[items[1].ID] != "the recipient turned these messages off" {
			t.Fatalf("got reasons %v", reasons)
		}
	})
}

// The notes e-mail tells a member with open commitments where to update them.
func TestCommitmentService_NotesLink(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		w.committed(t, "Call the board chair")
		e.deliver()
		e.clock.Add(2 * time.Hour)
		must(t, e.meetings.SaveNotes(as(w.fac), w.meeting.ID, "We talked about delegation.", true))
		found := map[string]bool{}
		for _, m := range e.deliver() {
			if strings.HasPrefix(m.Subject, "Notes from") {
				found[m.To] = strings.Contains(m.Text, "https://rt.example/commitments") && strings.Contains(m.HTML, "https://rt.example/commitments")
			}
		}
		if !found["mo@example.org"] || found["ken@example.org"] {
			t.Fatalf("got %v, want the link for the member with a commitment only", found)
		}
	})
}
