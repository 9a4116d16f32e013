package grouping

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/roundtable/roundtable/schedule"
)

// This file finds the most people a formation can place in small cohorts exactly, to check
// the bound, the greedy and the integer program against.

// smallCohort returns n people in UTC free at overlapping morning windows on up to days days, so the
// candidate times form sets that are not nested, with a handful of organizations and some
// keep-apart pairs; circles of min…max meet for an hour.
func smallCohort(r *rand.Rand, n, lo, hi, days int) ([]Person, Settings) {
	dayNames := []string{"Mon", "Tue", "Wed"}[:1+r.IntN(days)]
	orgs := 1 + r.IntN(6)
	people := make([]Person, n)
	for i := range people {
		p := &people[i]
		p.ID = fmt.Sprintf("s%d", i)
		if r.IntN(5) != 0 {
			p.Organization = fmt.Sprintf("Org %d", r.IntN(orgs))
		}
		p.Level = 1 + r.IntN(5)
		var text string
		for _, d := range dayNames {
			// 09:00 for an hour, 09:15 for an hour, or both: starts 09:00 and 09:15 then have
			// different people, neither set inside the other.
			switch r.IntN(4) {
			case 0:
				text += d + " 09:00-10:00;"
			case 1:
				text += d + " 09:15-10:15;"
			case 2:
				text += d + " 09:00-10:15;"
			}
		}
		p.Week, _ = schedule.ParseWeek(text)
		if i > 0 && r.IntN(8) == 0 {
			p.Avoid = []string{fmt.Sprintf("s%d", r.IntN(i))}
		}
	}
	rng, _ := schedule.ParseRange("2027-01-11", "2027-03-29")
	return people, Settings{Min: lo, Max: hi, Range: rng, Minutes: 60, SeparateOrganizations: r.IntN(4) != 0, Weights: DefaultWeights()}
}

// exactPlaced returns the optimum of the aggregate's integer program: for every choice of
// circles per time, the most people a flow with lower bounds places, each keep-apart pair at a
// time of one circle split both ways.
func exactPlaced(a *Aggregate) int {
	T := len(a.At)
	y := make([]int, T)
	best := 0
	var rec func(t int)
	rec = func(t int) {
		if t == T {
			best = max(best, a.placedWithCircles(y))
			return
		}
		for k := 0; k*a.Min <= len(a.At[t]); k++ {
			y[t] = k
			rec(t + 1)
		}
	}
	rec(0)
	return best
}

// placedWithCircles is the most people placed with y[t] circles at each time t, or 0 when no
// placement fills them. The flow is the product's (flowFill); brutePlaced checks it.
func (a *Aggregate) placedWithCircles(y []int) int {
	// Keep-apart pairs at a time of one circle: one of the two stays away from it.
	type ban struct {
		t    int
		pair [2]int32
	}
	var bans []ban
	for t, at := range a.At {
		for _, pr := range a.Avoid {
			if y[t] == 1 && slices.Contains(at, pr[0]) && slices.Contains(at, pr[1]) {
				bans = append(bans, ban{t, pr})
			}
		}
	}
	best := -1
	at := make([]int32, a.N)
	for mask := 0; mask < 1<<len(bans); mask++ {
		banned := map[[2]int]bool{}
		for k, b := range bans {
			banned[[2]int{int(b.pair[(mask>>k)&1]), b.t}] = true
		}
		best = max(best, a.flowFill(y, y, banned, at))
	}
	return max(best, 0)
}

// brutePlaced tries every time (or none) for every person, checking each time's people
// directly: some number of circles y holds them, with at most y per organization, and two
// circles at least where a keep-apart pair meets. For a few people only.
func brutePlaced(a *Aggregate) int {
	choice := make([]int, a.N) // index into the person's times, or −1
	times := make([][]int, a.N)
	for t, at := range a.At {
		for _, p := range at {
			times[p] = append(times[p], t)
		}
	}
	best := 0
	var rec func(p, placed int)
	rec = func(p, placed int) {
		if placed+a.N-p <= best {
			return
		}
		if p == a.N {
			if a.timesHold(choice, times) {
				best = placed
			}
			return
		}
		for k := range times[p] {
			choice[p] = times[p][k]
			rec(p+1, placed+1)
		}
		choice[p] = -1
		rec(p+1, placed)
	}
	rec(0, 0)
	return best
}

func (a *Aggregate) timesHold(choice []int, times [][]int) bool {
	for t := range a.At {
		var at []int32
		orgMax := 0
		count := map[int32]int{}
		for p, c := range choice {
			if c == t {
				at = append(at, int32(p))
				if o := a.Org[p]; o >= 0 {
					count[o]++
					orgMax = max(orgMax, count[o])
				}
			}
		}
		if len(at) == 0 {
			continue
		}
		lo := max(orgMax, (len(at)+a.Max-1)/a.Max)
		for _, pr := range a.Avoid {
			if slices.Contains(at, pr[0]) && slices.Contains(at, pr[1]) {
				lo = max(lo, 2)
			}
		}
		if lo*a.Min > len(at) {
			return false
		}
	}
	return true
}

func TestExactPlaced_Brute(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 1))
	for k := range 60 {
		people, s := smallCohort(r, 4+r.IntN(6), 2, 3, 3)
		a, err := NewAggregate(people, s)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := exactPlaced(a), brutePlaced(a); got != want {
			t.Fatalf("cohort %d: got %d by flows, want %d by trying everything", k, got, want)
		}
	}
}
