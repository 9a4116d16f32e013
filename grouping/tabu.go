package grouping

import (
	"context"
	"math"
	"math/rand/v2"
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

	group []int     // current assignment inside tabuSearch
	size  []int     // current group sizes
	tabu  []int64   // tabu[i·m+g]: step until which i may not enter g
	gain  []float64 // scratch for Gains
	sw    []float64 // scratch for SwapGains
	cand  []int     // scratch

	iters   int64 // tabu steps done
	halted  bool
	best    []int
	bestVal float64
}

func newWorker(ctx context.Context, p Problem, opt Options, w int) *worker {
	n, m := p.Size()
	k := &worker{
		ctx: ctx, p: p, opt: opt, n: n, m: m,
		lo: make([]int, m), hi: make([]int, m),
		st:    p.NewState(),
		rng:   rand.New(rand.NewPCG(opt.Seed, 0x9e3779b97f4a7c15*uint64(w+1))),
		group: make([]int, n), size: make([]int, m),
		tabu: make([]int64, n*m), gain: make([]float64, m), sw: make([]float64, n),
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
	}
}

// randomSolution fills sol with a uniformly shuffled feasible assignment: sizes start at the
// lower bounds and the slack goes one element at a time to random groups with room.
func (k *worker) randomSolution(sol []int) {
	size := k.size
	copy(size, k.lo)
	rest := k.n
	for _, s := range size {
		rest -= s
	}
	open := k.cand[:0]
	for g := 0; g < k.m; g++ {
		if size[g] < k.hi[g] {
			open = append(open, g)
		}
	}
	for ; rest > 0; rest-- {
		x := k.rng.IntN(len(open))
		g := open[x]
		if size[g]++; size[g] == k.hi[g] {
			open[x] = open[len(open)-1]
			open = open[:len(open)-1]
		}
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
func (k *worker) tabuSearch(sol []int, depth int) float64 {
	n, m := k.n, k.m
	st := k.st
	st.Reset(sol)
	copy(k.group, sol)
	clear(k.size)
	for _, g := range sol {
		k.size[g]++
	}
	clear(k.tabu)
	cur := st.Value()
	best := cur
	k.record(sol, best)
	group, size, tabu := k.group, k.size, k.tabu
	tmin, tspan := tenure(n, m)
	movable := false
	for g := 0; g < m; g++ {
		movable = movable || k.lo[g] < k.hi[g]
	}

	var step int64
	for idle := 0; idle < depth && !k.stopped(); idle++ {
		k.iters++
		step++
		bestD := math.Inf(-1)
		bi, bj, bh := -1, -1, -1 // a move sets bj = -1; a swap sets bh = -1
		ties := 0
		aspire := best - cur + epsilon // a tabu neighbour beating the best is allowed

		if movable {
			for i := 0; i < n; i++ {
				g := group[i]
				if size[g] <= k.lo[g] {
					continue
				}
				st.Gains(i, k.gain)
				for h, d := range k.gain[:m] {
					if h == g || size[h] >= k.hi[h] || d < bestD {
						continue
					}
					if tabu[i*m+h] > step && d <= aspire {
						continue
					}
					if d > bestD {
						bestD, bi, bj, bh, ties = d, i, -1, h, 1
					} else if ties++; k.rng.IntN(ties) == 0 {
						bi, bj, bh = i, -1, h
					}
				}
			}
		}
		sw := k.sw
		for i := 0; i < n-1; i++ {
			gi := group[i]
			st.SwapGains(i, sw)
			for j := i + 1; j < n; j++ {
				d := sw[j]
				if d < bestD {
					continue
				}
				gj := group[j]
				if gj == gi {
					continue
				}
				if (tabu[i*m+gj] > step || tabu[j*m+gi] > step) && d <= aspire {
					continue
				}
				if d > bestD {
					bestD, bi, bj, bh, ties = d, i, j, -1, 1
				} else if ties++; k.rng.IntN(ties) == 0 {
					bi, bj, bh = i, j, -1
				}
			}
		}
		if bi < 0 {
			break // everything tabu and nothing aspires: rare, end this search
		}
		if bj < 0 {
			g := group[bi]
			st.Move(bi, bh)
			group[bi] = bh
			size[g]--
			size[bh]++
			tabu[bi*m+g] = step + int64(tmin+k.rng.IntN(tspan))
		} else {
			gi, gj := group[bi], group[bj]
			st.Move(bi, gj)
			st.Move(bj, gi)
			group[bi], group[bj] = gj, gi
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

// tenure returns the range [tmin, tmin+tspan) of tabu tenures for an instance of n elements in
// m groups.
func tenure(n, m int) (tmin, tspan int) {
	tmin = max(3, n/(2*m)+m/2)
	return tmin, max(1, tmin)
}
