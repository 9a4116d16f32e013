package schedule

import "time"

// Recurrence today is weekly: a circle meets on every date of the program
// that falls on its slot's day. Other cadences (every two weeks, "second
// Tuesday", issue 4) choose a subset of Range.Dates and turn each date into
// an instant with At; the feasibility of a slot (Plan.Slots) checks every
// week, which is never less strict than a sparser cadence.

// At returns the instant of the slot on date's calendar day in ref (nil means
// UTC), whatever weekday that is, by the rule of WallTime.
func (s Slot) At(ref *time.Location, date time.Time) time.Time {
	return WallTime(date, s.Start, ref)
}

// Next returns the instant of the first meeting on or after the calendar
// date of on.
func (s Slot) Next(ref *time.Location, on time.Time) time.Time {
	d := civilDate(on)
	return s.At(ref, d.AddDate(0, 0, int(mod(int64(s.Day)-int64(d.Weekday()), 7))))
}

// Occurrences returns the instants of the weekly meetings of slot in ref on
// the dates of r, in ref's location.
func Occurrences(slot Slot, ref *time.Location, r Range) []time.Time {
	dates := r.Dates(slot.Day)
	if len(dates) == 0 {
		return nil
	}
	ref = orUTC(ref)
	lo, hi := r.bounds()
	ps := pieces(ref, lo, hi)
	out := make([]time.Time, len(dates))
	for i, d := range dates {
		w := civilSeconds(d, slot.Start)
		out[i] = time.Unix(w-int64(offsetAt(ps, w)), 0).In(ref)
	}
	return out
}

// Local returns the member's weekday and minutes since midnight, in own, for
// the first meeting of slot on or after the date of on.
func (s Slot) Local(ref, own *time.Location, on time.Time) (time.Weekday, int) {
	t := s.Next(ref, on).In(orUTC(own))
	return t.Weekday(), t.Hour()*60 + t.Minute()
}
