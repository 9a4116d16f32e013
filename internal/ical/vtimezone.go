package ical

import (
	"fmt"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// zoneMargin widens a VTIMEZONE beyond the meetings it serves, so that a
// calendar showing the days around them still has the rules.
const zoneMargin = 14 * 24 * time.Hour

// vtimezone describes loc from before from to after to: one observance for
// the offset in force at the start, then one per change of offset, each with
// its onset written in the wall time before the change (RFC 5545 3.6.5).
// Explicit onsets instead of yearly rules keep the file true to Go's zone
// data even for zones whose rules changed or will change.
func vtimezone(lw *lines, loc *time.Location, from, to time.Time) {
	lo, hi := from.Add(-zoneMargin), to.Add(zoneMargin)
	first, changes := schedule.Transitions(loc, lo, hi)
	lw.raw("BEGIN", "VTIMEZONE")
	lw.text("TZID", loc.String())
	observance(lw, loc, lo, first, first)
	for _, c := range changes {
		observance(lw, loc, c.At, c.Before, c.After)
	}
	lw.raw("END", "VTIMEZONE")
}

// observance is the STANDARD or DAYLIGHT part of a zone that starts at
// instant at, changing the offset from before to after (seconds east of UTC).
func observance(lw *lines, loc *time.Location, at time.Time, before, after int) {
	t := at.In(loc)
	kind := "STANDARD"
	if t.IsDST() {
		kind = "DAYLIGHT"
	}
	lw.raw("BEGIN", kind)
	lw.raw("DTSTART", at.UTC().Add(time.Duration(before)*time.Second).Format(localLayout))
	lw.raw("TZOFFSETFROM", offset(before))
	lw.raw("TZOFFSETTO", offset(after))
	if name, _ := t.Zone(); name != "" {
		lw.text("TZNAME", name)
	}
	lw.raw("END", kind)
}

// offset writes a UTC offset like +0530, with seconds only when needed.
func offset(seconds int) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	s := fmt.Sprintf("%c%02d%02d", sign, seconds/3600, seconds/60%60)
	if sec := seconds % 60; sec != 0 {
		s += fmt.Sprintf("%02d", sec)
	}
	return s
}
