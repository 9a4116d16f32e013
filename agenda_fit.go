package roundtable

import (
	"slices"
	"strconv"
)

// ShortestMinutes is how short a segment that usually lasts n minutes may
// become when an agenda is fitted into a shorter meeting: two thirds of its
// usual length, rounded up. Shorter than that, a part stops doing its job,
// so a format that needs more is refused rather than squeezed.
func ShortestMinutes(n int) int {
	if n <= 1 {
		return max(n, 1)
	}
	return (2*n + 2) / 3
}

// FitAgenda plans a format's or template's segments for a meeting (see
// PlanAgenda) and fits them into the minutes the meeting leaves after
// p.Before. When they would run over, every segment is shortened toward
// its ShortestMinutes, the ones with most room the most, so the agenda ends
// on time. name is what the error calls the format; minMinutes is the
// shortest time the format needs at all (Format.MinMinutes, 0 for any).
//
// It returns EINVALID, keyed "format", saying how many minutes the format
// needs, when the meeting leaves fewer than minMinutes or than the
// segments' shortest lengths together. The agenda never runs over.
func FitAgenda(name string, segs []Segment, minMinutes int, p AgendaPlan) ([]Segment, error) {
	out := PlanAgenda(segs, p)
	left := p.Minutes - TotalMinutes(p.Before)
	total, shortest := TotalMinutes(out), 0
	for _, s := range out {
		shortest += ShortestMinutes(s.Minutes)
	}
	need := max(minMinutes, min(total, shortest))
	if need > left {
		return nil, tooLong(name, need, left, p)
	}
	if total <= left {
		return out, nil
	}
	cutSegments(out, total-left)
	return out, nil
}

// cutSegments takes cut minutes off segs, each in proportion to how far it
// may shrink, the remainder one minute at a time from those with most room
// left. The caller makes sure the segments have the room.
func cutSegments(segs []Segment, cut int) {
	room := make([]int, len(segs))
	all := 0
	for i, s := range segs {
		room[i] = s.Minutes - ShortestMinutes(s.Minutes)
		all += room[i]
	}
	if all == 0 {
		return
	}
	done := 0
	for i := range segs {
		take := cut * room[i] / all
		segs[i].Minutes -= take
		room[i] -= take
		done += take
	}
	order := make([]int, len(segs))
	for i := range order {
		order[i] = i
	}
	for done < cut {
		slices.SortStableFunc(order, func(a, b int) int { return room[b] - room[a] })
		i := order[0]
		if room[i] == 0 {
			return
		}
		segs[i].Minutes--
		room[i]--
		done++
	}
}

// tooLong says why a format does not fit the time a meeting leaves it.
func tooLong(name string, need, left int, p AgendaPlan) error {
	var msg string
	switch {
	case len(p.Before) == 0:
		msg = name + " needs at least " + strconv.Itoa(need) + " minutes; this meeting has " + strconv.Itoa(p.Minutes) + "."
	case left <= 0:
		msg = name + " needs at least " + strconv.Itoa(need) + " minutes, and the agenda already fills the meeting's " +
			strconv.Itoa(p.Minutes) + ". Replace the agenda instead, or shorten its parts first."
	default:
		msg = name + " needs at least " + strconv.Itoa(need) + " minutes; the agenda so far leaves " + strconv.Itoa(left) +
			" of the meeting's " + strconv.Itoa(p.Minutes) + ". Replace the agenda instead, or shorten its parts first."
	}
	return &Error{Code: EINVALID, Message: msg, Fields: map[string]string{"format": msg}}
}

// Fit plans the format for a meeting and fits it (see FitAgenda).
func (f Format) Fit(p AgendaPlan) ([]Segment, error) {
	return FitAgenda(f.Name, f.Segments, f.MinMinutes, p)
}
