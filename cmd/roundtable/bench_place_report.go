package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
)

// writePlaceTable prints a row per cohort: people placed by the engine, the greedy, the proven
// bound and the optimum, and the engine's share of the optimum ("≥" when only the bound is
// known, so the share is at least that).
func writePlaceTable(w io.Writer, rows []placeRow) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "n\tseed\tengine\tproven\tgreedy\tbound\toptimum (CBC)\tengine % of opt.\tspread engine\tspread greedy\tspread floor\tscore engine\tengine time\tCBC time\t")
	for _, r := range rows {
		opt, cbcTime := "—", "—"
		if r.opt != nil {
			cbcTime = fmt.Sprintf("%.1f s", r.opt.elapsed.Seconds())
			switch {
			case !r.opt.found:
				opt = fmt.Sprintf("none ≤%d", r.ceiling())
			case !r.opt.dealt:
				opt = fmt.Sprintf("%d (not dealt)", r.opt.best)
			case r.opt.best == r.ceiling():
				opt = fmt.Sprint(r.opt.best)
			default:
				opt = fmt.Sprintf("≥%d ≤%d", r.opt.best, r.ceiling())
			}
		}
		proven := "no"
		if r.sure {
			proven = "yes"
		}
		fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%.2f\t%.1f s\t%s\t\n", r.n, r.seed, r.engine, proven, r.greedy,
			r.bound.Placed, opt, r.share(), spreadText(r.spread), spreadText(r.greedySprd), r.floor.floorText(), r.score, r.took.Seconds(), cbcTime)
	}
	tw.Flush()
	fmt.Fprintln(w, "proven: the engine proved (by the bound or its exact search) that no formation places more;")
	fmt.Fprintln(w, "bound: our Lagrangian bound (no formation places more); spread: highest less lowest level in a circle, averaged;")
	fmt.Fprintln(w, "spread floor: the lowest mean spread of any formation placing as many as the engine (CBC; \"≥\" a proven bound), asked for when the engine's is above 1.0;")
	fmt.Fprintln(w, "score: the engine's score of its circles (0…100), the figure to compare between budgets (--seconds).")
}

// spreadText writes a mean level spread, "—" when there was no circle.
func spreadText(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmt.Sprintf("%.2f", x)
}

// share writes the engine's placed people as a percentage of the optimum, or "≥" of the bound.
func (r *placeRow) share() string {
	c := r.ceiling()
	if c == 0 {
		return "100.0"
	}
	s := fmt.Sprintf("%.1f", 100*float64(r.engine)/float64(c))
	if !r.proven() {
		s = "≥" + s
	}
	return s
}

// placeVerdict is the outcome of a target over some cohorts.
type placeVerdict struct{ met, failed, open int }

func (v placeVerdict) String() string {
	all := v.met + v.failed + v.open
	switch {
	case all == 0:
		return "no cohort of this size measured"
	case v.failed > 0:
		return fmt.Sprintf("NOT MET (%d of %d cohorts fall short)", v.failed, all)
	case v.open > 0:
		return fmt.Sprintf("not decided (met in %d of %d; the optimum is unknown in the others)", v.met, all)
	}
	return fmt.Sprintf("met (%d of %d cohorts)", v.met, all)
}

// writePlaceTargets checks the targets: at least 98 % of the optimum up to 500 people
// within 10 s; from 1,000 people more than the greedy and at least 95 % of the bound; a mean
// level spread of at most 1.0.
func writePlaceTargets(w io.Writer, rows []placeRow) {
	var small, large placeVerdict
	for _, r := range rows {
		switch {
		case r.n <= 500:
			switch {
			case r.budget > 10e9:
				small.failed++ // the target is within 10 s
			case 100*r.engine >= 98*r.ceiling():
				small.met++
			case 100*r.engine < 98*r.best():
				small.failed++
			default:
				small.open++
			}
		case r.n >= 1000:
			if r.engine > r.greedy && 100*r.engine >= 95*r.ceiling() {
				large.met++
			} else {
				large.failed++
			}
		}
	}
	fmt.Fprintln(w, "Targets:")
	fmt.Fprintf(w, "  n ≤ 500: at least 98 %% of the optimum within 10 s: %s\n", small)
	fmt.Fprintf(w, "  n ≥ 1,000: more than the greedy and at least 95 %% of the bound: %s\n", large)
	var ns []int
	for _, r := range rows {
		if !slices.Contains(ns, r.n) {
			ns = append(ns, r.n)
		}
	}
	var parts []string
	var spread placeVerdict
	for _, n := range ns {
		part, verdict := spreadAt(rows, n)
		parts = append(parts, part)
		switch verdict {
		case 1:
			spread.met++
		case -1:
			spread.failed++
		}
	}
	judged := strings.Replace(spread.String(), "cohorts", "sizes", 1)
	if spread.met+spread.failed == 0 {
		judged = "no circle formed"
	}
	fmt.Fprintf(w, "  mean level spread inside circles ≤ 1.0 where the cohort allows it (%s): %s\n", strings.Join(parts, "; "), judged)
}

// spreadAt judges the level spread at size n: met (1) when the engine's mean over the
// cohorts is at most 1.0, or when CBC proved of every cohort that no formation placing as
// many people reaches 1.0; not met (−1) otherwise; 0 when no circle was formed.
func spreadAt(rows []placeRow, n int) (string, int) {
	sum, k, floorSum, proven := 0.0, 0, 0.0, true
	for _, r := range rows {
		if r.n != n || math.IsNaN(r.spread) {
			continue
		}
		sum, k = sum+r.spread, k+1
		if r.spread > 1.0 {
			if r.floor == nil || r.floor.lower <= 1.0 {
				proven = false
			} else {
				floorSum += r.floor.lower
			}
		} else {
			floorSum += r.spread
		}
	}
	if k == 0 {
		return fmt.Sprintf("no circle at n=%d", n), 0
	}
	mean := sum / float64(k)
	switch {
	case mean <= 1.0:
		return fmt.Sprintf("%.2f at n=%d", mean, n), 1
	case proven:
		return fmt.Sprintf("%.2f at n=%d, where no formation placing as many goes below %.2f", mean, n, floorSum/float64(k)), 1
	default:
		return fmt.Sprintf("%.2f at n=%d", mean, n), -1
	}
}
