package grouping

import (
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// The exact packing for small problems: a branch-and-bound over the number of circles at each
// time, kept as a range ylo…yhi per time. Relaxed, a node is a flow (person → their
// organization at a time → the time → out): each time takes Min·ylo to Max·yhi people and yhi
// of an organization, keep-apart pairs left to the branching. When the flow's filling fits a
// count of circles in every range (and keeps every pair at one-circle times apart), it is the
// best below the node; else one time's range is split (used or not first, then halves), or a
// pair sharing a one-circle time is split (one of the two stays away from it).

// exactMaxNodes is the most nodes the branch-and-bound visits before giving up.
const exactMaxNodes = 20000

// exactSmall reports whether the branch-and-bound is worth trying: few people and times.
func (a *Aggregate) exactSmall() bool {
	return a.N <= 300 && len(a.At) <= 200
}

// exactSearch is the state of one branch-and-bound.
type exactSearch struct {
	a        *Aggregate
	lo, hi   []int // the range of circles at each time
	banned   map[[2]int]bool
	best     int
	bestAt   []int32
	nodes    int
	deadline time.Time
	aborted  bool
}

// exactMax finds the most people any filling of the aggregate's times places, when it is more
// than lower. It returns that number and each person's time (−1: unplaced), or lower and nil
// when nothing places more; proven is false when the search gave up (too many nodes, or the
// deadline passed), and then nothing is claimed.
func (a *Aggregate) exactMax(lower int, deadline time.Time) (placed int, at []int32, proven bool) {
	e := &exactSearch{a: a, best: lower, deadline: deadline, banned: map[[2]int]bool{},
		lo: make([]int, len(a.At)), hi: make([]int, len(a.At))}
	for t, ps := range a.At {
		e.hi[t] = min(len(ps), a.N) / a.Min
	}
	e.rec()
	if e.aborted {
		return lower, nil, false
	}
	return e.best, e.bestAt, true
}

// rec bounds the node and branches.
func (e *exactSearch) rec() {
	a := e.a
	if e.aborted {
		return
	}
	if e.nodes++; e.nodes > exactMaxNodes || e.nodes&15 == 0 && !e.deadline.IsZero() && time.Now().After(e.deadline) {
		e.aborted = true
		return
	}
	at := make([]int32, a.N)
	ub := a.flowFill(e.lo, e.hi, e.banned, at)
	if ub <= e.best {
		return // also when the lower bounds cannot be met (ub < 0)
	}
	t, pair := e.conflict(at)
	switch {
	case t < 0:
		e.best, e.bestAt = ub, at // the relaxation's own filling keeps every rule
	case pair[0] >= 0:
		for _, p := range pair {
			k := [2]int{int(p), t}
			e.banned[k] = true
			e.rec()
			delete(e.banned, k)
		}
	default:
		lo, hi := e.lo[t], e.hi[t]
		mid := (lo + hi) / 2
		if lo == 0 {
			e.lo[t] = 1 // used first, then not
			e.rec()
			e.lo[t], e.hi[t] = 0, 0
			e.rec()
		} else {
			e.hi[t] = mid
			e.rec()
			e.lo[t], e.hi[t] = mid+1, hi
			e.rec()
		}
		e.lo[t], e.hi[t] = lo, hi
	}
}

// conflict finds a time whose people in filling at fit no count of circles in its range (−1
// when none); pair is a keep-apart pair sharing it when that is the only reason and the range
// is one circle, else {−1, −1}.
func (e *exactSearch) conflict(at []int32) (int, [2]int32) {
	a := e.a
	count := make([]int, len(a.At))
	for _, t := range at {
		if t >= 0 {
			count[t]++
		}
	}
	need := make([]int, len(a.At)) // the fewest circles each time's people allow
	orgs := map[[2]int32]int{}
	for p, t := range at {
		if t < 0 {
			continue
		}
		need[t] = max(need[t], (count[t]+a.Max-1)/a.Max)
		if o := a.Org[p]; o >= 0 {
			k := [2]int32{t, o}
			orgs[k]++
			need[t] = max(need[t], orgs[k])
		}
	}
	for t, c := range count {
		if c > 0 && max(e.lo[t], need[t]) > min(e.hi[t], c/a.Min) {
			return t, [2]int32{-1, -1}
		}
	}
	for _, pr := range a.Avoid {
		t := at[pr[0]]
		if t < 0 || t != at[pr[1]] {
			continue
		}
		if c := count[t]; max(e.lo[t], need[t], 2) > min(e.hi[t], c/a.Min) {
			if e.lo[t] == e.hi[t] {
				return int(t), pr
			}
			return int(t), [2]int32{-1, -1}
		}
	}
	return -1, [2]int32{-1, -1}
}

// flowFill places as many people as a flow can, time t holding between Min·lo[t] and
// Max·hi[t] people, hi[t] of each organization, and no banned (person, time). It writes each
// person's time into at (−1: unplaced) and returns how many are placed, or −1 when the lower
// bounds cannot be met.
func (a *Aggregate) flowFill(lo, hi []int, banned map[[2]int]bool, at []int32) int {
	y := hi
	T := len(a.At)
	// Nodes: 0 source, 1 sink, 2 super source, 3 super sink, people, (time, organization), times.
	type key struct{ t, o int32 }
	group := map[key]int{}
	for t, ps := range a.At {
		if y[t] == 0 {
			continue
		}
		for _, p := range ps {
			k := key{int32(t), a.Org[p]}
			if _, ok := group[k]; !ok {
				group[k] = len(group)
			}
		}
	}
	tNode := func(t int) int { return 4 + a.N + len(group) + t }
	g := newFlowGraph(4 + a.N + len(group) + T)
	for p := range a.N {
		g.add(0, 4+p, 1)
	}
	type arc struct {
		p int32
		t int32
		e int
	}
	var arcs []arc
	groupCap := make([]int, len(group))
	need := 0
	for t, ps := range a.At {
		if y[t] == 0 {
			continue
		}
		for _, p := range ps {
			if banned[[2]int{int(p), t}] {
				continue
			}
			gi := group[key{int32(t), a.Org[p]}]
			arcs = append(arcs, arc{p, int32(t), g.add(4+int(p), 4+a.N+gi, 1)})
			groupCap[gi] = y[t]
			if a.Org[p] < 0 {
				groupCap[gi] = a.N
			}
		}
		low := a.Min * lo[t]
		g.add(tNode(t), 1, a.Max*y[t]-low)
		if low > 0 {
			g.add(2, 1, low) // the lower bound, moved to the super source and sink
			g.add(tNode(t), 3, low)
			need += low
		}
	}
	for k, gi := range group {
		if groupCap[gi] > 0 {
			g.add(4+a.N+gi, tNode(int(k.t)), groupCap[gi])
		}
	}
	back := g.add(1, 0, a.N)
	if g.maxflow(2, 3) < need {
		return -1
	}
	f0 := g.cap[back^1] // flow on sink → source
	g.cap[back], g.cap[back^1] = 0, 0
	placed := f0 + g.maxflow(0, 1)
	for p := range at {
		at[p] = -1
	}
	for _, r := range arcs {
		if g.cap[r.e^1] > 0 {
			at[r.p] = r.t
		}
	}
	return placed
}

// aggregate builds the packing problem of the people people (indices into md.people, local
// index k standing for people[k]) from the model's slot sets.
func (md *model) aggregate(people []int32) *Aggregate {
	n := len(people)
	a := &Aggregate{N: n, Min: md.s.Min, Max: md.s.Max, Org: make([]int32, n)}
	local := make(map[int32]int32, n)
	for k, i := range people {
		local[i] = int32(k)
		a.Org[k] = -1
		if md.s.SeparateOrganizations {
			a.Org[k] = md.v(int(i), attrOrg)
			a.Orgs = max(a.Orgs, int(a.Org[k])+1)
		}
	}
	for k, i := range people {
		for _, j := range md.avoid[i] {
			if l, ok := local[j]; ok && l > int32(k) {
				a.Avoid = append(a.Avoid, [2]int32{int32(k), l})
			}
		}
	}
	a.keepMaximal(slotPeople(n, func(k int) schedule.SlotSet { return md.slots[people[k]] }))
	return a
}

// boundUpTo is the largest cohort placeFirst computes the bound for: above it the bound takes
// longer than it is worth (a restart rarely stops early there).
const boundUpTo = 3000

// boundTime is the time the bound may take for n people at most (it stops as soon as it
// meets the people placed).
func boundTime(n int) time.Duration {
	return 50*time.Millisecond + time.Duration(n)*100*time.Microsecond
}

// exactTime is the most time the exact packing may take for n people.
func exactTime(n int) time.Duration {
	return 20*time.Millisecond + time.Duration(n)*2*time.Millisecond
}

// load returns a packer holding filling at of aggregate a (built over the same people, each
// local person's time in a, −1 for none), with as few circles at each time as hold it.
func (pk *packer) load(a *Aggregate, at []int32) *packer {
	out := newPacker(pk.md, pk.who, 0)
	id := map[int]int32{}
	for t, b := range out.slot {
		id[b] = int32(t)
	}
	count := make([]int, len(a.At))
	for p, t := range at {
		if t >= 0 {
			out.shift(int32(p), id[slotIndex(a.Times[t])])
			count[t]++
		}
	}
	for t, c := range count {
		if c > 0 {
			u := id[slotIndex(a.Times[t])]
			out.k[u] = int32(max(1, (c+a.Max-1)/a.Max))
			out.circ += int(out.k[u])
		}
	}
	return out
}
