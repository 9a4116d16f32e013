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
	// PopSize is the population size of each worker's memetic search (default 10, at least 2).
	PopSize int
	// Depth is the number of non-improving tabu steps after which one local search ends; 0
	// picks a default from the instance size.
	Depth int
	// Progress, if set, is called whenever the best value so far improves, one call at a time,
	// from the worker goroutines. It must return quickly.
	Progress func(Progress)
}

// Progress is a new best value met during Solve.
type Progress struct {
	Value      float64
	Iterations int64 // tabu steps of the worker that found it
	Elapsed    time.Duration
}

// tracker forwards the improvements of all workers to Options.Progress.
type tracker struct {
	fn    func(Progress)
	start time.Time
	mu    sync.Mutex
	best  float64
}

func (t *tracker) offer(v float64, iters int64) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if v > t.best+epsilon {
		t.best = v
		t.fn(Progress{Value: v, Iterations: iters, Elapsed: time.Since(t.start)})
	}
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
	var tr *tracker
	if opt.Progress != nil {
		tr = &tracker{fn: opt.Progress, start: time.Now(), best: math.Inf(-1)}
	}
	results := make([]workerResult, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := newWorker(ctx, p, opt, w)
			k.progress = tr
			results[w] = k.run()
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
