package grouping

import (
	"reflect"
	"testing"
)

func TestGenerateCohort(t *testing.T) {
	people, s := GenerateCohort(1000, 7)
	again, _ := GenerateCohort(1000, 7)
	if !reflect.DeepEqual(people, again) {
		t.Fatal("got two cohorts for one seed, want the same")
	}
	if s.Min != 6 || s.Max != 8 || s.Minutes != 90 || !s.SeparateOrganizations || s.Reference.String() != "UTC" {
		t.Errorf("got settings %+v, want circles of 6–8, 90 minutes, organizations apart, UTC", s)
	}
	zones, orgs, levels, avoid := map[string]bool{}, map[string]int{}, make([]int, 7), 0
	for _, p := range people {
		zones[p.Zone.String()] = true
		orgs[p.Organization]++
		levels[p.Level]++
		if len(p.Avoid) > 0 {
			avoid++
		}
		if len(p.Week) < 2 || len(p.Week) > 5 {
			t.Errorf("%s: got %d windows, want 2–5", p.ID, len(p.Week))
		}
		for k, w := range p.Week {
			if d := w.End - w.Start; d < 120 || d > 240 {
				t.Errorf("%s: got a window of %d minutes, want 2–4 hours", p.ID, d)
			}
			if k > 0 && p.Week[k-1].Day == w.Day && p.Week[k-1].End >= w.Start {
				t.Errorf("%s: windows %v overlap or touch", p.ID, p.Week)
			}
		}
	}
	if len(zones) != 20 {
		t.Errorf("got %d zones, want 20", len(zones))
	}
	if levels[0] != 0 || levels[6] != 0 || levels[1] <= levels[3] || levels[3] <= levels[5] || levels[5] == 0 {
		t.Errorf("got levels %v, want 1–5 skewed low", levels[1:6])
	}
	if avoid < 20 || avoid > 30 {
		t.Errorf("got %d people naming someone to keep apart, want about 3 %%", avoid)
	}
	single, biggest := 0, 0
	for _, c := range orgs {
		if c == 1 {
			single++
		}
		biggest = max(biggest, c)
	}
	if biggest < 40 || single < 100 {
		t.Errorf("got the biggest organization with %d and %d with one applicant, want a few big ones and a long tail", biggest, single)
	}
}
