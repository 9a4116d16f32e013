package roundtable_test

import (
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// Periods of a cadence: months and weeks counted on the calendar of the
// circle's zone, each check-in in the period it was given.
func TestCheckInCadence_Period(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, paris)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		cadence roundtable.CheckInCadence
		a, b    string
		same    bool
	}{
		{roundtable.CheckInMonthly, "2026-03-01 00:30", "2026-03-31 23:59", true},
		{roundtable.CheckInMonthly, "2026-03-31 23:59", "2026-04-01 00:00", false},
		{roundtable.CheckInBimonthly, "2026-01-05 10:00", "2026-02-27 10:00", true},
		{roundtable.CheckInBimonthly, "2026-02-27 10:00", "2026-03-02 10:00", false},
		{roundtable.CheckInQuarterly, "2026-04-01 10:00", "2026-06-30 10:00", true},
		{roundtable.CheckInWeekly, "2026-03-02 08:00", "2026-03-08 23:00", true}, // Monday to Sunday
		{roundtable.CheckInWeekly, "2026-03-08 23:00", "2026-03-09 00:10", false},
		{roundtable.CheckInBiweekly, "2026-03-02 08:00", "2026-03-15 20:00", true},
		{roundtable.CheckInBiweekly, "2026-03-15 20:00", "2026-03-16 08:00", false},
		{roundtable.CheckInCadence("nonsense"), "2026-03-01 00:30", "2026-03-31 23:59", true},
	} {
		pa, pb := c.cadence.Period(at(c.a), paris), c.cadence.Period(at(c.b), paris)
		if (pa == pb) != c.same {
			t.Errorf("%s: %s and %s: got periods %d and %d, want same=%v", c.cadence, c.a, c.b, pa, pb, c.same)
		}
		// A period starts at midnight and holds its own start.
		start := c.cadence.PeriodStart(pb, paris)
		if c.cadence.Period(start, paris) != pb || c.cadence.Period(start.Add(-time.Minute), paris) != pb-1 ||
			start.Hour() != 0 || start.Minute() != 0 {
			t.Errorf("%s: period %d starts %v, which is not its first minute", c.cadence, pb, start)
		}
	}
}

func TestValidateCheckIn(t *testing.T) {
	for name, c := range map[string]struct {
		entries []roundtable.CheckInEntry
		field   string
	}{
		"None":     {nil, "checkin"},
		"Zero":     {[]roundtable.CheckInEntry{{GoalID: "g", Rating: 0}}, "rating-g"},
		"Six":      {[]roundtable.CheckInEntry{{GoalID: "g", Rating: 6}}, "rating-g"},
		"LongLine": {[]roundtable.CheckInEntry{{GoalID: "g", Rating: 3, Reflection: string(make([]rune, 301))}}, "reflection-g"},
	} {
		err := roundtable.ValidateCheckIn(c.entries)
		if _, ok := roundtable.ErrorFields(err)[c.field]; !ok {
			t.Errorf("%s: got %v, want a problem with %s", name, err, c.field)
		}
	}
	if err := roundtable.ValidateCheckIn([]roundtable.CheckInEntry{{GoalID: "g", Rating: 5, Reflection: "Good"}}); err != nil {
		t.Errorf("a good check-in: got %v, want none", err)
	}
}
