package roundtable

import (
	"context"
	"fmt"
	"time"

	"github.com/roundtable/roundtable/grouping"
)

// What-ifs answer the organizer's question "what would place more people?"
// with real runs of placement, each with one setting changed, never with an
// estimate: the same people, the same seed, a bounded budget.

// What-if changes.
const (
	WhatIfMinutes       = "minutes"       // 60-minute sessions
	WhatIfSizes         = "sizes"         // circles one smaller at the least
	WhatIfOrganizations = "organizations" // organizations not kept apart
)

// FormationWhatIf is one re-run of a formation with one setting changed.
type FormationWhatIf struct {
	Change           string // one of the WhatIf constants
	Minutes          int    // the session length of the re-run
	SizeMin, SizeMax int    // the circle sizes of the re-run
	Placed           int    // people the re-run placed
}

// FormationWhatIfs are a draft's what-ifs: how many people its own run
// placed, and what each re-run placed.
type FormationWhatIfs struct {
	// Pending is true while the re-runs are under way.
	Pending bool `json:",omitempty"`
	People  int  // people the draft was formed from
	Placed  int  // people the draft's own run placed
	Changes []FormationWhatIf
}

// Sentences writes each re-run as a sentence for organizers, like "With
// 60-minute sessions, 12 more people would be placed."
func (w *FormationWhatIfs) Sentences() []string {
	if w == nil {
		return nil
	}
	var out []string
	for _, c := range w.Changes {
		var with string
		switch c.Change {
		case WhatIfMinutes:
			with = fmt.Sprintf("With %d-minute sessions", c.Minutes)
		case WhatIfSizes:
			with = fmt.Sprintf("With circles of %d–%d", c.SizeMin, c.SizeMax)
		case WhatIfOrganizations:
			with = "If organizations were not kept apart"
		default:
			continue
		}
		switch more := c.Placed - w.Placed; {
		case more <= 0:
			out = append(out, with+", no more people would be placed.")
		case more == 1:
			out = append(out, with+", 1 more person would be placed.")
		default:
			out = append(out, fmt.Sprintf("%s, %d more people would be placed.", with, more))
		}
	}
	return out
}

// WhatIfRun is one re-run to make: the change and the engine's settings.
type WhatIfRun struct {
	What     FormationWhatIf
	Settings grouping.Settings
}

// WhatIfBudget is the most time one re-run of n people may take.
func WhatIfBudget(seconds int) time.Duration {
	return min(5*time.Second, max(time.Second, time.Duration(seconds)*time.Second/4))
}

// WhatIfRuns lists the re-runs worth making for settings s (a draft's, with
// its seed) and n people: 60-minute sessions when they are longer, the
// smallest size one less when that leaves at least 2, organizations not kept
// apart when they are. Each runs a fixed number of search steps, so a re-run
// with the same settings places the same people, within WhatIfBudget.
func (s *FormationSettings) WhatIfRuns(n int) []WhatIfRun {
	base := s.Grouping()
	base.Time = WhatIfBudget(s.Seconds)
	base.Iterations = max(200_000, 500*int64(n))
	var out []WhatIfRun
	add := func(change string, edit func(*grouping.Settings)) {
		g := base
		edit(&g)
		out = append(out, WhatIfRun{
			What:     FormationWhatIf{Change: change, Minutes: g.Minutes, SizeMin: g.Min, SizeMax: g.Max},
			Settings: g,
		})
	}
	if s.SessionMinutes > 60 {
		add(WhatIfMinutes, func(g *grouping.Settings) { g.Minutes = 60 })
	}
	if s.SizeMin > 2 {
		add(WhatIfSizes, func(g *grouping.Settings) { g.Min-- })
	}
	if s.SeparateOrganizations {
		add(WhatIfOrganizations, func(g *grouping.Settings) { g.SeparateOrganizations = false })
	}
	return out
}

// RunWhatIfs makes the re-runs of s for people, whose own run placed placed.
// A re-run the changed settings cannot make (no split of the people fits
// them) is left out; a cancelled ctx returns nil.
func RunWhatIfs(ctx context.Context, people []grouping.Person, s *FormationSettings, placed int) *FormationWhatIfs {
	out := &FormationWhatIfs{People: len(people), Placed: placed, Changes: []FormationWhatIf{}}
	for _, run := range s.WhatIfRuns(len(people)) {
		f, err := grouping.Form(ctx, people, run.Settings)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			continue
		}
		run.What.Placed = PlacedIn(f)
		out.Changes = append(out.Changes, run.What)
	}
	return out
}

// PlacedIn counts the people in a formation's circles.
func PlacedIn(f *grouping.Formation) int {
	n := 0
	for _, c := range f.Circles {
		n += len(c.Members)
	}
	return n
}
