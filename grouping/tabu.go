package grouping

import (
	"cmp"
	"context"
	"math"
	"math/rand/v2"
	"slices"
)

// worker is one independent search with its own State, random stream and scratch buffers.
type worker struct {
	ctx    context.Context
	p      Problem
	opt    Options
	n, m   int
	lo, hi []int
	st     State
	rng    *rand.Rand

	group   []int       // current assignment inside tabuSearch
	size    []int       // current group sizes
	tabu    []int64     // tabu[i·m+g]: step until which i may not enter g
	members [][]int     // members[g]: the elements of group g, in no order
	pos     []int       // pos[i]: index of i in members[group[i]]
	gains   []float64   // gains[i·m+h]: gain of moving i to h, refreshed each step
	mx      []float64   // mx[g·m+h]: max over i in g of gains[i·m+h]
	pairs   []groupPair // scratch
	gain    []float64   // scratch for Gains, length m
	cand    []int       // scratch

	progress *tracker // nil when nobody listens
	iters    int64    // tabu steps done
	halted   bool
	best     []int
	bestVal  float64
}

func newWorker(ctx context.Context, p Problem, opt Options, w int) *worker {
	n, m := p.Size()
	k := &worker{
		ctx: ctx, p: p, opt: opt, n: n, m: m,
		lo: make([]int, m), hi: make([]int, m),
		st:    p.NewState(),
		rng:   rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15*uint64(w+1))),
		group: make([]int, n), size: make([]int, m),
		tabu: make([]int64, n*m), gain: make([]float64, m),
		members: make([][]int, m), pos: make([]int, n),
		gains: make([]float64, n*m), mx: make([]float64, m*m),
		cand:    make([]int, 0, n),
		bestVal: math.Inf(-1),
	}
	for g := 0; g < m; g++ {
		k.lo[g], k.hi[g] = p.Bounds(g)
	}
	return k
}

// stopped reports whether the worker must stop: budget spent, time up or ctx cancelled.
func (k *worker) stopped() bool {
	if k.halted {
		return true
	}
	if k.opt.Iterations > 0 && k.iters >= k.opt.Iterations {
		k.halted = true
	} else if k.iters&15 == 0 && k.ctx.Err() != nil {
		k.halted = true
	}
	return k.halted
}

// record keeps sol if it beats the worker's best.
func (k *worker) record(sol []int, v float64) {
	if v > k.bestVal+epsilon || k.best == nil {
		k.best = append(k.best[:0], sol...)
		k.bestVal = v
		k.progress.offer(v, k.iters)
	}
}

// randomSolution fills sol with a random feasible assignment: a size profile that fills some
// groups to their upper bounds (see below), then a uniform shuffle of the elements.
func (k *worker) randomSolution(sol []int) {
	size := k.size
	copy(size, k.lo)
	rest := k.n
	for _, s := range size {
		rest -= s
	}
	// The number of pairs in a group grows with the square of its size, so good assignments
	// fill whole groups to their upper bounds: hand out the slack that way, groups with larger
	// bounds first, with noise so that different starts try different profiles.
	order := k.cand[:0]
	for g := 0; g < k.m; g++ {
		order = append(order, g)
	}
	key := make([]float64, k.m)
	for g := range key {
		key[g] = float64(k.hi[g]) + 3*k.rng.Float64()
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(key[b], key[a]) })
	for _, g := range order {
		add := min(rest, k.hi[g]-size[g])
		size[g] += add
		rest -= add
	}
	i := 0
	for g := 0; g < k.m; g++ {
		for c := 0; c < size[g]; c++ {
			sol[i] = g
			i++
		}
	}
	k.rng.Shuffle(k.n, func(a, b int) { sol[a], sol[b] = sol[b], sol[a] })
}

// tabuSearch improves the complete feasible assignment sol in place with a tabu search over the
// move (one element to another group, within the bounds) and swap neighbourhoods, taking the
// best admissible neighbour each step, until depth steps pass without a new best. It returns
// the value of sol, which holds the best assignment met.
//
// A step first asks the State for every gain G[i][h] (O(n·m)). A swap of i∈g with j∈h is worth
// at most G[i][h] + G[j][g] + slack, so group pairs are visited by decreasing bound and pairs
// whose bound cannot beat the best admissible neighbour found so far are never evaluated.
func (k *worker) tabuSearch(sol []int, depth int) float64 {
	n, m := k.n, k.m
	st := k.st
	st.Reset(sol)
	k.load(sol)
	clear(k.tabu)
	cur := st.Value()
	best := cur
	k.record(sol, best)
	group, size, tabu, gain, mx := k.group, k.size, k.tabu, k.gains, k.mx
	slack := st.SwapSlack() + 1e-9 // the margin absorbs rounding between bound and delta
	pw, _ := st.(PairwiseState)
	tmin, tspan := tenure(n, m)
	movable := false
	for g := 0; g < m; g++ {
		movable = movable || k.lo[g] < k.hi[g]
	}

	var step int64
	for idle := 0; idle < depth && !k.stopped(); idle++ {
		k.iters++
		step++
		for x := range mx {
			mx[x] = math.Inf(-1)
		}
		for i := 0; i < n; i++ {
			gi := gain[i*m : (i+1)*m]
			st.Gains(i, gi)
			row := mx[group[i]*m : (group[i]+1)*m]
			for h, d := range gi {
				row[h] = max(row[h], d)
			}
		}

		bestD := math.Inf(-1)
		bi, bj, bh := -1, -1, -1 // a move sets bj = -1; a swap sets bh = -1
		ties := 0
		aspire := best - cur + epsilon // a tabu neighbour beating the best is allowed
		consider := func(d float64, i, j, h int) {
			if d > bestD {
				bestD, bi, bj, bh, ties = d, i, j, h, 1
			} else if ties++; k.rng.IntN(ties) == 0 {
				bi, bj, bh = i, j, h
			}
		}

		if movable {
			for i := 0; i < n; i++ {
				g := group[i]
				if size[g] <= k.lo[g] {
					continue
				}
				for h, d := range gain[i*m : (i+1)*m] {
					if h == g || size[h] >= k.hi[h] || d < bestD {
						continue
					}
					if tabu[i*m+h] > step && d <= aspire {
						continue
					}
					consider(d, i, -1, h)
				}
			}
		}

		pairs := k.pairs[:0]
		for g := 0; g < m; g++ {
			for h := g + 1; h < m; h++ {
				if size[g] > 0 && size[h] > 0 {
					pairs = append(pairs, groupPair{mx[g*m+h] + mx[h*m+g] + slack, g, h})
				}
			}
		}
		// Open the pair with the highest bound first, so that the best delta found there prunes
		// most of the others in one pass.
		top := 0
		for x := range pairs {
			if pairs[x].bound > pairs[top].bound {
				top = x
			}
		}
		if len(pairs) > 0 {
			pairs[0], pairs[top] = pairs[top], pairs[0]
		}
		for _, p := range pairs {
			if p.bound < bestD {
				continue
			}
			g, h := p.g, p.h
			mhg := mx[h*m+g] + slack
			for _, i := range k.members[g] {
				gih := gain[i*m+h]
				if gih+mhg < bestD {
					continue
				}
				var row []float64
				if pw != nil {
					row = pw.PairRow(i)
				}
				for _, j := range k.members[h] {
					d := gih + gain[j*m+g]
					if d+slack < bestD {
						continue
					}
					if row != nil {
						d -= 2 * row[j]
					} else {
						d = st.SwapDelta(i, j)
					}
					if d < bestD {
						continue
					}
					if (tabu[i*m+h] > step || tabu[j*m+g] > step) && d <= aspire {
						continue
					}
					consider(d, i, j, -1)
				}
			}
		}
		if bi < 0 {
			break // everything tabu and nothing aspires: rare, end this search
		}
		if bj < 0 {
			g := group[bi]
			k.move(bi, bh)
			tabu[bi*m+g] = step + int64(tmin+k.rng.IntN(tspan))
		} else {
			gi, gj := group[bi], group[bj]
			k.move(bi, gj)
			k.move(bj, gi)
			tabu[bi*m+gi] = step + int64(tmin+k.rng.IntN(tspan))
			tabu[bj*m+gj] = step + int64(tmin+k.rng.IntN(tspan))
		}
		cur += bestD
		if cur > best+epsilon {
			best = cur
			copy(sol, group)
			idle = -1
		}
	}
	k.record(sol, best)
	return best
}

// groupPair is a pair of groups with an upper bound on the best swap between them.
type groupPair struct {
	bound float64
	g, h  int
}

// load makes sol the current assignment of the search bookkeeping (not of the State).
func (k *worker) load(sol []int) {
	copy(k.group, sol)
	clear(k.size)
	for g := range k.members {
		k.members[g] = k.members[g][:0]
	}
	for i, g := range sol {
		k.size[g]++
		k.pos[i] = len(k.members[g])
		k.members[g] = append(k.members[g], i)
	}
}

// move moves i to group h in the State and the search bookkeeping.
func (k *worker) move(i, h int) {
	g := k.group[i]
	k.st.Move(i, h)
	mg := k.members[g]
	last := mg[len(mg)-1]
	mg[k.pos[i]] = last
	k.pos[last] = k.pos[i]
	k.members[g] = mg[:len(mg)-1]
	k.pos[i] = len(k.members[h])
	k.members[h] = append(k.members[h], i)
	k.group[i] = h
	k.size[g]--
	k.size[h]++
}

// tenure returns the range [tmin, tmin+tspan) of tabu tenures for an instance of n elements in
// m groups.
func tenure(n, m int) (tmin, tspan int) {
	// Tuned on RanReal n = 120…480: short tenures work best; twice as long is clearly worse.
	tmin = max(3, (n/(2*m)+m/2)/2)
	return tmin, tmin
}
