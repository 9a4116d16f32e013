package grouping

import (
	"math"

	"github.com/roundtable/roundtable/schedule"
)

// vc is one attribute value held in a circle and how many members hold it.
type vc struct{ v, c int32 }

// stats are the facts about one circle that its scores are computed from.
type stats struct {
	size       int
	distinct   [attrLevel]int // distinct given values of sector, industry, organization, function
	orgGiven   int            // members with an organization given
	alone      int            // marked values held by exactly one member
	lmin, lmax int
	lsum, lsq  int
	avoid      int  // keep-apart pairs inside the circle
	noSlot     bool // no common weekly slot
}

// circle is the incremental bookkeeping of one circle: its members, per attribute the values
// held with counts, the common slots and the stats. Circles are independent of each other, so
// disjoint sets of circles can be searched in parallel.
type circle struct {
	mem    []int32
	counts [][]vc // per attribute
	common schedule.SlotSet
	// without[k] is the AND of the slots of every member but mem[k]: what the common set
	// becomes when mem[k] leaves, asked for by most swaps.
	without []schedule.SlotSet
	st      stats
	obj     float64
}

func (md *model) newCircle() *circle {
	c := &circle{counts: make([][]vc, md.A), common: schedule.AllSlots()}
	c.mem = make([]int32, 0, md.s.Max+1)
	c.without = make([]schedule.SlotSet, 0, md.s.Max+1)
	for k := range c.counts {
		c.counts[k] = make([]vc, 0, 4)
	}
	c.obj = md.objective(&c.st)
	return c
}

func count(list []vc, v int32) int32 {
	for _, e := range list {
		if e.v == v {
			return e.c
		}
	}
	return 0
}

// avoidIn counts the members of c other than skip that x must be kept apart from.
func (md *model) avoidIn(c *circle, x, skip int32) int {
	av := md.avoid[x]
	if len(av) == 0 {
		return 0
	}
	k := 0
	for _, y := range c.mem {
		if y != skip && y != x {
			for _, z := range av {
				if z == y {
					k++
					break
				}
			}
		}
	}
	return k
}

// after returns the stats of c with out (−1: nobody) removed and in (−1: nobody) added, and
// the common slots when they had to be recomputed (ok false means c.common still holds).
func (md *model) after(c *circle, out, in int32) stats {
	st := c.st
	if out == in {
		return st
	}
	A := md.A
	if out >= 0 {
		st.size--
	}
	if in >= 0 {
		st.size++
	}
	for k := 0; k < A; k++ {
		if k == attrLevel {
			continue
		}
		a, b := int32(-1), int32(-1)
		if out >= 0 {
			a = md.val[int(out)*A+k]
		}
		if in >= 0 {
			b = md.val[int(in)*A+k]
		}
		if a == b {
			continue
		}
		list := c.counts[k]
		if a >= 0 {
			ca := count(list, a)
			if k < attrLevel {
				if ca == 1 {
					st.distinct[k]--
				}
			} else if ca == 1 {
				st.alone--
			} else if ca == 2 {
				st.alone++
			}
			if k == attrOrg {
				st.orgGiven--
			}
		}
		if b >= 0 {
			cb := count(list, b)
			if k < attrLevel {
				if cb == 0 {
					st.distinct[k]++
				}
			} else if cb == 0 {
				st.alone++
			} else if cb == 1 {
				st.alone--
			}
			if k == attrOrg {
				st.orgGiven++
			}
		}
	}
	// Levels: sums for the spread, a scan of the few held levels for the range.
	var a, b int32 = math.MinInt32, math.MinInt32
	if out >= 0 {
		a = md.val[int(out)*A+attrLevel]
		st.lsum -= int(a)
		st.lsq -= int(a) * int(a)
	}
	if in >= 0 {
		b = md.val[int(in)*A+attrLevel]
		st.lsum += int(b)
		st.lsq += int(b) * int(b)
	}
	if a != b {
		lo, hi := math.MaxInt, math.MinInt
		seenB := false
		for _, e := range c.counts[attrLevel] {
			n := e.c
			if e.v == a {
				n--
			}
			if e.v == b {
				n++
				seenB = true
			}
			if n > 0 {
				lo, hi = min(lo, int(e.v)), max(hi, int(e.v))
			}
		}
		if in >= 0 && !seenB {
			lo, hi = min(lo, int(b)), max(hi, int(b))
		}
		st.lmin, st.lmax = lo, hi
	}
	if out >= 0 {
		st.avoid -= md.avoidIn(c, out, -1)
	}
	if in >= 0 {
		st.avoid += md.avoidIn(c, in, out)
	}
	// Slots: removing can only widen the common set, adding can only narrow it.
	switch {
	case in < 0:
		if st.noSlot && out >= 0 {
			st.noSlot = md.commonWithout(c, out).IsEmpty()
		}
	default:
		if meets(&c.common, &md.slots[in]) {
			st.noSlot = false
		} else if out < 0 {
			st.noSlot = true
		} else {
			st.noSlot = !meets(md.withoutPtr(c, out), &md.slots[in])
		}
	}
	if st.size == 0 {
		st.noSlot = false
	}
	return st
}

// commonWithout is the AND of the slots of c's members other than skip.
func (md *model) commonWithout(c *circle, skip int32) schedule.SlotSet {
	for k, y := range c.mem {
		if y == skip {
			return c.without[k]
		}
	}
	return c.common
}

// withoutPtr is commonWithout without copying the set.
func (md *model) withoutPtr(c *circle, skip int32) *schedule.SlotSet {
	for k, y := range c.mem {
		if y == skip {
			return &c.without[k]
		}
	}
	return &c.common
}

// meets reports whether two slot sets share a slot (without building their AND).
func meets(a, b *schedule.SlotSet) bool {
	for k := range a {
		if a[k]&b[k] != 0 {
			return true
		}
	}
	return false
}

// refresh recomputes c.common and c.without from the members, with prefix and suffix ANDs.
func (md *model) refresh(c *circle) {
	n := len(c.mem)
	c.without = c.without[:n]
	acc := schedule.AllSlots()
	for k, y := range c.mem {
		c.without[k] = acc
		acc = acc.And(md.slots[y])
	}
	c.common = acc
	acc = schedule.AllSlots()
	for k := n - 1; k >= 0; k-- {
		c.without[k] = c.without[k].And(acc)
		acc = acc.And(md.slots[c.mem[k]])
	}
}

// apply takes out out of c (when ≥ 0) and puts in into it (when ≥ 0), updating everything.
func (md *model) apply(c *circle, out, in int32) {
	c.st = md.after(c, out, in)
	A := md.A
	for k := 0; k < A; k++ {
		if out >= 0 {
			if a := md.val[int(out)*A+k]; a >= 0 || k == attrLevel {
				list := c.counts[k]
				for x := range list {
					if list[x].v == a {
						if list[x].c--; list[x].c == 0 {
							list[x] = list[len(list)-1]
							list = list[:len(list)-1]
						}
						break
					}
				}
				c.counts[k] = list
			}
		}
		if in >= 0 {
			if b := md.val[int(in)*A+k]; b >= 0 || k == attrLevel {
				list := c.counts[k]
				found := false
				for x := range list {
					if list[x].v == b {
						list[x].c++
						found = true
						break
					}
				}
				if !found {
					list = append(list, vc{b, 1})
				}
				c.counts[k] = list
			}
		}
	}
	if out >= 0 {
		for x, y := range c.mem {
			if y == out {
				copy(c.mem[x:], c.mem[x+1:])
				c.mem = c.mem[:len(c.mem)-1]
				break
			}
		}
	}
	if in >= 0 {
		c.mem = append(c.mem, in)
	}
	md.refresh(c)
	c.st.noSlot = c.st.size > 0 && c.common.IsEmpty()
	c.obj = md.objective(&c.st)
}

// violations counts broken hard constraints in a circle with stats st (sizes aside).
func (md *model) violations(st *stats) int {
	v := st.avoid
	if st.noSlot {
		v++
	}
	if md.s.SeparateOrganizations {
		v += st.orgGiven - st.distinct[attrOrg]
	}
	return v
}

// objective is a circle's contribution to the search objective: its total score, less a
// concave balance term that makes lifting a weak circle worth more than polishing a strong one,
// less hardPenalty per broken hard constraint.
func (md *model) objective(st *stats) float64 {
	if st.size == 0 {
		return 0
	}
	t := md.total(st)
	return t - md.lambda*(100-t)*(100-t)/100 - hardPenalty*float64(md.violations(st))
}

// total is the weighted mean of a circle's criterion scores, 0…100.
func (md *model) total(st *stats) float64 {
	if md.wsum == 0 {
		return 100
	}
	w := &md.weights
	t := w.Level*md.levelScore(st) +
		w.Sector*md.divScore(st, attrSector) +
		w.Industry*md.divScore(st, attrIndustry) +
		w.Organization*md.divScore(st, attrOrg) +
		w.Function*md.divScore(st, attrFunction)
	if md.A > attrMarked {
		t += w.NeverAlone * aloneScore(st)
	}
	return t / md.wsum
}

// levelScore is 100 for equal levels, falling with the range and the spread of levels,
// relative to the spread of the whole cohort.
func (md *model) levelScore(st *stats) float64 {
	span := float64(md.levelHi - md.levelLo)
	if span <= 0 || st.size == 0 {
		return 100
	}
	n := float64(st.size)
	mean := float64(st.lsum) / n
	sd := math.Sqrt(max(0, float64(st.lsq)/n-mean*mean))
	return 100 * max(0, 1-0.5*float64(st.lmax-st.lmin)/span-sd/span)
}

// divScore is 100 when a circle holds as many distinct values of attribute k as its size and
// the cohort allow, 0 when everyone shares one.
func (md *model) divScore(st *stats, k int) float64 {
	ideal := min(st.size, md.global[k])
	if ideal <= 1 {
		return 100
	}
	return 100 * max(0, float64(st.distinct[k]-1)/float64(ideal-1))
}

// aloneScore is 100 when no marked value is held by one member only, halving with the first.
func aloneScore(st *stats) float64 { return 100 / float64(1+st.alone) }

// load fills circles from a partition, recomputing everything.
func (md *model) load(parts [][]int32) []*circle {
	cs := make([]*circle, len(parts))
	for g, p := range parts {
		c := md.newCircle()
		for _, x := range p {
			md.apply(c, -1, x)
		}
		cs[g] = c
	}
	return cs
}

// swapDelta is the change of objective if x in c and y in d exchanged circles.
func (md *model) swapDelta(c, d *circle, x, y int32) float64 {
	// Most swaps between circles that both have a meeting time lose it for one of them:
	// reject those before counting attributes.
	if !c.st.noSlot && !d.st.noSlot &&
		(!meets(&c.common, &md.slots[y]) && !meets(md.withoutPtr(c, x), &md.slots[y]) ||
			!meets(&d.common, &md.slots[x]) && !meets(md.withoutPtr(d, y), &md.slots[x])) {
		return -hardPenalty
	}
	sc := md.after(c, x, y)
	sd := md.after(d, y, x)
	return md.objective(&sc) + md.objective(&sd) - c.obj - d.obj
}

// moveDelta is the change of objective if x left c for d.
func (md *model) moveDelta(c, d *circle, x int32) float64 {
	sc := md.after(c, x, -1)
	sd := md.after(d, -1, x)
	return md.objective(&sc) + md.objective(&sd) - c.obj - d.obj
}
