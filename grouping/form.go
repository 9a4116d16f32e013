package grouping

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// This file is the contract of circle formation: the types the organizer's
// "Form circles" flow, the `roundtable form` command and the benchmarks use.

// Person is one participant as circle formation sees them.
type Person struct {
	ID           string
	Name         string
	Level        int // ordinal level of responsibility (1 = first-time manager … 6 = head of an organization)
	Organization string
	Sector       string
	Industry     string
	Function     string
	Zone         *time.Location // the person's own time zone; nil means UTC
	Week         schedule.Week  // weekly availability in Zone
	Avoid        []string       // IDs of people not to be grouped with; one side naming the other is enough
	// Attrs holds attributes the organizer marks "never the only one", by
	// name, e.g. {"gender": "woman"}. An empty value means not given, and is
	// never counted as a minority of its own.
	Attrs map[string]string
}

// Weights are the importance of each soft goal; zero turns a goal off.
type Weights struct {
	Level        float64 // similar levels inside a circle
	Sector       float64 // as many sectors as possible in a circle
	Industry     float64
	Organization float64
	Function     float64
	NeverAlone   float64 // nobody the only one of a marked attribute value
	Balance      float64 // lift the worst circle, not just the total
}

// DefaultWeights returns the weights most programs should start from.
func DefaultWeights() Weights {
	return Weights{Level: 3, Sector: 2, Industry: 1, Organization: 2, Function: 1, NeverAlone: 2, Balance: 1}
}

// Settings steer Form. Min, Max, Range and Minutes are required.
type Settings struct {
	Min, Max int            // circle size bounds, inclusive
	Range    schedule.Range // the program's dates: every week of it counts for slots
	Minutes  int            // session length
	// Reference is the zone circles' weekly slots are named in; nil is UTC.
	Reference             *time.Location
	SeparateOrganizations bool     // never two members of one organization in a circle
	NeverAlone            []string // names of Person.Attrs to keep nobody the only one of
	Weights               Weights
	// Circles is the number of circles to form; 0 lets Form choose (as few
	// circles as the sizes allow, leaning to the middle of [Min, Max]).
	Circles int

	Seed       uint64
	Time       time.Duration // search time budget; 0 with Iterations 0 means a short default
	Iterations int64         // a time-independent stopping rule: same Seed and Iterations, same result
	Workers    int           // parallel searches; 0 means every core
	// Progress, when set, is called now and then from the search (at most a
	// few times a second) and once at the end.
	Progress func(FormProgress)
}

// FormProgress reports how far a formation search has come.
type FormProgress struct {
	Elapsed  time.Duration
	Fraction float64 // 0…1 of the time or iteration budget
	Best     float64 // best objective so far
}

// Formation is a proposed set of circles.
type Formation struct {
	Circles  []Circle
	Unplaced []Unplaced
	Score    float64 // the program's total, 0…100 (the mean of circle totals)
	Worst    float64 // the lowest circle total, 0…100
	// Moved lists the people Backfill moved from one existing circle to another to make room.
	Moved []int
	// PlacedBound is a proven bound: no formation places more people (0 when not computed,
	// as for very large cohorts, and then PlacedOptimal is false). PlacedOptimal says this
	// formation places that many.
	PlacedBound   int
	PlacedOptimal bool

	plan *schedule.Plan // the plan the slots were found with, reused by Explain
}

// Circle is one proposed circle.
type Circle struct {
	Members []int           // indices into the people slice, in a stable order
	Slots   []schedule.Slot // weekly slots every member can make on every week, best first, in Settings.Reference
	Scores  CircleScores
	// Problems lists broken hard constraints in words ("Ana Lima and Bo
	// Chen are from Acme"), which only hand-made changes can cause.
	Problems []string
}

// CircleScores are a circle's scores per criterion, each 0…100 (higher is
// better), with the facts behind them.
type CircleScores struct {
	Total        float64
	Level        float64
	Sector       float64
	Industry     float64
	Organization float64
	Function     float64
	NeverAlone   float64

	LevelMin, LevelMax                            int
	Sectors, Industries, Organizations, Functions int      // distinct values in the circle
	Alone                                         []string // "gender: man" for a value held by one member only
}

// Unplaced is a person Form could not place, with the reason in words.
type Unplaced struct {
	Person int
	Reason string
	// Fixes lists the smallest sets of rules that, waived for this person
	// alone, would let her be placed with nobody else losing a seat (each
	// proven by a placement Form found); a 0 entry means she fits as things
	// stand. Empty when even waiving every rule would not place her.
	Fixes []Rule `json:",omitempty"`
}

// SettingsError explains settings that admit no formation, e.g. 13 people
// with sizes 6–6. Its message is written for organizers.
type SettingsError struct{ Message string }

func (e *SettingsError) Error() string { return e.Message }

// Form partitions people into circles that meet every hard constraint and
// score as well as the time budget allows. People who cannot be placed are
// listed in Unplaced with a reason, never dropped. Settings that admit no
// formation return a *SettingsError.
func Form(ctx context.Context, people []Person, s Settings) (*Formation, error) {
	return form(ctx, people, s, modeSearch)
}

// Evaluate scores a given partition (after an organizer moved people by
// hand): scores, common slots and Problems for every circle. Indices not in
// any circle are listed as unplaced with the reason "Not placed by hand".
func Evaluate(people []Person, s Settings, circles [][]int) (*Formation, error) {
	if err := validate(&s); err != nil {
		return nil, err
	}
	md, err := newModel(people, s)
	if err != nil {
		return nil, err
	}
	parts, err := md.parts(circles)
	if err != nil {
		return nil, err
	}
	placed := make([]bool, len(people))
	for _, p := range parts {
		for _, x := range p {
			placed[x] = true
		}
	}
	var un []Unplaced
	for i, ok := range placed {
		if !ok {
			un = append(un, Unplaced{Person: i, Reason: "Not placed by hand"})
		}
	}
	return md.formation(md.load(parts), un), nil
}

// parts checks a partition given by index and converts it.
func (md *model) parts(circles [][]int) ([][]int32, error) {
	seen := make([]bool, md.n)
	parts := make([][]int32, len(circles))
	for g, c := range circles {
		for _, x := range c {
			if x < 0 || x >= md.n {
				return nil, fmt.Errorf("grouping: person %d of circle %d is out of range", x, g+1)
			}
			if seen[x] {
				return nil, fmt.Errorf("grouping: %s is in two circles", md.name(x))
			}
			seen[x] = true
			parts[g] = append(parts[g], int32(x))
		}
	}
	return parts, nil
}

// Explain returns a one-line explanation for a member of a circle of f that
// people can read, e.g. "levels 3–4; 6 sectors; meets Tue 15:00 Europe/London —
// 10:00 your time". member is the person's index in people; a person who is
// not in the circle gets "".
func (f *Formation) Explain(people []Person, s Settings, circle, member int) string {
	if f == nil || circle < 0 || circle >= len(f.Circles) {
		return ""
	}
	c := &f.Circles[circle]
	if !slices.Contains(c.Members, member) {
		return ""
	}
	var b strings.Builder
	sc := &c.Scores
	if sc.LevelMin == sc.LevelMax {
		fmt.Fprintf(&b, "level %d", sc.LevelMin)
	} else {
		fmt.Fprintf(&b, "levels %d–%d", sc.LevelMin, sc.LevelMax)
	}
	fmt.Fprintf(&b, "; %s; %s", plural(sc.Sectors, "sector"), plural(sc.Organizations, "organization"))
	if len(sc.Alone) > 0 {
		fmt.Fprintf(&b, "; only one of %s", strings.Join(sc.Alone, ", "))
	}
	if len(c.Slots) == 0 {
		b.WriteString("; no weekly time suits every member")
		return b.String()
	}
	plan := f.plan
	if plan == nil || plan.Minutes() != s.Minutes || plan.Range() != s.Range || plan.Ref() != s.Reference && s.Reference != nil {
		var err error
		if plan, err = schedule.NewPlan(s.Reference, s.Range, s.Minutes); err != nil {
			return b.String()
		}
	}
	var zone *time.Location
	if member >= 0 && member < len(people) {
		zone = people[member].Zone
	}
	b.WriteString("; meets ")
	b.WriteString(plan.Explain(c.Slots[0], zone))
	return b.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
