package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/roundtable/roundtable/grouping"
	"github.com/roundtable/roundtable/internal/mdgpbench"
)

// runFormMDGP solves an MDGPLIB instance and prints its objective as the last
// line, "objective=<value>"; with --out it writes each element's group.
func runFormMDGP(ctx context.Context, fl formFlags, std stdio) error {
	if fl.workers < 0 {
		return usageError{"--workers must not be negative"}
	}
	in, err := mdgpbench.ReadInstance(fl.mdgp)
	if err != nil {
		return err
	}
	limit, err := fl.budget(mdgpbench.LiteratureTime(in.N))
	if err != nil {
		return err
	}
	fmt.Fprintf(std.Out, "%s: n=%d, m=%d groups (%s), seed %d, %s\n", fl.mdgp, in.N, in.M, in.Kind, fl.seed, budgetWords(limit, fl.iterations))

	bar := newProgress(std.Err, "Solving")
	bar.Clock(limit)
	start := time.Now()
	res, err := grouping.Solve(ctx, in, grouping.Options{
		Seed: fl.seed, Time: limit, Iterations: fl.iterations, Workers: fl.workers,
	})
	bar.Finish()
	if err != nil {
		return fmt.Errorf("solve %s: %w", fl.mdgp, err)
	}
	// The objective printed is recomputed from the assignment, not taken on
	// trust from the search.
	if err := in.Feasible(res.Assign); err != nil {
		return fmt.Errorf("solve %s: the search returned an infeasible assignment: %w", fl.mdgp, err)
	}
	value := in.Objective(res.Assign)

	if fl.out != "" {
		err := writeFile(fl.out, func(w io.Writer) error {
			bw := bufio.NewWriter(w)
			for _, g := range res.Assign {
				fmt.Fprintln(bw, g)
			}
			return bw.Flush()
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(std.Out, "Wrote the group of each element to %s.\n", fl.out)
	}
	fmt.Fprintf(std.Out, "%d search steps in %.2f s\n", res.Iterations, time.Since(start).Seconds())
	fmt.Fprintf(std.Out, "objective=%.3f\n", value)
	return nil
}

// budgetWords describes a search budget.
func budgetWords(limit time.Duration, iterations int64) string {
	switch {
	case limit > 0 && iterations > 0:
		return fmt.Sprintf("up to %v or %d steps per worker", limit, iterations)
	case iterations > 0:
		return fmt.Sprintf("%d steps per worker", iterations)
	default:
		return fmt.Sprintf("%v", limit)
	}
}
