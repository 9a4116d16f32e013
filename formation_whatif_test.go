package roundtable

import (
	"slices"
	"testing"
	"time"
)

func TestFormationWhatIfs_Sentences(t *testing.T) {
	w := &FormationWhatIfs{People: 300, Placed: 148, Changes: []FormationWhatIf{
		{Change: WhatIfMinutes, Minutes: 60, SizeMin: 6, SizeMax: 8, Placed: 160},
		{Change: WhatIfSizes, Minutes: 90, SizeMin: 5, SizeMax: 8, Placed: 149},
		{Change: WhatIfOrganizations, Minutes: 90, SizeMin: 6, SizeMax: 8, Placed: 147},
	}}
	want := []string{
		"With 60-minute sessions, 12 more people would be placed.",
		"With circles of 5–8, 1 more person would be placed.",
		"If organizations were not kept apart, no more people would be placed.",
	}
	if got := w.Sentences(); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := (*FormationWhatIfs)(nil).Sentences(); got != nil {
		t.Errorf("got %q for no what-ifs, want none", got)
	}
}

// TestFormationSettings_WhatIfRuns: only changes that change something are run.
func TestFormationSettings_WhatIfRuns(t *testing.T) {
	s := &FormationSettings{SizeMin: 6, SizeMax: 8, SessionMinutes: 90, SeparateOrganizations: true, Seconds: 10,
		TimeZone: "UTC", StartDate: time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC), EndDate: time.Date(2027, 6, 28, 0, 0, 0, 0, time.UTC), Seed: 7}
	runs := s.WhatIfRuns(300)
	var got []string
	for _, r := range runs {
		got = append(got, r.What.Change)
		if r.Settings.Seed != 7 || r.Settings.Time != 2500*time.Millisecond || r.Settings.Iterations != 200_000 {
			t.Errorf("%s: got seed %d, time %v, iterations %d; want the draft's seed, 2.5 s, 200,000", r.What.Change, r.Settings.Seed, r.Settings.Time, r.Settings.Iterations)
		}
	}
	if !slices.Equal(got, []string{WhatIfMinutes, WhatIfSizes, WhatIfOrganizations}) {
		t.Fatalf("got %v, want all three changes", got)
	}
	if g := runs[0].Settings; g.Minutes != 60 || g.Min != 6 || !g.SeparateOrganizations {
		t.Errorf("got minutes %d, sizes from %d, apart %v; want only the minutes changed", g.Minutes, g.Min, g.SeparateOrganizations)
	}
	if g := runs[1].Settings; g.Minutes != 90 || g.Min != 5 || g.Max != 8 {
		t.Errorf("got minutes %d, sizes %d–%d; want only the smallest size one less", g.Minutes, g.Min, g.Max)
	}
	if g := runs[2].Settings; g.Min != 6 || g.SeparateOrganizations {
		t.Errorf("got sizes from %d, apart %v; want only organizations mixed", g.Min, g.SeparateOrganizations)
	}
	s.SessionMinutes, s.SizeMin, s.SeparateOrganizations = 60, 2, false
	if runs := s.WhatIfRuns(300); len(runs) != 0 {
		t.Errorf("got %d runs for 60-minute sessions, size 2 and organizations mixed, want none", len(runs))
	}
}
