package web

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// The circle page names the weekly time in the circle's zone and on the
// reader's clock, with the weeks when only one of the two zones is on summer
// time, from today to the end of the program.
func TestCircleRhythm(t *testing.T) {
	p := &roundtable.Program{
		StartDate: time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC),
		EndDate:   time.Date(2027, 6, 28, 0, 0, 0, 0, time.UTC),
		Cadence:   roundtable.Monthly,
	}
	circle := &roundtable.Circle{TimeZone: "Europe/London", Slot: "Tue 15:00"}
	ny, london := roundtable.LoadLocation("America/New_York"), roundtable.LoadLocation("Europe/London")
	sr := &roundtable.Series{Slot: "Tue 15:00", Cadence: roundtable.Biweekly}
	before := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	during := time.Date(2027, 3, 20, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		sr   *roundtable.Series
		loc  *time.Location
		now  time.Time
		want rhythmView
	}{
		{"before the program, no series", nil, ny, before, rhythmView{Circle: "Tuesday at 15:00", Cadence: "every month", Zone: "Europe/London",
			Local: "Tuesday at 10:00", Changes: "at 11:00 from 16 March 2027, then at 10:00 again from 30 March 2027"}},
		{"in the weeks between the changes, with a series", sr, ny, during, rhythmView{Circle: "every two weeks on Tuesday at 15:00", Zone: "Europe/London",
			Local: "Tuesday at 11:00", Changes: "at 10:00 from 30 March"}},
		{"the circle's own zone", sr, london, before, rhythmView{Circle: "every two weeks on Tuesday at 15:00"}},
	} {
		got := circleRhythm(circle, p, tc.sr, tc.loc, tc.now)
		if got == nil || *got != tc.want {
			t.Errorf("%s: got %+v\nwant %+v", tc.name, got, tc.want)
		}
	}
	for _, c := range []*roundtable.Circle{{TimeZone: "Europe/London"}, {TimeZone: "Europe/London", Slot: "Someday"}, {TimeZone: "Mars/Base", Slot: "Tue 15:00"}} {
		if got := circleRhythm(c, p, nil, time.UTC, before); got != nil {
			t.Errorf("circle %+v: got %+v, want nothing", c, got)
		}
	}
}

// The circle's page says how many threads have posts new to the reader, and
// stops saying so once she has read them.
func TestCircleHome_NewThreads(t *testing.T) {
	p := newDemoPages(t, "sqlite")
	const tag = `<span class="tag">1 thread with new posts</span>`
	home := p.get(p.paths["circle"], "facilitator").Body.String()
	if !strings.Contains(home, tag) {
		t.Fatalf("got no %q on the circle's page before reading the demo's thread", tag)
	}
	list := p.get("/circles/"+p.demo.MemberCircleID+"/discussion", "facilitator").Body.String()
	i := strings.Index(list, `href="/threads/`)
	if i < 0 {
		t.Fatalf("got no thread link on the discussion page:\n%s", list)
	}
	link := list[i+len(`href="`):]
	link = link[:strings.IndexByte(link, '"')]
	if rec := p.get(link, "facilitator"); rec.Code != 200 {
		t.Fatalf("read %s: got status %d", link, rec.Code)
	}
	if home := p.get(p.paths["circle"], "facilitator").Body.String(); strings.Contains(home, "with new posts") {
		t.Error("got threads with new posts on the circle's page after reading the only thread, want none")
	}
}

// The circle's page says when a proposal waits for the reader's vote, and
// stops once she has voted.
func TestCircleHome_ToVote(t *testing.T) {
	p := newDemoPages(t, "sqlite")
	const tag = `<span class="tag">1 proposal waits for your vote</span>`
	if home := p.get(p.paths["circle"], "member").Body.String(); !strings.Contains(home, tag) {
		t.Fatalf("got no %q on the circle's page while the demo's proposal is open", tag)
	}
	list := p.get("/circles/"+p.demo.MemberCircleID+"/decisions", "member").Body.String()
	m := regexp.MustCompile(`href="(/circles/[^/"]+/decisions/[0-9a-f-]{36})"`).FindStringSubmatch(list)
	if m == nil {
		t.Fatalf("got no proposal link on the decisions page:\n%s", list)
	}
	link := m[1]
	req := httptest.NewRequest("POST", testBase+link+"/vote", strings.NewReader("stance=agree"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", testBase)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: p.sessions["member"]})
	rec := httptest.NewRecorder()
	p.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("vote at %s: got status %d, want 303", link, rec.Code)
	}
	if home := p.get(p.paths["circle"], "member").Body.String(); strings.Contains(home, "for your vote") {
		t.Error("got a proposal waiting for her vote after she voted, want none")
	}
}
