package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/roundtable/roundtable/grouping"
)

// spreadFloor is the lowest mean level spread of any formation placing as many people as the
// engine did, as far as CBC got: the benchmark only, when coinor-cbc is installed.
type spreadFloor struct {
	lower float64 // no such formation has a lower mean spread
	best  float64 // the lowest mean of a formation CBC found; NaN for none
	exact bool    // lower is reached: best == lower
}

// allows1 reports whether CBC found a formation with a mean spread of at most 1.0.
func (f *spreadFloor) allows1() bool { return f.best <= 1.0+1e-9 }

// floorOfSpread finds the lowest mean level spread of formations placing at least placed of
// the aggregate's people (of the given levels), within seconds of CBC's time, by Dinkelbach's
// method on grouping's spread program: solve it for μ = 1.0, the target, then for the mean of
// the best solution found until no lower mean exists or time is up. A solve that stops on time
// still bounds the mean from below; when it found no formation, the next asks for one below
// known, the engine's mean. Every solve starts from the engine's circles (start), when they map
// onto the program. Nil without error when cbc is missing.
func floorOfSpread(ctx context.Context, a *grouping.Aggregate, levels []int, placed int, known, seconds float64, start [][]int) (*spreadFloor, error) {
	bin, err := lookCBC()
	if err != nil || placed < a.Min {
		return nil, nil
	}
	began := time.Now()
	// Zero-half cuts take most of the root's time on these programs and add little.
	extra := []string{"zeroHalfCuts", "off"}
	if values, ok := a.SpreadValues(start, levels); ok && len(start) > 0 {
		args, done, err := cbcStart(values)
		if err != nil {
			return nil, err
		}
		defer done()
		extra = append(extra, args...)
	}
	f := &spreadFloor{best: math.NaN()}
	// Circles placing placed people number at least ⌈placed/Max⌉ and at most ⌊N/Min⌋.
	fewest, most := (placed+a.Max-1)/a.Max, a.N/a.Min
	mu := 1.0
	for {
		left := seconds - time.Since(began).Seconds()
		if left < 1 {
			break
		}
		res, err := runCBC(ctx, bin, func(w io.Writer) error { return a.WriteSpreadLP(w, levels, placed, mu) }, extra, left)
		if err != nil {
			return nil, err
		}
		// low bounds Σ (spread − μ)·circles over every formation, so the mean is at least
		// μ + low/circles, with circles at their fewest when low < 0 and at most when above.
		low := res.objective
		if !res.optimal {
			if b, ok := cbcLogValue(res.log, "Lower bound:"); ok {
				low = b
			} else {
				low = math.Inf(-1)
			}
		}
		switch {
		case res.infeasible:
			return nil, fmt.Errorf("the spread program says no formation places %d people", placed)
		case low >= 0:
			f.lower = math.Max(f.lower, mu+low/float64(most))
		default:
			f.lower = math.Max(f.lower, mu+low/float64(fewest))
		}
		if !res.found {
			if mu >= known {
				break
			}
			mu = known
			continue
		}
		circles, sum, err := grouping.SpreadOfSolution(res.values, levels)
		if err != nil || circles == 0 {
			return nil, fmt.Errorf("cbc: the spread program's solution opens no circle (%v)", err)
		}
		before := f.best
		if mean := float64(sum) / float64(circles); math.IsNaN(f.best) || mean < f.best {
			f.best = mean
		}
		if res.optimal && res.objective >= -1e-9 && f.best <= mu+1e-9 {
			f.lower, f.exact = f.best, true // no formation has a lower mean than this solution's
			break
		}
		if !res.optimal && f.best == before {
			break // out of time without a better formation
		}
		mu = f.best // the next step asks for a formation with a lower mean than the best known
	}
	return f, nil
}

// floorText writes the floor for the table: the lowest mean when CBC proved it, else the bound
// ("≥") and, when CBC found a formation, the best mean found.
func (f *spreadFloor) floorText() string {
	switch {
	case f == nil:
		return "—"
	case f.exact || fmt.Sprintf("%.2f", f.lower) == fmt.Sprintf("%.2f", f.best):
		return fmt.Sprintf("%.2f", f.best)
	case math.IsNaN(f.best):
		return fmt.Sprintf("≥%.2f", f.lower)
	default:
		return fmt.Sprintf("≥%.2f ≤%.2f", f.lower, f.best)
	}
}

// cbcResult is what one run of cbc gave.
type cbcResult struct {
	optimal    bool // CBC finished its search
	found      bool // it has an integer solution
	infeasible bool
	objective  float64 // of the solution, or of the relaxation when none was found
	values     map[string]float64
	log        string
	elapsed    time.Duration
}

// runCBC writes a model with write into a temporary folder and runs cbc on it, with extra
// arguments before the solve, for up to seconds of its time.
func runCBC(ctx context.Context, bin string, write func(io.Writer) error, extra []string, seconds float64) (*cbcResult, error) {
	dir, err := os.MkdirTemp("", "roundtable-cbc-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	model, sol := dir+"/model.lp", dir+"/model.sol"
	if err := writeFile(model, write); err != nil {
		return nil, err
	}
	args := append([]string{model}, extra...)
	args = append(args, "sec", fmt.Sprintf("%.1f", seconds), "solve", "solu", sol)
	began := time.Now()
	log, err := runLogged(ctx, bin, args...)
	res := &cbcResult{log: log, elapsed: time.Since(began)}
	if err != nil {
		return nil, fmt.Errorf("cbc: %w\n%s", err, tail(log, 800))
	}
	out, err := os.Open(sol)
	if err != nil {
		return nil, fmt.Errorf("cbc wrote no solution: %w\n%s", err, tail(log, 800))
	}
	defer out.Close()
	if err := res.read(out); err != nil {
		return nil, err
	}
	return res, nil
}
