package grouping

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Small cohorts (all circles in one block) are searched by restarts: runs of a fixed number
// of rounds from the placed circles, run k seeded by the seed and k, each worker taking the
// next run until the budget ends, the best kept (the earliest among equals). A longer budget
// only adds runs, so it never does worse than a shorter one, and a run long enough to settle
// means a short budget is already near the best a long one finds.

// restartRounds is the length of one run; restartHot its starting temperature, hotter than a
// single long annealing's: from circles that already place everyone, a short run needs to
// move people freely at first to leave the shape the packing gave them. Runs are short, and
// each ends at a local optimum (descend), so that a budget of a few seconds completes several
// and lands near what thirty seconds find: on the cohorts of bench place at 300 people, runs
// of 800 rounds left 3 s 0.6–1.7 % below 30 s on a busy machine, runs of 200 0.05–1.3 %. The
// first run starts cool (tempHigh), near the placed circles, whose levels were polished
// (levels.go): when a machine gives the search little time, that run still ends near them
// rather than half-way through reshaping them.
const (
	restartRounds = 200
	restartHot    = 60.0
)

// restarts runs restarts of the annealing within b and returns the best state found.
func (s *state) restarts(ctx context.Context, seed uint64, b *budget, workers int, report func(*state) func(float64)) *state {
	var mu sync.Mutex
	best, bestRun := s, -1
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				left := time.Until(b.deadline)
				if ctx.Err() != nil || k > 0 && left <= 0 {
					return
				}
				// A run cools within what is left of the budget when that is shorter.
				hot := restartHot
				if k == 0 {
					hot = tempHigh // the first run stays near the placed circles: a safe result when time is short
				}
				rb := &budget{rounds: restartRounds, start: time.Now(), total: max(left, time.Millisecond), hot: hot}
				rb.deadline = rb.start.Add(rb.total)
				c := s.clone()
				var rep func(float64)
				if k == 0 {
					rep = report(c)
				}
				c.anneal(ctx, seed+uint64(k)*0x9e3779b97f4a7c15, rb, 1, rep)
				c.descend(ctx)
				mu.Lock()
				if t := c.total(); bestRun < 0 || t > best.total()+epsilon || t > best.total()-epsilon && k < bestRun {
					best, bestRun = c, k
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return best
}
