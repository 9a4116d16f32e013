package schedule_test

import (
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

func TestPlan_Rank(t *testing.T) {
	p, err := schedule.NewPlan(zone(t, "Europe/London"), dates(t, "2027-01-11", "2027-06-28"), 60)
	if err != nil {
		t.Fatal(err)
	}
	members := []schedule.Member{
		{Week: week(t, "Mon 09:00-17:00;Tue 09:00-17:00;Sat 09:00-17:00"), Zone: zone(t, "Europe/London")},
		{Week: week(t, "Mon 08:00-13:00;Tue 08:00-13:00;Sat 08:00-13:00"), Zone: zone(t, "America/New_York")},
	}
	got := p.Rank(members)
	// London 13:00–16:00 fits New York both when it is 5 hours behind and
	// in the March weeks when it is 4.
	if len(got) != 3*13 {
		t.Fatalf("got %d common slots, want 39: %v", len(got), got)
	}
	// 14:30 London leaves 90 minutes each side for both; Monday comes first.
	if got[0].Slot.String() != "Mon 14:30" || got[1].Slot.String() != "Tue 14:30" {
		t.Errorf("best: got %v, %v, want Mon 14:30, Tue 14:30", got[0], got[1])
	}
	if got[0].Margin != 90 || got[0].Cost != 0 || got[0].OffHours != 0 || got[0].Weekend != 0 {
		t.Errorf("best: got %+v, want margin 90 and no cost", got[0])
	}
	for i, r := range got {
		if r.Margin < 0 {
			t.Errorf("%v does not fit someone", r)
		}
		if i > 0 && r.Cost < got[i-1].Cost {
			t.Errorf("%v comes after %v", r, got[i-1])
		}
		if r.Slot.Day == time.Saturday && r.Weekend != 2 {
			t.Errorf("%v: got %d weekend members, want 2", r.Slot, r.Weekend)
		}
	}
}

func TestPlan_RankSet_DaytimeAndMargin(t *testing.T) {
	p, err := schedule.NewPlan(time.UTC, dates(t, "2027-01-11", "2027-02-28"), 60)
	if err != nil {
		t.Fatal(err)
	}
	members := []schedule.Member{{Week: week(t, "Mon 06:00-10:00"), Zone: time.UTC}}
	var order []string
	for _, r := range p.Rank(members) {
		order = append(order, r.Slot.String()[4:])
	}
	want := "08:00 07:45 07:30 08:15 07:15 07:00 08:30 06:45 08:45 06:30 09:00 06:15 06:00"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestPlan_RankSet_Misfit(t *testing.T) {
	p, err := schedule.NewPlan(time.UTC, dates(t, "2027-01-11", "2027-02-28"), 60)
	if err != nil {
		t.Fatal(err)
	}
	members := []schedule.Member{{Week: week(t, "Mon 09:00-11:00"), Zone: time.UTC}}
	got := p.RankSet(schedule.SlotSetOf(slot(t, "Mon 09:30"), slot(t, "Mon 12:00")), members)
	if len(got) != 2 || got[0].Slot.String() != "Mon 09:30" || got[1].Margin != -1 || got[1].Cost < 1_000_000 {
		t.Errorf("got %+v, want Mon 09:30 first and Mon 12:00 last with margin -1", got)
	}
	if got := p.RankSet(schedule.SlotSetOf(slot(t, "Mon 09:30")), nil); len(got) != 1 || got[0].Cost != 0 || got[0].Margin != 0 {
		t.Errorf("no members: got %+v", got)
	}
}

func TestApart(t *testing.T) {
	at := func(d time.Weekday, h, m int) schedule.Slot { return schedule.Slot{Day: d, Start: h*60 + m} }
	var ranked []schedule.Ranked
	for _, s := range []schedule.Slot{at(time.Tuesday, 16, 15), at(time.Tuesday, 16, 30), at(time.Tuesday, 18, 45), at(time.Wednesday, 16, 15),
		at(time.Tuesday, 17, 30), at(time.Tuesday, 14, 0), at(time.Thursday, 9, 0)} {
		ranked = append(ranked, schedule.Ranked{Slot: s})
	}
	got := schedule.Apart(ranked, []schedule.Slot{at(time.Tuesday, 17, 0)}, 90, 3)
	var names []string
	for _, r := range got {
		names = append(names, r.Slot.String())
	}
	// 16:15, 16:30 and 17:30 are within 90 minutes of the circle's 17:00;
	// the Wednesday is another day; Thursday is left for want of room.
	if want := "Tue 18:45 Wed 16:15 Tue 14:00"; strings.Join(names, " ") != want {
		t.Errorf("got %v, want %s", names, want)
	}
	if got := schedule.Apart(ranked, nil, 90, 10); len(got) != 5 || got[0].Slot != ranked[0].Slot {
		t.Errorf("got %v, want the best first and 5 in all", got)
	}
}
