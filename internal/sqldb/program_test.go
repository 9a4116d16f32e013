package sqldb_test

import (
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

func TestProgramService_CreateProgram(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		plain := e.user("Paul", "paul@example.org", false, false)

		t.Run("ErrInvalid", func(t *testing.T) {
			p := newProgram("")
			p.SizeMin, p.Cadence = 1, "daily"
			err := e.programs.CreateProgram(as(org), p)
			wantCode(t, err, roundtable.EINVALID)
			for _, f := range []string{"name", "size_min", "cadence"} {
				if roundtable.ErrorFields(err)[f] == "" {
					t.Errorf("got no message for %s, want one", f)
				}
			}
		})
		t.Run("ErrForbidden", func(t *testing.T) {
			wantCode(t, e.programs.CreateProgram(as(plain), newProgram("Nope")), roundtable.EFORBIDDEN)
			wantCode(t, e.programs.CreateProgram(anon, newProgram("Nope")), roundtable.EUNAUTHORIZED)
		})

		p := newProgram("Emerging Leaders")
		p.StartDate = time.Date(2026, 4, 1, 15, 30, 0, 0, time.FixedZone("X", 3600))
		must(t, e.programs.CreateProgram(as(org), p))
		got, err := e.programs.FindProgramByID(as(org), p.ID)
		must(t, err)
		if got.Name != "Emerging Leaders" || !got.StartDate.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) ||
			!got.EndDate.Equal(p.EndDate) || got.Cadence != roundtable.Monthly || got.SizeTarget != 7 ||
			!got.ApplicationsOpen || got.GroundRules != roundtable.DefaultGroundRules || !got.CreatedAt.Equal(start) {
			t.Fatalf("got %+v, want %+v", got, p)
		}
		ok, err := e.programs.IsOrganizer(as(org), p.ID)
		must(t, err)
		if !ok {
			t.Fatal("got IsOrganizer false for the creator, want true")
		}
	})
}

func TestProgramService_Access(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		other := e.user("Otto", "otto@example.org", false, true)
		admin := e.user("Ada", "ada@example.org", true, true)
		p := e.program(org, "Olga's")
		q := e.program(other, "Otto's")

		for name, ctxUser := range map[string]*roundtable.User{"OtherOrganizer": other, "Anonymous": nil} {
			t.Run(name, func(t *testing.T) {
				ctx := anon
				if ctxUser != nil {
					ctx = as(ctxUser)
				}
				_, err := e.programs.FindProgramByID(ctx, p.ID)
				wantCode(t, err, roundtable.ENOTFOUND)
				wantCode(t, e.programs.UpdateProgram(ctx, p), roundtable.ENOTFOUND)
				_, err = e.programs.ProgramStats(ctx, p.ID)
				wantCode(t, err, roundtable.ENOTFOUND)
				ok, err := e.programs.IsOrganizer(ctx, p.ID)
				if ok || err != nil {
					t.Fatalf("got IsOrganizer (%v, %v), want (false, nil)", ok, err)
				}
			})
		}
		t.Run("Admin", func(t *testing.T) {
			_, err := e.programs.FindProgramByID(as(admin), p.ID)
			must(t, err)
			list, err := e.programs.ListPrograms(as(admin))
			must(t, err)
			if len(list) != 2 || list[0].ID != q.ID {
				t.Fatalf("got %d programs, want both, newest first", len(list))
			}
		})
		t.Run("ListOwn", func(t *testing.T) {
			list, err := e.programs.ListPrograms(as(org))
			must(t, err)
			if len(list) != 1 || list[0].ID != p.ID {
				t.Fatalf("got %v, want only Olga's program", list)
			}
			list, err = e.programs.ListPrograms(anon)
			if err != nil || len(list) != 0 {
				t.Fatalf("got (%v, %v) for anonymous, want nothing", list, err)
			}
		})
		t.Run("MalformedID", func(t *testing.T) {
			for _, id := range []string{"", "x", "'; DROP TABLE programs; --", "\x00", p.ID + "0", "0190F5B2-8C3E-7000-8000-000000000000"} {
				_, err := e.programs.FindProgramByID(as(admin), id)
				wantCode(t, err, roundtable.ENOTFOUND)
				_, err = e.programs.FindOpenProgram(anon, id)
				wantCode(t, err, roundtable.ENOTFOUND)
			}
		})
		t.Run("AddOrganizer", func(t *testing.T) {
			wantCode(t, e.programs.AddOrganizer(as(other), p.ID, "otto@example.org"), roundtable.ENOTFOUND)
			must(t, e.programs.AddOrganizer(as(org), p.ID, "otto@example.org"))
			if _, err := e.programs.FindProgramByID(as(other), p.ID); err != nil {
				t.Fatalf("got %v, want Otto to organize now", err)
			}
		})
	})
}

func TestProgramService_UpdateProgram(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		e.clock.Add(time.Hour)
		p.Name, p.ApplicationsOpen, p.Cadence = "Senior Leaders", false, roundtable.Biweekly
		must(t, e.programs.UpdateProgram(as(org), p))
		got, err := e.programs.FindProgramByID(as(org), p.ID)
		must(t, err)
		if got.Name != "Senior Leaders" || got.ApplicationsOpen || got.Cadence != roundtable.Biweekly ||
			!got.UpdatedAt.Equal(start.Add(time.Hour)) || !got.CreatedAt.Equal(start) {
			t.Fatalf("got %+v, want the changes saved", got)
		}
		_, err = e.programs.FindOpenProgram(anon, p.ID)
		wantCode(t, err, roundtable.ENOTFOUND)

		p.SizeMax = 1
		wantCode(t, e.programs.UpdateProgram(as(org), p), roundtable.EINVALID)
	})
}

func TestProgramService_ProgramStats(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		c := e.circle(p.ID, "A")
		e.accepted(p.ID, "A1", "a1@example.org")
		fac := e.facilitator(c, "Fay", "fay@example.org")
		e.member(c, "A2", "a2@example.org")
		w := newApplicant(p.ID, "W", "w@example.org")
		must(t, e.applicants.Apply(anon, w))
		must(t, e.applicants.SetApplicantStatus(as(org), w.ID, roundtable.StatusWaitlisted))
		must(t, e.applicants.Apply(anon, newApplicant(p.ID, "N", "n@example.org")))
		must(t, e.meetings.CreateMeeting(as(fac), &roundtable.Meeting{CircleID: c.ID, StartsAt: start.Add(24 * time.Hour), Minutes: 60, Place: "Cafe"}))
		must(t, e.meetings.CreateMeeting(as(fac), &roundtable.Meeting{CircleID: c.ID, StartsAt: start.Add(-24 * time.Hour), Minutes: 60, Place: "Cafe"}))

		st, err := e.programs.ProgramStats(as(org), p.ID)
		must(t, err)
		want := roundtable.ProgramStats{Applicants: 4, Circles: 1, PlacedMembers: 1, UpcomingMeetings: 1}
		if st.Applicants != want.Applicants || st.Circles != want.Circles || st.PlacedMembers != want.PlacedMembers || st.UpcomingMeetings != want.UpcomingMeetings {
			t.Fatalf("got %+v, want %+v", st, want)
		}
		if st.ByStatus[roundtable.StatusAccepted] != 2 || st.ByStatus[roundtable.StatusWaitlisted] != 1 || st.ByStatus[roundtable.StatusPending] != 1 {
			t.Fatalf("got by status %v, want 2 accepted, 1 waitlisted, 1 pending", st.ByStatus)
		}
	})
}
