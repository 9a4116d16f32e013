package schedule

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Plan is the fixed part of a slot search for one circle or program: the
// reference zone in which slots are named, the date range of the meetings and
// the session length. It is safe for concurrent use and caches per member
// zone what does not depend on the member, so keep one Plan for a whole
// cohort.
//
// A slot is feasible for a member when it occurs at least once in the range
// and, on every date of the range that falls on the slot's day, the meeting
// read on the member's wall clock lies inside one of their windows:
//
//   - The reference wall time is turned into an instant by the rule of
//     WallTime (skipped times move later, repeated times are the first).
//   - The member's local start is that instant on their clock; the meeting
//     then covers Minutes minutes of their wall clock from there. (A change
//     of the member's own offset during the meeting itself, which only
//     happens around 02:00 on a change night, is not counted.)
//   - Windows that touch across midnight — "Mon 22:00-24:00" and
//     "Tue 00:00-01:00", or Saturday into Sunday — count as one, so a
//     meeting may run past midnight in the member's zone.
type Plan struct {
	ref     *time.Location
	rng     Range
	minutes int
	lo, hi  int64 // the range as reference wall-clock seconds
	pieces  []piece

	mu   sync.RWMutex
	eras map[zoneKey][]era
}

// zoneKey names a member zone for the era cache. IANA zones are told apart by
// name, since time.LoadLocation returns a new *Location on every call; other
// zones (time.FixedZone, time.Local) by pointer.
type zoneKey struct {
	name string
	loc  *time.Location
}

func keyOf(loc *time.Location) zoneKey {
	name := loc.String()
	if name == "UTC" || strings.Contains(name, "/") {
		return zoneKey{name: name}
	}
	return zoneKey{loc: loc}
}

// NewPlan returns a plan for meetings of minutes minutes in the reference
// zone ref (nil means UTC) on the dates of r. It rejects an empty range and a
// length outside 1–1440 minutes.
func NewPlan(ref *time.Location, r Range, minutes int) (*Plan, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if minutes < 1 || minutes > minutesPerDay {
		return nil, fmt.Errorf("a session lasts 1 to 1440 minutes, not %d", minutes)
	}
	ref = orUTC(ref)
	lo, hi := r.bounds()
	return &Plan{ref: ref, rng: r, minutes: minutes, lo: lo, hi: hi, pieces: pieces(ref, lo, hi), eras: map[zoneKey][]era{}}, nil
}

// Ref returns the reference zone.
func (p *Plan) Ref() *time.Location { return p.ref }

// Range returns the date range.
func (p *Plan) Range() Range { return p.rng }

// Minutes returns the session length.
func (p *Plan) Minutes() int { return p.minutes }

// Slots returns the grid slots feasible for a member with weekly
// availability w in their zone own (nil means UTC), or none when NewPlan
// rejects the arguments. For many members, keep one Plan instead.
func Slots(w Week, own, ref *time.Location, r Range, minutes int) SlotSet {
	p, err := NewPlan(ref, r, minutes)
	if err != nil {
		return SlotSet{}
	}
	return p.Slots(w, own)
}

// Slots returns the grid slots feasible for a member with weekly
// availability w in their zone own (nil means UTC); see Plan for the rule.
func (p *Plan) Slots(w Week, own *time.Location) SlotSet {
	var buf [16]interval
	ivs := intervals(w, buf[:0])
	if len(ivs) == 0 {
		return SlotSet{}
	}
	var occurs, bad SlotSet
	d := int64(p.minutes) * 60
	for _, e := range p.erasFor(orUTC(own)) {
		occ := occurring(e)
		occurs = occurs.Or(occ)
		// The slots whose member-local meeting fits a window in this era:
		// a start x in [ws, we-d] on their clock is x-delta on ours.
		var fit SlotSet
		for _, iv := range ivs {
			first := ceilDiv(iv.from-e.delta, Step*60)
			last := floorDiv(iv.to-d-e.delta, Step*60)
			fit.addCyclic(first, last-first+1)
		}
		bad = bad.Or(occ.AndNot(fit))
	}
	return occurs.AndNot(bad)
}

// occurring returns the grid slots that have a meeting in era e. Grid point g
// is wall time g·15 min; the Unix epoch fell on a Thursday.
func occurring(e era) SlotSet {
	var s SlotSet
	first := ceilDiv(e.from, Step*60)
	last := ceilDiv(e.to, Step*60) - 1
	s.addCyclic(first+4*minutesPerDay/Step, last-first+1)
	return s
}

// erasFor returns the eras of a member zone, computing them once per zone.
func (p *Plan) erasFor(own *time.Location) []era {
	key := keyOf(own)
	p.mu.RLock()
	es, ok := p.eras[key]
	p.mu.RUnlock()
	if ok {
		return es
	}
	es = eras(p.pieces, own, p.lo, p.hi)
	p.mu.Lock()
	p.eras[key] = es
	p.mu.Unlock()
	return es
}

// interval is a span of a member's week in seconds from Sunday 00:00; to may
// pass the end of the week when a window runs from Saturday into Sunday.
type interval struct{ from, to int64 }

// intervals turns a week into merged intervals, joining windows that touch
// across midnight and across Saturday–Sunday. A week that is free all the
// time becomes one interval two weeks long, so every meeting fits. The
// result reuses buf's storage.
func intervals(w Week, buf []interval) []interval {
	ivs := buf[:0]
	for _, win := range w {
		if win.End <= win.Start || win.Start < 0 || win.End > minutesPerDay || win.Day < time.Sunday || win.Day > time.Saturday {
			continue // ParseWeek never makes these; a hand-built Week might
		}
		base := int64(win.Day) * minutesPerDay
		ivs = append(ivs, interval{(base + int64(win.Start)) * 60, (base + int64(win.End)) * 60})
	}
	if len(ivs) == 0 {
		return nil
	}
	slices.SortFunc(ivs, func(a, b interval) int { return cmp.Compare(a.from, b.from) })
	out := ivs[:1]
	for _, iv := range ivs[1:] {
		last := &out[len(out)-1]
		if iv.from <= last.to {
			last.to = max(last.to, iv.to)
			continue
		}
		out = append(out, iv)
	}
	if first, last := out[0], out[len(out)-1]; first.from == 0 && last.to == secondsPerWeek {
		if len(out) == 1 {
			return []interval{{0, 2 * secondsPerWeek}}
		}
		out[len(out)-1].to = secondsPerWeek + first.to
		out = out[1:]
	}
	return out
}
