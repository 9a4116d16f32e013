package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Odd IDs, ratings, statuses, numbers and huge texts on the commitment,
// check-in and attendance routes: never a server error.
func TestBetween_OddInputNoServerError(t *testing.T) {
	s := newLapseSite(t)
	if err := s.a.svc.Circles.SetGoals(as(s.mo), s.c.ID, []string{"Build one team from two"}); err != nil {
		t.Fatal(err)
	}
	p, err := s.a.svc.CheckIns.FindCheckIns(as(s.mo), s.c.ID, s.mo.ID)
	if err != nil {
		t.Fatal(err)
	}
	g := p.Goals[0].Goal.ID
	huge := strings.Repeat("é", 200_000)
	ids := []string{"x", "..", "%2e%2e", strings.Repeat("a", 5000), "0", "-1", "a.b.c", s.c.ID, s.mo.ID, s.held[0].ID}
	numbers := []string{"0", "6", "x", "-1", "1.5", "99999999999999999999999", "", huge}
	check := func(who string, b *browser, method, path string, form url.Values) {
		t.Helper()
		var r *response
		if method == http.MethodGet {
			r = b.get(path)
		} else {
			r = b.post(path, form)
		}
		if r.Code >= 500 {
			t.Errorf("%s %s %s %v: got status %d, want below 500; body: %s", who, method, path[:min(len(path), 80)], shortForm(form), r.Code, snippet(r.Body))
		}
	}
	for who, b := range map[string]*browser{"Mo": s.mb, "Fay": s.fb, "Olga": s.orgBrowser} {
		for _, id := range ids {
			check(who, b, "POST", "/commitments/"+id, url.Values{"status": {"done"}, "note": {huge}})
			check(who, b, "GET", "/circles/"+id+"/checkins", nil)
			check(who, b, "GET", s.circlePath+"/members/"+id+"/checkins", nil)
			check(who, b, "POST", s.circlePath+"/lapses/"+id+"/done", nil)
			check(who, b, "POST", "/circles/"+id+"/lapses/"+s.mo.ID+"/done", nil)
			check(who, b, "GET", "/meetings/"+id+"/attendance", nil)
			check(who, b, "POST", "/meetings/"+id+"/attendance/excuse", url.Values{"user": {s.mo.ID}, "excused": {"1"}})
			check(who, b, "POST", s.meetingPath+"/attendance/excuse", url.Values{"user": {id}, "excused": {"1"}})
			check(who, b, "GET", "/circles/"+id+"/step-away", nil)
			check(who, b, "GET", "/programs/"+id+"/attendance-rules", nil)
			check(who, b, "POST", s.circlePath+"/checkins", url.Values{"rating-" + id: {"3"}, "reflection-" + id: {"x"}})
		}
		for _, n := range numbers {
			check(who, b, "POST", s.circlePath+"/checkins", url.Values{"rating-" + g: {n}, "reflection-" + g: {huge}})
			check(who, b, "POST", s.circlePath+"/checkins/share", url.Values{"share": {n}})
			check(who, b, "POST", "/programs/"+s.p.ID+"/attendance-rules", url.Values{"in_a_row": {n}, "share_of": {n}})
			check(who, b, "POST", "/commitments/x", url.Values{"status": {n}, "note": {n}})
		}
	}
	if p, err := s.a.svc.CheckIns.FindCheckIns(as(s.mo), s.c.ID, s.mo.ID); err != nil || len(p.Goals[0].CheckIns) != 0 {
		t.Fatalf("got %v %v, want no check-in stored from bad input", p, err)
	}
	if r, err := s.a.svc.Lapses.LapseRules(as(s.org), s.p.ID); err != nil || r.Validate() != nil {
		t.Fatalf("got rules %+v %v, want only valid rules stored", r, err)
	}
}

func shortForm(f url.Values) string {
	s := f.Encode()
	return s[:min(len(s), 80)]
}
