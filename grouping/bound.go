package grouping

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"
)

// The upper bound on how many people any formation places, computed by Lagrangian relaxation
// of the packing problem (see Aggregate).
//
// The plain LP relaxation is useless here: with y_t fractional, a time holds one person in an
// eighth of a circle, so the LP places everyone who can make any time. Instead we relax only
// "each person at one time at most", with a price λ_p ≥ 0 per person. What is left falls apart
// into one small problem per time, solved exactly with y_t integer:
//
//	L(λ) = Σ_p λ_p + Σ_t max(0, max over y ≥ 1 of best_t(y, λ))
//
// where best_t(y, λ) is the most Σ (1 − λ_p) over the people placed at t in y circles: between
// Min·y and Max·y of them, at most y of each organization. For every λ ≥ 0, L(λ) is at least
// the optimum (any solution of the full problem is feasible for each time's problem and pays
// Σ λ_p x_p ≤ Σ λ_p), so the bound holds however far the search for a good λ got; keep-apart
// pairs are left out, which only raises it. The per-time problems keep what the LP loses — a
// time cannot hold three people — so the bound is close to the optimum. We lower L by
// subgradient steps and report ⌊min L⌋, the optimum being a whole number.

// Bound is a proven upper bound on the people a formation can place.
type Bound struct {
	Placed     int     // no formation places more people
	Value      float64 // the Lagrangian value it was rounded down from
	Reachable  int     // people who can make any weekly time at all (the trivial bound)
	Iterations int
}

// UpperBound computes a bound on the people any formation of people under s places, spending
// up to budget on it (at least a few hundred steps). lower, a number of people some formation
// places, steers the step sizes and stops the search once the bound meets it.
func UpperBound(ctx context.Context, people []Person, s Settings, lower int, budget time.Duration) (Bound, error) {
	a, err := NewAggregate(people, s)
	if err != nil {
		return Bound{}, err
	}
	return a.UpperBound(ctx, lower, budget), nil
}

// UpperBound is the bound on the aggregate's optimum; see the package function.
func (a *Aggregate) UpperBound(ctx context.Context, lower int, budget time.Duration) Bound {
	lg := newLagrange(a)
	reach := a.Reachable()
	b := Bound{Placed: reach, Value: float64(reach), Reachable: reach}
	lambda := make([]float64, a.N)
	for p := range lambda {
		lambda[p] = 1
	}
	g := make([]float64, a.N)
	theta, stall := 2.0, 0
	start := time.Now()
	for it := 0; ; it++ {
		val := lg.value(lambda, g)
		b.Iterations = it + 1
		if val < b.Value-1e-9 {
			b.Value, stall = val, 0
			// A margin for rounding: the sums carry errors far below 1e-6.
			b.Placed = min(b.Placed, int(math.Floor(val+1e-6)))
		} else if stall++; stall >= 25 {
			theta, stall = theta/2, 0
		}
		if b.Placed <= lower || theta < 1e-4 || ctx.Err() != nil || it >= 300 && time.Since(start) > budget {
			return b
		}
		norm := 0.0
		for _, x := range g {
			norm += x * x
		}
		if norm == 0 {
			return b // λ is optimal: every person is at exactly one time
		}
		target := float64(lower)
		if target >= b.Value {
			target = b.Value - 1
		}
		step := theta * (val - target) / norm
		for p := range lambda {
			lambda[p] = max(0, lambda[p]-step*g[p])
		}
	}
}

// lagrange evaluates L(λ) time by time.
type lagrange struct {
	a     *Aggregate
	order []int32 // scratch: the people of a time by value
	rank  []int32 // scratch: rank of each person within their organization at the time
	seen  []int32 // scratch: members of each organization seen so far
	take  []int32 // scratch: the people of the best y
}

func newLagrange(a *Aggregate) *lagrange {
	return &lagrange{a: a, rank: make([]int32, a.N), seen: make([]int32, a.Orgs)}
}

// value returns L(λ) and writes its subgradient, 1 − (the times each person is placed at),
// into g.
func (lg *lagrange) value(lambda, g []float64) float64 {
	a := lg.a
	total := 0.0
	for p := range g {
		g[p] = 1
		total += lambda[p]
	}
	for _, at := range a.At {
		best, take := lg.time(at, lambda)
		if best > 0 {
			total += best
			for _, p := range take {
				g[p]--
			}
		}
	}
	return total
}

// time solves one time's problem: the best y and people for it, by value 1 − λ_p. For each y
// the people one may place are the y most valuable of each organization (and everyone without
// one); among them the best choice takes the most valuable first, all the positive ones up to
// Max·y and then the least negative up to Min·y. (Limits per organization make a partition
// matroid, where taking the best first is optimal for every count.)
func (lg *lagrange) time(at []int32, lambda []float64) (float64, []int32) {
	a := lg.a
	order := append(lg.order[:0], at...)
	slices.SortFunc(order, func(x, y int32) int { return cmp.Compare(lambda[x], lambda[y]) })
	lg.order = order
	if 1-lambda[order[0]] <= 0 && a.Min > 0 {
		return 0, nil // nobody adds anything; a circle here could only cost
	}
	for _, p := range order {
		if o := a.Org[p]; o >= 0 {
			lg.seen[o]++
			lg.rank[p] = lg.seen[o]
		} else {
			lg.rank[p] = 1
		}
	}
	for _, p := range order {
		if o := a.Org[p]; o >= 0 {
			lg.seen[o] = 0
		}
	}
	best, bestY := 0.0, 0
	for y := 1; y*a.Min <= len(order); y++ {
		if sum, ok := lg.choose(order, lambda, y, nil); ok && sum > best {
			best, bestY = sum, y
		}
	}
	if bestY == 0 {
		return 0, nil
	}
	lg.take = lg.take[:0]
	lg.choose(order, lambda, bestY, &lg.take)
	return best, lg.take
}

// choose takes the best people of order (sorted by value, ranks set) for y circles, appending
// them to take when it is not nil; it returns their value, and false when fewer than Min·y
// may meet there.
func (lg *lagrange) choose(order []int32, lambda []float64, y int, take *[]int32) (float64, bool) {
	a := lg.a
	sum, n := 0.0, 0
	for _, p := range order {
		if n >= a.Max*y {
			break
		}
		if lg.rank[p] > int32(y) {
			continue
		}
		v := 1 - lambda[p]
		if v <= 0 && n >= a.Min*y {
			break
		}
		sum += v
		n++
		if take != nil {
			*take = append(*take, p)
		}
	}
	return sum, n >= a.Min*y
}
