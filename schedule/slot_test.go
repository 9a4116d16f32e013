package schedule_test

import (
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

func TestSlot_String(t *testing.T) {
	for _, tc := range []struct {
		slot schedule.Slot
		want string
	}{
		{schedule.Slot{Day: time.Tuesday, Start: 15 * 60}, "Tue 15:00"},
		{schedule.Slot{Day: time.Sunday, Start: 0}, "Sun 00:00"},
		{schedule.Slot{Day: time.Saturday, Start: 23*60 + 45}, "Sat 23:45"},
	} {
		if got := tc.slot.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestParseSlot(t *testing.T) {
	for in, want := range map[string]schedule.Slot{
		"Tue 15:00":      {Day: time.Tuesday, Start: 900},
		"tuesday 9:05":   {Day: time.Tuesday, Start: 545},
		"  Sun   00:00 ": {Day: time.Sunday, Start: 0},
		"Sat 23:59":      {Day: time.Saturday, Start: 1439},
	} {
		got, err := schedule.ParseSlot(in)
		if err != nil || got != want {
			t.Errorf("ParseSlot(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "Tue", "Tue 15:00 UTC", "Tux 15:00", "Tue 24:00", "Tue 15", "Tue 15:60"} {
		if got, err := schedule.ParseSlot(in); err == nil {
			t.Errorf("ParseSlot(%q) = %v, want an error", in, got)
		}
	}
}

func TestSlotSet(t *testing.T) {
	mon9 := schedule.Slot{Day: time.Monday, Start: 540}
	tue15 := schedule.Slot{Day: time.Tuesday, Start: 900}
	sat2345 := schedule.Slot{Day: time.Saturday, Start: 23*60 + 45}
	a := schedule.SlotSetOf(mon9, tue15)
	b := schedule.SlotSetOf(tue15, sat2345)

	if got := a.And(b).Slots(); len(got) != 1 || got[0] != tue15 {
		t.Errorf("And: got %v, want [Tue 15:00]", got)
	}
	if got := a.Or(b).Count(); got != 3 {
		t.Errorf("Or: got %d slots, want 3", got)
	}
	if got := a.AndNot(b).Slots(); len(got) != 1 || got[0] != mon9 {
		t.Errorf("AndNot: got %v, want [Mon 09:00]", got)
	}
	if first, ok := b.First(); !ok || first != tue15 {
		t.Errorf("First: got %v %v, want Tue 15:00", first, ok)
	}
	if _, ok := (schedule.SlotSet{}).First(); ok {
		t.Error("First of the empty set: got ok, want none")
	}
	if !b.Has(sat2345) || b.Has(mon9) {
		t.Errorf("Has: got %v %v, want true false", b.Has(sat2345), b.Has(mon9))
	}
	if got := schedule.AllSlots().Count(); got != 672 {
		t.Errorf("AllSlots: got %d, want 672", got)
	}
	var n int
	schedule.AllSlots().Each(func(schedule.Slot) bool { n++; return n < 10 })
	if n != 10 {
		t.Errorf("Each stopping early: got %d calls, want 10", n)
	}
	var prev = -15
	for s := range schedule.AllSlots().All() {
		m := int(s.Day)*1440 + s.Start
		if m != prev+15 {
			t.Fatalf("All: %v follows minute %d", s, prev)
		}
		prev = m
	}
	c := a
	c.Remove(mon9)
	c.Add(schedule.Slot{Day: time.Monday, Start: 541}) // off the grid: ignored
	if got := c.String(); got != "Tue 15:00" {
		t.Errorf("Remove and off-grid Add: got %q, want %q", got, "Tue 15:00")
	}
	if !(schedule.SlotSet{}).IsEmpty() || a.IsEmpty() {
		t.Error("IsEmpty is wrong")
	}
}

func TestSlotSet_String(t *testing.T) {
	var s schedule.SlotSet
	for m := 9 * 60; m <= 10*60+30; m += 15 {
		s.Add(schedule.Slot{Day: time.Tuesday, Start: m})
	}
	s.Add(schedule.Slot{Day: time.Saturday, Start: 23*60 + 45})
	s.Add(schedule.Slot{Day: time.Sunday, Start: 0}) // does not run on from Saturday
	if got, want := s.String(), "Sun 00:00;Tue 09:00-10:30;Sat 23:45"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := schedule.AllSlots().String(); !strings.HasPrefix(got, "Sun 00:00-23:45;Mon 00:00-23:45") {
		t.Errorf("AllSlots: got %q", got)
	}
}

func TestParseRange(t *testing.T) {
	r, err := schedule.ParseRange("2027-01-11", "2027-06-28")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.String(); got != "2027-01-11..2027-06-28" {
		t.Errorf("got %q", got)
	}
	if got := len(r.Dates(time.Monday)); got != 25 {
		t.Errorf("Mondays: got %d, want 25", got)
	}
	if got := len(r.Dates(time.Sunday)); got != 24 {
		t.Errorf("Sundays: got %d, want 24", got)
	}
	if _, err := schedule.ParseRange("2027-01-11", "2027-01-10"); err == nil {
		t.Error("end before start: got no error")
	}
	if _, err := schedule.ParseRange("2027-01-11", "soon"); err == nil || !strings.Contains(err.Error(), `"soon"`) {
		t.Errorf("bad date: got %v", err)
	}
	one, _ := schedule.ParseRange("2027-01-11", "2027-01-11")
	if got := one.Dates(time.Monday); len(got) != 1 || !got[0].Equal(time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("one-day range: got %v", got)
	}
}

func TestNewPlan_Errors(t *testing.T) {
	r := dates(t, "2027-01-11", "2027-06-28")
	for _, minutes := range []int{0, -5, 1441} {
		if _, err := schedule.NewPlan(time.UTC, r, minutes); err == nil {
			t.Errorf("NewPlan(%d minutes): got no error", minutes)
		}
	}
	if _, err := schedule.NewPlan(time.UTC, schedule.NewRange(r.To, r.From), 60); err == nil {
		t.Error("NewPlan(reversed range): got no error")
	}
	if got := schedule.Slots(week(t, "Mon 09:00-17:00"), nil, nil, r, 0); !got.IsEmpty() {
		t.Errorf("Slots with a bad length: got %s, want none", got)
	}
}
