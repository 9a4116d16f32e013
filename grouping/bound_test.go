package grouping

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

// TestUpperBound_Valid checks on random small cohorts that the bound is never below the
// exact optimum and the greedy never above it.
func TestUpperBound_Valid(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	tight := 0
	for k := range 40 {
		lo := 3 + r.IntN(2)
		people, s := smallCohort(r, 8+r.IntN(33), lo, lo+r.IntN(3), 2)
		a, err := NewAggregate(people, s)
		if err != nil {
			t.Fatal(err)
		}
		opt := exactPlaced(a)
		g, err := PlaceGreedy(people, s)
		if err != nil {
			t.Fatal(err)
		}
		greedy := len(people) - len(g.Unplaced)
		// Bounds from a weak and from the best start both hold.
		for _, lower := range []int{0, opt} {
			b := a.UpperBound(context.Background(), lower, time.Millisecond)
			if b.Placed < opt {
				t.Fatalf("cohort %d (n=%d, sizes %d–%d): got bound %d (%.4f), below the optimum %d", k, len(people), s.Min, s.Max, b.Placed, b.Value, opt)
			}
			if lower == 0 && b.Placed == opt {
				tight++
			}
		}
		if greedy > opt {
			t.Fatalf("cohort %d: the greedy placed %d, above the optimum %d", k, greedy, opt)
		}
	}
	t.Logf("bound equal to the optimum in %d of 40 cohorts", tight)
}
