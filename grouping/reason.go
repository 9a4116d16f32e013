package grouping

import (
	"slices"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// This file finds, for each person left out of a formation, the hard rule that keeps her out:
// it asks whether she could be placed — with nobody placed losing a seat — if one rule (then
// two, …) were waived for her alone, and keeps a concrete placement as the proof. The checks
// are cheap local ones (join a circle, join it by moving one member to another circle, start a
// new circle with people left out or spared by larger circles), so the answer is always true
// of the rule it names, though a rule may be named where a deeper reshuffle could do without.

// Rule is one hard rule of circle formation; rules combine as bits.
type Rule uint8

// The hard rules a person can be kept out by.
const (
	RuleTime         Rule = 1 << iota // a weekly time every member can make on every week
	RuleOrganization                  // people of one organization kept apart
	RuleKeepApart                     // pairs named to be kept apart
	RuleSize                          // the smallest and largest circle sizes
	ruleAll          = RuleTime | RuleOrganization | RuleKeepApart | RuleSize
)

// ruleOrder lists the rules as reasons name them.
var ruleOrder = []Rule{RuleTime, RuleOrganization, RuleKeepApart, RuleSize}

// Label names the rules of r for organizers, like "circle size and organizations kept apart".
func (r Rule) Label() string {
	var parts []string
	for _, one := range ruleOrder {
		if r&one == 0 {
			continue
		}
		switch one {
		case RuleTime:
			parts = append(parts, "meeting time")
		case RuleOrganization:
			parts = append(parts, "organizations kept apart")
		case RuleKeepApart:
			parts = append(parts, "kept apart on request")
		case RuleSize:
			parts = append(parts, "circle size")
		}
	}
	if len(parts) == 0 {
		return "no rule"
	}
	return joinNames(parts)
}

// witness is a placement of one left-out person that holds with the rules relax waived for
// her: she joins circle join (after member out, if ≥ 0, moved to circle to), or, when join is
// −1, starts a new circle meeting at slot with fresh.
type witness struct {
	relax Rule
	join  int
	out   int32
	to    int
	fresh []int32
	slot  schedule.Slot
}

// verdict is what the diagnosis found for one left-out person: the placements that prove each
// of the smallest sets of rules keeping her out (none when even waiving every rule would not
// place her), and the reason in words.
type verdict struct {
	x      int32
	fixes  []witness
	reason string
}

// diagnosis holds a formation's circles with what the checks ask of them.
type diagnosis struct {
	md       *model
	parts    [][]int32
	common   []schedule.SlotSet
	without  [][]schedule.SlotSet // per circle and member: the common slots without that member
	circleOf []int32              // per person: circle index, −1 when left out
	spare    []int                // per circle: members it can give and keep its minimum
	bySlot   [schedule.NumSlots][]int32
	moveTo   []int32 // per placed person: a circle they could move to, −1 none, −2 not yet known
	shared   []int32 // per slot: how many people of the cohort can make it
	deadline time.Time
}

// diagnoseBudget bounds the diagnosis of a large cohort; people left when it is spent get
// the answer of the quick checks only (joining a circle as it stands).
func diagnoseBudget(n int) time.Duration {
	return min(2*time.Second, 100*time.Millisecond+time.Duration(n)*500*time.Microsecond)
}

// unplaced explains why each of out (people in no circle of parts) is left out.
func (md *model) unplaced(parts [][]int32, out []int32) []Unplaced {
	vs := md.diagnose(parts, out)
	un := make([]Unplaced, len(vs))
	for k, v := range vs {
		un[k] = Unplaced{Person: int(v.x), Reason: v.reason}
		for _, w := range v.fixes {
			un[k].Fixes = append(un[k].Fixes, w.relax)
		}
	}
	return un
}

// diagnose finds a verdict for each of out, in index order. The answers do not depend on the
// order of out or of the members of each circle.
func (md *model) diagnose(parts [][]int32, out []int32) []verdict {
	out = slices.Clone(out)
	slices.Sort(out)
	sorted := make([][]int32, len(parts))
	for g, p := range parts {
		sorted[g] = slices.Clone(p)
		slices.Sort(sorted[g])
	}
	d := md.newDiagnosis(sorted, out)
	memo := map[memoKey]int{} // people alike in slots and organization, with nobody to avoid
	vs := make([]verdict, len(out))
	for k, x := range out {
		key, ok := d.key(x)
		if j, seen := memo[key]; ok && seen {
			vs[k] = d.reuse(vs[j], x)
			continue
		}
		vs[k] = d.verdict(x)
		if ok {
			memo[key] = k
		}
	}
	return vs
}

type memoKey struct {
	slots schedule.SlotSet
	org   int32
	week  bool
}

// key is x's memo key; ok is false for people with keep-apart pairs, whose answers differ.
func (d *diagnosis) key(x int32) (memoKey, bool) {
	md := d.md
	return memoKey{md.slots[x], md.v(int(x), attrOrg), len(md.people[x].Week) > 0}, len(md.avoid[x]) == 0
}

// reuse gives x the verdict of y, someone alike: the same placements with x in y's place.
func (d *diagnosis) reuse(v verdict, x int32) verdict {
	y := v.x
	out := verdict{x: x}
	for _, w := range v.fixes {
		w.fresh = append([]int32(nil), w.fresh...)
		for i, z := range w.fresh {
			if z == x {
				w.fresh[i] = y
			}
		}
		out.fixes = append(out.fixes, w)
	}
	out.reason = d.words(x, out.fixes, time.Now().After(d.deadline))
	return out
}

func (md *model) newDiagnosis(parts [][]int32, out []int32) *diagnosis {
	d := &diagnosis{md: md, parts: parts, common: make([]schedule.SlotSet, len(parts)),
		without: make([][]schedule.SlotSet, len(parts)), circleOf: make([]int32, md.n),
		spare: make([]int, len(parts)), moveTo: make([]int32, md.n), shared: make([]int32, schedule.NumSlots),
		deadline: time.Now().Add(diagnoseBudget(md.n))}
	for i := range d.circleOf {
		d.circleOf[i], d.moveTo[i] = -1, -2
	}
	for g, p := range parts {
		d.common[g], d.without[g] = commonOf(md, p)
		d.spare[g] = max(0, len(p)-md.s.Min)
		for _, x := range p {
			d.circleOf[x] = int32(g)
		}
	}
	for i := range md.slots {
		md.slots[i].Each(func(sl schedule.Slot) bool {
			d.shared[slotIndex(sl)]++
			return true
		})
	}
	// Candidates for new circles: the left-out first, then members larger circles can spare;
	// within each, people with nobody to avoid first.
	add := func(x int32) {
		md.slots[x].Each(func(sl schedule.Slot) bool {
			i := slotIndex(sl)
			d.bySlot[i] = append(d.bySlot[i], x)
			return true
		})
	}
	for _, pass := range []bool{false, true} {
		for _, x := range out {
			if len(md.avoid[x]) > 0 == pass {
				add(x)
			}
		}
		for g, p := range parts {
			if d.spare[g] == 0 {
				continue
			}
			for _, x := range p {
				if len(md.avoid[x]) > 0 == pass {
					add(x)
				}
			}
		}
	}
	return d
}

// commonOf returns the common slots of p and, per member, the common slots of the others.
func commonOf(md *model, p []int32) (schedule.SlotSet, []schedule.SlotSet) {
	without := make([]schedule.SlotSet, len(p))
	acc := schedule.AllSlots()
	for k, y := range p {
		without[k] = acc
		acc = acc.And(md.slots[y])
	}
	common := acc
	acc = schedule.AllSlots()
	for k := len(p) - 1; k >= 0; k-- {
		without[k] = without[k].And(acc)
		acc = acc.And(md.slots[p[k]])
	}
	return common, without
}

// verdict tries the sets of waived rules from none upwards and keeps the smallest that work.
func (d *diagnosis) verdict(x int32) verdict {
	v := verdict{x: x}
	quick := time.Now().After(d.deadline)
	relevant := d.relevant(x)
	for size := 0; size <= 4 && len(v.fixes) == 0; size++ {
		for r := Rule(0); r <= ruleAll; r++ {
			if bitCount(r) != size || r&^relevant != 0 {
				continue
			}
			if w, ok := d.place(x, r, quick); ok {
				v.fixes = append(v.fixes, w)
			}
		}
	}
	v.reason = d.words(x, v.fixes, quick)
	return v
}

// relevant is the set of rules that can concern x at all.
func (d *diagnosis) relevant(x int32) Rule {
	md := d.md
	r := RuleTime | RuleSize
	if md.s.SeparateOrganizations && md.v(int(x), attrOrg) >= 0 {
		r |= RuleOrganization
	}
	if len(md.avoid[x]) > 0 {
		r |= RuleKeepApart
	}
	return r
}

func bitCount(r Rule) int {
	n := 0
	for ; r != 0; r &= r - 1 {
		n++
	}
	return n
}

// place looks for a placement of x with the rules relax waived for her: joining a circle,
// joining one after moving a member elsewhere, starting a new circle. quick skips the last two.
func (d *diagnosis) place(x int32, relax Rule, quick bool) (witness, bool) {
	if w, ok := d.join(x, relax, quick); ok {
		return w, true
	}
	if quick {
		return witness{}, false
	}
	return d.fresh(x, relax)
}

// slotsFor is x's slots, or every slot when time is waived for her.
func (d *diagnosis) slotsFor(x int32, relax Rule) schedule.SlotSet {
	if relax&RuleTime != 0 {
		return schedule.AllSlots()
	}
	return d.md.slots[x]
}

// orgFor is x's organization as the rule sees it: −1 when it does not count.
func (d *diagnosis) orgFor(x int32, relax Rule) int32 {
	if !d.md.s.SeparateOrganizations || relax&RuleOrganization != 0 {
		return -1
	}
	return d.md.v(int(x), attrOrg)
}

// clash reports whether x may not sit with the members of p other than skip: the same
// organization org (≥ 0) or a keep-apart pair (unless waived).
func (d *diagnosis) clash(x int32, org int32, relax Rule, p []int32, skip int32) bool {
	md := d.md
	for _, y := range p {
		if y == skip {
			continue
		}
		if org >= 0 && md.v(int(y), attrOrg) == org {
			return true
		}
		if relax&RuleKeepApart == 0 && avoids(md, x, y) {
			return true
		}
	}
	return false
}

func avoids(md *model, x, y int32) bool {
	for _, z := range md.avoid[x] {
		if z == y {
			return true
		}
	}
	return false
}

// join finds a circle x can join, directly or (unless quick) after one member moves on.
func (d *diagnosis) join(x int32, relax Rule, quick bool) (witness, bool) {
	md := d.md
	slots := d.slotsFor(x, relax)
	org := d.orgFor(x, relax)
	room := md.s.Max
	if relax&RuleSize != 0 {
		room++
	}
	for g, p := range d.parts {
		if len(p) < room && meets(&d.common[g], &slots) && !d.clash(x, org, relax, p, -1) {
			return witness{relax: relax, join: g, out: -1, to: -1}, true
		}
	}
	if quick {
		return witness{}, false
	}
	for g, p := range d.parts {
		for k, y := range p {
			if !meets(&d.without[g][k], &slots) || d.clash(x, org, relax, p, y) {
				continue
			}
			if h := d.movable(y); h >= 0 {
				return witness{relax: relax, join: g, out: y, to: int(h)}, true
			}
		}
	}
	return witness{}, false
}

// movable is a circle other than its own that placed person y can join under every rule, or −1.
func (d *diagnosis) movable(y int32) int32 {
	if d.moveTo[y] != -2 {
		return d.moveTo[y]
	}
	md := d.md
	d.moveTo[y] = -1
	org := d.orgFor(y, 0)
	for h, p := range d.parts {
		if int32(h) != d.circleOf[y] && len(p) < md.s.Max && meets(&d.common[h], &md.slots[y]) && !d.clash(y, org, 0, p, -1) {
			d.moveTo[y] = int32(h)
			break
		}
	}
	return d.moveTo[y]
}

// need is how many others a new circle with x needs with the rules relax waived.
func (d *diagnosis) need(relax Rule) int {
	k := d.md.s.Min - 1
	if relax&RuleSize != 0 && k >= 2 {
		k--
	}
	return max(1, k)
}

// fresh finds a new circle for x: at one of her slots (any slot when time is waived), people
// left out or spared by circles larger than the minimum, one per organization, no pair kept
// apart, as many as a circle needs.
func (d *diagnosis) fresh(x int32, relax Rule) (witness, bool) {
	slots := d.slotsFor(x, relax)
	need := d.need(relax)
	var w witness
	found := false
	slots.Each(func(sl schedule.Slot) bool {
		if len(d.bySlot[slotIndex(sl)]) < need {
			return true
		}
		if pick := d.pick(x, relax, slotIndex(sl), need); pick != nil {
			w, found = witness{relax: relax, join: -1, out: -1, to: -1, fresh: pick, slot: sl}, true
			return false
		}
		return true
	})
	return w, found
}

// pick chooses need people of slot i who can form a circle with x, greedily, or returns nil.
func (d *diagnosis) pick(x int32, relax Rule, i, need int) []int32 {
	md := d.md
	var orgs []int32
	if o := d.orgFor(x, relax); o >= 0 {
		orgs = append(orgs, o)
	}
	var taken []int32
	var from []int // donor circles of the spares taken, one entry per spare
	for _, y := range d.bySlot[i] {
		if y == x {
			continue
		}
		o := md.v(int(y), attrOrg)
		if md.s.SeparateOrganizations && o >= 0 && containsID(orgs, o) {
			continue
		}
		if relax&RuleKeepApart == 0 && avoids(md, x, y) || d.clash(y, -1, 0, taken, -1) {
			continue
		}
		if g := int(d.circleOf[y]); g >= 0 {
			k := 0
			for _, h := range from {
				if h == g {
					k++
				}
			}
			if k >= d.spare[g] {
				continue
			}
			from = append(from, g)
		}
		taken = append(taken, y)
		if md.s.SeparateOrganizations && o >= 0 {
			orgs = append(orgs, o)
		}
		if len(taken) == need {
			return taken
		}
	}
	return nil
}

func containsID(list []int32, v int32) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
