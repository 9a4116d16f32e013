// Package mdgpbench runs the grouping engine over the MDGPLIB benchmark and reports its gaps to
// the best-known values, following the protocol of ../shared/bench/mdgp/README.md.
package mdgpbench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable/grouping"
)

// Config describes one benchmark run.
type Config struct {
	// Dir holds bkv.tsv and instances/.
	Dir string
	// Filter is a regular expression; the instances whose name it matches are run ("" runs all
	// with a file and a best-known value). A plain name part like "RanReal_n120" works as is.
	Filter string
	// Seeds is the number of runs per instance, seeds 1..Seeds (default 5).
	Seeds int
	// Time overrides the literature's time limit per run; 0 uses it (n=120: 3 s, …).
	Time time.Duration
	// Iterations, when set, bounds each run by tabu steps per worker instead of time.
	Iterations int64
	// Workers, PopSize and Depth are passed to grouping.Options (0: the defaults).
	Workers, PopSize, Depth int
	// Progress, if set, receives a line per finished instance.
	Progress io.Writer
}

// BKV is one row of bkv.tsv.
type BKV struct {
	Instance string
	N, M     int
	Value    float64
	TimeS    float64 // literature time limit in seconds, 0 if none
	Kind     string
	Avg20    float64 // the published average of 20 runs, NaN if none
}

// InstanceResult holds the runs on one instance.
type InstanceResult struct {
	BKV    BKV
	Values []float64 // one per seed
	Time   time.Duration
}

// Gap returns 100·(BKV−f)/BKV.
func (r InstanceResult) Gap(f float64) float64 { return 100 * (r.BKV.Value - f) / r.BKV.Value }

// Best returns the best value over the seeds.
func (r InstanceResult) Best() float64 { return slices.Max(r.Values) }

// Worst returns the worst value over the seeds.
func (r InstanceResult) Worst() float64 { return slices.Min(r.Values) }

// Mean returns the mean value over the seeds.
func (r InstanceResult) Mean() float64 {
	var s float64
	for _, v := range r.Values {
		s += v
	}
	return s / float64(len(r.Values))
}

// ReadBKV reads bkv.tsv.
func ReadBKV(path string) (map[string]BKV, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]BKV{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		if line == 1 {
			continue // header
		}
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 11 {
			return nil, fmt.Errorf("%s:%d: %d columns, want at least 11", path, line, len(c))
		}
		b := BKV{Instance: c[0], Kind: c[8], Avg20: math.NaN()}
		var e1, e2, e3 error
		b.N, e1 = strconv.Atoi(c[1])
		b.M, e2 = strconv.Atoi(c[2])
		b.Value, e3 = strconv.ParseFloat(c[5], 64)
		if err := errors.Join(e1, e2, e3); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		if c[7] != "" {
			b.TimeS, _ = strconv.ParseFloat(c[7], 64)
		}
		if c[10] != "" {
			b.Avg20, _ = strconv.ParseFloat(c[10], 64)
		}
		out[b.Instance] = b
	}
	return out, sc.Err()
}

// LiteratureTime is the time limit per run used in the literature for n elements.
func LiteratureTime(n int) time.Duration {
	switch {
	case n <= 60:
		return time.Second
	case n <= 120:
		return 3 * time.Second
	case n <= 240:
		return 20 * time.Second
	case n <= 480:
		return 120 * time.Second
	default:
		return 600 * time.Second
	}
}

// instanceFile returns the path of an instance, plain or gzip, or "" if neither exists.
func instanceFile(dir, name string) string {
	for _, ext := range []string{".txt", ".txt.gz"} {
		p := filepath.Join(dir, "instances", name+ext)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// ReadInstance reads an MDGP instance file (plain or gzip).
func ReadInstance(path string) (*grouping.MDGPInstance, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	in, err := grouping.ReadMDGP(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return in, nil
}

// SolveFile solves the MDGP instance in path and returns the best assignment and its objective.
func SolveFile(ctx context.Context, path string, opt grouping.Options) ([]int, float64, error) {
	in, err := ReadInstance(path)
	if err != nil {
		return nil, 0, err
	}
	res, err := grouping.Solve(ctx, in, opt)
	if err != nil {
		return nil, 0, err
	}
	if err := in.Feasible(res.Assign); err != nil {
		return nil, 0, fmt.Errorf("solver returned an infeasible assignment: %w", err)
	}
	return res.Assign, in.Objective(res.Assign), nil
}

// Run solves every instance matching cfg.Filter for cfg.Seeds seeds and returns the results in
// name order.
func Run(ctx context.Context, cfg Config) ([]InstanceResult, error) {
	bkv, err := ReadBKV(filepath.Join(cfg.Dir, "bkv.tsv"))
	if err != nil {
		return nil, err
	}
	seeds := cfg.Seeds
	if seeds <= 0 {
		seeds = 5
	}
	re, err := regexp.Compile(cfg.Filter)
	if err != nil {
		return nil, fmt.Errorf("filter: %w", err)
	}
	var names []string
	for name := range bkv {
		if re.MatchString(name) && instanceFile(cfg.Dir, name) != "" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("no instance with a file and a best-known value matches %q", cfg.Filter)
	}
	var out []InstanceResult
	for _, name := range names {
		in, err := ReadInstance(instanceFile(cfg.Dir, name))
		if err != nil {
			return out, err
		}
		b := bkv[name]
		limit := cfg.Time
		if limit == 0 {
			limit = LiteratureTime(in.N)
		}
		if cfg.Iterations > 0 && cfg.Time == 0 {
			limit = 0
		}
		r := InstanceResult{BKV: b}
		start := time.Now()
		for s := 1; s <= seeds; s++ {
			res, err := grouping.Solve(ctx, in, grouping.Options{
				Seed: uint64(s), Time: limit, Iterations: cfg.Iterations,
				Workers: cfg.Workers, PopSize: cfg.PopSize, Depth: cfg.Depth,
			})
			if err != nil {
				return out, fmt.Errorf("%s: %w", name, err)
			}
			if err := in.Feasible(res.Assign); err != nil {
				return out, fmt.Errorf("%s seed %d: infeasible result: %w", name, s, err)
			}
			r.Values = append(r.Values, in.Objective(res.Assign))
			if ctx.Err() != nil {
				break
			}
		}
		r.Time = time.Since(start)
		out = append(out, r)
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "%-22s best %8.4f%%  mean %8.4f%%  worst %8.4f%%  %s\n", name, r.Gap(r.Best()), r.Gap(r.Mean()), r.Gap(r.Worst()), r.Time.Round(time.Millisecond))
		}
		if ctx.Err() != nil {
			break
		}
	}
	return out, nil
}

// class names the (type, n, kind) class of an instance, e.g. "RanReal_n120_ss".
func class(name string) string {
	if i := strings.LastIndexByte(name, '_'); i > 0 {
		return name[:i]
	}
	return name
}

// WriteTable prints per instance the best and mean gap, per class the mean and best gap, and the
// instances where the best run matches (within 1e-3) or beats the best-known value.
func WriteTable(w io.Writer, rs []InstanceResult) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%-22s %14s %14s %14s %9s %9s %9s %5s\n", "instance", "bkv", "best", "mean", "best%", "mean%", "tpsdp%", "runs")
	for _, r := range rs {
		tp := "-"
		if !math.IsNaN(r.BKV.Avg20) {
			tp = fmt.Sprintf("%.4f", r.Gap(r.BKV.Avg20))
		}
		fmt.Fprintf(bw, "%-22s %14.3f %14.3f %14.3f %9.4f %9.4f %9s %5d\n", r.BKV.Instance, r.BKV.Value, r.Best(), r.Mean(), r.Gap(r.Best()), r.Gap(r.Mean()), tp, len(r.Values))
	}

	type agg struct {
		count          int
		best, mean, tp float64
		tpn            int
	}
	classes := map[string]*agg{}
	var order []string
	for _, r := range rs {
		c := class(r.BKV.Instance)
		a := classes[c]
		if a == nil {
			a = &agg{}
			classes[c] = a
			order = append(order, c)
		}
		a.count++
		a.best += r.Gap(r.Best())
		a.mean += r.Gap(r.Mean())
		if !math.IsNaN(r.BKV.Avg20) {
			a.tp += r.Gap(r.BKV.Avg20)
			a.tpn++
		}
	}
	fmt.Fprintf(bw, "\n%-18s %9s %9s %9s %9s\n", "class", "instances", "best%", "mean%", "tpsdp%")
	for _, c := range order {
		a := classes[c]
		tp := "-"
		if a.tpn > 0 {
			tp = fmt.Sprintf("%.4f", a.tp/float64(a.tpn))
		}
		fmt.Fprintf(bw, "%-18s %9d %9.4f %9.4f %9s\n", c, a.count, a.best/float64(a.count), a.mean/float64(a.count), tp)
	}

	fmt.Fprintf(bw, "\nmatched or beat the best-known value (within 1e-3):\n")
	any := false
	for _, r := range rs {
		if d := r.Best() - r.BKV.Value; d >= -1e-3 {
			any = true
			verdict := "match"
			if d > 1e-3 {
				verdict = fmt.Sprintf("BEAT by %.3f (re-verify before claiming)", d)
			}
			fmt.Fprintf(bw, "  %-22s %14.3f  %s\n", r.BKV.Instance, r.Best(), verdict)
		}
	}
	if !any {
		fmt.Fprintf(bw, "  none\n")
	}
	return bw.Flush()
}
