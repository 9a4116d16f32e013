package grouping

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// syntheticZones are the time zones of Synthetic cohorts, with how common each is; they span
// both hemispheres, so daylight saving moves in opposite directions during a program.
var syntheticZones = []struct {
	name   string
	weight int
}{
	{"Europe/London", 14}, {"Europe/Paris", 10}, {"Europe/Berlin", 9}, {"Europe/Madrid", 5},
	{"Europe/Warsaw", 4}, {"Europe/Helsinki", 3}, {"Africa/Lagos", 3}, {"Africa/Johannesburg", 3},
	{"Asia/Dubai", 3}, {"Asia/Kolkata", 5}, {"Asia/Singapore", 4}, {"Asia/Tokyo", 3},
	{"Australia/Sydney", 4}, {"Pacific/Auckland", 2}, {"America/Sao_Paulo", 4},
	{"America/New_York", 10}, {"America/Chicago", 5}, {"America/Denver", 2},
	{"America/Los_Angeles", 6}, {"America/Mexico_City", 3},
}

// Synthetic returns a realistic cohort of n people for benchmarks and tests, the same for the
// same seed: levels 1–6 (most in the middle), 8 sectors, 30 industries, about n/5
// organizations of very different sizes, 10 functions, 20 time zones with two to four weekday
// windows of availability each, a few keep-apart pairs and a gender marked "never the only
// one"; and settings for circles of 6–8 meeting 90 minutes weekly from January to June
// (across the daylight-saving changes of both hemispheres), organizations kept apart.
func Synthetic(n int, seed uint64) ([]Person, Settings) {
	r := rand.New(rand.NewPCG(seed, 0x5717))
	zones := make([]*time.Location, len(syntheticZones))
	total := 0
	for z, sz := range syntheticZones {
		loc, err := time.LoadLocation(sz.name)
		if err != nil {
			loc = time.UTC
		}
		zones[z] = loc
		total += sz.weight
	}
	sectors := []string{"Public", "Private", "Non-profit", "Education", "Health", "Finance", "Technology", "Manufacturing"}
	functions := []string{"Operations", "Finance", "Engineering", "Sales", "Marketing", "People", "Legal", "Product", "Research", "Strategy"}
	orgs := max(1, n/5)
	people := make([]Person, n)
	for i := range people {
		p := &people[i]
		p.ID = fmt.Sprintf("p%06d", i+1)
		p.Name = fmt.Sprintf("Person %d", i+1)
		p.Level = 1 + min(5, int(r.NormFloat64()*1.2+3))
		p.Level = max(1, p.Level)
		p.Sector = sectors[r.IntN(len(sectors))]
		p.Industry = fmt.Sprintf("Industry %d", 1+r.IntN(30))
		// Organization sizes fall off steeply: a few large employers, many with one member.
		o := int(float64(orgs) * r.Float64() * r.Float64() * r.Float64())
		p.Organization = fmt.Sprintf("Org %d", o+1)
		p.Function = functions[r.IntN(len(functions))]
		x := r.IntN(total)
		for z, sz := range syntheticZones {
			if x -= sz.weight; x < 0 {
				p.Zone = zones[z]
				break
			}
		}
		var week schedule.Week
		days := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
		r.Shuffle(len(days), func(a, b int) { days[a], days[b] = days[b], days[a] })
		k := 2 + r.IntN(3)
		days = days[:k]
		for _, d := range sortedDays(days) {
			start := (7 + r.IntN(10)) * 60
			if r.IntN(5) == 0 {
				start = (17 + r.IntN(3)) * 60 // an evening
			}
			end := min(22*60, start+(2+r.IntN(4))*60)
			week = append(week, schedule.Window{Day: d, Start: start, End: end})
		}
		p.Week = week
		switch g := r.IntN(100); {
		case g < 47:
			p.Attrs = map[string]string{"gender": "woman"}
		case g < 95:
			p.Attrs = map[string]string{"gender": "man"}
		case g < 97:
			p.Attrs = map[string]string{"gender": "non-binary"}
		}
		if i > 0 && r.IntN(200) == 0 {
			p.Avoid = []string{fmt.Sprintf("p%06d", 1+r.IntN(i))}
		}
	}
	london, _ := time.LoadLocation("Europe/London")
	rng, _ := schedule.ParseRange("2027-01-11", "2027-06-28")
	return people, Settings{
		Min: 6, Max: 8, Range: rng, Minutes: 90, Reference: london,
		SeparateOrganizations: true, NeverAlone: []string{"gender"},
		Weights: DefaultWeights(), Seed: seed,
	}
}

func sortedDays(d []time.Weekday) []time.Weekday {
	out := append([]time.Weekday(nil), d...)
	for a := 1; a < len(out); a++ {
		for b := a; b > 0 && out[b] < out[b-1]; b-- {
			out[b], out[b-1] = out[b-1], out[b]
		}
	}
	return out
}

// CompareBaselines forms circles for people three ways with the same settings: the full
// search (ours), the greedy construction alone, and a random feasible construction (people
// in meeting-time order, each circle taking random people who fit). All three meet every hard
// constraint; compare their Score, Worst and per-criterion circle scores.
func CompareBaselines(ctx context.Context, people []Person, s Settings) (ours, greedy, random *Formation, err error) {
	if ours, err = form(ctx, people, s, modeSearch); err != nil {
		return nil, nil, nil, err
	}
	s.Progress = nil
	if greedy, err = form(ctx, people, s, modeGreedy); err != nil {
		return nil, nil, nil, err
	}
	if random, err = form(ctx, people, s, modeRandom); err != nil {
		return nil, nil, nil, err
	}
	return ours, greedy, random, nil
}

// Criteria returns the mean circle score of f per criterion, in the order Total, Level,
// Sector, Industry, Organization, Function, NeverAlone, for comparing formations.
func (f *Formation) Criteria() [7]float64 {
	var out [7]float64
	if f == nil || len(f.Circles) == 0 {
		return out
	}
	for _, c := range f.Circles {
		s := &c.Scores
		for k, v := range []float64{s.Total, s.Level, s.Sector, s.Industry, s.Organization, s.Function, s.NeverAlone} {
			out[k] += v
		}
	}
	for k := range out {
		out[k] /= float64(len(f.Circles))
	}
	return out
}

// CriteriaNames names the entries of Criteria.
var CriteriaNames = [7]string{"Total", "Level", "Sector", "Industry", "Organization", "Function", "NeverAlone"}
