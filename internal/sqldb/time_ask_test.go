package sqldb_test

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/schedule"
)

var timesRE = regexp.MustCompile(`/times/([A-Za-z0-9_-]{43})`)

// unplacedEnv is a program of eight people who meet on Monday mornings in
// Berlin, formed into two circles of four to five, and the given people in
// New York who are free on Thursdays only: unplaced.
func unplacedEnv(t *testing.T, e *env, names ...string) (*sqldb.FormationService, *roundtable.User, *roundtable.FormationPreview, []*roundtable.Applicant) {
	t.Helper()
	fs, org, p, _ := formationEnv(t, e, 8)
	var out []*roundtable.Applicant
	for _, name := range names {
		a := newApplicant(p.ID, name, strings.ToLower(name[:2])+"@example.org")
		a.Organization, a.TimeZone, a.Availability = name+" Co", "America/New_York", "Thu 09:00-10:00"
		must(t, e.applicants.Apply(anon, a))
		must(t, e.applicants.SetApplicantStatus(sys, a.ID, roundtable.StatusAccepted))
		out = append(out, a)
	}
	s := quickSettings(p)
	s.SizeMin, s.SizeMax, s.SeparateOrganizations = 4, 5, true
	d, err := fs.StartFormation(as(org), p.ID, s)
	must(t, err)
	pv := settled(t, fs, as(org), d.ID)
	if len(pv.Circles) != 2 || len(pv.Unplaced) != len(names) {
		t.Fatalf("got %d circles and %d unplaced, want 2 and %d", len(pv.Circles), len(pv.Unplaced), len(names))
	}
	e.deliver()
	return fs, org, pv, out
}

// unplacedOf returns a person's row of the preview's unplaced list, or nil.
func unplacedOf(pv *roundtable.FormationPreview, id string) *roundtable.PreviewUnplaced {
	for _, u := range pv.Unplaced {
		if u.Applicant.ID == id {
			return u
		}
	}
	return nil
}

func TestTimeAsk_DraftFlow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		fs, org, pv, aps := unplacedEnv(t, e, "Di Nakamura")
		di := aps[0]
		u := unplacedOf(pv, di.ID)
		if u == nil || len(u.Ways) == 0 || u.Ask != nil {
			t.Fatalf("got %+v, want Di unplaced with ways in and no ask yet", u)
		}
		w := u.Ways[0]
		if w.Circle < 1 || w.Extra == 0 || !strings.HasPrefix(w.Her, "Monday 0") || !strings.HasPrefix(w.Ref, "Monday ") {
			t.Fatalf("got way %+v, want a circle on Monday morning, early in New York", w)
		}

		// Nobody but the program's organizers may ask.
		other := e.user("Oscar", "oscar@example.org", false, true)
		if _, err := fs.AskTimes(as(other), pv.Draft.ID, di.ID); roundtable.ErrorCode(err) != roundtable.ENOTFOUND {
			t.Fatalf("another organizer asked: got %v, want ENOTFOUND", err)
		}
		if _, err := fs.AskTimes(as(org), pv.Draft.ID, pv.Circles[0].Members[0].Applicant.ID); roundtable.ErrorCode(err) != roundtable.EINVALID {
			t.Fatalf("asked a placed person: got %v, want EINVALID", err)
		}

		ask, err := fs.AskTimes(as(org), pv.Draft.ID, di.ID)
		must(t, err)
		again, err := fs.AskTimes(as(org), pv.Draft.ID, di.ID)
		must(t, err)
		if again.ID != ask.ID || !again.AskedAt.Equal(ask.AskedAt) {
			t.Fatalf("asking twice: got %+v, want the first ask", again)
		}
		msgs := e.deliver()
		if len(msgs) != 1 || msgs[0].To != di.Email || !strings.Contains(msgs[0].Text, w.Her) || !strings.Contains(msgs[0].Text, "America/New_York time") {
			t.Fatalf("got %d messages (%v), want one to Di with %q in her zone", len(msgs), msgs, w.Her)
		}
		token := timesRE.FindStringSubmatch(msgs[0].Text)[1]

		if _, err := fs.FindTimeAsk(anon, "not-a-token"); roundtable.ErrorCode(err) != roundtable.ENOTFOUND {
			t.Fatalf("bad token: got %v, want ENOTFOUND", err)
		}
		if _, err := fs.AnswerTimeAsk(anon, token, len(ask.Options)); roundtable.ErrorCode(err) != roundtable.EINVALID {
			t.Fatalf("answer out of range: got %v, want EINVALID", err)
		}
		found, err := fs.FindTimeAsk(anon, token)
		must(t, err)
		if !found.Open || found.Name != di.Name || found.Options[0].Her != w.Her || found.TimeZone != "America/New_York" {
			t.Fatalf("got %+v, want Di's open ask with her times", found)
		}
		pv2, err := fs.FindFormationPreview(as(org), pv.Draft.ID)
		must(t, err)
		if a := unplacedOf(pv2, di.ID).Ask; a == nil || !a.Open {
			t.Fatalf("got ask %+v on the preview, want it shown as waiting", a)
		}

		got, err := fs.AnswerTimeAsk(anon, token, 0)
		must(t, err)
		if got.Outcome != roundtable.AskDraft || got.Open || !strings.Contains(got.Message, w.HerFirst()) {
			t.Fatalf("got %+v, want her placed in the draft, with the time named", got)
		}
		if _, err := fs.AnswerTimeAsk(anon, token, -1); roundtable.ErrorCode(err) != roundtable.ECONFLICT {
			t.Fatalf("answering twice: got %v, want ECONFLICT", err)
		}
		pv3, err := fs.FindFormationPreview(as(org), pv.Draft.ID)
		must(t, err)
		c := pv3.Circles[w.Circle-1]
		i := slices.IndexFunc(c.Members, func(m *roundtable.PreviewMember) bool { return m.Applicant.ID == di.ID })
		if i < 0 || c.Members[i].Asked == nil || unplacedOf(pv3, di.ID) != nil || len(c.Problems) > 0 {
			t.Fatalf("got circle %d %+v, want Di in it, marked as asked, without problems", w.Circle, c)
		}
		want, _ := schedule.ParseWeek(w.Add)
		if week := c.Members[i].Applicant.Week(); !slices.Contains(week, want[0]) {
			t.Fatalf("got availability %s, want %s added", week, w.Add)
		}
		res, err := fs.PublishFormation(as(org), pv.Draft.ID)
		must(t, err)
		if res.Invitations != 9 {
			t.Fatalf("got %d invitations, want 9 (Di too)", res.Invitations)
		}
	})
}

func TestTimeAsk_PublishedSeatTakenExpiredNone(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		fs, org, pv, aps := unplacedEnv(t, e, "Di Nakamura", "Ed Okafor", "Fay Quinn", "Gus Ruiz")
		tokens := map[string]string{}
		ways := map[string][]*roundtable.WayIn{}
		for _, a := range aps {
			ask, err := fs.AskTimes(as(org), pv.Draft.ID, a.ID)
			must(t, err)
			ways[a.ID] = ask.Options
			tokens[a.ID] = e.lastToken(timesRE, a.Email)
		}
		// Circles of four take one more each: Di takes a seat, Ed then finds it gone.
		_, err := fs.PublishFormation(as(org), pv.Draft.ID)
		must(t, err)
		e.deliver()
		di, ed, fay, gus := aps[0], aps[1], aps[2], aps[3]
		got, err := fs.AnswerTimeAsk(anon, tokens[di.ID], 0)
		must(t, err)
		if got.Outcome != roundtable.AskPlaced || !strings.Contains(got.Message, "invitation") {
			t.Fatalf("got %+v, want Di placed in the published circle", got)
		}
		if msgs := e.deliver(); len(msgs) != 1 || msgs[0].To != di.Email || !strings.Contains(msgs[0].Subject, "invited") {
			t.Fatalf("got %v, want Di's invitation to the circle", msgs)
		}
		circle := ways[di.ID][0].Circle
		k := slices.IndexFunc(ways[ed.ID], func(w *roundtable.WayIn) bool { return w.Circle == circle })
		got, err = fs.AnswerTimeAsk(anon, tokens[ed.ID], k)
		must(t, err)
		if got.Outcome != roundtable.AskTaken || !strings.Contains(got.Message, "taken meanwhile") {
			t.Fatalf("got %+v, want the seat taken", got)
		}
		if msgs := e.deliver(); len(msgs) != 0 {
			t.Fatalf("got %v, want no message for a seat taken", msgs)
		}

		got, err = fs.AnswerTimeAsk(anon, tokens[fay.ID], -1)
		must(t, err)
		if got.Outcome != roundtable.AskNone || got.Choice != -1 {
			t.Fatalf("got %+v, want none of these", got)
		}

		e.clock.Add(roundtable.TimeAskLifetime + time.Minute)
		if _, err := fs.AnswerTimeAsk(anon, tokens[gus.ID], 0); roundtable.ErrorCode(err) != roundtable.ECONFLICT || !strings.Contains(roundtable.ErrorMessage(err), "expired") {
			t.Fatalf("expired link: got %v, want ECONFLICT saying it expired", err)
		}
		if a, err := fs.FindTimeAsk(anon, tokens[gus.ID]); err != nil || a.Open {
			t.Fatalf("got %+v, %v, want the expired ask, closed", a, err)
		}
		// An expired, unanswered ask may be sent again, with a new link.
		again, err := fs.AskTimes(as(org), pv.Draft.ID, gus.ID)
		must(t, err)
		if !again.Open || e.lastToken(timesRE, gus.Email) == tokens[gus.ID] {
			t.Fatalf("got %+v, want a new open ask with a new link", again)
		}
	})
}

func TestTimeAsk_AskedOnceAtTheSameMoment(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		fs, org, pv, aps := unplacedEnv(t, e, "Di Nakamura")
		var wg sync.WaitGroup
		asks := make([]*roundtable.TimeAsk, 4)
		for i := range asks {
			wg.Go(func() {
				a, err := fs.AskTimes(as(org), pv.Draft.ID, aps[0].ID)
				if err != nil {
					t.Errorf("ask %d: %v", i, err)
				}
				asks[i] = a
			})
		}
		wg.Wait()
		if msgs := e.deliver(); len(msgs) != 1 {
			t.Fatalf("got %d e-mails to Di, want exactly one", len(msgs))
		}
		for _, a := range asks {
			if a == nil || a.ID != asks[0].ID {
				t.Fatalf("got asks %v, want one and the same", asks)
			}
		}
	})
}
