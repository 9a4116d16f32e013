package grouping

import (
	"cmp"
	"context"
	"math"
	bits64 "math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// The formation search is its own: the engine of solve.go keeps tables of n×m gains and tabu
// tenures, which a cohort of 100,000 people in 14,000 circles cannot afford, and it prunes swaps
// with a bound (SwapSlack) that an objective with hard-constraint penalties and size-dependent
// scores does not have. Here circles are searched in blocks of neighbours (circles are built in
// order of their members' meeting times, so neighbours can swap people), blocks in parallel,
// by simulated annealing over moves and swaps. Every block of every round draws from its own
// seeded stream, so the result depends on Seed and the number of rounds, not on scheduling.

// blockSize is the number of circles searched together by one worker. Large blocks matter:
// a person can meet with only a few circles of a small block, and at 10,000 people blocks of
// 32, 128 and 512 circles reached mean scores of 94.0, 98.2 and 99.0 in the same 10 seconds.
const blockSize = 512

// stepsPerCircle is the number of proposals per circle of a block in one round.
const stepsPerCircle = 256

// state is a formation in progress.
type state struct {
	md  *model
	cs  []*circle
	rng *rand.Rand
	// near[x] marks the circles of x's current block (by position in the block) that x
	// could meet with; blocks hold disjoint people, so parallel blocks write apart.
	near []nearSet
}

// timeKey orders people by when in the day their meeting slots lie (the circular mean of
// their slots' start times), so that neighbours in the order can usually meet together.
func (md *model) timeKey(i int) float64 {
	var sx, sy float64
	md.slots[i].Each(func(sl schedule.Slot) bool {
		a := 2 * math.Pi * float64(sl.Start) / 1440
		sx += math.Cos(a)
		sy += math.Sin(a)
		return true
	})
	return math.Atan2(sy, sx)
}

// construct builds circles from people (in time order): each circle starts with the person
// waiting longest and takes, from a window of the next people, the one that fits best (greedy)
// or a random one that fits (random), up to its target size. It returns those left over.
func (s *state) construct(people []int32, m int, random bool) []int32 {
	md := s.md
	n := len(people)
	s.cs = make([]*circle, m)
	target := make([]int, m)
	fill := min(n, m*md.s.Max)
	for g := range target {
		target[g] = fill / m
		if g < fill%m {
			target[g]++
		}
	}
	const window = 48
	pending := make([]int32, 0, window)
	next := 0
	refill := func() {
		for len(pending) < window && next < n {
			pending = append(pending, people[next])
			next++
		}
	}
	var left []int32
	for g := 0; g < m; g++ {
		c := md.newCircle()
		s.cs[g] = c
		refill()
		if len(pending) == 0 {
			continue
		}
		md.apply(c, -1, pending[0])
		pending = pending[1:]
		for len(c.mem) < target[g] {
			refill()
			best, bestD, ties := -1, math.Inf(-1), 0
			for x, p := range pending {
				if c.common.And(md.slots[p]).IsEmpty() {
					continue
				}
				st := md.after(c, -1, p)
				if md.violations(&st) > 0 {
					continue
				}
				d := md.objective(&st)
				if random {
					if ties++; s.rng.IntN(ties) == 0 {
						best = x
					}
				} else if d > bestD {
					best, bestD = x, d
				}
			}
			if best < 0 {
				break
			}
			md.apply(c, -1, pending[best])
			pending = slices.Delete(pending, best, best+1)
		}
	}
	left = append(left, pending...)
	left = append(left, people[next:]...)
	return left
}

// fits reports whether x can join c without breaking a hard constraint or the size bound.
func (md *model) fits(c *circle, x int32) bool {
	if len(c.mem) >= md.s.Max || c.common.And(md.slots[x]).IsEmpty() {
		return false
	}
	st := md.after(c, -1, x)
	return md.violations(&st) == 0
}

// repair makes every circle meet the hard constraints: offenders leave broken circles,
// people without a circle go where they fit (first to circles short of the minimum), short
// circles borrow from neighbours that can spare someone or are dissolved. It returns the
// people still without a circle.
func (s *state) repair(pool []int32) []int32 {
	md := s.md
	for _, c := range s.cs {
		for len(c.mem) > 0 && md.violations(&c.st) > 0 {
			best, bestV, bestD := int32(-1), math.MaxInt, math.Inf(-1)
			for _, x := range c.mem {
				st := md.after(c, x, -1)
				v := md.violations(&st)
				d := md.objective(&st)
				if v < bestV || v == bestV && d > bestD {
					best, bestV, bestD = x, v, d
				}
			}
			md.apply(c, best, -1)
			pool = append(pool, best)
		}
	}
	for round := 0; round < 4; round++ {
		pool = s.insert(pool)
		changed := false
		for g, c := range s.cs {
			if len(c.mem) == 0 || len(c.mem) >= md.s.Min {
				continue
			}
			s.borrow(g)
			if len(c.mem) < md.s.Min {
				for len(c.mem) > 0 {
					x := c.mem[len(c.mem)-1]
					md.apply(c, x, -1)
					pool = append(pool, x)
				}
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	return pool
}

// insert places each person of pool in the circle with room where they fit best, circles
// short of the minimum first; it returns those who fit nowhere.
func (s *state) insert(pool []int32) []int32 {
	md := s.md
	slices.SortStableFunc(pool, func(a, b int32) int {
		return cmp.Compare(md.slots[a].Count(), md.slots[b].Count())
	})
	var left []int32
	for _, x := range pool {
		best, bestD := -1, math.Inf(-1)
		for g, c := range s.cs {
			if len(c.mem) == 0 || !md.fits(c, x) {
				continue
			}
			st := md.after(c, -1, x)
			d := md.objective(&st) - c.obj
			if len(c.mem) < md.s.Min {
				d += 2 * hardPenalty
			}
			if d > bestD {
				best, bestD = g, d
			}
		}
		if best < 0 {
			left = append(left, x)
			continue
		}
		md.apply(s.cs[best], -1, x)
	}
	return left
}

// borrow fills circle g up to the minimum with people that circles nearby (in time order)
// can spare and who fit in g.
func (s *state) borrow(g int) {
	md := s.md
	c := s.cs[g]
	const reach = 256
	for len(c.mem) < md.s.Min {
		bd, by, bestD := -1, int32(-1), math.Inf(-1)
		for h := max(0, g-reach); h < min(len(s.cs), g+reach+1); h++ {
			d := s.cs[h]
			if h == g || len(d.mem) <= md.s.Min {
				continue
			}
			for _, y := range d.mem {
				if !md.fits(c, y) {
					continue
				}
				if delta := md.moveDelta(d, c, y); delta > bestD {
					bd, by, bestD = h, y, delta
				}
			}
		}
		if bd < 0 {
			return
		}
		md.apply(s.cs[bd], by, -1)
		md.apply(c, -1, by)
	}
}

// budget is how long a search runs: rounds when Iterations is set (deterministic), else time.
type budget struct {
	rounds   int
	deadline time.Time
	start    time.Time
	total    time.Duration
	hot      float64 // the starting temperature, 0 for tempHigh
}

func (b *budget) fraction(round int) float64 {
	if b.rounds > 0 {
		f := float64(round) / float64(b.rounds)
		if b.total > 0 {
			f = max(f, float64(time.Since(b.start))/float64(b.total))
		}
		return min(1, f)
	}
	return min(1, float64(time.Since(b.start))/float64(b.total))
}

func (b *budget) done(ctx context.Context, round int) bool {
	if ctx.Err() != nil {
		return true
	}
	if b.rounds > 0 && round >= b.rounds {
		return true
	}
	return b.total > 0 && !time.Now().Before(b.deadline)
}

// Annealing temperatures at the start and the end of a run, in score points.
const (
	tempHigh = 5.0
	tempLow  = 0.05
)

// anneal improves s by simulated annealing in parallel blocks of circles until the budget is
// spent. report is called between rounds with the fraction done.
func (s *state) anneal(ctx context.Context, seed uint64, b *budget, workers int, report func(frac float64)) {
	m := len(s.cs)
	if m < 2 {
		return
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	type block struct{ ids []int }
	hot := cmp.Or(b.hot, tempHigh)
	for round := 0; !b.done(ctx, round); round++ {
		frac := b.fraction(round)
		temp := hot * math.Pow(tempLow/hot, frac)
		// Blocks of neighbouring circles, their borders moved each round so people travel.
		var blocks []block
		if m <= 2*blockSize {
			ids := make([]int, m)
			for g := range ids {
				ids[g] = g
			}
			blocks = []block{{ids}}
		} else {
			off := rng.IntN(blockSize)
			for lo := 0; lo < m; lo += blockSize {
				ids := make([]int, 0, blockSize)
				for g := lo; g < min(m, lo+blockSize); g++ {
					ids = append(ids, (g+off)%m)
				}
				blocks = append(blocks, block{ids})
			}
		}
		roundSeed := rng.Uint64()
		var next atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < min(workers, len(blocks)); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					k := int(next.Add(1) - 1)
					if k >= len(blocks) {
						return
					}
					r := rand.New(rand.NewPCG(roundSeed, uint64(k)))
					s.annealBlock(blocks[k].ids, r, temp)
				}
			}()
		}
		wg.Wait()
		if report != nil {
			report(frac)
		}
	}
}

// annealBlock runs one round of annealing on the circles ids at temperature temp.
//
// Most pairs of circles in a block cannot swap anyone: their few common slots differ. So a
// step first picks a person x, then mostly a circle x could meet with (from a mask built at
// the start of the round, stale within it but only a guide), and half of those steps are
// steered by level: of a few such circles the one whose mean level is nearest x's, and of
// its members the one nearest the level of x's circle. Gathering similar levels across
// circles is what undirected swaps do slowest; the annealing still judges every step.
func (s *state) annealBlock(ids []int, r *rand.Rand, temp float64) {
	md := s.md
	lo, hi := md.s.Min, md.s.Max
	steps := stepsPerCircle * len(ids)
	live := ids[:0:0] // at most 2*blockSize circles, one bit each in s.near
	for _, g := range ids {
		if len(s.cs[g].mem) > 0 {
			live = append(live, g)
		}
	}
	if len(live) < 2 {
		return
	}
	for _, g := range live {
		for _, x := range s.cs[g].mem {
			var set nearSet
			for j, h := range live {
				if meets(&s.cs[h].common, &md.slots[x]) {
					set[j/64] |= 1 << (j % 64)
				}
			}
			s.near[x] = set
		}
	}
	steer := md.weights.Level > 0 && md.levelHi > md.levelLo
	nl := uint64(len(live))
	for t := 0; t < steps; t++ {
		// One draw of 64 bits picks both circles, both members and the kind of step; the
		// slight bias of taking remainders is immaterial with these small ranges.
		bits := r.Uint64()
		gi := (bits & 0xffff) % nl
		g := live[gi]
		c := s.cs[g]
		x := c.mem[(bits>>32&0xff)%uint64(len(c.mem))]
		steered := steer && bits>>61&1 == 1
		var h int
		set := s.near[x]
		set[gi/64] &^= 1 << (gi % 64)
		if nb := uint64(set.count()); nb > 0 && bits>>58&7 != 0 {
			h = live[set.nth(int((bits>>16&0xffff)%nb))]
			if steered && nb > 1 {
				lx := float64(md.level(x))
				more := r.Uint64()
				for k := 0; k < 3; k++ {
					h2 := live[set.nth(int((more>>(16*k)&0xffff)%nb))]
					if math.Abs(levelMean(s.cs[h2])-lx) < math.Abs(levelMean(s.cs[h])-lx) {
						h = h2
					}
				}
			}
		} else {
			h = live[(bits>>16&0xffff)%(nl-1)]
			if h == g {
				h = live[nl-1]
			}
		}
		d := s.cs[h]
		var delta float64
		var y int32 = -1
		if bits>>56&3 == 0 && len(c.mem) > lo && len(d.mem) < hi {
			if !d.st.noSlot && !meets(&d.common, &md.slots[x]) {
				continue
			}
			delta = md.moveDelta(c, d, x)
		} else {
			y = d.mem[(bits>>40&0xff)%uint64(len(d.mem))]
			if steered {
				lc := levelMean(c)
				for _, y2 := range d.mem {
					if math.Abs(float64(md.level(y2))-lc) < math.Abs(float64(md.level(y))-lc) {
						y = y2
					}
				}
			}
			delta = md.swapDelta(c, d, x, y)
		}
		if delta < 0 && (delta < -20*temp || r.Float64() >= math.Exp(delta/temp)) {
			continue
		}
		md.apply(c, x, y)
		md.apply(d, y, x)
	}
}

// nearSet marks circles of a block by their position in it.
type nearSet [(2*blockSize + 63) / 64]uint64

// count is the number of circles marked.
func (s *nearSet) count() int {
	n := 0
	for _, w := range s {
		n += bits64.OnesCount64(w)
	}
	return n
}

// nth is the position of the k-th (from 0) marked circle; k < s.count().
func (s *nearSet) nth(k int) int {
	for i, w := range s {
		c := bits64.OnesCount64(w)
		if k >= c {
			k -= c
			continue
		}
		for ; k > 0; k-- {
			w &= w - 1
		}
		return i*64 + bits64.TrailingZeros64(w)
	}
	return -1
}

// levelMean is the mean level of c's members.
func levelMean(c *circle) float64 { return float64(c.st.lsum) / float64(max(1, c.st.size)) }

// total is the search objective of s: the sum of circle objectives.
func (s *state) total() float64 {
	t := 0.0
	for _, c := range s.cs {
		t += c.obj
	}
	return t
}

// clone deep-copies s for an independent replica.
func (s *state) clone() *state {
	t := &state{md: s.md, cs: make([]*circle, len(s.cs)), near: make([]nearSet, s.md.n)}
	for g, c := range s.cs {
		d := &circle{mem: slices.Clone(c.mem), counts: make([][]vc, len(c.counts)), common: c.common, st: c.st, obj: c.obj,
			without: slices.Clone(c.without)}
		d.mem = slices.Grow(d.mem, s.md.s.Max+1-len(d.mem))
		d.without = slices.Grow(d.without, s.md.s.Max+1-len(d.without))
		for k, l := range c.counts {
			d.counts[k] = slices.Clone(l)
		}
		t.cs[g] = d
	}
	return t
}

// workersOf is the number of parallel searches settings ask for.
func workersOf(w int) int {
	if w <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return w
}
