package web

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// lapseSite is a circle with a facilitator, two members and two meetings
// held in the past, at both of which Mo was absent and Kim came.
type lapseSite struct {
	a           *app
	org, fac    *roundtable.User
	mo, kim     *roundtable.User
	p           *roundtable.Program
	c           *roundtable.Circle
	held        []*roundtable.Meeting
	fb, mb, kb  *browser
	orgBrowser  *browser
	later       func() // moves the clock past the alerts' delay
	circlePath  string
	meetingPath string
}

func newLapseSite(t *testing.T) *lapseSite {
	// Everyone joins a month ago; the clock then comes back to today, so
	// the meetings of the last weeks count for them.
	var offset atomic.Int64
	offset.Store(int64(-30 * 24 * time.Hour))
	a := newClockApp(t, func() time.Time { return time.Now().Add(time.Duration(offset.Load())) })
	s := &lapseSite{a: a, org: a.user("olga@example.org", "Olga Organizer", true)}
	s.p = a.program(s.org, "Leaders")
	s.c = a.circle(s.org, s.p, "Harbour")
	s.fac = a.facilitator(s.org, s.c, "fay@example.org", "Fay Facilitator")
	s.mo = a.member(s.org, s.c, a.applicant(s.org, s.p, "mo@example.org", "Mo Member", "Listen", true), "Europe/Paris")
	s.kim = a.member(s.org, s.c, a.applicant(s.org, s.p, "kim@example.org", "Kim Member", "Lead", true), "Europe/Paris")
	offset.Store(0)
	s.later = func() { offset.Store(int64(11 * time.Minute)) }
	for _, days := range []int{15, 8} {
		m := &roundtable.Meeting{CircleID: s.c.ID, StartsAt: time.Now().Add(-time.Duration(days) * 24 * time.Hour).Truncate(time.Minute), Minutes: 60, VideoURL: "https://meet.example/h"}
		if err := a.svc.Meetings.CreateMeeting(as(s.fac), m); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*roundtable.User{s.kim, s.mo} {
			if err := a.svc.Room.SetAttendance(as(s.fac), m.ID, u.ID, u == s.kim); err != nil {
				t.Fatal(err)
			}
		}
		s.held = append(s.held, m)
	}
	s.fb, s.mb, s.kb = a.browser().signInAs(s.fac), a.browser().signInAs(s.mo), a.browser().signInAs(s.kim)
	s.orgBrowser = a.browser().signInAs(s.org)
	s.circlePath = "/circles/" + s.c.ID
	s.meetingPath = "/meetings/" + s.held[0].ID
	return s
}

func TestLapse_Alert(t *testing.T) {
	s := newLapseSite(t)
	s.fb.get(s.circlePath).want(t, http.StatusOK).contains(t, "Mo Member missed the last 2 meetings in a row", roundtable.LapseNextStep, "We have talked")
	for _, b := range []*browser{s.mb, s.kb} {
		b.get(s.circlePath).want(t, http.StatusOK).lacks(t, "missed the last", roundtable.LapseNextStep)
	}
	var alerts int
	s.later()
	for _, m := range s.a.deliver() {
		if strings.Contains(m.Subject, "missed the last 2 meetings") {
			alerts++
			if m.To != "fay@example.org" {
				t.Errorf("got the alert sent to %s, want Fay", m.To)
			}
		}
	}
	if alerts != 1 {
		t.Fatalf("got %d alert e-mails, want 1", alerts)
	}
	done := s.circlePath + "/lapses/" + s.mo.ID + "/done"
	s.kb.post(done, nil).want(t, http.StatusForbidden)
	s.orgBrowser.post(done, nil).want(t, http.StatusNotFound)
	s.fb.follow(s.fb.post(done, nil).want(t, http.StatusSeeOther)).want(t, http.StatusOK).
		contains(t, "The alert is put away").lacks(t, "missed the last")
	s.fb.post(done, nil).want(t, http.StatusNotFound)
}

func TestLapse_Attendance(t *testing.T) {
	s := newLapseSite(t)
	path := s.meetingPath + "/attendance"
	s.fb.get(s.meetingPath).want(t, http.StatusOK).contains(t, `href="`+path+`"`)
	s.fb.get(path).want(t, http.StatusOK).contains(t, "Mo Member</strong>: absent", "Kim Member</strong>: came", "Excuse the absence<span class=\"visually-hidden\">: Mo Member")
	s.kb.get(path).want(t, http.StatusForbidden)
	s.orgBrowser.get(path).want(t, http.StatusNotFound)
	excuse := url.Values{"user": {s.mo.ID}, "excused": {"1"}}
	s.kb.post(path+"/excuse", excuse).want(t, http.StatusForbidden)
	s.fb.post(path+"/excuse", url.Values{"user": {s.kim.ID}, "excused": {"1"}}).want(t, http.StatusUnprocessableEntity)
	s.fb.post(path+"/excuse", url.Values{"user": {"../etc"}, "excused": {"1"}}).want(t, http.StatusUnprocessableEntity)
	s.fb.follow(s.fb.post(path+"/excuse", excuse).want(t, http.StatusSeeOther)).want(t, http.StatusOK).
		contains(t, "The absence is excused", "Mo Member</strong>: absent, excused", "Count the absence again")
	s.fb.get(s.circlePath).want(t, http.StatusOK).lacks(t, "missed the last")
}

func TestLapse_Rules(t *testing.T) {
	s := newLapseSite(t)
	path := "/programs/" + s.p.ID + "/attendance-rules"
	s.orgBrowser.get("/programs/"+s.p.ID).want(t, http.StatusOK).contains(t, `href="`+path+`"`)
	s.orgBrowser.get(path).want(t, http.StatusOK).contains(t, "Attendance rules", `value="2"`, "More than a third of the meetings so far")
	s.fb.get(path).want(t, http.StatusNotFound)
	s.fb.post(path, url.Values{"in_a_row": {"3"}, "share_of": {"0"}}).want(t, http.StatusNotFound)
	s.orgBrowser.post(path, url.Values{"in_a_row": {"1"}, "share_of": {"7"}}).want(t, http.StatusUnprocessableEntity).
		contains(t, "There is a problem", "between 2 and 10", "Choose one of the shares")
	s.orgBrowser.post(path, url.Values{"in_a_row": {"two"}, "share_of": {"3"}}).want(t, http.StatusUnprocessableEntity)
	s.orgBrowser.follow(s.orgBrowser.post(path, url.Values{"in_a_row": {"3"}, "share_of": {"0"}}).want(t, http.StatusSeeOther)).
		want(t, http.StatusOK).contains(t, "The attendance rules are saved")
	s.orgBrowser.get(path).want(t, http.StatusOK).contains(t, `value="3"`)
}

func TestLapse_TimeTrouble(t *testing.T) {
	s := newLapseSite(t)
	m := &roundtable.Meeting{CircleID: s.c.ID, StartsAt: time.Now().Add(10 * 24 * time.Hour).Truncate(time.Hour), Minutes: 60, VideoURL: "https://meet.example/h"}
	if err := s.a.svc.Meetings.CreateMeeting(as(s.fac), m); err != nil {
		t.Fatal(err)
	}
	s.fb.get(s.circlePath).want(t, http.StatusOK).lacks(t, "cannot come on")
	for _, u := range []*roundtable.User{s.mo, s.kim} {
		if err := s.a.svc.Meetings.SetRSVP(as(u), m.ID, roundtable.RSVPNo); err != nil {
			t.Fatal(err)
		}
	}
	offer := "/meetings/" + m.ID + "/polls/new?why=answers"
	s.fb.get(s.circlePath).want(t, http.StatusOK).contains(t, "Most of the circle cannot come on", "2 of the 2 members", offer)
	s.fb.get("/meetings/"+m.ID).want(t, http.StatusOK).contains(t, offer)
	s.mb.get("/meetings/"+m.ID).want(t, http.StatusOK).lacks(t, "cannot come on")
	s.mb.get(s.circlePath).want(t, http.StatusOK).lacks(t, "cannot come on")
	loc := roundtable.LoadLocation(s.c.TimeZone)
	next := m.StartsAt.In(loc).AddDate(0, 0, 1)
	s.fb.get(offer).want(t, http.StatusOK).contains(t, "Most of us cannot come", `value="`+next.Format("2006-01-02")+`"`)
}

func TestLapse_StepAway(t *testing.T) {
	s := newLapseSite(t)
	path := s.circlePath + "/step-away"
	s.mb.get(s.circlePath).want(t, http.StatusOK).contains(t, `href="`+path+`"`)
	s.fb.get(s.circlePath).want(t, http.StatusOK).lacks(t, `href="`+path+`"`)
	s.mb.get(path).want(t, http.StatusOK).contains(t, "Step away from Harbour?", "your seat opens", "Step away from the circle",
		"your goals in this circle and your check-ins on them are deleted")
	s.fb.get(path).want(t, http.StatusUnprocessableEntity)
	s.orgBrowser.get(path).want(t, http.StatusNotFound)
	s.orgBrowser.post(path, nil).want(t, http.StatusNotFound)
	s.fb.post(path, nil).want(t, http.StatusUnprocessableEntity)
	s.a.deliver()
	s.mb.follow(s.mb.post(path, nil).want(t, http.StatusSeeOther)).want(t, http.StatusOK).contains(t, "You have stepped away")
	s.mb.get(s.circlePath).want(t, http.StatusNotFound)
	var told bool
	for _, m := range s.a.deliver() {
		told = told || (m.To == "fay@example.org" && strings.Contains(m.Subject, "Mo Member stepped away"))
	}
	if !told {
		t.Fatal("got no message to Fay that Mo stepped away, want one")
	}
}

// newClockApp is newApp on the clock now, for the database and the pages.
func newClockApp(t *testing.T, now func() time.Time) *app {
	t.Helper()
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db := sqldbtest.OpenWith(t, "sqlite", sqldb.Config{BaseURL: testBase, Logger: logger, Now: now})
	svc := testServices(t, db)
	srv, err := New(svc, Config{BaseURL: testBase, Logger: logger, Now: now})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &app{t: t, db: db, svc: svc, srv: srv, outbox: sqldb.NewOutbox(db), logs: logs}
}
