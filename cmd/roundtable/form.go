package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // participants' zones must not depend on the machine's zone files

	"github.com/roundtable/roundtable/grouping"
	"github.com/roundtable/roundtable/internal/formcsv"
	"github.com/roundtable/roundtable/schedule"
)

// formFlags are the flags of `roundtable form`.
type formFlags struct {
	in, out    string
	mdgp       string
	min, max   int
	from, to   string
	duration   time.Duration
	separate   bool
	neverAlone listFlag
	weights    string
	seconds    float64
	seed       uint64
	iterations int64
	workers    int
	timezone   string
	circles    int

	set map[string]bool // flags given on the command line
}

// listFlag collects a flag given several times or with commas.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for part := range strings.SplitSeq(v, ",") {
		if part = strings.ToLower(strings.TrimSpace(part)); part != "" && !slices.Contains(*l, part) {
			*l = append(*l, part)
		}
	}
	return nil
}

const formUsage = `Usage:
  roundtable form --in applicants.csv [--out circles.csv] --min 6 --max 8
                  --from 2027-01-11 --to 2027-06-28 --duration 90m [flags]
  roundtable form --mdgp FILE [--seconds S] [--seed N] [--iterations N] [--out FILE]

The participants file is CSV with the header
  id,name,email,organization,sector,industry,function,level,timezone,availability,avoid,gender
where availability is weekly windows in the participant's own zone, like
"Mon 09:00-12:00;Wed 14:00-17:30", and avoid is ids separated by ";".
Further columns are attributes that --never-alone may name.

The circles file has the columns circle,id,slot,reason; without --out it is
written to standard output and the summary to standard error.

Flags:
`

// runForm forms circles from a participants file, or solves an MDGP instance
// with --mdgp.
func runForm(ctx context.Context, args []string, std stdio) error {
	fs := newFlagSet("form", std)
	var fl formFlags
	fs.StringVar(&fl.in, "in", "", "participants `file` (CSV)")
	fs.StringVar(&fl.out, "out", "", "write the circles (or, with --mdgp, the groups) to `file`")
	fs.StringVar(&fl.mdgp, "mdgp", "", "solve the MDGPLIB instance in `file` (plain or .gz) instead")
	fs.IntVar(&fl.min, "min", 0, "smallest circle size")
	fs.IntVar(&fl.max, "max", 0, "largest circle size")
	fs.StringVar(&fl.from, "from", "", "first `date` of the program, like 2027-01-11")
	fs.StringVar(&fl.to, "to", "", "last `date` of the program, like 2027-06-28")
	fs.DurationVar(&fl.duration, "duration", 0, "session length, like 90m")
	fs.BoolVar(&fl.separate, "separate-organizations", false, "never put two members of one organization in a circle")
	fs.Var(&fl.neverAlone, "never-alone", "`attribute` (column) nobody should be the only one of in a circle, like gender; repeatable")
	fs.StringVar(&fl.weights, "weights", "", "soft-goal `weights`, like level=3,sector=2,industry=1,organization=2,function=1,never-alone=2,balance=1")
	fs.Float64Var(&fl.seconds, "seconds", 10, "search time budget in seconds (with --mdgp: the literature's limit for the instance size)")
	fs.Uint64Var(&fl.seed, "seed", 1, "random seed")
	fs.Int64Var(&fl.iterations, "iterations", 0, "stop after this many search steps per worker: the same seed gives the same result (without --seconds, no time limit)")
	fs.IntVar(&fl.workers, "workers", 0, "parallel searches (0: every core)")
	fs.StringVar(&fl.timezone, "timezone", "UTC", "reference `zone` the circles' slots are named in")
	fs.IntVar(&fl.circles, "circles", 0, "number of circles (0: as few as the sizes allow)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), formUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fl.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { fl.set[f.Name] = true })

	if fl.mdgp != "" {
		for _, name := range []string{"in", "min", "max", "from", "to", "duration", "separate-organizations",
			"never-alone", "weights", "timezone", "circles"} {
			if fl.set[name] {
				return usageError{fmt.Sprintf("--%s does not apply to --mdgp", name)}
			}
		}
		return runFormMDGP(ctx, fl, std)
	}
	return runFormCSV(ctx, fl, std)
}

// budget returns the search time: --seconds when given, none when only
// --iterations is, and def otherwise.
func (fl formFlags) budget(def time.Duration) (time.Duration, error) {
	switch {
	case fl.seconds < 0 || fl.seconds > 1e6:
		return 0, usageError{"--seconds must be between 0 and 1000000"}
	case fl.iterations < 0:
		return 0, usageError{"--iterations must not be negative"}
	case fl.set["seconds"]:
		return time.Duration(fl.seconds * float64(time.Second)), nil
	case fl.iterations > 0:
		return 0, nil // a pure iteration budget is reproducible
	default:
		return def, nil
	}
}

// settings checks the flags of the CSV mode and turns them into Settings.
func (fl formFlags) settings() (grouping.Settings, error) {
	var missing []string
	for _, name := range []string{"in", "min", "max", "from", "to", "duration"} {
		if !fl.set[name] {
			missing = append(missing, "--"+name)
		}
	}
	if len(missing) > 0 {
		return grouping.Settings{}, usageError{"missing " + strings.Join(missing, ", ") + " (or give --mdgp FILE); see roundtable form -h"}
	}
	s := grouping.Settings{
		Min: fl.min, Max: fl.max,
		SeparateOrganizations: fl.separate,
		NeverAlone:            fl.neverAlone,
		Weights:               grouping.DefaultWeights(),
		Circles:               fl.circles,
		Seed:                  fl.seed,
		Iterations:            fl.iterations,
		Workers:               fl.workers,
	}
	switch {
	case fl.min < 1:
		return s, usageError{"--min must be at least 1"}
	case fl.max < fl.min:
		return s, usageError{fmt.Sprintf("--max %d is below --min %d", fl.max, fl.min)}
	case fl.circles < 0:
		return s, usageError{"--circles must not be negative"}
	case fl.workers < 0:
		return s, usageError{"--workers must not be negative"}
	case fl.duration <= 0 || fl.duration > 24*time.Hour || fl.duration%time.Minute != 0:
		return s, usageError{fmt.Sprintf("--duration %v must be whole minutes between 1m and 24h, like 90m", fl.duration)}
	}
	s.Minutes = int(fl.duration / time.Minute)
	r, err := schedule.ParseRange(fl.from, fl.to)
	if err != nil {
		return s, usageError{"--from/--to: " + err.Error()}
	}
	if err := r.Validate(); err != nil {
		return s, usageError{"--from/--to: " + err.Error()}
	}
	s.Range = r
	if fl.timezone == "" || fl.timezone == "Local" {
		return s, usageError{"--timezone must be an IANA zone like Europe/London"}
	}
	if s.Reference, err = time.LoadLocation(fl.timezone); err != nil {
		return s, usageError{fmt.Sprintf("--timezone: unknown time zone %q; use an IANA zone like Europe/London", fl.timezone)}
	}
	if fl.weights != "" {
		if s.Weights, err = parseWeights(fl.weights, s.Weights); err != nil {
			return s, usageError{"--weights: " + err.Error()}
		}
	}
	if s.Time, err = fl.budget(10 * time.Second); err != nil {
		return s, err
	}
	return s, nil
}

// parseWeights reads "level=3,sector=2" over the defaults w.
func parseWeights(v string, w grouping.Weights) (grouping.Weights, error) {
	fields := map[string]*float64{
		"level": &w.Level, "sector": &w.Sector, "industry": &w.Industry, "organization": &w.Organization,
		"function": &w.Function, "never-alone": &w.NeverAlone, "balance": &w.Balance,
	}
	for part := range strings.SplitSeq(v, ",") {
		name, num, ok := strings.Cut(strings.TrimSpace(part), "=")
		name = strings.ToLower(strings.TrimSpace(name))
		p, known := fields[name]
		if !ok || !known {
			return w, fmt.Errorf("%q is not like level=3 (weights: level, sector, industry, organization, function, never-alone, balance)", part)
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil || f < 0 || f > 1000 {
			return w, fmt.Errorf("%s=%s: a weight is a number from 0 to 1000", name, num)
		}
		*p = f
	}
	return w, nil
}

// runFormCSV forms circles from the participants file and writes the circles file.
func runFormCSV(ctx context.Context, fl formFlags, std stdio) error {
	s, err := fl.settings()
	if err != nil {
		return err
	}
	file, err := readParticipants(fl.in)
	if err != nil {
		return err
	}
	for _, a := range s.NeverAlone {
		if !slices.Contains(file.Attributes, a) {
			return usageError{fmt.Sprintf("--never-alone %s: %s has no column %q (its attribute columns: %s)",
				a, fl.in, a, strings.Join(file.Attributes, ", "))}
		}
	}
	people := file.People

	bar := newProgress(std.Err, "Forming circles")
	s.Progress = func(p grouping.FormProgress) { bar.Set(p.Fraction) }
	start := time.Now()
	f, err := grouping.Form(ctx, people, s)
	bar.Finish()
	if err != nil {
		var se *grouping.SettingsError
		if errors.As(err, &se) {
			return errors.New(se.Message)
		}
		return fmt.Errorf("form circles: %w", err)
	}
	elapsed := time.Since(start)

	summary := std.Out
	if fl.out == "" {
		// The circles go to standard output; keep the summary out of them.
		summary = std.Err
		if err := formcsv.Write(std.Out, people, s, f); err != nil {
			return fmt.Errorf("write circles: %w", err)
		}
	} else if err := writeFile(fl.out, func(w io.Writer) error { return formcsv.Write(w, people, s, f) }); err != nil {
		return err
	}
	writeSummary(summary, people, s, f, elapsed)
	if fl.out != "" {
		fmt.Fprintf(summary, "Wrote %s.\n", fl.out)
	}
	return nil
}

// readParticipants reads and checks the participants file; its bad rows make
// the error.
func readParticipants(path string) (*formcsv.File, error) {
	in, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	file, err := formcsv.Read(in)
	var bad formcsv.Errors
	if errors.As(err, &bad) {
		return nil, fmt.Errorf("%s: %w\nNo circles were formed: correct these rows and run again.", path, bad)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return file, nil
}

// writeFile writes a file through write, reporting a failure to close it too.
func writeFile(path string, write func(io.Writer) error) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(out); err != nil {
		out.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// maxUnplacedListed bounds the unplaced people named in the summary; the
// circles file lists all of them.
const maxUnplacedListed = 10

// writeSummary prints what a formation achieved.
func writeSummary(w io.Writer, people []grouping.Person, s grouping.Settings, f *grouping.Formation, elapsed time.Duration) {
	placed, smallest, largest := 0, 0, 0
	worst := -1
	for i, c := range f.Circles {
		n := len(c.Members)
		placed += n
		if i == 0 || n < smallest {
			smallest = n
		}
		largest = max(largest, n)
		if worst < 0 || c.Scores.Total < f.Circles[worst].Scores.Total {
			worst = i
		}
	}
	fmt.Fprintf(w, "Formed %d circles (sizes %d–%d) from %d participants in %.1f s: %d placed, %d unplaced.\n",
		len(f.Circles), smallest, largest, len(people), elapsed.Seconds(), placed, len(f.Unplaced))
	if worst >= 0 {
		fmt.Fprintf(w, "Score %.1f of 100; the worst circle, %d, scores %.1f.\n", f.Score, worst+1, f.Worst)
		m := meanScores(f)
		fmt.Fprintf(w, "Mean per criterion (of 100): level %.1f, sector %.1f, industry %.1f, organization %.1f, function %.1f, never alone %.1f.\n",
			m.Level, m.Sector, m.Industry, m.Organization, m.Function, m.NeverAlone)
	}
	// The engine's result is checked on its own: an organizer must hear of a
	// broken rule here rather than from a circle that cannot meet.
	for _, p := range checkFormation(people, s, f) {
		fmt.Fprintf(w, "Warning: %s.\n", p)
	}
	if len(f.Unplaced) > 0 {
		fmt.Fprintln(w, "Not placed:")
		for i, u := range f.Unplaced {
			if i == maxUnplacedListed {
				fmt.Fprintf(w, "  … and %d more, listed in the circles file.\n", len(f.Unplaced)-i)
				break
			}
			p := people[u.Person]
			fmt.Fprintf(w, "  %s (%s): %s\n", p.ID, p.Name, u.Reason)
		}
	}
}

// meanScores returns the mean of each criterion over the circles of f.
func meanScores(f *grouping.Formation) grouping.CircleScores {
	var m grouping.CircleScores
	if len(f.Circles) == 0 {
		return m
	}
	for _, c := range f.Circles {
		m.Total += c.Scores.Total
		m.Level += c.Scores.Level
		m.Sector += c.Scores.Sector
		m.Industry += c.Scores.Industry
		m.Organization += c.Scores.Organization
		m.Function += c.Scores.Function
		m.NeverAlone += c.Scores.NeverAlone
	}
	n := float64(len(f.Circles))
	m.Total /= n
	m.Level /= n
	m.Sector /= n
	m.Industry /= n
	m.Organization /= n
	m.Function /= n
	m.NeverAlone /= n
	return m
}
