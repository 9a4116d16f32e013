package grouping

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// allWeek is availability at every hour of the week.
func allWeek() schedule.Week {
	var w schedule.Week
	for d := time.Sunday; d <= time.Saturday; d++ {
		w = append(w, schedule.Window{Day: d, Start: 0, End: 1440})
	}
	return w
}

// waive returns people and settings with the rules of relax waived for person x alone: her
// availability is the whole week, her organization not given, her keep-apart pairs gone, and
// circles one smaller or larger (only her circle may use that).
func waive(people []Person, s Settings, x int, relax Rule) ([]Person, Settings) {
	out := slices.Clone(people)
	p := &out[x]
	if relax&RuleTime != 0 {
		p.Week, p.Zone = allWeek(), time.UTC
	}
	if relax&RuleOrganization != 0 {
		p.Organization = ""
	}
	if relax&RuleKeepApart != 0 {
		p.Avoid = nil
		for i := range out {
			out[i].Avoid = slices.DeleteFunc(slices.Clone(out[i].Avoid), func(id string) bool { return id == p.ID })
		}
	}
	if relax&RuleSize != 0 {
		s.Min, s.Max = max(1, s.Min-1), s.Max+1
	}
	return out, s
}

// applyWitness returns the circles of f changed by placement w of x.
func applyWitness(f *Formation, x int, w witness) [][]int {
	parts := make([][]int, len(f.Circles))
	for g, c := range f.Circles {
		parts[g] = slices.Clone(c.Members)
	}
	remove := func(y int) {
		for g := range parts {
			parts[g] = slices.DeleteFunc(parts[g], func(z int) bool { return z == y })
		}
	}
	if w.join >= 0 {
		if w.out >= 0 {
			remove(int(w.out))
			parts[w.to] = append(parts[w.to], int(w.out))
		}
		parts[w.join] = append(parts[w.join], x)
		return parts
	}
	fresh := []int{x}
	for _, y := range w.fresh {
		remove(int(y))
		fresh = append(fresh, int(y))
	}
	return append(parts, fresh)
}

// formationParts returns the circles of f as the model's parts, and its unplaced people.
func formationParts(f *Formation) (parts [][]int32, out []int32) {
	for _, c := range f.Circles {
		var p []int32
		for _, x := range c.Members {
			p = append(p, int32(x))
		}
		parts = append(parts, p)
	}
	for _, u := range f.Unplaced {
		out = append(out, int32(u.Person))
	}
	return parts, out
}

// checkReasons fails t unless every unplaced person of f has a reason whose every stated set of
// rules, waived for her alone, lets her be placed with everyone placed before still placed: the
// placement the diagnosis found is checked afresh by Evaluate. It returns the verdicts.
func checkReasons(t *testing.T, people []Person, s Settings, f *Formation) []verdict {
	t.Helper()
	md, err := newModel(people, s)
	if err != nil {
		t.Fatal(err)
	}
	parts, out := formationParts(f)
	vs := md.diagnose(parts, out)
	for k, v := range vs {
		u := f.Unplaced[k]
		if int(v.x) != u.Person {
			t.Fatalf("verdict %d: got person %d, want %d", k, v.x, u.Person)
		}
		if u.Reason != v.reason || len(u.Fixes) != len(v.fixes) {
			t.Errorf("person %d: got reason %q with fixes %v, want the diagnosis' %q", u.Person, u.Reason, u.Fixes, v.reason)
		}
		if len(v.fixes) == 0 && len(f.Circles) > 0 {
			t.Errorf("person %d: no fix although waiving every rule lets her join a circle", u.Person)
		}
		for _, w := range v.fixes {
			ps, ss := waive(people, s, u.Person, w.relax)
			g, err := Evaluate(ps, ss, applyWitness(f, u.Person, w))
			if err != nil {
				t.Fatal(err)
			}
			in := map[int]bool{}
			for ci, c := range g.Circles {
				for _, y := range c.Members {
					in[y] = true
				}
				if len(c.Problems) > 0 {
					t.Errorf("person %d, %s waived: circle %d has problems %q (reason %q)", u.Person, w.relax.Label(), ci+1, c.Problems, v.reason)
				}
			}
			if !in[u.Person] {
				t.Errorf("person %d, %s waived: got her unplaced", u.Person, w.relax.Label())
			}
			for _, p := range parts {
				for _, y := range p {
					if !in[int(y)] {
						t.Errorf("person %d, %s waived: got %d, placed before, unplaced", u.Person, w.relax.Label(), y)
					}
				}
			}
		}
	}
	return vs
}

// reasonCase builds people free at the same times from the organizations given.
func sameTimes(t *testing.T, orgs ...string) []Person {
	var people []Person
	for i, o := range orgs {
		people = append(people, Person{ID: fmt.Sprint("p", i), Name: fmt.Sprint("P", i), Level: 1 + i%5,
			Organization: o, Zone: time.UTC, Week: mustWeek(t, "Mon 09:00-12:00;Thu 14:00-17:00")})
	}
	return people
}

func fixesOf(v verdict) []Rule {
	var out []Rule
	for _, w := range v.fixes {
		out = append(out, w.relax)
	}
	return out
}

// placedIn reports whether person x is in a circle of f.
func placedIn(f *Formation, x int) bool {
	for _, c := range f.Circles {
		if slices.Contains(c.Members, x) {
			return true
		}
	}
	return false
}

// TestReasons_Organization: 14 people of 5 organizations, all free at the same times, with
// organizations kept apart and circles of 6–8: no circle can form, and the organization rule
// (or the size) is what stops each one — not the time.
func TestReasons_Organization(t *testing.T) {
	var orgs []string
	for i := range 14 {
		orgs = append(orgs, []string{"Acme", "Beta", "Cora", "Dune", "Echo"}[i%5])
	}
	people := sameTimes(t, orgs...)
	s := baseSettings(t)
	s.Min, s.Max = 6, 8
	f, err := Form(context.Background(), people, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Circles) != 0 || len(f.Unplaced) != 14 {
		t.Fatalf("got %d circles, %d unplaced; want 0 and 14", len(f.Circles), len(f.Unplaced))
	}
	vs := checkReasons(t, people, s, f)
	for _, v := range vs {
		if got := fixesOf(v); !slices.Equal(got, []Rule{RuleOrganization, RuleSize}) {
			t.Errorf("person %d: got fixes %v, want organization and size", v.x, got)
		}
		if !strings.Contains(v.reason, "Organizations kept apart:") || !strings.Contains(v.reason, "only 5 organizations are among the people free at Mon 10:00 (Europe/London), and a circle needs 6 from different ones") ||
			strings.Contains(v.reason, "Meeting time") {
			t.Errorf("person %d: got %q, want the organization rule named", v.x, v.reason)
		}
	}
	t.Log(vs[0].reason)
	// Re-run with the rule waived for one person: only a circle with her can form, and it does.
	ps, _ := waive(people, s, 3, RuleOrganization)
	g, err := Form(context.Background(), ps, s)
	if err != nil {
		t.Fatal(err)
	}
	if !placedIn(g, 3) {
		t.Errorf("organization waived for person 3: got her unplaced (%d circles)", len(g.Circles))
	}
}

// TestReasons_KeepApart: four people, circles of exactly 4, one asks not to be with another.
func TestReasons_KeepApart(t *testing.T) {
	people := sameTimes(t, "A", "B", "C", "D")
	people[0].Avoid = []string{"p1"}
	s := baseSettings(t)
	s.Min, s.Max = 4, 4
	f, err := Form(context.Background(), people, s)
	if err != nil {
		t.Fatal(err)
	}
	vs := checkReasons(t, people, s, f)
	if len(vs) != 4 {
		t.Fatalf("got %d unplaced, want 4", len(vs))
	}
	if got := fixesOf(vs[0]); !slices.Equal(got, []Rule{RuleKeepApart, RuleSize}) {
		t.Errorf("got fixes %v for the one asking, want keep-apart and size", got)
	}
	if !strings.Contains(vs[0].reason, "Kept apart on request:") || !strings.Contains(vs[0].reason, "P1, from whom they are to be kept apart") {
		t.Errorf("got %q, want the keep-apart pair named", vs[0].reason)
	}
	if got := fixesOf(vs[2]); !slices.Equal(got, []Rule{RuleSize}) || !strings.Contains(vs[2].reason, "that makes only 3, and circles need at least 4") {
		t.Errorf("got fixes %v, %q for a third person, want the size", got, vs[2].reason)
	}
	ps, _ := waive(people, s, 0, RuleKeepApart)
	if g, err := Form(context.Background(), ps, s); err != nil || !placedIn(g, 0) {
		t.Errorf("keep-apart waived: got %v, want her placed", err)
	}
}

// TestReasons_Size: nine people free on Monday and three only on Friday, circles of exactly 4:
// two circles meet on Monday, and a fifth seat in one of them would place the ninth (as would
// her joining the Friday people).
func TestReasons_Size(t *testing.T) {
	people := sameTimes(t, "A", "B", "C", "D", "E", "F", "G", "H", "I")
	for i, o := range []string{"J", "K", "L"} {
		people = append(people, Person{ID: fmt.Sprint("f", i), Name: fmt.Sprint("F", i), Organization: o, Level: 2,
			Zone: time.UTC, Week: mustWeek(t, "Fri 09:00-12:00")})
	}
	s := baseSettings(t)
	s.Min, s.Max = 4, 4
	f, err := Form(context.Background(), people, s)
	if err != nil {
		t.Fatal(err)
	}
	vs := checkReasons(t, people, s, f)
	var monday []verdict
	for _, v := range vs {
		if v.x < 9 {
			monday = append(monday, v)
		} else if !slices.Equal(fixesOf(v), []Rule{RuleSize}) || !strings.Contains(v.reason, "that makes only 3, and circles need at least 4") {
			t.Errorf("got %v, %q for a Friday person, want the size", fixesOf(v), v.reason)
		}
	}
	// She could also meet on Friday with the three there: time is a true reason too.
	if len(monday) != 1 || !slices.Equal(fixesOf(monday[0]), []Rule{RuleTime, RuleSize}) || !strings.Contains(monday[0].reason, "it is full with 4") {
		t.Fatalf("got %+v, want one Monday person kept out by the time or the size", monday)
	}
	t.Log(monday[0].reason)
	s.Max = 5
	if g, err := Form(context.Background(), people, s); err != nil || !placedIn(g, int(monday[0].x)) {
		t.Errorf("circles of up to 5: got %v, want her placed", err)
	}
}

// TestReasons_Time: five people free on Monday form a circle; one free only on Friday cannot
// join it.
func TestReasons_Time(t *testing.T) {
	people := sameTimes(t, "A", "B", "C", "D", "E")
	people = append(people, Person{ID: "fri", Name: "Fay", Organization: "F", Level: 2, Zone: mustZone(t, "Europe/Paris"),
		Week: mustWeek(t, "Fri 09:00-12:00")})
	s := baseSettings(t)
	s.Min, s.Max = 3, 6
	s.Circles = 1
	f, err := Form(context.Background(), people, s)
	if err != nil {
		t.Fatal(err)
	}
	vs := checkReasons(t, people, s, f)
	if len(vs) != 1 || vs[0].x != 5 || !slices.Equal(fixesOf(vs[0]), []Rule{RuleTime}) {
		t.Fatalf("got %+v, want Fay kept out by the time", vs)
	}
	for _, want := range []string{"Meeting time:", "Fri 09:00-12:00 (Europe/Paris)", "Circle 1 would take them", "(Europe/London), a time they cannot make"} {
		if !strings.Contains(vs[0].reason, want) {
			t.Errorf("got %q, want it to contain %q", vs[0].reason, want)
		}
	}
	t.Log(vs[0].reason)
	ps, _ := waive(people, s, 5, RuleTime)
	if g, err := Form(context.Background(), ps, s); err != nil || !placedIn(g, 5) {
		t.Errorf("time waived: got %v, want her placed", err)
	}
}

// TestReasons_PropertiesOnRandomCohorts: on random small cohorts every reason is true.
func TestReasons_PropertiesOnRandomCohorts(t *testing.T) {
	checked := 0
	for seed := uint64(1); seed <= 40; seed++ {
		r := rand.New(rand.NewPCG(seed, 11))
		n := 8 + r.IntN(23)
		people := randomCohort(r, n)
		for i := range people {
			if r.IntN(6) == 0 {
				people[i].Avoid = append(people[i].Avoid, fmt.Sprint("id", r.IntN(n)))
			}
		}
		s := baseSettings(t)
		s.Seed, s.Iterations = seed, 5000
		s.Min = 3 + r.IntN(3)
		s.Max = s.Min + r.IntN(3)
		s.SeparateOrganizations = r.IntN(3) > 0
		f, err := Form(context.Background(), people, s)
		if err != nil {
			continue // sizes no split admits
		}
		checkFormation(t, people, s, f)
		checked += len(checkReasons(t, people, s, f))
	}
	if checked < 50 {
		t.Errorf("got %d unplaced people checked, want at least 50", checked)
	}
}

// BenchmarkDiagnose times the reasons for everyone a formation of 2,000 people leaves out.
func BenchmarkDiagnose(b *testing.B) {
	people, s := Synthetic(2000, 1)
	s.SeparateOrganizations = true
	s.Time = 2 * time.Second
	f, err := Form(context.Background(), people, s)
	if err != nil {
		b.Fatal(err)
	}
	md, err := newModel(people, s)
	if err != nil {
		b.Fatal(err)
	}
	parts, out := formationParts(f)
	b.Logf("%d unplaced of %d", len(out), len(people))
	for b.Loop() {
		md.diagnose(parts, out)
	}
}

// TestReasons_ClockChanges: a London window long enough for a session holds no UTC slot on
// every week once the clocks change, and the reason says so; a window too short for the
// quarter-hour grid does not blame the clocks.
func TestReasons_ClockChanges(t *testing.T) {
	people := sameTimes(t, "A", "B", "C")
	people = append(people,
		Person{ID: "lon", Name: "Lou", Organization: "D", Zone: mustZone(t, "Europe/London"), Week: mustWeek(t, "Mon 15:30-17:30")},
		Person{ID: "odd", Name: "Odd", Organization: "E", Zone: time.UTC, Week: mustWeek(t, "Mon 09:10-10:40")})
	s := baseSettings(t)
	s.Min, s.Max, s.Reference = 3, 5, time.UTC
	f, err := Form(context.Background(), people, s)
	if err != nil {
		t.Fatal(err)
	}
	vs := checkReasons(t, people, s, f)
	got := map[int32]string{}
	for _, v := range vs {
		got[v.x] = v.reason
	}
	if !strings.Contains(got[3], "holds no 90-minute weekly window that fits every week of the program, because clock changes move it against UTC") {
		t.Errorf("got %q for Lou, want the clock changes named", got[3])
	}
	if r := got[4]; !strings.Contains(r, "holds no 90-minute weekly window on every week") || strings.Contains(r, "clock") {
		t.Errorf("got %q for Odd, want a window too short, not the clocks", r)
	}
}
