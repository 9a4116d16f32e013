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
	"path/filepath"
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
	dir, err := os.MkdirTemp("", "roundtable-place-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	model, sol := filepath.Join(dir, "place.lp"), filepath.Join(dir, "place.sol")
	if err := writeFile(model, a.WriteLP); err != nil {
		return nil, err
	}
	args := []string{model}
	if values, ok := a.Values(start); ok && len(start) > 0 {
		mips := filepath.Join(dir, "start.sol")
		if err := writeFile(mips, func(w io.Writer) error { return grouping.WriteValues(w, values) }); err != nil {
			return nil, err
		}
		// CBC 2.10 aborts when it preprocesses a model with a starting solution; without
		// preprocessing, the start makes it faster on our cohorts, not slower.
		args = append(args, "mips", mips, "preprocess", "off")
	}
	args = append(args, "sec", strconv.FormatFloat(seconds, 'f', -1, 64), "solve", "solu", sol)
	began := time.Now()
	var log bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("cbc: %w\n%s", err, tail(log.String(), 800))
	}
	o := &optimum{elapsed: time.Since(began)}
	f, err := os.Open(sol)
	if err != nil {
		return nil, fmt.Errorf("cbc wrote no solution: %w\n%s", err, tail(log.String(), 800))
	}
	defer f.Close()
	br := bufio.NewReader(f)
	status, _ := br.ReadString('\n')
	// The first line is like "Optimal - objective value 296.00000000" or "Stopped on time -
	// objective value 282.00000000".
	o.optimal = strings.HasPrefix(status, "Optimal")
	i := strings.LastIndex(status, "objective value")
	if i < 0 {
		return nil, fmt.Errorf("cbc: unexpected solution header %q", strings.TrimSpace(status))
	}
	best, err := strconv.ParseFloat(strings.TrimSpace(status[i+len("objective value"):]), 64)
	if err != nil {
		return nil, fmt.Errorf("cbc: unexpected solution header %q", strings.TrimSpace(status))
	}
	o.best = int(math.Round(math.Abs(best)))
	o.bound = o.best
	if strings.Contains(status, "no integer solution") {
		// The value is of the LP relaxation: a bound, and no solution to deal.
		o.bound, o.best = int(math.Floor(math.Abs(best)+1e-6)), 0
		return o, nil
	}
	o.found = true
	if !o.optimal {
		o.bound = a.N
		if b, ok := cbcBound(log.String()); ok {
			o.bound = int(math.Floor(b + 1e-6))
		}
	}
	values, err := grouping.ReadValues(br)
	if err != nil {
		return nil, fmt.Errorf("cbc: read the solution: %w", err)
	}
	var placed int
	o.circles, placed, o.dealt = a.Circles(values, rand.New(rand.NewPCG(seed, 1)))
	if placed != o.best {
		return nil, fmt.Errorf("cbc: the solution places %d people, its objective says %d", placed, o.best)
	}
	return o, nil
}

// cbcBound reads the proven bound from CBC's log: "Upper bound: 296.000" when it stopped at
// its limit (a maximisation's bound; CBC minimises the negated objective inside).
func cbcBound(log string) (float64, bool) {
	for line := range strings.SplitSeq(log, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Upper bound:"); ok {
			if b, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				return math.Abs(b), true
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
