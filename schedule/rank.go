package schedule

import (
	"slices"
	"sort"
	"time"
)

// Member is one person's weekly availability in their own zone (nil means
// UTC), for ranking a group's common slots.
type Member struct {
	Week Week
	Zone *time.Location
}

// Ranked is a slot with what made its place in the ranking, each measured in
// the worst week of the range.
type Ranked struct {
	Slot Slot
	// Margin is the fewest minutes between the meeting and the edge of the
	// window holding it, over members; -1 when it does not fit someone.
	Margin int
	// OffHours counts member-minutes of meeting outside 08:00–20:00 on each
	// member's own clock.
	OffHours int
	// Weekend counts members for whom the meeting starts on a Saturday or
	// Sunday of their own.
	Weekend int
	// Cost orders the slots, lowest first: OffHours, plus twice each member's
	// shortfall of margin below 60 minutes, plus 60 per weekend member;
	// a slot that does not fit someone costs 1,000,000 more.
	Cost int
}

const (
	dayStart    = 8 * 3600  // seconds: the member's day begins
	dayEnd      = 20 * 3600 // and ends
	easyMargin  = 60        // minutes of margin that need no more
	weekendCost = 60
	misfitCost  = 1_000_000
)

// Rank returns the slots feasible for every member, best first (see
// Ranked.Cost; ties go to the greater margin, then to the earlier slot of a
// week that starts on Monday).
func (p *Plan) Rank(members []Member) []Ranked {
	common := AllSlots()
	for _, m := range members {
		common = common.And(p.Slots(m.Week, m.Zone))
	}
	return p.RankSet(common, members)
}

// RankSet orders the slots of common for the members, as Rank does, when the
// caller already holds their common set.
func (p *Plan) RankSet(common SlotSet, members []Member) []Ranked {
	out := make([]Ranked, 0, common.Count())
	common.Each(func(s Slot) bool {
		out = append(out, Ranked{Slot: s, Margin: minutesPerWeek})
		return true
	})
	d := int64(p.minutes) * 60
	for _, m := range members {
		ivs := intervals(m.Week, nil)
		es := p.erasFor(orUTC(m.Zone))
		for i := range out {
			r := &out[i]
			margin, off, weekend := p.fit(r.Slot, es, ivs, d)
			r.Margin = min(r.Margin, margin)
			r.OffHours += off
			cost := off + 2*max(0, easyMargin-margin)
			if weekend {
				r.Weekend++
				cost += weekendCost
			}
			if margin < 0 {
				cost += misfitCost
			}
			r.Cost += cost
		}
	}
	for i := range out {
		if out[i].Margin == minutesPerWeek { // no members
			out[i].Margin = 0
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Cost != b.Cost {
			return a.Cost < b.Cost
		}
		if a.Margin != b.Margin {
			return a.Margin > b.Margin
		}
		return mondayFirst(a.Slot) < mondayFirst(b.Slot)
	})
	return out
}

// fit measures slot s for one member over the eras in which it occurs:
// the least margin in minutes (-1 if it does not fit), the most minutes
// outside the member's day, and whether it ever starts on their weekend.
func (p *Plan) fit(s Slot, es []era, ivs []interval, d int64) (margin, off int, weekend bool) {
	margin = minutesPerWeek
	target := int64(s.minuteOfWeek()) * 60
	for _, e := range es {
		w := e.from + mod(target-(e.from+4*86400), secondsPerWeek)
		if w >= e.to {
			continue // no meeting of this slot in the era
		}
		x := mod(target+e.delta, secondsPerWeek) // member's seconds from Sunday
		m := -1
		for _, iv := range ivs {
			for _, y := range [2]int64{x, x + secondsPerWeek} {
				if y >= iv.from && y+d <= iv.to {
					m = max(m, int(min(y-iv.from, iv.to-y-d)/60))
				}
			}
		}
		margin = min(margin, m)
		off = max(off, int((d-daytime(x, d))/60))
		if day := x / 86400; day == int64(time.Sunday) || day == int64(time.Saturday) {
			weekend = true
		}
	}
	return margin, off, weekend
}

// daytime returns the seconds of [x, x+d) that fall between dayStart and
// dayEnd of some day; x is in the first week, d at most a day.
func daytime(x, d int64) int64 {
	var n int64
	for k := x / 86400; k <= (x+d)/86400; k++ {
		lo, hi := max(x, k*86400+dayStart), min(x+d, k*86400+dayEnd)
		if hi > lo {
			n += hi - lo
		}
	}
	return n
}

// mondayFirst orders slots in a week that starts on Monday.
func mondayFirst(s Slot) int { return (int(s.Day)+6)%7*minutesPerDay + s.Start }

// Apart returns up to n of ranked, best first, leaving out each slot that
// starts on the same day within gap minutes of a slot already kept or of one
// in taken: a choice between 16:15, 16:30 and 16:45 is no choice.
func Apart(ranked []Ranked, taken []Slot, gap, n int) []Ranked {
	kept := append([]Slot(nil), taken...)
	var out []Ranked
	for _, r := range ranked {
		if len(out) >= n {
			break
		}
		near := func(k Slot) bool { return k.Day == r.Slot.Day && abs(k.Start-r.Slot.Start) < gap }
		if !slices.ContainsFunc(kept, near) {
			kept = append(kept, r.Slot)
			out = append(out, r)
		}
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
