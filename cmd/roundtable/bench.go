package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable/grouping"
	"github.com/roundtable/roundtable/internal/mdgpbench"
)

const benchUsage = `Usage:
  roundtable bench mdgp [--dir DIR] [--filter RanReal_n120] [--seeds 5] [--seconds S]
  roundtable bench form [--n 10000] [--seconds 10] [--seed 1] [--check-longer]
  roundtable bench place [--n 60,120,300,1000,2000] [--seeds 3] [--seconds S] [--bound-seconds 5] [--cbc-seconds 60] [--spread-seconds 120]
  roundtable bench mail [--n 100000] [--db sqlite|postgres] [--workers 1]
  roundtable bench pages [--db sqlite|postgres] [--pages circle,room] [--concurrency 16] [--duration 3s] [--warmup 1s] [--cpuprofile FILE] [--memprofile FILE]
  roundtable bench documents [--db sqlite|postgres] [--documents 200] [--concurrency 16] [--duration 3s] [--size 20971520]
  roundtable bench room [--connections 2000] [--meetings 250] [--db sqlite|postgres] [--instances N] [--rounds 10] [--interval 1s] [--spread]

bench mdgp runs the engine on the MDGPLIB instances and prints the gaps to the
best-known values; bench form forms circles for a synthetic cohort and compares
them with a greedy and a random assignment; bench place counts the people the
engine places in realistic cohorts against a plain greedy, a proven upper bound
and, when CBC (Debian's coinor-cbc) is installed, the exact optimum; bench mail
enqueues reminders and delivers them to an SMTP server in the process, counting
duplicates; bench room opens SSE connections to meeting rooms in progress and
measures how fast each change reaches every screen, and the servers' memory per
connection; bench pages asks the real server for the circle, meeting, room and
program pages as each role and compares them with a bare hello-world handler;
bench documents measures a circle's documents page with 200 documents and the
server's memory while a 20 MB file goes up and comes down.
`

// benchmarks are the sub-commands of `roundtable bench`, in the order the
// help lists them.
var benchmarks = []struct {
	name string
	run  func(context.Context, []string, stdio) error
}{
	{"mdgp", runBenchMDGP},
	{"form", runBenchForm},
	{"place", runBenchPlace},
	{"mail", runBenchMail},
	{"room", runBenchRoom},
	{"pages", runBenchPages},
	{"documents", runBenchDocuments},
}

// benchNames returns the benchmarks' names, like "mdgp, form, mail or room".
func benchNames() string {
	names := make([]string, len(benchmarks))
	for i, b := range benchmarks {
		names[i] = b.name
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// runBench runs one of the benchmarks.
func runBench(ctx context.Context, args []string, std stdio) error {
	if len(args) == 0 {
		return usageError{"bench needs " + benchNames() + "\n" + benchUsage}
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(std.Out, benchUsage)
		return nil
	}
	for _, b := range benchmarks {
		if b.name == args[0] {
			return b.run(ctx, args[1:], std)
		}
	}
	return usageError{fmt.Sprintf("unknown benchmark %q\n%s", args[0], benchUsage)}
}

// parseFlags parses fs and rejects arguments left over.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// runBenchMDGP prints the table of gaps to the best-known values.
func runBenchMDGP(ctx context.Context, args []string, std stdio) error {
	fs := newFlagSet("bench mdgp", std)
	dir := fs.String("dir", "", "benchmark `folder` holding bkv.tsv and instances/ (default: shared/bench/mdgp in this or a parent folder)")
	filter := fs.String("filter", "", "regular `expression` choosing instances by name, like RanReal_n120")
	seeds := fs.Int("seeds", 5, "runs per instance, seeds 1…N")
	seconds := fs.Float64("seconds", 0, "time per run in seconds (0: the literature's limit for the instance size)")
	iterations := fs.Int64("iterations", 0, "bound each run by search steps per worker instead")
	workers := fs.Int("workers", 0, "parallel searches per run (0: every core)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *seeds < 1 || *seconds < 0 || *iterations < 0 || *workers < 0 {
		return usageError{"--seeds must be at least 1; --seconds, --iterations and --workers must not be negative"}
	}
	if *dir == "" {
		d, err := findBenchDir()
		if err != nil {
			return err
		}
		*dir = d
	}
	rs, err := mdgpbench.Run(ctx, mdgpbench.Config{
		Dir: *dir, Filter: *filter, Seeds: *seeds,
		Time:       time.Duration(*seconds * float64(time.Second)),
		Iterations: *iterations, Workers: *workers,
		Progress: std.Err,
	})
	if err != nil {
		return err
	}
	return mdgpbench.WriteTable(std.Out, rs)
}

// findBenchDir looks for shared/bench/mdgp in the working folder and its
// parents: the benchmark lives beside the repository, not in it.
func findBenchDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; {
		cand := filepath.Join(d, "shared", "bench", "mdgp")
		if _, err := os.Stat(filepath.Join(cand, "bkv.tsv")); err == nil {
			return cand, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", errors.New("no shared/bench/mdgp with a bkv.tsv in this folder or a parent; give --dir")
		}
		d = parent
	}
}

// runBenchForm forms circles for a synthetic cohort and reports time, memory,
// the hard constraints and the soft goals against a greedy and a random
// assignment.
func runBenchForm(ctx context.Context, args []string, std stdio) error {
	fs := newFlagSet("bench form", std)
	n := fs.Int("n", 10000, "participants")
	seconds := fs.Float64("seconds", 10, "search time in seconds")
	seed := fs.Uint64("seed", 1, "seed of the cohort and of the search")
	iterations := fs.Int64("iterations", 0, "bound the search by steps per worker as well")
	workers := fs.Int("workers", 0, "parallel searches (0: every core)")
	longer := fs.Bool("check-longer", false, "also run 10× longer and compare the quality")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *n < 1 || *seconds < 0 || *iterations < 0 || *workers < 0 {
		return usageError{"--n must be at least 1; --seconds, --iterations and --workers must not be negative"}
	}
	people, s := grouping.Synthetic(*n, *seed)
	s.Seed = *seed
	s.Time = time.Duration(*seconds * float64(time.Second))
	s.Iterations = *iterations
	s.Workers = *workers
	fmt.Fprintf(std.Out, "Synthetic cohort: %d participants, %d zones, sizes %d–%d, %d-minute sessions, %s, reference %s.\n",
		len(people), countZones(people), s.Min, s.Max, s.Minutes, s.Range, zoneName(s.Reference))
	fmt.Fprintf(std.Out, "Cores: %d (GOMAXPROCS %d); budget %s.\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), budgetWords(s.Time, s.Iterations))

	// Our search reports its own time in its last progress call; the
	// baselines that follow in the same call are timed apart.
	bar := newProgress(std.Err, "Forming circles")
	var formTime time.Duration
	s.Progress = func(p grouping.FormProgress) {
		bar.Set(p.Fraction)
		formTime = p.Elapsed
	}
	start := time.Now()
	ours, greedy, random, err := grouping.CompareBaselines(ctx, people, s)
	bar.Finish()
	if err != nil {
		return fmt.Errorf("form circles: %w", err)
	}
	total := time.Since(start)
	s.Progress = nil

	fmt.Fprintf(std.Out, "Time: %.2f s to form the circles (%.2f s with both baselines)\n", formTime.Seconds(), total.Seconds())
	fmt.Fprintf(std.Out, "Peak memory: %s\n", peakMemory())
	fmt.Fprintf(std.Out, "Circles: %d; placed %d, unplaced %d\n", len(ours.Circles), len(people)-len(ours.Unplaced), len(ours.Unplaced))
	failed := false
	for _, run := range []struct {
		name string
		f    *grouping.Formation
	}{{"ours", ours}, {"greedy", greedy}, {"random", random}} {
		problems := checkFormation(people, s, run.f)
		if len(problems) == 0 {
			fmt.Fprintf(std.Out, "Hard constraints (%s): all met — sizes, organizations, keep-apart pairs, a slot every member can make on every week, everyone listed once\n", run.name)
			continue
		}
		failed = true
		fmt.Fprintf(std.Out, "Hard constraints (%s): %d violations\n", run.name, len(problems))
		for i, p := range problems {
			if i == 20 {
				fmt.Fprintf(std.Out, "  … and %d more\n", len(problems)-i)
				break
			}
			fmt.Fprintln(std.Out, "  "+p)
		}
	}
	fmt.Fprintln(std.Out)
	writeComparison(std.Out, []string{"ours", "greedy", "random"}, []*grouping.Formation{ours, greedy, random}, len(people))

	if *longer {
		l := s
		l.Time = 10 * s.Time
		l.Iterations = 10 * s.Iterations
		start := time.Now()
		long, err := grouping.Form(ctx, people, l)
		if err != nil {
			return fmt.Errorf("form circles, 10× longer: %w", err)
		}
		fmt.Fprintf(std.Out, "\n10× longer run (%.1f s): score %.2f, worst %.2f; ours %.2f, worst %.2f\n",
			time.Since(start).Seconds(), long.Score, long.Worst, ours.Score, ours.Worst)
		gap := 0.0
		if long.Score > 0 {
			gap = 100 * (long.Score - ours.Score) / long.Score
		}
		verdict := "within 1 %"
		if gap > 1 {
			verdict = "NOT within 1 %"
		}
		fmt.Fprintf(std.Out, "Quality gap to the 10× longer run: %.2f %% (%s)\n", gap, verdict)
	}
	if failed {
		return errors.New("hard constraints are broken (listed above)")
	}
	return nil
}

// writeComparison prints each criterion for each formation, and how much the
// first beats each other one.
func writeComparison(w io.Writer, names []string, fs []*grouping.Formation, people int) {
	rows := []struct {
		name string
		get  func(f *grouping.Formation, m grouping.CircleScores) float64
	}{
		{"score (mean circle)", func(f *grouping.Formation, _ grouping.CircleScores) float64 { return f.Score }},
		{"worst circle", func(f *grouping.Formation, _ grouping.CircleScores) float64 { return f.Worst }},
		{"level", func(_ *grouping.Formation, m grouping.CircleScores) float64 { return m.Level }},
		{"sector", func(_ *grouping.Formation, m grouping.CircleScores) float64 { return m.Sector }},
		{"industry", func(_ *grouping.Formation, m grouping.CircleScores) float64 { return m.Industry }},
		{"organization", func(_ *grouping.Formation, m grouping.CircleScores) float64 { return m.Organization }},
		{"function", func(_ *grouping.Formation, m grouping.CircleScores) float64 { return m.Function }},
		{"never alone", func(_ *grouping.Formation, m grouping.CircleScores) float64 { return m.NeverAlone }},
		{"placed %", func(f *grouping.Formation, _ grouping.CircleScores) float64 {
			return 100 * float64(people-len(f.Unplaced)) / float64(max(people, 1))
		}},
	}
	means := make([]grouping.CircleScores, len(fs))
	for i, f := range fs {
		means[i] = meanScores(f)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-20s", "criterion (of 100)")
	for _, n := range names {
		fmt.Fprintf(&b, " %9s", n)
	}
	for _, n := range names[1:] {
		fmt.Fprintf(&b, " %12s", "vs "+n)
	}
	b.WriteString("\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%-20s", r.name)
		vals := make([]float64, len(fs))
		for i, f := range fs {
			vals[i] = r.get(f, means[i])
			fmt.Fprintf(&b, " %9.2f", vals[i])
		}
		for _, v := range vals[1:] {
			fmt.Fprintf(&b, " %12s", signed(vals[0]-v))
		}
		b.WriteString("\n")
	}
	io.WriteString(w, b.String())
}

// signed writes a difference with its sign.
func signed(d float64) string {
	return fmt.Sprintf("%+.2f", d)
}

// peakMemory reports the process's peak resident memory, from Linux's
// /proc/self/status, with the Go runtime's view beside it.
func peakMemory() string {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	goView := fmt.Sprintf("Go runtime: %.0f MiB obtained from the OS, %.0f MiB allocated in total",
		float64(ms.Sys)/(1<<20), float64(ms.TotalAlloc)/(1<<20))
	data, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				if kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64); err == nil {
					return fmt.Sprintf("%.0f MiB resident at peak (VmHWM; %s)", kb/1024, goView)
				}
			}
		}
	}
	return goView
}

// countZones returns the number of distinct zones among people.
func countZones(people []grouping.Person) int {
	seen := map[string]bool{}
	for _, p := range people {
		seen[zoneName(p.Zone)] = true
	}
	return len(seen)
}

// zoneName names a zone, nil being UTC.
func zoneName(loc *time.Location) string {
	if loc == nil {
		return "UTC"
	}
	return loc.String()
}
