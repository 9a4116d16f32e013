package web

import (
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// The circle page names the weekly time in the reader's clock, across the
// weeks when only one of the two zones is on summer time.
func TestCircleRhythm(t *testing.T) {
	p := &roundtable.Program{
		StartDate: time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC),
		EndDate:   time.Date(2027, 6, 28, 0, 0, 0, 0, time.UTC),
	}
	c := &roundtable.Circle{TimeZone: "Europe/London", Slot: "Tue 15:00"}
	got := circleRhythm(c, p, roundtable.LoadLocation("America/New_York"))
	want := "Tue 15:00 Europe/London — Tue 10:00 your time, 11:00 from 16 Mar 2027, 10:00 from 30 Mar 2027"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	for _, c := range []*roundtable.Circle{{TimeZone: "Europe/London"}, {TimeZone: "Europe/London", Slot: "Someday"}, {TimeZone: "Mars/Base", Slot: "Tue 15:00"}} {
		if got := circleRhythm(c, p, time.UTC); got != "" {
			t.Errorf("circle %+v: got %q, want nothing", c, got)
		}
	}
}
