package web

import (
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// TestLinkParts: http and https addresses in a reading become links; other
// schemes and look-alikes stay text.
func TestLinkParts(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []textPart
	}{
		{"Radical Candor, chapter 3", []textPart{{Text: "Radical Candor, chapter 3"}}},
		{"https://example.org/a?b=1", []textPart{{Text: "https://example.org/a?b=1", Href: "https://example.org/a?b=1"}}},
		{"Read https://example.org/rc. Then http://x.example (short)", []textPart{
			{Text: "Read "}, {Text: "https://example.org/rc", Href: "https://example.org/rc"}, {Text: ". Then "},
			{Text: "http://x.example", Href: "http://x.example"}, {Text: " (short)"}}},
		{"javascript:alert(1) data:text/html,x", []textPart{{Text: "javascript:alert(1) data:text/html,x"}}},
		{"https:// nothing http://user:pw@evil.example/", []textPart{{Text: "https:// nothing http://user:pw@evil.example/"}}},
		{"  two  spaces https://a.example/", []textPart{{Text: "  two  spaces "}, {Text: "https://a.example/", Href: "https://a.example/"}}},
	} {
		if got := linkParts(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("linkParts(%q): got %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

// TestMeetingShow_ReadingsAreLinks: a reading with a web address shows as a
// link on the meeting's page; anything else stays text.
func TestMeetingShow_ReadingsAreLinks(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	m := &roundtable.Meeting{CircleID: s.circle.ID, StartsAt: time.Now().Add(48 * time.Hour).Truncate(time.Minute), Minutes: 60,
		VideoURL: "https://v.example/cedar", Readings: "Chapter 3 https://example.org/candor.\njavascript:alert(1)"}
	if err := a.svc.Meetings.CreateMeeting(as(s.fac), m); err != nil {
		t.Fatalf("create meeting: %v", err)
	}
	r := a.browser().signInAs(s.ny).get("/meetings/"+m.ID).want(t, http.StatusOK)
	r.contains(t, `<li>Chapter 3 <a href="https://example.org/candor">https://example.org/candor</a>.</li>`, `<li>javascript:alert(1)</li>`)
	r.lacks(t, `href="javascript`)
}
