package grouping

import (
	"math/bits"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// Aggregate is the packing problem beneath placement, with the diversity goals left out: which
// weekly time each placed person meets at, and how many circles each time holds. It is what the
// greedy baseline, the upper bound and the benchmark's exact integer program work on.
//
// The integer program over it: y_t ≥ 0 integer circles at time t, x_pt ∈ {0, 1} for each
// person p who can make t, maximising Σ x_pt subject to
//
//	Σ_t x_pt ≤ 1                       each person at one time at most
//	Min·y_t ≤ Σ_p x_pt ≤ Max·y_t       the circles at t hold everyone placed there
//	Σ_{p∈o} x_pt ≤ y_t                 each organization at most once per circle (when kept apart)
//	x_pt + x_qt ≤ y_t                  a keep-apart pair shares a time only if it holds two circles
//
// Every formation gives a solution (each circle at one of its common slots), so the optimum is
// an upper bound on the people any formation places. It is also reached: at a time with y
// circles and k people, list the people organization by organization and deal them
// round-robin into the y circles; sizes come out ⌊k/y⌋ or ⌈k/y⌉, within Min…Max, and the
// at most y members of an organization are consecutive, so they land in different circles.
// Only keep-apart pairs at a time of two or more circles can defeat the deal (three people who
// all avoid each other cannot fit in two circles); Deal tries other deals, and the benchmark
// says when none worked. With 3 % naming one person, that is rare.
type Aggregate struct {
	N, Min, Max int
	// Times are the candidate weekly times: of the slots on the 15-minute grid every person
	// who can make them can make on every week, one for each distinct set of people, leaving
	// out any whose people all make another (circles there could meet at the other).
	Times []schedule.Slot
	At    [][]int32 // the people who can make each time, ascending
	Org   []int32   // each person's organization, −1 for none given or when not kept apart
	Orgs  int       // distinct organizations
	Avoid [][2]int32
}

// NewAggregate builds the packing problem of people under settings s, with the slot sets the
// engine computes (schedule.Plan.Slots of each person's week in their zone). A fixed number of
// circles (Settings.Circles) is not part of it: the bound holds, the greedy ignores it.
func NewAggregate(people []Person, s Settings) (*Aggregate, error) {
	if err := validate(&s); err != nil {
		return nil, err
	}
	plan, err := newPlan(s)
	if err != nil {
		return nil, err
	}
	n := len(people)
	a := &Aggregate{N: n, Min: s.Min, Max: s.Max, Org: make([]int32, n)}
	ids := map[string]int32{}
	byID := map[string]int32{}
	for i, p := range people {
		a.Org[i] = -1
		if key := normKey(p.Organization); key != "" && s.SeparateOrganizations {
			id, ok := ids[key]
			if !ok {
				id = int32(len(ids))
				ids[key] = id
			}
			a.Org[i] = id
		}
		if p.ID != "" {
			byID[p.ID] = int32(i)
		}
	}
	a.Orgs = len(ids)
	seen := map[[2]int32]bool{}
	for i, p := range people {
		for _, id := range p.Avoid {
			j, ok := byID[id]
			if !ok || int(j) == i {
				continue
			}
			pair := [2]int32{min(int32(i), j), max(int32(i), j)}
			if !seen[pair] {
				seen[pair] = true
				a.Avoid = append(a.Avoid, pair)
			}
		}
	}
	a.keepMaximal(slotPeople(n, func(i int) schedule.SlotSet { return plan.Slots(people[i].Week, people[i].Zone) }))
	return a, nil
}

// slotPeople returns the people of each slot, as bit sets over the n people (nil: nobody),
// slots(i) being person i's slots.
func slotPeople(n int, slots func(i int) schedule.SlotSet) [][]uint64 {
	words := (n + 63) / 64
	sets := make([][]uint64, schedule.NumSlots)
	for i := range n {
		slots(i).Each(func(sl schedule.Slot) bool {
			k := slotIndex(sl)
			if sets[k] == nil {
				sets[k] = make([]uint64, words)
			}
			sets[k][i/64] |= 1 << (i % 64)
			return true
		})
	}
	return sets
}

// keepMaximal keeps one slot per distinct set of people, dropping sets inside another: the
// circles of a dropped time could all meet at the larger one.
func (a *Aggregate) keepMaximal(sets [][]uint64) {
	var idx []int
	for k, s := range sets {
		if s != nil {
			idx = append(idx, k)
		}
	}
	size := func(s []uint64) int {
		c := 0
		for _, w := range s {
			c += bits.OnesCount64(w)
		}
		return c
	}
	// Larger sets first, so a set need only be compared with those kept before it.
	slices.SortStableFunc(idx, func(x, y int) int { return size(sets[y]) - size(sets[x]) })
	var kept []int
	for _, k := range idx {
		inside := slices.ContainsFunc(kept, func(j int) bool { return subset(sets[k], sets[j]) })
		if !inside {
			kept = append(kept, k)
		}
	}
	slices.Sort(kept)
	for _, k := range kept {
		m := k * schedule.Step
		a.Times = append(a.Times, schedule.Slot{Day: time.Weekday(m / (24 * 60)), Start: m % (24 * 60)})
		var at []int32
		for w, word := range sets[k] {
			for word != 0 {
				at = append(at, int32(w*64+bits.TrailingZeros64(word)))
				word &= word - 1
			}
		}
		a.At = append(a.At, at)
	}
}

// subset reports whether every bit of s is in t.
func subset(s, t []uint64) bool {
	for i := range s {
		if s[i]&^t[i] != 0 {
			return false
		}
	}
	return true
}

// Reachable counts the people who can make at least one time.
func (a *Aggregate) Reachable() int {
	seen := make([]bool, a.N)
	c := 0
	for _, at := range a.At {
		for _, p := range at {
			if !seen[p] {
				seen[p] = true
				c++
			}
		}
	}
	return c
}

// Deal splits people who meet at one time into y circles: blocks of one organization each,
// dealt round-robin, so sizes differ by one at most and no two of an organization share a
// circle when no organization has more than y. Keep-apart pairs are met by trying other
// orders of blocks and of people inside them; it returns false when sizes cannot fit Min…Max,
// an organization has more than y people, or no order tried kept every pair apart.
func (a *Aggregate) Deal(people []int32, y int, r *rand.Rand) ([][]int, bool) {
	if y < 1 || len(people) < a.Min*y || len(people) > a.Max*y {
		return nil, false
	}
	blocks := map[int32][]int32{}
	var keys []int32
	solo := int32(-1)
	for _, p := range people {
		k := a.Org[p]
		if k < 0 {
			k, solo = solo, solo-1 // without an organization, a block of one's own
		}
		if blocks[k] == nil {
			keys = append(keys, k)
		}
		blocks[k] = append(blocks[k], p)
	}
	for _, k := range keys {
		if len(blocks[k]) > y {
			return nil, false
		}
	}
	var circles [][]int
	for try := range 500 {
		if try > 0 {
			r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
			for _, k := range keys {
				b := blocks[k]
				r.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
			}
		}
		circles = make([][]int, y)
		j := 0
		for _, k := range keys {
			for _, p := range blocks[k] {
				circles[j%y] = append(circles[j%y], int(p))
				j++
			}
		}
		if a.apart(circles) {
			return circles, true
		}
	}
	return circles, false
}

// apart reports whether no circle holds a keep-apart pair.
func (a *Aggregate) apart(circles [][]int) bool {
	in := make(map[int32]int, 8*len(circles))
	for c, m := range circles {
		for _, p := range m {
			in[int32(p)] = c
		}
	}
	for _, pr := range a.Avoid {
		c0, ok0 := in[pr[0]]
		c1, ok1 := in[pr[1]]
		if ok0 && ok1 && c0 == c1 {
			return false
		}
	}
	return true
}
