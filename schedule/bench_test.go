package schedule_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// benchZones are twenty zones a global cohort might come from.
var benchZones = []string{
	"UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Helsinki",
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
	"America/Sao_Paulo", "America/Mexico_City", "Africa/Lagos", "Africa/Johannesburg",
	"Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
	"Pacific/Auckland", "Asia/Kathmandu",
}

type benchPerson struct {
	week schedule.Week
	zone *time.Location
}

// benchPeople makes n people with two to five weekday windows of one to four
// hours in working hours or the evening.
func benchPeople(b *testing.B, n int) []benchPerson {
	rng := rand.New(rand.NewPCG(7, 8))
	locs := make([]*time.Location, len(benchZones))
	for i, name := range benchZones {
		locs[i] = zone(b, name)
	}
	out := make([]benchPerson, n)
	for i := range out {
		var w schedule.Week
		for range 2 + rng.IntN(4) {
			start := (7 + rng.IntN(14)) * 60
			w = append(w, schedule.Window{Day: time.Weekday(1 + rng.IntN(5)), Start: start, End: min(start+(1+rng.IntN(4))*60, 1440)})
		}
		out[i] = benchPerson{week: w, zone: locs[rng.IntN(len(locs))]}
	}
	return out
}

var benchSink schedule.SlotSet

func BenchmarkParticipantSlots(b *testing.B) {
	people := benchPeople(b, 1000)
	london := zone(b, "Europe/London")
	for _, bc := range []struct{ name, from, to string }{
		{"6months", "2027-01-11", "2027-06-28"},
		{"2years", "2027-01-11", "2029-01-10"},
	} {
		r := dates(b, bc.from, bc.to)
		// One Plan for a cohort: per-zone eras are computed once.
		b.Run(bc.name, func(b *testing.B) {
			p, err := schedule.NewPlan(london, r, 90)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				pp := people[i%len(people)]
				benchSink = p.Slots(pp.week, pp.zone)
				i++
			}
		})
		// A fresh Plan per person: zone changes looked up every time.
		b.Run(bc.name+"/cold", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				pp := people[i%len(people)]
				benchSink = schedule.Slots(pp.week, pp.zone, london, r, 90)
				i++
			}
		})
	}
}

// BenchmarkBruteForce is the week-by-week evaluation the era method avoids.
func BenchmarkBruteForce(b *testing.B) {
	people := benchPeople(b, 10)
	london := zone(b, "Europe/London")
	r := dates(b, "2027-01-11", "2029-01-10")
	i := 0
	for b.Loop() {
		pp := people[i%len(people)]
		benchSink = bruteSlots(pp.week, pp.zone, london, r, 90)
		i++
	}
}

func BenchmarkRank(b *testing.B) {
	people := benchPeople(b, 8)
	p, err := schedule.NewPlan(zone(b, "Europe/London"), dates(b, "2027-01-11", "2027-06-28"), 60)
	if err != nil {
		b.Fatal(err)
	}
	var members []schedule.Member
	for _, pp := range people {
		// Everyone free on weekday afternoons UTC, so the group has slots.
		members = append(members, schedule.Member{Week: append(pp.week, schedule.Window{Day: time.Wednesday, Start: 0, End: 1440}), Zone: time.UTC})
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(p.Rank(members)) == 0 {
			b.Fatal("no common slot")
		}
	}
}

func BenchmarkSlotSet_And(b *testing.B) {
	x, y := schedule.AllSlots(), schedule.SlotSetOf(schedule.Slot{Day: time.Tuesday, Start: 900})
	for b.Loop() {
		x = x.And(y).Or(y)
	}
	benchSink = x
}
