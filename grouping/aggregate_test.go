package grouping

import (
	"math/rand/v2"
	"testing"
)

func TestAggregate_Deal(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for k := range 200 {
		y := 1 + r.IntN(4)
		a := &Aggregate{Min: 3, Max: 5, N: 30, Org: make([]int32, 30)}
		for p := range a.Org {
			a.Org[p] = int32(r.IntN(8)) - 1
		}
		a.Avoid = [][2]int32{{0, 1}, {2, 3}}
		var people []int32
		count := map[int32]int{}
		for _, p := range r.Perm(30)[:a.Min*y+r.IntN((a.Max-a.Min)*y+1)] {
			if o := a.Org[p]; o < 0 || count[o] < y {
				people = append(people, int32(p))
				count[a.Org[p]]++
			}
		}
		circles, ok := a.Deal(people, y, r)
		if len(people) < a.Min*y {
			if ok {
				t.Fatalf("case %d: dealt %d people into %d circles of %d–%d", k, len(people), y, a.Min, a.Max)
			}
			continue
		}
		if !ok {
			if y > 1 { // one circle cannot separate a pair; more always can here
				t.Fatalf("case %d: got no deal of %v into %d circles", k, people, y)
			}
			continue
		}
		total := 0
		for _, c := range circles {
			total += len(c)
			if len(c) < a.Min || len(c) > a.Max {
				t.Fatalf("case %d: got a circle of %d, want %d–%d", k, len(c), a.Min, a.Max)
			}
			seen := map[int32]bool{}
			for _, p := range c {
				if o := a.Org[p]; o >= 0 && seen[o] {
					t.Fatalf("case %d: organization %d twice in %v", k, o, c)
				} else {
					seen[o] = true
				}
			}
		}
		if total != len(people) || !a.apart(circles) {
			t.Fatalf("case %d: got %v from %d people, want all dealt with pairs apart", k, circles, len(people))
		}
	}
}

// TestAggregate_Values turns the greedy's circles into the integer program's variables and back.
func TestAggregate_Values(t *testing.T) {
	people, s := GenerateCohort(200, 4)
	a, err := NewAggregate(people, s)
	if err != nil {
		t.Fatal(err)
	}
	g, err := PlaceGreedy(people, s)
	if err != nil {
		t.Fatal(err)
	}
	var circles [][]int
	for _, c := range g.Circles {
		circles = append(circles, c.Members)
	}
	values, ok := a.Values(circles)
	if !ok {
		t.Fatal("got a greedy circle with no candidate time")
	}
	back, placed, dealt := a.Circles(values, rand.New(rand.NewPCG(1, 1)))
	if want := len(people) - len(g.Unplaced); placed != want || !dealt {
		t.Fatalf("got %d placed (dealt %v), want %d", placed, dealt, want)
	}
	f, err := Evaluate(people, s, back)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Circles {
		if len(c.Problems) > 0 || len(c.Slots) == 0 {
			t.Errorf("got a dealt circle with problems %v and %d slots", c.Problems, len(c.Slots))
		}
	}
}
