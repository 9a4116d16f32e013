package grouping

import (
	"math"
	"slices"
)

// run is one worker's memetic search: a population of tabu-search optima, recombined by a
// group-based crossover and renewed by a rule that weighs quality against distance so the pool
// does not collapse onto one region.
func (k *worker) run() workerResult {
	popSize := k.opt.PopSize
	if popSize <= 0 {
		popSize = 10
	}
	popSize = max(2, popSize) // crossover needs two parents
	depth := k.opt.Depth
	if depth <= 0 {
		depth = defaultDepth(k.n, k.m)
	}
	pool := make([][]int, 0, popSize+1)
	vals := make([]float64, 0, popSize+1)

	for len(pool) < popSize {
		sol := make([]int, k.n)
		k.randomSolution(sol)
		if k.best == nil {
			k.st.Reset(sol)
			k.record(sol, k.st.Value()) // anytime: something feasible before any search
		}
		if k.stopped() {
			break
		}
		v := k.tabuSearch(sol, depth)
		pool = append(pool, sol)
		vals = append(vals, v)
	}
	child := make([]int, k.n)
	for len(pool) >= 2 && !k.stopped() {
		a := k.rng.IntN(len(pool))
		b := k.rng.IntN(len(pool) - 1)
		if b >= a {
			b++
		}
		k.crossover(pool[a], pool[b], child)
		v := k.tabuSearch(child, depth)
		child = k.updatePool(&pool, &vals, child, v)
	}
	return workerResult{assign: k.best, value: k.bestVal, iters: k.iters}
}

// defaultDepth is the number of non-improving tabu steps that ends one local search. Tuned on
// RanReal: 5n at n = 120 and 240; at n = 480, shorter searches (more generations) do better.
func defaultDepth(n, m int) int { return max(200, min(5*n, 1000)) }

// crossover builds child from parents a and b group by group: taking turns, a parent offers
// the still-unused label whose group keeps the most still-unplaced elements, and those elements
// go to that label. The leftovers are placed greedily and the bounds repaired.
func (k *worker) crossover(a, b, child []int) {
	m := k.m
	for i := range child {
		child[i] = -1
	}
	used := make([]bool, m)
	count := make([]int, m)
	for step := 0; step < m; step++ {
		par := a
		if step%2 == 1 {
			par = b
		}
		clear(count)
		for i, g := range par {
			if child[i] < 0 {
				count[g]++
			}
		}
		bg, ties := -1, 0
		for g := 0; g < m; g++ {
			if used[g] {
				continue
			}
			switch {
			case bg < 0 || count[g] > count[bg]:
				bg, ties = g, 1
			case count[g] == count[bg]:
				if ties++; k.rng.IntN(ties) == 0 {
					bg = g
				}
			}
		}
		used[bg] = true
		for i, g := range par {
			if g == bg && child[i] < 0 {
				child[i] = bg
			}
		}
	}
	k.complete(child)
}

// complete turns the partial assignment sol (groups within their upper bounds, -1 for
// unplaced) into a feasible one: unplaced elements go, in random order, to the group that gains
// most among those with room (only to groups short of their lower bound once the remaining
// elements are all needed there), then groups still short take the cheapest elements from
// groups above their lower bound.
func (k *worker) complete(sol []int) {
	n, m := k.n, k.m
	st := k.st
	st.Reset(sol)
	size := k.size
	clear(size)
	free := k.cand[:0]
	for i, g := range sol {
		if g < 0 {
			free = append(free, i)
		} else {
			size[g]++
		}
	}
	k.rng.Shuffle(len(free), func(x, y int) { free[x], free[y] = free[y], free[x] })
	deficit := 0
	for g := 0; g < m; g++ {
		deficit += max(0, k.lo[g]-size[g])
	}
	for r, i := range free {
		needy := len(free)-r <= deficit
		st.Gains(i, k.gain)
		bh := k.pick(func(h int) bool {
			if needy {
				return size[h] < k.lo[h]
			}
			return size[h] < k.hi[h]
		})
		st.Move(i, bh)
		sol[i] = bh
		if size[bh] < k.lo[bh] {
			deficit--
		}
		size[bh]++
	}
	for g := 0; g < m; g++ {
		for size[g] < k.lo[g] {
			bi, bd := -1, math.Inf(-1)
			for i := 0; i < n; i++ {
				h := sol[i]
				if size[h] <= k.lo[h] {
					continue
				}
				st.Gains(i, k.gain)
				if k.gain[g] > bd {
					bi, bd = i, k.gain[g]
				}
			}
			h := sol[bi]
			st.Move(bi, g)
			sol[bi] = g
			size[h]--
			size[g]++
		}
	}
}

// pick returns the group with the largest k.gain among those ok accepts, ties broken at random.
func (k *worker) pick(ok func(h int) bool) int {
	bh, ties := -1, 0
	for h := 0; h < k.m; h++ {
		if !ok(h) {
			continue
		}
		switch {
		case bh < 0 || k.gain[h] > k.gain[bh]:
			bh, ties = h, 1
		case k.gain[h] == k.gain[bh]:
			if ties++; k.rng.IntN(ties) == 0 {
				bh = h
			}
		}
	}
	return bh
}

// updatePool offers child (value v) to the pool. A copy of a member is dropped; otherwise the
// member (child included) with the worst blend of quality rank and distance to the rest leaves.
// It returns a slice the caller may reuse for the next child.
func (k *worker) updatePool(pool *[][]int, vals *[]float64, child []int, v float64) []int {
	p := *pool
	for _, s := range p {
		if partitionDistance(s, child, k.m) == 0 {
			return child
		}
	}
	p = append(p, child)
	*vals = append(*vals, v)
	vs := *vals
	size := len(p)
	dmin := make([]float64, size)
	for x := range dmin {
		dmin[x] = math.Inf(1)
	}
	for x := 0; x < size; x++ {
		for y := x + 1; y < size; y++ {
			d := float64(partitionDistance(p[x], p[y], k.m))
			dmin[x] = min(dmin[x], d)
			dmin[y] = min(dmin[y], d)
		}
	}
	qlo, qhi := slices.Min(vs), slices.Max(vs)
	dlo, dhi := slices.Min(dmin), slices.Max(dmin)
	const beta = 0.6 // weight of quality against diversity
	worst, worstScore := -1, math.Inf(1)
	for x := 0; x < size; x++ {
		score := beta*(vs[x]-qlo)/(qhi-qlo+1e-9) + (1-beta)*(dmin[x]-dlo)/(dhi-dlo+1e-9)
		if score < worstScore {
			worst, worstScore = x, score
		}
	}
	out := p[worst]
	p[worst] = p[size-1]
	vs[worst] = vs[size-1]
	*pool = p[:size-1]
	*vals = vs[:size-1]
	return out
}

// partitionDistance counts the elements that must change group to turn partition a into b once
// groups are matched (greedily, by overlap); labels are ignored. It takes O(n log n) time and
// O(n + m) memory, so many groups cost nothing extra.
func partitionDistance(a, b []int, m int) int {
	keys := make([]int, len(a))
	for i, g := range a {
		keys[i] = g*m + b[i]
	}
	slices.Sort(keys)
	type cell struct{ c, g, h int }
	var cells []cell
	for x := 0; x < len(keys); {
		y := x
		for y < len(keys) && keys[y] == keys[x] {
			y++
		}
		cells = append(cells, cell{y - x, keys[x] / m, keys[x] % m})
		x = y
	}
	slices.SortFunc(cells, func(x, y cell) int { return y.c - x.c })
	usedA := make([]bool, m)
	usedB := make([]bool, m)
	same := 0
	for _, c := range cells {
		if !usedA[c.g] && !usedB[c.h] {
			usedA[c.g], usedB[c.h] = true, true
			same += c.c
		}
	}
	return len(a) - same
}
