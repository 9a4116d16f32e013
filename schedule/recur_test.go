package schedule_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

func TestRule_Dates(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rule     schedule.Rule
		day      time.Weekday
		from, to string
		want     string // dates, space-separated
	}{
		{"Weekly", schedule.Rule{}, time.Tuesday, "2027-01-11", "2027-02-10",
			"2027-01-12 2027-01-19 2027-01-26 2027-02-02 2027-02-09"},
		{"EveryTwoWeeks", schedule.Rule{Interval: 2}, time.Tuesday, "2027-01-11", "2027-03-10",
			"2027-01-12 2027-01-26 2027-02-09 2027-02-23 2027-03-09"},
		{"SecondTuesday", schedule.Rule{Freq: schedule.Monthly, Nth: 2}, time.Tuesday, "2027-01-11", "2027-06-28",
			"2027-01-12 2027-02-09 2027-03-09 2027-04-13 2027-05-11 2027-06-08"},
		{"NthFromFirstDate", schedule.Rule{Freq: schedule.Monthly}, time.Tuesday, "2027-01-11", "2027-04-30",
			"2027-01-12 2027-02-09 2027-03-09 2027-04-13"},
		{"LastThursday", schedule.Rule{Freq: schedule.Monthly, Nth: -1}, time.Thursday, "2027-01-01", "2027-06-30",
			"2027-01-28 2027-02-25 2027-03-25 2027-04-29 2027-05-27 2027-06-24"},
		{"LastFromA29th", schedule.Rule{Freq: schedule.Monthly}, time.Friday, "2027-01-29", "2027-04-30",
			"2027-01-29 2027-02-26 2027-03-26 2027-04-30"},
		{"EveryTwoMonths", schedule.Rule{Freq: schedule.Monthly, Interval: 2, Nth: 2}, time.Tuesday, "2027-01-01", "2027-12-31",
			"2027-01-12 2027-03-09 2027-05-11 2027-07-13 2027-09-14 2027-11-09"},
		// The first Tuesday of January is before the range: the series starts in February.
		{"StartsInFirstMonthWithTheDay", schedule.Rule{Freq: schedule.Monthly, Interval: 2, Nth: 1}, time.Tuesday, "2027-01-20", "2027-07-31",
			"2027-02-02 2027-04-06 2027-06-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.rule.Dates(tc.day, dates(t, tc.from, tc.to))
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, d := range got {
				s = append(s, d.Format(time.DateOnly))
			}
			if strings.Join(s, " ") != tc.want {
				t.Errorf("got  %s\nwant %s", strings.Join(s, " "), tc.want)
			}
		})
	}
}

func TestRule_Refused(t *testing.T) {
	r := dates(t, "2027-01-11", "2027-06-28")
	for _, tc := range []struct {
		rule schedule.Rule
		rng  schedule.Range
		want string
	}{
		{schedule.Rule{Freq: schedule.Monthly, Nth: 5}, r, "no fifth weekday"},
		{schedule.Rule{Freq: schedule.Monthly, Nth: -2}, r, "first, second, third, fourth or last"},
		{schedule.Rule{Interval: 13}, r, "every 1 to 12 weeks"},
		{schedule.Rule{Freq: schedule.Monthly, Interval: -1}, r, "every 1 to 12 months"},
		{schedule.Rule{Nth: 2}, r, "no week of the month"},
		{schedule.Rule{Freq: 7}, r, "weekly or monthly"},
		{schedule.Rule{}, dates(t, "2027-01-11", "2027-01-13"), "no Friday in 2027-01-11..2027-01-13 is every week"},
		{schedule.Rule{Freq: schedule.Monthly, Nth: -1}, dates(t, "2027-01-01", "2027-01-20"), "is the last Friday of every month"},
	} {
		_, err := tc.rule.Dates(time.Friday, tc.rng)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v over %s: got %v, want an error containing %q", tc.rule, tc.rng, err, tc.want)
		}
	}
}

func TestRule_Phrase(t *testing.T) {
	for _, tc := range []struct {
		rule schedule.Rule
		want string
	}{
		{schedule.Rule{}, "every week"},
		{schedule.Rule{Interval: 2}, "every two weeks"},
		{schedule.Rule{Freq: schedule.Monthly, Nth: 2}, "the second Tuesday of every month"},
		{schedule.Rule{Freq: schedule.Monthly, Nth: -1, Interval: 2}, "the last Tuesday of every two months"},
		{schedule.Rule{Freq: schedule.Monthly}, "the same Tuesday of every month"},
	} {
		if got := tc.rule.Phrase(time.Tuesday); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.rule, got, tc.want)
		}
	}
}

// A series keeps its wall-clock time in the reference zone across daylight
// saving, and members elsewhere see it move by the hour when only one of the
// two zones changes.
func TestSeries_AcrossDST(t *testing.T) {
	london, ny, sydney := zone(t, "Europe/London"), zone(t, "America/New_York"), zone(t, "Australia/Sydney")
	got, err := schedule.Series(slot(t, "Tue 15:00"), london, dates(t, "2027-01-11", "2027-06-28"),
		schedule.Rule{Freq: schedule.Monthly, Nth: 2})
	if err != nil {
		t.Fatal(err)
	}
	var lon, nyc, syd []string
	for _, at := range got {
		lon = append(lon, at.In(london).Format("Jan 2 15:04"))
		nyc = append(nyc, at.In(ny).Format("Jan 2 15:04"))
		syd = append(syd, at.In(sydney).Format("Jan 2 15:04"))
	}
	for _, c := range []struct{ got, want []string }{
		{lon, []string{"Jan 12 15:00", "Feb 9 15:00", "Mar 9 15:00", "Apr 13 15:00", "May 11 15:00", "Jun 8 15:00"}},
		{nyc, []string{"Jan 12 10:00", "Feb 9 10:00", "Mar 9 10:00", "Apr 13 10:00", "May 11 10:00", "Jun 8 10:00"}},
		{syd, []string{"Jan 13 02:00", "Feb 10 02:00", "Mar 10 02:00", "Apr 14 00:00", "May 12 00:00", "Jun 9 00:00"}},
	} {
		if strings.Join(c.got, ", ") != strings.Join(c.want, ", ") {
			t.Errorf("got  %v\nwant %v", c.got, c.want)
		}
	}
}

// A weekly series of interval 1 is exactly the weekly occurrences.
func TestSeries_WeeklyMatchesOccurrences(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	zones := []string{"Europe/London", "America/Santiago", "Australia/Lord_Howe", "Asia/Tehran", "UTC"}
	for i := 0; i < 300; i++ {
		ref := zone(t, zones[rng.IntN(len(zones))])
		s := schedule.Slot{Day: time.Weekday(rng.IntN(7)), Start: rng.IntN(96) * 15}
		from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(700))
		r := schedule.NewRange(from, from.AddDate(0, 0, 7+rng.IntN(400)))
		got, err := schedule.Series(s, ref, r, schedule.Rule{})
		if err != nil {
			t.Fatal(err)
		}
		want := schedule.Occurrences(s, ref, r)
		if len(got) != len(want) {
			t.Fatalf("%s %s %s: %d meetings, want %d", s, ref, r, len(got), len(want))
		}
		for k := range got {
			if !got[k].Equal(want[k]) {
				t.Fatalf("%s %s %s: meeting %d at %s, want %s", s, ref, r, k, got[k], want[k])
			}
		}
	}
}

func TestWallTimeNote(t *testing.T) {
	for _, tc := range []struct {
		zone, date, clock string
		want, note        string
	}{
		{"Europe/London", "2027-03-28", "01:30", "2027-03-28 02:30 BST", "go forward on 28 Mar 2027: 01:30 does not exist that day, so the meeting is at 02:30"},
		{"Europe/London", "2027-10-31", "01:30", "2027-10-31 01:30 BST", "go back on 31 Oct 2027: 01:30 happens twice that day; the meeting is at the first one (01:30 BST)"},
		{"Europe/London", "2027-03-28", "03:00", "2027-03-28 03:00 BST", ""},
		{"Australia/Sydney", "2027-10-03", "02:15", "2027-10-03 03:15 AEDT", "go forward on 3 Oct 2027: 02:15 does not exist"},
		{"Australia/Sydney", "2027-04-04", "02:15", "2027-04-04 02:15 AEDT", "go back on 4 Apr 2027: 02:15 happens twice"},
		{"America/New_York", "2027-03-14", "02:00", "2027-03-14 03:00 EDT", "go forward"},
		{"Asia/Kolkata", "2027-03-28", "01:30", "2027-03-28 01:30 IST", ""},
	} {
		d, _ := time.Parse(time.DateOnly, tc.date)
		c, _ := time.Parse("15:04", tc.clock)
		at, note := schedule.WallTimeNote(d, c.Hour()*60+c.Minute(), zone(t, tc.zone))
		if got := at.Format("2006-01-02 15:04 MST"); got != tc.want {
			t.Errorf("%s %s %s: at %s, want %s", tc.zone, tc.date, tc.clock, got, tc.want)
		}
		if tc.note == "" && note != "" || !strings.Contains(note, tc.note) {
			t.Errorf("%s %s %s: note %q, want one containing %q", tc.zone, tc.date, tc.clock, note, tc.note)
		}
	}
}
