package roundtable

import (
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

func TestSeries_Validate(t *testing.T) {
	ok := func() *Series {
		return &Series{Slot: " tue 15:00 ", Cadence: Weekly, Minutes: 90, VideoURL: "https://v.example/x"}
	}
	s := ok()
	if err := s.Validate(); err != nil {
		t.Fatalf("got %v, want a valid series", err)
	}
	if s.Slot != "Tue 15:00" {
		t.Errorf("got slot %q, want it normalised to Tue 15:00", s.Slot)
	}
	for _, c := range []struct {
		name  string
		edit  func(*Series)
		field string
	}{
		{"no slot", func(s *Series) { s.Slot = "" }, "slot"},
		{"past midnight", func(s *Series) { s.Slot = "Tue 24:00" }, "slot"},
		{"daily", func(s *Series) { s.Cadence = "daily" }, "cadence"},
		{"fifth Tuesday", func(s *Series) { s.Cadence, s.Nth = Monthly, 5 }, "nth"},
		{"sixth week", func(s *Series) { s.Cadence, s.Nth = Bimonthly, -2 }, "nth"},
		{"five minutes", func(s *Series) { s.Minutes = 5 }, "minutes"},
		{"ftp link", func(s *Series) { s.VideoURL = "ftp://v.example/" }, "video_url"},
		{"nowhere", func(s *Series) { s.VideoURL = "" }, "video_url"},
		{"long place", func(s *Series) { s.Place = strings.Repeat("x", 301) }, "place"},
	} {
		s := ok()
		c.edit(s)
		if f := ErrorFields(s.Validate()); f[c.field] == "" {
			t.Errorf("%s: got %v, want a problem with %s", c.name, f, c.field)
		}
	}
	// A weekly series has no week of the month, whatever was sent.
	s = ok()
	s.Nth = 3
	if err := s.Validate(); err != nil || s.Nth != 0 {
		t.Errorf("got %v and nth %d, want the week of the month dropped", err, s.Nth)
	}
}

func TestSeries_RuleAndPhrase(t *testing.T) {
	for _, c := range []struct {
		s      Series
		rule   schedule.Rule
		phrase string
	}{
		{Series{Slot: "Tue 15:00", Cadence: Weekly}, schedule.Rule{Freq: schedule.Weekly, Interval: 1}, "every week on Tuesday at 15:00"},
		{Series{Slot: "Tue 15:00", Cadence: Biweekly}, schedule.Rule{Freq: schedule.Weekly, Interval: 2}, "every two weeks on Tuesday at 15:00"},
		{Series{Slot: "Tue 15:00", Cadence: Monthly, Nth: 2}, schedule.Rule{Freq: schedule.Monthly, Interval: 1, Nth: 2}, "the second Tuesday of every month at 15:00"},
		{Series{Slot: "Thu 09:30", Cadence: Bimonthly, Nth: -1}, schedule.Rule{Freq: schedule.Monthly, Interval: 2, Nth: -1}, "the last Thursday of every two months at 09:30"},
	} {
		if got := c.s.Rule(); got != c.rule {
			t.Errorf("%s: got rule %+v, want %+v", c.s.Cadence, got, c.rule)
		}
		if got := c.s.Phrase(); got != c.phrase {
			t.Errorf("%s: got %q, want %q", c.s.Cadence, got, c.phrase)
		}
	}
}

func TestSeriesPreview_Counts(t *testing.T) {
	now := time.Date(2027, 1, 5, 14, 0, 0, 0, time.UTC)
	p := &SeriesPreview{Dates: []SeriesDate{{StartsAt: now, New: true, Existing: "n"}, {StartsAt: now, Existing: "a"}, {StartsAt: now, Existing: "b", Was: now.Add(-time.Hour)}, {Existing: "c"}}}
	if c, m, k := p.Counts(); c != 1 || m != 1 || k != 2 {
		t.Errorf("got %d created, %d moved, %d kept; want 1, 1, 2", c, m, k)
	}
}
