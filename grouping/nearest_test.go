package grouping

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// nearSettings are the settings of the nearest-time tests: a program over
// both hemispheres' daylight-saving changes.
func nearSettings(t *testing.T) Settings {
	rng, err := schedule.ParseRange("2027-01-11", "2027-06-28")
	if err != nil {
		t.Fatal(err)
	}
	return Settings{Min: 3, Max: 5, Range: rng, Minutes: 90, Reference: mustZone(t, "Europe/London"),
		SeparateOrganizations: true, Weights: DefaultWeights()}
}

// weekFree marks the minutes of a week a person is free.
func weekFree(w schedule.Week) []bool {
	free := make([]bool, nearWeekMinutes)
	for _, win := range w {
		for m := win.Start; m < win.End; m++ {
			free[int(win.Day)*24*60+m] = true
		}
	}
	return free
}

// bruteSpans returns the minutes of her week the meetings of sl take, week by
// week, from the occurrences read on her clock.
func bruteSpans(sl schedule.Slot, s Settings, zone *time.Location) map[int]bool {
	span := map[int]bool{}
	for _, t := range schedule.Occurrences(sl, s.Reference, s.Range) {
		l := t.In(zone)
		m := int(l.Weekday())*24*60 + l.Hour()*60 + l.Minute()
		for k := range s.Minutes {
			span[(m+k)%nearWeekMinutes] = true
		}
	}
	return span
}

// bruteExtra is the minutes of sl's meetings on her clock she is not free.
func bruteExtra(sl schedule.Slot, s Settings, p Person) int {
	free := weekFree(p.Week)
	n := 0
	for m := range bruteSpans(sl, s, p.Zone) {
		if !free[m] {
			n++
		}
	}
	return n
}

// checkSuggestion proves a suggestion: with Add in her week she can make
// Slot on every week, Slot is a common time of the circle, the circle has a
// seat she may take, and no common time of the circle needs fewer extra minutes.
func checkSuggestion(t *testing.T, people []Person, s Settings, f *Formation, who int, sg Suggestion) {
	t.Helper()
	p := people[who]
	week := p.Week.Union(sg.Add)
	plan, err := schedule.NewPlan(s.Reference, s.Range, s.Minutes)
	if err != nil {
		t.Fatal(err)
	}
	if !plan.Slots(week, p.Zone).Has(sg.Slot) {
		t.Fatalf("%s with %s added: cannot make %s", p.Name, sg.Add, sg.Slot)
	}
	free := weekFree(week)
	for m := range bruteSpans(sg.Slot, s, p.Zone) {
		if !free[m] {
			t.Fatalf("%s with %s added: minute %d of a meeting at %s is not free", p.Name, sg.Add, m, sg.Slot)
		}
	}
	if got := bruteExtra(sg.Slot, s, p); got != sg.Extra {
		t.Errorf("%s at %s: got Extra %d, want %d", p.Name, sg.Slot, sg.Extra, got)
	}
	if sg.Circle < 0 {
		group := append([]int{who}, sg.Others...)
		if len(group) < s.Min || len(group) > s.Max {
			t.Fatalf("new circle of %d people, want %d to %d", len(group), s.Min, s.Max)
		}
		for _, x := range sg.Others {
			if !plan.Slots(people[x].Week, people[x].Zone).Has(sg.Slot) {
				t.Fatalf("%s cannot make %s", people[x].Name, sg.Slot)
			}
		}
		return
	}
	c := f.Circles[sg.Circle]
	if len(c.Members) >= s.Max {
		t.Fatalf("circle %d is full", sg.Circle+1)
	}
	joined := append(slices.Clone(c.Members), who)
	common := schedule.AllSlots()
	for _, m := range c.Members {
		common = common.And(plan.Slots(people[m].Week, people[m].Zone))
		if people[m].Organization == p.Organization && s.SeparateOrganizations {
			t.Fatalf("circle %d has %s of %s's organization", sg.Circle+1, people[m].Name, p.Name)
		}
	}
	if !common.Has(sg.Slot) {
		t.Fatalf("%s is not a common time of circle %d", sg.Slot, sg.Circle+1)
	}
	common.Each(func(sl schedule.Slot) bool {
		if e := bruteExtra(sl, s, p); e < sg.Extra {
			t.Errorf("%s could join circle %d at %s with %d extra minutes, fewer than the %d of %s", p.Name, sg.Circle+1, sl, e, sg.Extra, sg.Slot)
			return false
		}
		return true
	})
	// The engine agrees: with the window added she is in the circle without a problem.
	people2 := slices.Clone(people)
	people2[who].Week = week
	circles := make([][]int, len(f.Circles))
	for i, c := range f.Circles {
		circles[i] = c.Members
	}
	circles[sg.Circle] = joined
	f2, err := Evaluate(people2, s, circles)
	if err != nil {
		t.Fatal(err)
	}
	if pr := f2.Circles[sg.Circle].Problems; len(pr) > 0 || !slices.Contains(f2.Circles[sg.Circle].Slots, sg.Slot) {
		t.Fatalf("%s in circle %d: problems %v, slots %v, want none and %s among them", p.Name, sg.Circle+1, pr, f2.Circles[sg.Circle].Slots, sg.Slot)
	}
}

// evalNearest evaluates the circles of people and returns the formation with
// three ways in at most for each unplaced person.
func evalNearest(t *testing.T, people []Person, s Settings, circles [][]int) (*Formation, map[int][]Suggestion) {
	t.Helper()
	f, err := Evaluate(people, s, circles)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Nearest(people, s, f, 3)
	if err != nil {
		t.Fatal(err)
	}
	return f, got
}

func TestNearest_AcrossDaylightSaving(t *testing.T) {
	s := nearSettings(t)
	london, ny := mustZone(t, "Europe/London"), mustZone(t, "America/New_York")
	people := []Person{
		{ID: "a", Name: "Ana", Organization: "A", Zone: london, Week: mustWeek(t, "Tue 14:00-17:00")},
		{ID: "b", Name: "Bo", Organization: "B", Zone: london, Week: mustWeek(t, "Tue 14:00-17:00")},
		{ID: "c", Name: "Cy", Organization: "C", Zone: london, Week: mustWeek(t, "Tue 14:00-17:00")},
		// New York: 15:00 London is 10:00 there, but 11:00 from 14 to 28 March.
		{ID: "d", Name: "Di", Organization: "D", Zone: ny, Week: mustWeek(t, "Tue 07:00-09:30")},
	}
	f, got := evalNearest(t, people, s, [][]int{{0, 1, 2}})
	list := got[3]
	if len(list) != 1 {
		t.Fatalf("got %d suggestions for Di, want 1", len(list))
	}
	sg := list[0]
	// The earliest common time, 14:00 London, is 09:00 New York (10:00 for two weeks):
	// she is free until 09:30, so she needs 09:30-11:30.
	if sg.Slot.String() != "Tue 14:00" || sg.Add.String() != "Tue 09:00-11:30" || sg.Extra != 120 {
		t.Fatalf("got %s adding %s (%d extra minutes), want Tue 14:00 adding Tue 09:00-11:30 (120)", sg.Slot, sg.Add, sg.Extra)
	}
	if len(sg.Local) != 3 {
		t.Errorf("got local times %v, want three runs (09:00, 10:00 from 16 Mar, 09:00 from 30 Mar)", sg.Local)
	}
	checkSuggestion(t, people, s, f, 3, sg)
}

func TestNearest_SouthernHemisphere(t *testing.T) {
	s := nearSettings(t)
	london, sydney := mustZone(t, "Europe/London"), mustZone(t, "Australia/Sydney")
	people := []Person{
		{ID: "a", Name: "Ana", Organization: "A", Zone: london, Week: mustWeek(t, "Mon 06:00-12:00")},
		{ID: "b", Name: "Bo", Organization: "B", Zone: london, Week: mustWeek(t, "Mon 06:00-12:00")},
		{ID: "c", Name: "Cy", Organization: "C", Zone: london, Week: mustWeek(t, "Mon 06:00-12:00")},
		{ID: "d", Name: "Di", Organization: "D", Zone: sydney, Week: mustWeek(t, "Mon 17:00-19:00")},
	}
	f, got := evalNearest(t, people, s, [][]int{{0, 1, 2}})
	if len(got[3]) != 1 {
		t.Fatalf("got %v, want one suggestion", got[3])
	}
	checkSuggestion(t, people, s, f, 3, got[3][0])
}

func TestNearest_Rules(t *testing.T) {
	s := nearSettings(t)
	utc := mustZone(t, "Europe/London")
	wk := mustWeek(t, "Wed 10:00-12:00")
	people := []Person{
		{ID: "a", Name: "Ana", Organization: "Acme", Zone: utc, Week: wk},
		{ID: "b", Name: "Bo", Organization: "B", Zone: utc, Week: wk},
		{ID: "c", Name: "Cy", Organization: "C", Zone: utc, Week: wk},
		{ID: "d", Name: "Di", Organization: "D", Zone: utc, Week: mustWeek(t, "Thu 10:00-12:00")},
		{ID: "e", Name: "Ed", Organization: "E", Zone: utc, Week: mustWeek(t, "Thu 10:00-12:00")},
		{ID: "f", Name: "Fe", Organization: "F", Zone: utc, Week: mustWeek(t, "Thu 10:00-12:00")},
		{ID: "g", Name: "Gu", Organization: "G", Zone: utc, Week: mustWeek(t, "Fri 10:00-12:00")},
		{ID: "h", Name: "Hu", Organization: "H", Zone: utc, Week: mustWeek(t, "Fri 10:00-12:00")},
		{ID: "i", Name: "Io", Organization: "I", Zone: utc, Week: mustWeek(t, "Fri 10:00-12:00")},
		{ID: "j", Name: "Jo", Organization: "J", Zone: utc, Week: mustWeek(t, "Fri 10:00-12:00")},
		{ID: "k", Name: "Ki", Organization: "K", Zone: utc, Week: mustWeek(t, "Fri 10:00-12:00")},
		// Unplaced: of Acme, kept apart from Di, free on Monday only.
		{ID: "u", Name: "Uma", Organization: "acme", Zone: utc, Week: mustWeek(t, "Mon 10:00-12:00"), Avoid: []string{"d"}},
	}
	circles := [][]int{{0, 1, 2}, {3, 4, 5}, {6, 7, 8, 9, 10}}
	f, got := evalNearest(t, people, s, circles)
	if len(got[11]) != 0 {
		t.Fatalf("got %v: circle 1 holds Acme, circle 2 Di, circle 3 is full; want nothing", got[11])
	}
	s.SeparateOrganizations = false
	got, err := Nearest(people, s, f, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got[11]) != 1 || got[11][0].Circle != 0 || got[11][0].Add.String() != "Wed 10:00-11:30" {
		t.Fatalf("got %v, want circle 1 on Wed 10:00-11:30 with organizations mixed", got[11])
	}
}

func TestNearest_NewCircle(t *testing.T) {
	s := nearSettings(t)
	utc := mustZone(t, "Europe/London")
	people := []Person{
		{ID: "a", Name: "Ana", Organization: "A", Zone: utc, Week: mustWeek(t, "Wed 10:00-12:00")},
		{ID: "b", Name: "Bo", Organization: "B", Zone: utc, Week: mustWeek(t, "Wed 10:00-12:00")},
		{ID: "c", Name: "Cy", Organization: "B", Zone: utc, Week: mustWeek(t, "Wed 10:00-12:00")},
		{ID: "d", Name: "Di", Organization: "D", Zone: utc, Week: mustWeek(t, "Wed 10:00-12:00")},
		{ID: "u", Name: "Uma", Organization: "U", Zone: utc, Week: mustWeek(t, "Wed 09:00-10:30")},
	}
	f, got := evalNearest(t, people, s, nil)
	list := got[4]
	if len(list) == 0 {
		t.Fatal("got no way in for Uma, want a new circle on Wednesday")
	}
	sg := list[0]
	if sg.Circle != -1 || sg.Slot.String() != "Wed 10:00" || sg.Extra != 60 || len(sg.Others) != 3 {
		t.Fatalf("got %+v, want a new circle at Wed 10:00 with three others (one of B), 60 extra minutes", sg)
	}
	checkSuggestion(t, people, s, f, 4, sg)
}

func TestNearest_PropertiesOnRandomCohorts(t *testing.T) {
	s := nearSettings(t)
	plan, err := schedule.NewPlan(s.Reference, s.Range, s.Minutes)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for seed := range uint64(12) {
		r := rand.New(rand.NewPCG(seed, 7))
		people := randomCohort(r, 30)
		slots := make([]schedule.SlotSet, len(people))
		for i := range people {
			slots[i] = plan.Slots(people[i].Week, people[i].Zone)
		}
		// Circles by construction: people who share a time, some with a free seat.
		used := make([]bool, len(people))
		var circles [][]int
		for _, i := range r.Perm(len(people)) {
			sl, ok := slots[i].First()
			if used[i] || !ok {
				continue
			}
			c := []int{i}
			for j := range people {
				clash := slices.ContainsFunc(c, func(x int) bool {
					return people[x].Organization == people[j].Organization || slices.Contains(people[x].Avoid, people[j].ID) || slices.Contains(people[j].Avoid, people[x].ID)
				})
				if !used[j] && j != i && !clash && len(c) < 2+r.IntN(s.Max-1) && slots[j].Has(sl) {
					c = append(c, j)
				}
			}
			if len(c) < 2 || len(circles) == 4 {
				continue
			}
			for _, x := range c {
				used[x] = true
			}
			circles = append(circles, c)
		}
		f, got := evalNearest(t, people, s, circles)
		for who, list := range got {
			if len(list) > 3 {
				t.Fatalf("got %d suggestions, want at most 3", len(list))
			}
			for k, sg := range list {
				if k > 0 && sg.Extra < list[k-1].Extra {
					t.Fatalf("suggestions not ranked by extra minutes: %v", list)
				}
				checkSuggestion(t, people, s, f, who, sg)
				found++
			}
		}
	}
	if found < 20 {
		t.Fatalf("checked %d suggestions, want at least 20 for the test to prove anything", found)
	}
	t.Logf("checked %d suggestions", found)
}
