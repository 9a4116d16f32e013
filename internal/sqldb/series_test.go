package sqldb_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/schedule"
)

// outboxRows returns the keyed messages enqueued so far.
func (e *env) outboxRows() []sqldb.OutboxRow {
	e.t.Helper()
	rows, err := sqldb.OutboxRowsForTest(context.Background(), e.db)
	if err != nil {
		e.t.Fatalf("read outbox: %v", err)
	}
	return rows
}

// rowsOf filters messages by kind and meeting ("" for any).
func rowsOf(rows []sqldb.OutboxRow, kind, meetingID string) []sqldb.OutboxRow {
	var out []sqldb.OutboxRow
	for _, r := range rows {
		if r.Kind == kind && (meetingID == "" || r.MeetingID == meetingID) {
			out = append(out, r)
		}
	}
	return out
}

// waiting keeps the messages still to be sent.
func waiting(rows []sqldb.OutboxRow) []sqldb.OutboxRow {
	var out []sqldb.OutboxRow
	for _, r := range rows {
		if r.Waiting() {
			out = append(out, r)
		}
	}
	return out
}

// scheduling is a program with a circle in zone, a facilitator and two
// members, made before any meeting so that no later delivery touches the
// meetings' messages.
type scheduling struct {
	prog    *roundtable.Program
	circle  *roundtable.Circle
	fac     *roundtable.User
	members []*roundtable.User
	series  *sqldb.SeriesService
	polls   *sqldb.PollService
}

func (e *env) scheduling(zone string, from, to time.Time) *scheduling {
	e.t.Helper()
	org := e.user("Olga", "olga@example.org", false, true)
	p := newProgram("Leaders")
	p.StartDate, p.EndDate, p.Cadence = from, to, roundtable.Weekly
	must(e.t, e.programs.CreateProgram(as(org), p))
	c := &roundtable.Circle{ProgramID: p.ID, Name: "Tuesday circle", TimeZone: zone}
	must(e.t, e.circles.CreateCircle(sys, c))
	s := &scheduling{prog: p, circle: c, series: sqldb.NewSeriesService(e.db), polls: sqldb.NewPollService(e.db)}
	s.fac = e.facilitator(c, "Fay", "fay@example.org")
	s.members = []*roundtable.User{e.member(c, "Mo", "mo@example.org"), e.member(c, "Ana", "ana@example.org")}
	e.deliver() // the invitations to the circle are out of the way
	return s
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// meetingsOf returns the circle's meetings as its facilitator sees them.
func (e *env) meetingsOf(s *scheduling) []*roundtable.Meeting {
	e.t.Helper()
	h, err := e.circles.FindCircleHome(as(s.fac), s.circle.ID)
	must(e.t, err)
	return append(append([]*roundtable.Meeting{}, h.Past...), h.Upcoming...)
}

// A monthly series on the last Sunday at 01:30 London meets on both
// daylight-saving days of 2026: the skipped 01:30 of 29 March is read as
// 02:30 BST and the repeated 01:30 of 25 October as its first occurrence,
// each with a note; every other meeting is at 01:30 on London's clock.
func TestSeriesService_CreateAcrossDST(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := e.scheduling("Europe/London", date(2026, 3, 1), date(2026, 11, 30))
		london, _ := time.LoadLocation("Europe/London")
		sr := &roundtable.Series{CircleID: s.circle.ID, Slot: "Sun 01:30", Cadence: roundtable.Monthly, Nth: -1, Minutes: 90, VideoURL: "https://video.example/circle"}

		preview, err := s.series.PreviewSeries(as(s.fac), sr, time.Time{})
		must(t, err)
		if n := len(e.meetingsOf(s)); n != 0 {
			t.Fatalf("a preview made %d meetings, want none", n)
		}
		want := []struct {
			utc  string
			note string
		}{
			{"2026-03-29T01:30:00Z", "go forward"}, {"2026-04-26T00:30:00Z", ""}, {"2026-05-31T00:30:00Z", ""},
			{"2026-06-28T00:30:00Z", ""}, {"2026-07-26T00:30:00Z", ""}, {"2026-08-30T00:30:00Z", ""},
			{"2026-09-27T00:30:00Z", ""}, {"2026-10-25T00:30:00Z", "go back"}, {"2026-11-29T01:30:00Z", ""},
		}
		if len(preview.Dates) != len(want) {
			t.Fatalf("preview: got %d dates, want %d", len(preview.Dates), len(want))
		}
		for i, w := range want {
			d := preview.Dates[i]
			if got := d.StartsAt.UTC().Format(time.RFC3339); got != w.utc {
				t.Errorf("preview date %d: got %s, want %s", i, got, w.utc)
			}
			if (w.note == "") != (d.TimeNote == "") || !strings.Contains(d.TimeNote, w.note) {
				t.Errorf("preview date %d: got note %q, want one with %q", i, d.TimeNote, w.note)
			}
		}

		if home, err := e.circles.FindCircleHome(as(s.fac), s.circle.ID); err != nil || home.Series != nil {
			t.Fatalf("got series %+v (%v) on the circle's page before one was made, want none", home.Series, err)
		}
		_, err = s.series.CreateSeries(as(s.fac), sr)
		must(t, err)
		// The circle's page reads the series with the circle: the same as
		// FindSeries.
		home, err := e.circles.FindCircleHome(as(s.fac), s.circle.ID)
		must(t, err)
		found, err := s.series.FindSeries(as(s.fac), s.circle.ID)
		must(t, err)
		if !reflect.DeepEqual(home.Series, found) || home.Series.Cadence != roundtable.Monthly || home.Series.Nth != -1 {
			t.Fatalf("got series %+v on the circle's page, want %+v", home.Series, found)
		}
		ms := e.meetingsOf(s)
		if len(ms) != len(want) {
			t.Fatalf("got %d meetings, want %d", len(ms), len(want))
		}
		for i, m := range ms {
			if got := m.StartsAt.UTC().Format(time.RFC3339); got != want[i].utc {
				t.Errorf("meeting %d: got %s, want %s", i, got, want[i].utc)
			}
			if !m.InSeries || m.Sequence != 0 || m.Minutes != 90 || m.VideoURL != sr.VideoURL {
				t.Errorf("meeting %d: got %+v, want a series meeting of 90 minutes with the link", i, m)
			}
			if (want[i].note == "") != (m.TimeNote == "") {
				t.Errorf("meeting %d: got note %q", i, m.TimeNote)
			}
			if l := m.StartsAt.In(london); i != 0 && l.Format("15:04") != "01:30" {
				t.Errorf("meeting %d: got %s in London, want 01:30", i, l)
			}
		}
		got, err := s.series.FindSeries(as(s.members[0]), s.circle.ID)
		must(t, err)
		if got.Slot != "Sun 01:30" || got.Cadence != roundtable.Monthly || got.Nth != -1 || got.Phrase() != "the last Sunday of every month at 01:30" {
			t.Errorf("got series %+v (%q), want the last Sunday monthly at 01:30", got, got.Phrase())
		}

		// Everyone is invited to every meeting and reminded a week and a day before.
		rows := e.outboxRows()
		people := len(s.members) + 1
		if n := len(rowsOf(rows, "meeting.invitation", "")); n != people*len(want) {
			t.Errorf("got %d invitations, want %d", n, people*len(want))
		}
		first := rowsOf(rows, "meeting.reminder_week", ms[0].ID)
		if len(first) != people || !first[0].DueAt.Equal(ms[0].StartsAt.Add(-7*24*time.Hour)) {
			t.Errorf("got week reminders %+v, want %d due a week before %s", first, people, ms[0].StartsAt)
		}

		wantCode(t, func() error { _, err := s.series.CreateSeries(as(s.fac), sr); return err }(), roundtable.ECONFLICT)
	})
}

// Weekly at 02:30 New York: on 8 March 2026 the clocks skip 02:00–03:00, so
// that meeting is at 03:30 EDT.
func TestSeriesService_CreateWeeklyNewYork(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := e.scheduling("America/New_York", date(2026, 3, 1), date(2026, 3, 31))
		_, err := s.series.CreateSeries(as(s.fac), &roundtable.Series{CircleID: s.circle.ID, Slot: "Sun 02:30", Cadence: roundtable.Weekly, Minutes: 60, Place: "Library"})
		must(t, err)
		ms := e.meetingsOf(s)
		// 1 March is before now (2 March): the series starts on the 8th.
		want := []string{"2026-03-08T07:30:00Z", "2026-03-15T06:30:00Z", "2026-03-22T06:30:00Z", "2026-03-29T06:30:00Z"}
		if len(ms) != len(want) {
			t.Fatalf("got %d meetings, want %d", len(ms), len(want))
		}
		for i, m := range ms {
			if got := m.StartsAt.UTC().Format(time.RFC3339); got != want[i] {
				t.Errorf("meeting %d: got %s, want %s", i, got, want[i])
			}
		}
		if !strings.Contains(ms[0].TimeNote, "02:30 does not exist") || ms[1].TimeNote != "" {
			t.Errorf("got notes %q and %q, want the first to explain the skipped hour", ms[0].TimeNote, ms[1].TimeNote)
		}
		if !ms[0].InPerson() || ms[0].Place != "Library" {
			t.Errorf("got %+v, want in person at the Library", ms[0])
		}
	})
}

func TestSeriesService_Refused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := e.scheduling("Europe/Paris", date(2026, 4, 1), date(2026, 4, 3)) // Wednesday to Friday
		ok := func() *roundtable.Series {
			return &roundtable.Series{CircleID: s.circle.ID, Slot: "Thu 10:00", Cadence: roundtable.Weekly, Minutes: 60, VideoURL: "https://v.example/x"}
		}
		fields := func(sr *roundtable.Series, from time.Time) map[string]string {
			t.Helper()
			_, err := s.series.PreviewSeries(as(s.fac), sr, from)
			wantCode(t, err, roundtable.EINVALID)
			return roundtable.ErrorFields(err)
		}
		for _, c := range []struct {
			name  string
			edit  func(*roundtable.Series)
			field string
		}{
			{"no slot", func(sr *roundtable.Series) { sr.Slot = "Someday 25:00" }, "slot"},
			{"unknown cadence", func(sr *roundtable.Series) { sr.Cadence = "daily" }, "cadence"},
			{"fifth weekday", func(sr *roundtable.Series) { sr.Cadence, sr.Nth = roundtable.Monthly, 5 }, "nth"},
			{"no link or place", func(sr *roundtable.Series) { sr.VideoURL = "" }, "video_url"},
			{"too short", func(sr *roundtable.Series) { sr.Minutes = 5 }, "minutes"},
			{"no Monday in the program", func(sr *roundtable.Series) { sr.Slot = "Mon 10:00" }, "cadence"},
		} {
			sr := ok()
			c.edit(sr)
			if f := fields(sr, time.Time{}); f[c.field] == "" {
				t.Errorf("%s: got fields %v, want one for %s", c.name, f, c.field)
			}
		}
		wantCode(t, func() error { _, err := s.series.CreateSeries(as(s.members[0]), ok()); return err }(), roundtable.EFORBIDDEN)
		outsider := e.user("Out", "out@example.org", false, true)
		wantCode(t, func() error { _, err := s.series.CreateSeries(as(outsider), ok()); return err }(), roundtable.ENOTFOUND)
		wantCode(t, func() error { _, err := s.series.FindSeriesSetup(as(outsider), s.circle.ID); return err }(), roundtable.ENOTFOUND)
		wantCode(t, func() error { _, err := s.series.FindSeries(as(outsider), s.circle.ID); return err }(), roundtable.ENOTFOUND)
		wantCode(t, func() error { _, err := s.series.ChangeSeries(as(s.fac), ok(), date(2026, 4, 2)); return err }(), roundtable.ENOTFOUND)

		_, err := s.series.CreateSeries(as(s.fac), ok())
		must(t, err)
		if f := fields(ok(), date(2026, 5, 1)); !strings.Contains(f["from"], "within the program") {
			t.Errorf("a change from after the program: got %v", f)
		}
		if n := len(e.meetingsOf(s)); n != 1 {
			t.Errorf("got %d meetings, want the one Thursday", n)
		}
	})
}

// Changing the rest of the series keeps what the facilitator wrote where the
// date stays, moves the others with a raised sequence, cancels meetings the
// new rhythm has no place for, and leaves earlier meetings alone.
func TestSeriesService_ChangeRest(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := e.scheduling("Europe/Paris", date(2026, 3, 1), date(2026, 4, 30))
		sr := &roundtable.Series{CircleID: s.circle.ID, Slot: "Tue 15:00", Cadence: roundtable.Weekly, Minutes: 90, VideoURL: "https://v.example/a"}
		_, err := s.series.CreateSeries(as(s.fac), sr)
		must(t, err)
		ms := e.meetingsOf(s) // Tuesdays 3 Mar … 28 Apr: 9 meetings
		if len(ms) != 9 {
			t.Fatalf("got %d meetings, want 9", len(ms))
		}
		// The facilitator prepares the 17 March meeting and cancels 31 March.
		third := ms[2]
		third.Agenda, third.Readings = "Case clinic with Mo", "https://read.example/1"
		must(t, e.meetings.UpdateMeeting(as(s.fac), third))
		must(t, e.meetings.CancelMeeting(as(s.fac), ms[4].ID))

		// From 10 March on, 16:00 instead of 15:00.
		later := *sr
		later.Slot = "Tue 16:00"
		preview, err := s.series.ChangeSeries(as(s.fac), &later, date(2026, 3, 10))
		must(t, err)
		if created, moved, kept := preview.Counts(); created != 0 || moved != 7 || kept != 0 {
			t.Errorf("got %d created, %d moved, %d kept; want 0, 7, 0", created, moved, kept)
		}
		ms = e.meetingsOf(s)
		if len(ms) != 9 {
			t.Fatalf("got %d meetings, want the same 9", len(ms))
		}
		if ms[0].Sequence != 0 || ms[0].StartsAt.UTC().Hour() != 14 {
			t.Errorf("3 March: got %s seq %d, want untouched 15:00 Paris", ms[0].StartsAt, ms[0].Sequence)
		}
		if ms[2].ID != third.ID || ms[2].Agenda != "Case clinic with Mo" || ms[2].Readings == "" || ms[2].Sequence != 1 || ms[2].StartsAt.UTC().Hour() != 15 {
			t.Errorf("17 March: got %+v, want its agenda kept at 16:00 Paris, sequence 1", ms[2])
		}
		if !ms[4].Cancelled || ms[4].StartsAt.UTC().Hour() != 13 { // 15:00 CEST
			t.Errorf("31 March: got %+v, want it to stay cancelled", ms[4])
		}
		rows := e.outboxRows()
		if inv := waiting(rowsOf(rows, "meeting.invitation", third.ID)); len(inv) != 3 || inv[0].Sequence != 1 {
			t.Errorf("got invitations %+v, want 3 waiting at sequence 1", inv)
		}
		for _, r := range rowsOf(rows, "meeting.reminder_week", third.ID) {
			if r.Sequence == 0 && !r.Dropped {
				t.Errorf("a reminder for the old time is still waiting: %+v", r)
			}
			if r.Sequence == 1 && !r.DueAt.Equal(ms[2].StartsAt.Add(-7*24*time.Hour)) {
				t.Errorf("got reminder due %s, want a week before %s", r.DueAt, ms[2].StartsAt)
			}
		}

		// From 7 April on, every two weeks on Thursday: 9 and 23 April.
		thu := later
		thu.Slot, thu.Cadence = "Thu 16:00", roundtable.Biweekly
		preview, err = s.series.ChangeSeries(as(s.fac), &thu, date(2026, 4, 7))
		must(t, err)
		if len(preview.Dates) != 2 || len(preview.Cancelled) != 2 {
			t.Fatalf("got %d dates and %d cancelled, want 2 and 2", len(preview.Dates), len(preview.Cancelled))
		}
		ms = e.meetingsOf(s)
		var active, cancelled []*roundtable.Meeting
		for _, m := range ms {
			if m.StartsAt.After(date(2026, 4, 6)) {
				if m.Cancelled {
					cancelled = append(cancelled, m)
				} else {
					active = append(active, m)
				}
			}
		}
		if len(active) != 2 || active[0].StartsAt.Weekday() != time.Thursday || active[0].StartsAt.Day() != 9 || active[1].StartsAt.Day() != 23 {
			t.Fatalf("got active %v, want Thursdays 9 and 23 April", active)
		}
		if len(cancelled) != 2 {
			t.Fatalf("got %d cancelled, want the two Tuesdays left over", len(cancelled))
		}
		rows = e.outboxRows()
		for _, m := range cancelled {
			c := rowsOf(rows, "meeting.cancelled", m.ID)
			if len(c) != 3 || c[0].Sequence != m.Sequence || m.Sequence != 2 {
				t.Errorf("meeting %s (sequence %d): got cancellations %+v, want 3 at its sequence 2", m.StartsAt, m.Sequence, c)
			}
			if w := waiting(rowsOf(rows, "meeting.reminder_day", m.ID)); len(w) != 0 {
				t.Errorf("a cancelled meeting still has reminders waiting: %+v", w)
			}
		}
		got, err := s.series.FindSeries(as(s.fac), s.circle.ID)
		must(t, err)
		if got.Slot != "Thu 16:00" || got.Cadence != roundtable.Biweekly {
			t.Errorf("got series %+v, want Thursdays every two weeks", got)
		}
	})
}

// The facilitator chooses from the circle's time and the members' common
// availability, each in every person's own time.
func TestSeriesService_Setup(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := e.scheduling("Europe/Berlin", date(2026, 4, 1), date(2026, 9, 30))
		setup, err := s.series.FindSeriesSetup(as(s.fac), s.circle.ID)
		must(t, err)
		if setup.Series != nil || len(setup.Options) == 0 {
			t.Fatalf("got series %v and %d options, want none and some", setup.Series, len(setup.Options))
		}
		// Both members are free Mon 09:00-12:00 and Wed 14:00-17:30 Berlin.
		best := setup.Options[0]
		if !best.Fits || !(strings.HasPrefix(best.Slot, "Mon") || strings.HasPrefix(best.Slot, "Wed")) {
			t.Errorf("got best %+v, want a Monday morning or Wednesday afternoon that fits", best)
		}
		if len(best.Local) != 3 {
			t.Fatalf("got %d local times, want one per person", len(best.Local))
		}
		for _, l := range best.Local {
			if l.Zone != "Asia/Tokyo" || l.Time == "" || l.Outside {
				t.Errorf("got %+v, want the time on a Tokyo clock, in everyone's availability", l)
			}
		}
		// The options are real alternatives: none within an hour of
		// another on the same day.
		for i, a := range setup.Options {
			for _, b := range setup.Options[i+1:] {
				x, _ := schedule.ParseSlot(a.Slot)
				y, _ := schedule.ParseSlot(b.Slot)
				if x.Day == y.Day && x.Start-y.Start < 60 && y.Start-x.Start < 60 {
					t.Errorf("options %s and %s are too close to choose between", a.Slot, b.Slot)
				}
			}
		}
		wantCode(t, func() error { _, err := s.series.FindSeriesSetup(as(s.members[0]), s.circle.ID); return err }(), roundtable.EFORBIDDEN)
	})
}
