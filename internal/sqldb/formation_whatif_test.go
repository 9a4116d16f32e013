package sqldb_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/grouping"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// whatIfEnv adds a program whose 15 accepted people no circle of 4–6 with
// organizations kept apart can hold: ten free on Monday mornings come from
// three organizations, five of five others are free for one hour on Tuesdays.
func whatIfEnv(t *testing.T, e *env) (*sqldb.FormationService, *roundtable.User, *roundtable.Program) {
	t.Helper()
	fs := sqldb.NewFormationService(e.db)
	t.Cleanup(fs.Close)
	org := e.user("Olga", "olga@example.org", false, true)
	p := e.program(org, "Leaders")
	for i := range 15 {
		a := newApplicant(p.ID, fmt.Sprintf("Person %02d", i), fmt.Sprintf("p%02d@example.org", i))
		a.Organization, a.Availability = fmt.Sprintf("Org %d", i%3), "Mon 08:00-13:00"
		if i >= 10 {
			a.Organization, a.Availability = fmt.Sprintf("Solo %d", i), "Tue 08:00-09:00"
		}
		must(t, e.applicants.Apply(anon, a))
		must(t, e.applicants.SetApplicantStatus(sys, a.ID, roundtable.StatusAccepted))
	}
	return fs, org, p
}

// whatIfsOf waits until a ready draft's what-ifs are stored.
func whatIfsOf(t *testing.T, fs *sqldb.FormationService, ctx context.Context, id string) *roundtable.FormationPreview {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		pv := settled(t, fs, ctx, id)
		if w := pv.Draft.WhatIf; w != nil && !w.Pending {
			return pv
		}
		if time.Now().After(deadline) {
			t.Fatalf("draft %s: what-ifs not stored after 60 s (%+v)", id, pv.Draft.WhatIf)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestFormationService_WhatIf: the draft's what-ifs are the counts of separate
// re-runs with each setting changed, and say so in sentences.
func TestFormationService_WhatIf(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		fs, org, p := whatIfEnv(t, e)
		ctx := as(org)
		set := roundtable.DefaultFormationSettings(p)
		set.SizeMin, set.SizeMax, set.Seconds, set.SeparateOrganizations = 4, 6, 1, true
		d, err := fs.StartFormation(ctx, p.ID, set)
		must(t, err)
		pv := whatIfsOf(t, fs, ctx, d.ID)
		w := pv.Draft.WhatIf
		if w.People != 15 || w.Placed != pv.Placed() || w.Placed != 0 {
			t.Fatalf("got what-ifs of %d people, %d placed; want 15 and the draft's %d (none)", w.People, w.Placed, pv.Placed())
		}
		// Five meet for an hour on Tuesdays; the ten of three organizations
		// meet in two circles when organizations mix, in up to three circles
		// of 3 (as many as the search finds) with smaller circles.
		sizes := 0
		for _, c := range w.Changes {
			if c.Change == roundtable.WhatIfSizes {
				sizes = c.Placed
			}
		}
		want := []string{
			"With 60-minute sessions, 5 more people would be placed.",
			fmt.Sprintf("With circles of 3–6, %d more people would be placed.", sizes),
			"If organizations were not kept apart, 10 more people would be placed.",
		}
		if got := w.Sentences(); !slices.Equal(got, want) || sizes < 6 || sizes > 9 {
			t.Errorf("got sentences %q, want %q with 6 to 9 more for the sizes", got, want)
		}

		// Each count is that of a separate run with the one setting changed.
		people, err := sqldb.WaitingPeopleForTest(context.Background(), e.db, p.ID)
		must(t, err)
		s := pv.Draft.Settings
		edits := map[string]func(*roundtable.FormationSettings){
			roundtable.WhatIfMinutes:       func(s *roundtable.FormationSettings) { s.SessionMinutes = 60 },
			roundtable.WhatIfSizes:         func(s *roundtable.FormationSettings) { s.SizeMin-- },
			roundtable.WhatIfOrganizations: func(s *roundtable.FormationSettings) { s.SeparateOrganizations = false },
		}
		for _, c := range w.Changes {
			changed := s
			edits[c.Change](&changed)
			gs := changed.Grouping()
			gs.Time, gs.Iterations = roundtable.WhatIfBudget(s.Seconds), max(200_000, 500*int64(len(people)))
			f, err := grouping.Form(context.Background(), people, gs)
			must(t, err)
			if got := roundtable.PlacedIn(f); got != c.Placed {
				t.Errorf("%s: stored %d placed, a separate run placed %d", c.Change, c.Placed, got)
			}
		}

		// The settings page lists drafts with their what-ifs.
		drafts, err := fs.ListFormationDrafts(ctx, p.ID)
		must(t, err)
		if len(drafts) != 1 || drafts[0].WhatIf == nil || len(drafts[0].WhatIf.Changes) != 3 {
			t.Fatalf("got drafts %+v, want the draft with its 3 what-ifs", drafts)
		}
	})
}
