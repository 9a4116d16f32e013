// Package schedule holds pure time logic: weekly availability in a person's
// own time zone (Week), the weekly meeting slots that fit everyone on every
// week of a program across time zones and daylight-saving changes (Plan,
// SlotSet, Rank), and the meetings of a slot over a date range (Occurrences,
// LocalTimes).
//
// Slots are named in a circle's reference zone on a 15-minute grid. A
// reference wall time that a clock change skips moves later by the jump; one
// that it repeats is its first occurrence (RFC 5545, see WallTime). Feasibility
// for a member is computed per "era" — a stretch of the range over which the
// difference between the member's and the reference zone's UTC offsets is
// constant — rather than week by week; the tests check it against a
// week-by-week evaluation.
package schedule

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Window is one weekly interval of availability, in the owner's time zone.
// Start and End are minutes since midnight; End may be 1440 (midnight).
type Window struct {
	Day   time.Weekday
	Start int
	End   int
}

// Week is a person's weekly availability: windows sorted by day and start,
// never overlapping or touching (they are merged).
type Week []Window

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// DayAbbrev returns the three-letter English name of d, as used in ParseWeek.
func DayAbbrev(d time.Weekday) string { return d.String()[:3] }

// ParseWeek reads windows like "Mon 09:00-12:00;Wed 14:00-17:30". Windows are
// separated by ";" or new lines; days may be written in full ("Monday") and in
// any case. An empty text is an empty week. Errors name the bad window.
func ParseWeek(s string) (Week, error) {
	var w Week
	s = strings.ReplaceAll(s, "\r", "")
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		win, err := parseWindow(part)
		if err != nil {
			return nil, err
		}
		w = append(w, win)
	}
	return w.normalize(), nil
}

func parseWindow(s string) (Window, error) {
	fields := strings.Fields(s)
	if len(fields) != 2 {
		return Window{}, fmt.Errorf("%q is not like \"Mon 09:00-12:00\"", s)
	}
	name := strings.ToLower(fields[0])
	if len(name) < 3 {
		return Window{}, fmt.Errorf("%q: unknown day %q", s, fields[0])
	}
	day, ok := dayNames[name[:3]]
	if !ok || !strings.HasPrefix(strings.ToLower(time.Weekday(day).String()), name) {
		return Window{}, fmt.Errorf("%q: unknown day %q", s, fields[0])
	}
	from, to, ok := strings.Cut(fields[1], "-")
	if !ok {
		return Window{}, fmt.Errorf("%q: write the hours as 09:00-12:00", s)
	}
	start, err := parseClock(from)
	if err != nil {
		return Window{}, fmt.Errorf("%q: %v", s, err)
	}
	end, err := parseClock(to)
	if err != nil {
		return Window{}, fmt.Errorf("%q: %v", s, err)
	}
	if end <= start {
		return Window{}, fmt.Errorf("%q: the end must be after the start", s)
	}
	return Window{Day: day, Start: start, End: end}, nil
}

// parseClock reads "09:00", "9:00" or "24:00" into minutes since midnight.
func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(m) != 2 || len(h) < 1 || len(h) > 2 {
		return 0, fmt.Errorf("%q is not a time like 09:30", s)
	}
	var hh, mm int
	for _, c := range h {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a time like 09:30", s)
		}
		hh = hh*10 + int(c-'0')
	}
	for _, c := range m {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a time like 09:30", s)
		}
		mm = mm*10 + int(c-'0')
	}
	if mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return hh*60 + mm, nil
}

// normalize sorts windows and merges those that overlap or touch.
func (w Week) normalize() Week {
	if len(w) == 0 {
		return nil
	}
	sort.Slice(w, func(i, j int) bool {
		if w[i].Day != w[j].Day {
			return w[i].Day < w[j].Day
		}
		return w[i].Start < w[j].Start
	})
	out := Week{w[0]}
	for _, win := range w[1:] {
		last := &out[len(out)-1]
		if win.Day == last.Day && win.Start <= last.End {
			if win.End > last.End {
				last.End = win.End
			}
			continue
		}
		out = append(out, win)
	}
	return out
}

// String writes the week in the form ParseWeek reads, windows joined by ";".
func (w Week) String() string {
	parts := make([]string, len(w))
	for i, win := range w {
		parts[i] = win.String()
	}
	return strings.Join(parts, ";")
}

// String writes a window like "Mon 09:00-12:00".
func (win Window) String() string {
	return fmt.Sprintf("%s %02d:%02d-%02d:%02d", DayAbbrev(win.Day), win.Start/60, win.Start%60, win.End/60, win.End%60)
}

// Minutes returns the total available minutes per week.
func (w Week) Minutes() int {
	n := 0
	for _, win := range w {
		n += win.End - win.Start
	}
	return n
}
