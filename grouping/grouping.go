// Package grouping splits people (or, in MDGP mode, abstract elements) into labelled groups with
// per-group size bounds so that a pairwise diversity objective is as large as possible.
//
// The package is pure Go with no I/O beyond the readers it is handed, and every random choice
// comes from a seeded generator, so a run with an iteration budget is reproducible.
//
// The search (Solve) is separated from the objective: a Problem describes elements, groups and
// their bounds, and hands out States that keep whatever per-group bookkeeping lets them score a
// move or a swap in O(1). MatrixProblem is the Maximally Diverse Grouping Problem with an explicit
// n×n distance matrix; other objectives (attribute counts per circle) plug in the same way.
package grouping

// Problem describes an instance to the search: n elements, m labelled groups, and the size
// bounds of each group. The search maximises the value reported by its States.
type Problem interface {
	// Size returns the number of elements n and of groups m.
	Size() (n, m int)
	// Bounds returns the inclusive size bounds of group g.
	Bounds(g int) (lo, hi int)
	// NewState returns a fresh State with every element unassigned.
	NewState() State
}

// State is an assignment of elements to groups that maintains its objective value incrementally.
// Group -1 means unassigned; States are used by one goroutine at a time.
type State interface {
	// Reset loads assign (values in [-1, m)) and recomputes everything from scratch.
	Reset(assign []int)
	// Value returns the objective of the current assignment.
	Value() float64
	// Gains sets out[h] to the change in Value if element i moved to (or, when unassigned,
	// were inserted into) group h, for every group h; out[group(i)] is 0. len(out) ≥ m.
	Gains(i int, out []float64)
	// SwapDelta returns the change in Value if i and j, assigned to different groups,
	// exchanged them.
	SwapDelta(i, j int) float64
	// SwapSlack returns an upper bound, over all pairs i, j in different groups, on
	// SwapDelta(i, j) − (gain of i to j's group) − (gain of j to i's group). For a pairwise sum
	// this is −2·min d_ij. The search uses it to skip pairs that cannot be the best swap.
	SwapSlack() float64
	// Move puts element i into group h (h = -1 unassigns it).
	Move(i, h int)
}

// PairwiseState is an optional extension of State for objectives that are a sum over the pairs
// inside each group, d_ij: then SwapDelta(i, j) equals the two move gains minus 2·d_ij, and the
// search scores swaps inline from PairRow instead of calling SwapDelta for each pair.
type PairwiseState interface {
	State
	// PairRow returns d_i·, indexed by element; the caller does not modify it.
	PairRow(i int) []float64
}

// feasibleSizes reports whether the bounds of p admit a complete assignment.
func feasibleSizes(p Problem) bool {
	n, m := p.Size()
	sumLo, sumHi := 0, 0
	for g := 0; g < m; g++ {
		lo, hi := p.Bounds(g)
		if lo < 0 || lo > hi {
			return false
		}
		sumLo += lo
		sumHi += hi
	}
	return sumLo <= n && n <= sumHi
}
