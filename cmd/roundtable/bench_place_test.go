package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable/grouping"
	"github.com/roundtable/roundtable/internal/testnote"
)

func TestBench_Place(t *testing.T) {
	// CBC is left out: the test must pass where it is not installed.
	code, stdout, stderr := runCLI(t, "bench", "place", "--n", "40,70", "--seeds", "1", "--seconds", "0.2", "--bound-seconds", "0.1", "--cbc-seconds", "0", "--spread-seconds", "0")
	if code != 0 {
		t.Fatalf("got exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"Realistic cohorts", "engine", "greedy", "bound", "optimum (CBC)", "spread engine", "score engine",
		"Targets:", "n ≤ 500: at least 98 % of the optimum within 10 s", "n ≥ 1,000", "mean level spread inside circles"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("got %q, want it to contain %q", stdout, want)
		}
	}
	lines := strings.Split(stdout, "\n")
	rows := 0
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 2 && (f[0] == "40" || f[0] == "70") && f[1] == "1" {
			rows++
		}
	}
	if rows != 2 {
		t.Errorf("got %d cohort rows, want 2\n%s", rows, stdout)
	}
}

func TestBench_PlaceUsage(t *testing.T) {
	for _, args := range [][]string{{"--n", "60,x"}, {"--n", "0"}, {"--seeds", "0"}, {"--cbc-seconds", "-1"}} {
		code, stdout, stderr := runCLI(t, append([]string{"bench", "place"}, args...)...)
		if code != 2 || stderr == "" {
			t.Errorf("%v: got exit %d and %q, want exit 2 and a message\n%s", args, code, stderr, stdout)
		}
	}
}

// TestSolveCBC runs only where Debian's coinor-cbc is installed: the optimum CBC proves lies
// between the greedy and our bound, and its circles meet every hard rule.
func TestSolveCBC(t *testing.T) {
	if _, err := lookCBC(); err != nil {
		testnote.Skip(t, "bench place's exact optimum NOT TESTED: no cbc on the PATH (optional, for the benchmark only: apt-get install coinor-cbc)")
	}
	for _, n := range []int{50, 90} {
		people, s := grouping.GenerateCohort(n, 3)
		a, err := grouping.NewAggregate(people, s)
		if err != nil {
			t.Fatal(err)
		}
		g, err := grouping.PlaceGreedy(people, s)
		if err != nil {
			t.Fatal(err)
		}
		// With and without a starting solution.
		var start [][]int
		if n == 90 {
			start = circlesOf(g)
		}
		o, err := solveCBC(context.Background(), a, 30, 3, start)
		if err != nil {
			t.Fatal(err)
		}
		b := a.UpperBound(context.Background(), 0, 50*time.Millisecond)
		greedy := n - len(g.Unplaced)
		if !o.optimal || !o.dealt || o.best < greedy || o.best > b.Placed {
			t.Errorf("n=%d: got optimum %d (optimal %v, dealt %v), want it proven, dealt, between the greedy's %d and the bound %d",
				n, o.best, o.optimal, o.dealt, greedy, b.Placed)
		}
		if problems := checkOptimum(people, s, o, n, 3); len(problems) > 0 {
			t.Errorf("n=%d: %v", n, problems)
		}
	}
}

// TestFloorOfSpread runs only where coinor-cbc is installed: twelve people free at the same
// time, five at level 1 and seven at level 5, in circles of 6–8. Placing all twelve takes two
// circles, and the five at level 1 need someone else: the lowest mean spread is (4 + 0) / 2.
// Six and six can meet apart, with no spread at all.
func TestFloorOfSpread(t *testing.T) {
	if _, err := lookCBC(); err != nil {
		testnote.Skip(t, "bench place's level spread floor NOT TESTED: no cbc on the PATH (optional, for the benchmark only: apt-get install coinor-cbc)")
	}
	people, s := grouping.GenerateCohort(12, 1)
	s.SeparateOrganizations, s.NeverAlone = false, nil
	for _, tc := range []struct {
		ones int
		want float64
	}{{5, 2.0}, {6, 0.0}} {
		levels := make([]int, len(people))
		for i := range people {
			people[i].Week, people[i].Zone, people[i].Avoid = people[0].Week, people[0].Zone, nil
			levels[i] = 5
			if i < tc.ones {
				levels[i] = 1
			}
			people[i].Level = levels[i]
		}
		a, err := grouping.NewAggregate(people, s)
		if err != nil {
			t.Fatal(err)
		}
		f, err := floorOfSpread(context.Background(), a, levels, 12, 4.0, 30, nil)
		if err != nil {
			t.Fatal(err)
		}
		if f == nil || !f.exact || f.best != tc.want || f.lower != tc.want || f.allows1() != (tc.want <= 1) {
			t.Errorf("%d at level 1: got %+v, want the lowest mean spread %.1f, proven", tc.ones, f, tc.want)
		}
	}
}
