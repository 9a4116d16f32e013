package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable/grouping"
)

// optimum is what the CBC solver found for a cohort's placement integer program: the benchmark
// only, when Debian's coinor-cbc is installed; the product never runs it.
type optimum struct {
	found   bool // CBC has a solution
	best    int  // people placed by CBC's best solution
	bound   int  // CBC's proven bound (equal to best when it proved optimality)
	optimal bool // CBC finished its search
	dealt   bool // the solution's people, dealt into circles, meet every hard rule
	circles [][]int
	elapsed time.Duration
}

// solveCBC writes the aggregate's integer program to a temporary folder and runs cbc on it for
// up to seconds of its time, starting from the circles of start (the best formation we have:
// beyond a few hundred people CBC finds no solution of its own in a minute). It returns nil
// without error when cbc is not on the PATH.
func solveCBC(ctx context.Context, a *grouping.Aggregate, seconds float64, seed uint64, start [][]int) (*optimum, error) {
	bin, err := lookCBC()
	if err != nil {
		return nil, nil
	}
	var extra []string
	if values, ok := a.Values(start); ok && len(start) > 0 {
		var done func()
		if extra, done, err = cbcStart(values); err != nil {
			return nil, err
		}
		defer done()
	}
	res, err := runCBC(ctx, bin, a.WriteLP, extra, seconds)
	if err != nil {
		return nil, err
	}
	o := &optimum{elapsed: res.elapsed, optimal: res.optimal}
	o.best = int(math.Round(math.Abs(res.objective)))
	o.bound = o.best
	if !res.found {
		// The value is of the LP relaxation: a bound, and no solution to deal.
		o.bound, o.best = int(math.Floor(math.Abs(res.objective)+1e-6)), 0
		return o, nil
	}
	o.found = true
	if !o.optimal {
		o.bound = a.N
		if b, ok := cbcLogValue(res.log, "Upper bound:"); ok {
			o.bound = int(math.Floor(math.Abs(b) + 1e-6))
		}
	}
	var placed int
	o.circles, placed, o.dealt = a.Circles(res.values, rand.New(rand.NewPCG(seed, 1)))
	if placed != o.best {
		return nil, fmt.Errorf("cbc: the solution places %d people, its objective says %d", placed, o.best)
	}
	return o, nil
}

// cbcStart writes a starting solution for cbc and returns the arguments that
// give it, and a function that removes the file.
func cbcStart(values map[string]float64) ([]string, func(), error) {
	mips, err := os.CreateTemp("", "roundtable-start-*.sol")
	if err != nil {
		return nil, nil, err
	}
	mips.Close()
	done := func() { os.Remove(mips.Name()) }
	if err := writeFile(mips.Name(), func(w io.Writer) error { return grouping.WriteValues(w, values) }); err != nil {
		done()
		return nil, nil, err
	}
	// CBC 2.10 aborts when it preprocesses a model with a starting solution; without
	// preprocessing, the start makes it faster on our cohorts, not slower.
	return []string{"mips", mips.Name(), "preprocess", "off"}, done, nil
}

// read reads a cbc solution file: its first line, like "Optimal - objective value 296.00000000",
// "Stopped on time - objective value 282.00000000" or "Stopped on time (no integer solution -
// continuous used) - objective value -27.84", then a line per variable.
func (res *cbcResult) read(r io.Reader) error {
	br := bufio.NewReader(r)
	status, _ := br.ReadString('\n')
	i := strings.LastIndex(status, "objective value")
	if i < 0 {
		return fmt.Errorf("cbc: unexpected solution header %q", strings.TrimSpace(status))
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(status[i+len("objective value"):]), 64)
	if err != nil {
		return fmt.Errorf("cbc: unexpected solution header %q", strings.TrimSpace(status))
	}
	res.objective = v
	res.optimal = strings.HasPrefix(status, "Optimal")
	res.infeasible = strings.HasPrefix(status, "Infeasible")
	res.found = !res.infeasible && !strings.Contains(status, "no integer solution")
	if res.values, err = grouping.ReadValues(br); err != nil {
		return fmt.Errorf("cbc: read the solution: %w", err)
	}
	return nil
}

// runLogged runs a program and returns what it wrote, standard output and error together.
func runLogged(ctx context.Context, bin string, args ...string) (string, error) {
	var log bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &log, &log
	err := cmd.Run()
	return log.String(), err
}

// cbcLogValue reads the number after label in CBC's log, like "Lower bound: 32.223" (a
// minimisation's proven bound when it stopped at its limit) or "Upper bound: 296.000" (a
// maximisation's: CBC minimises the negated objective inside).
func cbcLogValue(log, label string) (float64, bool) {
	for line := range strings.SplitSeq(log, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), label); ok {
			if b, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				return b, true
			}
		}
	}
	return 0, false
}

// tail returns the last n bytes of s, for error messages.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// errNoCBC is shown when --cbc-seconds asks for CBC and it is missing.
var errNoCBC = errors.New("cbc is not installed (on Debian: apt-get install coinor-cbc); the optimum column stays empty")

// lookCBC finds the cbc program on the PATH.
func lookCBC() (string, error) { return exec.LookPath("cbc") }
