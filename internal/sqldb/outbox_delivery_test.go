package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roundtable/roundtable/internal/mail"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// These tests send keyed messages about meetings through a real SMTP server
// (mailtest) and count what arrives per Message-ID, which is what a
// recipient's mail system uses to tell one message from another.

// key is a keyed message's unique key, as jobs.go builds it.
func key(kind, meetingID, userID string, sequence int) string {
	return fmt.Sprintf("%s.%s.%s.%d", kind, meetingID, userID, sequence)
}

// deliverAll runs passes until nothing is due, failing the test on errors.
func deliverAll(t *testing.T, o *sqldb.Outbox, m mail.Mailer) int {
	t.Helper()
	sent, err := o.Deliver(context.Background(), m)
	if err != nil {
		t.Fatalf("deliver: %v", err)
	}
	return sent
}

// states counts the outbox rows by kind and state ("sent", "dropped: reason",
// "failed", "waiting").
func states(t *testing.T, db *sqldb.DB) map[string]int {
	t.Helper()
	rows, err := sqldb.OutboxStatesForTest(context.Background(), db)
	must(t, err)
	out := map[string]int{}
	for _, r := range rows {
		s := "waiting"
		switch {
		case r.Sent:
			s = "sent"
		case r.Dropped:
			s = "dropped: " + r.LastError
		case r.Failed:
			s = "failed"
		}
		out[r.Kind+" "+s]++
	}
	return out
}

func wantStates(t *testing.T, db *sqldb.DB, want map[string]int) {
	t.Helper()
	got := states(t, db)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("outbox states:\n got %v\nwant %v", got, want)
	}
}

// messageIDs returns the sorted Message-IDs of messages.
func messageIDs(ms []mailtest.ParsedMessage) []string {
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.MessageID)
	}
	sort.Strings(ids)
	return ids
}

func wantIDs(t *testing.T, db *sqldb.DB, got []mailtest.ParsedMessage, kind string, m sqldb.SeededMeeting, sequence int) {
	t.Helper()
	var want []string
	for _, u := range m.Users {
		want = append(want, sqldb.MessageIDForTest(db, key(kind, m.ID, u, sequence)))
	}
	sort.Strings(want)
	if g := messageIDs(got); strings.Join(g, " ") != strings.Join(want, " ") {
		t.Fatalf("Message-IDs:\n got %v\nwant %v", g, want)
	}
}

func TestOutbox_MeetingMail(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		srv := mailtest.StartServer(t)
		mailer := srv.Mailer(t)
		m, err := sqldb.SeedMeetingForTest(ctx, e.db, 3, start.Add(10*24*time.Hour))
		must(t, err)
		must(t, sqldb.ScheduleMeetingMailForTest(ctx, e.db, m.ID, m.Users))

		if n := deliverAll(t, e.outbox, mailer); n != 3 {
			t.Fatalf("got %d sent, want the 3 invitations", n)
		}
		got := srv.Messages()
		wantIDs(t, e.db, got, "meeting.invitation", m, 0)
		for _, email := range m.Emails {
			got := srv.MessagesTo(email)
			if len(got) != 1 {
				t.Fatalf("got %d messages to %s, want 1 invitation", len(got), email)
			}
			msg := got[0]
			if msg.Subject == "" || msg.Text == "" || msg.HTML == "" {
				t.Errorf("invitation to %s: subject %q, text %q, html %q", email, msg.Subject, msg.Text, msg.HTML)
			}
			if msg.CalendarMethod != "REQUEST" || !strings.Contains(string(msg.Calendar), "UID:"+m.ID+"@rt.example") {
				t.Errorf("invitation to %s: calendar method %q, file %q", email, msg.CalendarMethod, msg.Calendar)
			}
		}
		// Nothing more is due until a week before the meeting.
		if n := deliverAll(t, e.outbox, mailer); n != 0 {
			t.Fatalf("got %d sent again, want 0", n)
		}
		e.clock.Add(3*24*time.Hour + time.Minute)
		if n := deliverAll(t, e.outbox, mailer); n != 3 {
			t.Fatalf("got %d sent a week before, want the 3 reminders", n)
		}
		wantIDs(t, e.db, srv.Messages()[3:], "meeting.reminder_week", m, 0)
		wantStates(t, e.db, map[string]int{
			"meeting.invitation sent": 3, "meeting.reminder_week sent": 3, "meeting.reminder_day waiting": 3,
		})
	})
}

func TestOutbox_MovedMeetingIsRetimed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		srv := mailtest.StartServer(t)
		mailer := srv.Mailer(t)
		m, err := sqldb.SeedMeetingForTest(ctx, e.db, 2, start.Add(10*24*time.Hour))
		must(t, err)
		must(t, sqldb.ScheduleMeetingMailForTest(ctx, e.db, m.ID, m.Users))
		deliverAll(t, e.outbox, mailer)

		// Moved two days later: an updated invitation now, reminders re-timed.
		must(t, sqldb.MoveMeetingForTest(ctx, e.db, m.ID, start.Add(12*24*time.Hour), m.Users))
		if n := deliverAll(t, e.outbox, mailer); n != 2 {
			t.Fatalf("got %d sent after the move, want 2 updated invitations", n)
		}
		wantIDs(t, e.db, srv.Messages()[2:], "meeting.invitation", m, 1)

		// A week before the old time: nothing.
		e.clock.Add(3*24*time.Hour + time.Minute)
		if n := deliverAll(t, e.outbox, mailer); n != 0 {
			t.Fatalf("got %d sent a week before the old time, want 0", n)
		}
		// A week before the new time: the reminders of the new sequence.
		e.clock.Add(2 * 24 * time.Hour)
		if n := deliverAll(t, e.outbox, mailer); n != 2 {
			t.Fatalf("got %d sent a week before the new time, want 2", n)
		}
		wantIDs(t, e.db, srv.Messages()[4:], "meeting.reminder_week", m, 1)
		wantStates(t, e.db, map[string]int{
			"meeting.invitation sent":                                  4,
			"meeting.reminder_week dropped: the meeting changed since": 2,
			"meeting.reminder_day dropped: the meeting changed since":  2,
			"meeting.reminder_week sent":                               2,
			"meeting.reminder_day waiting":                             2,
		})
		if d := srv.Duplicates(); d != 0 {
			t.Fatalf("got %d duplicate Message-IDs, want 0", d)
		}
	})
}

func TestOutbox_CancelledMeetingIsNotSent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		srv := mailtest.StartServer(t)
		mailer := srv.Mailer(t)
		// One meeting is cancelled the way the service does it (its waiting
		// messages dropped); the other's cancellation lands after its
		// reminders were enqueued and before they are sent, so rendering
		// refuses them.
		dropped, err := sqldb.SeedMeetingForTest(ctx, e.db, 2, start.Add(10*24*time.Hour))
		must(t, err)
		raced, err := sqldb.SeedMeetingForTest(ctx, e.db, 2, start.Add(10*24*time.Hour))
		must(t, err)
		for _, m := range []sqldb.SeededMeeting{dropped, raced} {
			must(t, sqldb.ScheduleMeetingMailForTest(ctx, e.db, m.ID, m.Users))
		}
		if n := deliverAll(t, e.outbox, mailer); n != 4 {
			t.Fatalf("got %d sent, want 4 invitations", n)
		}
		must(t, sqldb.CancelMeetingForTest(ctx, e.db, dropped.ID, true))
		must(t, sqldb.CancelMeetingForTest(ctx, e.db, raced.ID, false))
		e.clock.Add(9*24*time.Hour + time.Minute) // both reminders are due
		if n := deliverAll(t, e.outbox, mailer); n != 0 {
			t.Fatalf("got %d sent for cancelled meetings, want 0", n)
		}
		if n, _ := e.outbox.Pending(ctx); n != 0 {
			t.Fatalf("got %d pending, want 0", n)
		}
		wantStates(t, e.db, map[string]int{
			"meeting.invitation sent":                                  4,
			"meeting.reminder_week dropped: the meeting was cancelled": 4,
			"meeting.reminder_day dropped: the meeting was cancelled":  4,
		})
	})
}

// TestOutbox_SMTPDownForAnHour stops the mail server for an hour of the
// test clock while the worker keeps trying, then starts it again: every
// message arrives once, none is given up.
func TestOutbox_SMTPDownForAnHour(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		srv := mailtest.StartServer(t)
		mailer := srv.Mailer(t)
		const n = 120
		_, err := sqldb.SeedMailBench(ctx, e.db, n)
		must(t, err)
		e.outbox.Batch = 25
		must(t, srv.Stop())
		failures := 0
		for minute := 0; minute < 60; minute++ {
			// Some minutes nothing is due: every message waits out its delay.
			sent, err := e.outbox.Deliver(ctx, mailer)
			if sent != 0 {
				t.Fatalf("minute %d: got %d sent with the server down", minute, sent)
			}
			if err != nil {
				failures++
			}
			e.clock.Add(time.Minute)
		}
		if failures < 5 {
			t.Fatalf("got %d failed passes in the hour, want the worker to keep trying", failures)
		}
		must(t, srv.Restart())
		total := 0
		for minute := 0; minute < 120 && total < n; minute++ {
			sent, err := e.outbox.Deliver(ctx, mailer)
			must(t, err)
			total += sent
			e.clock.Add(time.Minute)
		}
		if total != n || srv.Received() != n || srv.Duplicates() != 0 {
			t.Fatalf("got %d sent, %d received, %d duplicates; want %d, %d, 0", total, srv.Received(), srv.Duplicates(), n, n)
		}
		wantStates(t, e.db, map[string]int{"meeting.reminder_week sent": n})
	})
}

// instances opens n handles on one fresh, migrated database, as n app
// instances on one PostgreSQL (or one SQLite file) would have.
func instances(t *testing.T, engine string, now func() time.Time, n int) []*sqldb.DB {
	t.Helper()
	var url string
	switch engine {
	case "sqlite":
		url = "sqlite:" + filepath.Join(t.TempDir(), "roundtable.db")
	case "postgres":
		url = sqldbtest.CreatePostgresDatabase(t)
	}
	ctx := context.Background()
	var dbs []*sqldb.DB
	for i := range n {
		db, err := sqldb.Open(ctx, sqldb.Config{URL: url, BaseURL: "https://rt.example", Now: now, Logger: slog.New(slog.DiscardHandler), Keyring: sqldbtest.Keyring(t)})
		if err != nil {
			t.Fatalf("open instance %d: %v", i, err)
		}
		t.Cleanup(func() { db.Close() })
		if i == 0 {
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatalf("migrate: %v", err)
			}
		}
		dbs = append(dbs, db)
	}
	return dbs
}

// forEachEngineShared runs fn on every engine with n instances of one
// database and a test clock.
func forEachEngineShared(t *testing.T, n int, fn func(t *testing.T, c *clock, dbs []*sqldb.DB)) {
	t.Helper()
	t.Parallel()
	for _, engine := range sqldbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			c := &clock{t: start}
			fn(t, c, instances(t, engine, c.Now, n))
		})
	}
}

// TestOutbox_TwoInstancesSendOnce runs two workers, each with its own
// database handle, on one queue at once: every message arrives exactly once.
func TestOutbox_TwoInstancesSendOnce(t *testing.T) {
	forEachEngineShared(t, 2, func(t *testing.T, _ *clock, dbs []*sqldb.DB) {
		ctx := context.Background()
		srv := mailtest.StartServer(t)
		const n = 600
		_, err := sqldb.SeedMailBench(ctx, dbs[0], n)
		must(t, err)
		var wg sync.WaitGroup
		var sent [2]int
		for i, db := range dbs {
			o := sqldb.NewOutbox(db)
			o.Batch = 15
			mailer := srv.Mailer(t)
			wg.Go(func() {
				s, err := o.Deliver(ctx, mailer)
				if err != nil {
					t.Errorf("worker %d: %v", i, err)
				}
				sent[i] = s
			})
		}
		wg.Wait()
		if sent[0]+sent[1] != n || srv.Received() != n || len(srv.Deliveries()) != n {
			t.Fatalf("got %d+%d sent, %d received, %d distinct Message-IDs; want %d each",
				sent[0], sent[1], srv.Received(), len(srv.Deliveries()), n)
		}
		if sent[0] == 0 || sent[1] == 0 {
			t.Logf("one worker sent everything (%d/%d): the claims did not overlap this time", sent[0], sent[1])
		}
		for id, k := range srv.Deliveries() {
			if k != 1 {
				t.Fatalf("got %d deliveries of %s, want 1", k, id)
			}
		}
		wantStates(t, dbs[0], map[string]int{"meeting.reminder_week sent": n})
	})
}

// stopping is a mailer that sends the first after messages through the real
// one and then stops the worker the way stop says, failing the rest of
// its batch.
type stopping struct {
	inner *mail.SMTPMailer
	after int
	stop  func() error // returns the error the rest of the batch gets

	mu   sync.Mutex
	sent int
}

func (s *stopping) Send(ctx context.Context, m mail.Message) error {
	return s.SendBatch(ctx, []mail.Message{m})[0]
}

func (s *stopping) SendBatch(ctx context.Context, ms []mail.Message) []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := min(len(ms), max(s.after-s.sent, 0))
	errs := s.inner.SendBatch(ctx, ms[:k])
	s.sent += k
	if k < len(ms) {
		err := s.stop()
		for range ms[k:] {
			errs = append(errs, err)
		}
	}
	return errs
}

// TestOutbox_CrashMidBatch kills a worker after it sent part of a batch and
// before it recorded it (its database connection is gone, as when the
// process dies), then starts another: every message arrives. The messages
// sent but not recorded are sent again once the dead worker's claim expires
// (never more than one batch), with the same Message-ID, so the recipient's
// mail system still has one message each.
func TestOutbox_CrashMidBatch(t *testing.T) {
	forEachEngineShared(t, 2, func(t *testing.T, c *clock, dbs []*sqldb.DB) {
		ctx := context.Background()
		srv := mailtest.StartServer(t)
		const n, batch, crashAt = 90, 20, 27 // the crash comes 7 messages into the second batch
		_, err := sqldb.SeedMailBench(ctx, dbs[0], n)
		must(t, err)

		// One batch at a time, so the count of messages sent twice is exact;
		// with Concurrency k, up to k batches would be.
		dying := sqldb.NewOutbox(dbs[0])
		dying.Batch, dying.Concurrency = batch, 1
		crash := &stopping{inner: srv.Mailer(t), after: crashAt, stop: func() error {
			dbs[0].Close()
			return errors.New("killed")
		}}
		if sent, err := dying.Deliver(ctx, crash); err == nil || sent != batch {
			t.Fatalf("got (%d, %v) from the dying worker, want (%d, an error)", sent, err, batch)
		}
		if got := srv.Received(); got != crashAt {
			t.Fatalf("got %d received before the crash, want %d", got, crashAt)
		}

		restarted := sqldb.NewOutbox(dbs[1])
		restarted.Batch, restarted.Concurrency = batch, 1
		first := deliverAll(t, restarted, srv.Mailer(t))
		if first != n-2*batch {
			t.Fatalf("got %d sent at restart, want %d (the crashed batch is still claimed)", first, n-2*batch)
		}
		c.Add(5*time.Minute + time.Second) // the claim's lease
		if second := deliverAll(t, restarted, srv.Mailer(t)); second != batch {
			t.Fatalf("got %d sent after the lease, want the crashed batch of %d", second, batch)
		}

		dups := crashAt - batch
		if len(srv.Deliveries()) != n || srv.Received() != n+dups || srv.Duplicates() != dups {
			t.Fatalf("got %d distinct Message-IDs, %d received, %d duplicates; want %d, %d, %d",
				len(srv.Deliveries()), srv.Received(), srv.Duplicates(), n, n+dups, dups)
		}
		twice := 0
		for _, k := range srv.Deliveries() {
			if k == 2 {
				twice++
			}
		}
		if twice != dups {
			t.Fatalf("got %d Message-IDs delivered twice, want the %d sent but not recorded", twice, dups)
		}
		wantStates(t, dbs[1], map[string]int{"meeting.reminder_week sent": n})
	})
}

// TestOutbox_StopMidBatch stops a worker (its context is cancelled, as at
// shutdown) in the middle of a batch: what it sent is recorded, what it did
// not try is handed back, and a restart sends each message exactly once.
func TestOutbox_StopMidBatch(t *testing.T) {
	forEachEngineShared(t, 2, func(t *testing.T, _ *clock, dbs []*sqldb.DB) {
		ctx := context.Background()
		srv := mailtest.StartServer(t)
		const n, batch, stopAt = 50, 20, 7
		_, err := sqldb.SeedMailBench(ctx, dbs[0], n)
		must(t, err)

		wctx, cancel := context.WithCancel(ctx)
		defer cancel()
		o := sqldb.NewOutbox(dbs[0])
		o.Batch, o.Concurrency = batch, 1
		stop := &stopping{inner: srv.Mailer(t), after: stopAt, stop: func() error { cancel(); return wctx.Err() }}
		if sent, err := o.Deliver(wctx, stop); !errors.Is(err, context.Canceled) || sent != stopAt {
			t.Fatalf("got (%d, %v) from the stopped worker, want (%d, context.Canceled)", sent, err, stopAt)
		}
		// No lease to wait for: the untried messages were handed back.
		restarted := sqldb.NewOutbox(dbs[1])
		if sent := deliverAll(t, restarted, srv.Mailer(t)); sent != n-stopAt {
			t.Fatalf("got %d sent at restart, want %d", sent, n-stopAt)
		}
		if srv.Received() != n || srv.Duplicates() != 0 {
			t.Fatalf("got %d received, %d duplicates; want %d, 0", srv.Received(), srv.Duplicates(), n)
		}
		rows, err := sqldb.OutboxStatesForTest(ctx, dbs[1])
		must(t, err)
		for _, r := range rows {
			if r.Attempts != 1 {
				t.Fatalf("got %d attempts for %s, want 1 (a handed-back claim is not an attempt)", r.Attempts, r.Key)
			}
		}
	})
}
