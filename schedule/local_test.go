package schedule_test

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

func TestLocalTimes(t *testing.T) {
	for _, tc := range []struct {
		name, ref, own, slot, from, to, want string
	}{
		{"NewYork", "Europe/London", "America/New_York", "Tue 15:00", "2027-01-11", "2027-06-28",
			"Tue 10:00, 11:00 from 16 Mar 2027, 10:00 from 30 Mar 2027"},
		{"Sydney", "UTC", "Australia/Sydney", "Tue 22:00", "2027-01-11", "2027-06-28",
			"Wed 09:00, 08:00 from 7 Apr 2027"},
		{"Auckland", "Europe/London", "Pacific/Auckland", "Tue 19:00", "2027-01-04", "2027-12-31",
			"Wed 08:00, 07:00 from 31 Mar 2027, 06:00 from 7 Apr 2027, 07:00 from 29 Sep 2027, 08:00 from 3 Nov 2027"},
		{"Kolkata", "Europe/London", "Asia/Kolkata", "Mon 14:00", "2027-01-04", "2027-12-31",
			"Mon 19:30, 18:30 from 29 Mar 2027, 19:30 from 1 Nov 2027"},
		{"DayChanges", "UTC", "Europe/London", "Tue 23:30", "2027-01-04", "2027-12-31",
			"Tue 23:30, Wed 00:30 from 31 Mar 2027, Tue 23:30 from 2 Nov 2027"},
		{"Kathmandu", "UTC", "Asia/Kathmandu", "Mon 03:15", "2027-01-01", "2028-12-31", "Mon 09:00"},
		{"NoMeeting", "UTC", "UTC", "Sun 10:00", "2027-01-11", "2027-01-13", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := schedule.LocalTimes(slot(t, tc.slot), zone(t, tc.ref), zone(t, tc.own), dates(t, tc.from, tc.to))
			if got.String() != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestLocalTimes_MatchesOccurrences checks the era shortcut against each
// meeting read on the member's clock.
func TestLocalTimes_MatchesOccurrences(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		ref, own := zone(t, zoneNames[rng.IntN(len(zoneNames))]), zone(t, zoneNames[rng.IntN(len(zoneNames))])
		r := randomRange(rng, 800)
		s := schedule.Slot{Day: time.Weekday(rng.IntN(7)), Start: rng.IntN(96) * 15}
		var want schedule.LocalRuns
		for _, at := range schedule.Occurrences(s, ref, r) {
			l := at.In(own)
			run := schedule.LocalRun{
				From: time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC),
				Day:  l.Weekday(), Start: l.Hour()*60 + l.Minute(),
			}
			if n := len(want); n == 0 || want[n-1].Day != run.Day || want[n-1].Start != run.Start {
				want = append(want, run)
			}
		}
		got := schedule.LocalTimes(s, ref, own, r)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s in %s seen from %s over %s:\ngot  %v\nwant %v", s, ref, own, r, got, want)
		}
	}
}

func TestOccurrences(t *testing.T) {
	london := zone(t, "Europe/London")
	got := schedule.Occurrences(slot(t, "Sun 01:30"), london, dates(t, "2027-03-21", "2027-04-04"))
	var s []string
	for _, at := range got {
		if at.Location() != london {
			t.Errorf("%v is not in London's location", at)
		}
		s = append(s, at.UTC().Format(time.RFC3339))
	}
	want := []string{"2027-03-21T01:30:00Z", "2027-03-28T01:30:00Z", "2027-04-04T00:30:00Z"}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got %v, want %v", s, want)
	}
	if got := schedule.Occurrences(slot(t, "Tue 15:00"), london, dates(t, "2027-01-11", "2027-06-28")); len(got) != 24 {
		t.Errorf("Tuesdays: got %d meetings, want 24", len(got))
	}
	// Every occurrence agrees with WallTime and keeps the wall time where it
	// exists.
	for _, at := range schedule.Occurrences(slot(t, "Wed 18:45"), london, dates(t, "2026-06-01", "2028-06-01")) {
		if at.Hour() != 18 || at.Minute() != 45 || at.Weekday() != time.Wednesday {
			t.Errorf("%v is not Wed 18:45 in London", at)
		}
	}
}

func TestSlot_Local(t *testing.T) {
	london, ny := zone(t, "Europe/London"), zone(t, "America/New_York")
	s := slot(t, "Tue 15:00")
	for _, tc := range []struct {
		on   string
		day  time.Weekday
		want int
	}{
		{"2027-01-12", time.Tuesday, 600}, // that Tuesday
		{"2027-03-15", time.Tuesday, 660}, // the next one, in the gap weeks
		{"2027-03-24", time.Tuesday, 600}, // Wednesday: the Tuesday after, 30 March
	} {
		on, _ := time.Parse(time.DateOnly, tc.on)
		day, minute := s.Local(london, ny, on)
		if day != tc.day || minute != tc.want {
			t.Errorf("on %s: got %v %d, want %v %d", tc.on, day, minute, tc.day, tc.want)
		}
	}
}

func TestPlan_Explain(t *testing.T) {
	p, err := schedule.NewPlan(zone(t, "Europe/London"), dates(t, "2027-01-11", "2027-06-28"), 90)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ own, want string }{
		{"America/New_York", "Tue 15:00 Europe/London — Tue 10:00 your time, 11:00 from 16 Mar 2027, 10:00 from 30 Mar 2027"},
		{"Europe/Paris", "Tue 15:00 Europe/London — Tue 16:00 your time"},
	} {
		if got := p.Explain(slot(t, "Tue 15:00"), zone(t, tc.own)); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	short, _ := schedule.NewPlan(time.UTC, dates(t, "2027-01-11", "2027-01-12"), 60)
	if got, want := short.Explain(slot(t, "Fri 10:00"), time.UTC), "Fri 10:00 UTC — no meeting in 2027-01-11..2027-01-12"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
