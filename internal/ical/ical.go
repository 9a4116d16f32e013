// Package ical writes the calendar files of Roundtable: the invitation or
// cancellation attached to a meeting e-mail (METHOD:REQUEST / CANCEL) and the
// subscription feed of a person's meetings. Every time is written in its
// meeting's zone with a VTIMEZONE built from Go's zone data for the span the
// file covers, so calendars show the right local time in every member's zone
// without knowing our zone names.
//
// The lines are written directly (RFC 5545's content lines are simple): a feed
// of 200 meetings is asked for every few hours by every subscribed calendar,
// and building a property tree for each file cost more than the queries.
package ical

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
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
	for _, e := range events {
		if e.URL == "" {
			continue
		}
		if _, err := url.Parse(e.URL); err != nil {
			return fmt.Errorf("meeting %s: page address: %w", e.UID, err)
		}
	}
	lw := &lines{w: bufio.NewWriter(w)}
	lw.raw("BEGIN", "VCALENDAR")
	lw.raw("PRODID", ProductID)
	lw.raw("VERSION", "2.0")
	lw.raw("CALSCALE", "GREGORIAN")
	lw.raw("METHOD", string(method))
	if name != "" {
		lw.text("NAME", name)
		lw.text("X-WR-CALNAME", name)
		// Ask subscribed calendars to look again every few hours; RFC 7986
		// wants the value type spelled out, older clients read the X- name.
		lw.raw("REFRESH-INTERVAL;VALUE=DURATION", "PT4H")
		lw.raw("X-PUBLISHED-TTL", "PT4H")
	}
	for _, z := range timezones(events) {
		vtimezone(lw, z.loc, z.from, z.to)
	}
	if len(events) == 0 {
		// A calendar must hold a component; an empty feed holds a zone of UTC.
		vtimezone(lw, time.UTC, stamp, stamp)
	}
	utcStamp := stamp.UTC().Format(utcLayout)
	for _, e := range events {
		event(lw, e, method, utcStamp)
	}
	lw.raw("END", "VCALENDAR")
	if err := lw.w.Flush(); err != nil {
		return fmt.Errorf("write calendar: %w", err)
	}
	return nil
}

// Bytes is Write into a byte slice.
func Bytes(method Method, name string, stamp time.Time, events []Event) ([]byte, error) {
	var b bytes.Buffer
	err := Write(&b, method, name, stamp, events)
	return b.Bytes(), err
}

const (
	localLayout = "20060102T150405"
	utcLayout   = "20060102T150405Z"
)

func event(lw *lines, e Event, method Method, stamp string) {
	lw.raw("BEGIN", "VEVENT")
	lw.text("UID", e.UID)
	lw.raw("DTSTAMP", stamp)
	lw.dateTime("DTSTART", e.Start)
	lw.dateTime("DTEND", e.End)
	lw.raw("SEQUENCE", strconv.Itoa(e.Sequence))
	lw.text("SUMMARY", e.Summary)
	if e.Description != "" {
		lw.text("DESCRIPTION", e.Description)
	}
	if e.Location != "" {
		lw.text("LOCATION", e.Location)
	}
	if e.URL != "" {
		lw.raw("URL", e.URL)
	}
	status := "CONFIRMED"
	if e.Cancelled || method == Cancel {
		status = "CANCELLED"
	}
	lw.raw("STATUS", status)
	lw.raw("TRANSP", "OPAQUE")
	if e.Organizer.Email != "" {
		lw.person("ORGANIZER", e.Organizer, "")
	}
	for _, a := range e.Attendees {
		// Answers are given in Roundtable, not by replying to the organizer's address.
		lw.person("ATTENDEE", a, ";ROLE=REQ-PARTICIPANT;RSVP=FALSE")
	}
	lw.raw("END", "VEVENT")
}

// isUTC tells times kept as UTC ("Z"), which need no zone of their own.
func isUTC(t time.Time) bool { return t.Location().String() == "UTC" }

type zoneSpan struct {
	loc      *time.Location
	from, to time.Time
}

// timezones lists each zone the events use with the span from the first
// start to the last end, in the order the zones first appear.
func timezones(events []Event) []*zoneSpan {
	var spans []*zoneSpan
	for _, e := range events {
		loc := e.Start.Location()
		if isUTC(e.Start) {
			continue
		}
		i := slices.IndexFunc(spans, func(s *zoneSpan) bool { return s.loc.String() == loc.String() })
		if i < 0 {
			spans = append(spans, &zoneSpan{loc, e.Start, e.End})
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
	return spans
}

// lines writes content lines, folded at 75 octets as RFC 5545 asks without
// splitting a UTF-8 character, each ended by CRLF.
type lines struct {
	w   *bufio.Writer
	buf []byte
}

// raw writes name (with any parameters) and a value that needs no escaping.
func (l *lines) raw(name, value string) {
	l.buf = append(append(append(l.buf[:0], name...), ':'), value...)
	l.flush()
}

// text writes a TEXT value, escaping what the format reserves.
func (l *lines) text(name, value string) {
	l.buf = append(append(l.buf[:0], name...), ':')
	l.buf = appendText(l.buf, value)
	l.flush()
}

// dateTime writes t as UTC ("Z") when it is kept in UTC, otherwise as its
// wall time with the zone's TZID.
func (l *lines) dateTime(name string, t time.Time) {
	l.buf = append(l.buf[:0], name...)
	if isUTC(t) {
		l.buf = append(l.buf, ':')
		l.buf = t.UTC().AppendFormat(l.buf, utcLayout)
	} else {
		l.buf = append(append(append(l.buf, ";TZID="...), t.Location().String()...), ':')
		l.buf = t.AppendFormat(l.buf, localLayout)
	}
	l.flush()
}

// person writes an organizer or attendee with their name as CN.
func (l *lines) person(name string, who Person, params string) {
	l.buf = append(l.buf[:0], name...)
	if who.Name != "" {
		l.buf = append(l.buf, ";CN="...)
		l.buf = appendParam(l.buf, who.Name)
	}
	l.buf = append(append(append(l.buf, params...), ":mailto:"...), who.Email...)
	l.flush()
}

func (l *lines) flush() {
	line := l.buf
	limit := 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		l.w.Write(line[:cut])
		l.w.WriteString("\r\n ")
		line = line[cut:]
		limit = 74 // the leading space counts
	}
	l.w.Write(line)
	l.w.WriteString("\r\n")
}

// appendText escapes a TEXT value: backslash, semicolon, comma and line
// breaks (written as \n; a CR before an LF is dropped).
func appendText(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', ';', ',':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			b = append(b, '\\', 'n')
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendParam writes a name as a parameter value, which may hold neither a
// double quote nor a control character, and is quoted when it holds one of
// the separators.
func appendParam(b []byte, s string) []byte {
	quote := strings.ContainsAny(s, ":;,")
	if quote {
		b = append(b, '"')
	}
	for _, r := range s {
		switch {
		case r == '"':
			b = append(b, '\'')
		case r < ' ' || r == 0x7f:
			b = append(b, ' ')
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	if quote {
		b = append(b, '"')
	}
	return b
}
