package grouping

import (
	"cmp"
	"slices"
)

// PlaceGreedy places people the plain way an organizer might by hand, as a baseline for
// placement: take the weekly time the most unplaced people can make, sort them by level and
// fill circles there in turn (each member going to the first circle with room and nobody of
// their organization or on their keep-apart list), drop circles left below Min, and repeat
// until no time gathers Min unplaced people who make a circle. It returns the circles as
// Evaluate scores them; the unplaced carry the reason "Not placed by the greedy".
func PlaceGreedy(people []Person, s Settings) (*Formation, error) {
	a, err := NewAggregate(people, s)
	if err != nil {
		return nil, err
	}
	circles := a.greedy(people)
	f, err := Evaluate(people, s, circles)
	if err != nil {
		return nil, err
	}
	for i := range f.Unplaced {
		f.Unplaced[i].Reason = "Not placed by the greedy"
	}
	return f, nil
}

// greedy returns the greedy baseline's circles, as indices into people.
func (a *Aggregate) greedy(people []Person) [][]int {
	placed := make([]bool, a.N)
	spent := make([]bool, len(a.Times)) // times where no circle forms any more
	avoid := make([][]int32, a.N)
	for _, pr := range a.Avoid {
		avoid[pr[0]] = append(avoid[pr[0]], pr[1])
		avoid[pr[1]] = append(avoid[pr[1]], pr[0])
	}
	var out [][]int
	for {
		best, bestCount := -1, 0
		for t, at := range a.At {
			if spent[t] {
				continue
			}
			c := 0
			for _, p := range at {
				if !placed[p] {
					c++
				}
			}
			if c > bestCount {
				best, bestCount = t, c
			}
		}
		if best < 0 || bestCount < a.Min {
			return out
		}
		var cand []int32
		for _, p := range a.At[best] {
			if !placed[p] {
				cand = append(cand, p)
			}
		}
		slices.SortStableFunc(cand, func(x, y int32) int { return cmp.Compare(people[x].Level, people[y].Level) })
		formed := a.fillByLevel(cand, avoid)
		if len(formed) == 0 {
			spent[best] = true // fewer unplaced people later cannot do better here
			continue
		}
		for _, c := range formed {
			for _, p := range c {
				placed[p] = true
			}
			out = append(out, c)
		}
	}
}

// fillByLevel splits people sorted by level into as few circles as hold them all (or as
// many as Min allows), filling one circle after the other; a person who clashes with a circle
// tries the next ones. Circles that end below Min are dropped.
func (a *Aggregate) fillByLevel(cand []int32, avoid [][]int32) [][]int {
	c := len(cand)
	k := (c + a.Max - 1) / a.Max
	if k*a.Min > c {
		k = c / a.Min
	}
	circles := make([][]int, k)
	size := func(i int) int { return c/k + btoi(i < c%k) }
	clash := func(members []int, p int32) bool {
		for _, q := range members {
			if a.Org[p] >= 0 && a.Org[p] == a.Org[q] || slices.Contains(avoid[p], int32(q)) {
				return true
			}
		}
		return false
	}
	cur := 0
	for _, p := range cand {
		for cur < k && len(circles[cur]) >= min(a.Max, size(cur)) {
			cur++
		}
		for i := cur; i < k; i++ {
			if len(circles[i]) < min(a.Max, size(i)) && !clash(circles[i], p) {
				circles[i] = append(circles[i], int(p))
				break
			}
		}
	}
	var out [][]int
	for _, m := range circles {
		if len(m) >= a.Min {
			out = append(out, m)
		}
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
