package sqldb_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/ical/icaltest"
	"github.com/roundtable/roundtable/internal/mail"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// meetingStart is a Monday, after New York moved its clocks and before
// Paris did: 10:00 in New York, 15:00 in Paris, 19:30 in Kolkata.
var meetingStart = time.Date(2026, 3, 16, 14, 0, 0, 0, time.UTC)

// renderFix is a circle (reference zone Europe/Paris) with Anna in New
// York, Ben in Kolkata, Fiona facilitating from London, and one meeting.
type renderFix struct {
	*env
	c              *roundtable.Circle
	fac, anna, ben *roundtable.User
	m              *roundtable.Meeting
}

func newRenderFix(t *testing.T, e *env) *renderFix {
	t.Helper()
	org := e.user("Olga", "olga@example.org", false, true)
	p := e.program(org, "Leaders 2026")
	f := &renderFix{env: e, c: e.circle(p.ID, "Harbour Circle")}
	rename := func(u *roundtable.User, name, tz string) *roundtable.User {
		t.Helper()
		u, err := e.users.UpdateProfile(as(u), name, tz)
		must(t, err)
		return u
	}
	f.anna = rename(e.member(f.c, "Anna", "anna@example.org"), "Anna Adams", "America/New_York")
	f.ben = rename(e.member(f.c, "Ben", "ben@example.org"), "Ben Baker", "Asia/Kolkata")
	f.fac = rename(e.facilitator(f.c, "Fiona", "fiona@example.org"), "Fiona Fox", "Europe/London")
	f.m = &roundtable.Meeting{
		CircleID: f.c.ID, StartsAt: meetingStart, Minutes: 90, VideoURL: "https://video.example/harbour",
		Agenda: "Check-in round (15 min)\nCase clinic (60 min)\nCommitments (15 min)",
	}
	must(t, e.meetings.CreateMeeting(as(f.fac), f.m))
	return f
}

// job is a job about the fixture's meeting.
func (f *renderFix) job(kind string, to *roundtable.User, seq int) sqldb.JobForTest {
	return sqldb.JobForTest{Kind: kind, MeetingID: f.m.ID, UserID: to.ID, Sequence: seq}
}

// render renders j and fails on an error.
func (f *renderFix) render(j sqldb.JobForTest) (mail.Message, string) {
	f.t.Helper()
	msg, why, err := sqldb.RenderForTest(context.Background(), f.db, j)
	if err != nil {
		f.t.Fatalf("render %s: %v", j.Kind, err)
	}
	return msg, why
}

// sent renders j and fails unless it gives a message.
func (f *renderFix) sent(j sqldb.JobForTest) mail.Message {
	f.t.Helper()
	msg, why := f.render(j)
	if why != "" {
		f.t.Fatalf("render %s to %s: dropped (%s), want a message", j.Kind, j.UserID, why)
	}
	return msg
}

// dropped renders j and fails unless it is dropped for the reason.
func (f *renderFix) dropped(j sqldb.JobForTest, reason string) {
	f.t.Helper()
	msg, why := f.render(j)
	if why != reason {
		f.t.Fatalf("render %s: got drop %q (subject %q), want %q", j.Kind, why, msg.Subject, reason)
	}
}

// exec changes the data behind the services' back.
func (f *renderFix) exec(q string, args ...any) {
	f.t.Helper()
	must(f.t, sqldb.ExecForTest(context.Background(), f.db, q, args...))
}

// wantText checks the message's subject and that both bodies hold every part.
func wantText(t *testing.T, m mail.Message, to, subject string, parts ...string) {
	t.Helper()
	if m.To != to {
		t.Errorf("to: got %q, want %q", m.To, to)
	}
	if m.Subject != subject {
		t.Errorf("subject: got %q, want %q", m.Subject, subject)
	}
	for _, p := range parts {
		if !strings.Contains(m.Text, p) {
			t.Errorf("text lacks %q:\n%s", p, m.Text)
		}
		if !strings.Contains(htmlText(m.HTML), p) {
			t.Errorf("html lacks %q:\n%s", p, htmlText(m.HTML))
		}
	}
	if strings.Contains(m.Text+m.HTML, "<no value>") {
		t.Errorf("a template field is missing:\n%s", m.Text)
	}
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// htmlText is the text an HTML body shows, on one line, and its links.
func htmlText(h string) string {
	if i := strings.Index(h, "<body"); i >= 0 {
		h = h[i:]
	}
	h = tagRE.ReplaceAllStringFunc(h, func(tag string) string {
		if i := strings.Index(tag, `href="`); i >= 0 {
			return " " + tag[i+6:strings.IndexByte(tag[i+6:], '"')+i+6] + " "
		}
		return ""
	})
	return strings.Join(strings.Fields(html.UnescapeString(h)), " ")
}

// lacksText checks that neither body holds any of the parts.
func lacksText(t *testing.T, m mail.Message, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(m.Text, p) || strings.Contains(m.HTML, p) {
			t.Errorf("message %q holds %q, want it absent", m.Subject, p)
		}
	}
}

var calendarZones = []string{"America/New_York", "Asia/Kolkata", "Europe/Paris"}

func TestRender_Invitation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newRenderFix(t, e)
		j := f.job(sqldb.KindInvitation, f.anna, 0)
		anna := f.sent(j)
		wantText(t, anna, "anna@example.org", "Invitation: Harbour Circle, Monday 16 March, 10:00–11:30 (America/New York)",
			"Hello Anna Adams,", "https://video.example/harbour", "Check-in round (15 min)", "Fiona Fox",
			"https://rt.example/meetings/"+f.m.ID)
		if want := sqldb.KeyForTest(j) + "@rt.example"; anna.ID != want {
			t.Errorf("Message-ID: got %q, want %q", anna.ID, want)
		}
		ben := f.sent(f.job(sqldb.KindInvitation, f.ben, 0))
		wantText(t, ben, "ben@example.org", "Invitation: Harbour Circle, Monday 16 March, 19:30–21:00 (Asia/Kolkata)")

		for _, m := range []mail.Message{anna, ben} {
			if m.CalendarMethod != "REQUEST" {
				t.Fatalf("calendar method: got %q, want REQUEST", m.CalendarMethod)
			}
			cal := icaltest.Read(t, m.Calendar, calendarZones...)
			if cal.Method != "REQUEST" || len(cal.Events) != 1 {
				t.Fatalf("got method %q with %d events, want REQUEST with 1", cal.Method, len(cal.Events))
			}
			ev := cal.Events[0]
			if ev.UID != f.m.ID+"@rt.example" || ev.Sequence != 0 || ev.Status != "CONFIRMED" {
				t.Errorf("got UID %q sequence %d status %q, want %s@rt.example, 0, CONFIRMED", ev.UID, ev.Sequence, ev.Status, f.m.ID)
			}
			if ev.Start.TZID != "Europe/Paris" {
				t.Errorf("got start zone %q, want the circle's Europe/Paris", ev.Start.TZID)
			}
			for zone, want := range map[string]string{"America/New_York": "2026-03-16 10:00", "Asia/Kolkata": "2026-03-16 19:30", "Europe/Paris": "2026-03-16 15:00"} {
				if got := ev.Start.Local[zone]; got != want {
					t.Errorf("start in %s: got %q, want %q", zone, got, want)
				}
			}
			if ev.End.Local["Asia/Kolkata"] != "2026-03-16 21:00" {
				t.Errorf("end in Kolkata: got %q, want 2026-03-16 21:00", ev.End.Local["Asia/Kolkata"])
			}
			if ev.Organizer == nil || ev.Organizer.Value != "mailto:fiona@example.org" {
				t.Errorf("got organizer %+v, want Fiona", ev.Organizer)
			}
			if len(ev.Attendees) != 3 {
				t.Errorf("got %d attendees, want the circle's 3 people", len(ev.Attendees))
			}
			if ev.Location != "https://video.example/harbour" || !strings.Contains(ev.Description, "Case clinic (60 min)") ||
				ev.URL != "https://rt.example/meetings/"+f.m.ID {
				t.Errorf("got location %q, url %q, description %q; want the link, the page and the agenda", ev.Location, ev.URL, ev.Description)
			}
		}

		// The facilitator is not asked whether she comes.
		fac := f.sent(f.job(sqldb.KindInvitation, f.fac, 0))
		wantText(t, fac, "fiona@example.org", "Invitation: Harbour Circle, Monday 16 March, 14:00–15:30 (Europe/London)")
		lacksText(t, fac, "say whether you can come")
	})
}

func TestRender_InvitationUpdate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newRenderFix(t, e)
		first := f.sent(f.job(sqldb.KindInvitation, f.anna, 0))
		// Rendering again (a retry) writes the same message.
		if again := f.sent(f.job(sqldb.KindInvitation, f.anna, 0)); again.Text != first.Text {
			t.Errorf("a retry wrote another message:\n%s\nwant\n%s", again.Text, first.Text)
		}
		// Moved a day later and into a room: sequence 1.
		f.exec(`UPDATE meetings SET starts_at = $1, place = 'Room 4, Harbour House', sequence = 1 WHERE id = $2`,
			meetingStart.Add(24*time.Hour).UnixMilli(), f.m.ID)
		f.dropped(f.job(sqldb.KindInvitation, f.anna, 0), "the meeting changed since")
		f.dropped(f.job(sqldb.KindReminderWeek, f.anna, 0), "the meeting changed since")

		upd := f.sent(f.job(sqldb.KindInvitation, f.anna, 1))
		wantText(t, upd, "anna@example.org", "Changed: Harbour Circle now meets Tuesday 17 March, 10:00–11:30 (America/New York)",
			"It moved from Monday 16 March, 10:00–11:30 to Tuesday 17 March, 10:00–11:30 (America/New York).",
			"It now takes place in person, at Room 4, Harbour House.")
		ben := f.sent(f.job(sqldb.KindInvitation, f.ben, 1))
		// Ben had no invitation yet: his first one says nothing of changes.
		wantText(t, ben, "ben@example.org", "Invitation: Harbour Circle, Tuesday 17 March, 19:30–21:00 (Asia/Kolkata)")
		lacksText(t, ben, "It moved")

		for _, m := range []mail.Message{upd, ben} {
			ev := icaltest.Read(t, m.Calendar, calendarZones...).Events[0]
			if ev.UID != f.m.ID+"@rt.example" || ev.Sequence != 1 {
				t.Errorf("got UID %q sequence %d, want the same UID with sequence 1", ev.UID, ev.Sequence)
			}
			if ev.Start.Local["America/New_York"] != "2026-03-17 10:00" || ev.Start.Local["Asia/Kolkata"] != "2026-03-17 19:30" {
				t.Errorf("got start %v, want 17 March 10:00 New York, 19:30 Kolkata", ev.Start.Local)
			}
			if ev.Location != "Room 4, Harbour House" {
				t.Errorf("got location %q, want the room", ev.Location)
			}
		}

		// Only the length changes next.
		f.exec(`UPDATE meetings SET minutes = 120, sequence = 2 WHERE id = $1`, f.m.ID)
		longer := f.sent(f.job(sqldb.KindInvitation, f.anna, 2))
		wantText(t, longer, "anna@example.org", "Changed: Harbour Circle now meets Tuesday 17 March, 10:00–12:00 (America/New York)",
			"It now ends at 12:00 instead of 11:30.")
		lacksText(t, longer, "It moved", "in person")
	})
}

func TestRender_Cancellation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newRenderFix(t, e)
		f.dropped(f.job(sqldb.KindCancellation, f.anna, 1), "the meeting is no longer cancelled")
		next := &roundtable.Meeting{CircleID: f.c.ID, StartsAt: meetingStart.AddDate(0, 0, 28), Minutes: 90, VideoURL: "https://video.example/harbour"}
		must(t, e.meetings.CreateMeeting(as(f.fac), next))
		f.exec(`UPDATE meetings SET cancelled_at = $1, sequence = 1 WHERE id = $2`, start.UnixMilli(), f.m.ID)

		for _, kind := range []string{sqldb.KindInvitation, sqldb.KindReminderWeek, sqldb.KindReminderDay, sqldb.KindNotes} {
			f.dropped(f.job(kind, f.anna, 1), "the meeting was cancelled")
		}
		m := f.sent(f.job(sqldb.KindCancellation, f.anna, 1))
		wantText(t, m, "anna@example.org", "Cancelled: Harbour Circle, Monday 16 March, 10:00–11:30 (America/New York)",
			"is cancelled", "The next meeting is on Monday 13 April, 10:00–11:30 (America/New York).",
			"https://rt.example/circles/"+f.c.ID)
		if m.CalendarMethod != "CANCEL" {
			t.Fatalf("calendar method: got %q, want CANCEL", m.CalendarMethod)
		}
		cal := icaltest.Read(t, m.Calendar, calendarZones...)
		ev := cal.Events[0]
		if cal.Method != "CANCEL" || ev.Status != "CANCELLED" || ev.UID != f.m.ID+"@rt.example" || ev.Sequence != 1 {
			t.Errorf("got %s %s UID %q sequence %d, want CANCEL, CANCELLED, the meeting's UID, sequence 1", cal.Method, ev.Status, ev.UID, ev.Sequence)
		}
		if ev.Start.Local["Asia/Kolkata"] != "2026-03-16 19:30" {
			t.Errorf("got start %v, want the cancelled time", ev.Start.Local)
		}
		// Cancellations cannot be turned off: calendars must stay right.
		must(t, sqldb.NewNotificationService(e.db).SetNotificationPrefs(as(f.ben), allOff()))
		f.sent(f.job(sqldb.KindCancellation, f.ben, 1))
		f.sent(sqldb.JobForTest{Kind: sqldb.KindInvitation, MeetingID: next.ID, UserID: f.ben.ID})
	})
}

// allOff turns every kind off.
func allOff() roundtable.NotificationPrefs {
	p := roundtable.NotificationPrefs{}
	for _, k := range roundtable.NotificationKinds {
		p[k] = false
	}
	return p
}

func TestRender_ReminderWeek(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newRenderFix(t, e)
		// The facilitator names the presenter and her challenge on the
		// meeting form, which writes the context of the presenter's card.
		m, err := e.meetings.FindMeetingByID(as(f.fac), f.m.ID)
		must(t, err)
		m.PresenterID, m.Challenge = f.ben.ID, "How do I hand the budget over without losing the team's trust?"
		m.Readings = "https://example.org/delegation\nChapter 3 of The Coaching Habit"
		must(t, e.meetings.UpdateMeeting(as(f.fac), m))
		agendas := sqldb.NewAgendaService(e.db)
		must(t, agendas.SetSegments(as(f.fac), f.m.ID, []roundtable.Segment{
			{Title: "Check-in round", Kind: roundtable.SegmentRound, Minutes: 15, Roles: "Everyone in turn"},
			{Title: "Case clinic", Kind: roundtable.SegmentPresent, Minutes: 60},
		}))
		e.clock.Add(meetingStart.Add(-7*24*time.Hour).Sub(e.clock.Now()) + time.Minute)

		anna := f.sent(f.job(sqldb.KindReminderWeek, f.anna, 0))
		wantText(t, anna, "anna@example.org", "Next week: Harbour Circle, Monday 16 March, 10:00–11:30 (America/New York)",
			"Ben Baker brings a challenge", "How do I hand the budget over without losing the team's trust?",
			"https://example.org/delegation", "Chapter 3 of The Coaching Habit", "Case clinic (60 min)",
			"https://video.example/harbour", "https://rt.example/meetings/"+f.m.ID, "https://rt.example/account#messages",
			"10:15", "Everyone in turn")
		if !strings.Contains(anna.Text, "  10:00  Check-in round (15 min) · Everyone in turn\n  10:15  Case clinic (60 min)\n") {
			t.Errorf("text: the agenda's parts are not timed in the reader's zone:\n%s", anna.Text)
		}
		if !strings.Contains(anna.HTML, `<a href="https://example.org/delegation"`) {
			t.Errorf("html: the reading's link is not a link")
		}
		ben := f.sent(f.job(sqldb.KindReminderWeek, f.ben, 0))
		wantText(t, ben, "ben@example.org", "Next week: Harbour Circle, Monday 16 March, 19:30–21:00 (Asia/Kolkata)",
			"You are presenting this time", "19:45")
		lacksText(t, ben, "A few good questions")

		// The presenter's own card: her question, the situation, what she tried.
		must(t, agendas.SaveChallenge(as(f.ben), &roundtable.Challenge{MeetingID: f.m.ID,
			Context: "I took over finance in May.", Question: "How do I let go of the budget?", Tried: "Weekly reviews."}))
		anna = f.sent(f.job(sqldb.KindReminderWeek, f.anna, 0))
		wantText(t, anna, "anna@example.org", anna.Subject, "The question", "How do I let go of the budget?", "The situation",
			"I took over finance in May.", "Tried so far", "Weekly reviews.", "A few good questions")
		day := f.sent(f.job(sqldb.KindReminderDay, f.anna, 0))
		wantText(t, day, "anna@example.org", day.Subject, "First on the agenda: Check-in round")

		// Turned off, it is not sent; back on, it is.
		notes := sqldb.NewNotificationService(e.db)
		must(t, notes.SetNotificationPrefs(as(f.anna), roundtable.NotificationPrefs{roundtable.NotifyReminderWeek: false}))
		f.dropped(f.job(sqldb.KindReminderWeek, f.anna, 0), "the recipient turned these messages off")
		f.sent(f.job(sqldb.KindReminderDay, f.anna, 0))
		must(t, notes.SetNotificationPrefs(as(f.anna), roundtable.NotificationPrefs{roundtable.NotifyReminderWeek: true}))
		f.sent(f.job(sqldb.KindReminderWeek, f.anna, 0))

		// A member who has not accepted the ground rules gets the time and
		// link, not the circle's content.
		f.exec(`UPDATE circle_members SET ground_rules_accepted_at = NULL WHERE user_id = $1`, f.anna.ID)
		pending := f.sent(f.job(sqldb.KindReminderWeek, f.anna, 0))
		wantText(t, pending, "anna@example.org", anna.Subject, "accept the circle's ground rules", "https://video.example/harbour")
		lacksText(t, pending, "hand the budget", "let go of the budget", "Case clinic", "Check-in round", "Coaching Habit")
		inv := f.sent(f.job(sqldb.KindInvitation, f.anna, 0))
		lacksText(t, inv, "Case clinic")
		if ev := icaltest.Read(t, inv.Calendar).Events[0]; strings.Contains(ev.Description, "Case clinic") {
			t.Errorf("the calendar file shows the agenda to a member who has not accepted the rules")
		}

		// A member who left gets nothing.
		f.exec(`DELETE FROM circle_members WHERE user_id = $1`, f.anna.ID)
		for _, kind := range []string{sqldb.KindInvitation, sqldb.KindReminderWeek, sqldb.KindReminderDay, sqldb.KindCancellation} {
			f.dropped(f.job(kind, f.anna, 0), "the recipient is no longer in the circle")
		}
	})
}

func TestRender_ReminderDay(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newRenderFix(t, e)
		e.clock.Add(meetingStart.Add(-24*time.Hour).Sub(e.clock.Now()) + time.Minute)
		anna := f.sent(f.job(sqldb.KindReminderDay, f.anna, 0))
		wantText(t, anna, "anna@example.org", "Tomorrow: Harbour Circle, Monday 16 March, 10:00–11:30 (America/New York)",
			"meets tomorrow", "https://video.example/harbour", "First on the agenda: Check-in round (15 min)")
		lacksText(t, anna, "Case clinic")
		// 19:31 in Kolkata on Sunday: tomorrow for Ben too.
		wantText(t, f.sent(f.job(sqldb.KindReminderDay, f.ben, 0)), "ben@example.org",
			"Tomorrow: Harbour Circle, Monday 16 March, 19:30–21:00 (Asia/Kolkata)")

		must(t, sqldb.NewNotificationService(e.db).SetNotificationPrefs(as(f.ben), roundtable.NotificationPrefs{roundtable.NotifyReminderDay: false}))
		f.dropped(f.job(sqldb.KindReminderDay, f.ben, 0), "the recipient turned these messages off")

		// Sent late (the mail server was down): it says today, until the start.
		e.clock.Add(22 * time.Hour)
		wantText(t, f.sent(f.job(sqldb.KindReminderDay, f.anna, 0)), "anna@example.org",
			"Today: Harbour Circle, Monday 16 March, 10:00–11:30 (America/New York)")
		e.clock.Add(2 * time.Hour)
		f.dropped(f.job(sqldb.KindReminderDay, f.anna, 0), "the meeting has started")
		f.dropped(f.job(sqldb.KindReminderWeek, f.anna, 0), "the meeting has started")
		f.sent(f.job(sqldb.KindInvitation, f.anna, 0)) // late, but the meeting is on
		e.clock.Add(90 * time.Minute)
		f.dropped(f.job(sqldb.KindInvitation, f.anna, 0), "the meeting is over")
	})
}

func TestRender_Notes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newRenderFix(t, e)
		e.clock.Add(meetingStart.Add(2 * time.Hour).Sub(e.clock.Now()))
		j := f.job(sqldb.KindNotes, f.anna, 0)
		f.dropped(j, "the meeting has no notes")
		f.exec(`UPDATE meetings SET notes = $1 WHERE id = $2`, "Ben will talk to finance by Friday.\n\nAnna shares the article.", f.m.ID)
		_, _, err := e.db.SealAtRest(context.Background()) // as an older version's notes are sealed at start
		must(t, err)
		wantText(t, f.sent(j), "anna@example.org", "Notes from Harbour Circle, Monday 16 March",
			"Ben will talk to finance by Friday.", "Anna shares the article.", "keep them in the circle")
		wantText(t, f.sent(f.job(sqldb.KindNotes, f.ben, 0)), "ben@example.org", "Notes from Harbour Circle, Monday 16 March")

		// Two sendings waiting (a correction sent right after): only the later goes.
		first, second := j, j
		first.RefID, second.RefID = "1000", "2000"
		for i, x := range []sqldb.JobForTest{first, second} {
			f.exec(`INSERT INTO outbox (id, kind, recipient, subject, text_body, html_body, next_attempt_at, created_at, dedupe_key, meeting_id, user_id, ref_id)
				VALUES ($1, $2, '', '', '', '', 0, $3, $4, $5, $6, $7)`,
				"00000000-0000-7000-8000-00000000000"+string(rune('1'+i)), sqldb.KindNotes, 1000*(i+1), sqldb.KeyForTest(x), f.m.ID, f.anna.ID, x.RefID)
		}
		f.dropped(first, "a later sending of the notes replaces it")
		f.sent(second)

		must(t, sqldb.NewNotificationService(e.db).SetNotificationPrefs(as(f.ben), roundtable.NotificationPrefs{roundtable.NotifyNotes: false}))
		f.dropped(f.job(sqldb.KindNotes, f.ben, 0), "the recipient turned these messages off")
		f.exec(`UPDATE circle_members SET ground_rules_accepted_at = NULL WHERE user_id = $1`, f.fac.ID)
		f.dropped(f.job(sqldb.KindNotes, f.fac, 0), "the recipient has not accepted the ground rules")
	})
}

func TestRender_RSVPChange(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newRenderFix(t, e)
		j := sqldb.JobForTest{Kind: sqldb.KindRSVPChange, MeetingID: f.m.ID, UserID: f.fac.ID, RefID: f.anna.ID + ":1"}
		f.dropped(j, "the member has no answer")
		answer := func(u *roundtable.User, a string) {
			f.exec(`INSERT INTO rsvps (meeting_id, user_id, answer, updated_at) VALUES ($1, $2, $3, 0)
				ON CONFLICT (meeting_id, user_id) DO UPDATE SET answer = excluded.answer`, f.m.ID, u.ID, a)
		}
		answer(f.ben, "yes")
		answer(f.anna, "yes")
		answer(f.anna, "no") // the message tells the answer as it is when sent
		m := f.sent(j)
		wantText(t, m, "fiona@example.org", "Anna Adams can't come on Monday 16 March (Harbour Circle)",
			"Anna Adams can't come to the meeting of Harbour Circle on Monday 16 March, 14:00–15:30 (Europe/London).",
			"Answers so far: 1 coming, 1 not coming.")

		wrongTo := j
		wrongTo.UserID = f.ben.ID
		f.dropped(wrongTo, "the recipient no longer facilitates the circle")
		must(t, sqldb.NewNotificationService(e.db).SetNotificationPrefs(as(f.fac), roundtable.NotificationPrefs{roundtable.NotifyRSVP: false}))
		f.dropped(j, "the recipient turned these messages off")
	})
}

func TestRender_Poll(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newRenderFix(t, e)
		const poll = "00000000-0000-7000-8000-0000000000aa"
		f.exec(`INSERT INTO polls (id, circle_id, meeting_id, scope, note, created_by, created_at) VALUES ($1, $2, $3, 'meeting', $4, $5, 0)`,
			poll, f.c.ID, f.m.ID, "Half of us are travelling that week.", f.fac.ID)
		for i, d := range []time.Duration{24 * time.Hour, 48*time.Hour + 3*time.Hour} {
			f.exec(`INSERT INTO poll_options (id, poll_id, starts_at, minutes, position) VALUES ($1, $2, $3, 90, $4)`,
				"00000000-0000-7000-8000-0000000000b"+string(rune('0'+i)), poll, meetingStart.Add(d).UnixMilli(), i)
		}
		open := func(u *roundtable.User) sqldb.JobForTest {
			return sqldb.JobForTest{Kind: sqldb.KindPollOpen, UserID: u.ID, RefID: poll}
		}
		remind := func(u *roundtable.User) sqldb.JobForTest {
			return sqldb.JobForTest{Kind: sqldb.KindPollReminder, UserID: u.ID, RefID: poll}
		}
		wantText(t, f.sent(open(f.anna)), "anna@example.org", "Harbour Circle: which of these times work for you?",
			"for the meeting on Monday 16 March, 10:00–11:30 (America/New York)", "Fiona Fox proposes",
			"Tuesday 17 March, 10:00–11:30 (America/New York)", "Wednesday 18 March, 13:00–14:30 (America/New York)",
			"Half of us are travelling that week.", "https://rt.example/polls/"+poll)
		wantText(t, f.sent(open(f.ben)), "ben@example.org", "Harbour Circle: which of these times work for you?",
			"Tuesday 17 March, 19:30–21:00 (Asia/Kolkata)", "Wednesday 18 March, 22:30 – Thursday 00:00 (Asia/Kolkata)")

		// One reminder, to those who have not answered.
		f.exec(`INSERT INTO poll_answers (option_id, user_id, answer, updated_at) VALUES ('00000000-0000-7000-8000-0000000000b0', $1, 'yes', 0)`, f.anna.ID)
		f.dropped(remind(f.anna), "the recipient answered the poll")
		wantText(t, f.sent(remind(f.ben)), "ben@example.org", "Reminder: which times work for you? (Harbour Circle)",
			"We have not heard from you yet.")
		must(t, sqldb.NewNotificationService(e.db).SetNotificationPrefs(as(f.ben), roundtable.NotificationPrefs{roundtable.NotifyPolls: false}))
		f.dropped(remind(f.ben), "the recipient turned these messages off")

		f.exec(`UPDATE polls SET closed_at = 1 WHERE id = $1`, poll)
		f.dropped(open(f.fac), "the poll is closed")
		f.dropped(sqldb.JobForTest{Kind: sqldb.KindPollOpen, UserID: f.anna.ID, RefID: "00000000-0000-7000-8000-0000000000ff"}, "the poll no longer exists")
	})
}

func TestRender_Gone(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newRenderFix(t, e)
		f.dropped(sqldb.JobForTest{Kind: "meeting.unknown", MeetingID: f.m.ID, UserID: f.anna.ID}, "no message of this kind exists")
		f.dropped(sqldb.JobForTest{Kind: sqldb.KindInvitation, MeetingID: f.m.ID, UserID: "00000000-0000-7000-8000-0000000000ff"}, "the recipient's account no longer exists")
		f.exec(`DELETE FROM meetings WHERE id = $1`, f.m.ID)
		f.dropped(f.job(sqldb.KindInvitation, f.anna, 0), "the meeting no longer exists")
	})
}
