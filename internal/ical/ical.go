// Package ical writes the calendar files of Roundtable: the invitation or
// cancellation attached to a meeting e-mail (METHOD:REQUEST / CANCEL) and the
// subscription feed of a person's meetings. Every time is written in its
// meeting's zone with a VTIMEZONE built from Go's zone data for the span the
// file covers, so calendars show the right local time in every member's zone
// without knowing our zone names.
package ical

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	goical "github.com/emersion/go-ical"
)

// Method is what a calendar file asks of its reader.
type Method string

// Methods of calendar files.
const (
	Request Method = "REQUEST" // an invitation, or an update of one (higher Sequence)
	Cancel  Method = "CANCEL"  // the meeting will not take place
	Publish Method = "PUBLISH" // a feed: the meetings as they stand
)

// ProductID names Roundtable as the writer of the files.
const ProductID = "-//Roundtable//Peer learning circles//EN"

// Person is an organizer or attendee of a meeting.
type Person struct{ Name, Email string }

// Event is one meeting as calendars see it.
type Event struct {
	// UID stays the same for a meeting's whole life; Sequence goes up with
	// every change, so calendars replace the older copy.
	UID         string
	Sequence    int
	Start, End  time.Time // in the zone the meeting is anchored in
	Summary     string
	Description string
	Location    string // the place, or the video link
	URL         string // the meeting's page
	Cancelled   bool
	Organizer   Person
	Attendees   []Person
}

// Write writes a calendar of events with method to w. Stamp is the DTSTAMP of
// every event (when the file was made); name, when set, names the calendar
// (feeds). CANCEL files mark every event cancelled.
func Write(w io.Writer, method Method, name string, stamp time.Time, events []Event) error {
	cal := goical.NewCalendar()
	cal.Props.SetText(goical.PropProductID, ProductID)
	cal.Props.SetText(goical.PropVersion, "2.0")
	cal.Props.SetText(goical.PropCalendarScale, "GREGORIAN")
	cal.Props.SetText(goical.PropMethod, string(method))
	if name != "" {
		cal.Props.SetText("X-WR-CALNAME", name)
		cal.Props.SetText(goical.PropName, name)
		// Ask subscribed calendars to look again every few hours; RFC 7986
		// wants the value type spelled out, older clients read the X- name.
		p := goical.NewProp(goical.PropRefreshInterval)
		p.Params.Set(goical.ParamValue, string(goical.ValueDuration))
		p.Value = "PT4H"
		cal.Props.Set(p)
		cal.Props.SetText("X-PUBLISHED-TTL", "PT4H")
	}
	cal.Children = append(cal.Children, timezones(events)...)
	for _, e := range events {
		ev, err := event(e, method, stamp)
		if err != nil {
			return err
		}
		cal.Children = append(cal.Children, ev)
	}
	if len(events) == 0 {
		// A calendar must hold a component; an empty feed holds a zone of UTC.
		cal.Children = append(cal.Children, vtimezone(time.UTC, stamp, stamp))
	}
	fw := &folder{w: bufio.NewWriter(w)}
	if err := goical.NewEncoder(fw).Encode(cal); err != nil {
		return fmt.Errorf("write calendar: %w", err)
	}
	return fw.w.Flush()
}

// Bytes is Write into a byte slice.
func Bytes(method Method, name string, stamp time.Time, events []Event) ([]byte, error) {
	var b bytes.Buffer
	err := Write(&b, method, name, stamp, events)
	return b.Bytes(), err
}

func event(e Event, method Method, stamp time.Time) (*goical.Component, error) {
	ev := goical.NewEvent()
	p := ev.Props
	p.SetText(goical.PropUID, e.UID)
	p.SetDateTime(goical.PropDateTimeStamp, stamp.UTC())
	p.SetDateTime(goical.PropDateTimeStart, inZone(e.Start))
	p.SetDateTime(goical.PropDateTimeEnd, inZone(e.End))
	seq := goical.NewProp(goical.PropSequence)
	seq.SetValueType(goical.ValueInt)
	seq.Value = strconv.Itoa(e.Sequence)
	p.Set(seq)
	p.SetText(goical.PropSummary, e.Summary)
	if e.Description != "" {
		p.SetText(goical.PropDescription, e.Description)
	}
	if e.Location != "" {
		p.SetText(goical.PropLocation, e.Location)
	}
	if e.URL != "" {
		u, err := url.Parse(e.URL)
		if err != nil {
			return nil, fmt.Errorf("meeting %s: page address: %w", e.UID, err)
		}
		p.SetURI(goical.PropURL, u)
	}
	status := goical.EventConfirmed
	if e.Cancelled || method == Cancel {
		status = goical.EventCancelled
	}
	ev.SetStatus(status)
	p.SetText(goical.PropTransparency, "OPAQUE")
	if e.Organizer.Email != "" {
		p.Set(person(goical.PropOrganizer, e.Organizer))
	}
	for _, a := range e.Attendees {
		at := person(goical.PropAttendee, a)
		at.Params.Set(goical.ParamRole, "REQ-PARTICIPANT")
		// Answers are given in Roundtable, not by replying to the organizer's address.
		at.Params.Set(goical.ParamRSVP, "FALSE")
		p.Add(at)
	}
	return ev.Component, nil
}

func person(name string, who Person) *goical.Prop {
	pr := goical.NewProp(name)
	pr.SetValueType(goical.ValueCalendarAddress)
	pr.Value = "mailto:" + who.Email
	if who.Name != "" {
		pr.Params.Set(goical.ParamCommonName, paramText(who.Name))
	}
	return pr
}

// paramText makes a name safe as a parameter value, which may not hold a
// double quote or a control character.
func paramText(s string) string {
	out := []rune{}
	for _, r := range s {
		switch {
		case r == '"':
			out = append(out, '\'')
		case r < ' ' || r == 0x7f:
			out = append(out, ' ')
		default:
			out = append(out, r)
		}
	}
	return string(out)
}

// inZone keeps UTC times as UTC ("Z") and gives others their zone's TZID.
func inZone(t time.Time) time.Time {
	if t.Location().String() == "UTC" {
		return t.UTC()
	}
	return t
}

// timezones returns a VTIMEZONE for each zone the events use, covering the
// span from the first start to the last end.
func timezones(events []Event) []*goical.Component {
	type span struct {
		loc      *time.Location
		from, to time.Time
	}
	var spans []*span
	for _, e := range events {
		loc := e.Start.Location()
		if inZone(e.Start).Location() == time.UTC {
			continue
		}
		i := slices.IndexFunc(spans, func(s *span) bool { return s.loc.String() == loc.String() })
		if i < 0 {
			spans = append(spans, &span{loc, e.Start, e.End})
			continue
		}
		s := spans[i]
		if e.Start.Before(s.from) {
			s.from = e.Start
		}
		if e.End.After(s.to) {
			s.to = e.End
		}
	}
	out := make([]*goical.Component, len(spans))
	for i, s := range spans {
		out[i] = vtimezone(s.loc, s.from, s.to)
	}
	return out
}

// folder folds the encoder's lines at 75 octets, as RFC 5545 asks, without
// splitting a UTF-8 character. The encoder writes one whole line per Write.
type folder struct{ w *bufio.Writer }

func (f *folder) Write(line []byte) (int, error) {
	n := len(line)
	body := bytes.TrimSuffix(line, []byte("\r\n"))
	limit := 75
	for len(body) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(body[cut]) {
			cut--
		}
		f.w.Write(body[:cut])
		f.w.WriteString("\r\n ")
		body = body[cut:]
		limit = 74 // the leading space counts
	}
	f.w.Write(body)
	_, err := f.w.WriteString("\r\n")
	return n, err
}
