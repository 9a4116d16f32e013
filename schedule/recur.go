package schedule

import (
	"errors"
	"fmt"
	"time"
)

// A circle's meetings are a series: a weekly slot (a weekday and a wall-clock
// time in the circle's reference zone) and a Rule saying which of the slot's
// dates in the program's range hold a meeting. Every meeting is anchored in the
// reference zone's wall clock, so a meeting at 15:00 London stays at 15:00
// London across daylight-saving changes, and each member's local time follows
// from it (see LocalTimes). The feasibility of a slot (Plan.Slots) checks every
// week, which is never less strict than a sparser rule.

// Freq is the unit a Rule repeats in.
type Freq int

// Frequencies of a rule.
const (
	Weekly  Freq = iota // every Interval weeks
	Monthly             // the Nth weekday of every Interval months
)

// Rule is how often a series repeats.
type Rule struct {
	Freq     Freq
	Interval int // every Interval weeks or months, 1…MaxInterval; 0 reads as 1
	// Nth is, for Monthly, which weekday of the month: 1…4, or -1 for the
	// last. 0 takes it from the first meeting's date: the 9th is the second
	// Tuesday, the 29th the last.
	Nth int
}

// MaxInterval bounds Rule.Interval: a circle meets at least once a year.
const MaxInterval = 12

// Validate reports a rule no series can follow, in words for facilitators.
func (r Rule) Validate() error {
	unit := "weeks"
	if r.Freq == Monthly {
		unit = "months"
	}
	switch {
	case r.Freq != Weekly && r.Freq != Monthly:
		return errors.New("choose weekly or monthly meetings")
	case r.Interval < 0 || r.Interval > MaxInterval:
		return fmt.Errorf("meet every 1 to %d %s", MaxInterval, unit)
	case r.Freq == Weekly && r.Nth != 0:
		return errors.New("a weekly series has no week of the month")
	case r.Nth == 5:
		return errors.New("most months have no fifth weekday: choose the last one instead")
	case r.Nth < -1 || r.Nth > 4:
		return errors.New("choose the first, second, third, fourth or last weekday of the month")
	}
	return nil
}

func (r Rule) every() int { return max(1, r.Interval) }

// Dates returns the dates of rng on weekday day that hold a meeting, at
// midnight UTC. A weekly rule starts on the first such date of the range; a
// monthly one in the range's first month that has its weekday. It returns an
// error for an invalid rule and when no date of the range qualifies.
func (r Rule) Dates(day time.Weekday, rng Range) ([]time.Time, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	all := rng.Dates(day)
	var out []time.Time
	switch r.Freq {
	case Weekly:
		for i := 0; i < len(all); i += r.every() {
			out = append(out, all[i])
		}
	case Monthly:
		nth := r.Nth
		if nth == 0 && len(all) > 0 {
			nth = NthOfMonth(all[0])
		}
		var first time.Time
		for _, d := range all {
			if !onNth(d, nth) {
				continue
			}
			if first.IsZero() {
				first = d
			}
			if months(first, d)%r.every() == 0 {
				out = append(out, d)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no %s in %s is %s", DayName(day), rng, r.Phrase(day))
	}
	return out, nil
}

// NthOfMonth is the week-of-month rule that date follows: 1…4, or -1 when it
// is the last of its weekday in its month (the 29th to the 31st are always the
// last; the 22nd to the 28th are the fourth).
func NthOfMonth(date time.Time) int {
	d := date.Day()
	if d > 28 {
		return -1
	}
	return (d-1)/7 + 1
}

// onNth reports whether date is the nth of its weekday in its month.
func onNth(date time.Time, nth int) bool {
	if nth == -1 {
		return date.AddDate(0, 0, 7).Month() != date.Month()
	}
	return (date.Day()-1)/7+1 == nth
}

// months counts calendar months from a's to b's.
func months(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// Series returns the instants of a series' meetings: slot in ref on the dates
// rule picks from rng, each read by WallTime's rule on daylight-saving days.
func Series(slot Slot, ref *time.Location, rng Range, rule Rule) ([]time.Time, error) {
	dates, err := rule.Dates(slot.Day, rng)
	if err != nil {
		return nil, err
	}
	return instants(dates, slot.Start, ref, rng), nil
}

// Occurrences returns the instants of the weekly meetings of slot in ref on
// the dates of r, in ref's location.
func Occurrences(slot Slot, ref *time.Location, r Range) []time.Time {
	return instants(r.Dates(slot.Day), slot.Start, ref, r)
}

// instants reads minute on each date (all within r) on ref's wall clock, by
// WallTime's rule, finding ref's offset changes over r once.
func instants(dates []time.Time, minute int, ref *time.Location, r Range) []time.Time {
	if len(dates) == 0 {
		return nil
	}
	ref = orUTC(ref)
	lo, hi := r.bounds()
	ps := pieces(ref, lo, hi)
	out := make([]time.Time, len(dates))
	for i, d := range dates {
		w := civilSeconds(d, minute)
		out[i] = time.Unix(w-int64(offsetAt(ps, w)), 0).In(ref)
	}
	return out
}

var ordinals = map[int]string{1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}

var counts = map[int]string{2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
	9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}

// Phrase writes the rule for a series on weekday day, like "every week",
// "every two weeks", "the second Tuesday of every month" or "the last
// Thursday of every two months". A monthly rule with Nth 0 reads "the same
// Tuesday of every month".
func (r Rule) Phrase(day time.Weekday) string {
	n := r.every()
	unit := "week"
	if r.Freq == Monthly {
		unit = "month"
	}
	every := "every " + unit
	if n > 1 {
		every = "every " + counts[n] + " " + unit + "s"
	}
	if r.Freq == Weekly {
		return every
	}
	which, ok := ordinals[r.Nth]
	if !ok {
		which = "same"
	}
	return "the " + which + " " + DayName(day) + " of " + every
}

// DayName is the weekday's English name, "Tuesday".
func DayName(d time.Weekday) string { return d.String() }

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

// Local returns the member's weekday and minutes since midnight, in own, for
// the first meeting of slot on or after the date of on.
func (s Slot) Local(ref, own *time.Location, on time.Time) (time.Weekday, int) {
	t := s.Next(ref, on).In(orUTC(own))
	return t.Weekday(), t.Hour()*60 + t.Minute()
}
