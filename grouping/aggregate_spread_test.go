package grouping

import (
	"strconv"
	"strings"
	"testing"
)

// TestAggregate_SpreadLP writes the spread program of seven people at one time and reads a
// solution of it back.
func TestAggregate_SpreadLP(t *testing.T) {
	a := &Aggregate{N: 7, Min: 3, Max: 4, Org: []int32{-1, -1, -1, -1, -1, -1, -1}, At: [][]int32{{0, 1, 2, 3, 4, 5, 6}}}
	levels := []int{1, 1, 1, 3, 3, 3, 5}
	var b strings.Builder
	if err := a.WriteSpreadLP(&b, levels, 6, 1.0); err != nil {
		t.Fatal(err)
	}
	lp := b.String()
	bands := spreadBands(levels)
	index := func(lo, hi int) string {
		for i, band := range bands {
			if band == (SpreadBand{lo, hi}) {
				return "z0_" + strconv.Itoa(i)
			}
		}
		t.Fatalf("no band %d–%d", lo, hi)
		return ""
	}
	// Bands whose ends are someone's level and that hold a circle's worth of people; not
	// 5–5 (one person), nor 2–3 (no one at level 2: 3–3 does as well).
	for _, want := range []string{index(1, 1), index(3, 3), index(1, 3), index(3, 5), index(1, 5), "placed:", ">= 6", "Generals", "Binaries"} {
		if !strings.Contains(lp, want) {
			t.Errorf("got a program without %q:\n%s", want, lp)
		}
	}
	for _, not := range []string{index(5, 5) + " ", index(2, 3) + " ", index(1, 2) + " "} {
		if strings.Contains(lp, not) {
			t.Errorf("got a program with %q:\n%s", not, lp)
		}
	}
	// Spread 0 − 1 for a circle of one level, 4 − 1 for the widest.
	if !strings.Contains(lp, "-1.000000 "+index(1, 1)) || !strings.Contains(lp, "+3.000000 "+index(1, 5)) {
		t.Errorf("got objective terms other than spread − μ:\n%s", lp)
	}
	circles, sum, err := SpreadOfSolution(map[string]float64{index(1, 1): 1, index(3, 5): 1, index(1, 3): 0, "x0_0_0": 1}, levels)
	if err != nil || circles != 2 || sum != 2 {
		t.Errorf("got %d circles of spread %d (%v), want 2 of 0 + 2", circles, sum, err)
	}
	if _, _, err := SpreadOfSolution(map[string]float64{"z0_99": 1}, levels); err == nil {
		t.Error("got no error for a band that does not exist")
	}
	if err := a.WriteSpreadLP(&b, levels[:3], 6, 1.0); err == nil {
		t.Error("got no error for levels of fewer people than the aggregate's")
	}

	// Circles as a starting solution: each in the band of its own levels.
	v, ok := a.SpreadValues([][]int{{0, 1, 2}, {3, 4, 6}}, levels)
	if !ok || v[index(1, 1)] != 1 || v[index(3, 5)] != 1 || v["x6_0_"+strings.TrimPrefix(index(3, 5), "z0_")] != 1 || len(v) != 8 {
		t.Errorf("got %v, want two circles, of bands 1–1 and 3–5, and their six people", v)
	}
	if circles, sum, err := SpreadOfSolution(v, levels); err != nil || circles != 2 || sum != 2 {
		t.Errorf("read back: got %d circles of spread %d (%v), want 2 of 0 + 2", circles, sum, err)
	}
	a.At = [][]int32{{0, 1, 2, 3, 4, 5}} // the sixth can make no time
	if _, ok := a.SpreadValues([][]int{{3, 4, 6}}, levels); ok {
		t.Error("got a start for a circle that has no common time")
	}
}
