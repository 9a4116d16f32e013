package main

import (
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable/grouping"
	"github.com/roundtable/roundtable/schedule"
)

func TestBench_MDGP(t *testing.T) {
	code, stdout, stderr := runCLI(t, "bench", "mdgp", "--dir", benchDir, "--filter", "Geo_n010_ss_01", "--seeds", "1", "--iterations", "1000")
	if code != 0 {
		t.Fatalf("got exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"instance", "bkv", "Geo_n010_ss_01", "class", "match"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("got %q, want it to contain %q", stdout, want)
		}
	}
}

func TestBench_Usage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"None", []string{"bench"}, 2, "bench needs mdgp, form, place, mail, room, pages or documents"},
		{"Unknown", []string{"bench", "tsp"}, 2, `unknown benchmark "tsp"`},
		{"NoMatch", []string{"bench", "mdgp", "--dir", benchDir, "--filter", "^Nothing$", "--seeds", "1"}, 1, "no instance"},
		{"BadSeeds", []string{"bench", "mdgp", "--seeds", "0"}, 2, "--seeds must be at least 1"},
		{"BadN", []string{"bench", "form", "--n", "0"}, 2, "--n must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("got exit %d and %q, want exit %d and %q\n%s", code, stderr, tt.code, tt.want, stdout)
			}
		})
	}
}

func TestBench_Form(t *testing.T) {
	code, stdout, stderr := runCLI(t, "bench", "form", "--n", "150", "--seconds", "0", "--iterations", "200", "--seed", "2", "--check-longer")
	if code != 0 {
		t.Fatalf("got exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"Synthetic cohort: 150 participants", "Time: ", "Peak memory: ", "Hard constraints (ours): all met",
		"Hard constraints (greedy): all met", "Hard constraints (random): all met", "vs greedy", "never alone", "10× longer run", "Quality gap"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("got %q, want it to contain %q", stdout, want)
		}
	}
}

// TestCheckFormation shows that the independent check catches each kind of
// broken hard constraint.
func TestCheckFormation(t *testing.T) {
	r, err := schedule.ParseRange("2027-01-11", "2027-06-28")
	if err != nil {
		t.Fatal(err)
	}
	week, _ := schedule.ParseWeek("Mon 09:00-12:00")
	ny, _ := time.LoadLocation("America/New_York")
	people := []grouping.Person{
		{ID: "a", Organization: "Acme", Week: week},
		{ID: "b", Organization: "Acme", Week: week, Avoid: []string{"c"}},
		{ID: "c", Organization: "Globex", Week: week},
		{ID: "d", Organization: "Initech", Week: week, Zone: ny}, // Mon 09:00 UTC is 04:00 or 05:00 in New York
		{ID: "e", Week: week},
	}
	s := grouping.Settings{Min: 2, Max: 3, Range: r, Minutes: 60, SeparateOrganizations: true}
	nine := schedule.Slot{Day: time.Monday, Start: 9 * 60}
	f := &grouping.Formation{
		Circles: []grouping.Circle{
			{Members: []int{0, 1, 2}, Slots: []schedule.Slot{nine}},
			{Members: []int{3}, Slots: []schedule.Slot{nine}},
			{Members: []int{2}},
		},
		Unplaced: []grouping.Unplaced{{Person: 3, Reason: "twice"}},
	}
	got := strings.Join(checkFormation(people, s, f), "\n")
	for _, want := range []string{
		"circle 1: a and b are both from Acme",
		"circle 1: b asked to be kept apart from c",
		"circle 2 has 1 members, want 2–3",
		"circle 2: d cannot make Mon 09:00 on every week",
		"circle 3 has no meeting slot",
		"c is listed 2 times, want once",
		"d is listed 2 times, want once",
		"e is listed 0 times, want once",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("got\n%s\nwant it to contain %q", got, want)
		}
	}
	ok := &grouping.Formation{
		Circles:  []grouping.Circle{{Members: []int{0, 2}, Slots: []schedule.Slot{nine}}, {Members: []int{1, 4}, Slots: []schedule.Slot{nine}}},
		Unplaced: []grouping.Unplaced{{Person: 3, Reason: "no common time"}},
	}
	if problems := checkFormation(people, s, ok); len(problems) > 0 {
		t.Errorf("got %q for a sound formation, want none", problems)
	}
}

func TestNewProgress_NotATerminal(t *testing.T) {
	var buf strings.Builder
	p := newProgress(&buf, "x")
	if p != nil {
		t.Fatalf("got a bar on a buffer, want none")
	}
	p.Set(0.5) // a nil bar is safe to use
	p.Clock(time.Second)
	p.Finish()
	if buf.Len() != 0 {
		t.Errorf("got %q written, want nothing", buf.String())
	}
}
