package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// BenchmarkRoomPage_LongBoard draws the room page of a meeting under way
// whose board holds 2,000 posts, for its presenter (who also gets the
// play-back form). It reports the page's size as bytes/page.
func BenchmarkRoomPage_LongBoard(b *testing.B) {
	ctx := context.Background()
	db := sqldbtest.OpenWith(b, "sqlite", sqldb.Config{BaseURL: testBase})
	ids, err := sqldb.SeedRoomBench(ctx, db, 1)
	if err != nil {
		b.Fatal(err)
	}
	if err := sqldb.SeedBoard(ctx, db, ids[0], 2000); err != nil {
		b.Fatal(err)
	}
	svc := testServices(b, db)
	sys := roundtable.NewSystemContext(ctx)
	r, err := svc.Room.Snapshot(sys, ids[0], roundtable.AudienceMember)
	if err != nil {
		b.Fatal(err)
	}
	presenter := ""
	for _, a := range r.Roles {
		if a.Role == roundtable.RolePresenter {
			presenter = a.UserID
		}
	}
	token, err := svc.Auth.CreateSession(ctx, presenter)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := New(svc, Config{BaseURL: testBase, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, testBase+roomPath(ids[0]), nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	first := get()
	if first.Code != http.StatusOK {
		b.Fatalf("got %d, want 200: %s", first.Code, first.Body.String())
	}
	size, _ := io.Copy(io.Discard, first.Body)
	b.ResetTimer()
	for b.Loop() {
		if rec := get(); rec.Code != http.StatusOK {
			b.Fatalf("got %d, want 200", rec.Code)
		}
	}
	b.ReportMetric(float64(size), "bytes/page")
}
