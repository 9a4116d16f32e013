package ical_test

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable/internal/ical"
	"github.com/roundtable/roundtable/internal/ical/icaltest"
	"github.com/roundtable/roundtable/schedule"
)

// readICS parses a calendar file with ical.js, as calendar programs do.
func readICS(t *testing.T, ics []byte, zones ...string) *icaltest.Calendar {
	t.Helper()
	return icaltest.Read(t, ics, zones...)
}

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

var stamp = time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)

// checkLines asserts the file's shape: CRLF line ends, lines of at most 75
// octets.
func checkLines(t *testing.T, ics []byte) {
	t.Helper()
	if !bytes.HasSuffix(ics, []byte("\r\n")) {
		t.Error("the file does not end with CRLF")
	}
	for i, line := range bytes.Split(bytes.TrimSuffix(ics, []byte("\r\n")), []byte("\r\n")) {
		if len(line) > 75 {
			t.Errorf("line %d has %d octets: %q", i+1, len(line), line)
		}
		if bytes.ContainsAny(line, "\r\n") {
			t.Errorf("line %d holds a bare CR or LF: %q", i+1, line)
		}
	}
}

func TestInvitation(t *testing.T) {
	london := zone(t, "Europe/London")
	start := time.Date(2027, 3, 30, 15, 0, 0, 0, london)
	ev := ical.Event{
		UID: "meeting-1@roundtable.example", Sequence: 2, Start: start, End: start.Add(90 * time.Minute),
		Summary:     "Harbour Circle — meeting 4",
		Description: "Agenda: check-in round; case clinic with Ana (hiring her first director); commitments.",
		Location:    "https://meet.example.org/harbour", URL: "https://roundtable.example/meetings/1",
		Organizer: ical.Person{Name: `Fay "the" Facilitator`, Email: "fay@example.org"},
		Attendees: []ical.Person{{Name: "Ana Ruiz", Email: "ana@example.org"}, {Name: "Bo Li", Email: "bo@example.org"}},
	}
	ics, err := ical.Bytes(ical.Request, "", stamp, []ical.Event{ev})
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, ics)
	p := readICS(t, ics, "Europe/London", "America/New_York", "Australia/Sydney")
	if p.Method != "REQUEST" || len(p.Events) != 1 || len(p.Timezones) != 1 || p.Timezones[0] != "Europe/London" {
		t.Fatalf("got method %q, %d events, zones %v; want one REQUEST event with Europe/London defined", p.Method, len(p.Events), p.Timezones)
	}
	e := p.Events[0]
	if e.UID != ev.UID || e.Sequence != 2 || e.Status != "CONFIRMED" || e.Summary != ev.Summary ||
		e.Description != ev.Description || e.Location != ev.Location || e.URL != ev.URL {
		t.Errorf("got %+v", e)
	}
	want := map[string]string{"Europe/London": "2027-03-30 15:00", "America/New_York": "2027-03-30 10:00", "Australia/Sydney": "2027-03-31 01:00"}
	for z, w := range want {
		if e.Start.Local[z] != w {
			t.Errorf("start in %s: got %s, want %s", z, e.Start.Local[z], w)
		}
	}
	if e.Start.UTC != "2027-03-30T14:00:00.000Z" || e.End.UTC != "2027-03-30T15:30:00.000Z" || e.Start.TZID != "Europe/London" {
		t.Errorf("got start %+v, end %+v", e.Start, e.End)
	}
	if e.Organizer == nil || e.Organizer.Value != "mailto:fay@example.org" || e.Organizer.CN != "Fay 'the' Facilitator" {
		t.Errorf("got organizer %+v", e.Organizer)
	}
	if len(e.Attendees) != 2 || e.Attendees[1].Value != "mailto:bo@example.org" || e.Attendees[1].CN != "Bo Li" {
		t.Errorf("got attendees %+v", e.Attendees)
	}
}

func TestCancellation(t *testing.T) {
	paris := zone(t, "Europe/Paris")
	start := time.Date(2027, 5, 11, 18, 30, 0, 0, paris)
	ics, err := ical.Bytes(ical.Cancel, "", stamp, []ical.Event{{UID: "m2@x", Sequence: 3, Start: start, End: start.Add(time.Hour), Summary: "Cancelled: Circle"}})
	if err != nil {
		t.Fatal(err)
	}
	p := readICS(t, ics, "Asia/Tokyo")
	if p.Method != "CANCEL" || p.Events[0].Status != "CANCELLED" || p.Events[0].Sequence != 3 || p.Events[0].UID != "m2@x" {
		t.Errorf("got %+v", p)
	}
	if got := p.Events[0].Start.Local["Asia/Tokyo"]; got != "2027-05-12 01:30" {
		t.Errorf("start in Tokyo: got %s, want 2027-05-12 01:30", got)
	}
}

// A feed of a monthly series anchored in London: the London time never moves,
// New York sees it move in the weeks when only one side is on summer time,
// Sydney sees its own autumn change.
func TestFeed_SeriesAcrossDST(t *testing.T) {
	london := zone(t, "Europe/London")
	rng := schedule.NewRange(time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC), time.Date(2027, 12, 20, 0, 0, 0, 0, time.UTC))
	starts, err := schedule.Series(schedule.Slot{Day: time.Tuesday, Start: 15 * 60}, london, rng, schedule.Rule{Freq: schedule.Weekly, Interval: 2})
	if err != nil {
		t.Fatal(err)
	}
	var events []ical.Event
	for i, s := range starts {
		events = append(events, ical.Event{UID: "s" + string(rune('a'+i%26)) + s.Format("20060102") + "@x", Start: s, End: s.Add(90 * time.Minute), Summary: "Circle"})
	}
	ics, err := ical.Bytes(ical.Publish, "Roundtable — Ana Ruiz", stamp, events)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, ics)
	p := readICS(t, ics, "Europe/London", "America/New_York", "Australia/Sydney")
	if p.Name != "Roundtable — Ana Ruiz" || p.Method != "PUBLISH" || len(p.Events) != len(starts) {
		t.Fatalf("got name %q, method %q, %d events; want %d", p.Name, p.Method, len(p.Events), len(starts))
	}
	ny := map[string]string{}
	for i, e := range p.Events {
		if got := e.Start.Local["Europe/London"][11:]; got != "15:00" {
			t.Errorf("meeting %d at %s London, want 15:00", i, e.Start.Local["Europe/London"])
		}
		if want := starts[i].UTC().Format("2006-01-02T15:04:05.000Z"); e.Start.UTC != want {
			t.Errorf("meeting %d at %s, want %s", i, e.Start.UTC, want)
		}
		ny[e.Start.Local["America/New_York"][:10]] = e.Start.Local["America/New_York"][11:]
	}
	for day, want := range map[string]string{"2027-03-09": "10:00", "2027-03-23": "11:00", "2027-04-06": "10:00", "2027-10-19": "10:00", "2027-11-02": "11:00", "2027-11-16": "10:00"} {
		if ny[day] != want {
			t.Errorf("New York on %s: got %q, want %s", day, ny[day], want)
		}
	}
	syd := p.Events[5].Start.Local["Australia/Sydney"]  // 23 Mar: AEDT
	syd2 := p.Events[7].Start.Local["Australia/Sydney"] // 20 Apr: AEST and BST
	if syd != "2027-03-24 02:00" || syd2 != "2027-04-21 00:00" {
		t.Errorf("Sydney: got %s and %s, want 2027-03-24 02:00 and 2027-04-21 00:00", syd, syd2)
	}
}

// Meetings in zones with odd offsets and rules, and in UTC, read back as the
// same instants; long text is folded and read back whole.
func TestZonesAndFolding(t *testing.T) {
	names := []string{"Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "America/St_Johns", "America/Santiago",
		"Pacific/Chatham", "Africa/Casablanca", "Asia/Tehran", "UTC", "Europe/Dublin"}
	r := rand.New(rand.NewPCG(7, 7))
	var events []ical.Event
	for i := 0; i < 120; i++ {
		loc := zone(t, names[i%len(names)])
		day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(900))
		start := schedule.WallTime(day, r.IntN(96)*15, loc)
		events = append(events, ical.Event{UID: "z" + start.Format("20060102150405") + loc.String(), Sequence: i,
			Start: start, End: start.Add(time.Duration(30+r.IntN(8)*15) * time.Minute), Summary: "Ünïcode circle ✓ " + strings.Repeat("é", i%40),
			Description: strings.Repeat("Peer learning, ", 12) + "— «end»; a\\b, c;d"})
	}
	ics, err := ical.Bytes(ical.Publish, "Zones", stamp, events)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, ics)
	p := readICS(t, ics)
	if len(p.Events) != len(events) {
		t.Fatalf("got %d events, want %d", len(p.Events), len(events))
	}
	for i, e := range p.Events {
		want := events[i]
		if e.Start.UTC != want.Start.UTC().Format("2006-01-02T15:04:05.000Z") || e.End.UTC != want.End.UTC().Format("2006-01-02T15:04:05.000Z") {
			t.Errorf("%s %s: ical.js reads %s–%s, want %s–%s", want.Start.Location(), want.Start.Format(time.DateTime),
				e.Start.UTC, e.End.UTC, want.Start.UTC(), want.End.UTC())
		}
		if e.Summary != want.Summary || e.Description != want.Description || e.Sequence != want.Sequence {
			t.Errorf("event %d: got %q / %q / %d", i, e.Summary, e.Description, e.Sequence)
		}
	}
}

func TestEmptyFeed(t *testing.T) {
	ics, err := ical.Bytes(ical.Publish, "Nothing yet", stamp, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := readICS(t, ics); len(p.Events) != 0 || p.Name != "Nothing yet" {
		t.Errorf("got %+v", p)
	}
}
