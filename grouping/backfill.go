package grouping

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
)

// Backfill places newcomers (indices into people) into the existing circles
// with as few moves of others as possible, keeping every hard constraint;
// those who fit nowhere are Unplaced with a reason.
//
// Each newcomer (those with the fewest possible circles first) goes straight into a circle
// with room where they fit, circles short of the minimum first, then the best score. Only when
// no circle takes them directly is one member moved: a member of a circle the newcomer would fit
// into once that member left goes to another circle with room where they fit. Moved lists those
// members. People in neither current nor newcomers stay out and are not listed.
func Backfill(ctx context.Context, people []Person, s Settings, current [][]int, newcomers []int) (*Formation, error) {
	if err := validate(&s); err != nil {
		return nil, err
	}
	md, err := newModel(people, s)
	if err != nil {
		return nil, err
	}
	parts, err := md.parts(current)
	if err != nil {
		return nil, err
	}
	in := make([]bool, md.n)
	for _, p := range parts {
		for _, x := range p {
			in[x] = true
		}
	}
	var fresh []int32
	for _, x := range newcomers {
		if x < 0 || x >= md.n {
			return nil, fmt.Errorf("grouping: newcomer %d is out of range", x)
		}
		if !in[x] {
			in[x] = true
			fresh = append(fresh, int32(x))
		}
	}
	cs := md.load(parts)
	// Those with the fewest circles to go to directly choose first, then those with the
	// fewest circles meeting at their times: others are less likely to need the same seat.
	type options struct{ direct, meet int }
	opt := make(map[int32]options, len(fresh))
	for _, x := range fresh {
		var o options
		for _, c := range cs {
			if len(c.mem) > 0 && !c.common.And(md.slots[x]).IsEmpty() {
				o.meet++
				if md.fits(c, x) {
					o.direct++
				}
			}
		}
		opt[x] = o
	}
	slices.SortStableFunc(fresh, func(a, b int32) int {
		return cmp.Or(cmp.Compare(opt[a].direct, opt[b].direct), cmp.Compare(opt[a].meet, opt[b].meet))
	})

	f := &Formation{}
	var un []Unplaced
	for _, x := range fresh {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if g := md.direct(cs, x); g >= 0 {
			md.apply(cs[g], -1, x)
			continue
		}
		if g, y, h := md.chain(cs, x); g >= 0 {
			md.apply(cs[g], y, x)
			md.apply(cs[h], -1, y)
			f.Moved = append(f.Moved, int(y))
			continue
		}
		un = append(un, Unplaced{Person: int(x), Reason: md.backfillReason(cs, x)})
	}
	out := md.formation(cs, un)
	out.Moved = f.Moved
	slices.Sort(out.Moved)
	return out, nil
}

// direct returns the circle with room where x fits best (short circles first), or −1.
func (md *model) direct(cs []*circle, x int32) int {
	best, bestD := -1, math.Inf(-1)
	for g, c := range cs {
		if len(c.mem) == 0 || !md.fits(c, x) {
			continue
		}
		st := md.after(c, -1, x)
		d := md.objective(&st) - c.obj
		if len(c.mem) < md.s.Min {
			d += 4 * hardPenalty
		}
		if d > bestD {
			best, bestD = g, d
		}
	}
	return best
}

// chain finds the best single move making room for x: x joins circle g in place of its member
// y, who moves to circle h with room where y fits. It returns g = −1 when there is none.
func (md *model) chain(cs []*circle, x int32) (g int, y int32, h int) {
	g, y, h = -1, -1, -1
	bestD := math.Inf(-1)
	for gi, c := range cs {
		if len(c.mem) == 0 {
			continue
		}
		for _, yi := range c.mem {
			st := md.after(c, yi, x)
			if md.violations(&st) > 0 {
				continue
			}
			dg := md.objective(&st) - c.obj
			for hi, d := range cs {
				if hi == gi || len(d.mem) == 0 || !md.fits(d, yi) {
					continue
				}
				sd := md.after(d, -1, yi)
				if delta := dg + md.objective(&sd) - d.obj; delta > bestD {
					g, y, h, bestD = gi, yi, hi, delta
				}
			}
		}
	}
	return g, y, h
}

// backfillReason says in words why newcomer x fits no circle.
func (md *model) backfillReason(cs []*circle, x int32) string {
	if len(md.people[x].Week) == 0 {
		return "no availability given"
	}
	if md.slots[x].IsEmpty() {
		return fmt.Sprintf("availability holds no %d-minute weekly window on every week of the program", md.s.Minutes)
	}
	meet, room := false, false
	for _, c := range cs {
		if len(c.mem) > 0 && !c.common.And(md.slots[x]).IsEmpty() {
			meet = true
			room = room || len(c.mem) < md.s.Max
		}
	}
	switch {
	case !meet:
		return "no circle meets at a weekly time they can make"
	case !room:
		return fmt.Sprintf("every circle meeting at a time they can make is full (at most %d), and no member can move to make room", md.s.Max)
	}
	return "every circle meeting at a time they can make holds someone from the same organization or someone they are to be kept apart from"
}
