package schedule_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
	_ "time/tzdata" // the same zone data on every machine

	"github.com/roundtable/roundtable/schedule"
)

// zoneNames covers both hemispheres, half- and quarter-hour offsets, DST of
// 30 minutes (Lord Howe) and of 2 hours (Troll), negative DST (Dublin), DST at
// midnight (Havana, Santiago, Asuncion), Ramadan breaks (Casablanca, Cairo),
// and a skipped day (Apia, 2011).
var zoneNames = []string{
	"UTC", "Europe/London", "Europe/Paris", "Europe/Dublin", "America/New_York",
	"America/Los_Angeles", "America/St_Johns", "America/Sao_Paulo", "America/Santiago",
	"America/Asuncion", "America/Havana", "Africa/Casablanca", "Africa/Cairo",
	"Asia/Kolkata", "Asia/Kathmandu", "Asia/Tehran", "Asia/Tokyo", "Asia/Gaza",
	"Australia/Sydney", "Australia/Adelaide", "Australia/Lord_Howe", "Pacific/Auckland",
	"Pacific/Chatham", "Pacific/Apia", "Pacific/Kiritimati", "Antarctica/Troll",
	"America/Nuuk", "Pacific/Honolulu",
}

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

func week(t testing.TB, s string) schedule.Week {
	t.Helper()
	w, err := schedule.ParseWeek(s)
	if err != nil {
		t.Fatalf("ParseWeek(%q): %v", s, err)
	}
	return w
}

func dates(t testing.TB, from, to string) schedule.Range {
	t.Helper()
	r, err := schedule.ParseRange(from, to)
	if err != nil {
		t.Fatalf("ParseRange(%q, %q): %v", from, to, err)
	}
	return r
}

// offsetOf returns loc's UTC offset at Unix second u.
func offsetOf(loc *time.Location, u int64) int64 {
	_, off := time.Unix(u, 0).In(loc).Zone()
	return int64(off)
}

// bruteInstant reads a wall time by trial: of the offsets in force a day
// either side, keep those that reproduce the wall time and take the earliest
// instant; if none does, the time was skipped and takes the earlier offset.
func bruteInstant(loc *time.Location, date time.Time, minute int) int64 {
	y, m, d := date.Date()
	w := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() + int64(minute)*60
	before, after := offsetOf(loc, w-26*3600), offsetOf(loc, w+26*3600)
	best, found := int64(0), false
	for _, o := range []int64{before, after} {
		if u := w - o; offsetOf(loc, u) == o && (!found || u < best) {
			best, found = u, true
		}
	}
	if !found {
		best = w - before
	}
	return best
}

// bruteSlots evaluates every grid slot on every date of the range, minute by
// minute against the member's windows, with no shortcut.
func bruteSlots(w schedule.Week, own, ref *time.Location, r schedule.Range, minutes int) schedule.SlotSet {
	var covered [7 * 1440]bool
	for _, win := range w {
		for m := win.Start; m < win.End; m++ {
			covered[int(win.Day)*1440+m] = true
		}
	}
	fits := func(sec int64) bool { return covered[(sec/60)%(7*1440)] }
	var occurs, bad schedule.SlotSet
	for d := r.From; !d.After(r.To); d = d.AddDate(0, 0, 1) {
		for start := 0; start < 1440; start += schedule.Step {
			slot := schedule.Slot{Day: d.Weekday(), Start: start}
			occurs.Add(slot)
			t := time.Unix(bruteInstant(ref, d, start), 0).In(own)
			s := int64(t.Weekday())*86400 + int64(t.Hour()*3600+t.Minute()*60+t.Second())
			ok := fits(s + int64(minutes)*60 - 1)
			for k := int64(0); k < int64(minutes) && ok; k++ {
				ok = fits(s + 60*k)
			}
			if !ok {
				bad.Add(slot)
			}
		}
	}
	return occurs.AndNot(bad)
}

// randomWeek makes up to six windows, some touching midnight, some off the
// quarter hour, sometimes overlapping or unsorted as a hand-built Week may be.
func randomWeek(rng *rand.Rand) schedule.Week {
	var w schedule.Week
	for range rng.IntN(7) {
		day := time.Weekday(rng.IntN(7))
		unit := []int{5, 15, 30, 60}[rng.IntN(4)]
		start := rng.IntN(1440/unit) * unit
		end := start + (1+rng.IntN(12))*unit
		switch rng.IntN(6) {
		case 0:
			end = 1440
		case 1:
			start = 0
		}
		w = append(w, schedule.Window{Day: day, Start: start, End: min(end, 1440)})
	}
	if rng.IntN(20) == 0 {
		w = nil
		for d := range 7 {
			w = append(w, schedule.Window{Day: time.Weekday(d), Start: 0, End: 1440})
		}
	}
	return w
}

func randomRange(rng *rand.Rand, maxDays int) schedule.Range {
	from := time.Date(1996+rng.IntN(41), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
	return schedule.NewRange(from, from.AddDate(0, 0, rng.IntN(maxDays)))
}

// TestSlots_MatchesBruteForce is the property test: for random weeks, zones,
// ranges and lengths, the era method equals week-by-week evaluation.
func TestSlots_MatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 150
	if testing.Short() {
		n = 30
	}
	for i := range n {
		maxDays := 200
		if i%10 == 0 {
			maxDays = 800 // some ranges of two years and more
		}
		w := randomWeek(rng)
		own, ref := zone(t, zoneNames[rng.IntN(len(zoneNames))]), zone(t, zoneNames[rng.IntN(len(zoneNames))])
		r := randomRange(rng, maxDays)
		minutes := []int{15, 30, 45, 60, 90, 120, 180, 25, 600, 1440}[rng.IntN(10)]
		t.Run(fmt.Sprintf("%d_%s_in_%s", i, own, ref), func(t *testing.T) {
			checkAgainstBrute(t, w, own, ref, r, minutes)
		})
	}
}

func checkAgainstBrute(t *testing.T, w schedule.Week, own, ref *time.Location, r schedule.Range, minutes int) {
	t.Helper()
	got := schedule.Slots(w, own, ref, r, minutes)
	want := bruteSlots(w, own, ref, r, minutes)
	if got != want {
		t.Fatalf("week %q, member in %s, slots in %s, %s, %d min:\ngot  %s\nwant %s\nonly got:  %s\nonly want: %s",
			w, own, ref, r, minutes, got, want, got.AndNot(want), want.AndNot(got))
	}
}

// TestSlots_MatchesBruteForce_AroundChanges starts short ranges on the days
// both zones change their clocks, where eras are hours long.
func TestSlots_MatchesBruteForce_AroundChanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pairs := [][2]string{
		{"Europe/London", "America/New_York"}, {"Europe/London", "Europe/Paris"},
		{"Africa/Cairo", "Europe/Athens"}, {"America/Havana", "America/New_York"},
		{"Australia/Lord_Howe", "Australia/Sydney"}, {"Pacific/Auckland", "Pacific/Chatham"},
		{"Antarctica/Troll", "Europe/Oslo"}, {"Europe/Dublin", "Europe/London"},
		{"America/Santiago", "America/Asuncion"}, {"Pacific/Apia", "Pacific/Auckland"},
	}
	for _, p := range pairs {
		ref, own := zone(t, p[0]), zone(t, p[1])
		for _, loc := range []*time.Location{ref, own} {
			tt := time.Date(2010, 1, 1, 0, 0, 0, 0, loc)
			for range 6 {
				_, end := tt.ZoneBounds()
				tt = end
				from := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -rng.IntN(3))
				r := schedule.NewRange(from, from.AddDate(0, 0, rng.IntN(9)))
				for range 4 {
					w := randomWeek(rng)
					minutes := []int{15, 30, 60, 90, 120}[rng.IntN(5)]
					checkAgainstBrute(t, w, own, ref, r, minutes)
					checkAgainstBrute(t, w, ref, own, r, minutes)
				}
			}
		}
	}
}

// FuzzSlots compares the era method with brute force on short ranges.
func FuzzSlots(f *testing.F) {
	f.Add(uint8(1), uint8(4), int64(0), uint8(30), uint16(90), "Tue 10:00-11:30")
	f.Add(uint8(18), uint8(0), int64(100), uint8(60), uint16(60), "Wed 09:00-10:30;Sat 23:00-24:00;Sun 00:00-01:00")
	f.Add(uint8(11), uint8(3), int64(-4000), uint8(10), uint16(15), "Mon 00:00-24:00")
	f.Fuzz(func(t *testing.T, ownIdx, refIdx uint8, day int64, span uint8, minutes uint16, text string) {
		w, err := schedule.ParseWeek(text)
		if err != nil {
			return
		}
		own := zone(t, zoneNames[int(ownIdx)%len(zoneNames)])
		ref := zone(t, zoneNames[int(refIdx)%len(zoneNames)])
		from := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(day%20000))
		r := schedule.NewRange(from, from.AddDate(0, 0, int(span%120)))
		checkAgainstBrute(t, w, own, ref, r, 1+int(minutes)%1440)
	})
}
