package roundtable

import (
	"context"
	"strings"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// Series is a circle's meeting rhythm for the whole program: a weekly slot in
// the circle's time zone and a cadence. Every meeting of the series is
// anchored in the circle's zone, so a meeting at 15:00 London stays at 15:00
// London across daylight-saving changes and each member's own time follows.
type Series struct {
	CircleID string
	// Slot is the weekday and start in the circle's zone, like "Tue 15:00".
	Slot    string
	Cadence Cadence
	// Nth is, for monthly cadences, which weekday of the month: 1…4, or -1
	// for the last; 0 takes it from the first meeting's date. Weekly
	// cadences have 0.
	Nth      int
	Minutes  int
	VideoURL string
	Place    string

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Rule returns the series' recurrence.
func (s *Series) Rule() schedule.Rule {
	switch s.Cadence {
	case Biweekly:
		return schedule.Rule{Freq: schedule.Weekly, Interval: 2}
	case Monthly:
		return schedule.Rule{Freq: schedule.Monthly, Interval: 1, Nth: s.Nth}
	case Bimonthly:
		return schedule.Rule{Freq: schedule.Monthly, Interval: 2, Nth: s.Nth}
	}
	return schedule.Rule{Freq: schedule.Weekly, Interval: 1}
}

// Monthly reports whether the series meets on a weekday of the month.
func (s *Series) Monthly() bool { return s.Cadence == Monthly || s.Cadence == Bimonthly }

// Phrase writes the rhythm like "every two weeks on Tuesday at 15:00" or
// "the second Tuesday of every month at 15:00"; "" when the slot is unreadable.
func (s *Series) Phrase() string {
	sl, err := schedule.ParseSlot(s.Slot)
	if err != nil {
		return ""
	}
	clock := sl.String()[4:]
	if s.Monthly() {
		return s.Rule().Phrase(sl.Day) + " at " + clock
	}
	return s.Rule().Phrase(sl.Day) + " on " + schedule.DayName(sl.Day) + " at " + clock
}

// Validate checks a series' own fields (keys slot, cadence, nth, minutes,
// video_url, place) and normalises the slot's text. Whether the program's
// dates hold any meeting is checked when the meetings are made.
func (s *Series) Validate() error {
	var v Problems
	sl, err := schedule.ParseSlot(strings.TrimSpace(s.Slot))
	if err != nil {
		v.Add("slot", "Choose a day and a start time, like Tuesday at 15:00.")
	} else {
		s.Slot = sl.String()
	}
	if !s.Cadence.Valid() {
		v.Add("cadence", "Choose how often the circle meets.")
	}
	if !s.Monthly() {
		s.Nth = 0
	} else if !v.Has("cadence") {
		if err := s.Rule().Validate(); err != nil {
			v.Add("nth", Sentence(err.Error()))
		}
	}
	validateLengthAndPlace(&v, s.Minutes, &s.VideoURL, &s.Place)
	return v.Err()
}

// Sentence capitalises a message and ends it with a full stop.
func Sentence(msg string) string {
	msg = strings.TrimSpace(msg)
	if msg == "" {
		return ""
	}
	msg = strings.ToUpper(msg[:1]) + msg[1:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// SeriesDate is one meeting of a series: when it starts and, on a day when
// daylight saving skips or repeats the slot's time, how that was read.
type SeriesDate struct {
	StartsAt time.Time
	TimeNote string
	// New marks a meeting that is made for this date. Existing is the
	// meeting on this date: one already there or moved to it, or, once
	// made, the new one. Was is a moved meeting's time before.
	New      bool
	Existing string
	Was      time.Time
}

// SeriesPreview is what making or changing a series would do.
type SeriesPreview struct {
	Series *Series
	From   time.Time // the first date it applies to, at midnight UTC
	Dates  []SeriesDate
	// Cancelled are meetings of the old series that have no date in the new
	// one and are cancelled.
	Cancelled []*Meeting
	// Format names the program's default format, whose agenda every new
	// meeting starts with, fitted to it; "" when they start without one.
	// FormatNote says why the format does not fit these meetings, which
	// then start without an agenda.
	Format, FormatNote string
}

// Counts returns how many dates are new meetings, moved meetings and
// meetings that stay.
func (p *SeriesPreview) Counts() (created, moved, kept int) {
	for _, d := range p.Dates {
		switch {
		case d.New:
			created++
		case !d.Was.IsZero():
			moved++
		default:
			kept++
		}
	}
	return created, moved, kept
}

// SlotOption is a weekly time the circle could meet at, with each person's
// own time, for the facilitator to choose from.
type SlotOption struct {
	Slot   string // in the circle's zone, like "Tue 15:00"
	Circle bool   // the time the circle was formed with
	Local  []LocalSlot
	// Fits reports that every member's availability holds it.
	Fits bool
}

// LocalSlot is a slot on one person's clock over the program, like
// "Tue 10:00, 11:00 from 16 Mar 2027".
type LocalSlot struct {
	Name string
	Zone string
	Time string
	// Outside reports that the person's availability does not hold the
	// slot (false when they gave none).
	Outside bool
}

// SeriesSetup is what the facilitator needs to set up or change a series.
type SeriesSetup struct {
	Circle  *Circle
	Program *Program
	Series  *Series // nil before the series is set up
	Options []*SlotOption
	// Meetings counts the series' meetings still to come.
	Meetings int
}

// SeriesService makes and changes a circle's meeting series. Facilitators of
// the circle only: ENOTFOUND for anyone outside it, EFORBIDDEN for members.
type SeriesService interface {
	// FindSeries returns the circle's series, or ENOTFOUND when it has none.
	// Members and facilitator.
	FindSeries(ctx context.Context, circleID string) (*Series, error)

	// FindSeriesSetup returns the circle, its program, its series if any and
	// the weekly times to choose from: the circle's own and the best of its
	// members' common availability, each in every person's own time.
	FindSeriesSetup(ctx context.Context, circleID string) (*SeriesSetup, error)

	// PreviewSeries returns the meetings that CreateSeries (from is zero) or
	// ChangeSeries would make, without making them. EINVALID for bad
	// fields, a cadence no date of the program follows, or a from date
	// outside the program.
	PreviewSeries(ctx context.Context, s *Series, from time.Time) (*SeriesPreview, error)

	// CreateSeries makes every meeting of the series in the program's dates
	// that is still to come, with invitations and reminders. ECONFLICT when
	// the circle has a series already.
	CreateSeries(ctx context.Context, s *Series) (*SeriesPreview, error)

	// ChangeSeries rewrites the series' meetings on and after the date from
	// (and after now): meetings whose date stays keep their agenda and
	// content, moved ones are updated with a raised sequence, meetings with
	// no place in the new rhythm are cancelled and new dates get new
	// meetings. A meeting cancelled by hand stays cancelled. ENOTFOUND when
	// there is no series.
	ChangeSeries(ctx context.Context, s *Series, from time.Time) (*SeriesPreview, error)
}
