package roundtable

import "testing"

func TestLapseRules_Crossing(t *testing.T) {
	r := DefaultLapseRules("p")
	for _, c := range []struct {
		name   string
		missed []bool
		at     int
		rule   LapseRule
		count  int
		ok     bool
	}{
		{"None", nil, 0, "", 0, false},
		{"OneEarly", []bool{true}, 0, "", 0, false},
		{"TwoInARow", []bool{false, true, true}, 2, RuleInARow, 2, true},
		{"ThreeInARowSameCrossing", []bool{false, true, true, true}, 2, RuleInARow, 3, true},
		{"CameBack", []bool{true, true, false, false, false, false, false}, 0, "", 0, false},
		{"AThirdIsNotMore", []bool{true, false, false}, 0, "", 0, false},
		{"TwoOfFive", []bool{false, true, false, false, true}, 4, RuleShare, 2, true},
		{"NewCrossing", []bool{true, true, false, false, false, false, true, true}, 6, RuleInARow, 2, true}, // 3 of 7 at 6, then two in a row
	} {
		t.Run(c.name, func(t *testing.T) {
			at, rule, count, _, ok := r.Crossing(c.missed)
			if at != c.at || rule != c.rule || count != c.count || ok != c.ok {
				t.Fatalf("got %d %q %d %v, want %d %q %d %v", at, rule, count, ok, c.at, c.rule, c.count, c.ok)
			}
		})
	}
}

func TestLapseRules_Validate(t *testing.T) {
	for _, r := range []LapseRules{{InARow: 1, ShareOf: 3}, {InARow: 11, ShareOf: 3}, {InARow: 2, ShareOf: 5}, {InARow: -1, ShareOf: 0}} {
		if err := r.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%+v: got %v, want EINVALID", r, err)
		}
	}
	for _, r := range []LapseRules{{InARow: 0, ShareOf: 0}, {InARow: 2, ShareOf: 3}, {InARow: 10, ShareOf: 2}} {
		if err := r.Validate(); err != nil {
			t.Errorf("%+v: got %v, want no error", r, err)
		}
	}
}
