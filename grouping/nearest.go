package grouping

import (
	"cmp"
	"slices"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// This file finds, for each person a formation leaves out, the nearest weekly
// times that would place her: a circle with a free seat whose common time she
// could make with one more window of her week, else a time at which enough of
// the other unplaced people could start a circle with her.

// Suggestion is one way in for an unplaced person.
type Suggestion struct {
	// Circle is the index of the circle in Formation.Circles she could join,
	// or −1 for a new circle with Others.
	Circle int
	// Others are, for a new circle, the unplaced people (indices) who can
	// make Slot and could sit with her and with each other.
	Others []int
	Slot   schedule.Slot      // the weekly time, in Settings.Reference
	Local  schedule.LocalRuns // Slot on her clock over the program's dates
	// Add is the meeting on her clock, each local time it takes over the
	// program: the windows to add to her week so that she can make Slot.
	Add schedule.Week
	// Extra is the minutes of Add she is not free yet; 0 means she can make
	// Slot already (only a hand move or the rules stopped her).
	Extra int
}

// nearWeekMinutes is the length of a week in minutes.
const nearWeekMinutes = 7 * 24 * 60

// Nearest returns, for each unplaced person of f (by index into people), up to
// limit suggestions, smallest Extra first. A circle qualifies when it has
// fewer than Max members, nobody of her organization when organizations are
// kept apart, and nobody she is kept apart from; one suggestion per circle,
// at the time nearest to her week among its Circle.Slots that every member
// can make (Evaluate lists them all; a caller whose circle has settled on a
// time lists that one only). Only when no circle qualifies does it look for
// a new circle with other unplaced people.
func Nearest(people []Person, s Settings, f *Formation, limit int) (map[int][]Suggestion, error) {
	if err := validate(&s); err != nil {
		return nil, err
	}
	plan, err := newPlan(s)
	if err != nil {
		return nil, err
	}
	nb := newNeighbourhood(people, s, plan, f)
	out := map[int][]Suggestion{}
	for _, u := range f.Unplaced {
		if u.Person < 0 || u.Person >= len(people) {
			continue
		}
		var list []Suggestion
		for ci := range f.Circles {
			if sg, ok := nb.joinCircle(u.Person, ci); ok {
				list = append(list, sg)
			}
		}
		if len(list) == 0 {
			list = nb.newCircles(u.Person, limit)
		}
		slices.SortStableFunc(list, func(a, b Suggestion) int {
			return cmp.Or(cmp.Compare(a.Extra, b.Extra), cmp.Compare(a.Add.Minutes(), b.Add.Minutes()))
		})
		if len(list) > limit {
			list = list[:limit]
		}
		if len(list) > 0 {
			out[u.Person] = list
		}
	}
	return out, nil
}

// neighbourhood is what Nearest reads: everyone's slots, the circles' common
// slots and organizations, and who is unplaced.
type neighbourhood struct {
	people   []Person
	s        Settings
	plan     *schedule.Plan
	slots    []schedule.SlotSet
	orgs     []string
	avoid    []map[int]bool
	circles  [][]int
	common   []schedule.SlotSet
	unplaced []int
	free     map[int][]int // per unplaced person, the prefix sums of her free minutes
	local    map[string]*[schedule.NumSlots]schedule.LocalRuns
	bySlot   [][]int // per grid slot, the unplaced who can make it (newCircles)
}

func newNeighbourhood(people []Person, s Settings, plan *schedule.Plan, f *Formation) *neighbourhood {
	nb := &neighbourhood{people: people, s: s, plan: plan, slots: make([]schedule.SlotSet, len(people)),
		orgs: make([]string, len(people)), avoid: make([]map[int]bool, len(people)),
		free: map[int][]int{}, local: map[string]*[schedule.NumSlots]schedule.LocalRuns{}}
	byID := map[string]int{}
	for i := range people {
		nb.slots[i] = plan.Slots(people[i].Week, people[i].Zone)
		nb.orgs[i] = normKey(people[i].Organization)
		if people[i].ID != "" {
			byID[people[i].ID] = i
		}
	}
	for i := range people {
		for _, id := range people[i].Avoid {
			if j, ok := byID[id]; ok && j != i {
				nb.pair(i, j)
			}
		}
	}
	for _, c := range f.Circles {
		common := schedule.SlotSetOf(c.Slots...)
		for _, m := range c.Members {
			common = common.And(nb.slots[m])
		}
		nb.circles = append(nb.circles, c.Members)
		nb.common = append(nb.common, common)
	}
	for _, u := range f.Unplaced {
		if u.Person >= 0 && u.Person < len(people) {
			nb.unplaced = append(nb.unplaced, u.Person)
		}
	}
	return nb
}

func (nb *neighbourhood) pair(i, j int) {
	for _, e := range [][2]int{{i, j}, {j, i}} {
		if nb.avoid[e[0]] == nil {
			nb.avoid[e[0]] = map[int]bool{}
		}
		nb.avoid[e[0]][e[1]] = true
	}
}

// fits reports whether x may sit with everyone in group by the hard rules
// other than time.
func (nb *neighbourhood) fits(x int, group []int) bool {
	for _, y := range group {
		if nb.avoid[x][y] || nb.s.SeparateOrganizations && nb.orgs[x] != "" && nb.orgs[x] == nb.orgs[y] {
			return false
		}
	}
	return true
}

// joinCircle returns the suggestion of circle ci for person u, if it has a
// seat she may take and a common time.
func (nb *neighbourhood) joinCircle(u, ci int) (Suggestion, bool) {
	members := nb.circles[ci]
	if len(members) >= nb.s.Max || len(members) == 0 || !nb.fits(u, members) {
		return Suggestion{}, false
	}
	best, found := Suggestion{}, false
	nb.common[ci].Each(func(sl schedule.Slot) bool {
		sg := nb.suggest(u, sl)
		if len(sg.Local) == 0 {
			return true
		}
		if !found || sg.Extra < best.Extra || sg.Extra == best.Extra && sg.Add.Minutes() < best.Add.Minutes() {
			best, found = sg, true
		}
		return best.Extra > 0 || best.Add.Minutes() > nb.s.Minutes
	})
	best.Circle = ci
	return best, found
}

// newCircles returns up to limit weekly times at which u and at least Min−1
// other unplaced people could form a circle, taking distinct times (no two
// on one day closer than a session).
func (nb *neighbourhood) newCircles(u, limit int) []Suggestion {
	var cands []Suggestion
	if nb.bySlot == nil {
		// Who of the unplaced can make each slot, found once for everyone.
		nb.bySlot = make([][]int, schedule.NumSlots)
		for _, x := range nb.unplaced {
			nb.slots[x].Each(func(sl schedule.Slot) bool {
				nb.bySlot[slotIndex(sl)] = append(nb.bySlot[slotIndex(sl)], x)
				return true
			})
		}
	}
	for i := range schedule.NumSlots {
		if len(nb.bySlot[i]) < nb.s.Min-1 {
			continue
		}
		sl := schedule.Slot{Day: time.Weekday(i / 96), Start: i % 96 * schedule.Step}
		group := []int{u}
		for _, x := range nb.bySlot[i] {
			if x != u && len(group) < nb.s.Max && nb.fits(x, group) {
				group = append(group, x)
			}
		}
		if len(group) < nb.s.Min {
			continue
		}
		sg := nb.suggest(u, sl)
		if len(sg.Local) == 0 {
			continue
		}
		sg.Circle, sg.Others = -1, group[1:]
		cands = append(cands, sg)
	}
	slices.SortStableFunc(cands, func(a, b Suggestion) int {
		return cmp.Or(cmp.Compare(a.Extra, b.Extra), cmp.Compare(a.Add.Minutes(), b.Add.Minutes()))
	})
	var out []Suggestion
	for _, c := range cands {
		near := slices.ContainsFunc(out, func(o Suggestion) bool {
			return o.Slot.Day == c.Slot.Day && nearGap(o.Slot.Start, c.Slot.Start) < nb.s.Minutes
		})
		if !near {
			out = append(out, c)
		}
		if len(out) == limit {
			break
		}
	}
	return out
}

func nearGap(a, b int) int {
	x := a - b
	if x < 0 {
		return -x
	}
	return x
}

// suggest computes, for person u and slot sl, the windows of her week the
// meeting takes on her clock and how many of their minutes she is not free.
func (nb *neighbourhood) suggest(u int, sl schedule.Slot) Suggestion {
	runs := nb.localRuns(u, sl)
	sg := Suggestion{Circle: -1, Slot: sl, Local: runs}
	if len(runs) == 0 {
		return sg
	}
	free := nb.freeSums(u)
	var add schedule.Week
	for _, r := range runs {
		start := int(r.Day)*24*60 + r.Start
		add = append(add, spanWindows(start, start+nb.s.Minutes)...)
	}
	sg.Add = schedule.Week(nil).Union(add)
	for _, w := range sg.Add {
		a := int(w.Day)*24*60 + w.Start
		b := int(w.Day)*24*60 + w.End
		sg.Extra += (b - a) - (free[b] - free[a])
	}
	return sg
}

// spanWindows cuts the week minutes [a, b) (b may pass the week's end) into
// windows that each stay within one day.
func spanWindows(a, b int) schedule.Week {
	var out schedule.Week
	for a < b {
		day := a / (24 * 60)
		end := min(b, (day+1)*24*60)
		d := day % 7
		out = append(out, schedule.Window{Day: time.Weekday(d), Start: a - day*24*60, End: end - day*24*60})
		a = end
	}
	return out
}

// localRuns returns how person u sees sl, computed once per zone.
func (nb *neighbourhood) localRuns(u int, sl schedule.Slot) schedule.LocalRuns {
	zone := nb.people[u].Zone
	if zone == nil {
		zone = time.UTC
	}
	key := zone.String()
	tab := nb.local[key]
	if tab == nil {
		tab = new([schedule.NumSlots]schedule.LocalRuns)
		nb.local[key] = tab
	}
	i := slotIndex(sl)
	if tab[i] == nil {
		tab[i] = nb.plan.LocalTimes(sl, zone)
		if tab[i] == nil {
			tab[i] = schedule.LocalRuns{}
		}
	}
	return tab[i]
}

// freeSums returns the prefix sums of u's free minutes over the week:
// sums[b]−sums[a] is how many minutes of [a, b) she is free.
func (nb *neighbourhood) freeSums(u int) []int {
	if s, ok := nb.free[u]; ok {
		return s
	}
	var free [nearWeekMinutes]bool
	for _, w := range nb.people[u].Week {
		base := int(w.Day) * 24 * 60
		for m := max(w.Start, 0); m < min(w.End, 24*60); m++ {
			free[base+m] = true
		}
	}
	sums := make([]int, nearWeekMinutes+1)
	for m, ok := range free {
		sums[m+1] = sums[m]
		if ok {
			sums[m+1]++
		}
	}
	nb.free[u] = sums
	return sums
}
