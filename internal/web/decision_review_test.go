package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// TestDecision_OddInput: whatever a member or the facilitator sends to the
// parking lot and decisions, the answer is a page or a message, never a
// server error.
func TestDecision_OddInput(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	m := a.meetingIn(s, 10, 90)
	ny, fb := a.browser().signInAs(s.ny), a.browser().signInAs(s.fac)
	base := "/circles/" + s.circle.ID
	day := time.Now().Add(3 * 24 * time.Hour).Format(roundtable.DateLayout)
	mk := func(kind string, opts ...string) string {
		v := url.Values{"title": {"Odd " + kind}, "kind": {kind}, "closes_date": {day}, "closes_time": {"18:00"}, "results": {"open"}}
		for i, o := range opts {
			v.Set("option"+string(rune('1'+i)), o)
		}
		return ny.post(base+"/decisions/new", v).want(t, http.StatusSeeOther).Location
	}
	consent, choice, score := mk("consent"), mk("choice", "One", "Two"), mk("score", "One", "Two")
	other, err := a.svc.Decisions.FindDecision(as(s.ny), s.circle.ID, choice[strings.LastIndex(choice, "/")+1:])
	if err != nil {
		t.Fatal(err)
	}
	foreign := other.Options[0].ID

	type req struct {
		who  *browser
		path string
		form url.Values
	}
	reqs := []req{
		{ny, base + "/decisions/new", url.Values{"kind": {"made-up"}, "change": {"format:"}, "closes_date": {"2026-13-45"}, "closes_time": {"25:99"}}},
		{ny, base + "/decisions/new", url.Values{"title": {"x"}, "kind": {"score"}, "change": {"cadence:hourly"}, "closes_date": {"0001-01-01"}, "closes_time": {"00:00"}}},
		{ny, base + "/decisions/new", url.Values{"title": {"x"}, "kind": {"consent"}, "closes_date": {"9999-12-31"}, "closes_time": {"23:59"}}},
		{ny, consent + "/vote", url.Values{}},
		{ny, consent + "/vote", url.Values{"stance": {"BLOCK"}, "reason": {strings.Repeat("é", 1001)}}},
		{ny, choice + "/vote", url.Values{"option_id": {"not-an-id"}}},
		{ny, score + "/vote", url.Values{"score_" + foreign: {"5"}, "score_x": {"abc"}}},
		{ny, score + "/vote", url.Values{"score_": {"-1"}}},
		{ny, base + "/decisions/not-an-id/vote", url.Values{"stance": {"agree"}}},
		{ny, base + "/decisions/not-an-id", nil},
		{ny, consent + "/outcome", url.Values{"outcome": {"Too early"}}},
		{ny, consent + "/apply", nil},
		{fb, consent + "/apply", nil},
		{fb, base + "/decisions/not-an-id/close", nil},
		{fb, base + "/decisions/not-an-id/outcome", url.Values{"outcome": {"x"}}},
		{fb, base + "/decisions/not-an-id/apply", nil},
		{ny, base + "/parking-lot", url.Values{"title": {"t"}, "priority": {""}, "minutes": {"abc"}, "share": {"on"}}},
		{ny, base + "/parking-lot/not-an-id", nil},
		{ny, base + "/parking-lot/not-an-id", url.Values{"title": {"t"}, "priority": {"A"}, "minutes": {"20"}}},
		{ny, base + "/parking-lot/not-an-id/share", url.Values{"shared": {"yes"}}},
		{ny, base + "/parking-lot/not-an-id/want", url.Values{"want": {"1"}}},
		{ny, base + "/parking-lot/not-an-id/delete", nil},
		{fb, base + "/parking-lot/not-an-id/pick", url.Values{"meeting_id": {m.ID}}},
	}
	for _, r := range reqs {
		var res *response
		if r.form == nil && !strings.HasSuffix(r.path, "/apply") && !strings.HasSuffix(r.path, "/close") && !strings.HasSuffix(r.path, "/delete") {
			res = r.who.get(r.path)
		} else {
			res = r.who.post(r.path, r.form)
		}
		if res.Code >= 500 {
			t.Errorf("%s: got status %d, want a page or a message; body: %s", r.path, res.Code, snippet(res.Body))
		}
		if res.Code == http.StatusUnprocessableEntity && !strings.Contains(res.Body, `class="error-summary"`) {
			t.Errorf("%s: got a 422 without a message; body: %s", r.path, snippet(res.Body))
		}
	}
	// The proposer who sends an outcome while the decision is open is told why.
	r := ny.post(consent+"/outcome", url.Values{"outcome": {"Too early"}}).want(t, http.StatusSeeOther)
	ny.follow(r).contains(t, "once the decision has closed")
}
