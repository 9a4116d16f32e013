package grouping

import (
	"math"
	"slices"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// Levels across times. The packing chooses each person's weekly time for placement alone, so
// a time holding one or two circles can end up with levels 1 to 5 in it, and the diversity
// search afterwards can only trade people between circles that keep a common time. Once the
// packing is settled, polishLevels moves people between times to bring similar levels together:
// a person moves to another time she can make that has room, two people who can make each
// other's time trade places, or an unplaced person takes the seat of someone placed at a time
// she can make; now and then a circle moves to another time (nearby, or any) or the times
// around one are rebuilt, by the packing's own steps. Every change keeps the hard rules of the
// filling and never places fewer people; it is judged, by simulated annealing, on the level
// spreads of the circles each time's people are dealt into. On the cohorts of bench place at
// 300 people, where nearly every time holds one circle of six, it takes the spread the
// circles are dealt with from about 2.9 to 2.2–2.3.

// levelPolishUpTo is the largest cohort polished. Above it times hold several circles each,
// and the diversity search, which trades people between the circles that share a time, does
// better with the time the polish would take.
const levelPolishUpTo = 500

// levelPolishSteps is the number of changes proposed per person.
const levelPolishSteps = 1500

// Temperatures of the polish, in levels of spread.
const (
	polishHot  = 1.0
	polishCold = 0.02
)

// levelPolish is the bookkeeping of polishLevels: the people of each level at each time, and
// each time's cost, recomputed when asked after a change (shift and setK report changes).
type levelPolish struct {
	pk    *packer
	L     int     // levels, levelLo…levelHi
	lv    []int32 // local person → level − levelLo
	cnt   []int32 // time·L + level → people placed
	cost  []float64
	dirty []bool
	stale []int32 // times changed since their cost was computed
	sum   float64 // Σ cost of the times not dirty
	tmp   []int32
}

// moved records that p went from time from to time to (−1: unplaced).
func (lp *levelPolish) moved(p, from, to int32) {
	if from >= 0 {
		lp.cnt[int(from)*lp.L+int(lp.lv[p])]--
		lp.touch(from)
	}
	if to >= 0 {
		lp.cnt[int(to)*lp.L+int(lp.lv[p])]++
		lp.touch(to)
	}
}

// touch marks time t's cost to be computed again.
func (lp *levelPolish) touch(t int32) {
	if !lp.dirty[t] {
		lp.dirty[t] = true
		lp.sum -= lp.cost[t]
		lp.stale = append(lp.stale, t)
	}
}

// costOf is time t's cost as it stands.
func (lp *levelPolish) costOf(t int32) float64 {
	if lp.dirty[t] {
		lp.cost[t] = lp.timeCost(t, lp.cnt[int(t)*lp.L:int(t+1)*lp.L])
		lp.sum += lp.cost[t]
		lp.dirty[t] = false
	}
	return lp.cost[t]
}

// total is the cost of the whole filling.
func (lp *levelPolish) total() float64 {
	for _, t := range lp.stale {
		lp.costOf(t)
	}
	lp.stale = lp.stale[:0]
	return lp.sum
}

// polishLevels improves the level spread of the filling (see above) within a number of steps
// fixed by the people, or until deadline (zero: none), never placing fewer people.
func (pk *packer) polishLevels(deadline time.Time) {
	md := pk.md
	L := md.levelHi - md.levelLo + 1
	if L <= 1 || L > 64 || md.weights.Level <= 0 || pk.placed == 0 {
		return
	}
	T := len(pk.slot)
	lp := &levelPolish{pk: pk, L: L, lv: make([]int32, len(pk.who)), cnt: make([]int32, T*L),
		cost: make([]float64, T), dirty: make([]bool, T), tmp: make([]int32, L)}
	for p, i := range pk.who {
		lp.lv[p] = md.level(i) - int32(md.levelLo)
		if t := pk.at[p]; t >= 0 {
			lp.cnt[int(t)*L+int(lp.lv[p])]++
		}
	}
	for t := range pk.slot {
		lp.touch(int32(t))
	}
	pk.lv = lp
	defer func() { pk.lv = nil }()
	pk.log = pk.log[:0]
	best, bestPlaced := lp.total(), pk.placed
	bestAt, bestK := slices.Clone(pk.at), slices.Clone(pk.k)
	steps := levelPolishSteps * len(pk.who)
	n := len(pk.who)
	for step := 0; step < steps; step++ {
		if step&1023 == 0 && !deadline.IsZero() && time.Now().After(deadline) {
			break
		}
		temp := polishHot * math.Pow(polishCold/polishHot, float64(step)/float64(steps))
		if pk.rng.IntN(levelReshapeEvery) == 0 {
			lp.reshape(temp)
		} else {
			lp.try(int32(pk.rng.IntN(n)), temp)
			pk.log = pk.log[:0]
		}
		if cur := lp.total(); pk.placed > bestPlaced || pk.placed == bestPlaced && cur < best-1e-9 {
			best, bestPlaced = cur, pk.placed
			copy(bestAt, pk.at)
			copy(bestK, pk.k)
		}
	}
	if pk.placed == bestPlaced && slices.Equal(bestAt, pk.at) && slices.Equal(bestK, pk.k) {
		return
	}
	pk.lv = nil
	pk.restore(filling{at: bestAt, k: bestK, placed: bestPlaced})
}

// levelReshapeEvery: one step in this many changes which times hold circles.
const levelReshapeEvery = 20

// reshape closes a circle at one time and opens one at another (a time nearby, or any), or
// rebuilds around a time, the people re-placed by the packing's chains, then lets the people
// of the times it changed settle by a few trades. It keeps it all when nobody loses a seat and
// the annealing accepts the new cost.
func (lp *levelPolish) reshape(temp float64) {
	pk := lp.pk
	mark, before, c0 := len(pk.log), pk.placed, lp.total()
	var ok bool
	switch pk.rng.IntN(3) {
	case 0:
		u := pk.randomOpen()
		ok = pk.close(u) && pk.open(lp.nearTime(u))
	case 1:
		ok = pk.close(pk.randomOpen()) && pk.open(lp.randomTime())
	default:
		ok = pk.rebuild(lp.randomTime())
	}
	if !ok || pk.placed < before {
		pk.rollback(mark)
		return
	}
	var touched []int32
	for _, t := range lp.stale {
		if pk.k[t] > 0 {
			touched = append(touched, t)
		}
	}
	if len(touched) > 0 {
		for r := 0; r < levelSettle; r++ {
			t := touched[pk.rng.IntN(len(touched))]
			lp.try(pk.can[t][pk.rng.IntN(len(pk.can[t]))], 0)
		}
	}
	if d := lp.total() - c0; pk.placed > before || accept(d, temp, pk) {
		pk.log = pk.log[:mark]
		return
	}
	pk.rollback(mark)
}

// levelSettle is the number of trades tried after a reshape.
const levelSettle = 40

// nearTime is a time within an hour of t on the same day, or t's time of day on another day
// (−1 when that is no time of the packer).
func (lp *levelPolish) nearTime(t int32) int32 {
	pk := lp.pk
	if t < 0 {
		return -1
	}
	b := pk.slot[t]
	const perDay = 24 * 60 / schedule.Step
	if pk.rng.IntN(2) == 0 {
		b += (1 + pk.rng.IntN(4)) * (2*pk.rng.IntN(2) - 1)
	} else {
		b += perDay * (1 + pk.rng.IntN(6))
	}
	b = (b%schedule.NumSlots + schedule.NumSlots) % schedule.NumSlots
	u, ok := slices.BinarySearch(pk.slot, b)
	if !ok {
		return -1
	}
	return int32(u)
}

// randomTime is a time at least Min people can make (every time of the packer is).
func (lp *levelPolish) randomTime() int32 {
	return int32(lp.pk.rng.IntN(len(lp.pk.slot)))
}

// try proposes one change for p and makes it when the annealing accepts it.
func (lp *levelPolish) try(p int32, temp float64) {
	pk := lp.pk
	opts := pk.opts[p]
	if len(opts) == 0 {
		return
	}
	t := opts[pk.rng.IntN(len(opts))]
	u := pk.at[p]
	if t == u || pk.k[t] == 0 || len(pk.mem[t]) == 0 {
		return
	}
	if u < 0 {
		// p is unplaced: she may take the seat of someone at t.
		q := pk.mem[t][pk.rng.IntN(len(pk.mem[t]))]
		if lp.canEnter(p, t, q) && accept(lp.delta(t, lp.lv[q], lp.lv[p]), temp, pk) {
			pk.move(q, -1)
			pk.move(p, t)
		}
		return
	}
	if len(pk.mem[t]) < pk.hi(t) && len(pk.mem[u]) > pk.lo(u) && pk.rng.IntN(2) == 0 {
		if lp.canEnter(p, t, -1) && accept(lp.delta(u, lp.lv[p], -1)+lp.delta(t, -1, lp.lv[p]), temp, pk) {
			pk.move(p, t)
		}
		return
	}
	q := pk.mem[t][pk.rng.IntN(len(pk.mem[t]))]
	if lp.lv[q] == lp.lv[p] {
		return
	}
	if _, ok := slices.BinarySearch(pk.opts[q], u); !ok || !lp.canEnter(p, t, q) || !lp.canEnter(q, u, p) {
		return
	}
	if accept(lp.delta(u, lp.lv[p], lp.lv[q])+lp.delta(t, lp.lv[q], lp.lv[p]), temp, pk) {
		pk.move(p, -1)
		pk.move(q, u)
		pk.move(p, t)
	}
}

// accept is the annealing's rule: always when the cost does not rise, else with a chance.
func accept(d, temp float64, pk *packer) bool {
	return d <= 0 || d < 20*temp && pk.rng.Float64() < math.Exp(-d/temp)
}

// canEnter reports whether p may join time t when out (−1: nobody) leaves it: her
// organization not yet once in each of t's circles, and no keep-apart partner in t's only
// circle.
func (lp *levelPolish) canEnter(p, t, out int32) bool {
	pk := lp.pk
	if out < 0 || pk.org[p] < 0 || pk.org[out] != pk.org[p] {
		if pk.orgFull(p, t) {
			return false
		}
	}
	return !pk.clash(p, t, out)
}

// delta is the change of time t's cost when someone of level out leaves it and someone of
// level in joins (−1: nobody).
func (lp *levelPolish) delta(t int32, out, in int32) float64 {
	if out == in {
		return 0
	}
	row := lp.cnt[int(t)*lp.L : int(t+1)*lp.L]
	copy(lp.tmp, row)
	if out >= 0 {
		lp.tmp[out]--
	}
	if in >= 0 {
		lp.tmp[in]++
	}
	return lp.timeCost(t, lp.tmp) - lp.costOf(t)
}

// timeCost is the level cost of a time holding cnt[l] people of each level: its people dealt
// in level order into circles as deal does (as many as dealCount says, sizes as equal as can
// be), the sum over circles of the range of levels plus half their standard deviation.
func (lp *levelPolish) timeCost(t int32, cnt []int32) float64 {
	c := 0
	for _, x := range cnt {
		c += int(x)
	}
	if c == 0 {
		return 0
	}
	m := lp.pk.dealCount(c)
	if lp.pk.md.s.Circles > 0 {
		m = int(lp.pk.k[t]) // the settings fix the circles: deal keeps the packing's
	}
	cost := 0.0
	l, left := 0, int(cnt[0])
	for g := 0; g < m; g++ {
		size := c / m
		if g < c%m {
			size++
		}
		for left == 0 && l < len(cnt)-1 {
			l++
			left = int(cnt[l])
		}
		lo, hi := l, l
		sum, sq := 0, 0
		for k := size; k > 0; {
			for left == 0 && l < len(cnt)-1 {
				l++
				left = int(cnt[l])
			}
			take := min(k, left)
			if take == 0 {
				break
			}
			k -= take
			left -= take
			hi = l
			sum += take * l
			sq += take * l * l
		}
		mean := float64(sum) / float64(size)
		sd := math.Sqrt(max(0, float64(sq)/float64(size)-mean*mean))
		cost += float64(hi-lo) + 0.5*sd
	}
	return cost
}

// dealCount is the number of circles deal makes of c people when organizations and keep-apart
// pairs ask for no more: as near the middle size as the bounds allow.
func (pk *packer) dealCount(c int) int {
	s := &pk.md.s
	lo, hi := (c+s.Max-1)/s.Max, c/s.Min
	if lo > hi || hi == 0 {
		return max(1, lo)
	}
	m := int(math.Round(float64(c) / (float64(s.Min+s.Max) / 2)))
	return min(max(m, lo), hi)
}
