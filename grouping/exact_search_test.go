package grouping

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

// TestExactMax_Exhaustive checks the branch-and-bound against trying every choice of circles
// per time on random small cohorts: the same optimum, and a filling that keeps every rule.
func TestExactMax_Exhaustive(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 4))
	for k := range 60 {
		lo := 2 + r.IntN(3)
		people, s := smallCohort(r, 6+r.IntN(20), lo, lo+r.IntN(3), 3)
		a, err := NewAggregate(people, s)
		if err != nil {
			t.Fatal(err)
		}
		want := exactPlaced(a)
		got, at, proven := a.exactMax(0, time.Time{})
		if !proven {
			t.Fatalf("cohort %d (n=%d): the branch-and-bound gave up", k, len(people))
		}
		if got != want {
			t.Fatalf("cohort %d (n=%d, sizes %d–%d): got %d, want %d", k, len(people), s.Min, s.Max, got, want)
		}
		if got == 0 {
			continue
		}
		choice := make([]int, a.N)
		placed := 0
		for p, u := range at {
			choice[p] = int(u)
			if u >= 0 {
				placed++
			}
		}
		if placed != got || !a.timesHold(choice, nil) {
			t.Fatalf("cohort %d: the filling places %d (want %d) or breaks a rule", k, placed, got)
		}
		// Started from the optimum, it proves it and returns nothing better.
		if again, at, proven := a.exactMax(want, time.Time{}); !proven || again != want || at != nil {
			t.Fatalf("cohort %d: from the optimum got %d, filling %v, proven %v", k, again, at != nil, proven)
		}
	}
}

// TestForm_PlacedOptimal checks on random small cohorts that Form places the optimum, that its
// bound is never below it, and that it claims the optimum only when it has it.
func TestForm_PlacedOptimal(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	claimed := 0
	for k := range 30 {
		lo := 2 + r.IntN(3)
		people, s := smallCohort(r, 6+r.IntN(20), lo, lo+r.IntN(3), 3)
		s.Seed, s.Iterations, s.Workers = uint64(k), 2000, 1
		a, err := NewAggregate(people, s)
		if err != nil {
			t.Fatal(err)
		}
		opt := exactPlaced(a)
		f, err := Form(context.Background(), people, s)
		if err != nil {
			continue // sizes that cannot split the cohort
		}
		placed := len(people) - len(f.Unplaced)
		if f.PlacedBound > 0 && f.PlacedBound < opt {
			t.Fatalf("cohort %d: bound %d below the optimum %d", k, f.PlacedBound, opt)
		}
		if f.PlacedOptimal {
			claimed++
			if placed != opt || f.PlacedBound != placed {
				t.Fatalf("cohort %d: claims the optimum placing %d (bound %d), the optimum is %d", k, placed, f.PlacedBound, opt)
			}
		}
		if placed < opt {
			t.Errorf("cohort %d (n=%d): placed %d of the possible %d", k, len(people), placed, opt)
		}
	}
	t.Logf("the optimum proven in %d of 30 cohorts", claimed)
}
