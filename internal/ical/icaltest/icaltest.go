// Package icaltest reads calendar files in tests the way calendar programs
// do: with ical.js (Mozilla's parser, used by calendar clients) under node,
// through tools/ical/read.mjs.
package icaltest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Calendar is a file as ical.js reads it.
type Calendar struct {
	Method    string   `json:"method"`
	Name      string   `json:"name"`
	Timezones []string `json:"timezones"`
	Events    []Event  `json:"events"`
}

// Event is one event of a Calendar.
type Event struct {
	UID         string `json:"uid"`
	Sequence    int    `json:"sequence"`
	Status      string `json:"status"`
	Summary     string `json:"summary"`
	Description string `json:"description"`
	Location    string `json:"location"`
	URL         string `json:"url"`
	Start       Time   `json:"start"`
	End         Time   `json:"end"`
	Organizer   *struct {
		Value string `json:"value"`
		CN    string `json:"cn"`
	} `json:"organizer"`
	Attendees []struct {
		Value string `json:"value"`
		CN    string `json:"cn"`
	} `json:"attendees"`
}

// Time is an event's start or end: the instant, the zone it was written
// in, and the wall-clock time ("2027-03-16 10:00") in each zone asked for.
type Time struct {
	UTC   string            `json:"utc"`
	TZID  string            `json:"tzid"`
	Local map[string]string `json:"local"`
}

// Read parses ics with ical.js and gives each event's times in the zones
// named. Node runs in UTC, so that a time read without its zone shows as a
// wrong instant. It fails the test when node or ical.js is missing (make
// test installs it) or the file does not parse.
func Read(t testing.TB, ics []byte, zones ...string) *Calendar {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "..", "..", "..", "tools", "ical", "read.mjs")
	if _, err := os.Stat(filepath.Join(filepath.Dir(script), "node_modules", "ical.js")); err != nil {
		t.Fatalf("ical.js is missing (%v): run `make test`, which installs it", err)
	}
	cmd := exec.Command("node", append([]string{script}, zones...)...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	cmd.Stdin = bytes.NewReader(ics)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ical.js could not read the file: %v\n%s\n--- file ---\n%s", err, stderr.String(), ics)
	}
	var c Calendar
	if err := json.Unmarshal(out, &c); err != nil {
		t.Fatalf("read ical.js output: %v\n%s", err, out)
	}
	return &c
}
