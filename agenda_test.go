package roundtable

import (
	"strings"
	"testing"
)

// Every built-in format is valid as an agenda once planned, and has what
// the room needs: guidance everywhere, questions-only segments that take
// questions, rounds in turn.
func TestFormats(t *testing.T) {
	keys := map[string]bool{}
	for _, f := range Formats() {
		if keys[f.Key] || f.Key == "" || f.Name == "" || f.Description == "" {
			t.Errorf("format %q: duplicate key or missing name or description", f.Key)
		}
		keys[f.Key] = true
		if g, ok := FormatByKey(f.Key); !ok || g.Name != f.Name {
			t.Errorf("FormatByKey(%q): got %v, %v", f.Key, g.Name, ok)
		}
		segs := PlanAgenda(f.Segments, AgendaPlan{People: 7, Minutes: 120})
		if err := ValidateSegments(segs); err != nil {
			t.Errorf("format %s: %v", f.Key, err)
		}
		for _, s := range segs {
			if s.Guidance == "" || s.Roles == "" {
				t.Errorf("format %s, %q: no guidance or roles", f.Key, s.Title)
			}
			if s.Kind == SegmentQuestions && s.Board != BoardQuestions {
				t.Errorf("format %s, %q: a questions-only segment must take questions only", f.Key, s.Title)
			}
			if (s.Kind == SegmentRound || s.Kind == SegmentFollowUps) && s.Order != OrderRound {
				t.Errorf("format %s, %q: a round must go in turn", f.Key, s.Title)
			}
		}
	}
	for _, k := range []string{"check_in", "check_in_moments", "follow_ups", "case_clinic", "troika", "peer_assist", "action_learning", "discussion_synthesis"} {
		if !keys[k] {
			t.Errorf("format %s missing", k)
		}
	}
	if _, ok := FormatByKey("nope"); ok {
		t.Error("FormatByKey(nope): got a format")
	}
	// Formats are fresh copies: changing one changes nothing for the next.
	f, _ := FormatByKey("case_clinic")
	f.Segments[0].Title = "changed"
	if g, _ := FormatByKey("case_clinic"); g.Segments[0].Title == "changed" {
		t.Error("FormatByKey returns shared segments")
	}
}

func TestFormats_Minutes(t *testing.T) {
	for _, c := range []struct {
		key            string
		people, length int
		want           int
	}{
		{"case_clinic", 5, 90, 70},
		{"troika", 6, 60, 32}, // three rounds of ten, two minutes to form trios
		{"check_in", 7, 90, 21},
		{"peer_assist", 7, 60, 40},
		{"discussion_synthesis", 6, 90, 90},
		{"discussion_synthesis", 6, 0, 10},
	} {
		f, _ := FormatByKey(c.key)
		if got := f.Minutes(c.people, c.length); got != c.want {
			t.Errorf("%s with %d people in %d minutes: got %d minutes, want %d", c.key, c.people, c.length, got, c.want)
		}
	}
	tr, _ := FormatByKey("troika")
	clients := 0
	for _, s := range tr.Segments {
		if s.Kind == SegmentTurnedAway {
			clients++
		}
	}
	if clients != 3 || tr.GroupSize != 3 {
		t.Errorf("troika: got %d rounds with the client turned away in groups of %d, want 3 in trios", clients, tr.GroupSize)
	}
}

// Follow-ups open the meeting when commitments are open, sized by them,
// unless the agenda already has them.
func TestPlanAgenda_FollowUps(t *testing.T) {
	cc, _ := FormatByKey("case_clinic")
	got := PlanAgenda(cc.Segments, AgendaPlan{People: 5, FollowUps: 4, Minutes: 90})
	if got[0].Kind != SegmentFollowUps || got[0].Minutes != 8 || len(got) != len(cc.Segments)+1 {
		t.Fatalf("got first %+v, want follow-ups of 8 minutes first", got[0])
	}
	for i, s := range got {
		if s.Position != i || s.ID != "" {
			t.Fatalf("segment %d: position %d id %q", i, s.Position, s.ID)
		}
	}
	if got := PlanAgenda(cc.Segments, AgendaPlan{People: 5, Minutes: 90}); got[0].Kind == SegmentFollowUps {
		t.Fatal("follow-ups added with no open commitment")
	}
	// Added after an agenda that has them: not twice; positions follow on.
	before := PlanAgenda(nil, AgendaPlan{FollowUps: 2})
	if len(before) != 1 || before[0].Minutes != 4 {
		t.Fatalf("got %+v, want one follow-ups segment of 4 minutes", before)
	}
	ds, _ := FormatByKey("discussion_synthesis")
	more := PlanAgenda(ds.Segments, AgendaPlan{People: 6, FollowUps: 2, Minutes: 64, Before: before})
	if len(more) != 2 || more[0].Position != 1 || more[0].Minutes != 30 || more[1].Minutes != 30 {
		t.Fatalf("got %+v, want two halves of the 60 minutes left, from position 1", more)
	}
	// Action learning's reports are its follow-ups, sized by commitments.
	al, _ := FormatByKey("action_learning")
	got = PlanAgenda(al.Segments, AgendaPlan{People: 6, FollowUps: 3, Minutes: 120})
	if got[0].Title != "Reports on last actions" || got[0].Minutes != 6 {
		t.Fatalf("got %+v first, want the reports sized to 3 commitments", got[0])
	}
}

func TestValidateSegments(t *testing.T) {
	segs := []Segment{
		{Title: "  Check-in ", Kind: SegmentRound, Minutes: 10, Guidance: " Say \n hello "},
		{Title: "", Kind: "dance", Minutes: 0, Board: "anything", Order: "loud", Roles: strings.Repeat("r", 81), Guidance: strings.Repeat("g", 301)},
	}
	err := ValidateSegments(segs)
	f := ErrorFields(err)
	for _, k := range []string{"title_1", "minutes_1", "kind_1", "board_1", "order_1", "roles_1", "guidance_1"} {
		if f[k] == "" {
			t.Errorf("got no problem for %s", k)
		}
	}
	if len(f) != 7 {
		t.Errorf("got %v, want problems with the second segment only", f)
	}
	if segs[0].Title != "Check-in" || segs[0].Guidance != "Say hello" || segs[0].Order != OrderHands || segs[1].Position != 1 {
		t.Errorf("got %+v, want tidied", segs[0])
	}
	if err := ValidateSegments(make([]Segment, MaxSegments+1)); ErrorFields(err)["segments"] == "" {
		t.Error("too many segments: got no problem")
	}
	if err := ValidateSegments(nil); err != nil {
		t.Errorf("an empty agenda: got %v, want it allowed", err)
	}
}

func TestValidateRoles(t *testing.T) {
	got, err := ValidateRoles([]RoleAssignment{
		{Role: RolePresenter, UserID: "a"}, {Role: RolePresenter, UserID: "b"}, {Role: RolePresenter, UserID: "a"},
		{Role: RoleTimekeeper, UserID: " c "}, {Role: RoleNoteTaker, UserID: ""},
	})
	if err != nil || len(got) != 3 || got[2].UserID != "c" {
		t.Fatalf("got %v, %v; want two presenters and a timekeeper", got, err)
	}
	_, err = ValidateRoles([]RoleAssignment{{Role: RoleTimekeeper, UserID: "a"}, {Role: RoleTimekeeper, UserID: "b"}, {Role: "king", UserID: "c"}})
	if f := ErrorFields(err); f["timekeeper"] == "" || f["roles"] == "" {
		t.Fatalf("got %v, want problems with the timekeeper and the unknown role", err)
	}
}

func TestChallenge_Validate(t *testing.T) {
	c := &Challenge{Context: " ctx ", Tried: strings.Repeat("x", MaxChallengeText+1)}
	f := ErrorFields(c.Validate())
	if f["question"] == "" || f["tried"] == "" || f["context"] != "" || c.Context != "ctx" {
		t.Fatalf("got %v (%q), want the question required and what was tried too long", f, c.Context)
	}
	if err := (&Challenge{Question: "How?"}).Validate(); err != nil {
		t.Fatalf("got %v, want a question alone to be enough", err)
	}
}

func TestAgenda_Starts(t *testing.T) {
	a := &Agenda{StartsAt: nowUTC(), Segments: []Segment{{Minutes: 10}, {Minutes: 5}, {Minutes: 1}}}
	s := a.Starts()
	if s[0] != a.StartsAt || s[2].Sub(a.StartsAt).Minutes() != 15 || a.TotalMinutes() != 16 {
		t.Fatalf("got %v, want starts at 0, 10, 15 minutes", s)
	}
}
