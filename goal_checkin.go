package roundtable

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CheckInCadence is how often a program's members check in on their goals:
// every one or two weeks, or every one, two or three months.
type CheckInCadence string

// Cadences of goal check-ins.
const (
	CheckInWeekly         CheckInCadence = "1w"
	CheckInBiweekly       CheckInCadence = "2w"
	CheckInMonthly        CheckInCadence = "1m"
	CheckInBimonthly      CheckInCadence = "2m"
	CheckInQuarterly      CheckInCadence = "3m"
	DefaultCheckInCadence                = CheckInMonthly
)

// CheckInCadences lists the cadences in the order the program form shows them.
var CheckInCadences = []CheckInCadence{CheckInWeekly, CheckInBiweekly, CheckInMonthly, CheckInBimonthly, CheckInQuarterly}

// Valid reports whether c is a known cadence.
func (c CheckInCadence) Valid() bool {
	for _, k := range CheckInCadences {
		if k == c {
			return true
		}
	}
	return false
}

// Label names the cadence for people.
func (c CheckInCadence) Label() string {
	switch c {
	case CheckInWeekly:
		return "Every week"
	case CheckInBiweekly:
		return "Every two weeks"
	case CheckInMonthly:
		return "Every month"
	case CheckInBimonthly:
		return "Every two months"
	case CheckInQuarterly:
		return "Every three months"
	}
	return string(c)
}

// Noun says how long one period is, as in "this month".
func (c CheckInCadence) Noun() string {
	switch c {
	case CheckInWeekly:
		return "week"
	case CheckInBiweekly:
		return "fortnight"
	case CheckInBimonthly:
		return "two months"
	case CheckInQuarterly:
		return "quarter"
	}
	return "month"
}

// every returns how many units one period spans and whether the unit is
// the month (else the week); an unknown cadence counts as monthly.
func (c CheckInCadence) every() (int, bool) {
	if !c.Valid() {
		c = DefaultCheckInCadence
	}
	n, _ := strconv.Atoi(string(c[:1]))
	return n, strings.HasSuffix(string(c), "m")
}

// epochMonday is the Monday weekly periods are counted from.
var epochMonday = time.Date(1970, 1, 5, 0, 0, 0, 0, time.UTC)

// Period returns the number of the period t falls in, on the calendar of
// loc: months are counted from January of year 0, weeks from a Monday. Two
// check-ins on a goal in the same period are one: the later replaces it.
func (c CheckInCadence) Period(t time.Time, loc *time.Location) int {
	n, months := c.every()
	t = t.In(loc)
	if months {
		return (t.Year()*12 + int(t.Month()) - 1) / n
	}
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	days := int(day.Sub(epochMonday).Hours() / 24)
	if days < 0 {
		days -= 7*n - 1
	}
	return days / (7 * n)
}

// PeriodStart returns when period p begins, midnight in loc.
func (c CheckInCadence) PeriodStart(p int, loc *time.Location) time.Time {
	n, months := c.every()
	if months {
		m := p * n
		return time.Date(m/12, time.Month(m%12+1), 1, 0, 0, 0, 0, loc)
	}
	d := epochMonday.AddDate(0, 0, p*7*n)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
}

// Check-in limits.
const (
	MinRating            = 1
	MaxRating            = 5
	MaxCheckInReflection = 300 // one line of reflection
)

// RatingLabel says what a rating of progress means.
func RatingLabel(r int) string {
	switch r {
	case 1:
		return "No progress yet"
	case 2:
		return "A little progress"
	case 3:
		return "Some progress"
	case 4:
		return "Good progress"
	case 5:
		return "Reached or nearly"
	}
	return ""
}

// GoalCheckIn is a member's rating of her progress on one goal, 1 to 5,
// with a line of reflection. It is circle content.
type GoalCheckIn struct {
	ID         string
	GoalID     string
	CircleID   string
	UserID     string
	Rating     int
	Reflection string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// GoalTimeline is one goal with its check-ins, oldest first. Due is set
// when the goal has no check-in in the current period.
type GoalTimeline struct {
	Goal     *Goal
	CheckIns []*GoalCheckIn
	Due      bool
}

// Latest returns the goal's latest check-in, or nil.
func (g *GoalTimeline) Latest() *GoalCheckIn {
	if len(g.CheckIns) == 0 {
		return nil
	}
	return g.CheckIns[len(g.CheckIns)-1]
}

// CheckInPage is one member's goals over time in one circle.
type CheckInPage struct {
	Circle  *Circle
	Owner   *CircleMember // whose goals these are
	Mine    bool          // the reader is their owner
	Shared  bool          // their owner shows them to the circle
	Cadence CheckInCadence
	Goals   []*GoalTimeline
	// NextPeriod is when the next period begins: a check-in now counts for
	// the current one until then.
	NextPeriod time.Time
}

// CheckInEntry is one goal's rating and reflection as a member gives them.
type CheckInEntry struct {
	GoalID     string
	Rating     int
	Reflection string
}

// ValidateCheckIn checks a check-in: each entry rated 1–5 with a
// reflection of at most one line's length (field keys rating-GOALID and
// reflection-GOALID), and at least one entry (field "checkin").
func ValidateCheckIn(entries []CheckInEntry) error {
	var v Problems
	for _, e := range entries {
		if e.Rating < MinRating || e.Rating > MaxRating {
			v.Add("rating-"+e.GoalID, "Choose how far you have come, from 1 to 5.")
		}
		if utf8.RuneCountInString(e.Reflection) > MaxCheckInReflection {
			v.Add("reflection-"+e.GoalID, "Use at most 300 characters.")
		}
	}
	if len(entries) == 0 {
		v.Add("checkin", "Rate your progress on at least one goal.")
	}
	return v.Err()
}

// CheckInService keeps members' check-ins on their goals.
type CheckInService interface {
	// FindCheckIns returns a member's goals in a circle with their
	// check-ins. A member always sees her own; another member of the
	// circle (who accepted its rules) sees them only while their owner
	// shares them. ENOTFOUND for anybody else, organizers included;
	// EGROUNDRULES when the caller has not accepted the rules.
	FindCheckIns(ctx context.Context, circleID, userID string) (*CheckInPage, error)

	// CheckIn records the caller's ratings of her goals in a circle, one
	// per goal; one given in the same period of the program's cadence as
	// an earlier one replaces it. EINVALID (see ValidateCheckIn) for bad
	// ratings or a goal that is not hers; ENOTFOUND outside the circle.
	CheckIn(ctx context.Context, circleID string, entries []CheckInEntry) error

	// ShareCheckIns shows the caller's check-ins in a circle to its members,
	// or stops showing them. ENOTFOUND outside the circle.
	ShareCheckIns(ctx context.Context, circleID string, share bool) error
}
