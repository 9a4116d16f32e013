package grouping

import (
	"cmp"
	"math"
	"slices"

	"github.com/roundtable/roundtable/schedule"
)

// Dealing the people of one time into its circles. Circles of neighbouring levels score best
// on level, so people are dealt in level order into consecutive circles; a person who would
// meet someone of her organization or someone to be kept apart from waits for the next
// circle, and what is left is settled by swaps between the time's circles. Should that fail,
// dealing round the circles in organization order keeps organizations apart by construction.

// circlesAt is the number of circles for c people at time t: as near the middle size as the
// bounds, the largest organization and keep-apart pairs allow (the packing's own number when
// the settings fix how many circles there are).
func (pk *packer) circlesAt(t int32) int {
	s := &pk.md.s
	if s.Circles > 0 {
		return int(pk.k[t])
	}
	c := len(pk.mem[t])
	lo, hi := (c+s.Max-1)/s.Max, c/s.Min
	need := 1
	orgs := map[int32]int{}
	for _, p := range pk.mem[t] {
		if o := pk.org[p]; o >= 0 {
			orgs[o]++
			need = max(need, orgs[o])
		}
		if need < 2 && pk.clash(p, t, -1) {
			need = 2
		}
	}
	lo = max(lo, need)
	if lo > hi {
		return int(pk.k[t])
	}
	m := int(math.Round(float64(c) / (float64(s.Min+s.Max) / 2)))
	return min(max(m, lo), hi)
}

// deal returns the circles of time t as lists of local people.
func (pk *packer) deal(t int32) [][]int32 {
	k := pk.circlesAt(t)
	ms := slices.Clone(pk.mem[t])
	slices.SortStableFunc(ms, func(a, b int32) int {
		return cmp.Or(cmp.Compare(pk.md.level(pk.who[a]), pk.md.level(pk.who[b])), cmp.Compare(a, b))
	})
	size := make([]int, k)
	for g := range size {
		size[g] = len(ms) / k
		if g < len(ms)%k {
			size[g]++
		}
	}
	cs := make([][]int32, k)
	var wait []int32
	next := 0
	for g := range cs {
		keep := wait[:0:0]
		for _, p := range wait {
			if len(cs[g]) < size[g] && !pk.conflict(cs[g], p, -1) {
				cs[g] = append(cs[g], p)
			} else {
				keep = append(keep, p)
			}
		}
		wait = keep
		for len(cs[g]) < size[g] && next < len(ms) {
			p := ms[next]
			next++
			if pk.conflict(cs[g], p, -1) {
				wait = append(wait, p)
			} else {
				cs[g] = append(cs[g], p)
			}
		}
	}
	for _, p := range wait {
		for g := range cs {
			if len(cs[g]) < size[g] {
				cs[g] = append(cs[g], p)
				break
			}
		}
	}
	if !pk.settle(cs) {
		cs = pk.roundRobin(ms, k)
		pk.settle(cs)
	}
	return cs
}

// conflict reports whether p shares an organization or a keep-apart pair with a member of c
// other than skip.
func (pk *packer) conflict(c []int32, p, skip int32) bool {
	for _, q := range c {
		if q == p || q == skip {
			continue
		}
		if o := pk.org[p]; o >= 0 && pk.org[q] == o || slices.Contains(pk.av[p], q) {
			return true
		}
	}
	return false
}

// settle swaps people in conflict with people of other circles, nearest level first, until
// none is left; it reports success.
func (pk *packer) settle(cs [][]int32) bool {
	for pass := 0; pass < 4; pass++ {
		clean := true
		for g := range cs {
			for a := 0; a < len(cs[g]); a++ {
				x := cs[g][a]
				if !pk.conflict(cs[g], x, -1) {
					continue
				}
				clean = false
				if h, b := pk.swapFor(cs, g, x); h >= 0 {
					cs[g][a], cs[h][b] = cs[h][b], x
				}
			}
		}
		if clean {
			return true
		}
	}
	for g := range cs {
		for _, x := range cs[g] {
			if pk.conflict(cs[g], x, -1) {
				return false
			}
		}
	}
	return true
}

// swapFor finds the member y of another circle (h, index b) that x in circle g can trade
// places with, both then free of conflicts, with the level nearest x's; h is −1 for none.
func (pk *packer) swapFor(cs [][]int32, g int, x int32) (h, b int) {
	h, b = -1, -1
	lx := pk.md.level(pk.who[x])
	best := int32(math.MaxInt32)
	for h2 := range cs {
		if h2 == g {
			continue
		}
		for b2, y := range cs[h2] {
			d := pk.md.level(pk.who[y]) - lx
			d = max(d, -d)
			if d >= best || pk.conflict(cs[g], y, x) || pk.conflict(cs[h2], x, y) {
				continue
			}
			h, b, best = h2, b2, d
		}
	}
	return h, b
}

// roundRobin deals ms round the k circles with each organization's people in a row, so no
// circle gets two of one organization when none has more than k people.
func (pk *packer) roundRobin(ms []int32, k int) [][]int32 {
	size := map[int32]int{}
	for _, p := range ms {
		size[pk.org[p]]++
	}
	order := slices.Clone(ms)
	slices.SortStableFunc(order, func(a, b int32) int {
		oa, ob := pk.org[a], pk.org[b]
		return cmp.Or(cmp.Compare(size[ob]*boolInt(ob >= 0), size[oa]*boolInt(oa >= 0)), cmp.Compare(oa, ob))
	})
	cs := make([][]int32, k)
	for x, p := range order {
		cs[x%k] = append(cs[x%k], p)
	}
	return cs
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// circles writes the filling as circles of the model, time by time in order of the time of
// day (then the day): the search works on blocks of neighbouring circles, and people free at
// one hour are mostly free at that hour on other days too.
func (pk *packer) circles() (cs []*circle, left []int32) {
	md := pk.md
	order := make([]int32, len(pk.slot))
	for t := range order {
		order[t] = int32(t)
	}
	const perDay = 24 * 60 / schedule.Step
	slices.SortStableFunc(order, func(a, b int32) int {
		return cmp.Or(cmp.Compare(pk.slot[a]%perDay, pk.slot[b]%perDay), cmp.Compare(a, b))
	})
	for _, t := range order {
		if pk.k[t] == 0 || len(pk.mem[t]) == 0 {
			continue
		}
		for _, g := range pk.deal(t) {
			c := md.newCircle()
			for _, p := range g {
				md.apply(c, -1, pk.who[p])
			}
			cs = append(cs, c)
		}
	}
	for p, t := range pk.at {
		if t < 0 {
			left = append(left, pk.who[p])
		}
	}
	return cs, left
}
