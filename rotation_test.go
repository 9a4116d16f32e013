package roundtable

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func members(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("m%02d", i)
	}
	return out
}

func holders(roles []RoleAssignment, role MeetingRole) []string {
	var out []string
	for _, r := range roles {
		if r.Role == role {
			out = append(out, r.UserID)
		}
	}
	return out
}

// Without absences, presenters go round the queue: in every cycle of n
// meetings each member presents exactly once, in queue order.
func TestSuggestRoles_FullCycles(t *testing.T) {
	for n := 1; n <= 9; n++ {
		r := Rotation{Members: members(n), Facilitator: "fac", Presenters: 1}
		for k := 0; k < 3*n; k++ {
			got := SuggestRoles(r)
			p := holders(got, RolePresenter)
			if want := r.Members[k%n]; len(p) != 1 || p[0] != want {
				t.Fatalf("n=%d meeting %d: got presenters %v, want [%s]", n, k, p, want)
			}
			if c := holders(got, RoleChair); len(c) != 1 || c[0] != "fac" {
				t.Fatalf("got facilitator %v, want [fac]", c)
			}
			r.Past = append(r.Past, RotationMeeting{Roles: got})
		}
	}
}

// A member who is away is skipped and keeps her place: she presents at the
// next meeting she attends, before those behind her in the queue.
func TestSuggestRoles_AwayKeepsPlace(t *testing.T) {
	r := Rotation{Members: []string{"ana", "ben", "cleo", "dev"}, Presenters: 1}
	step := func(away ...string) string {
		r.Away = away
		got := SuggestRoles(r)
		r.Past = append(r.Past, RotationMeeting{Roles: got, Absent: away})
		return holders(got, RolePresenter)[0]
	}
	if got := step(); got != "ana" {
		t.Fatalf("first: got %s, want ana", got)
	}
	if got := step("ben"); got != "cleo" {
		t.Fatalf("ben away: got %s, want cleo", got)
	}
	if got := step(); got != "ben" {
		t.Fatalf("ben back: got %s, want ben, who kept her place", got)
	}
	if got := step(); got != "dev" {
		t.Fatalf("then: got %s, want dev", got)
	}
	if got := step(); got != "ana" {
		t.Fatalf("second cycle: got %s, want ana", got)
	}
}

// A turn held while absent does not count: she is suggested again.
func TestSuggestRoles_AbsentTurnDoesNotCount(t *testing.T) {
	r := Rotation{Members: []string{"ana", "ben", "cleo"}, Presenters: 1}
	r.Past = []RotationMeeting{{Roles: []RoleAssignment{{Role: RolePresenter, UserID: "ana"}}, Absent: []string{"ana"}}}
	if got := holders(SuggestRoles(r), RolePresenter); !slices.Equal(got, []string{"ana"}) {
		t.Fatalf("got %v, want [ana]: her turn was missed", got)
	}
}

// Properties over random circles, absences and numbers of presenters:
// nobody away is suggested; each presenter has presented no more often than
// anyone present who is not suggested; the four rotating roles go to
// different people whenever there are enough people; nobody presents a
// second time while a member who was present at every chance has never
// presented.
func TestSuggestRoles_Properties(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 1))
	for trial := 0; trial < 400; trial++ {
		n := 1 + rng.IntN(12)
		r := Rotation{Members: members(n), Facilitator: "fac"}
		rng.Shuffle(n, func(i, j int) { r.Members[i], r.Members[j] = r.Members[j], r.Members[i] })
		presented := map[string]int{}
		for k := 0; k < 2*n+3; k++ {
			r.Presenters = rng.IntN(3)
			r.Away = nil
			for _, id := range r.Members {
				if rng.IntN(5) == 0 {
					r.Away = append(r.Away, id)
				}
			}
			if rng.IntN(7) == 0 {
				r.Away = append(r.Away, "fac")
			}
			got := SuggestRoles(r)
			here := n - len(r.Away)
			if slices.Contains(r.Away, "fac") {
				here++
			}
			for _, a := range got {
				if slices.Contains(r.Away, a.UserID) {
					t.Fatalf("trial %d: suggested %s as %s while away", trial, a.UserID, a.Role)
				}
			}
			pres := holders(got, RolePresenter)
			if want := min(r.Presenters, here); len(pres) != want {
				t.Fatalf("trial %d: got %d presenters, want %d", trial, len(pres), want)
			}
			for _, p := range pres {
				for _, id := range r.Members {
					if !slices.Contains(r.Away, id) && !slices.Contains(pres, id) && presented[id] < presented[p] {
						t.Fatalf("trial %d: %s presents (%d times before) while %s, present, has presented %d times",
							trial, p, presented[p], id, presented[id])
					}
				}
			}
			people := map[string]bool{}
			rotating := 0
			for _, a := range got {
				if a.Role != RoleChair {
					people[a.UserID] = true
					rotating++
				}
			}
			if here >= rotating && len(people) != rotating {
				t.Fatalf("trial %d: %d people for %d roles with %d members present: %v", trial, len(people), rotating, here, got)
			}
			if !slices.Equal(got, SuggestRoles(r)) {
				t.Fatalf("trial %d: two calls disagree", trial)
			}
			for _, p := range pres {
				presented[p]++
			}
			r.Past = append(r.Past, RotationMeeting{Roles: got, Absent: r.Away})
		}
	}
}

// People no longer in the circle and roles that do not rotate are ignored.
func TestSuggestRoles_IgnoresOthers(t *testing.T) {
	r := Rotation{Members: []string{"ana", "ben"}, Presenters: 1, Past: []RotationMeeting{{Roles: []RoleAssignment{
		{Role: RolePresenter, UserID: "gone"}, {Role: RoleChair, UserID: "ana"}, {Role: RolePresenter, UserID: "ana"},
	}}}}
	got := SuggestRoles(r)
	if p := holders(got, RolePresenter); !slices.Equal(p, []string{"ben"}) {
		t.Fatalf("got %v, want [ben]", p)
	}
	if c := holders(got, RoleChair); len(c) != 0 {
		t.Fatalf("got facilitator %v, want none without a circle facilitator", c)
	}
	if got := SuggestRoles(Rotation{}); len(got) != 0 {
		t.Fatalf("empty circle: got %v", got)
	}
}
