package sqldb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// withDefaultFormat sets the program's default format as its organizer
// would, and checks it is kept.
func (e *env) withDefaultFormat(s *scheduling, key string) {
	e.t.Helper()
	s.prog.DefaultFormat = key
	must(e.t, e.programs.UpdateProgram(sys, s.prog))
	p, err := e.programs.FindProgramByID(sys, s.prog.ID)
	must(e.t, err)
	if p.DefaultFormat != key {
		e.t.Fatalf("got default format %q, want %q", p.DefaultFormat, key)
	}
}

// Every meeting a series makes starts with the agenda of the program's
// default format, sized for the circle and never longer than the meeting.
func TestSeriesService_DefaultAgenda(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := e.scheduling("Europe/Paris", date(2026, 3, 1), date(2026, 4, 30))
		e.withDefaultFormat(s, roundtable.DefaultFormatKey)
		sr := &roundtable.Series{CircleID: s.circle.ID, Slot: "Tue 10:00", Cadence: roundtable.Weekly, Minutes: 45, Place: "Library"}
		pv, err := s.series.PreviewSeries(as(s.fac), sr, time.Time{})
		must(t, err)
		f, _ := roundtable.FormatByKey(roundtable.DefaultFormatKey)
		if pv.Format != f.Name || pv.FormatNote != "" {
			t.Fatalf("preview: got format %q, note %q; want %q fitting", pv.Format, pv.FormatNote, f.Name)
		}
		_, err = s.series.CreateSeries(as(s.fac), sr)
		must(t, err)
		ms := e.meetingsOf(s)
		if len(ms) < 5 {
			t.Fatalf("got %d meetings, want a weekly series", len(ms))
		}
		agendas := sqldb.NewAgendaService(e.db)
		for _, m := range ms {
			a, err := agendas.FindAgenda(as(s.members[0]), m.ID)
			must(t, err)
			if len(a.Segments) != len(f.Segments) || a.Segments[0].Title != "Check-in round" || a.Segments[0].Minutes != 9 {
				t.Fatalf("meeting %s: got %v, want the default format with a check-in of 3 × 3 minutes", m.StartsAt, titles(a.Segments))
			}
			if a.TotalMinutes() > m.Minutes {
				t.Fatalf("meeting %s: the agenda takes %d minutes, more than the meeting's %d", m.StartsAt, a.TotalMinutes(), m.Minutes)
			}
		}

		// Each meeting's agenda is its own: changing one leaves the others.
		must(t, agendas.ApplyFormat(as(s.fac), ms[0].ID, "check_in", false))
		if a, _ := agendas.FindAgenda(as(s.fac), ms[1].ID); len(a.Segments) != len(f.Segments) {
			t.Fatalf("got %v on the second meeting, want its default agenda untouched", titles(a.Segments))
		}
	})
}

// A default format longer than the series' meetings that may not be
// shortened (the case clinic needs 70 minutes) leaves them without an
// agenda, and the preview says why; a meeting of an earlier series without
// an agenda keeps working.
func TestSeriesService_DefaultAgendaTooLong(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := e.scheduling("Europe/Paris", date(2026, 3, 1), date(2026, 4, 30))
		e.withDefaultFormat(s, "case_clinic")
		sr := &roundtable.Series{CircleID: s.circle.ID, Slot: "Tue 10:00", Cadence: roundtable.Weekly, Minutes: 60, Place: "Library"}
		pv, err := s.series.CreateSeries(as(s.fac), sr)
		must(t, err)
		if want := "Case clinic needs at least 70 minutes; this meeting has 60."; pv.FormatNote != want {
			t.Fatalf("got note %q, want %q", pv.FormatNote, want)
		}
		agendas := sqldb.NewAgendaService(e.db)
		for _, m := range e.meetingsOf(s) {
			a, err := agendas.FindAgenda(as(s.fac), m.ID)
			must(t, err)
			if len(a.Segments) != 0 {
				t.Fatalf("got %v, want no agenda rather than one longer than the meeting", titles(a.Segments))
			}
		}
		m := e.meetingsOf(s)[0]
		err = agendas.ApplyFormat(as(s.fac), m.ID, "case_clinic", false)
		wantCode(t, err, roundtable.EINVALID)
		if got := roundtable.ErrorFields(err)["format"]; !strings.Contains(got, "needs at least 70 minutes") {
			t.Fatalf("got %q, want the reason on the format", got)
		}
		must(t, agendas.ApplyFormat(as(s.fac), m.ID, "check_in", false))
	})
}

// A format longer than the meeting that may be shortened is fitted: each
// part toward two thirds of its usual length, the whole exactly the
// meeting's. One that cannot be shortened enough is refused with the
// minutes it needs, also when added after the agenda so far.
func TestAgendaService_FitFormat(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := newAgendaFix(t, e)
		short := &roundtable.Meeting{CircleID: f.c.ID, StartsAt: f.clock.Now().Add(72 * time.Hour).Truncate(time.Minute), Minutes: 30, Place: "Room 2"}
		must(t, f.meetings.CreateMeeting(as(f.fac), short))

		// Peer assist for five people takes 5+8+15+5+5 = 38 minutes.
		must(t, f.agendas.ApplyFormat(as(f.fac), short.ID, "peer_assist", false))
		a := f.agenda(f.fac, short.ID)
		pa, _ := roundtable.FormatByKey("peer_assist")
		usual := roundtable.PlanAgenda(pa.Segments, roundtable.AgendaPlan{People: 5, Minutes: 30})
		if a.TotalMinutes() != 30 || len(a.Segments) != len(usual) {
			t.Fatalf("got %v taking %d minutes, want peer assist fitted to 30", titles(a.Segments), a.TotalMinutes())
		}
		for i, s := range a.Segments {
			if s.Minutes > usual[i].Minutes || s.Minutes < roundtable.ShortestMinutes(usual[i].Minutes) {
				t.Errorf("%q: got %d minutes, want between %d and %d", s.Title, s.Minutes, roundtable.ShortestMinutes(usual[i].Minutes), usual[i].Minutes)
			}
		}

		// Troika needs at least 29 minutes even shortened; adding it after
		// the 30 minutes of peer assist leaves none.
		err := f.agendas.ApplyFormat(as(f.fac), short.ID, "troika", true)
		wantCode(t, err, roundtable.EINVALID)
		if got := roundtable.ErrorFields(err)["format"]; !strings.Contains(got, "Troika consulting needs at least 29 minutes, and the agenda already fills the meeting's 30") {
			t.Fatalf("got %q, want the reason", got)
		}
		if a := f.agenda(f.fac, short.ID); a.TotalMinutes() != 30 {
			t.Fatalf("a refused format changed the agenda: %v", titles(a.Segments))
		}
		must(t, f.meetings.UpdateMeeting(as(f.fac), func() *roundtable.Meeting { short.Minutes = 20; return short }()))
		err = f.agendas.ApplyFormat(as(f.fac), short.ID, "troika", false)
		if got := roundtable.ErrorFields(err)["format"]; got != "Troika consulting needs at least 29 minutes; this meeting has 20." {
			t.Fatalf("got %q (%v), want the reason", got, err)
		}
	})
}

// A meeting made by hand starts with the program's default format too.
func TestMeetingService_CreateMeetingDefaultAgenda(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := e.scheduling("Europe/Paris", date(2026, 3, 1), date(2026, 4, 30))
		e.withDefaultFormat(s, roundtable.DefaultFormatKey)
		m := &roundtable.Meeting{CircleID: s.circle.ID, StartsAt: time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC), Minutes: 60, Place: "Library"}
		must(t, e.meetings.CreateMeeting(as(s.fac), m))
		a, err := sqldb.NewAgendaService(e.db).FindAgenda(as(s.fac), m.ID)
		must(t, err)
		f, _ := roundtable.FormatByKey(roundtable.DefaultFormatKey)
		if len(a.Segments) != len(f.Segments) || a.TotalMinutes() > m.Minutes {
			t.Fatalf("got %v (%d minutes), want the default format within the meeting's %d minutes", titles(a.Segments), a.TotalMinutes(), m.Minutes)
		}
	})
}
