package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

func TestOutbox_Deliver(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		must(t, e.applicants.Apply(anon, newApplicant(p.ID, "Anna", "anna@example.org")))
		if n, err := e.outbox.Pending(ctx); err != nil || n != 1 {
			t.Fatalf("got (%d, %v) pending, want 1", n, err)
		}
		// A rolled-back change sends nothing.
		wantCode(t, e.applicants.Apply(anon, newApplicant(p.ID, "Anna", "anna@example.org")), roundtable.ECONFLICT)

		sent, err := e.outbox.Deliver(ctx, e.mailer)
		must(t, err)
		if sent != 1 || len(e.mailer.sent()) != 1 || e.mailer.sent()[0].To != "anna@example.org" {
			t.Fatalf("got %d sent (%v), want the one confirmation", sent, e.mailer.sent())
		}
		// A stored message gets a Message-ID of its row, the same on a resend.
		if id := e.mailer.sent()[0].ID; !strings.HasSuffix(id, "@rt.example") || len(id) != 36+len("@rt.example") {
			t.Errorf("got Message-ID %q, want <row id>@rt.example", id)
		}
		if n, _ := e.outbox.Pending(ctx); n != 0 {
			t.Fatalf("got %d pending, want 0", n)
		}
		if sent, _ := e.outbox.Deliver(ctx, e.mailer); sent != 0 {
			t.Fatalf("got %d sent again, want 0", sent)
		}
		if body := sqldb.OutboxBodiesForTest(ctx, e.db); body != "" {
			t.Fatalf("got stored bodies %q after sending, want them cleared", body)
		}
	})
}

func TestOutbox_Retry(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.user("Paul", "paul@example.org", false, false)
		must(t, e.auth.RequestSignInLink(anon, "paul@example.org"))

		failing := &recorder{fail: errors.New("smtp: 451 try later")}
		sent, err := e.outbox.Deliver(ctx, failing)
		if sent != 0 || err == nil {
			t.Fatalf("got (%d, %v), want (0, an error)", sent, err)
		}
		if n, _ := e.outbox.Pending(ctx); n != 1 {
			t.Fatalf("got %d pending after a failure, want 1", n)
		}
		// Not retried before its delay.
		if sent, err := e.outbox.Deliver(ctx, e.mailer); sent != 0 || err != nil {
			t.Fatalf("got (%d, %v) right after the failure, want (0, nil)", sent, err)
		}
		e.clock.Add(31 * time.Second)
		sent, err = e.outbox.Deliver(ctx, e.mailer)
		must(t, err)
		if sent != 1 || linkRE.FindString(e.mailer.sent()[0].Text) == "" {
			t.Fatalf("got %d sent, want the sign-in link on retry", sent)
		}

		t.Run("GivesUp", func(t *testing.T) {
			must(t, e.auth.RequestSignInLink(anon, "paul@example.org"))
			e.outbox.MaxAttempts = 3
			for i := 0; i < 3; i++ {
				if _, err := e.outbox.Deliver(ctx, failing); err == nil {
					t.Fatalf("attempt %d: got no error, want one", i+1)
				}
				e.clock.Add(time.Hour)
			}
			if n, _ := e.outbox.Pending(ctx); n != 0 {
				t.Fatalf("got %d pending, want 0 after giving up", n)
			}
			if body := sqldb.OutboxBodiesForTest(ctx, e.db); body != "" {
				t.Fatalf("got stored bodies %q after giving up, want them cleared", body)
			}
		})
	})
}

func TestOutbox_ConcurrentDeliverSendsOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		const n = 60
		for i := range n {
			must(t, e.applicants.Apply(anon, newApplicant(p.ID, fmt.Sprint("A", i), fmt.Sprintf("a%d@example.org", i))))
		}
		e.outbox.Batch = 5
		other := sqldb.NewOutbox(e.db)
		other.Batch = 5
		var wg sync.WaitGroup
		var total [2]int
		for i, o := range []*sqldb.Outbox{e.outbox, other} {
			wg.Go(func() {
				sent, err := o.Deliver(ctx, e.mailer)
				if err != nil {
					t.Errorf("deliver: %v", err)
				}
				total[i] = sent
			})
		}
		wg.Wait()
		seen := map[string]int{}
		for _, m := range e.mailer.sent() {
			seen[m.To]++
		}
		if len(seen) != n || total[0]+total[1] != n {
			t.Fatalf("got %d recipients and %d+%d sent, want %d", len(seen), total[0], total[1], n)
		}
		for to, k := range seen {
			if k != 1 {
				t.Fatalf("got %d messages to %s, want exactly 1", k, to)
			}
		}
	})
}

func TestOutbox_Run(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { e.outbox.Run(ctx, e.mailer); close(done) }()
		e.user("Paul", "paul@example.org", false, false)
		must(t, e.auth.RequestSignInLink(anon, "paul@example.org"))
		// The commit wakes Run, which sends without waiting for its poll.
		deadline := time.Now().Add(5 * time.Second)
		for len(e.mailer.sent()) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("got nothing sent within 5 s, want the link sent")
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		<-done
	})
}
