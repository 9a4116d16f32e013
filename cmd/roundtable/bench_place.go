package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable/grouping"
)

// placeRow is one cohort of bench place.
type placeRow struct {
	n          int
	seed       uint64
	engine     int
	sure       bool // the engine proved no formation places more
	greedy     int
	bound      grouping.Bound
	opt        *optimum // nil without CBC
	spread     float64  // the engine's mean level spread inside circles
	score      float64  // the engine's score (Formation.Score, 0…100)
	greedySprd float64
	floor      *spreadFloor // the lowest mean spread possible at the engine's placement; nil without CBC
	budget     time.Duration
	took       time.Duration
}

// best is the most people we know a formation places: the optimum when CBC proved it, else the
// best of the engine, the greedy and CBC's solution.
func (r *placeRow) best() int {
	b := max(r.engine, r.greedy)
	if r.opt != nil && r.opt.dealt {
		b = max(b, r.opt.best)
	}
	return b
}

// ceiling is the lowest proven bound: ours, CBC's, or the engine's own proof.
func (r *placeRow) ceiling() int {
	c := r.bound.Placed
	if r.opt != nil {
		c = min(c, r.opt.bound)
	}
	if r.sure {
		// The engine proved by its own exact search that none places more.
		c = min(c, r.engine)
	}
	return c
}

// proven reports whether the optimum is known exactly.
func (r *placeRow) proven() bool { return r.best() == r.ceiling() }

// runBenchPlace measures how many people the engine places in realistic cohorts, against a
// plain greedy, a proven upper bound and, with CBC installed, the exact optimum.
func runBenchPlace(ctx context.Context, args []string, std stdio) error {
	fs := newFlagSet("bench place", std)
	sizes := fs.String("n", "60,120,300,1000,2000", "cohort `sizes`, separated by commas")
	seeds := fs.Int("seeds", 3, "cohorts per size, seeds 1…N")
	seconds := fs.Float64("seconds", 0, "the engine's time per cohort in seconds (0: 10 s up to 500 people, 30 s above)")
	iterations := fs.Int64("iterations", 0, "bound the engine by search steps per worker as well")
	boundSeconds := fs.Float64("bound-seconds", 5, "time for the upper bound per cohort in seconds")
	cbcSeconds := fs.Float64("cbc-seconds", 60, "CBC's time per cohort in seconds, when cbc is installed (0: skip CBC)")
	spreadSeconds := fs.Float64("spread-seconds", 120, "CBC's time per cohort for the lowest level spread possible, when the engine's is above 1.0 (0: skip)")
	workers := fs.Int("workers", 0, "the engine's parallel searches (0: every core)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ns, err := parseSizes(*sizes)
	if err != nil {
		return err
	}
	if *seeds < 1 || *seconds < 0 || *iterations < 0 || *boundSeconds < 0 || *cbcSeconds < 0 || *spreadSeconds < 0 || *workers < 0 {
		return usageError{"--seeds must be at least 1; --seconds, --iterations, --bound-seconds, --cbc-seconds, --spread-seconds and --workers must not be negative"}
	}
	if *cbcSeconds > 0 || *spreadSeconds > 0 {
		if _, err := lookCBC(); err != nil {
			fmt.Fprintln(std.Err, "bench place:", errNoCBC)
			*cbcSeconds, *spreadSeconds = 0, 0
		}
	}
	fmt.Fprintln(std.Out, "Realistic cohorts: leaders in 20 zones on five continents, 2–5 weekly windows of 2–4 hours each, levels 1–5 skewed low,")
	fmt.Fprintln(std.Out, "a few big employers and a long tail, 3 % keep-apart; circles of 6–8, 90 minutes weekly 2027-01-11..2027-06-28, organizations apart.")
	var rows []placeRow
	var broken []string
	for _, n := range ns {
		for seed := uint64(1); seed <= uint64(*seeds); seed++ {
			row, problems, err := benchPlaceOne(ctx, n, seed, placeConfig{
				seconds: *seconds, iterations: *iterations, workers: *workers,
				boundSeconds: *boundSeconds, cbcSeconds: *cbcSeconds, spreadSeconds: *spreadSeconds,
			}, std.Err)
			if err != nil {
				return err
			}
			rows = append(rows, row)
			broken = append(broken, problems...)
		}
	}
	fmt.Fprintln(std.Out)
	writePlaceTable(std.Out, rows)
	fmt.Fprintln(std.Out)
	writePlaceTargets(std.Out, rows)
	if len(broken) > 0 {
		for i, p := range broken {
			if i == 20 {
				fmt.Fprintf(std.Out, "  … and %d more\n", len(broken)-i)
				break
			}
			fmt.Fprintln(std.Out, "  "+p)
		}
		return errors.New("hard constraints are broken (listed above)")
	}
	return nil
}

// placeConfig are bench place's budgets.
type placeConfig struct {
	seconds                  float64
	iterations               int64
	workers                  int
	boundSeconds, cbcSeconds float64
	spreadSeconds            float64
}

// benchPlaceOne measures one cohort, and checks every formation against the hard rules.
func benchPlaceOne(ctx context.Context, n int, seed uint64, c placeConfig, progress io.Writer) (placeRow, []string, error) {
	people, s := grouping.GenerateCohort(n, seed)
	row := placeRow{n: n, seed: seed, budget: engineBudget(n, c.seconds)}
	s.Seed, s.Time, s.Iterations, s.Workers = seed, row.budget, c.iterations, c.workers
	fmt.Fprintf(progress, "n=%d seed %d: the engine (%s)…\n", n, seed, budgetWords(s.Time, s.Iterations))
	start := time.Now()
	f, err := grouping.Form(ctx, people, s)
	var refused *grouping.SettingsError
	if errors.As(err, &refused) {
		// The engine refuses cohorts whose size the circle sizes cannot split, though some
		// of the people could be placed: it places nobody.
		fmt.Fprintf(progress, "n=%d seed %d: the engine refused: %v\n", n, seed, err)
		f, err = &grouping.Formation{}, nil
		for i := range people {
			f.Unplaced = append(f.Unplaced, grouping.Unplaced{Person: i, Reason: refused.Message})
		}
	}
	if err != nil {
		return row, nil, fmt.Errorf("n=%d seed %d: form circles: %w", n, seed, err)
	}
	row.took = time.Since(start)
	row.engine, row.spread, row.sure, row.score = len(people)-len(f.Unplaced), levelSpread(f), f.PlacedOptimal, f.Score
	var problems []string
	for _, p := range checkFormation(people, s, f) {
		problems = append(problems, fmt.Sprintf("engine, n=%d seed %d: %s", n, seed, p))
	}
	g, err := grouping.PlaceGreedy(people, s)
	if err != nil {
		return row, nil, fmt.Errorf("n=%d seed %d: greedy: %w", n, seed, err)
	}
	row.greedy, row.greedySprd = len(people)-len(g.Unplaced), levelSpread(g)
	for _, p := range checkFormation(people, s, g) {
		problems = append(problems, fmt.Sprintf("greedy, n=%d seed %d: %s", n, seed, p))
	}
	a, err := grouping.NewAggregate(people, s)
	if err != nil {
		return row, nil, err
	}
	fmt.Fprintf(progress, "n=%d seed %d: the upper bound…\n", n, seed)
	row.bound = a.UpperBound(ctx, max(row.engine, row.greedy), time.Duration(c.boundSeconds*float64(time.Second)))
	if c.cbcSeconds > 0 {
		fmt.Fprintf(progress, "n=%d seed %d: CBC (up to %g s)…\n", n, seed, c.cbcSeconds)
		start := circlesOf(f)
		if row.greedy > row.engine {
			start = circlesOf(g)
		}
		if row.opt, err = solveCBC(ctx, a, c.cbcSeconds, seed, start); err != nil {
			// One cohort CBC fails on is no reason to lose the others' figures.
			fmt.Fprintf(progress, "n=%d seed %d: %v\n", n, seed, err)
			row.opt = nil
		}
		if row.opt != nil {
			problems = append(problems, checkOptimum(people, s, row.opt, n, seed)...)
		}
	}
	if c.spreadSeconds > 0 && row.spread > 1.0 {
		fmt.Fprintf(progress, "n=%d seed %d: the lowest level spread possible (CBC, up to %g s)…\n", n, seed, c.spreadSeconds)
		levels := make([]int, len(people))
		for i, p := range people {
			levels[i] = p.Level
		}
		if row.floor, err = floorOfSpread(ctx, a, levels, row.engine, row.spread, c.spreadSeconds, circlesOf(f)); err != nil {
			fmt.Fprintf(progress, "n=%d seed %d: %v\n", n, seed, err)
			row.floor = nil
		}
	}
	return row, problems, nil
}

// checkOptimum checks the circles dealt from CBC's solution against the hard rules; a deal that
// kept a keep-apart pair together is reported in the table, not as a broken rule.
func checkOptimum(people []grouping.Person, s grouping.Settings, o *optimum, n int, seed uint64) []string {
	if !o.dealt {
		return nil
	}
	ev, err := grouping.Evaluate(people, s, o.circles)
	if err != nil {
		return []string{fmt.Sprintf("CBC, n=%d seed %d: %v", n, seed, err)}
	}
	var out []string
	for _, p := range checkFormation(people, s, ev) {
		out = append(out, fmt.Sprintf("CBC, n=%d seed %d: %s", n, seed, p))
	}
	return out
}

// engineBudget is the engine's time for n people: the 10 s up to 500, 30 s above.
func engineBudget(n int, seconds float64) time.Duration {
	if seconds > 0 {
		return time.Duration(seconds * float64(time.Second))
	}
	if n <= 500 {
		return 10 * time.Second
	}
	return 30 * time.Second
}

// circlesOf returns a formation's circles as lists of people.
func circlesOf(f *grouping.Formation) [][]int {
	out := make([][]int, len(f.Circles))
	for i, c := range f.Circles {
		out[i] = c.Members
	}
	return out
}

// levelSpread is the mean over circles of the highest level less the lowest; NaN without circles.
func levelSpread(f *grouping.Formation) float64 {
	if len(f.Circles) == 0 {
		return math.NaN()
	}
	sum := 0
	for _, c := range f.Circles {
		sum += c.Scores.LevelMax - c.Scores.LevelMin
	}
	return float64(sum) / float64(len(f.Circles))
}

// parseSizes reads "60,120,300".
func parseSizes(s string) ([]int, error) {
	var out []int
	for part := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 1 {
			return nil, usageError{fmt.Sprintf("--n takes cohort sizes of at least 1 separated by commas, like 60,120,300 (not %q)", s)}
		}
		out = append(out, n)
	}
	return out, nil
}
