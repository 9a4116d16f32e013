package grouping

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// mode picks how form builds circles: the full search, or one of the baselines.
type mode int

const (
	modeSearch mode = iota // greedy construction, then annealing
	modeGreedy             // greedy construction and repair only
	modeRandom             // random feasible construction and repair only
)

// defaultTime is the search budget when Settings give neither Time nor Iterations.
func defaultTime(n int) time.Duration {
	return min(10*time.Second, time.Second+time.Duration(n)*50*time.Microsecond)
}

func form(ctx context.Context, people []Person, s Settings, how mode) (*Formation, error) {
	start := time.Now()
	if err := validate(&s); err != nil {
		return nil, err
	}
	if msg := splitCheck(len(people), &s); msg != "" {
		return nil, &SettingsError{msg}
	}
	md, err := newModel(people, s)
	if err != nil {
		return nil, err
	}
	screened := md.screen()
	var placeable []int32
	for i := range people {
		if !screened[i] {
			placeable = append(placeable, int32(i))
		}
	}
	m := circleCount(len(placeable), &s)
	if s.Circles == 0 && m == 0 && len(placeable) >= s.Min {
		m = len(placeable) / s.Min // the sizes cannot hold everyone: as many circles as fit
	}
	if s.Circles > 0 && len(placeable) < s.Circles*s.Min {
		m = len(placeable) / s.Min
	}
	keys := make([]float64, md.n)
	for _, i := range placeable {
		keys[i] = md.timeKey(int(i))
	}
	slices.SortStableFunc(placeable, func(a, b int32) int { return cmp.Compare(keys[a], keys[b]) })

	st := &state{md: md, rng: rand.New(rand.NewPCG(s.Seed, 0xc0ffee)), near: make([]nearSet, md.n)}
	var left []int32
	bound := -1 // not computed
	if how == modeSearch {
		st.cs, left, bound = st.placeAll(ctx, placeable, m, start)
		m = len(st.cs)
	} else {
		left = st.construct(placeable, m, how == modeRandom)
	}
	left = st.repair(left)
	if how == modeSearch && m >= 2 {
		st = st.search(ctx, start)
		left = st.repair(left)
	}
	var out []int32
	for i := range people {
		if screened[i] {
			out = append(out, int32(i))
		}
	}
	out = append(out, left...)
	var cs []*circle
	var parts [][]int32
	for _, c := range st.cs {
		if len(c.mem) > 0 {
			cs = append(cs, c)
			parts = append(parts, c.mem)
		}
	}
	un := md.unplaced(parts, out)
	slices.SortFunc(un, func(a, b Unplaced) int { return a.Person - b.Person })
	f := md.formation(cs, un)
	if bound >= 0 {
		f.PlacedBound = bound // the people screened out cannot be placed at all
		f.PlacedOptimal = len(people)-len(un) >= bound
	}
	if s.Progress != nil {
		s.Progress(FormProgress{Elapsed: time.Since(start), Fraction: 1, Best: f.Score})
	}
	return f, nil
}

// constructFrom is the cohort size above which Form also tries the time-of-day construction.
const constructFrom = 5000

// placeAll returns circles placing as many of people as the packing can (see pack.go) and
// those left out. Large cohorts first try circles built along the members' times of day
// (construct): the search scores higher from them than from circles dealt at one weekly time,
// so they are kept when they place as many, and when they place everyone the packing is not
// needed at all. It also returns a bound on the people of people any formation places (-1: not
// computed).
func (s *state) placeAll(ctx context.Context, people []int32, m int, start time.Time) ([]*circle, []int32, int) {
	var alt []*circle
	var rest []int32
	if len(people) > constructFrom && m > 0 {
		s.cs = nil
		rest = s.repair(s.construct(people, m, false))
		if len(rest) == 0 {
			return s.cs, rest, len(people)
		}
		alt = s.cs
	}
	cs, left, bound := placeFirst(ctx, s.md, people, start)
	if alt != nil && len(rest) <= len(left) {
		return alt, rest, bound
	}
	return cs, left, bound
}

// search anneals s within the settings' budget: in blocks across the cores when there are
// many circles, else as independent replicas (one per worker), keeping the best.
func (s *state) search(ctx context.Context, start time.Time) *state {
	set := &s.md.s
	workers := workersOf(set.Workers)
	m := len(s.cs)
	b := &budget{start: start}
	if set.Time > 0 {
		// Leave a little of the budget for the repair and the write-up that follow.
		b.total = set.Time - time.Since(start) - max(20*time.Millisecond, set.Time/30)
		b.total = max(b.total, time.Millisecond)
	}
	if set.Iterations > 0 {
		b.rounds = int(max(1, (set.Iterations+int64(m*stepsPerCircle)-1)/int64(m*stepsPerCircle)))
	}
	if b.total <= 0 && b.rounds == 0 {
		b.total = max(time.Millisecond, defaultTime(s.md.n)-time.Since(start))
	}
	b.start = time.Now()
	b.deadline = b.start.Add(b.total)

	var mu sync.Mutex
	last := time.Time{}
	report := func(st *state) func(float64) {
		if set.Progress == nil {
			return nil
		}
		return func(frac float64) {
			mu.Lock()
			defer mu.Unlock()
			if time.Since(last) < 250*time.Millisecond {
				return
			}
			last = time.Now()
			set.Progress(FormProgress{Elapsed: time.Since(start), Fraction: frac, Best: st.meanTotal()})
		}
	}
	if m <= 2*blockSize && set.Iterations == 0 {
		return s.restarts(ctx, set.Seed, b, workers, report)
	}
	if m > 2*blockSize || workers == 1 {
		s.anneal(ctx, set.Seed, b, workers, report(s))
		return s
	}
	reps := make([]*state, workers)
	var wg sync.WaitGroup
	for r := range reps {
		reps[r] = s.clone()
		wg.Add(1)
		go func() {
			defer wg.Done()
			var rep func(float64)
			if r == 0 {
				rep = report(reps[r])
			}
			reps[r].anneal(ctx, set.Seed+uint64(r)*0x9e3779b97f4a7c15, b, 1, rep)
		}()
	}
	wg.Wait()
	best := reps[0]
	for _, r := range reps[1:] {
		if r.total() > best.total()+epsilon {
			best = r
		}
	}
	return best
}

// meanTotal is the mean circle total of s (what Formation.Score reports).
func (s *state) meanTotal() float64 {
	t, k := 0.0, 0
	for _, c := range s.cs {
		if len(c.mem) > 0 {
			t += s.md.total(&c.st)
			k++
		}
	}
	if k == 0 {
		return 0
	}
	return t / float64(k)
}

// formation writes circles cs and the unplaced list as a Formation.
func (md *model) formation(cs []*circle, un []Unplaced) *Formation {
	f := &Formation{Unplaced: un, plan: md.plan}
	if un == nil {
		f.Unplaced = []Unplaced{}
	}
	f.Circles = make([]Circle, len(cs))
	var wg sync.WaitGroup
	workers := workersOf(md.s.Workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := w; g < len(cs); g += workers {
				f.Circles[g] = md.describe(cs[g])
			}
		}()
	}
	wg.Wait()
	f.Worst = math.Inf(1)
	for _, c := range f.Circles {
		f.Score += c.Scores.Total
		f.Worst = min(f.Worst, c.Scores.Total)
	}
	if len(cs) > 0 {
		f.Score /= float64(len(cs))
	} else {
		f.Worst = 0
	}
	return f
}

// describe writes one circle: members in index order, ranked slots, scores and problems.
func (md *model) describe(c *circle) Circle {
	out := Circle{Members: make([]int, len(c.mem))}
	for k, x := range c.mem {
		out.Members[k] = int(x)
	}
	slices.Sort(out.Members)
	if !c.common.IsEmpty() && len(c.mem) > 0 {
		ms := make([]schedule.Member, len(c.mem))
		for k, x := range out.Members {
			ms[k] = schedule.Member{Week: md.people[x].Week, Zone: md.people[x].Zone}
		}
		for _, r := range md.plan.RankSet(c.common, ms) {
			out.Slots = append(out.Slots, r.Slot)
		}
	}
	out.Scores = md.scores(c)
	out.Problems = md.problems(c, out.Members)
	return out
}

// scores writes a circle's scores and the facts behind them.
func (md *model) scores(c *circle) CircleScores {
	st := &c.st
	sc := CircleScores{
		Total:        md.total(st),
		Level:        md.levelScore(st),
		Sector:       md.divScore(st, attrSector),
		Industry:     md.divScore(st, attrIndustry),
		Organization: md.divScore(st, attrOrg),
		Function:     md.divScore(st, attrFunction),
		NeverAlone:   aloneScore(st),
		LevelMin:     st.lmin, LevelMax: st.lmax,
		Sectors: st.distinct[attrSector], Industries: st.distinct[attrIndustry],
		Organizations: st.distinct[attrOrg], Functions: st.distinct[attrFunction],
	}
	if st.size == 0 {
		sc.LevelMin, sc.LevelMax = 0, 0
	}
	for a, name := range md.s.NeverAlone {
		for _, e := range c.counts[attrMarked+a] {
			if e.c == 1 {
				sc.Alone = append(sc.Alone, name+": "+md.names[attrMarked+a][e.v])
			}
		}
	}
	slices.Sort(sc.Alone)
	return sc
}

// problems lists a circle's broken hard constraints in words.
func (md *model) problems(c *circle, members []int) []string {
	var out []string
	n := len(members)
	if n == 0 {
		return nil
	}
	if n < md.s.Min {
		out = append(out, fmt.Sprintf("Only %d members; circles need at least %d.", n, md.s.Min))
	}
	if n > md.s.Max {
		out = append(out, fmt.Sprintf("%d members; circles hold at most %d.", n, md.s.Max))
	}
	if md.s.SeparateOrganizations && c.st.orgGiven > c.st.distinct[attrOrg] {
		byOrg := map[int32][]string{}
		var orgs []int32
		for _, x := range members {
			if v := md.v(x, attrOrg); v >= 0 {
				if byOrg[v] == nil {
					orgs = append(orgs, v)
				}
				byOrg[v] = append(byOrg[v], md.name(x))
			}
		}
		for _, v := range orgs {
			if names := byOrg[v]; len(names) > 1 {
				out = append(out, fmt.Sprintf("%s are from %s.", joinNames(names), md.names[attrOrg][v]))
			}
		}
	}
	if c.st.avoid > 0 {
		for a, x := range members {
			for _, y := range members[a+1:] {
				if slices.Contains(md.avoid[x], int32(y)) {
					out = append(out, fmt.Sprintf("%s and %s are to be kept apart.", md.name(x), md.name(y)))
				}
			}
		}
	}
	if c.st.noSlot {
		out = append(out, fmt.Sprintf("No %d-minute weekly time suits every member on every week of the program.", md.s.Minutes))
	}
	return out
}

// joinNames writes "A and B" or "A, B and C".
func joinNames(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
