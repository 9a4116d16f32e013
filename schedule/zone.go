package schedule

import (
	"fmt"
	"math"
	"time"
)

// Wall-clock times that a daylight-saving change skips or repeats are read by
// one rule, the one RFC 5545 (iCalendar) gives, so that our meeting times
// agree with the calendar files of issue 4: such a time is read with the UTC
// offset in force just before the change.
//
//   - A skipped time (spring forward) moves later by the size of the jump:
//     01:30 in London on the last Sunday of March is 02:30 BST.
//   - A repeated time (fall back) is its first occurrence: 01:30 in London on
//     the last Sunday of October is 01:30 BST, not 01:30 GMT.
//
// We do not rely on time.Date, whose choice in these cases "is not
// guaranteed" and in fact differs between zones east and west of UTC.

// margin widens searches for zone changes beyond the wall-clock span of
// interest: no UTC offset exceeds ±14 hours, so two days is ample.
const margin = 2 * 86400

// change is one change of a zone's UTC offset, at an instant (Unix seconds).
type change struct {
	at            int64
	before, after int // offsets in seconds east of UTC
}

// changes returns the offset changes of loc in the instants [from, to] and the
// offset in force at from. Changes of name or DST flag alone are skipped.
func changes(loc *time.Location, from, to int64) (int, []change) {
	t := time.Unix(from, 0).In(loc)
	_, first := t.Zone()
	var out []change
	for {
		_, end := t.ZoneBounds()
		if end.IsZero() || !end.After(t) || end.Unix() > to {
			return first, out
		}
		_, before := t.Zone()
		_, after := end.Zone()
		if before != after {
			out = append(out, change{at: end.Unix(), before: before, after: after})
		}
		t = end
	}
}

// Transition is a change of a zone's UTC offset, for writing the zone out
// (calendar files carry their zones' rules).
type Transition struct {
	At            time.Time // the instant of the change
	Before, After int       // offsets in seconds east of UTC
}

// Transitions returns the offset of loc in force at from and the changes of
// offset in [from, to]. Changes of a zone's name or DST flag alone are left out.
func Transitions(loc *time.Location, from, to time.Time) (int, []Transition) {
	first, chs := changes(orUTC(loc), from.Unix(), to.Unix())
	out := make([]Transition, len(chs))
	for i, c := range chs {
		out[i] = Transition{At: time.Unix(c.at, 0).UTC(), Before: c.before, After: c.after}
	}
	return first, out
}

// piece is a span of wall-clock seconds, from its start to the next piece's,
// read with one UTC offset under the rule above.
type piece struct {
	from   int64 // wall-clock seconds; math.MinInt64 for the first piece
	offset int
}

// pieces cuts the wall-clock span [lo, hi) of loc into pieces of constant
// offset. A change at instant T from offset a to b takes effect at wall time
// T+max(a, b): the skipped hour (spring forward) and the repeated hour (fall
// back) both keep the earlier offset.
func pieces(loc *time.Location, lo, hi int64) []piece {
	first, chs := changes(loc, lo-margin, hi+margin)
	out := []piece{{from: math.MinInt64, offset: first}}
	for _, c := range chs {
		out = append(out, piece{from: c.at + int64(max(c.before, c.after)), offset: c.after})
	}
	return out
}

// offsetAt returns the offset of the piece holding wall time w.
func offsetAt(ps []piece, w int64) int {
	off := ps[0].offset
	for _, p := range ps[1:] {
		if p.from > w {
			break
		}
		off = p.offset
	}
	return off
}

// instant returns the instant (Unix seconds) of wall time w in loc under the
// rule above.
func instant(loc *time.Location, w int64) int64 {
	return w - int64(offsetAt(pieces(loc, w, w+1), w))
}

// WallTime returns the instant at which loc's clocks read the given date and
// minute since midnight. A time skipped by a daylight-saving change moves
// later by the jump; a repeated time is its first occurrence (RFC 5545).
func WallTime(date time.Time, minute int, loc *time.Location) time.Time {
	loc = orUTC(loc)
	return time.Unix(instant(loc, civilSeconds(date, minute)), 0).In(loc)
}

// WallTimeNote is WallTime with a sentence for people when loc's clocks skip
// or repeat that time on that date, like "Clocks in Europe/London go forward
// on 28 Mar 2027: 01:30 does not exist that day, so the meeting is at 02:30."
// The note is "" on ordinary days.
func WallTimeNote(date time.Time, minute int, loc *time.Location) (time.Time, string) {
	loc = orUTC(loc)
	w := civilSeconds(date, minute)
	t := WallTime(date, minute, loc)
	first, chs := changes(loc, w-margin, w+margin)
	offsets := []int{first}
	for _, c := range chs {
		offsets = append(offsets, c.after)
	}
	// Count the instants whose wall clock reads w: none when skipped, two when repeated.
	seen := map[int64]bool{}
	for _, o := range offsets {
		u := w - int64(o)
		_, off := time.Unix(u, 0).In(loc).Zone()
		if u+int64(off) == w {
			seen[u] = true
		}
	}
	clock := fmt.Sprintf("%02d:%02d", minute/60, minute%60)
	day := civilDate(date).Format("2 Jan 2006")
	switch {
	case len(seen) == 0:
		return t, fmt.Sprintf("Clocks in %s go forward on %s: %s does not exist that day, so the meeting is at %s.",
			loc, day, clock, t.Format("15:04"))
	case len(seen) > 1:
		return t, fmt.Sprintf("Clocks in %s go back on %s: %s happens twice that day; the meeting is at the first one (%s).",
			loc, day, clock, t.Format("15:04 MST"))
	}
	return t, ""
}

// era is a span of reference wall-clock seconds, from its start to the next
// era's, over which a member's wall clock reads the reference one plus delta
// seconds.
type era struct {
	from, to int64
	delta    int64
}

// eras cuts the reference wall-clock span [lo, hi) into eras of constant
// difference between the member's zone and the reference zone. The offsets
// of both zones are piecewise constant, so a range of years has a handful.
func eras(ref []piece, own *time.Location, lo, hi int64) []era {
	first, chs := changes(own, lo-margin, hi+margin)
	var out []era
	add := func(from, to, delta int64) {
		if from >= to {
			return
		}
		if n := len(out); n > 0 && out[n-1].delta == delta && out[n-1].to == from {
			out[n-1].to = to
			return
		}
		out = append(out, era{from: from, to: to, delta: delta})
	}
	for i, p := range ref {
		a, b := max(p.from, lo), hi
		if i+1 < len(ref) {
			b = min(ref[i+1].from, hi)
		}
		if a >= b {
			continue
		}
		r := int64(p.offset)
		// Within the piece, instants run from a-r to b-r; the member's
		// offset changes at their own zone's changes.
		ownOff, k := int64(first), 0
		for ; k < len(chs) && chs[k].at <= a-r; k++ {
			ownOff = int64(chs[k].after)
		}
		start := a
		for ; k < len(chs) && chs[k].at < b-r; k++ {
			w := chs[k].at + r
			add(start, w, ownOff-r)
			start, ownOff = w, int64(chs[k].after)
		}
		add(start, b, ownOff-r)
	}
	return out
}

func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}
