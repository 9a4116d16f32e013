package schedule

import (
	"fmt"
	"time"
)

// Range is a program's span of calendar dates, both ends included. Only the
// year, month and day of From and To count (as read in each value's own
// location); the convention elsewhere is midnight UTC, as in Program's
// StartDate and EndDate. Dates are not instants: "from 11 January" means the
// meetings on or after 11 January on the wall clock of the reference zone.
type Range struct {
	From, To time.Time
}

// NewRange returns the range of dates from from to to, inclusive.
func NewRange(from, to time.Time) Range { return Range{From: from, To: to} }

// ParseRange reads two dates like "2027-01-11" and "2027-06-28".
func ParseRange(from, to string) (Range, error) {
	f, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return Range{}, fmt.Errorf("%q is not a date like 2027-01-11", from)
	}
	t, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return Range{}, fmt.Errorf("%q is not a date like 2027-06-28", to)
	}
	r := Range{From: f, To: t}
	return r, r.Validate()
}

// Validate reports a range whose end is before its start.
func (r Range) Validate() error {
	if r.days() < 1 {
		return fmt.Errorf("the range ends (%s) before it starts (%s)", r.To.Format(time.DateOnly), r.From.Format(time.DateOnly))
	}
	return nil
}

// String writes the range like "2027-01-11..2027-06-28".
func (r Range) String() string {
	return r.From.Format(time.DateOnly) + ".." + r.To.Format(time.DateOnly)
}

// Dates returns the dates of the range that fall on day, at midnight UTC.
// Recurrences other than weekly (issue 4) pick from these.
func (r Range) Dates(day time.Weekday) []time.Time {
	from := civilDate(r.From)
	n := r.days()
	first := mod(int64(day)-int64(from.Weekday()), 7)
	var out []time.Time
	for d := first; d < n; d += 7 {
		out = append(out, from.AddDate(0, 0, int(d)))
	}
	return out
}

// days is the number of dates in the range (0 or less when it is empty).
func (r Range) days() int64 {
	return (civilSeconds(r.To, 0)-civilSeconds(r.From, 0))/86400 + 1
}

// bounds returns the range as wall-clock seconds [start, end): midnight of
// the first date to midnight after the last, in "wall time as if UTC".
func (r Range) bounds() (int64, int64) {
	return civilSeconds(r.From, 0), civilSeconds(r.To, 0) + 86400
}

// civilDate returns t's calendar date at midnight UTC.
func civilDate(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// civilSeconds is the wall-clock reading "t's date at minute" counted in
// seconds as if it were UTC. Wall clocks of every zone share this timeline;
// subtracting a zone's UTC offset turns a reading into an instant.
func civilSeconds(t time.Time, minute int) int64 {
	return civilDate(t).Unix() + int64(minute)*60
}
