package sqldb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// BenchmarkDiscussion_ReadThread1000 reads a page of a thread of 1,000
// replies, its first and its last, as a member who has seen it all: what the
// thread's page asks of the store.
func BenchmarkDiscussion_ReadThread1000(b *testing.B) {
	for _, engine := range sqldbtest.Engines(b) {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			db := sqldbtest.OpenWith(b, engine, sqldb.Config{BaseURL: "https://rt.example"})
			users, programs, circles := sqldb.NewUserService(db), sqldb.NewProgramService(db), sqldb.NewCircleService(db)
			var people []*roundtable.User
			for i := range 2 {
				u := &roundtable.User{Name: fmt.Sprintf("Bench %d", i), Email: fmt.Sprintf("bench%d@example.org", i), TimeZone: "Europe/Paris", CanOrganize: true}
				if err := users.CreateUser(sys, u, "correct horse battery"); err != nil {
					b.Fatal(err)
				}
				people = append(people, u)
			}
			p := newProgram("Bench")
			if err := programs.CreateProgram(as(people[0]), p); err != nil {
				b.Fatal(err)
			}
			c := &roundtable.Circle{ProgramID: p.ID, Name: "Bench circle", TimeZone: "Europe/Paris"}
			if err := circles.CreateCircle(sys, c); err != nil {
				b.Fatal(err)
			}
			for _, u := range people {
				if err := sqldb.ExecForTest(ctx, db, `INSERT INTO circle_members (circle_id, user_id, role, invited_at, joined_at, ground_rules_accepted_at)
					VALUES ($1, $2, 'member', 0, 0, 0)`, c.ID, u.ID); err != nil {
					b.Fatal(err)
				}
			}
			s := sqldb.NewDiscussionService(db)
			th := &roundtable.Thread{CircleID: c.ID, Title: "Carrying on", Body: "What did you **try**?"}
			if err := s.StartThread(as(people[0]), th); err != nil {
				b.Fatal(err)
			}
			for i := range 1000 {
				body := fmt.Sprintf("Reply %d: I tried *delegating* the report, [notes](https://example.org/n).\n\n> Next?\n\n1. ask\n2. wait", i)
				if err := s.AddReply(as(people[1-i%2]), &roundtable.Reply{ThreadID: th.ID, Body: body}); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := s.ReadThread(as(people[0]), th.ID, 0); err != nil {
				b.Fatal(err)
			}
			for _, page := range []int{1, 33} {
				b.Run(fmt.Sprintf("page%d", page), func(b *testing.B) {
					for b.Loop() {
						pg, err := s.ReadThread(as(people[0]), th.ID, page)
						if err != nil || len(pg.Replies) != roundtable.RepliesPerPage || pg.Page != page {
							b.Fatalf("got %v, want a full page", err)
						}
					}
				})
			}
		})
	}
}
