package sqldb_test

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/ical/icaltest"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

func TestCalendarService_Secret(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := sqldb.NewCalendarService(e.db)
		_, err := s.FeedSecret(anon)
		wantCode(t, err, roundtable.EUNAUTHORIZED)
		_, err = s.ResetFeed(anon)
		wantCode(t, err, roundtable.EUNAUTHORIZED)

		u := e.user("Una", "una@example.org", false, false)
		first, err := s.FeedSecret(as(u))
		must(t, err)
		if again, err := s.FeedSecret(as(u)); err != nil || again != first {
			t.Fatalf("got (%q, %v) the second time, want the same secret %q", again, err, first)
		}
		if _, err := s.Feed(anon, first); err != nil {
			t.Fatalf("feed: %v", err)
		}
		renewed, err := s.ResetFeed(as(u))
		must(t, err)
		if renewed == first || len(renewed) < 40 {
			t.Fatalf("got new secret %q, want another long one", renewed)
		}
		_, err = s.Feed(anon, first)
		wantCode(t, err, roundtable.ENOTFOUND)
		if _, err := s.Feed(anon, renewed); err != nil {
			t.Fatalf("feed at the new address: %v", err)
		}
		if now, _ := s.FeedSecret(as(u)); now != renewed {
			t.Errorf("got secret %q after the reset, want %q", now, renewed)
		}
		for _, bad := range []string{"", "nope", strings.Repeat("A", 43), first + "x", "../../etc/passwd"} {
			_, err = s.Feed(anon, bad)
			wantCode(t, err, roundtable.ENOTFOUND)
		}
	})
}

func TestCalendarService_Feed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newRenderFix(t, e)
		s := sqldb.NewCalendarService(e.db)
		// Another circle of the program, with its own meeting.
		other := e.circle(f.c.ProgramID, "Quay Circle")
		carl := e.member(other, "Carl", "carl@example.org")
		otherFac := e.facilitator(other, "Quinn", "quinn@example.org")
		must(t, e.meetings.CreateMeeting(as(otherFac), &roundtable.Meeting{CircleID: other.ID, StartsAt: meetingStart.Add(3 * time.Hour),
			Minutes: 60, Place: "Quay House", Agenda: "Quay secrets"}))
		// A second Harbour meeting, cancelled.
		second := &roundtable.Meeting{CircleID: f.c.ID, StartsAt: meetingStart.AddDate(0, 0, 28), Minutes: 90, VideoURL: "https://video.example/harbour"}
		must(t, e.meetings.CreateMeeting(as(f.fac), second))
		f.exec(`UPDATE meetings SET cancelled_at = 1, sequence = 1 WHERE id = $1`, second.ID)

		feed := func(u *roundtable.User) *icaltest.Calendar {
			t.Helper()
			secret, err := s.FeedSecret(as(u))
			must(t, err)
			ics, err := s.Feed(anon, secret)
			must(t, err)
			return icaltest.Read(t, ics, calendarZones...)
		}
		// The first meeting has a planned agenda: its parts go into the entry.
		must(t, sqldb.NewAgendaService(e.db).ApplyFormat(as(f.fac), f.m.ID, "peer_assist", false))
		cal := feed(f.anna)
		if cal.Method != "PUBLISH" || cal.Name == "" || len(cal.Events) != 2 {
			t.Fatalf("got method %q, name %q, %d events; want PUBLISH, a name and Harbour's 2 meetings", cal.Method, cal.Name, len(cal.Events))
		}
		ev := cal.Events[0]
		if ev.UID != f.m.ID+"@rt.example" || ev.Summary != "Harbour Circle" || ev.Status != "CONFIRMED" {
			t.Errorf("got %q %q %q, want the first meeting, confirmed", ev.UID, ev.Summary, ev.Status)
		}
		if ev.Start.Local["America/New_York"] != "2026-03-16 10:00" || ev.Start.Local["Asia/Kolkata"] != "2026-03-16 19:30" {
			t.Errorf("got start %v, want 10:00 New York, 19:30 Kolkata", ev.Start.Local)
		}
		if !strings.Contains(ev.Description, "Questions (8 min)") || !strings.Contains(ev.Description, "The host's play-back (5 min)") {
			t.Errorf("got description %q, want the agenda's parts", ev.Description)
		}
		if !strings.Contains(ev.Description, "Check-in round") || ev.URL != "https://rt.example/meetings/"+f.m.ID {
			t.Errorf("got description %q, url %q; want the agenda and the page", ev.Description, ev.URL)
		}
		if len(ev.Attendees) != 0 {
			t.Errorf("got %d attendees, want none in a feed", len(ev.Attendees))
		}
		gone := cal.Events[1]
		if gone.Status != "CANCELLED" || gone.Summary != "Cancelled: Harbour Circle" || gone.Sequence != 1 {
			t.Errorf("got %q %q sequence %d, want the cancelled meeting marked so", gone.Status, gone.Summary, gone.Sequence)
		}
		// Summer time in both zones by April: still 10:00 in New York.
		if gone.Start.Local["America/New_York"] != "2026-04-13 10:00" || gone.Start.Local["Europe/Paris"] != "2026-04-13 16:00" {
			t.Errorf("got start %v, want 10:00 New York, 16:00 Paris", gone.Start.Local)
		}
		for _, ev := range cal.Events {
			if strings.Contains(ev.Description+ev.Location, "Quay") {
				t.Errorf("Anna's feed holds Quay Circle's meeting")
			}
		}
		carlCal := feed(carl)
		if len(carlCal.Events) != 1 || carlCal.Events[0].Location != "Quay House" {
			t.Fatalf("got %+v, want Quay's one meeting", carlCal.Events)
		}
		// Before the ground rules are accepted, the feed is empty, but valid.
		f.exec(`UPDATE circle_members SET ground_rules_accepted_at = NULL WHERE user_id = $1`, f.ben.ID)
		if n := len(feed(f.ben).Events); n != 0 {
			t.Errorf("got %d events for a member who has not accepted the rules, want 0", n)
		}
		// Someone who left the circle no longer sees its meetings.
		f.exec(`DELETE FROM circle_members WHERE user_id = $1`, f.anna.ID)
		if n := len(feed(f.anna).Events); n != 0 {
			t.Errorf("got %d events after leaving, want 0", n)
		}
	})
}

// cpuTime is the processor time the test process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFeed200 measures a member's feed with 200 meetings in two circles
// of different zones (target: at most 5 ms a feed).
func BenchmarkFeed200(b *testing.B) {
	for _, engine := range sqldbtest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			db := sqldbtest.OpenWith(b, engine, sqldb.Config{BaseURL: "https://rt.example"})
			users, programs, circles := sqldb.NewUserService(db), sqldb.NewProgramService(db), sqldb.NewCircleService(db)
			u := &roundtable.User{Name: "Bench Member", Email: "bench@example.org", TimeZone: "America/New_York", CanOrganize: true}
			if err := users.CreateUser(sys, u, "correct horse battery"); err != nil {
				b.Fatal(err)
			}
			p := newProgram("Bench")
			if err := programs.CreateProgram(as(u), p); err != nil {
				b.Fatal(err)
			}
			first := time.Date(2026, 1, 6, 15, 0, 0, 0, time.UTC)
			for ci, zone := range []string{"Europe/London", "America/Chicago"} {
				c := &roundtable.Circle{ProgramID: p.ID, Name: fmt.Sprintf("Circle %d", ci), TimeZone: zone}
				if err := circles.CreateCircle(as(u), c); err != nil {
					b.Fatal(err)
				}
				if err := sqldb.ExecForTest(ctx, db, `INSERT INTO circle_members (circle_id, user_id, role, invited_at, joined_at, ground_rules_accepted_at)
					VALUES ($1, $2, 'member', 0, 0, 0)`, c.ID, u.ID); err != nil {
					b.Fatal(err)
				}
				for i := range 100 {
					id := uuid.Must(uuid.NewV7()).String()
					err := sqldb.ExecForTest(ctx, db, `INSERT INTO meetings (id, circle_id, starts_at, minutes, video_url, place, agenda, created_at)
						VALUES ($1, $2, $3, 90, 'https://video.example/room', '', $4, 0)`,
						id, c.ID, first.AddDate(0, 0, 7*i).Add(time.Duration(ci)*time.Hour).UnixMilli(),
						"Bring one question about your own team.")
					if err != nil {
						b.Fatal(err)
					}
					// Each meeting has a planned agenda of eight parts, as a case clinic does.
					for k, title := range []string{"Follow-ups", "Check-in round", "Choose roles", "Intention statement", "Questions only", "Stillness", "Generative dialogue", "Appreciations"} {
						err := sqldb.ExecForTest(ctx, db, `INSERT INTO meeting_segments (id, meeting_id, position, title, kind, minutes, roles, guidance, board, speaking_order, guests)
							VALUES ($1, $2, $3, $4, 'discussion', 10, '', 'Say what matters.', '', 'hands', 0)`,
							uuid.Must(uuid.NewV7()).String(), id, k, title)
						if err != nil {
							b.Fatal(err)
						}
					}
				}
			}
			s := sqldb.NewCalendarService(db)
			secret, err := s.FeedSecret(as(u))
			if err != nil {
				b.Fatal(err)
			}
			ics, err := s.Feed(ctx, secret)
			if err != nil {
				b.Fatal(err)
			}
			if n := strings.Count(string(ics), "BEGIN:VEVENT"); n != 200 {
				b.Fatalf("got %d events, want 200", n)
			}
			b.SetBytes(int64(len(ics)))
			// The processor time per feed is reported too: on a busy
			// machine it says more than the time on the clock.
			before := cpuTime()
			n := 0
			for b.Loop() {
				if _, err := s.Feed(ctx, secret); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(cpuTime()-before)/float64(n)/1e6, "cpu-ms/op")
		})
	}
}
