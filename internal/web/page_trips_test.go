package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/roundtable/roundtable"

	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// pageTrips bounds the database round trips (statements, begins and ends of
// transactions) of the busiest pages, as each role that sees them asks for
// them on the demo data. A change that adds a query to one of these pages
// must raise its bound here, on purpose.
var pageTrips = []struct {
	page, role string
	// sqlite and postgres are the bounds on each engine: a read on
	// PostgreSQL needs no BEGIN and COMMIT.
	sqlite, postgres uint64
}{
	{"circle", "member", 9, 7},
	{"circle", "facilitator", 10, 8}, // and her notices: lapses, meetings most cannot make, in one statement
	// The meeting, its circle, the agenda and the threads carrying on from
	// it in one read; one query more for the documents attached as readings.
	{"meeting", "member", 13, 11},
	{"meeting", "facilitator", 14, 12}, // and whether most cannot come, in one statement
	{"room", "member", 12, 10},
	{"room", "facilitator", 12, 10},
	{"program", "organizer", 7, 5}, // one read: program, counts, circles, to-do card
}

// demoPages is a server on the demo data with a session for its member,
// facilitator and organizer, and the addresses of the busiest pages.
type demoPages struct {
	db       *sqldb.DB
	demo     *demo.Demo
	srv      *Server
	sessions map[string]string // by role
	paths    map[string]string // by page
}

func newDemoPages(tb testing.TB, engine string) *demoPages {
	tb.Helper()
	ctx := context.Background()
	db := sqldbtest.OpenWith(tb, engine, sqldb.Config{BaseURL: testBase})
	d, err := demo.Seed(ctx, db)
	if err != nil {
		tb.Fatalf("seed the demo: %v", err)
	}
	srv, err := New(testServices(tb, db), Config{BaseURL: testBase})
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	p := &demoPages{db: db, demo: d, srv: srv, sessions: map[string]string{}, paths: map[string]string{
		"circle":  "/circles/" + url.PathEscape(d.MemberCircleID),
		"meeting": "/meetings/" + url.PathEscape(d.MeetingIDs[0]),
		"room":    "/meetings/" + url.PathEscape(d.MeetingIDs[0]) + "/room",
		"program": "/programs/" + url.PathEscape(d.ProgramID),
	}}
	auth := sqldb.NewAuthService(db)
	for role, email := range map[string]string{"member": d.MemberEmail, "facilitator": d.FacilitatorEmail, "organizer": d.OrganizerEmail} {
		if p.sessions[role], err = auth.CreateSession(ctx, d.Users[email]); err != nil {
			tb.Fatalf("sign in the %s: %v", role, err)
		}
	}
	return p
}

// get asks for a page as a role and returns the answer.
func (p *demoPages) get(path, role string) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", testBase+path, nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: p.sessions[role]})
	rec := httptest.NewRecorder()
	p.srv.ServeHTTP(rec, req)
	return rec
}

func TestPages_RoundTrips(t *testing.T) {
	for _, engine := range sqldbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			p := newDemoPages(t, engine)
			db, d, paths := p.db, p.demo, p.paths
			// trips asks for a page and returns its round trips.
			trips := func(path, role string) uint64 {
				t.Helper()
				before := db.RoundTrips()
				rec := p.get(path, role)
				n := db.RoundTrips() - before
				if rec.Code != http.StatusOK {
					t.Fatalf("%s as %s: got status %d, want 200", path, role, rec.Code)
				}
				return n
			}
			for _, pc := range pageTrips {
				trips := trips(paths[pc.page], pc.role)
				t.Logf("%s page as %s: %d round trips", pc.page, pc.role, trips)
				limit := pc.sqlite
				if engine == "postgres" {
					limit = pc.postgres
				}
				if trips > limit {
					t.Errorf("%s page as %s: got %d round trips to the database, want at most %d", pc.page, pc.role, trips, limit)
				}
			}

			// Polls for a new time pile up over a program: the circle and
			// meeting pages read them all at once, not one by one.
			none := trips(paths["circle"], "member")
			fac, err := sqldb.NewUserService(db).FindUserByID(roundtable.NewSystemContext(ctx), d.Users[d.FacilitatorEmail])
			if err != nil {
				t.Fatal(err)
			}
			asFac := roundtable.NewContextWithUser(ctx, fac)
			home, err := sqldb.NewCircleService(db).FindCircleHome(asFac, d.MemberCircleID)
			if err != nil {
				t.Fatal(err)
			}
			if len(home.Upcoming) < 4 {
				t.Fatalf("got %d upcoming meetings in the demo circle, want 4 or more", len(home.Upcoming))
			}
			polls := sqldb.NewPollService(db)
			for i, m := range home.Upcoming[1:4] {
				p := &roundtable.Poll{MeetingID: m.ID, Scope: roundtable.ScopeMeeting, Note: "Half of us are away that week."}
				for j := range 2 {
					p.Options = append(p.Options, &roundtable.PollOption{StartsAt: m.StartsAt.Add(time.Duration(j+1) * 24 * time.Hour), Minutes: m.Minutes})
				}
				if err := polls.CreatePoll(asFac, p); err != nil {
					t.Fatalf("create poll: %v", err)
				}
				if i < 2 {
					if err := polls.ClosePoll(asFac, p.ID); err != nil {
						t.Fatalf("close poll: %v", err)
					}
				}
			}
			if three := trips(paths["circle"], "member"); three > none+2 {
				t.Errorf("circle page as member: got %d round trips with three polls, want at most %d (%d without)", three, none+2, none)
			}
		})
	}
}

// BenchmarkPages serves the busiest pages on the demo data, one request at
// a time in the process (no network): the cost of a page alone, with its
// allocations. bench pages measures them under load over loopback.
func BenchmarkPages(b *testing.B) {
	for _, engine := range sqldbtest.Engines(b) {
		p := newDemoPages(b, engine)
		for _, pc := range pageTrips {
			b.Run(engine+"/"+pc.page+"/"+pc.role, func(b *testing.B) {
				b.ReportAllocs()
				cpu0 := processCPU()
				for b.Loop() {
					if rec := p.get(p.paths[pc.page], pc.role); rec.Code != http.StatusOK {
						b.Fatalf("got status %d, want 200", rec.Code)
					}
				}
				b.ReportMetric((processCPU()-cpu0)*1e6/float64(b.N), "cpu-µs/op")
			})
		}
	}
}

// BenchmarkPages_TemplateOnly renders each busy page's template from the
// data the page was once given: what the page costs with a free database,
// a free network and free sessions. No change to the queries can bring a
// page below this.
func BenchmarkPages_TemplateOnly(b *testing.B) {
	p := newDemoPages(b, "sqlite")
	for _, pc := range pageTrips {
		var t pageTemplate
		var view layoutView
		p.srv.rendered = func(pt pageTemplate, v layoutView) { t, view = pt, v }
		if rec := p.get(p.paths[pc.page], pc.role); rec.Code != http.StatusOK {
			b.Fatalf("%s as %s: got status %d, want 200", pc.page, pc.role, rec.Code)
		}
		p.srv.rendered = nil
		b.Run(pc.page+"/"+pc.role, func(b *testing.B) {
			b.ReportAllocs()
			var buf bytes.Buffer
			cpu0 := processCPU()
			for b.Loop() {
				buf.Reset()
				if err := t.t.ExecuteTemplate(&buf, "layout", view); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((processCPU()-cpu0)*1e6/float64(b.N), "cpu-µs/op")
			b.ReportMetric(float64(buf.Len())/1024, "KB")
		})
	}
}
