package sqldb_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

func TestProgramService_ListProgramTodos(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Busy")
		quiet := e.program(org, "Quiet")
		someone := e.user("Sid", "sid@example.org", false, true)
		theirs := e.program(someone, "Theirs")

		// Busy: two new applicants, one accepted person in no circle, circle
		// A meeting with a facilitator, B and C without one.
		must(t, e.applicants.Apply(anon, newApplicant(p.ID, "New One", "n1@example.org")))
		must(t, e.applicants.Apply(anon, newApplicant(p.ID, "New Two", "n2@example.org")))
		e.accepted(p.ID, "Waiting Will", "will@example.org")
		a := e.circle(p.ID, "A Circle")
		e.circle(p.ID, "C Circle")
		b := e.circle(p.ID, "B Circle")
		fac := e.facilitator(a, "Fay", "fay@example.org")
		e.member(a, "Mo", "mo@example.org")
		must(t, e.applicants.Apply(anon, newApplicant(theirs.ID, "Elsewhere", "else@example.org")))

		// A's meetings: only the one in two days lacks an agenda and counts.
		meet := func(after time.Duration, agenda string) *roundtable.Meeting {
			m := &roundtable.Meeting{CircleID: a.ID, StartsAt: start.Add(after), Minutes: 60, Place: "Cafe", Agenda: agenda}
			must(t, e.meetings.CreateMeeting(as(fac), m))
			return m
		}
		bare := meet(48*time.Hour, "")
		parts := meet(72*time.Hour, "")
		must(t, sqldb.NewAgendaService(e.db).SetSegments(as(fac), parts.ID, []roundtable.Segment{
			{Title: "Check-in", Kind: roundtable.SegmentDiscussion, Minutes: 20}}))
		meet(96*time.Hour, "Case clinic")
		meet(8*24*time.Hour, "") // beyond the week
		meet(-24*time.Hour, "")  // past
		must(t, e.meetings.CancelMeeting(as(fac), meet(24*time.Hour, "").ID))

		todos, err := e.programs.ListProgramTodos(as(org))
		must(t, err)
		if len(todos) != 2 || todos[p.ID] == nil || todos[quiet.ID] == nil {
			t.Fatalf("got todos for %d programs %v, want Busy and Quiet", len(todos), todos)
		}
		got := todos[p.ID]
		if got.Pending != 2 || got.Unplaced != 1 || !got.CirclesMeet || got.Empty() {
			t.Errorf("got %+v, want 2 pending, 1 unplaced, circles meeting", got)
		}
		if len(got.NoFacilitator) != 2 || got.NoFacilitator[0] != (roundtable.CircleRef{ID: b.ID, Name: "B Circle"}) || got.NoFacilitator[1].Name != "C Circle" {
			t.Errorf("got circles without facilitator %+v, want B and C", got.NoFacilitator)
		}
		if len(got.NoAgenda) != 1 || got.NoAgenda[0].MeetingID != bare.ID || got.NoAgenda[0].CircleName != "A Circle" ||
			!got.NoAgenda[0].StartsAt.Equal(bare.StartsAt) || got.NoAgenda[0].Facilitating {
			t.Errorf("got meetings without agenda %+v, want A's meeting in two days", got.NoAgenda)
		}
		if q := todos[quiet.ID]; !q.Empty() || q.CirclesMeet {
			t.Errorf("got %+v for Quiet, want nothing to do", q)
		}

		t.Run("Access", func(t *testing.T) {
			mine, err := e.programs.ListProgramTodos(as(fac))
			must(t, err)
			if len(mine) != 0 {
				t.Errorf("a facilitator got todos %v, want none", mine)
			}
			_, err = e.programs.ListProgramTodos(anon)
			wantCode(t, err, roundtable.EUNAUTHORIZED)
			admin := e.user("Ada", "ada@example.org", true, false)
			all, err := e.programs.ListProgramTodos(as(admin))
			must(t, err)
			if len(all) != 3 || all[theirs.ID].Pending != 1 {
				t.Errorf("an administrator got %d programs (%+v), want all 3", len(all), all[theirs.ID])
			}
		})

		t.Run("Page", func(t *testing.T) {
			// The program page reads all at once what the separate reads give.
			admin := e.user("Adam", "adam@example.org", true, false)
			for _, c := range []struct {
				who *roundtable.User
				p   *roundtable.Program
			}{{org, p}, {admin, p}, {org, quiet}} {
				who, p := c.who, c.p
				pg, err := e.programs.FindProgramPage(as(who), p.ID)
				must(t, err)
				prog, err := e.programs.FindProgramByID(as(who), p.ID)
				must(t, err)
				stats, err := e.programs.ProgramStats(as(who), p.ID)
				must(t, err)
				circles, err := e.circles.ListCircles(as(who), p.ID)
				must(t, err)
				todos, err := e.programs.ListProgramTodos(as(who))
				must(t, err)
				if !reflect.DeepEqual(pg.Program, prog) || !reflect.DeepEqual(pg.Stats, stats) || !reflect.DeepEqual(pg.Circles, circles) {
					t.Errorf("as %s: got page %+v %+v %+v, want %+v %+v %+v", who.Name, pg.Program, pg.Stats, pg.Circles, prog, stats, circles)
				}
				if !reflect.DeepEqual(pg.Todo, todos[p.ID]) {
					t.Errorf("as %s: got to-do %+v, want %+v", who.Name, pg.Todo, todos[p.ID])
				}
			}
			for _, who := range []context.Context{as(fac), as(someone), anon} {
				_, err := e.programs.FindProgramPage(who, p.ID)
				wantCode(t, err, roundtable.ENOTFOUND)
			}
			_, err := e.programs.FindProgramPage(as(org), "nope")
			wantCode(t, err, roundtable.ENOTFOUND)
		})

		t.Run("Facilitating", func(t *testing.T) {
			// An organizer who facilitates the circle prepares the agenda herself.
			must(t, e.circles.SetFacilitator(sys, a.ID, org.Email, org.Name))
			e.join(a, org.Email)
			todos, err := e.programs.ListProgramTodos(as(org))
			must(t, err)
			if g := todos[p.ID].NoAgenda; len(g) != 1 || !g[0].Facilitating {
				t.Errorf("got %+v, want the meeting marked as hers to prepare", g)
			}
		})
	})
}
