package ical

import (
	"fmt"
	"time"

	goical "github.com/emersion/go-ical"

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
func vtimezone(loc *time.Location, from, to time.Time) *goical.Component {
	lo, hi := from.Add(-zoneMargin), to.Add(zoneMargin)
	first, changes := schedule.Transitions(loc, lo, hi)
	tz := goical.NewComponent(goical.CompTimezone)
	tz.Props.SetText(goical.PropTimezoneID, loc.String())
	tz.Children = append(tz.Children, observance(loc, lo, first, first))
	for _, c := range changes {
		tz.Children = append(tz.Children, observance(loc, c.At, c.Before, c.After))
	}
	return tz
}

// observance is the STANDARD or DAYLIGHT part of a zone that starts at
// instant at, changing the offset from before to after (seconds east of UTC).
func observance(loc *time.Location, at time.Time, before, after int) *goical.Component {
	t := at.In(loc)
	kind := goical.CompTimezoneStandard
	if t.IsDST() {
		kind = goical.CompTimezoneDaylight
	}
	c := goical.NewComponent(kind)
	onset := goical.NewProp(goical.PropDateTimeStart)
	onset.SetValueType(goical.ValueDateTime)
	onset.Value = at.UTC().Add(time.Duration(before) * time.Second).Format("20060102T150405")
	c.Props.Set(onset)
	c.Props.Set(offsetProp(goical.PropTimezoneOffsetFrom, before))
	c.Props.Set(offsetProp(goical.PropTimezoneOffsetTo, after))
	if name, _ := t.Zone(); name != "" {
		c.Props.SetText(goical.PropTimezoneName, name)
	}
	return c
}

// offsetProp writes a UTC offset like +0530, with seconds only when needed.
func offsetProp(name string, seconds int) *goical.Prop {
	p := goical.NewProp(name)
	p.SetValueType(goical.ValueUTCOffset)
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	p.Value = fmt.Sprintf("%c%02d%02d", sign, seconds/3600, seconds/60%60)
	if s := seconds % 60; s != 0 {
		p.Value += fmt.Sprintf("%02d", s)
	}
	return p
}
