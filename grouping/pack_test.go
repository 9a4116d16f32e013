package grouping

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// fewTimesCohort is a small random cohort in UTC whose only weekly times are four 90-minute
// windows (so each person's slots are the windows they are free in): few enough times that the
// test can find the most people placeable by trying every number of circles per time.
func fewTimesCohort(r *rand.Rand, n, orgs int) []Person {
	windows := []schedule.Window{
		{Day: time.Monday, Start: 9 * 60, End: 10*60 + 30},
		{Day: time.Tuesday, Start: 13 * 60, End: 14*60 + 30},
		{Day: time.Thursday, Start: 18 * 60, End: 19*60 + 30},
		{Day: time.Friday, Start: 7 * 60, End: 8*60 + 30},
	}
	people := make([]Person, n)
	for i := range people {
		var w schedule.Week
		mask := r.IntN(16)
		for b, win := range windows {
			if mask&(1<<b) != 0 {
				w = append(w, win)
			}
		}
		org := ""
		if x := r.IntN(orgs + 2); x < orgs {
			org = fmt.Sprint("Org ", x) // the others give no organization
		}
		people[i] = Person{ID: fmt.Sprint("p", i), Name: fmt.Sprint("P", i), Level: 1 + r.IntN(5),
			Organization: org, Sector: fmt.Sprint("S", r.IntN(4)), Zone: time.UTC, Week: w}
	}
	return people
}

// mostPlaceable finds the most people of a few-times cohort any formation places: for every
// number of circles per time, a flow (person → their organization at a time → time) that first
// meets each time's lower bound and then fills it to the upper one.
func mostPlaceable(people []Person, s Settings) int {
	n := len(people)
	avail := make([][nTimes]bool, n)
	for i, p := range people {
		for _, w := range p.Week {
			avail[i][map[time.Weekday]int{time.Monday: 0, time.Tuesday: 1, time.Thursday: 2, time.Friday: 3}[w.Day]] = true
		}
	}
	best := 0
	var k [nTimes]int
	var try func(t, left int)
	try = func(t, left int) {
		if t == nTimes {
			best = max(best, placeFlow(people, avail, s, k))
			return
		}
		for k[t] = 0; k[t] <= left; k[t]++ {
			try(t+1, left-k[t])
		}
	}
	try(0, n/s.Min)
	return best
}

// nTimes is the number of weekly times of a few-times cohort.
const nTimes = 4

// placeFlow is the most people placed with k[t] circles at time t, or 0 when the lower
// bounds cannot be met. Nodes: 0 source, 1 sink, 2…5 times, then people, then (organization,
// time) pairs; capacities in a dense matrix, augmenting paths by depth-first search.
func placeFlow(people []Person, avail [][nTimes]bool, s Settings, k [nTimes]int) int {
	n := len(people)
	orgs := map[string]int{}
	for _, p := range people {
		if _, ok := orgs[p.Organization]; !ok && p.Organization != "" && s.SeparateOrganizations {
			orgs[p.Organization] = len(orgs)
		}
	}
	size := 2 + nTimes + n + nTimes*len(orgs)
	c := make([][]int, size)
	for v := range c {
		c[v] = make([]int, size)
	}
	for i, p := range people {
		c[0][2+nTimes+i] = 1
		o, ok := orgs[p.Organization]
		for t := range nTimes {
			switch {
			case !avail[i][t] || k[t] == 0:
			case ok:
				q := 2 + nTimes + n + nTimes*o + t
				c[2+nTimes+i][q] = 1
				c[q][2+t] = k[t]
			default:
				c[2+nTimes+i][2+t] = 1
			}
		}
	}
	need := 0
	for t := range nTimes {
		c[2+t][1] = s.Min * k[t]
		need += s.Min * k[t]
	}
	flow := maxFlow(c)
	if flow < need {
		return 0
	}
	for t := range nTimes {
		c[2+t][1] += (s.Max - s.Min) * k[t]
	}
	return flow + maxFlow(c)
}

// maxFlow augments c (residual capacities, changed in place) from node 0 to node 1 until no
// path is left, and returns the flow added.
func maxFlow(c [][]int) int {
	total := 0
	for {
		seen := make([]bool, len(c))
		var dfs func(v int) bool
		dfs = func(v int) bool {
			if v == 1 {
				return true
			}
			seen[v] = true
			for w, r := range c[v] {
				if r > 0 && !seen[w] && dfs(w) {
					c[v][w]--
					c[w][v]++
					return true
				}
			}
			return false
		}
		if !dfs(0) {
			return total
		}
		total++
	}
}

// TestForm_PlacesTheMost: on random small cohorts the engine places exactly as many people as
// the most any formation can (found by trying every number of circles per time).
func TestForm_PlacesTheMost(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		r := rand.New(rand.NewPCG(seed, 11))
		n := 8 + r.IntN(33)
		people := fewTimesCohort(r, n, 1+r.IntN(6))
		s := baseSettings(t)
		s.NeverAlone = nil
		s.Reference = time.UTC
		s.Seed = seed
		s.Iterations = 2000
		s.Min = 2 + r.IntN(4)
		s.Max = s.Min + r.IntN(4)
		s.SeparateOrganizations = r.IntN(3) > 0
		if splitCheck(n, &s) != "" {
			continue
		}
		f, err := Form(context.Background(), people, s)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		checkFormation(t, people, s, f)
		want := mostPlaceable(people, s)
		if got := n - len(f.Unplaced); got != want {
			t.Errorf("seed %d (n %d, sizes %d–%d, organizations apart %v): placed %d, the most placeable is %d",
				seed, n, s.Min, s.Max, s.SeparateOrganizations, got, want)
		}
	}
}

// TestPacker_FillingKeepsTheRules: whatever the packing search does, its filling of times keeps
// every rule: sizes within the circles' bounds, each organization at most once per circle,
// no keep-apart pair at a time of one circle, everyone at a time they can make.
func TestPacker_FillingKeepsTheRules(t *testing.T) {
	for seed := uint64(1); seed <= 100; seed++ {
		r := rand.New(rand.NewPCG(seed, 5))
		people := randomCohort(r, 20+r.IntN(100))
		for i := range people {
			if r.IntN(5) == 0 { // more keep-apart pairs than randomCohort gives
				people[i].Avoid = append(people[i].Avoid, fmt.Sprint("id", r.IntN(len(people))))
			}
		}
		s := baseSettings(t)
		s.Min, s.Max = 2+r.IntN(3), 4+r.IntN(3)
		md, err := newModel(people, s)
		if err != nil {
			t.Fatal(err)
		}
		var all []int32
		for i := range people {
			all = append(all, int32(i))
		}
		pk := newPacker(md, all, seed)
		pk.pack(context.Background(), time.Time{})
		checkFilling(t, pk, fmt.Sprintf("seed %d", seed))
	}
}

// checkFilling checks a packer's filling against the rules of packing: sizes per time, times
// people can make, organizations at most once per circle, keep-apart pairs out of one-circle
// times, and the count of people placed.
func checkFilling(t *testing.T, pk *packer, label string) {
	t.Helper()
	s := &pk.md.s
	placed := 0
	for tm := range pk.slot {
		k, ms := int(pk.k[tm]), pk.mem[tm]
		placed += len(ms)
		if len(ms) > 0 && (len(ms) < s.Min*k || len(ms) > s.Max*k) {
			t.Errorf("%s, time %d: %d people in %d circles of %d–%d", label, tm, len(ms), k, s.Min, s.Max)
		}
		orgs := map[int32]int{}
		for _, p := range ms {
			if !slices.Contains(pk.opts[p], int32(tm)) {
				t.Errorf("%s: person %d placed at a time they cannot make", label, p)
			}
			if o := pk.org[p]; o >= 0 {
				if orgs[o]++; orgs[o] > k {
					t.Errorf("%s, time %d: %d of one organization in %d circles", label, tm, orgs[o], k)
				}
			}
			for _, q := range pk.av[p] {
				if k == 1 && pk.at[q] == int32(tm) {
					t.Errorf("%s, time %d: a keep-apart pair in its only circle", label, tm)
				}
			}
		}
	}
	if placed != pk.placed {
		t.Errorf("%s: %d people at times, the count says %d", label, placed, pk.placed)
	}
}
