package grouping

import (
	"context"
	"errors"
	"math"
	"runtime"
	"sync"
	"time"
)

// Options steer Solve. The zero value runs until ctx is cancelled on every core.
type Options struct {
	// Seed makes the run reproducible together with Iterations.
	Seed uint64
	// Time bounds the wall-clock time of the run; 0 means no time limit.
	Time time.Duration
	// Iterations bounds the number of tabu-search steps per worker; 0 means no bound. A run
	// that stops on Iterations (not on Time or ctx) gives the same result for the same Seed.
	Iterations int64
	// Workers is the number of independent searches run in parallel, the best kept; 0 means
	// runtime.GOMAXPROCS(0). Worker w derives its seed from Seed and w, so results do not
	// depend on scheduling.
	Workers int
	// PopSize is the population size of each worker's memetic search (default 10).
	PopSize int
	// Depth is the number of non-improving tabu steps after which one local search ends; 0
	// picks a default from the instance size.
	Depth int
}

// Result is the best assignment found.
type Result struct {
	Assign     []int   // group of each element
	Value      float64 // objective of Assign, recomputed from scratch
	Iterations int64   // tabu-search steps over all workers
	Worker     int     // the worker that found Assign
}

// ErrInfeasible is returned when the size bounds admit no complete assignment.
var ErrInfeasible = errors.New("grouping: size bounds admit no assignment")

// Solve searches for an assignment of p's elements to groups, within the bounds, maximising the
// objective. It is anytime: when ctx is cancelled or opt.Time runs out it returns the best
// assignment found so far (at least one feasible assignment is always built first).
func Solve(ctx context.Context, p Problem, opt Options) (Result, error) {
	if !feasibleSizes(p) {
		return Result{}, ErrInfeasible
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if opt.Time > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opt.Time)
		defer cancel()
	}
	results := make([]workerResult, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[w] = newWorker(ctx, p, opt, w).run()
		}()
	}
	wg.Wait()

	res := Result{Value: math.Inf(-1)}
	for w, r := range results {
		res.Iterations += r.iters
		if r.assign != nil && r.value > res.Value+epsilon {
			res.Assign, res.Value, res.Worker = r.assign, r.value, w
		}
	}
	st := p.NewState()
	st.Reset(res.Assign)
	res.Value = st.Value()
	return res, nil
}

// epsilon separates a real improvement from floating-point noise in incremental sums.
const epsilon = 1e-7

// workerResult is what one worker hands back.
type workerResult struct {
	assign []int
	value  float64
	iters  int64
}
