package grouping

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// backfillCase is one call of BackfillWith, kept to check its answer.
type backfillCase struct {
	people    []Person
	s         Settings
	current   [][]int
	newcomers []int
	opt       BackfillOptions
}

func (bc *backfillCase) run(t *testing.T) *Formation {
	t.Helper()
	f, err := BackfillWith(context.Background(), bc.people, bc.s, bc.current, bc.newcomers, bc.opt)
	if err != nil {
		t.Fatal(err)
	}
	bc.check(t, f)
	return f
}

// canMakeFixed recomputes from scratch whether person x can make a fixed slot.
func (bc *backfillCase) canMakeFixed(t *testing.T, fx *FixedSlot, x int) bool {
	t.Helper()
	ref := fx.Zone
	if ref == nil {
		ref = bc.s.Reference
	}
	plan, err := schedule.NewPlan(ref, bc.s.Range, bc.s.Minutes)
	if err != nil {
		t.Fatal(err)
	}
	return plan.Slots(bc.people[x].Week, bc.people[x].Zone).Has(fx.Slot)
}

// check fails t unless f keeps BackfillWith's promises: everyone of current and newcomers
// exactly once, in a circle or unplaced with a reason; members stay unless moved, once each,
// at most one move per placed newcomer; circles no larger than Max; and everyone who joins a
// circle (newcomer or moved) makes its fixed slot, keeps a common slot for an open one, and
// brings no one of the same organization nor anyone they are to be kept apart from.
func (bc *backfillCase) check(t *testing.T, f *Formation) {
	t.Helper()
	people, s := bc.people, bc.s
	if len(f.Circles) != len(bc.current) {
		t.Fatalf("got %d circles, want the %d given", len(f.Circles), len(bc.current))
	}
	was := map[int]int{} // member → circle before
	for g, c := range bc.current {
		for _, x := range c {
			was[x] = g
		}
	}
	isNew := map[int]bool{}
	for _, x := range bc.newcomers {
		if _, in := was[x]; !in {
			isNew[x] = true
		}
	}
	seen := map[int]int{}
	now := map[int]int{}
	for g, c := range f.Circles {
		for _, x := range c.Members {
			seen[x]++
			now[x] = g
		}
	}
	for _, u := range f.Unplaced {
		seen[u.Person]++
		if !isNew[u.Person] {
			t.Errorf("unplaced %d: got a member of a circle listed, want only newcomers", u.Person)
		}
		if u.Reason == "" {
			t.Errorf("unplaced %d: empty reason", u.Person)
		}
	}
	for x := range people {
		_, member := was[x]
		want := 0
		if member || isNew[x] {
			want = 1
		}
		if seen[x] != want {
			t.Errorf("person %d: seen %d times, want %d", x, seen[x], want)
		}
	}
	moved := map[int]bool{}
	for _, x := range f.Moved {
		moved[x] = true
		g, member := was[x]
		if !member || slices.Contains(bc.opt.Stay, x) {
			t.Errorf("moved %d: got a newcomer or someone who must stay, want a movable member", x)
		} else if now[x] == g {
			t.Errorf("moved %d: still in circle %d", x, g)
		}
	}
	if len(moved) != len(f.Moved) {
		t.Errorf("got moved %v, want each member at most once", f.Moved)
	}
	placed := 0
	for x := range isNew {
		if _, ok := now[x]; ok {
			placed++
		}
	}
	if len(f.Moved) > placed {
		t.Errorf("got %d moves for %d placed newcomers, want at most one each", len(f.Moved), placed)
	}
	if bc.opt.NoMoves && len(f.Moved) > 0 {
		t.Errorf("got moved %v, want nobody moved", f.Moved)
	}
	ids := map[string]int{}
	for i, p := range people {
		ids[p.ID] = i
	}
	plan, err := schedule.NewPlan(s.Reference, s.Range, s.Minutes)
	if err != nil {
		t.Fatal(err)
	}
	for g, c := range f.Circles {
		if n, before := len(c.Members), len(bc.current[g]); n > max(s.Max, before) {
			t.Errorf("circle %d: got %d members, want at most %d", g, n, s.Max)
		}
		var fx *FixedSlot
		if bc.opt.Fixed != nil {
			fx = bc.opt.Fixed[g]
		}
		commonBefore, common := schedule.AllSlots(), schedule.AllSlots()
		for _, x := range bc.current[g] {
			commonBefore = commonBefore.And(plan.Slots(people[x].Week, people[x].Zone))
		}
		for _, x := range c.Members {
			common = common.And(plan.Slots(people[x].Week, people[x].Zone))
		}
		for _, x := range c.Members {
			if was[x] == g && !isNew[x] {
				continue // was here before
			}
			if fx != nil && !bc.canMakeFixed(t, fx, x) {
				t.Errorf("circle %d: %s joined but cannot make the fixed slot %v", g, people[x].Name, fx.Slot)
			}
			for _, y := range c.Members {
				if y == x {
					continue
				}
				if s.SeparateOrganizations && normKey(people[x].Organization) != "" && normKey(people[x].Organization) == normKey(people[y].Organization) {
					t.Errorf("circle %d: %s joined %s of the same organization", g, people[x].Name, people[y].Name)
				}
				for _, id := range people[x].Avoid {
					if ids[id] == y {
						t.Errorf("circle %d: %s joined %s, whom they are to be kept apart from", g, people[x].Name, people[y].Name)
					}
				}
				for _, id := range people[y].Avoid {
					if ids[id] == x {
						t.Errorf("circle %d: %s joined %s, who is to be kept apart from them", g, people[x].Name, people[y].Name)
					}
				}
			}
		}
		if fx == nil && !commonBefore.IsEmpty() && common.IsEmpty() {
			t.Errorf("circle %d: lost its common slot", g)
		}
	}
}

// placement maps each placed newcomer to their circle.
func placement(f *Formation, newcomers []int) map[int]int {
	out := map[int]int{}
	for g, c := range f.Circles {
		for _, x := range c.Members {
			if slices.Contains(newcomers, x) {
				out[x] = g
			}
		}
	}
	return out
}

func smallSettings(t *testing.T) Settings {
	s := baseSettings(t)
	s.Min, s.Max = 3, 4
	s.NeverAlone = nil
	return s
}

func fixedAt(t *testing.T, slot string, zone *time.Location) *FixedSlot {
	t.Helper()
	sl, err := schedule.ParseSlot(slot)
	if err != nil {
		t.Fatal(err)
	}
	return &FixedSlot{Slot: sl, Zone: zone}
}

// TestBackfillWith_FixedSlot: a circle that meets on Tuesdays at 09:00 does not take someone
// who shares another of its members' common times but not that one.
func TestBackfillWith_FixedSlot(t *testing.T) {
	s := smallSettings(t)
	lon := s.Reference
	both := mustWeek(t, "Tue 09:00-12:00;Tue 14:00-17:00")
	people := []Person{
		{ID: "0", Name: "Ana", Organization: "A", Zone: lon, Week: both},
		{ID: "1", Name: "Bo", Organization: "B", Zone: lon, Week: both},
		{ID: "2", Name: "Cy", Organization: "C", Zone: lon, Week: both},
		{ID: "3", Name: "Di", Organization: "D", Zone: lon, Week: mustWeek(t, "Tue 14:00-17:00")},
		{ID: "4", Name: "Ed", Organization: "E", Zone: lon, Week: mustWeek(t, "Tue 08:30-10:30")},
	}
	bc := &backfillCase{people: people, s: s, current: [][]int{{0, 1, 2}}, newcomers: []int{3, 4},
		opt: BackfillOptions{Fixed: []*FixedSlot{fixedAt(t, "Tue 09:00", nil)}}}
	f := bc.run(t)
	if got, want := f.Circles[0].Members, []int{0, 1, 2, 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("got members %v, want %v", got, want)
	}
	if len(f.Unplaced) != 1 || f.Unplaced[0].Person != 3 || f.Unplaced[0].Reason != "no circle meets at a weekly time they can make" {
		t.Errorf("got unplaced %+v, want Di, who cannot make Tuesdays at 09:00", f.Unplaced)
	}
	if got := f.Circles[0].Slots; len(got) != 1 || got[0].String() != "Tue 09:00" {
		t.Errorf("got slots %v, want the fixed one", got)
	}
	if len(f.Circles[0].Problems) != 0 {
		t.Errorf("got problems %q, want none", f.Circles[0].Problems)
	}

	// Without the fixed slot the circle keeps a common time at 14:00 with Di.
	open := &backfillCase{people: people, s: s, current: [][]int{{0, 1, 2}}, newcomers: []int{3}}
	if f := open.run(t); !slices.Contains(f.Circles[0].Members, 3) {
		t.Errorf("got members %v, want Di placed in an open circle", f.Circles[0].Members)
	}
}

// TestBackfillWith_FixedSlotDST: a circle fixed at 09:00 New York time is 14:00 in London
// except for the weeks of March when America has changed its clocks and Europe has not yet;
// only a newcomer who can make 13:00 those weeks fits.
func TestBackfillWith_FixedSlotDST(t *testing.T) {
	s := smallSettings(t)
	lon, ny := s.Reference, mustZone(t, "America/New_York")
	nyWeek := mustWeek(t, "Tue 08:00-12:00")
	people := []Person{
		{ID: "0", Name: "Ana", Organization: "A", Zone: ny, Week: nyWeek},
		{ID: "1", Name: "Bo", Organization: "B", Zone: ny, Week: nyWeek},
		{ID: "2", Name: "Cy", Organization: "C", Zone: ny, Week: nyWeek},
		{ID: "3", Name: "Di", Organization: "D", Zone: lon, Week: mustWeek(t, "Tue 14:00-15:30")},
		{ID: "4", Name: "Ed", Organization: "E", Zone: lon, Week: mustWeek(t, "Tue 13:00-15:30")},
	}
	bc := &backfillCase{people: people, s: s, current: [][]int{{0, 1, 2}}, newcomers: []int{3, 4},
		opt: BackfillOptions{Fixed: []*FixedSlot{fixedAt(t, "Tue 09:00", ny)}}}
	f := bc.run(t)
	if got, want := f.Circles[0].Members, []int{0, 1, 2, 4}; !reflect.DeepEqual(got, want) {
		t.Errorf("got members %v, want %v", got, want)
	}
	if len(f.Unplaced) != 1 || f.Unplaced[0].Person != 3 {
		t.Errorf("got unplaced %+v, want Di", f.Unplaced)
	}
	if len(f.Circles[0].Slots) != 0 {
		t.Errorf("got slots %v, want none: the fixed slot is not named in London time", f.Circles[0].Slots)
	}

	// Off the quarter-hour grid the same rule holds, meeting by meeting.
	bc.opt.Fixed = []*FixedSlot{fixedAt(t, "Tue 09:05", ny)}
	people[4].Week = mustWeek(t, "Tue 13:00-15:40")
	f, err := BackfillWith(context.Background(), people, s, bc.current, bc.newcomers, bc.opt)
	if err != nil {
		t.Fatal(err)
	}
	if got := placement(f, bc.newcomers); !reflect.DeepEqual(got, map[int]int{4: 0}) {
		t.Errorf("got placements %v, want only Ed", got)
	}
}

// TestBackfillWith_MovedKeepFixedSlot: to make room, only a member who can make the other
// circle's fixed slot moves there.
func TestBackfillWith_MovedKeepFixedSlot(t *testing.T) {
	s := smallSettings(t)
	s.Min, s.Max = 2, 3
	lon := s.Reference
	tue := mustWeek(t, "Tue 09:00-12:00")
	fri := mustWeek(t, "Fri 09:00-17:00")
	people := []Person{
		// Bo could keep a common time with the Friday circle at 14:00, but it meets at 09:00.
		{ID: "0", Name: "Ana", Organization: "A", Zone: lon, Week: tue},
		{ID: "1", Name: "Bo", Organization: "B", Zone: lon, Week: mustWeek(t, "Tue 09:00-12:00;Fri 14:00-17:00")},
		{ID: "2", Name: "Cy", Organization: "C", Zone: lon, Week: mustWeek(t, "Tue 09:00-12:00;Fri 09:00-11:00")},
		{ID: "3", Name: "Di", Organization: "D", Zone: lon, Week: fri},
		{ID: "4", Name: "Ed", Organization: "E", Zone: lon, Week: fri},
		{ID: "5", Name: "Flo", Organization: "F", Zone: lon, Week: tue},
	}
	bc := &backfillCase{people: people, s: s, current: [][]int{{0, 1, 2}, {3, 4}}, newcomers: []int{5},
		opt: BackfillOptions{Fixed: []*FixedSlot{fixedAt(t, "Tue 09:00", nil), fixedAt(t, "Fri 09:00", nil)}}}
	f := bc.run(t)
	if !reflect.DeepEqual(f.Moved, []int{2}) {
		t.Errorf("got moved %v, want Cy (2), who can make Fridays at 09:00", f.Moved)
	}
	if got := [][]int{f.Circles[0].Members, f.Circles[1].Members}; !reflect.DeepEqual(got, [][]int{{0, 1, 5}, {2, 3, 4}}) {
		t.Errorf("got circles %v", got)
	}

	// Cy must stay: nobody else can make way.
	bc.opt.Stay = []int{2}
	f = bc.run(t)
	if len(f.Moved) != 0 || len(f.Unplaced) != 1 || f.Unplaced[0].Person != 5 {
		t.Errorf("got moved %v, unplaced %+v, want nobody moved and Flo unplaced", f.Moved, f.Unplaced)
	}
	if r := f.Unplaced[0].Reason; r != "every circle meeting at a time they can make is full (at most 3), and no member can move to make room" {
		t.Errorf("got reason %q", r)
	}

	// Without moves, nobody moves and the reason says the circle is full.
	bc.opt = BackfillOptions{Fixed: bc.opt.Fixed, NoMoves: true}
	f = bc.run(t)
	if len(f.Unplaced) != 1 || f.Unplaced[0].Reason != "every circle meeting at a time they can make is full (at most 3)" {
		t.Errorf("got unplaced %+v, want Flo, the circle full", f.Unplaced)
	}
}

// TestBackfillWith_MinimalMoves checks the number of moves on cases small enough to know
// the least number by hand.
func TestBackfillWith_MinimalMoves(t *testing.T) {
	s := smallSettings(t)
	s.Min, s.Max = 3, 3
	s.Weights = Weights{Level: 1}
	lon := s.Reference
	w := func(spec string) schedule.Week { return mustWeek(t, spec) }
	tue, wed, thu := "Tue 09:00-12:00", "Wed 09:00-12:00", "Thu 09:00-12:00"
	fixed := []*FixedSlot{fixedAt(t, "Tue 09:00", nil), fixedAt(t, "Wed 09:00", nil), fixedAt(t, "Thu 09:00", nil)}
	member := func(id, org, spec string, level int) Person {
		return Person{ID: id, Name: "P" + id, Organization: org, Zone: lon, Week: w(spec), Level: level}
	}
	cases := []struct {
		name      string
		people    []Person
		current   [][]int
		newcomers []int
		placed    int
		moves     int
	}{
		{
			// Each circle has one seat and every newcomer fits one circle directly.
			name: "NoneNeeded",
			people: []Person{
				member("0", "A", tue, 3), member("1", "B", tue, 3),
				member("2", "C", wed, 3), member("3", "D", wed, 3),
				member("4", "E", thu, 3), member("5", "F", thu, 3),
				member("6", "G", tue+";"+wed, 3), member("7", "H", wed, 3), member("8", "I", thu+";"+tue, 3),
			},
			current: [][]int{{0, 1}, {2, 3}, {4, 5}}, newcomers: []int{6, 7, 8}, placed: 3, moves: 0,
		},
		{
			// P6, whose level matches the Tuesday circle, takes its seat first; P8 then needs
			// it: P6 makes way for the Thursday circle, a newcomer moving instead of a member.
			name: "NewcomerMakesWay",
			people: []Person{
				member("0", "A", tue, 3), member("1", "B", tue, 3),
				member("2", "C", wed, 1), member("3", "D", wed, 1),
				member("4", "E", thu, 6), member("5", "F", thu, 6),
				member("6", "G", tue+";"+thu, 3), member("7", "H", tue+";"+wed, 1), member("8", "H", tue+";"+wed, 3),
			},
			current: [][]int{{0, 1}, {2, 3}, {4, 5}}, newcomers: []int{6, 7, 8}, placed: 3, moves: 0,
		},
		{
			// The Tuesday circle is full; one member who can also make Wednesdays moves.
			name: "OneMove",
			people: []Person{
				member("0", "A", tue, 3), member("1", "B", tue+";"+wed, 3), member("2", "C", tue, 3),
				member("3", "D", wed, 3), member("4", "E", wed, 3),
				member("5", "F", thu, 3), member("6", "G", thu, 3), member("7", "H", thu, 3),
				member("8", "I", tue, 3),
			},
			current: [][]int{{0, 1, 2}, {3, 4}, {5, 6, 7}}, newcomers: []int{8}, placed: 1, moves: 1,
		},
		{
			// Two Tuesday-only newcomers, one seat to free on Tuesdays: one move, one unplaced.
			name: "OneMoveOneLeft",
			people: []Person{
				member("0", "A", tue, 3), member("1", "B", tue+";"+wed, 3), member("2", "C", tue, 3),
				member("3", "D", wed, 3), member("4", "E", wed, 3),
				member("5", "F", thu, 3), member("6", "G", thu, 3),
				member("7", "H", tue, 3), member("8", "I", tue, 3),
			},
			current: [][]int{{0, 1, 2}, {3, 4}, {5, 6}}, newcomers: []int{7, 8}, placed: 1, moves: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bc := &backfillCase{people: tc.people, s: s, current: tc.current, newcomers: tc.newcomers,
				opt: BackfillOptions{Fixed: fixed}}
			f := bc.run(t)
			if got := len(placement(f, tc.newcomers)); got != tc.placed {
				t.Errorf("got %d placed (%v), want %d", got, f.Circles, tc.placed)
			}
			if len(f.Moved) != tc.moves {
				t.Errorf("got moved %v, want %d moves", f.Moved, tc.moves)
			}
		})
	}
}

// TestBackfillWith_PrefersShortCircles: a newcomer who fits two circles joins the one short
// of the minimum, even when the other would score better.
func TestBackfillWith_PrefersShortCircles(t *testing.T) {
	s := smallSettings(t)
	lon := s.Reference
	tue := mustWeek(t, "Tue 09:00-12:00")
	people := []Person{
		{ID: "0", Name: "Ana", Organization: "A", Zone: lon, Week: tue, Level: 3},
		{ID: "1", Name: "Bo", Organization: "B", Zone: lon, Week: tue, Level: 3},
		{ID: "2", Name: "Cy", Organization: "C", Zone: lon, Week: tue, Level: 3},
		{ID: "3", Name: "Di", Organization: "D", Zone: lon, Week: tue, Level: 6},
		{ID: "4", Name: "Ed", Organization: "E", Zone: lon, Week: tue, Level: 6},
		{ID: "5", Name: "Flo", Organization: "F", Zone: lon, Week: tue, Level: 3},
	}
	fixed := []*FixedSlot{fixedAt(t, "Tue 09:00", nil), fixedAt(t, "Tue 10:00", nil)}
	bc := &backfillCase{people: people, s: s, current: [][]int{{0, 1, 2}, {3, 4}}, newcomers: []int{5}, opt: BackfillOptions{Fixed: fixed}}
	f := bc.run(t)
	if got := placement(f, bc.newcomers); !reflect.DeepEqual(got, map[int]int{5: 1}) {
		t.Errorf("got %v, want Flo in the short circle", got)
	}
}

// randomBackfill is a cohort formed into circles with fixed slots, some of them in another
// zone and some open, after dropouts, with late joiners waiting.
func randomBackfill(t *testing.T, seed uint64) *backfillCase {
	t.Helper()
	people, s := Synthetic(400, seed)
	s.Iterations = 4000
	s.Workers = 2
	r := rand.New(rand.NewPCG(seed, 99))
	joined := 360
	f, err := Form(context.Background(), people[:joined], s)
	if err != nil {
		t.Fatal(err)
	}
	ny := mustZone(t, "America/New_York")
	bc := &backfillCase{people: people, s: s}
	for _, c := range f.Circles {
		members := slices.Clone(c.Members)
		// Now and then someone steps away.
		if r.IntN(3) == 0 {
			k := r.IntN(len(members))
			bc.newcomers = append(bc.newcomers, members[k])
			members = slices.Delete(members, k, k+1)
		}
		var fx *FixedSlot
		switch r.IntN(4) {
		case 0, 1:
			if len(c.Slots) > 0 {
				fx = &FixedSlot{Slot: c.Slots[0]}
			}
		case 2:
			fx = &FixedSlot{Slot: schedule.Slot{Day: time.Weekday(1 + r.IntN(5)), Start: (8 + r.IntN(9)) * 60}, Zone: ny}
		}
		bc.current = append(bc.current, members)
		bc.opt.Fixed = append(bc.opt.Fixed, fx)
	}
	for x := joined; x < len(people); x++ {
		bc.newcomers = append(bc.newcomers, x)
	}
	for _, u := range f.Unplaced {
		bc.newcomers = append(bc.newcomers, u.Person)
	}
	r.Shuffle(len(bc.newcomers), func(i, j int) { bc.newcomers[i], bc.newcomers[j] = bc.newcomers[j], bc.newcomers[i] })
	return bc
}

func TestBackfillWith_PropertiesOnRandomCohorts(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			bc := randomBackfill(t, seed)
			full := bc.run(t)
			if len(placement(full, bc.newcomers)) == 0 {
				t.Errorf("got nobody placed of %d newcomers, want some", len(bc.newcomers))
			}

			// Without moves: the same placements, less those that needed a move.
			bc.opt.NoMoves = true
			direct := bc.run(t)
			want := placement(full, bc.newcomers)
			for x, g := range placement(direct, bc.newcomers) {
				if want[x] != g {
					t.Errorf("newcomer %d: got circle %d without moves, want %d as with them", x, g, want[x])
				}
			}
			bc.opt.NoMoves = false

			// Some members pinned: none of them moves.
			for _, c := range bc.current {
				if len(c) > 0 {
					bc.opt.Stay = append(bc.opt.Stay, c[0])
				}
			}
			bc.run(t)
		})
	}
}

func TestBackfillWith_Deterministic(t *testing.T) {
	bc := randomBackfill(t, 3)
	a := bc.run(t)
	bc.s.Seed, bc.s.Workers = 42, 1
	b := bc.run(t)
	if !reflect.DeepEqual(a.Circles, b.Circles) || !reflect.DeepEqual(a.Unplaced, b.Unplaced) || !reflect.DeepEqual(a.Moved, b.Moved) {
		t.Errorf("two runs differ:\n%v %v %v\n%v %v %v", a.Circles, a.Unplaced, a.Moved, b.Circles, b.Unplaced, b.Moved)
	}
}

func TestBackfillWith_Errors(t *testing.T) {
	s := smallSettings(t)
	people := []Person{{ID: "0", Zone: s.Reference, Week: mustWeek(t, "Tue 09:00-12:00")}}
	ctx := context.Background()
	if _, err := BackfillWith(ctx, people, s, [][]int{{0}}, nil, BackfillOptions{Fixed: []*FixedSlot{nil, nil}}); err == nil {
		t.Error("got no error for two fixed slots and one circle")
	}
	if _, err := BackfillWith(ctx, people, s, [][]int{{0}}, nil, BackfillOptions{Fixed: []*FixedSlot{{Slot: schedule.Slot{Day: 9}}}}); err == nil {
		t.Error("got no error for an invalid slot")
	}
	if _, err := BackfillWith(ctx, people, s, [][]int{{0}}, []int{1}, BackfillOptions{}); err == nil {
		t.Error("got no error for a newcomer out of range")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := BackfillWith(cancelled, people, s, [][]int{{}}, []int{0}, BackfillOptions{}); err == nil {
		t.Error("got no error from a cancelled context")
	}
}
