package sqldb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// checkIn rates the member's goals in circle a, the first with rating r.
func checkInFirst(t *testing.T, e *env, s *sqldb.CheckInService, u *roundtable.User, circleID string, r int, line string) *roundtable.CheckInPage {
	t.Helper()
	p, err := s.FindCheckIns(as(u), circleID, u.ID)
	must(t, err)
	must(t, s.CheckIn(as(u), circleID, []roundtable.CheckInEntry{{GoalID: p.Goals[0].Goal.ID, Rating: r, Reflection: line}}))
	p, err = s.FindCheckIns(as(u), circleID, u.ID)
	must(t, err)
	return p
}

// Once a month she rates each goal; a second check-in in the same month
// replaces the first, the next month's adds to the timeline.
func TestCheckInService_CheckIn(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewCheckInService(e.db)
		p, err := s.FindCheckIns(as(w.member), w.a.ID, w.member.ID)
		must(t, err)
		if !p.Mine || p.Shared || p.Cadence != roundtable.CheckInMonthly || len(p.Goals) != 1 || !p.Goals[0].Due || len(p.Goals[0].CheckIns) != 0 {
			t.Fatalf("before: got %+v, want her one goal due, monthly, not shared", p)
		}
		p = checkInFirst(t, e, s, w.member, w.a.ID, 2, "  Slow start ")
		if g := p.Goals[0]; g.Due || len(g.CheckIns) != 1 || g.CheckIns[0].Rating != 2 || g.CheckIns[0].Reflection != "Slow start" {
			t.Fatalf("after one: got %+v, want one check-in rated 2", g)
		}
		e.clock.Add(5 * 24 * time.Hour)
		p = checkInFirst(t, e, s, w.member, w.a.ID, 3, "Better")
		if g := p.Goals[0]; len(g.CheckIns) != 1 || g.CheckIns[0].Rating != 3 || g.CheckIns[0].Reflection != "Better" {
			t.Fatalf("same month: got %d check-ins, want the first replaced", len(g.CheckIns))
		}
		e.clock.Add(31 * 24 * time.Hour)
		p, err = s.FindCheckIns(as(w.member), w.a.ID, w.member.ID)
		must(t, err)
		if !p.Goals[0].Due {
			t.Fatal("next month: the goal is not due")
		}
		p = checkInFirst(t, e, s, w.member, w.a.ID, 4, "")
		if g := p.Goals[0]; len(g.CheckIns) != 2 || g.CheckIns[0].Rating != 3 || g.CheckIns[1].Rating != 4 {
			t.Fatalf("next month: got %+v, want two check-ins, oldest first", g.CheckIns)
		}
		// Rewording her goal keeps its history.
		must(t, e.circles.SetGoals(as(w.member), w.a.ID, []string{"Secret goal, reworded", "A second goal"}))
		p, err = s.FindCheckIns(as(w.member), w.a.ID, w.member.ID)
		must(t, err)
		if len(p.Goals) != 2 || len(p.Goals[0].CheckIns) != 2 || len(p.Goals[1].CheckIns) != 0 || p.Goals[0].Goal.Text != "Secret goal, reworded" {
			t.Fatalf("after rewording: got %d goals, the first with %d check-ins; want 2 and 2", len(p.Goals), len(p.Goals[0].CheckIns))
		}
	})
}

// The program sets the cadence: every week, a check-in eight days later
// is a new one.
func TestCheckInService_CheckIn_ProgramCadence(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		prog, err := e.programs.FindProgramByID(as(w.org), w.a.ProgramID)
		must(t, err)
		prog.CheckInEvery = roundtable.CheckInWeekly
		must(t, e.programs.UpdateProgram(as(w.org), prog))
		prog.CheckInEvery = "every full moon"
		wantCode(t, e.programs.UpdateProgram(as(w.org), prog), roundtable.EINVALID)
		s := sqldb.NewCheckInService(e.db)
		checkInFirst(t, e, s, w.member, w.a.ID, 2, "")
		e.clock.Add(8 * 24 * time.Hour)
		p := checkInFirst(t, e, s, w.member, w.a.ID, 3, "")
		if p.Cadence != roundtable.CheckInWeekly || len(p.Goals[0].CheckIns) != 2 {
			t.Fatalf("got cadence %s and %d check-ins, want weekly and 2", p.Cadence, len(p.Goals[0].CheckIns))
		}
	})
}

// The circle sees her check-ins only while she shares them; outsiders
// never do, and nobody checks in for her.
func TestCheckInService_ShareCheckIns(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewCheckInService(e.db)
		checkInFirst(t, e, s, w.member, w.a.ID, 3, "Shared line")
		peer := e.member(w.a, "Pia Peer", "pia@example.org")
		_, err := s.FindCheckIns(as(peer), w.a.ID, w.member.ID)
		wantCode(t, err, roundtable.ENOTFOUND)
		_, err = s.FindCheckIns(as(w.fac), w.a.ID, w.member.ID)
		wantCode(t, err, roundtable.ENOTFOUND)

		must(t, s.ShareCheckIns(as(w.member), w.a.ID, true))
		for _, u := range []*roundtable.User{peer, w.fac} {
			p, err := s.FindCheckIns(as(u), w.a.ID, w.member.ID)
			must(t, err)
			if p.Mine || !p.Shared || len(p.Goals[0].CheckIns) != 1 || p.Goals[0].CheckIns[0].Reflection != "Shared line" {
				t.Fatalf("%s: got %+v, want her shared timeline", u.Name, p)
			}
		}
		home, err := e.circles.FindCircleHome(as(peer), w.a.ID)
		must(t, err)
		for _, m := range home.Circle.Members {
			if m.SharesCheckIns != (m.UserID == w.member.ID) {
				t.Errorf("%s: got shares %v", m.Name, m.SharesCheckIns)
			}
		}
		outsiders := w.outsiders()
		outsiders["PendingMember"] = as(w.pending)
		for name, ctx := range outsiders {
			_, err := s.FindCheckIns(ctx, w.a.ID, w.member.ID)
			if c := roundtable.ErrorCode(err); c != roundtable.ENOTFOUND && c != roundtable.EGROUNDRULES {
				t.Errorf("%s: got %v, want ENOTFOUND", name, err)
			}
			if err := s.CheckIn(ctx, w.a.ID, []roundtable.CheckInEntry{{GoalID: "x", Rating: 3}}); err == nil {
				t.Errorf("%s: checked in on circle A", name)
			}
			if err := s.ShareCheckIns(ctx, w.a.ID, false); err == nil {
				t.Errorf("%s: changed sharing in circle A", name)
			}
		}
		must(t, s.ShareCheckIns(as(w.member), w.a.ID, false))
		_, err = s.FindCheckIns(as(peer), w.a.ID, w.member.ID)
		wantCode(t, err, roundtable.ENOTFOUND)
	})
}

// Bad ratings, a long line or another's goal: refused with the field, and
// nothing stored.
func TestCheckInService_CheckIn_BadInput(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewCheckInService(e.db)
		peer := e.member(w.a, "Pia Peer", "pia@example.org")
		must(t, e.circles.SetGoals(as(peer), w.a.ID, []string{"Peer goal"}))
		mine, err := s.FindCheckIns(as(w.member), w.a.ID, w.member.ID)
		must(t, err)
		theirs, err := s.FindCheckIns(as(peer), w.a.ID, peer.ID)
		must(t, err)
		g, other := mine.Goals[0].Goal.ID, theirs.Goals[0].Goal.ID
		for name, c := range map[string]struct {
			entries []roundtable.CheckInEntry
			field   string
		}{
			"Nothing":      {nil, "checkin"},
			"Zero":         {[]roundtable.CheckInEntry{{GoalID: g, Rating: 0}}, "rating-" + g},
			"Six":          {[]roundtable.CheckInEntry{{GoalID: g, Rating: 6}}, "rating-" + g},
			"LongLine":     {[]roundtable.CheckInEntry{{GoalID: g, Rating: 3, Reflection: strings.Repeat("é", 301)}}, "reflection-" + g},
			"AnothersGoal": {[]roundtable.CheckInEntry{{GoalID: other, Rating: 3}}, "checkin"},
			"MadeUpGoal":   {[]roundtable.CheckInEntry{{GoalID: "made-up", Rating: 3}}, "checkin"},
		} {
			err := s.CheckIn(as(w.member), w.a.ID, c.entries)
			wantCode(t, err, roundtable.EINVALID)
			if _, ok := roundtable.ErrorFields(err)[c.field]; !ok {
				t.Errorf("%s: got fields %v, want %s", name, roundtable.ErrorFields(err), c.field)
			}
		}
		for _, u := range []*roundtable.User{w.member, peer} {
			p, err := s.FindCheckIns(as(u), w.a.ID, u.ID)
			must(t, err)
			if n := len(p.Goals[0].CheckIns); n != 0 {
				t.Errorf("%s: got %d check-ins stored, want none", u.Name, n)
			}
		}
	})
}

// Her check-ins are in her export and go with her account.
func TestCheckInService_ExportAndDeletion(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewCheckInService(e.db)
		checkInFirst(t, e, s, w.member, w.a.ID, 4, "Exported line")
		x, err := sqldb.NewExportService(e.db).ExportMyData(as(w.member))
		must(t, err)
		if len(x.CheckIns) != 1 || x.CheckIns[0].Rating != 4 || x.CheckIns[0].Reflection != "Exported line" || x.CheckIns[0].Goal != "Secret goal" {
			t.Fatalf("export: got %+v, want her check-in with its goal", x.CheckIns)
		}
		tok, err := e.auth.StartSession(sys, w.member.ID, roundtable.SessionStart{})
		must(t, err)
		must(t, sqldb.NewAccountDeletionService(e.db).DeleteMyAccount(as(w.member), tok, "a long enough password"))
		n, err := sqldb.CountForTest(context.Background(), e.db, `SELECT COUNT(*) FROM goal_checkins`)
		must(t, err)
		if n != 0 {
			t.Fatalf("got %d check-ins after her account was deleted, want 0", n)
		}
	})
}

// While the program runs, each member with goals is asked once a period to
// check in, unless she has already.
func TestCheckInService_Prompt(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewCheckInService(e.db)
		ctx := context.Background()
		prompts := func(day time.Time) []string {
			t.Helper()
			e.clock.Add(day.Sub(e.clock.Now()))
			must(t, e.outbox.ScheduleHousekeeping(ctx))
			var got []string
			for range 2 { // the daily job, then the prompts it enqueued
				for _, m := range e.deliver() {
					if strings.Contains(m.Subject, "check-in") {
						got = append(got, m.To)
						if !strings.Contains(m.Text, "Secret goal") || !strings.Contains(m.Text, "https://rt.example/circles/"+w.a.ID+"/checkins") {
							t.Errorf("the prompt lacks her goal or the link:\n%s", m.Text)
						}
					}
				}
			}
			return got
		}
		e.deliver()
		if got := prompts(time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)); len(got) != 0 {
			t.Fatalf("before the program starts: got prompts to %v, want none", got)
		}
		if got := prompts(time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)); len(got) != 1 || got[0] != "mo@example.org" {
			t.Fatalf("in April: got prompts to %v, want Mo alone (the one with goals)", got)
		}
		if got := prompts(time.Date(2026, 4, 3, 9, 0, 0, 0, time.UTC)); len(got) != 0 {
			t.Fatalf("the next day: got prompts to %v, want none", got)
		}
		e.clock.Add(time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC).Sub(e.clock.Now()))
		checkInFirst(t, e, s, w.member, w.a.ID, 3, "")
		if got := prompts(time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)); len(got) != 0 {
			t.Fatalf("in May after she checked in: got prompts to %v, want none", got)
		}
		must(t, sqldb.NewNotificationService(e.db).SetNotificationPrefs(as(w.member), roundtable.NotificationPrefs{roundtable.NotifyCheckIn: false}))
		if got := prompts(time.Date(2026, 6, 2, 9, 0, 0, 0, time.UTC)); len(got) != 0 {
			t.Fatalf("in June with prompts turned off: got prompts to %v, want none", got)
		}
		if got := prompts(time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)); len(got) != 0 {
			t.Fatalf("after the program: got prompts to %v, want none", got)
		}
	})
}

// Reordering her goals, or clearing one of them, keeps each goal's history
// with its own words: no check-in shows under another goal's text.
func TestCheckInService_SetGoals_KeepsHistoryWithItsGoal(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		s := sqldb.NewCheckInService(e.db)
		must(t, e.circles.SetGoals(as(w.member), w.a.ID, []string{"Goal A", "Goal B", "Goal C"}))
		p, err := s.FindCheckIns(as(w.member), w.a.ID, w.member.ID)
		must(t, err)
		var entries []roundtable.CheckInEntry
		for i, g := range p.Goals {
			entries = append(entries, roundtable.CheckInEntry{GoalID: g.Goal.ID, Rating: i + 1, Reflection: "On " + g.Goal.Text})
		}
		must(t, s.CheckIn(as(w.member), w.a.ID, entries))
		want := map[string]int{"Goal A": 1, "Goal B": 2, "Goal C": 3}
		check := func(step string, goals []string) {
			t.Helper()
			must(t, e.circles.SetGoals(as(w.member), w.a.ID, goals))
			p, err := s.FindCheckIns(as(w.member), w.a.ID, w.member.ID)
			must(t, err)
			for _, g := range p.Goals {
				r, ok := want[g.Goal.Text]
				switch {
				case !ok && len(g.CheckIns) != 0:
					t.Errorf("%s: new goal %q got %d check-ins, want 0", step, g.Goal.Text, len(g.CheckIns))
				case ok && (len(g.CheckIns) != 1 || g.CheckIns[0].Rating != r || g.CheckIns[0].Reflection != "On "+g.Goal.Text):
					t.Errorf("%s: goal %q got check-ins %+v, want its own, rated %d", step, g.Goal.Text, g.CheckIns, r)
				}
			}
		}
		check("swap", []string{"Goal B", "Goal A", "Goal C"})
		check("first cleared", []string{"", "Goal A", "Goal C"})
		check("moved up", []string{"Goal C", "Goal A"})
		check("new one", []string{"Goal D", "Goal C", "Goal A"})
	})
}
