package grouping

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// FixedSlot is the weekly time a published circle already meets at: Slot on the clock of
// Zone (nil means Settings.Reference).
type FixedSlot struct {
	Slot schedule.Slot
	Zone *time.Location
}

// BackfillOptions steer BackfillWith.
type BackfillOptions struct {
	// Fixed holds, per circle of current (same index), the slot the circle meets at, or nil
	// for a circle whose time is still open. A circle with a fixed slot only takes people who
	// can make that slot on every week of Settings.Range, daylight-saving changes included;
	// one without only needs its members to keep some common slot. Nil means no fixed slots.
	Fixed []*FixedSlot
	// NoMoves places newcomers only where they fit as the circles stand: nobody who is in a
	// circle moves. The placements are exactly those a run with moves makes before its
	// first move, so an organizer can apply a proposal without its moves.
	NoMoves bool
	// Stay lists members of current circles (indices into people) who must not be moved.
	Stay []int
}

// Backfill places newcomers (indices into people) into the existing circles
// with as few moves of others as possible, keeping every hard constraint;
// those who fit nowhere are Unplaced with a reason. It is BackfillWith
// without fixed slots: every circle only has to keep a common slot.
func Backfill(ctx context.Context, people []Person, s Settings, current [][]int, newcomers []int) (*Formation, error) {
	return BackfillWith(ctx, people, s, current, newcomers, BackfillOptions{})
}

// BackfillWith places newcomers (indices into people) into the existing circles current,
// disturbing as few members as it can; people in neither stay out and are not listed.
//
// It works in three rounds. First each newcomer (those with the fewest circles to go to
// first) joins a circle with room where they fit, circles short of the minimum first, then
// the best score. Then a newcomer who found no seat may take the place of a newcomer placed
// before, who goes on to another circle: nobody already in a circle moves. Last, unless
// opt.NoMoves, one member of a circle the newcomer would fit into once that member left moves
// to another circle with room where they fit; each member moves at most once and each
// newcomer causes at most one move. Moved lists those members. No circle grows past
// Settings.Max, and nobody joins a circle (as a newcomer or a moved member) in a way that
// breaks a hard constraint: the circle's fixed slot or common slot, organizations kept
// apart, keep-apart pairs. An empty circle takes nobody: starting a circle is formation's job.
//
// The Formation's circles are current's, in the same order. A circle with a fixed slot lists
// that slot in Slots when it is named in Settings.Reference (none otherwise), and its
// Problems name members who cannot make it. The result depends only on the arguments.
func BackfillWith(ctx context.Context, people []Person, s Settings, current [][]int, newcomers []int, opt BackfillOptions) (*Formation, error) {
	if err := validate(&s); err != nil {
		return nil, err
	}
	if opt.Fixed != nil && len(opt.Fixed) != len(current) {
		return nil, fmt.Errorf("grouping: %d fixed slots for %d circles", len(opt.Fixed), len(current))
	}
	for g, fx := range opt.Fixed {
		if fx != nil && !fx.Slot.Valid() {
			return nil, fmt.Errorf("grouping: circle %d has an invalid fixed slot %v", g+1, fx.Slot)
		}
	}
	md, err := newModel(people, s)
	if err != nil {
		return nil, err
	}
	parts, err := md.parts(current)
	if err != nil {
		return nil, err
	}
	b := newBackfill(md, md.load(parts), opt)
	in := make([]bool, md.n)
	for _, p := range parts {
		for _, x := range p {
			in[x] = true
		}
	}
	for _, x := range opt.Stay {
		if x >= 0 && x < md.n {
			b.stay[x] = true
		}
	}
	var fresh []int32
	for _, x := range newcomers {
		if x < 0 || x >= md.n {
			return nil, fmt.Errorf("grouping: newcomer %d is out of range", x)
		}
		if !in[x] {
			in[x] = true
			b.isNew[x] = true
			fresh = append(fresh, int32(x))
		}
	}
	b.order(fresh)

	left, err := b.round(ctx, fresh, nil)
	if err != nil {
		return nil, err
	}
	// A newcomer placed in this run may make way: that disturbs nobody.
	if left, err = b.round(ctx, left, b.isNew); err != nil {
		return nil, err
	}
	if !opt.NoMoves {
		if left, err = b.round(ctx, left, b.movable()); err != nil {
			return nil, err
		}
	}
	un := make([]Unplaced, 0, len(left))
	for _, x := range left {
		un = append(un, Unplaced{Person: int(x), Reason: b.reason(x)})
	}
	slices.SortFunc(un, func(a, c Unplaced) int { return a.Person - c.Person })
	return b.formation(un), nil
}

// backfill is one run of BackfillWith: the circles as they change, and what is known about
// each circle's fixed slot.
type backfill struct {
	md      *model
	cs      []*circle
	fixed   []*FixedSlot     // per circle; nil entries (or a nil slice) for open times
	zones   map[string]*zone // member slot sets per reference zone other than the model's
	occ     map[int][]time.Time
	isNew   []bool // newcomers of this run
	stay    []bool // members who must not move
	wasMove []bool // members moved once already
	moved   []int
	noMoves bool
}

// zone holds the people's feasible slots named in one zone, computed when first asked.
type zone struct {
	plan *schedule.Plan
	sets []schedule.SlotSet
	done []bool
}

func newBackfill(md *model, cs []*circle, opt BackfillOptions) *backfill {
	fixed := opt.Fixed
	if fixed == nil {
		fixed = make([]*FixedSlot, len(cs))
	}
	return &backfill{md: md, cs: cs, fixed: fixed, zones: map[string]*zone{}, occ: map[int][]time.Time{},
		isNew: make([]bool, md.n), stay: make([]bool, md.n), wasMove: make([]bool, md.n), noMoves: opt.NoMoves}
}

// movable reports, per person, who may move to make room in the last round: members who
// are not pinned, were not moved before, and are no newcomer of this run (newcomers moved
// in the round before; moving them now would change placements a run without moves keeps).
func (b *backfill) movable() []bool {
	ok := make([]bool, b.md.n)
	for _, c := range b.cs {
		for _, y := range c.mem {
			ok[y] = !b.isNew[y] && !b.stay[y] && !b.wasMove[y]
		}
	}
	return ok
}

// order sorts newcomers: those with the fewest circles to go to directly choose first, then
// those with the fewest circles meeting at their times, as others are less likely to need
// the same seat. Ties keep the caller's order.
func (b *backfill) order(fresh []int32) {
	type options struct{ direct, meet int }
	opt := make(map[int32]options, len(fresh))
	for _, x := range fresh {
		var o options
		for g, c := range b.cs {
			if len(c.mem) > 0 && b.meets(g, x) {
				o.meet++
				if _, ok := b.fitsIn(g, x, -1); ok {
					o.direct++
				}
			}
		}
		opt[x] = o
	}
	slices.SortStableFunc(fresh, func(a, c int32) int {
		return cmp.Or(cmp.Compare(opt[a].direct, opt[c].direct), cmp.Compare(opt[a].meet, opt[c].meet))
	})
}

// round tries each person of pending in turn: a seat as the circles stand, else (when
// movable is set) a seat freed by moving one person movable allows. It returns those left.
func (b *backfill) round(ctx context.Context, pending []int32, movable []bool) ([]int32, error) {
	var left []int32
	for _, x := range pending {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if g := b.direct(x); g >= 0 {
			b.md.apply(b.cs[g], -1, x)
			continue
		}
		if movable != nil {
			if g, y, h := b.chain(x, movable); g >= 0 {
				b.md.apply(b.cs[g], y, x)
				b.md.apply(b.cs[h], -1, y)
				if !b.isNew[y] {
					b.wasMove[y], movable[y] = true, false
					b.moved = append(b.moved, int(y))
				}
				continue
			}
		}
		left = append(left, x)
	}
	return left, nil
}

// shortBonus makes a circle short of the minimum win over any gain of score.
func (b *backfill) shortBonus(g int) float64 {
	if len(b.cs[g].mem) < b.md.s.Min {
		return 4 * hardPenalty
	}
	return 0
}

// direct returns the circle with room where x fits best (short circles first), or −1.
func (b *backfill) direct(x int32) int {
	best, bestD := -1, math.Inf(-1)
	for g := range b.cs {
		st, ok := b.fitsIn(g, x, -1)
		if !ok {
			continue
		}
		if d := b.gain(g, st) + b.shortBonus(g); d > bestD {
			best, bestD = g, d
		}
	}
	return best
}

// chain finds the best single move making room for x: x joins circle g in place of y (one
// movable allows), who moves to circle h with room where y fits. g is −1 when there is none.
func (b *backfill) chain(x int32, movable []bool) (g int, y int32, h int) {
	g, y, h = -1, -1, -1
	bestD := math.Inf(-1)
	for gi, c := range b.cs {
		if len(c.mem) == 0 || (b.fixed[gi] != nil && !b.canMake(gi, x)) {
			continue
		}
		for _, yi := range c.mem {
			if !movable[yi] {
				continue
			}
			sg, ok := b.fitsIn(gi, x, yi)
			if !ok {
				continue
			}
			dg := b.gain(gi, sg)
			for hi := range b.cs {
				if hi == gi {
					continue
				}
				sh, ok := b.fitsIn(hi, yi, -1)
				if !ok {
					continue
				}
				if d := dg + b.gain(hi, sh) + b.shortBonus(hi); d > bestD {
					g, y, h, bestD = gi, yi, hi, d
				}
			}
		}
	}
	return g, y, h
}

// fitsIn reports whether x can join circle g in place of out (−1: nobody leaves) and returns
// the circle's stats then. x must keep to the circle's slot (its fixed slot, else some slot
// common to all) and may bring no broken hard constraint the circle does not have already.
func (b *backfill) fitsIn(g int, x, out int32) (stats, bool) {
	c, md := b.cs[g], b.md
	size := len(c.mem)
	if out >= 0 {
		size--
	}
	if len(c.mem) == 0 || size >= md.s.Max {
		return stats{}, false
	}
	fixed := b.fixed[g] != nil
	switch {
	case fixed && !b.canMake(g, x):
		return stats{}, false
	case !fixed && out < 0 && !meets(&c.common, &md.slots[x]):
		return stats{}, false
	}
	st := md.after(c, out, x)
	if !fixed && st.noSlot {
		return stats{}, false
	}
	base := c.st
	if out >= 0 {
		base = md.after(c, out, -1)
	}
	if b.broken(&st) > b.broken(&base) {
		return stats{}, false
	}
	return st, true
}

// broken counts a circle's broken hard constraints other than the slot, which fitsIn checks.
func (b *backfill) broken(st *stats) int {
	v := b.md.violations(st)
	if st.noSlot {
		v--
	}
	return v
}

// gain is the change of circle g's objective if its stats became st. A circle with a fixed
// slot is not scored on a common slot of the reference zone: its time is settled.
func (b *backfill) gain(g int, st stats) float64 {
	return b.objective(g, st) - b.objective(g, b.cs[g].st)
}

func (b *backfill) objective(g int, st stats) float64 {
	if b.fixed[g] != nil {
		st.noSlot = false
	}
	return b.md.objective(&st)
}

// meets reports whether x can make circle g's meeting time as the circle stands.
func (b *backfill) meets(g int, x int32) bool {
	if b.fixed[g] != nil {
		return b.canMake(g, x)
	}
	return meets(&b.cs[g].common, &b.md.slots[x])
}

// canMake reports whether x can make circle g's fixed slot on every week of the range.
func (b *backfill) canMake(g int, x int32) bool {
	fx := b.fixed[g]
	set := b.slotsIn(fx.Zone, x)
	if set.Has(fx.Slot) {
		return true
	}
	if fx.Slot.Start%schedule.Step == 0 {
		return false
	}
	return b.offGrid(g, x)
}

// slotsIn returns x's feasible slots named in loc (nil: the reference zone).
func (b *backfill) slotsIn(loc *time.Location, x int32) *schedule.SlotSet {
	md := b.md
	if loc == nil || loc.String() == md.plan.Ref().String() {
		return &md.slots[x]
	}
	z := b.zones[loc.String()]
	if z == nil {
		// The model's plan was made from the same range and length, so this cannot fail.
		plan, err := schedule.NewPlan(loc, md.s.Range, md.s.Minutes)
		if err != nil {
			return &schedule.SlotSet{}
		}
		z = &zone{plan: plan, sets: make([]schedule.SlotSet, md.n), done: make([]bool, md.n)}
		b.zones[loc.String()] = z
	}
	if !z.done[x] {
		z.sets[x] = z.plan.Slots(md.people[x].Week, md.people[x].Zone)
		z.done[x] = true
	}
	return &z.sets[x]
}

// offGrid checks a fixed slot off the 15-minute grid (set by hand, like "Tue 15:10")
// meeting by meeting: each must lie inside x's availability on their own clock.
func (b *backfill) offGrid(g int, x int32) bool {
	occ, ok := b.occ[g]
	if !ok {
		ref := b.fixed[g].Zone
		if ref == nil {
			ref = b.md.plan.Ref()
		}
		occ = schedule.Occurrences(b.fixed[g].Slot, ref, b.md.s.Range)
		b.occ[g] = occ
	}
	p := &b.md.people[x]
	own := p.Zone
	if own == nil {
		own = time.UTC
	}
	ivs := weekSpans(p.Week)
	for _, t := range occ {
		lt := t.In(own)
		m := int(lt.Weekday())*24*60 + lt.Hour()*60 + lt.Minute()
		if !covers(ivs, m, b.md.s.Minutes) {
			return false
		}
	}
	return len(occ) > 0
}

// weekSpans turns a week into minute spans from Sunday 00:00 over two weeks, merged where
// they touch, so a meeting may run past midnight or from Saturday into Sunday.
func weekSpans(w schedule.Week) [][2]int {
	const week = 7 * 24 * 60
	var out [][2]int
	for k := 0; k < 2; k++ {
		for _, win := range w {
			from := k*week + int(win.Day)*24*60
			out = append(out, [2]int{from + win.Start, from + win.End})
		}
	}
	slices.SortFunc(out, func(a, c [2]int) int { return cmp.Compare(a[0], c[0]) })
	var merged [][2]int
	for _, iv := range out {
		if n := len(merged); n > 0 && iv[0] <= merged[n-1][1] {
			merged[n-1][1] = max(merged[n-1][1], iv[1])
			continue
		}
		merged = append(merged, iv)
	}
	return merged
}

// covers reports whether a span holds a meeting of d minutes starting at minute m of the week.
func covers(spans [][2]int, m, d int) bool {
	for _, iv := range spans {
		if iv[0] <= m && m+d <= iv[1] {
			return true
		}
	}
	return false
}

// reason says in words why newcomer x fits no circle.
func (b *backfill) reason(x int32) string {
	md := b.md
	if len(md.people[x].Week) == 0 {
		return "no availability given"
	}
	meet, room := false, false
	for g, c := range b.cs {
		if len(c.mem) > 0 && b.meets(g, x) {
			meet = true
			room = room || len(c.mem) < md.s.Max
		}
	}
	switch {
	case !meet && md.slots[x].IsEmpty() && !b.anyFixed():
		return fmt.Sprintf("availability holds no %d-minute weekly window on every week of the program", md.s.Minutes)
	case !meet:
		return "no circle meets at a weekly time they can make"
	case !room && b.noMoves:
		return fmt.Sprintf("every circle meeting at a time they can make is full (at most %d)", md.s.Max)
	case !room:
		return fmt.Sprintf("every circle meeting at a time they can make is full (at most %d), and no member can move to make room", md.s.Max)
	}
	return "every circle meeting at a time they can make is full or holds someone from the same organization or someone they are to be kept apart from"
}

func (b *backfill) anyFixed() bool {
	return slices.ContainsFunc(b.fixed, func(fx *FixedSlot) bool { return fx != nil })
}

// formation writes the circles and the unplaced as a Formation. A circle with a fixed slot
// keeps it rather than the ranked common slots of its members.
func (b *backfill) formation(un []Unplaced) *Formation {
	md := b.md
	for g, fx := range b.fixed {
		if fx != nil {
			// Nothing to rank and no missing common slot to report: the time is settled.
			b.cs[g].common = schedule.SlotSet{}
			b.cs[g].st.noSlot = false
		}
	}
	f := md.formation(b.cs, un)
	for g, fx := range b.fixed {
		if fx == nil {
			continue
		}
		c := &f.Circles[g]
		c.Slots = nil
		if fx.Zone == nil || fx.Zone.String() == md.plan.Ref().String() {
			c.Slots = []schedule.Slot{fx.Slot}
		}
		for _, x := range c.Members {
			if !b.canMake(g, int32(x)) {
				c.Problems = append(c.Problems, fmt.Sprintf("%s cannot make the circle's weekly time, %s.", md.name(x), fx.Slot))
			}
		}
	}
	f.Moved = slices.Sorted(slices.Values(b.moved))
	return f
}
