package sqldb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// formationEnv adds the formation service and a program with n accepted
// applicants from different organizations who can all meet Monday mornings.
func formationEnv(t *testing.T, e *env, n int) (*sqldb.FormationService, *roundtable.User, *roundtable.Program, []*roundtable.Applicant) {
	t.Helper()
	fs := sqldb.NewFormationService(e.db)
	t.Cleanup(fs.Close) // before the database closes
	org := e.user("Olga", "olga@example.org", false, true)
	p := e.program(org, "Leaders")
	var aps []*roundtable.Applicant
	for i := range n {
		a := newApplicant(p.ID, fmt.Sprintf("Person %02d", i), fmt.Sprintf("p%02d@example.org", i))
		a.Organization = fmt.Sprintf("Org %d", i)
		a.Sector = roundtable.Sectors[i%len(roundtable.Sectors)]
		a.Level = roundtable.Level(1 + i%3)
		a.Availability = "Mon 08:00-13:00;Wed 13:00-18:00"
		if i == 1 {
			a.Avoid = "P00@example.org; Nobody Known"
		}
		must(t, e.applicants.Apply(anon, a))
		must(t, e.applicants.SetApplicantStatus(sys, a.ID, roundtable.StatusAccepted))
		aps = append(aps, a)
	}
	return fs, org, p, aps
}

// settled waits until a draft is no longer running and returns its preview.
func settled(t *testing.T, fs *sqldb.FormationService, ctx context.Context, id string) *roundtable.FormationPreview {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		pv, err := fs.FindFormationPreview(ctx, id)
		must(t, err)
		if pv.Draft.Status != roundtable.FormationRunning {
			return pv
		}
		if time.Now().After(deadline) {
			t.Fatalf("draft %s still running after 30 s", id)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func quickSettings(p *roundtable.Program) *roundtable.FormationSettings {
	s := roundtable.DefaultFormationSettings(p)
	s.SizeMin, s.SizeMax, s.Seconds = 4, 6, 1
	return s
}

func TestFormationService_Lifecycle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		fs, org, p, aps := formationEnv(t, e, 12)
		ctx := as(org)
		e.deliver() // confirmations of the applications

		def, waiting, err := fs.FormationDefaults(ctx, p.ID)
		must(t, err)
		if def.SizeMin != p.SizeMin || def.SizeMax != p.SizeMax || def.TimeZone != p.TimeZone || def.Seconds != 10 || waiting != 12 {
			t.Fatalf("got defaults %+v and %d waiting, want the program's sizes and zone, 10 s, 12 waiting", def, waiting)
		}

		d, err := fs.StartFormation(ctx, p.ID, quickSettings(p))
		must(t, err)
		if d.ProgramID != p.ID || d.CreatedBy != org.ID || d.Settings.SessionMinutes != 90 || d.Settings.Seed == 0 {
			t.Fatalf("got draft %+v, want the program's session length, a seed and Olga as creator", d)
		}
		pv := settled(t, fs, ctx, d.ID)
		if pv.Draft.Status != roundtable.FormationReady || pv.Draft.Progress != 1 {
			t.Fatalf("got status %s (%q) progress %v, want ready at 1", pv.Draft.Status, pv.Draft.Message, pv.Draft.Progress)
		}
		if got := pv.Placed() + len(pv.Unplaced); got != 12 {
			t.Fatalf("got %d people placed or unplaced, want all 12", got)
		}
		if len(pv.Circles) < 2 {
			t.Fatalf("got %d circles, want at least 2", len(pv.Circles))
		}
		if len(pv.Avoid) != 1 || pv.Avoid[0].Who != "Person 01" || pv.Avoid[0].NotWith != "Person 00" {
			t.Fatalf("got avoid pairs %+v, want Person 01 not with Person 00", pv.Avoid)
		}
		if len(pv.Unmatched) != 1 || !contains(pv.Unmatched[0], "nobody known") {
			t.Fatalf("got unmatched %v, want the unknown name", pv.Unmatched)
		}
		for _, c := range pv.Circles {
			if len(c.Slots) == 0 {
				t.Fatalf("circle %d has no slot, want Monday or Wednesday", c.Number)
			}
			for _, m := range c.Members {
				if m.LocalTime == "" {
					t.Fatalf("member %s has no local time", m.Applicant.Name)
				}
			}
		}
		drafts, err := fs.ListFormationDrafts(ctx, p.ID)
		must(t, err)
		if len(drafts) != 1 || drafts[0].ID != d.ID || drafts[0].Result != nil {
			t.Fatalf("got drafts %+v, want the one draft without its result", drafts)
		}

		t.Run("Move", func(t *testing.T) {
			mover := pv.Circles[0].Members[0].Applicant
			must(t, fs.MoveInFormation(ctx, d.ID, mover.ID, 0))
			after, err := fs.FindFormationPreview(ctx, d.ID)
			must(t, err)
			if len(after.Circles[0].Members) != len(pv.Circles[0].Members)-1 || after.Unplaced[len(after.Unplaced)-1].Applicant.ID != mover.ID ||
				after.Unplaced[len(after.Unplaced)-1].Reason != "Moved out by hand" {
				t.Fatalf("got %+v, want %s unplaced by hand", after.Unplaced, mover.Name)
			}
			must(t, fs.MoveInFormation(ctx, d.ID, mover.ID, 2))
			after, err = fs.FindFormationPreview(ctx, d.ID)
			must(t, err)
			if last := after.Circles[1].Members[len(after.Circles[1].Members)-1]; last.Applicant.ID != mover.ID {
				t.Fatalf("got last of circle 2 %s, want %s", last.Applicant.Name, mover.Name)
			}
			wantCode(t, fs.MoveInFormation(ctx, d.ID, mover.ID, 99), roundtable.EINVALID)
			wantCode(t, fs.MoveInFormation(ctx, d.ID, "nobody", 1), roundtable.EINVALID)
		})

		t.Run("Publish", func(t *testing.T) {
			pv := settled(t, fs, ctx, d.ID)
			res, err := fs.PublishFormation(ctx, d.ID)
			must(t, err)
			if res.Circles != len(pv.Circles) || res.Invitations != pv.Placed() {
				t.Fatalf("got %+v, want %d circles and %d invitations", res, len(pv.Circles), pv.Placed())
			}
			list, err := e.circles.ListCircles(ctx, p.ID)
			must(t, err)
			if len(list) != len(pv.Circles) || list[0].Name != "Circle 1" || list[0].TimeZone != p.TimeZone || list[0].Slot == "" {
				t.Fatalf("got circles %+v, want Circle 1… in %s with a slot", list, p.TimeZone)
			}
			total := 0
			for _, c := range list {
				total += c.MemberCount
			}
			if total != pv.Placed() {
				t.Fatalf("got %d members, want %d", total, pv.Placed())
			}
			invites := 0
			for _, m := range e.deliver() {
				if inviteRE.MatchString(m.Text) {
					invites++
				}
			}
			if invites != pv.Placed() {
				t.Fatalf("got %d invitation e-mails, want %d", invites, pv.Placed())
			}
			got, err := fs.FindFormationPreview(ctx, d.ID)
			must(t, err)
			if got.Draft.Status != roundtable.FormationPublished || len(got.Conflicts) != 0 {
				t.Fatalf("got status %s conflicts %v, want published without conflicts", got.Draft.Status, got.Conflicts)
			}
			_, err = fs.PublishFormation(ctx, d.ID)
			wantCode(t, err, roundtable.ECONFLICT)
			wantCode(t, fs.MoveInFormation(ctx, d.ID, aps[0].ID, 0), roundtable.ECONFLICT)
		})
	})
}

func TestFormationService_ErrNotFound(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		fs, org, p, _ := formationEnv(t, e, 6)
		stranger := e.user("Sam", "sam@example.org", false, true)
		d, err := fs.StartFormation(as(org), p.ID, quickSettings(p))
		must(t, err)
		settled(t, fs, as(org), d.ID)
		for _, ctx := range []context.Context{anon, as(stranger)} {
			_, _, err := fs.FormationDefaults(ctx, p.ID)
			wantCode(t, err, roundtable.ENOTFOUND)
			_, err = fs.StartFormation(ctx, p.ID, quickSettings(p))
			wantCode(t, err, roundtable.ENOTFOUND)
			_, err = fs.ListFormationDrafts(ctx, p.ID)
			wantCode(t, err, roundtable.ENOTFOUND)
			_, err = fs.FindFormationPreview(ctx, d.ID)
			wantCode(t, err, roundtable.ENOTFOUND)
			wantCode(t, fs.MoveInFormation(ctx, d.ID, "x", 0), roundtable.ENOTFOUND)
			_, err = fs.PublishFormation(ctx, d.ID)
			wantCode(t, err, roundtable.ENOTFOUND)
		}
		_, err = fs.FindFormationPreview(as(org), "not-an-id")
		wantCode(t, err, roundtable.ENOTFOUND)
		// An administrator organizes every program.
		admin := e.user("Ada", "ada@example.org", true, false)
		_, err = fs.FindFormationPreview(as(admin), d.ID)
		must(t, err)
	})
}

func TestFormationService_StartFormation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		fs, org, p, _ := formationEnv(t, e, 3)
		t.Run("ErrInvalid", func(t *testing.T) {
			s := quickSettings(p)
			s.SizeMin, s.SizeMax, s.Seconds, s.TimeZone = 9, 3, 500, "Mars/Base"
			s.Weights["weight_level"] = "huge"
			_, err := fs.StartFormation(as(org), p.ID, s)
			wantCode(t, err, roundtable.EINVALID)
			for _, f := range []string{"size_max", "seconds", "time_zone", "weight_level"} {
				if _, ok := roundtable.ErrorFields(err)[f]; !ok {
					t.Errorf("got fields %v, want a message for %s", roundtable.ErrorFields(err), f)
				}
			}
		})
		t.Run("SettingsError", func(t *testing.T) {
			// Three people cannot fill a circle of at least four.
			d, err := fs.StartFormation(as(org), p.ID, quickSettings(p))
			must(t, err)
			pv := settled(t, fs, as(org), d.ID)
			if pv.Draft.Status != roundtable.FormationFailed || pv.Draft.Message == "" || strings.Contains(pv.Draft.Message, "grouping") {
				t.Fatalf("got %s %q, want failed with a message for organizers", pv.Draft.Status, pv.Draft.Message)
			}
		})
		t.Run("ErrNobodyWaiting", func(t *testing.T) {
			q := e.program(org, "Empty")
			_, err := fs.StartFormation(as(org), q.ID, quickSettings(q))
			wantCode(t, err, roundtable.EINVALID)
		})
		t.Run("Stale", func(t *testing.T) {
			// A run whose instance stopped stays running in the database.
			id := "01900000-0000-7000-8000-000000000001"
			must(t, sqldb.ExecForTest(context.Background(), e.db, `
				INSERT INTO formation_drafts (id, program_id, settings, status, progress, message, result, created_by, created_at, updated_at)
				VALUES ($1, $2, '{"Seconds":10}', 'running', 0.2, '', '', NULL, $3, $4)`, id, p.ID, start.UnixMilli(), start.UnixMilli()))
			pv, err := fs.FindFormationPreview(as(org), id)
			must(t, err)
			if pv.Draft.Status != roundtable.FormationRunning {
				t.Fatalf("got %s, want running within the budget", pv.Draft.Status)
			}
			e.clock.Add(2 * time.Minute)
			pv, err = fs.FindFormationPreview(as(org), id)
			must(t, err)
			if pv.Draft.Status != roundtable.FormationFailed || pv.Draft.Message == "" {
				t.Fatalf("got %s %q, want failed with a reason", pv.Draft.Status, pv.Draft.Message)
			}
		})
	})
}

func TestFormationService_PublishFormation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		fs, org, p, _ := formationEnv(t, e, 10)
		ctx := as(org)
		d, err := fs.StartFormation(ctx, p.ID, quickSettings(p))
		must(t, err)
		pv := settled(t, fs, ctx, d.ID)
		if pv.Draft.Status != roundtable.FormationReady {
			t.Fatalf("got %s %q, want ready", pv.Draft.Status, pv.Draft.Message)
		}
		e.deliver()

		t.Run("ErrConflict", func(t *testing.T) {
			// Someone of the draft is placed by hand meanwhile.
			taken := pv.Circles[len(pv.Circles)-1].Members[0].Applicant
			other := e.circle(p.ID, "Elsewhere")
			must(t, e.circles.PlaceApplicant(ctx, other.ID, taken.ID))
			e.deliver()

			got, err := fs.FindFormationPreview(ctx, d.ID)
			must(t, err)
			if len(got.Conflicts) != 1 || !contains(got.Conflicts[0], taken.Name) {
				t.Fatalf("got conflicts %v, want %s named", got.Conflicts, taken.Name)
			}
			_, err = fs.PublishFormation(ctx, d.ID)
			wantCode(t, err, roundtable.ECONFLICT)
			if msg := roundtable.ErrorMessage(err); !contains(msg, taken.Name) {
				t.Fatalf("got %q, want %s named", msg, taken.Name)
			}
			// All or nothing: no circle, membership or e-mail came of it.
			list, err := e.circles.ListCircles(ctx, p.ID)
			must(t, err)
			if len(list) != 1 {
				t.Fatalf("got %d circles, want only Elsewhere", len(list))
			}
			if msgs := e.deliver(); len(msgs) != 0 {
				t.Fatalf("got %d e-mails, want none", len(msgs))
			}
			again, err := fs.FindFormationPreview(ctx, d.ID)
			must(t, err)
			if again.Draft.Status != roundtable.FormationReady {
				t.Fatalf("got %s, want still ready", again.Draft.Status)
			}

			// Moving them out clears the way.
			must(t, fs.MoveInFormation(ctx, d.ID, taken.ID, 0))
			res, err := fs.PublishFormation(ctx, d.ID)
			must(t, err)
			if res.Invitations != pv.Placed()-1 {
				t.Fatalf("got %d invitations, want %d", res.Invitations, pv.Placed()-1)
			}
			list, err = e.circles.ListCircles(ctx, p.ID)
			must(t, err)
			if len(list) != 1+res.Circles {
				t.Fatalf("got %d circles, want %d", len(list), 1+res.Circles)
			}
		})
	})
}
