package schedule_test

import (
	"testing"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// In 2027 the EU changes clocks on 28 March and 31 October, the US on
// 14 March and 7 November; Sydney and Auckland leave DST on 4 April and
// return on 3 October and 26 September.

func slot(t *testing.T, s string) schedule.Slot {
	t.Helper()
	sl, err := schedule.ParseSlot(s)
	if err != nil {
		t.Fatal(err)
	}
	return sl
}

func TestSlots_DST(t *testing.T) {
	for _, tc := range []struct {
		name       string
		ref, own   string
		from, to   string
		minutes    int
		avail      string
		slot       string
		want       bool
		wantSetStr string // when not empty, the whole set
	}{
		// London 15:00 is 10:00 in New York except in the weeks between the
		// US and the EU changes, when it is 11:00.
		{"NewYork/Winter", "Europe/London", "America/New_York", "2027-01-11", "2027-03-13", 90, "Tue 10:00-11:30", "Tue 15:00", true, ""},
		{"NewYork/SpringGap", "Europe/London", "America/New_York", "2027-01-11", "2027-06-28", 90, "Tue 10:00-11:30", "Tue 15:00", false, ""},
		{"NewYork/Summer", "Europe/London", "America/New_York", "2027-04-01", "2027-10-30", 90, "Tue 10:00-11:30", "Tue 15:00", true, ""},
		{"NewYork/AutumnGap", "Europe/London", "America/New_York", "2027-04-01", "2027-11-06", 90, "Tue 10:00-11:30", "Tue 15:00", false, ""},
		{"NewYork/AfterAutumnGap", "Europe/London", "America/New_York", "2027-11-07", "2028-03-11", 90, "Tue 10:00-11:30", "Tue 15:00", true, ""},
		// Feasible only in the two weeks when the offsets differ.
		{"NewYork/OnlyInGap", "Europe/London", "America/New_York", "2027-03-14", "2027-03-27", 90, "Tue 11:00-12:30", "", false, "Tue 15:00"},
		{"NewYork/OnlyInGapLonger", "Europe/London", "America/New_York", "2027-03-01", "2027-03-27", 90, "Tue 11:00-12:30", "", false, ""},
		// Issue 3: a slot fine in January breaks in April. 22:00 UTC on
		// Tuesday is 09:00 on Wednesday in Sydney until 4 April, then 08:00.
		{"Sydney/JanuaryToMarch", "UTC", "Australia/Sydney", "2027-01-11", "2027-03-31", 90, "Wed 09:00-10:30", "", false, "Tue 22:00"},
		{"Sydney/JanuaryToJune", "UTC", "Australia/Sydney", "2027-01-11", "2027-06-28", 90, "Wed 09:00-10:30", "", false, ""},
		{"Sydney/AprilToSeptember", "UTC", "Australia/Sydney", "2027-04-05", "2027-09-30", 90, "Wed 09:00-10:30", "", false, "Tue 23:00"},
		// Sydney against London: both change, in opposite seasons.
		{"SydneyLondon/YearBoundary", "Europe/London", "Australia/Sydney", "2026-11-02", "2027-03-27", 60, "Tue 19:00-20:00", "", false, "Tue 08:00"},
		{"SydneyLondon/Year", "Europe/London", "Australia/Sydney", "2027-01-04", "2027-12-31", 60, "Tue 18:00-21:00", "", false, "Tue 09:00"},
		// Half-hour zone without DST: 14:00 London is 19:30 in Kolkata in
		// winter, 18:30 in summer.
		{"Kolkata/Winter", "Europe/London", "Asia/Kolkata", "2027-01-04", "2027-03-27", 90, "Mon 19:30-21:00", "", false, "Mon 14:00"},
		{"Kolkata/Summer", "Europe/London", "Asia/Kolkata", "2027-04-01", "2027-10-30", 90, "Mon 19:30-21:00", "", false, "Mon 15:00"},
		{"Kolkata/Year", "Europe/London", "Asia/Kolkata", "2027-01-04", "2027-12-31", 90, "Mon 19:30-21:00", "", false, ""},
		// Quarter-hour zone: 03:15 UTC is 09:00 in Kathmandu.
		{"Kathmandu", "UTC", "Asia/Kathmandu", "2027-01-01", "2028-12-31", 90, "Mon 09:00-10:30", "", false, "Mon 03:15"},
		{"Kathmandu/London", "Europe/London", "Asia/Kathmandu", "2027-04-01", "2027-10-30", 60, "Mon 09:00-10:00", "", false, "Mon 04:15"},
		// Auckland from London: 19:00 Tuesday is 08:00 Wednesday in January,
		// 07:00 from 28 March, 06:00 from 4 April.
		{"Auckland/January", "Europe/London", "Pacific/Auckland", "2027-01-04", "2027-03-27", 90, "Wed 08:00-09:30", "", false, "Tue 19:00"},
		{"Auckland/ToApril", "Europe/London", "Pacific/Auckland", "2027-01-04", "2027-04-30", 90, "Wed 08:00-09:30", "", false, ""},
		{"Auckland/WideWindow", "Europe/London", "Pacific/Auckland", "2027-01-04", "2027-04-30", 90, "Wed 06:00-09:30", "", false, "Tue 19:00"},
		// Across midnight in the member's zone.
		{"UntilMidnight", "UTC", "UTC", "2027-01-04", "2027-01-31", 90, "Mon 22:00-24:00", "", false, "Mon 22:00-22:30"},
		{"PastMidnight", "UTC", "UTC", "2027-01-04", "2027-01-31", 90, "Mon 22:00-24:00;Tue 00:00-01:00", "", false, "Mon 22:00-23:30"},
		{"PastSaturday", "UTC", "UTC", "2027-01-04", "2027-01-31", 90, "Sat 23:00-24:00;Sun 00:00-01:00", "", false, "Sat 23:00-23:30"},
		{"NotJoinedOverGap", "UTC", "UTC", "2027-01-04", "2027-01-31", 90, "Mon 22:00-23:59;Tue 00:00-01:00", "", false, "Mon 22:00-22:15"},
		// A member on the other side of the date line.
		{"Kiritimati", "Pacific/Honolulu", "Pacific/Kiritimati", "2027-01-04", "2027-06-30", 60, "Tue 09:00-10:00", "", false, "Mon 09:00"},
		// A two-year range through four changes in each hemisphere.
		{"TwoYears/NewYork", "Europe/London", "America/New_York", "2027-01-04", "2028-12-31", 60, "Mon 09:00-12:00;Wed 09:00-12:00", "", false, "Mon 14:00-15:00;Wed 14:00-15:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref, own := zone(t, tc.ref), zone(t, tc.own)
			r := dates(t, tc.from, tc.to)
			w := week(t, tc.avail)
			got := schedule.Slots(w, own, ref, r, tc.minutes)
			if tc.slot != "" {
				if has := got.Has(slot(t, tc.slot)); has != tc.want {
					t.Errorf("Has(%s): got %v, want %v (set %q)", tc.slot, has, tc.want, got)
				}
			} else if got.String() != tc.wantSetStr {
				t.Errorf("got %q, want %q", got, tc.wantSetStr)
			}
			checkAgainstBrute(t, w, own, ref, r, tc.minutes)
		})
	}
}

func TestWallTime(t *testing.T) {
	london := zone(t, "Europe/London")
	sydney := zone(t, "Australia/Sydney")
	for _, tc := range []struct {
		name   string
		loc    *time.Location
		date   string
		minute int
		want   string // UTC
	}{
		{"Normal", london, "2027-01-12", 15 * 60, "2027-01-12T15:00:00Z"},
		{"Summer", london, "2027-06-15", 15 * 60, "2027-06-15T14:00:00Z"},
		// 01:30 does not exist on 28 March: it moves on by the hour jumped.
		{"SpringGap", london, "2027-03-28", 90, "2027-03-28T01:30:00Z"},
		{"AfterGap", london, "2027-03-28", 150, "2027-03-28T01:30:00Z"},
		{"BeforeGap", london, "2027-03-28", 59, "2027-03-28T00:59:00Z"},
		// 01:30 happens twice on 31 October: the first one, in BST.
		{"FallBackRepeat", london, "2027-10-31", 90, "2027-10-31T00:30:00Z"},
		{"AfterRepeat", london, "2027-10-31", 120, "2027-10-31T02:00:00Z"},
		// Southern hemisphere: Sydney repeats 02:00–03:00 on 4 April and
		// skips 02:00–03:00 on 3 October.
		{"SydneyRepeat", sydney, "2027-04-04", 150, "2027-04-03T15:30:00Z"},
		{"SydneyGap", sydney, "2027-10-03", 150, "2027-10-02T16:30:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, _ := time.Parse(time.DateOnly, tc.date)
			got := schedule.WallTime(d, tc.minute, tc.loc).UTC().Format(time.RFC3339)
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestSlots_ReferenceGap: on 28 March London skips 01:00–02:00, so both
// Sun 01:00 and Sun 02:00 mean 01:00 UTC, and Sun 01:30 and Sun 02:30 both
// mean 01:30 UTC.
func TestSlots_ReferenceGap(t *testing.T) {
	london := zone(t, "Europe/London")
	r := dates(t, "2027-03-22", "2027-03-28")
	got := schedule.Slots(week(t, "Sun 01:00-01:30"), time.UTC, london, r, 30)
	if want := "Sun 01:00;Sun 02:00"; got.String() != want {
		t.Errorf("got %q, want %q", got, want)
	}
	got = schedule.Slots(week(t, "Sun 01:30-02:00"), time.UTC, london, r, 30)
	if want := "Sun 01:30;Sun 02:30"; got.String() != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestSlots_ReferenceRepeat: on 31 October London repeats 01:00–02:00;
// Sun 01:30 is the first 01:30, in BST, which is 00:30 UTC.
func TestSlots_ReferenceRepeat(t *testing.T) {
	london := zone(t, "Europe/London")
	r := dates(t, "2027-10-25", "2027-10-31")
	got := schedule.Slots(week(t, "Sun 00:30-01:00"), time.UTC, london, r, 30)
	if want := "Sun 01:30"; got.String() != want {
		t.Errorf("got %q, want %q", got, want)
	}
	got = schedule.Slots(week(t, "Sun 01:30-02:00"), time.UTC, london, r, 30)
	if want := "Sun 01:30"; got.String() != "" {
		t.Errorf("second 01:30: got %q, want none (not %q)", got, want)
	}
}

func TestSlots_ShortRange(t *testing.T) {
	// Monday to Wednesday: the other days have no meeting, so no slot.
	r := dates(t, "2027-01-11", "2027-01-13")
	got := schedule.Slots(week(t, "Sun 00:00-24:00;Mon 00:00-24:00;Tue 00:00-24:00;Wed 00:00-24:00;Thu 00:00-24:00;Fri 00:00-24:00;Sat 00:00-24:00"), time.UTC, time.UTC, r, 60)
	if got.Count() != 3*96 {
		t.Errorf("got %d slots, want %d", got.Count(), 3*96)
	}
	if first, _ := got.First(); first.String() != "Mon 00:00" {
		t.Errorf("First: got %v, want Mon 00:00", first)
	}
}

func TestSlots_Empty(t *testing.T) {
	r := dates(t, "2027-01-11", "2027-06-28")
	if got := schedule.Slots(nil, time.UTC, time.UTC, r, 60); !got.IsEmpty() {
		t.Errorf("no availability: got %s", got)
	}
	if got := schedule.Slots(week(t, "Mon 09:00-10:00"), time.UTC, time.UTC, r, 90); !got.IsEmpty() {
		t.Errorf("window shorter than the session: got %s", got)
	}
}

func TestPlan_ConcurrentUse(t *testing.T) {
	p, err := schedule.NewPlan(zone(t, "Europe/London"), dates(t, "2027-01-11", "2028-06-28"), 90)
	if err != nil {
		t.Fatal(err)
	}
	w := week(t, "Mon 08:00-18:00;Thu 12:00-20:00")
	want := map[string]schedule.SlotSet{}
	locs := map[string]*time.Location{}
	for _, name := range zoneNames {
		locs[name] = zone(t, name)
		want[name] = p.Slots(w, locs[name])
	}
	done := make(chan bool)
	for g := range 4 {
		go func() {
			ok := true
			for i := range 200 {
				name := zoneNames[(i+g)%len(zoneNames)]
				ok = ok && p.Slots(w, locs[name]) == want[name]
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Error("a concurrent Slots differed from the sequential one")
		}
	}
}

// TestPlan_FixedZones: zones without an IANA name are cached apart even when
// their names agree.
func TestPlan_FixedZones(t *testing.T) {
	p, err := schedule.NewPlan(time.UTC, dates(t, "2027-01-11", "2027-02-28"), 60)
	if err != nil {
		t.Fatal(err)
	}
	w := week(t, "Mon 09:00-10:00")
	if got := p.Slots(w, time.FixedZone("", 3600)).String(); got != "Mon 08:00" {
		t.Errorf("UTC+1: got %q, want Mon 08:00", got)
	}
	if got := p.Slots(w, time.FixedZone("", -3600)).String(); got != "Mon 10:00" {
		t.Errorf("UTC-1: got %q, want Mon 10:00", got)
	}
}
