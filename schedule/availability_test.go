package schedule_test

import (
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

func TestParseWeek(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"Empty", "", ""},
		{"Blank", " ;\n ; ", ""},
		{"One", "Mon 09:00-12:00", "Mon 09:00-12:00"},
		{"FullDayNames", "monday 9:00-12:00; WEDNESDAY 14:00-17:30", "Mon 09:00-12:00;Wed 14:00-17:30"},
		{"PrefixOfDay", "Tues 10:00-11:00;Thur 08:00-09:00", "Tue 10:00-11:00;Thu 08:00-09:00"},
		{"NewLinesAndCR", "Fri 08:00-09:00\r\nSun 10:00-11:00\n", "Sun 10:00-11:00;Fri 08:00-09:00"},
		{"SortedByDay", "Sat 10:00-11:00;Sun 10:00-11:00;Mon 10:00-11:00", "Sun 10:00-11:00;Mon 10:00-11:00;Sat 10:00-11:00"},
		{"UntilMidnight", "Tue 22:00-24:00", "Tue 22:00-24:00"},
		{"ExtraSpaces", "  Mon    09:00-10:00  ", "Mon 09:00-10:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := schedule.ParseWeek(tc.in)
			if err != nil {
				t.Fatalf("ParseWeek(%q): %v", tc.in, err)
			}
			if got := w.String(); got != tc.want {
				t.Errorf("ParseWeek(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseWeek_Merge(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		minutes        int
	}{
		{"Overlapping", "Mon 09:00-11:00;Mon 10:00-12:00", "Mon 09:00-12:00", 180},
		{"Touching", "Mon 09:00-10:00;Mon 10:00-11:00", "Mon 09:00-11:00", 120},
		{"Contained", "Mon 09:00-17:00;Mon 10:00-11:00", "Mon 09:00-17:00", 480},
		{"Unordered", "Mon 14:00-15:00;Mon 09:00-10:00;Mon 09:30-14:00", "Mon 09:00-15:00", 360},
		{"Duplicate", "Wed 08:00-09:00;wednesday 08:00-09:00", "Wed 08:00-09:00", 60},
		{"GapKept", "Mon 09:00-10:00;Mon 10:01-11:00", "Mon 09:00-10:00;Mon 10:01-11:00", 119},
		{"OtherDayNotMerged", "Mon 22:00-24:00;Tue 00:00-02:00", "Mon 22:00-24:00;Tue 00:00-02:00", 240},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := schedule.ParseWeek(tc.in)
			if err != nil {
				t.Fatalf("ParseWeek(%q): %v", tc.in, err)
			}
			if got := w.String(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if got := w.Minutes(); got != tc.minutes {
				t.Errorf("Minutes: got %d, want %d", got, tc.minutes)
			}
		})
	}
}

func TestParseWeek_Errors(t *testing.T) {
	for _, tc := range []struct {
		name, in, wantIn string
	}{
		{"NoHours", "Mon", `"Mon" is not like`},
		{"TooManyFields", "Mon 09:00 - 12:00", "is not like"},
		{"UnknownDay", "Mun 09:00-12:00", `unknown day "Mun"`},
		{"ShortDay", "Mo 09:00-12:00", `unknown day "Mo"`},
		{"NotAPrefix", "Mondays 09:00-12:00", "unknown day"},
		{"NoDash", "Mon 09:00", "write the hours as 09:00-12:00"},
		{"BadStart", "Mon 9-12:00", `"9" is not a time like 09:30`},
		{"BadMinutes", "Mon 09:5-12:00", "is not a time like"},
		{"Letters", "Mon 0a:00-12:00", "is not a time like"},
		{"MinuteRange", "Mon 09:60-12:00", "is not a time of day"},
		{"HourRange", "Mon 25:00-26:00", "is not a time of day"},
		{"PastMidnight", "Mon 23:00-24:30", "is not a time of day"},
		{"EndBeforeStart", "Mon 12:00-09:00", "the end must be after the start"},
		{"Empty window", "Mon 09:00-09:00", "the end must be after the start"},
		{"SecondWindowBad", "Mon 09:00-10:00;Tue 10:00", `"Tue 10:00"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := schedule.ParseWeek(tc.in)
			if err == nil {
				t.Fatalf("ParseWeek(%q) = %q, want an error", tc.in, w)
			}
			if !strings.Contains(err.Error(), tc.wantIn) {
				t.Errorf("error: got %q, want it to contain %q", err, tc.wantIn)
			}
		})
	}
}

func TestWeek_RoundTrip(t *testing.T) {
	w := schedule.Week{
		{Day: time.Sunday, Start: 0, End: 30},
		{Day: time.Tuesday, Start: 9*60 + 15, End: 10*60 + 45},
		{Day: time.Saturday, Start: 23 * 60, End: 24 * 60},
	}
	s := w.String()
	if s != "Sun 00:00-00:30;Tue 09:15-10:45;Sat 23:00-24:00" {
		t.Errorf("String: got %q", s)
	}
	back, err := schedule.ParseWeek(s)
	if err != nil {
		t.Fatalf("ParseWeek(%q): %v", s, err)
	}
	if got := back.String(); got != s {
		t.Errorf("round trip: got %q, want %q", got, s)
	}
	if len(back) != len(w) {
		t.Fatalf("windows: got %d, want %d", len(back), len(w))
	}
	for i := range w {
		if back[i] != w[i] {
			t.Errorf("window %d: got %+v, want %+v", i, back[i], w[i])
		}
	}
}

func TestDayAbbrev(t *testing.T) {
	for d, want := range []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"} {
		if got := schedule.DayAbbrev(time.Weekday(d)); got != want {
			t.Errorf("DayAbbrev(%d) = %q, want %q", d, got, want)
		}
	}
}

// FuzzParseWeek checks that no input panics, and that whatever parses is
// normalized: sorted, merged, within a day, and stable through String.
func FuzzParseWeek(f *testing.F) {
	for _, s := range []string{
		"", "Mon 09:00-12:00", "mon 9:00-12:00;Tue 10:00-11:00\nWed 00:00-24:00",
		"Mon 09:00-11:00;Mon 10:00-12:00", "Mon 12:00-09:00", "Sunday 23:59-24:00",
		"Mon 24:00-24:00", "Fri 1:1-2:2", "Mon 09:00-", ";;;", "Tue\t08:00-09:00",
		"Mon 99:99-00:00", "ＭＯＮ 09:00-10:00", "Mon 0٩:00-10:00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := schedule.ParseWeek(s)
		if err != nil {
			return
		}
		for i, win := range w {
			if win.Day < time.Sunday || win.Day > time.Saturday {
				t.Fatalf("window %d has day %d", i, win.Day)
			}
			if win.Start < 0 || win.End > 24*60 || win.End <= win.Start {
				t.Fatalf("window %d is %+v", i, win)
			}
			if i > 0 {
				prev := w[i-1]
				if prev.Day > win.Day || (prev.Day == win.Day && prev.End >= win.Start) {
					t.Fatalf("windows %d and %d are not sorted and merged: %+v %+v", i-1, i, prev, win)
				}
			}
		}
		again, err := schedule.ParseWeek(w.String())
		if err != nil {
			t.Fatalf("ParseWeek(%q) (from %q): %v", w.String(), s, err)
		}
		if again.String() != w.String() {
			t.Fatalf("not stable: %q then %q", w.String(), again.String())
		}
	})
}
