package sqldb

import (
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// Changing monthly meetings to every two weeks moves each meeting to the
// nearest new date, in order, and makes new meetings for the other dates.
func TestMatchInOrder(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 12, 1, 17, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	m := func(d int) *roundtable.Meeting { return &roundtable.Meeting{StartsAt: day(d)} }
	for _, c := range []struct {
		name  string
		ms    []*roundtable.Meeting
		dates []time.Time
		want  []int
	}{
		{"nearest", []*roundtable.Meeting{m(19), m(56)}, []time.Time{day(0), day(14), day(28), day(42), day(56)}, []int{1, 4}},
		{"more meetings than dates", []*roundtable.Meeting{m(6), m(13), m(20), m(27)}, []time.Time{day(8), day(22)}, []int{0, -1, 1, -1}},
		{"no dates", []*roundtable.Meeting{m(1)}, nil, []int{-1}},
		{"no meetings", nil, []time.Time{day(1)}, []int{}},
	} {
		got := matchInOrder(c.ms, c.dates)
		if len(got) != len(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
				break
			}
		}
	}
}
