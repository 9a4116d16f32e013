package grouping

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// This file generates the realistic cohorts `roundtable bench place` measures placement on:
// a global program of leaders, as an organizer would see it from her applicants.

// cohortZones are the leaders' time zones, on five continents and in both hemispheres (so
// daylight saving moves the offsets in opposite directions during a January–June program),
// with how common each is.
var cohortZones = []struct {
	name   string
	weight int
}{
	{"Europe/London", 12}, {"Europe/Paris", 8}, {"Europe/Berlin", 8}, {"Europe/Madrid", 4},
	{"Europe/Stockholm", 3}, {"Africa/Lagos", 4}, {"Africa/Nairobi", 3}, {"Africa/Johannesburg", 4},
	{"Asia/Dubai", 3}, {"Asia/Kolkata", 6}, {"Asia/Singapore", 4}, {"Asia/Tokyo", 3},
	{"Australia/Sydney", 4}, {"Pacific/Auckland", 2}, {"America/Sao_Paulo", 4},
	{"America/Santiago", 2}, {"America/New_York", 10}, {"America/Chicago", 5},
	{"America/Los_Angeles", 6}, {"America/Mexico_City", 3},
}

// cohortSectors lists each sector with its industries; an organization belongs to one.
var cohortSectors = []struct {
	name       string
	industries []string
}{
	{"Private", []string{"Retail", "Consumer goods", "Logistics", "Hospitality", "Media"}},
	{"Technology", []string{"Software", "Telecommunications", "Semiconductors", "Internet services"}},
	{"Finance", []string{"Banking", "Insurance", "Asset management", "Payments"}},
	{"Manufacturing", []string{"Automotive", "Chemicals", "Machinery", "Aerospace", "Food production"}},
	{"Health", []string{"Hospitals", "Pharmaceuticals", "Medical devices"}},
	{"Public", []string{"Central government", "Local government", "Defence"}},
	{"Education", []string{"Universities", "Schools", "Training"}},
	{"Non-profit", []string{"Charities", "Foundations", "International development"}},
	{"Energy", []string{"Utilities", "Oil and gas", "Renewables"}},
}

var cohortFunctions = []string{"Operations", "Finance", "Engineering", "Sales", "Marketing", "People",
	"Legal", "Product", "Research", "Strategy", "Customer service", "Data"}

// cohortLevels weighs levels 1–5: most leaders are early in their careers.
var cohortLevels = []int{34, 28, 20, 12, 6}

// cohortOrg is one employer of a generated cohort.
type cohortOrg struct {
	name, sector, industry string
	zone                   int // where its people mostly are; −1 for a global employer
}

// GenerateCohort returns n leaders applying to a global peer-learning program, the same for the
// same seed, and the program's settings. The leaders live in 20 time zones on five continents;
// each is free in 2–5 weekly windows of 2–4 hours of their own clock (working hours, early
// mornings or evenings, now and then a weekend); levels run 1–5, skewed low; organizations go
// from a few big employers (global, their people in every zone) to a long tail with one
// applicant each, each organization in one sector and industry; 3 % name someone to keep apart;
// gender is marked "nobody the only one". The settings are circles of 6–8 meeting 90 minutes
// weekly from 11 January to 28 June 2027, organizations kept apart, slots named in UTC.
func GenerateCohort(n int, seed uint64) ([]Person, Settings) {
	r := rand.New(rand.NewPCG(seed, 0xc0b0))
	zones, zoneWeights := cohortLocations()
	orgs, orgWeights := cohortOrgs(r, n)
	people := make([]Person, n)
	for i := range people {
		p := &people[i]
		p.ID = fmt.Sprintf("c%06d", i+1)
		p.Name = fmt.Sprintf("Leader %d", i+1)
		p.Level = 1 + pick(r, cohortLevels)
		o := orgs[pick(r, orgWeights)]
		p.Organization, p.Sector, p.Industry = o.name, o.sector, o.industry
		p.Function = cohortFunctions[r.IntN(len(cohortFunctions))]
		z := pick(r, zoneWeights)
		if o.zone >= 0 && r.IntN(4) != 0 {
			z = o.zone // most of a local employer's people live where it is
		}
		p.Zone = zones[z]
		p.Week = cohortWeek(r)
		switch g := r.IntN(100); {
		case g < 48:
			p.Attrs = map[string]string{"gender": "woman"}
		case g < 96:
			p.Attrs = map[string]string{"gender": "man"}
		case g < 98:
			p.Attrs = map[string]string{"gender": "non-binary"}
		}
	}
	// 3 % name someone to keep apart: half of them a colleague (a manager, a rival), the others
	// anyone in the cohort.
	for _, i := range r.Perm(n)[:n*3/100] {
		j := r.IntN(n)
		if r.IntN(2) == 0 {
			for range 20 {
				k := r.IntN(n)
				if k != i && people[k].Organization == people[i].Organization {
					j = k
					break
				}
			}
		}
		if j != i {
			people[i].Avoid = []string{people[j].ID}
		}
	}
	rng, _ := schedule.ParseRange("2027-01-11", "2027-06-28")
	return people, Settings{
		Min: 6, Max: 8, Range: rng, Minutes: 90, Reference: time.UTC,
		SeparateOrganizations: true, NeverAlone: []string{"gender"},
		Weights: DefaultWeights(), Seed: seed,
	}
}

// cohortLocations loads the cohort's zones (UTC stands in for one the system lacks).
func cohortLocations() ([]*time.Location, []int) {
	zones := make([]*time.Location, len(cohortZones))
	weights := make([]int, len(cohortZones))
	for z, cz := range cohortZones {
		loc, err := time.LoadLocation(cz.name)
		if err != nil {
			loc = time.UTC
		}
		zones[z], weights[z] = loc, cz.weight
	}
	return zones, weights
}

// cohortOrgs makes the employers of n applicants and how likely each is: four big global
// employers with about a fifth of the applicants, some mid-sized ones, and a long tail of
// small ones where most have a single applicant.
func cohortOrgs(r *rand.Rand, n int) ([]cohortOrg, []int) {
	var orgs []cohortOrg
	var weights []int
	add := func(name string, zone, weight int) {
		s := cohortSectors[r.IntN(len(cohortSectors))]
		orgs = append(orgs, cohortOrg{name: name, sector: s.name, industry: s.industries[r.IntN(len(s.industries))], zone: zone})
		weights = append(weights, weight)
	}
	// Weights are in millionths of the applicants.
	big := []string{"Northwind", "Globex", "Initech", "Umbrella Health"}
	for k, name := range big {
		add(name, -1, []int{70_000, 50_000, 45_000, 35_000}[k])
	}
	mid := max(2, n/40)
	for k := range mid {
		add(fmt.Sprintf("Midsize %d", k+1), r.IntN(len(cohortZones)), 250_000/mid)
	}
	// The tail shares what is left evenly: with n/2 small organizations and about half the
	// applicants, most hold one or two.
	tail := max(4, n/2)
	for k := range tail {
		add(fmt.Sprintf("Company %d", k+1), r.IntN(len(cohortZones)), max(1, 550_000/tail))
	}
	return orgs, weights
}

// cohortWeek draws 2–5 windows of 2–4 hours in a leader's own week: mostly working hours on
// weekdays, some early mornings and evenings, rarely a weekend morning.
func cohortWeek(r *rand.Rand) schedule.Week {
	k := 2 + r.IntN(4)
	var week schedule.Week
	for tries := 0; len(week) < k && tries < 50; tries++ {
		day := time.Weekday(1 + r.IntN(5))
		var start int
		switch x := r.IntN(100); {
		case x < 60: // working hours
			start = 8*60 + 30*r.IntN(17) // 08:00–16:00
		case x < 72: // early morning
			start = 6*60 + 30*r.IntN(3)
		case x < 94: // evening
			start = 17*60 + 30*r.IntN(7) // 17:00–20:00
		default: // weekend morning
			day = time.Weekday(6 * r.IntN(2))
			start = 9*60 + 30*r.IntN(5)
		}
		end := min(24*60, start+120+30*r.IntN(5))
		win := schedule.Window{Day: day, Start: start, End: end}
		// Windows of one person never overlap or touch, as Week requires.
		if slices.ContainsFunc(week, func(w schedule.Window) bool {
			return w.Day == win.Day && w.Start <= win.End && win.Start <= w.End
		}) {
			continue
		}
		week = append(week, win)
	}
	slices.SortFunc(week, func(a, b schedule.Window) int {
		if a.Day != b.Day {
			return int(a.Day) - int(b.Day)
		}
		return a.Start - b.Start
	})
	return week
}

// pick draws an index with probability proportional to its weight.
func pick(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.IntN(total)
	for i, w := range weights {
		if x -= w; x < 0 {
			return i
		}
	}
	return len(weights) - 1
}
