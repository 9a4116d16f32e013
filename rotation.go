package roundtable

import (
	"slices"
	"sort"
)

// Rotation is what a fair suggestion of a meeting's roles is made from.
type Rotation struct {
	// Members are the user IDs of those who take turns, in queue order
	// (usually who joined first). The circle's own facilitator is not
	// among them: she runs every meeting unless the circle rotates it.
	Members []string
	// Facilitator is suggested as the meeting's facilitator; "" for none.
	Facilitator string
	// Past are the circle's earlier meetings, oldest first.
	Past []RotationMeeting
	// Away are the members who will not be at this meeting.
	Away []string
	// Presenters is how many presenters to suggest.
	Presenters int
}

// RotationMeeting is an earlier meeting as the rotation sees it: who held
// which role and who was not there. A role held by someone absent does not
// count as her turn.
type RotationMeeting struct {
	Roles  []RoleAssignment
	Absent []string
}

// rotated are the roles that go round, in the order they are filled: the
// presenters first, so the busiest role goes to whose turn it is, then the
// others among the remaining people where possible.
var rotated = []MeetingRole{RolePresenter, RoleTimekeeper, RoleNoteTaker, RoleOpener}

// SuggestRoles proposes who holds each role in the next meeting, fairly:
// for every role, whoever held it least often goes first, then whoever held
// it longest ago, then the queue order. Nobody therefore holds a role a
// second time before every member present has held it once. A member who
// is away is skipped and keeps her place: she comes first the next time she
// is there. A turn taken while absent does not count. The same person gets
// two roles only when there are too few people for all of them.
func SuggestRoles(r Rotation) []RoleAssignment {
	away := map[string]bool{}
	for _, id := range r.Away {
		away[id] = true
	}
	queue := map[string]int{}
	var here []string
	for i, id := range r.Members {
		if _, dup := queue[id]; dup || id == "" {
			continue
		}
		queue[id] = i
		if !away[id] {
			here = append(here, id)
		}
	}

	type turns struct{ count, last int }
	held := map[MeetingRole]map[string]*turns{}
	for _, role := range rotated {
		held[role] = map[string]*turns{}
		for id := range queue {
			held[role][id] = &turns{last: -1}
		}
	}
	for i, m := range r.Past {
		absent := map[string]bool{}
		for _, id := range m.Absent {
			absent[id] = true
		}
		for _, a := range m.Roles {
			t := held[a.Role][a.UserID]
			if t == nil || absent[a.UserID] {
				continue // not a rotated role, someone gone, or not there
			}
			t.count++
			t.last = i
		}
	}

	var out []RoleAssignment
	if r.Facilitator != "" && !away[r.Facilitator] {
		out = append(out, RoleAssignment{Role: RoleChair, UserID: r.Facilitator})
	}
	busy := map[string]bool{}
	for _, role := range rotated {
		ranked := append([]string(nil), here...)
		t := held[role]
		sort.SliceStable(ranked, func(i, j int) bool {
			a, b := t[ranked[i]], t[ranked[j]]
			if a.count != b.count {
				return a.count < b.count
			}
			if a.last != b.last {
				return a.last < b.last
			}
			return queue[ranked[i]] < queue[ranked[j]]
		})
		want := 1
		if role == RolePresenter {
			want = min(max(r.Presenters, 0), len(ranked))
		}
		// Free people first; someone already busy only when nobody is free.
		var picked []string
		for pass := 0; pass < 2 && len(picked) < want; pass++ {
			for _, id := range ranked {
				if len(picked) == want {
					break
				}
				if (pass == 0) == busy[id] || slices.Contains(picked, id) {
					continue
				}
				picked = append(picked, id)
			}
		}
		for _, id := range picked {
			busy[id] = true
			out = append(out, RoleAssignment{Role: role, UserID: id})
		}
	}
	return out
}
