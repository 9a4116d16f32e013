package grouping

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/roundtable/roundtable/schedule"
)

// Attribute columns of model.val, per person.
const (
	attrSector = iota
	attrIndustry
	attrOrg
	attrFunction
	attrLevel
	attrMarked // first "never the only one" attribute; one column each
)

// hardPenalty is what one broken hard constraint costs in the objective: more than any
// change of soft scores a move or swap of two circles can bring (each circle scores ≤ 100).
const hardPenalty = 1000

// model is a cohort encoded for the search: attribute values as small ids, slot sets from one
// Plan, keep-apart lists as indices. It holds nothing of size n×n or n×m.
type model struct {
	people []Person
	s      Settings
	plan   *schedule.Plan
	n, A   int
	val    []int32 // val[i*A+k]: value id of attribute k for person i, −1 when not given
	slots  []schedule.SlotSet
	avoid  [][]int32 // symmetric
	names  [][]string
	global []int // distinct values per attribute over the cohort

	levelLo, levelHi int
	weights          Weights
	wsum             float64 // sum of the soft weights that are on
	lambda           float64 // weight of the balance term
}

// normKey folds case and runs of spaces so "ACME  Ltd" and "acme ltd" are one organization.
func normKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// validate checks settings that do not depend on people; it returns a *SettingsError.
func validate(s *Settings) error {
	switch {
	case s.Min < 1:
		return &SettingsError{fmt.Sprintf("The smallest circle size must be at least 1 (it is %d).", s.Min)}
	case s.Min > s.Max:
		return &SettingsError{fmt.Sprintf("The smallest circle size (%d) is larger than the largest (%d).", s.Min, s.Max)}
	case s.Minutes <= 0 || s.Minutes > 1440:
		return &SettingsError{fmt.Sprintf("The session length must be between 1 minute and 24 hours (it is %d minutes).", s.Minutes)}
	case s.Range.From.IsZero() || s.Range.To.IsZero():
		return &SettingsError{"The program needs a start and an end date to find weekly meeting times."}
	case s.Range.Validate() != nil:
		return &SettingsError{"The program ends before it starts."}
	case s.Circles < 0:
		return &SettingsError{"The number of circles cannot be negative."}
	}
	w := s.Weights
	for _, x := range []float64{w.Level, w.Sector, w.Industry, w.Organization, w.Function, w.NeverAlone, w.Balance} {
		if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) {
			return &SettingsError{"Weights must be zero or positive numbers."}
		}
	}
	return nil
}

// sizeText writes the size bounds like "exactly 6" or "6 to 8".
func sizeText(lo, hi int) string {
	if lo == hi {
		return fmt.Sprintf("exactly %d", lo)
	}
	return fmt.Sprintf("%d to %d people", lo, hi)
}

// splitCheck explains why n people cannot be split into circles of the settings' sizes, or
// returns "" when they can.
func splitCheck(n int, s *Settings) string {
	if n == 0 {
		return ""
	}
	if s.Circles > 0 {
		if n < s.Circles*s.Min || n > s.Circles*s.Max {
			return fmt.Sprintf("%d people cannot be split into %d circles of %s: %d circles hold between %d and %d people.",
				n, s.Circles, sizeText(s.Min, s.Max), s.Circles, s.Circles*s.Min, s.Circles*s.Max)
		}
		return ""
	}
	if n < s.Min {
		return fmt.Sprintf("%d people are too few for one circle of %s.", n, sizeText(s.Min, s.Max))
	}
	// When the sizes cannot hold everyone (13 people in circles of exactly
	// 6), as many as they can hold are placed and the rest are told why.
	return ""
}

// circleCount picks the number of circles for n people: the one whose mean size is nearest
// the middle of [Min, Max] among the counts the sizes allow; 0 when none does.
func circleCount(n int, s *Settings) int {
	if s.Circles > 0 {
		return s.Circles
	}
	lo, hi := (n+s.Max-1)/s.Max, n/s.Min
	if n == 0 || lo > hi {
		return 0
	}
	mid := float64(s.Min+s.Max) / 2
	m := int(math.Round(float64(n) / mid))
	return min(max(m, lo), hi)
}

// newPlan is the engine's plan of settings s, or the true reason it cannot be made.
func newPlan(s Settings) (*schedule.Plan, error) {
	plan, err := schedule.NewPlan(s.Reference, s.Range, s.Minutes)
	if err != nil {
		return nil, &SettingsError{"The program dates or session length do not allow weekly meetings: " + err.Error()}
	}
	return plan, nil
}

// newModel encodes people for settings s (already validated).
func newModel(people []Person, s Settings) (*model, error) {
	plan, err := newPlan(s)
	if err != nil {
		return nil, err
	}
	n := len(people)
	A := attrMarked + len(s.NeverAlone)
	md := &model{people: people, s: s, plan: plan, n: n, A: A,
		val: make([]int32, n*A), slots: make([]schedule.SlotSet, n), avoid: make([][]int32, n),
		names: make([][]string, A), global: make([]int, A), weights: s.Weights}
	ids := make([]map[string]int32, A)
	for k := range ids {
		ids[k] = map[string]int32{}
	}
	intern := func(k int, raw string) int32 {
		key := normKey(raw)
		if key == "" {
			return -1
		}
		id, ok := ids[k][key]
		if !ok {
			id = int32(len(md.names[k]))
			ids[k][key] = id
			md.names[k] = append(md.names[k], strings.TrimSpace(raw))
		}
		return id
	}
	md.levelLo, md.levelHi = math.MaxInt, math.MinInt
	byID := make(map[string]int32, n)
	for i := range people {
		p := &people[i]
		v := md.val[i*A : (i+1)*A]
		v[attrSector] = intern(attrSector, p.Sector)
		v[attrIndustry] = intern(attrIndustry, p.Industry)
		v[attrOrg] = intern(attrOrg, p.Organization)
		v[attrFunction] = intern(attrFunction, p.Function)
		v[attrLevel] = int32(p.Level)
		for a, name := range s.NeverAlone {
			v[attrMarked+a] = intern(attrMarked+a, p.Attrs[name])
		}
		md.levelLo = min(md.levelLo, p.Level)
		md.levelHi = max(md.levelHi, p.Level)
		if p.ID != "" {
			byID[p.ID] = int32(i)
		}
	}
	for k := range md.global {
		md.global[k] = len(md.names[k])
	}
	for i := range people {
		for _, id := range people[i].Avoid {
			j, ok := byID[id]
			if !ok || int(j) == i {
				continue
			}
			if !slices.Contains(md.avoid[i], j) {
				md.avoid[i] = append(md.avoid[i], j)
				md.avoid[j] = append(md.avoid[j], int32(i))
			}
		}
	}
	md.computeSlots()

	w := s.Weights
	for _, x := range []float64{w.Level, w.Sector, w.Industry, w.Organization, w.Function} {
		md.wsum += x
	}
	if len(s.NeverAlone) > 0 {
		md.wsum += w.NeverAlone
	}
	if md.wsum > 0 {
		// Balance is weighed against the other goals together: the default (1 of 11) gives
		// a circle at 50 a penalty of about 23 points, one at 90 less than 1.
		md.lambda = 10 * w.Balance / md.wsum
	}
	return md, nil
}

// computeSlots fills md.slots with each person's feasible slots, on every core: the Plan is
// safe for concurrent use and this is the costliest part of encoding a large cohort.
func (md *model) computeSlots() {
	workers := max(1, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	chunk := (md.n + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min(md.n, (w+1)*chunk)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				md.slots[i] = md.plan.Slots(md.people[i].Week, md.people[i].Zone)
			}
		}()
	}
	wg.Wait()
}

// v returns the value id of attribute k for person i.
func (md *model) v(i, k int) int32 { return md.val[i*md.A+k] }

// level is person x's level.
func (md *model) level(x int32) int32 { return md.val[int(x)*md.A+attrLevel] }

// name returns a person's display name.
func (md *model) name(i int) string {
	if p := &md.people[i]; p.Name != "" {
		return p.Name
	} else if p.ID != "" {
		return p.ID
	}
	return fmt.Sprintf("person %d", i+1)
}

// screen finds the people no circle can hold whatever the others do: no availability, no
// slot that lasts the whole range, or no slot shared with Min−1 others (md.unplaced says
// why). A slot shared by Min people makes a circle of them possible, so the test is exact.
func (md *model) screen() map[int]bool {
	out := map[int]bool{}
	var count [schedule.NumSlots]int32
	for i := range md.slots {
		md.slots[i].Each(func(sl schedule.Slot) bool {
			count[slotIndex(sl)]++
			return true
		})
	}
	for i := range md.slots {
		p := &md.people[i]
		switch {
		case len(p.Week) == 0 || md.slots[i].IsEmpty():
			out[i] = true
		default:
			best := int32(0)
			md.slots[i].Each(func(sl schedule.Slot) bool {
				best = max(best, count[slotIndex(sl)])
				return true
			})
			if int(best) < md.s.Min {
				out[i] = true
			}
		}
	}
	return out
}

// slotIndex is the bit of sl in a SlotSet.
func slotIndex(sl schedule.Slot) int { return (int(sl.Day)*24*60 + sl.Start) / schedule.Step }
