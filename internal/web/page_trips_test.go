package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

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
	{"circle", "member", 20, 12},
	{"circle", "facilitator", 20, 12},
	{"meeting", "member", 26, 18},
	{"meeting", "facilitator", 26, 18},
	{"room", "member", 25, 19},
	{"room", "facilitator", 25, 19},
	{"program", "organizer", 16, 8},
}

func TestPages_RoundTrips(t *testing.T) {
	for _, engine := range sqldbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := sqldbtest.OpenWith(t, engine, sqldb.Config{BaseURL: testBase})
			d, err := demo.Seed(ctx, db)
			if err != nil {
				t.Fatalf("seed the demo: %v", err)
			}
			srv, err := New(testServices(t, db), Config{BaseURL: testBase})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			auth := sqldb.NewAuthService(db)
			sessions := map[string]string{}
			for role, email := range map[string]string{"member": d.MemberEmail, "facilitator": d.FacilitatorEmail, "organizer": d.OrganizerEmail} {
				if sessions[role], err = auth.CreateSession(ctx, d.Users[email]); err != nil {
					t.Fatalf("sign in the %s: %v", role, err)
				}
			}
			paths := map[string]string{
				"circle":  "/circles/" + url.PathEscape(d.MemberCircleID),
				"meeting": "/meetings/" + url.PathEscape(d.MeetingIDs[0]),
				"room":    "/meetings/" + url.PathEscape(d.MeetingIDs[0]) + "/room",
				"program": "/programs/" + url.PathEscape(d.ProgramID),
			}
			for _, pc := range pageTrips {
				req := httptest.NewRequest("GET", testBase+paths[pc.page], nil)
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: sessions[pc.role]})
				rec := httptest.NewRecorder()
				before := db.RoundTrips()
				srv.ServeHTTP(rec, req)
				trips := db.RoundTrips() - before
				if rec.Code != http.StatusOK {
					t.Fatalf("%s page as %s: got status %d, want 200", pc.page, pc.role, rec.Code)
				}
				t.Logf("%s page as %s: %d round trips", pc.page, pc.role, trips)
				limit := pc.sqlite
				if engine == "postgres" {
					limit = pc.postgres
				}
				if trips > limit {
					t.Errorf("%s page as %s: got %d round trips to the database, want at most %d", pc.page, pc.role, trips, limit)
				}
			}
		})
	}
}
