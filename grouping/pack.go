package grouping

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The packing search: a greedy filling of times, every unplaced person offered an ejection
// chain, then a large-neighbourhood search that opens a circle at a time (pulling people in
// from the unplaced and from times above their lower bound), closes one (its people re-placed
// by chains), moves one to another time, or rebuilds around a time (a circle closed at each
// time competing for its people, then circles regrown where most unplaced people can meet),
// keeping any step that places at least as many. Its length is counted in steps and in the
// work of chain searches, not in time, so the people placed depend on the seed alone, unless
// the share of the time budget runs out first (very large cohorts or very short budgets).

// packPatience ends a run once its chain searches have scanned everyone's times this many
// times over since the last gain (on realistic cohorts the last gain came within 6,000).
const packPatience = 2500

// packLimits bound the search: steps in all, steps without a gain before a restart from the
// best, and the work of one chain search.
func packLimits(n, times int) (steps, idle, work int) {
	steps = min(30000, 2000+40*n)
	idle = min(3000, 200+4*times)
	work = 0
	if n > 3000 {
		work = 200000
	}
	return steps, idle, work
}

// pack fills times so that as many people as it can find are placed; it stops at the steps
// of packLimits, after packPatience without a gain, when everyone is placed, at deadline
// (zero: none) or when ctx ends.
func (pk *packer) pack(ctx context.Context, deadline time.Time) {
	steps, idleMax, work := packLimits(len(pk.who), len(pk.slot))
	pk.workLimit = work
	pk.greedy()
	pk.augmentAll(nil)
	pk.log = pk.log[:0]
	best := pk.snapshot()
	idle := 0
	for step := 0; step < steps && pk.placed < len(pk.who) && pk.spent-pk.gainSpent < packPatience*pk.options; step++ {
		if step&31 == 0 && (ctx.Err() != nil || !deadline.IsZero() && time.Now().After(deadline)) {
			break
		}
		before := pk.placed
		if !pk.step() || pk.placed < before {
			pk.rollback(0)
		}
		pk.log = pk.log[:0]
		if pk.placed > best.placed {
			best = pk.snapshot()
			pk.gainSpent = pk.spent
			idle = 0
		} else if idle++; idle >= idleMax {
			// Start again from the best filling, shaken by closing a few circles.
			pk.restore(best)
			pk.shake()
			idle = 0
		}
	}
	if pk.placed < best.placed {
		pk.restore(best)
	}
}

// step makes one random change of the search; false means it could not be made.
func (pk *packer) step() bool {
	switch pk.rng.IntN(8) {
	case 0, 1, 2:
		return pk.open(pk.randomTarget())
	case 3:
		return pk.close(pk.randomOpen())
	case 4:
		if !pk.close(pk.randomOpen()) {
			return false
		}
		return pk.open(pk.randomTarget())
	default:
		return pk.rebuild(pk.randomTarget())
	}
}

// rebuild closes a circle at each of a few times that hold people who could make t (so
// compete with t for them), opens one at t and regrows greedily.
func (pk *packer) rebuild(t int32) bool {
	if t < 0 {
		return false
	}
	pk.begin()
	near := pk.candidateScratch[:0]
	for _, p := range pk.can[t] {
		if u := pk.at[p]; u >= 0 && u != t && pk.seenT[u] != pk.stamp {
			pk.seenT[u] = pk.stamp
			near = append(near, u)
		}
	}
	pk.candidateScratch = near
	pk.rng.Shuffle(len(near), func(a, b int) { near[a], near[b] = near[b], near[a] })
	var out []int32
	for _, u := range near[:min(len(near), 1+pk.rng.IntN(3))] {
		pk.setK(u, pk.k[u]-1)
		out = append(out, pk.evict(u)...)
	}
	mark := len(pk.log)
	if !pk.open(t) {
		pk.rollback(mark)
	}
	pk.augmentAll(out)
	pk.regrow()
	return true
}

// topTimes appends to out the (up to) k times with the most free people, most first, the
// earlier time among equals; times with none are left out.
func topTimes(out []int32, free []int32, k int) []int32 {
	for t, f := range free {
		if f == 0 {
			continue
		}
		x := len(out)
		if x == k {
			if f <= free[out[k-1]] {
				continue
			}
			x--
		} else {
			out = append(out, 0)
		}
		for x > 0 && free[out[x-1]] < f {
			out[x] = out[x-1]
			x--
		}
		out[x] = int32(t)
	}
	return out
}

// regrow opens circles where most unplaced people can meet while that places more.
func (pk *packer) regrow() {
	free := make([]int32, len(pk.slot))
	var order []int32
	for {
		clear(free)
		for p, t := range pk.at {
			if t < 0 {
				pk.work += len(pk.opts[p])
				for _, u := range pk.opts[p] {
					free[u]++
				}
			}
		}
		order = topTimes(order[:0], free, 4)
		gained := false
		for _, t := range order {
			mark, before := len(pk.log), pk.placed
			if pk.open(t) && pk.placed > before {
				gained = true
				break
			}
			pk.rollback(mark)
		}
		if !gained {
			return
		}
	}
}

// randomTarget is a time some unplaced person can make, or −1.
func (pk *packer) randomTarget() int32 {
	un := pk.unplaced()
	if len(un) == 0 {
		return -1
	}
	p := un[pk.rng.IntN(len(un))]
	if len(pk.opts[p]) == 0 {
		return -1
	}
	return pk.opts[p][pk.rng.IntN(len(pk.opts[p]))]
}

// randomOpen is a time holding a circle, or −1.
func (pk *packer) randomOpen() int32 {
	open := pk.candidateScratch[:0]
	for t, k := range pk.k {
		if k > 0 {
			open = append(open, int32(t))
		}
	}
	pk.candidateScratch = open
	if len(open) == 0 {
		return -1
	}
	return open[pk.rng.IntN(len(open))]
}

// unplaced lists the people not placed (valid until the next call).
func (pk *packer) unplaced() []int32 {
	un := pk.unplacedScratch[:0]
	for p, t := range pk.at {
		if t < 0 {
			un = append(un, int32(p))
		}
	}
	pk.unplacedScratch = un
	return un
}

// open adds a circle at t, fills it to its lower bound and offers chains to the unplaced
// who can make t.
func (pk *packer) open(t int32) bool {
	if t < 0 || pk.cap > 0 && pk.circ >= pk.cap {
		return false
	}
	pk.setK(t, pk.k[t]+1)
	for len(pk.mem[t]) < pk.lo(t) {
		if !pk.pull(t) {
			return false
		}
	}
	for _, p := range pk.can[t] {
		if pk.at[p] < 0 {
			pk.augment(p)
		}
	}
	return true
}

// close removes a circle from t; the people it can no longer hold look for places by chains.
func (pk *packer) close(t int32) bool {
	if t < 0 {
		return false
	}
	k := pk.k[t] - 1
	pk.setK(t, k)
	out := pk.evict(t)
	for _, p := range out {
		pk.augment(p)
	}
	return true
}

// evict unplaces people of t until it meets its bounds again after a change of k, and
// returns them: everyone when no circle is left, else the surplus of an organization, keep-
// apart partners sharing the only circle, and people over the upper bound (those with the
// most other times first).
func (pk *packer) evict(t int32) []int32 {
	var out []int32
	k := pk.k[t]
	members := slices.Clone(pk.mem[t])
	slices.SortStableFunc(members, func(a, b int32) int { return len(pk.opts[b]) - len(pk.opts[a]) })
	for _, p := range members {
		if k == 0 || pk.org[p] >= 0 && pk.oc[pk.qid(p, t)] > k || pk.clash(p, t, -1) {
			pk.move(p, -1)
			out = append(out, p)
		}
	}
	for _, p := range members {
		if len(pk.mem[t]) <= pk.hi(t) {
			break
		}
		if pk.at[p] == t {
			pk.move(p, -1)
			out = append(out, p)
		}
	}
	return out
}

// augmentAll offers a chain to every unplaced person (or those of list), fewest times first.
func (pk *packer) augmentAll(list []int32) {
	if list == nil {
		list = slices.Clone(pk.unplaced())
	}
	slices.SortStableFunc(list, func(a, b int32) int { return len(pk.opts[a]) - len(pk.opts[b]) })
	for _, p := range list {
		if pk.at[p] < 0 {
			pk.augment(p)
		}
	}
}

// shake closes one to three random circles and re-places what it can.
func (pk *packer) shake() {
	for c := 1 + pk.rng.IntN(3); c > 0; c-- {
		pk.close(pk.randomOpen())
	}
	pk.augmentAll(nil)
	pk.log = pk.log[:0]
}

// filling is a saved state of the packer.
type filling struct {
	at     []int32
	k      []int32
	placed int
}

func (pk *packer) snapshot() filling {
	return filling{at: slices.Clone(pk.at), k: slices.Clone(pk.k), placed: pk.placed}
}

// restore loads a saved filling.
func (pk *packer) restore(f filling) {
	for p := range pk.at {
		pk.shift(int32(p), -1)
	}
	pk.circ = 0
	for t, k := range f.k {
		pk.k[t] = k
		pk.circ += int(k)
	}
	for p, t := range f.at {
		pk.shift(int32(p), t)
	}
	pk.log = pk.log[:0]
}

// greedy opens circles where most unplaced people can meet, as many as they fill, until no
// time has enough of them left.
func (pk *packer) greedy() {
	md := pk.md
	free := make([]int, len(pk.slot))
	for t := range free {
		free[t] = len(pk.can[t])
	}
	dead := make([]bool, len(pk.slot))
	for pk.cap == 0 || pk.circ < pk.cap {
		best := -1
		for t, f := range free {
			if !dead[t] && f >= md.s.Min && (best < 0 || f > free[best]) {
				best = t
			}
		}
		if best < 0 {
			return
		}
		t := int32(best)
		dead[t] = true
		for k := int32(free[t] / md.s.Min); k >= 1; k-- {
			if pk.cap > 0 {
				k = min(k, int32(pk.cap-pk.circ))
			}
			mark := len(pk.log)
			pk.setK(t, k)
			pk.fill(t)
			if len(pk.mem[t]) >= pk.lo(t) {
				break
			}
			pk.rollback(mark)
		}
		for _, p := range pk.mem[t] {
			for _, u := range pk.opts[p] {
				free[u]--
			}
		}
	}
}

// fill places unplaced people who can make t into it, those with the fewest times first.
func (pk *packer) fill(t int32) {
	var list []int32
	for _, p := range pk.can[t] {
		if pk.at[p] < 0 {
			list = append(list, p)
		}
	}
	slices.SortStableFunc(list, func(a, b int32) int { return len(pk.opts[a]) - len(pk.opts[b]) })
	for _, p := range list {
		if pk.fits(p, t) {
			pk.move(p, t)
		}
	}
}

// placeFirst fills weekly times with as many of people as it can and deals them into
// circles; it returns the circles, the people left out and a bound on the people any filling
// places (0 when none was computed). Independent restarts run in batches on every worker until
// three agree on the most people placed, a run reaches the bound, or packRuns ran; the earliest
// run among equals wins, so what is placed depends on the seed, not on the time budget or the
// number of cores. Small problems are then solved exactly (exact.go). The packing may use up
// to half of the time budget (a tenth for large cohorts); the rest is for the soft goals.
func placeFirst(ctx context.Context, md *model, people []int32, start time.Time) ([]*circle, []int32, int) {
	var deadline time.Time
	share := time.Duration(2)
	if len(people) > 2000 {
		share = 10 // large cohorts: a run takes long, and the diversity search needs the time
	}
	switch {
	case md.s.Time > 0:
		deadline = start.Add(md.s.Time / share)
	case md.s.Iterations == 0:
		deadline = start.Add(defaultTime(md.n) / share)
	}
	var win *packer
	agree, bound := 0, -1 // -1: no bound computed
	var a *Aggregate
	runs := packRuns(len(people))
	for r := 0; r < runs && agree < 3 && (bound < 0 || win.placed < bound); r += packBatch {
		if r > 0 && (ctx.Err() != nil || !deadline.IsZero() && time.Now().After(deadline)) {
			break
		}
		for _, pk := range packBatchRun(ctx, md, people, r, min(packBatch, runs-r), deadline) {
			switch {
			case pk == nil:
			case win == nil || pk.placed > win.placed:
				win, agree = pk, 1
			case pk.placed == win.placed:
				agree++
			}
		}
		if r == 0 && len(people) <= boundUpTo {
			a = md.aggregate(people)
			bound = a.UpperBound(ctx, win.placed, boundTime(len(people))).Placed
		}
	}
	if a != nil && win.placed < bound && md.s.Circles == 0 && a.exactSmall() {
		// A bounded try: when the flows cannot settle it soon, the bound's answer stands.
		until := time.Now().Add(exactTime(len(people)))
		if !deadline.IsZero() && deadline.Before(until) {
			until = deadline
		}
		if placed, at, proven := a.exactMax(win.placed, until); proven {
			bound = placed
			if at != nil {
				win = win.load(a, at)
			}
		}
	}
	if len(people) <= levelPolishUpTo {
		// The polish runs a fixed number of steps, so that a short budget polishes as far as
		// a long one; three quarters of the budget is only a guard on a machine short of time.
		var until time.Time
		if !deadline.IsZero() {
			until = start.Add(deadline.Sub(start) * 3 / 2)
		}
		win.polishLevels(until)
	}
	cs, left := win.circles()
	return cs, left, bound
}

// packBatch is the number of packing runs started together.
const packBatch = 4

// packBatchRun runs packing runs first…first+count−1 on the workers, each with its own seed.
func packBatchRun(ctx context.Context, md *model, people []int32, first, count int, deadline time.Time) []*packer {
	out := make([]*packer, count)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(count, workersOf(md.s.Workers)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				x := int(next.Add(1) - 1)
				if x >= count {
					return
				}
				pk := newPacker(md, people, md.s.Seed+uint64(first+x)*0x9e3779b97f4a7c15)
				pk.pack(ctx, deadline)
				out[x] = pk
			}
		}()
	}
	wg.Wait()
	return out
}

// packRuns is the most packing runs for n people: many for small cohorts, where a run takes
// milliseconds and runs differ, one batch for larger ones, and one run for very large ones
// (which memory and time do not allow more of).
func packRuns(n int) int {
	switch {
	case n <= 2000:
		return 16
	case n <= 5000:
		return packBatch
	}
	return 1
}
