package sqldb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

func TestMeetingService_CreateMeeting(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		c := e.circle(p.ID, "A")
		fac := e.facilitator(c, "Fay", "fay@example.org")
		mem := e.member(c, "Mo", "mo@example.org")

		wantCode(t, e.meetings.CreateMeeting(as(fac), &roundtable.Meeting{CircleID: c.ID, Minutes: 5, VideoURL: "ftp://x"}), roundtable.EINVALID)
		wantCode(t, e.meetings.CreateMeeting(as(mem), &roundtable.Meeting{CircleID: c.ID, StartsAt: start.Add(time.Hour), Minutes: 60, Place: "Cafe"}), roundtable.EFORBIDDEN)

		later := &roundtable.Meeting{CircleID: c.ID, StartsAt: start.Add(48 * time.Hour), Minutes: 90, VideoURL: "https://meet.example/abc", Agenda: "Check-in\nCase clinic"}
		sooner := &roundtable.Meeting{CircleID: c.ID, StartsAt: start.Add(24 * time.Hour).In(time.FixedZone("+9", 9*3600)), Minutes: 60, Place: "Room 1"}
		past := &roundtable.Meeting{CircleID: c.ID, StartsAt: start.Add(-2 * time.Hour), Minutes: 90, Place: "Room 0"}
		for _, m := range []*roundtable.Meeting{later, sooner, past} {
			must(t, e.meetings.CreateMeeting(as(fac), m))
		}

		h, err := e.circles.FindCircleHome(as(mem), c.ID)
		must(t, err)
		if len(h.Upcoming) != 2 || h.Upcoming[0].ID != sooner.ID || h.Upcoming[1].ID != later.ID || len(h.Past) != 1 || h.Past[0].ID != past.ID {
			t.Fatalf("got upcoming %v and past %v, want sooner, later | past", h.Upcoming, h.Past)
		}
		if !h.Upcoming[0].StartsAt.Equal(sooner.StartsAt) || h.Upcoming[1].Agenda != "Check-in\nCase clinic" || h.Upcoming[1].VideoURL != "https://meet.example/abc" {
			t.Fatalf("got %+v, want the stored fields", h.Upcoming[1])
		}

		// A meeting under way (started, not ended) is still upcoming.
		e.clock.Add(24*time.Hour + 30*time.Minute)
		h, err = e.circles.FindCircleHome(as(mem), c.ID)
		must(t, err)
		if len(h.Upcoming) != 2 || len(h.Past) != 1 {
			t.Fatalf("got %d upcoming and %d past, want 2 and 1 while the meeting runs", len(h.Upcoming), len(h.Past))
		}
		e.clock.Add(30 * time.Minute)
		h, err = e.circles.FindCircleHome(as(mem), c.ID)
		must(t, err)
		if len(h.Upcoming) != 1 || len(h.Past) != 2 {
			t.Fatalf("got %d upcoming and %d past, want 1 and 2 once it ended", len(h.Upcoming), len(h.Past))
		}
	})
}

func TestMeetingService_RSVP(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		c := e.circle(p.ID, "A")
		fac := e.facilitator(c, "Fay", "fay@example.org")
		mem := e.member(c, "Mo", "mo@example.org")
		m := &roundtable.Meeting{CircleID: c.ID, StartsAt: start.Add(24 * time.Hour), Minutes: 60, Place: "Cafe"}
		must(t, e.meetings.CreateMeeting(as(fac), m))

		wantCode(t, e.meetings.SetRSVP(as(mem), m.ID, "perhaps"), roundtable.EINVALID)
		must(t, e.meetings.SetRSVP(as(mem), m.ID, roundtable.RSVPMaybe))
		must(t, e.meetings.SetRSVP(as(mem), m.ID, roundtable.RSVPYes))
		must(t, e.meetings.SetRSVP(as(fac), m.ID, roundtable.RSVPNo))

		got, err := e.meetings.FindMeetingByID(as(mem), m.ID)
		must(t, err)
		if got.MyRSVP != roundtable.RSVPYes || len(got.RSVPs) != 2 || got.RSVPs[fac.ID] != roundtable.RSVPNo {
			t.Fatalf("got my %q and all %v, want yes and two answers", got.MyRSVP, got.RSVPs)
		}

		up, err := e.meetings.ListMyUpcomingMeetings(as(mem))
		must(t, err)
		if len(up) != 1 || up[0].ID != m.ID || up[0].CircleName != "A" || up[0].MyRSVP != roundtable.RSVPYes {
			t.Fatalf("got %+v, want the meeting in A with my yes", up)
		}
		e.clock.Add(25 * time.Hour)
		up, err = e.meetings.ListMyUpcomingMeetings(as(mem))
		must(t, err)
		if len(up) != 0 {
			t.Fatalf("got %d upcoming after it ended, want 0", len(up))
		}
	})
}

// A new meeting invites everyone in the circle and sets up both reminders.
func TestMeetingService_CreateEnqueues(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := e.scheduling("Europe/Paris", date(2026, 3, 1), date(2026, 6, 30))
		m := &roundtable.Meeting{CircleID: s.circle.ID, StartsAt: start.Add(10 * 24 * time.Hour), Minutes: 60, VideoURL: "https://v.example/1"}
		must(t, e.meetings.CreateMeeting(as(s.fac), m))
		soon := &roundtable.Meeting{CircleID: s.circle.ID, StartsAt: start.Add(3 * 24 * time.Hour), Minutes: 60, VideoURL: "https://v.example/1"}
		must(t, e.meetings.CreateMeeting(as(s.fac), soon))
		rows := e.outboxRows()
		for _, c := range []struct {
			kind, meeting string
			n             int
			due           time.Time
		}{
			{"meeting.invitation", m.ID, 3, start},
			{"meeting.reminder_week", m.ID, 3, m.StartsAt.Add(-7 * 24 * time.Hour)},
			{"meeting.reminder_day", m.ID, 3, m.StartsAt.Add(-24 * time.Hour)},
			{"meeting.invitation", soon.ID, 3, start},
			{"meeting.reminder_week", soon.ID, 0, time.Time{}}, // set up three days ahead: no week reminder
			{"meeting.reminder_day", soon.ID, 3, soon.StartsAt.Add(-24 * time.Hour)},
		} {
			got := rowsOf(rows, c.kind, c.meeting)
			if len(got) != c.n {
				t.Errorf("%s: got %d, want %d", c.kind, len(got), c.n)
				continue
			}
			for _, r := range got {
				if !r.DueAt.Equal(c.due) || r.Sequence != 0 {
					t.Errorf("%s: got due %s seq %d, want %s seq 0", c.kind, r.DueAt, r.Sequence, c.due)
				}
			}
		}
	})
}

// Editing the agenda, readings, presenter or challenge sends nothing now
// (the reminders carry them); moving the meeting or changing its place
// raises the sequence, sends an update and re-times the reminders.
func TestMeetingService_UpdateMeeting(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := e.scheduling("Europe/Paris", date(2026, 3, 1), date(2026, 6, 30))
		m := &roundtable.Meeting{CircleID: s.circle.ID, StartsAt: start.Add(10 * 24 * time.Hour), Minutes: 60, VideoURL: "https://v.example/1"}
		must(t, e.meetings.CreateMeeting(as(s.fac), m))
		before := len(e.outboxRows())

		edit := *m
		edit.Agenda, edit.Readings, edit.Challenge, edit.PresenterID = "Check-in\nCase clinic", "https://read.example/a", "Growing a team fast", s.members[0].ID
		must(t, e.meetings.UpdateMeeting(as(s.fac), &edit))
		got, err := e.meetings.FindMeetingByID(as(s.members[1]), m.ID)
		must(t, err)
		if got.Sequence != 0 || got.Agenda != edit.Agenda || got.Challenge != edit.Challenge || got.PresenterID != s.members[0].ID || got.ReadingLines()[0] != "https://read.example/a" {
			t.Fatalf("got %+v, want the content saved at sequence 0", got)
		}
		if n := len(e.outboxRows()); n != before {
			t.Fatalf("a content edit enqueued %d messages, want none", n-before)
		}

		bad := *got
		bad.PresenterID = e.user("Stranger", "stranger@example.org", false, false).ID
		wantCode(t, e.meetings.UpdateMeeting(as(s.fac), &bad), roundtable.EINVALID)
		wantCode(t, e.meetings.UpdateMeeting(as(s.members[0]), got), roundtable.EFORBIDDEN)
		outsider := e.user("Out", "out@example.org", false, true)
		wantCode(t, e.meetings.UpdateMeeting(as(outsider), got), roundtable.ENOTFOUND)
		past := *got
		past.StartsAt = start.Add(-time.Hour)
		wantCode(t, e.meetings.UpdateMeeting(as(s.fac), &past), roundtable.EINVALID)

		// Moved by two days and in person now.
		moved := *got
		moved.StartsAt, moved.Place, moved.VideoURL = got.StartsAt.Add(48*time.Hour), "Café Lumière, Paris", ""
		must(t, e.meetings.UpdateMeeting(as(s.fac), &moved))
		got, err = e.meetings.FindMeetingByID(as(s.fac), m.ID)
		must(t, err)
		if got.Sequence != 1 || !got.StartsAt.Equal(moved.StartsAt) || !got.InPerson() || got.Agenda != edit.Agenda {
			t.Fatalf("got %+v, want it moved, in person, sequence 1, agenda kept", got)
		}
		rows := e.outboxRows()
		for _, kind := range []string{"meeting.invitation", "meeting.reminder_week", "meeting.reminder_day"} {
			for _, r := range rowsOf(rows, kind, m.ID) {
				switch {
				case r.Sequence == 0 && !r.Dropped:
					t.Errorf("%s for the old time is not dropped: %+v", kind, r)
				case r.Sequence == 1 && kind == "meeting.reminder_day" && !r.DueAt.Equal(moved.StartsAt.Add(-24*time.Hour)):
					t.Errorf("day reminder due %s, want %s", r.DueAt, moved.StartsAt.Add(-24*time.Hour))
				}
			}
			if n := len(waiting(rowsOf(rows, kind, m.ID))); n != 3 {
				t.Errorf("%s: got %d waiting, want 3 at the new time", kind, n)
			}
		}

		mail, err := e.meetings.ListMeetingMail(as(s.fac), m.ID)
		must(t, err)
		if mail[0].Kind != "invitation" || mail[0].Waiting != 3 || mail[0].Sent != 0 || mail[1].DueAt == nil || !mail[1].DueAt.Equal(moved.StartsAt.Add(-7*24*time.Hour)) {
			t.Errorf("got mail %+v %+v, want 3 invitations waiting and the week reminder due a week before", mail[0], mail[1])
		}
		wantCode(t, func() error { _, err := e.meetings.ListMeetingMail(as(s.members[0]), m.ID); return err }(), roundtable.EFORBIDDEN)
	})
}

// A cancelled meeting drops every message still waiting, and everyone gets
// a cancellation at the raised sequence.
func TestMeetingService_CancelMeeting(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := e.scheduling("Europe/Paris", date(2026, 3, 1), date(2026, 6, 30))
		m := &roundtable.Meeting{CircleID: s.circle.ID, StartsAt: start.Add(10 * 24 * time.Hour), Minutes: 60, VideoURL: "https://v.example/1"}
		must(t, e.meetings.CreateMeeting(as(s.fac), m))
		must(t, e.meetings.SetRSVP(as(s.members[0]), m.ID, roundtable.RSVPYes))

		wantCode(t, e.meetings.CancelMeeting(as(s.members[0]), m.ID), roundtable.EFORBIDDEN)
		wantCode(t, e.meetings.CancelMeeting(as(e.user("Out", "out@example.org", false, true)), m.ID), roundtable.ENOTFOUND)
		must(t, e.meetings.CancelMeeting(as(s.fac), m.ID))
		wantCode(t, e.meetings.CancelMeeting(as(s.fac), m.ID), roundtable.ECONFLICT)
		wantCode(t, e.meetings.SetRSVP(as(s.members[1]), m.ID, roundtable.RSVPNo), roundtable.EINVALID)
		wantCode(t, e.meetings.UpdateMeeting(as(s.fac), m), roundtable.EINVALID)

		got, err := e.meetings.FindMeetingByID(as(s.members[0]), m.ID)
		must(t, err)
		if !got.Cancelled || got.Sequence != 1 {
			t.Fatalf("got %+v, want it cancelled at sequence 1", got)
		}
		rows := e.outboxRows()
		var left []sqldb.OutboxRow
		for _, r := range waiting(rows) {
			if r.MeetingID == m.ID && r.Kind != "meeting.cancelled" {
				left = append(left, r)
			}
		}
		if len(left) != 0 {
			t.Errorf("messages still waiting for a cancelled meeting: %+v", left)
		}
		c := rowsOf(rows, "meeting.cancelled", m.ID)
		if len(c) != 3 || c[0].Sequence != 1 {
			t.Errorf("got cancellations %+v, want 3 at sequence 1", c)
		}
		up, err := e.meetings.ListMyUpcomingMeetings(as(s.members[0]))
		must(t, err)
		if len(up) != 0 {
			t.Errorf("got %d upcoming, want the cancelled meeting left out", len(up))
		}
	})
}

// A member's change of answer reaches the facilitator once, a few minutes
// later, however often it changes meanwhile; a change after that message
// went out makes another.
func TestMeetingService_RSVPChange(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := e.scheduling("Europe/Paris", date(2026, 3, 1), date(2026, 6, 30))
		m := &roundtable.Meeting{CircleID: s.circle.ID, StartsAt: start.Add(10 * 24 * time.Hour), Minutes: 60, VideoURL: "https://v.example/1"}
		must(t, e.meetings.CreateMeeting(as(s.fac), m))
		mo := s.members[0]
		must(t, e.meetings.SetRSVP(as(mo), m.ID, roundtable.RSVPYes))
		must(t, e.meetings.SetRSVP(as(mo), m.ID, roundtable.RSVPNo))
		must(t, e.meetings.SetRSVP(as(mo), m.ID, roundtable.RSVPNo))
		must(t, e.meetings.SetRSVP(as(s.fac), m.ID, roundtable.RSVPYes)) // the facilitator's own answer tells nobody

		rs := rowsOf(e.outboxRows(), "meeting.rsvp", m.ID)
		if len(rs) != 1 || rs[0].UserID != s.fac.ID || !strings.HasPrefix(rs[0].RefID, mo.ID+":") || !rs[0].DueAt.Equal(start.Add(5*time.Minute)) {
			t.Fatalf("got %+v, want one message to the facilitator about Mo, due in 5 minutes", rs)
		}
		must(t, sqldb.ExecForTest(context.Background(), e.db, `UPDATE outbox SET sent_at = 1 WHERE kind = 'meeting.rsvp'`))
		e.clock.Add(time.Hour)
		must(t, e.meetings.SetRSVP(as(mo), m.ID, roundtable.RSVPMaybe))
		must(t, e.meetings.SetRSVP(as(s.members[1]), m.ID, roundtable.RSVPYes))
		rs = rowsOf(e.outboxRows(), "meeting.rsvp", m.ID)
		if len(rs) != 3 || rs[1].RefID == rs[0].RefID || !strings.HasPrefix(rs[2].RefID, s.members[1].ID+":") {
			t.Fatalf("got %+v, want a second message about Mo and one about Ana", rs)
		}
	})
}

// Notes are saved at any time and sent to everyone once the meeting took
// place; sending again after a correction sends again.
func TestMeetingService_SaveNotes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := e.scheduling("Europe/Paris", date(2026, 3, 1), date(2026, 6, 30))
		m := &roundtable.Meeting{CircleID: s.circle.ID, StartsAt: start.Add(24 * time.Hour), Minutes: 60, VideoURL: "https://v.example/1"}
		must(t, e.meetings.CreateMeeting(as(s.fac), m))

		wantCode(t, e.meetings.SaveNotes(as(s.fac), m.ID, "Draft", true), roundtable.EINVALID)
		must(t, e.meetings.SaveNotes(as(s.fac), m.ID, "Draft", false))
		wantCode(t, e.meetings.SaveNotes(as(s.members[0]), m.ID, "Mine", false), roundtable.EFORBIDDEN)
		e.clock.Add(26 * time.Hour)
		wantCode(t, e.meetings.SaveNotes(as(s.fac), m.ID, "  ", true), roundtable.EINVALID)
		must(t, e.meetings.SaveNotes(as(s.fac), m.ID, "Mo will delegate the hiring.", true))
		got, err := e.meetings.FindMeetingByID(as(s.members[1]), m.ID)
		must(t, err)
		if got.Notes != "Mo will delegate the hiring." || got.NotesSentAt == nil {
			t.Fatalf("got notes %q sent %v, want them saved and sent", got.Notes, got.NotesSentAt)
		}
		if n := len(rowsOf(e.outboxRows(), "meeting.notes", m.ID)); n != 3 {
			t.Fatalf("got %d notes messages, want 3", n)
		}
		e.clock.Add(time.Minute)
		must(t, e.meetings.SaveNotes(as(s.fac), m.ID, "Mo will delegate the hiring by May.", true))
		if n := len(rowsOf(e.outboxRows(), "meeting.notes", m.ID)); n != 6 {
			t.Fatalf("got %d notes messages, want 6 after sending again", n)
		}
	})
}
