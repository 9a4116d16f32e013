package schedule

import (
	"fmt"
	"strings"
	"time"
)

// LocalRun is a stretch of meetings that a member sees at the same local
// weekday and time, starting with the meeting on From.
type LocalRun struct {
	From  time.Time // the member's local date of the first meeting of the run, at midnight UTC
	Day   time.Weekday
	Start int // minutes since midnight, member's time
}

// LocalRuns is a member's view of a weekly slot over a range: one run when the
// local time never changes, more when daylight saving in either zone moves it.
type LocalRuns []LocalRun

// String writes the runs like "Tue 10:00, 11:00 from 16 Mar 2027, 10:00
// from 6 Apr 2027"; the day is repeated only when it changes.
func (rs LocalRuns) String() string {
	var b strings.Builder
	for i, r := range rs {
		clock := fmt.Sprintf("%02d:%02d", r.Start/60, r.Start%60)
		if i == 0 {
			b.WriteString(DayAbbrev(r.Day) + " " + clock)
			continue
		}
		b.WriteString(", ")
		if r.Day != rs[i-1].Day {
			b.WriteString(DayAbbrev(r.Day) + " ")
		}
		b.WriteString(clock + " from " + r.From.Format("2 Jan 2006"))
	}
	return b.String()
}

// LocalTimes returns how a member in own sees slot s over the plan's range,
// in date order. It is empty when the slot never occurs in the range.
func (p *Plan) LocalTimes(s Slot, own *time.Location) LocalRuns {
	var out LocalRuns
	target := int64(s.minuteOfWeek()) * 60
	for _, e := range p.erasFor(orUTC(own)) {
		// The first meeting in the era: wall seconds from Sunday 00:00 are
		// (w + 4 days) mod week, the epoch being a Thursday.
		w := e.from + mod(target-(e.from+4*86400), secondsPerWeek)
		if w >= e.to {
			continue
		}
		t := time.Unix(w+e.delta, 0).UTC()
		run := LocalRun{From: civilDate(t), Day: t.Weekday(), Start: t.Hour()*60 + t.Minute()}
		if n := len(out); n > 0 && out[n-1].Day == run.Day && out[n-1].Start == run.Start {
			continue
		}
		out = append(out, run)
	}
	return out
}

// LocalTimes returns how a member in own sees the weekly slot s, named in
// ref, over the range r.
func LocalTimes(s Slot, ref, own *time.Location, r Range) LocalRuns {
	p, err := NewPlan(ref, r, 1)
	if err != nil {
		return nil
	}
	return p.LocalTimes(s, own)
}

// Explain describes slot s for a member in own, like "Tue 15:00
// Europe/London — Tue 10:00 your time, 11:00 from 16 Mar 2027, 10:00 from
// 6 Apr 2027".
func (p *Plan) Explain(s Slot, own *time.Location) string {
	head := s.String() + " " + p.ref.String()
	runs := p.LocalTimes(s, own)
	if len(runs) == 0 {
		return head + " — no meeting in " + p.rng.String()
	}
	return head + " — " + localPhrase(runs)
}

// localPhrase puts "your time" after the first local time.
func localPhrase(runs LocalRuns) string {
	first := runs[:1].String() + " your time"
	if len(runs) == 1 {
		return first
	}
	rest := runs.String()[len(runs[:1].String()):]
	return first + rest
}
