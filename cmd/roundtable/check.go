package main

import (
	"fmt"
	"slices"

	"github.com/roundtable/roundtable/grouping"
	"github.com/roundtable/roundtable/schedule"
)

// checkFormation verifies the hard constraints of f on its own, without
// trusting the engine: everyone is in one circle or unplaced exactly once,
// sizes lie within bounds, organizations are kept apart when asked, keep-apart
// pairs are apart, and each circle's first slot fits every member on every
// week. It returns the violations in words.
func checkFormation(people []grouping.Person, s grouping.Settings, f *grouping.Formation) []string {
	var out []string
	seen := make([]int, len(people))
	for c, circle := range f.Circles {
		for _, m := range circle.Members {
			if m < 0 || m >= len(people) {
				out = append(out, fmt.Sprintf("circle %d has member %d, who does not exist", c+1, m))
				continue
			}
			seen[m]++
		}
	}
	for _, u := range f.Unplaced {
		if u.Person < 0 || u.Person >= len(people) {
			out = append(out, fmt.Sprintf("unplaced person %d does not exist", u.Person))
			continue
		}
		seen[u.Person]++
		if u.Reason == "" {
			out = append(out, fmt.Sprintf("%s is unplaced without a reason", people[u.Person].ID))
		}
	}
	for i, n := range seen {
		if n != 1 {
			out = append(out, fmt.Sprintf("%s is listed %d times, want once", people[i].ID, n))
		}
	}
	if s.Circles > 0 && len(f.Circles) != s.Circles {
		out = append(out, fmt.Sprintf("got %d circles, want %d", len(f.Circles), s.Circles))
	}

	plan, err := schedule.NewPlan(s.Reference, s.Range, s.Minutes)
	if err != nil {
		return append(out, "settings: "+err.Error())
	}
	index := make(map[string]int, len(people))
	for i, p := range people {
		index[p.ID] = i
	}
	for c, circle := range f.Circles {
		name := fmt.Sprintf("circle %d", c+1)
		if n := len(circle.Members); n < s.Min || n > s.Max {
			out = append(out, fmt.Sprintf("%s has %d members, want %d–%d", name, n, s.Min, s.Max))
		}
		var members []int
		for _, m := range circle.Members {
			if m >= 0 && m < len(people) {
				members = append(members, m)
			}
		}
		if s.SeparateOrganizations {
			orgs := map[string]int{}
			for _, m := range members {
				if o := people[m].Organization; o != "" {
					if other, ok := orgs[o]; ok {
						out = append(out, fmt.Sprintf("%s: %s and %s are both from %s", name, people[other].ID, people[m].ID, o))
					}
					orgs[o] = m
				}
			}
		}
		for _, m := range members {
			for _, id := range people[m].Avoid {
				if j, ok := index[id]; ok && j != m && slices.Contains(members, j) {
					out = append(out, fmt.Sprintf("%s: %s asked to be kept apart from %s", name, people[m].ID, id))
				}
			}
		}
		if len(circle.Slots) == 0 {
			out = append(out, name+" has no meeting slot")
			continue
		}
		slot := circle.Slots[0]
		for _, m := range members {
			if !plan.Slots(people[m].Week, people[m].Zone).Has(slot) {
				out = append(out, fmt.Sprintf("%s: %s cannot make %s on every week", name, people[m].ID, slot))
			}
		}
	}
	return out
}
