package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/roundtable/roundtable/internal/mail"
)

// Outbox delivers the e-mails services enqueue inside their transactions.
//
// Each pass claims a batch of due messages, renders the keyed ones (messages
// about meetings and polls, see jobs.go) from the data as it is now, sends the
// batch over one SMTP connection and records the outcome in one transaction.
//
// Several instances may run against one PostgreSQL database: a claim moves
// the messages' next attempt past a lease inside a transaction that skips
// rows another instance holds, so each message is claimed by one of them.
//
// Delivery is exactly once except for one honest gap. A sender that dies
// after the SMTP server accepted messages and before it recorded them (a
// crash, a kill, a lost database) leaves the batches it had on their way
// claimed (at most Concurrency of them); when the lease runs out they are
// sent again. They carry the same Message-ID, which mail systems use to
// recognise a message they have already received.
type Outbox struct {
	db *DB
	// Batch is how many messages one claim takes: they are rendered in one
	// transaction and sent over one connection.
	Batch int
	// Concurrency is how many batches are on their way at once, each over
	// its own connection: some render while others wait for the database or
	// the mail server. After a crash, at most this many batches are sent
	// twice.
	Concurrency int
	// MaxAttempts is how many times a message is tried before it is given
	// up. Retries wait 30 s, 1 min, 2 min, … up to an hour, so the default
	// keeps a message for about a day of mail server trouble.
	MaxAttempts int

	host string // the right side of Message-IDs: the site's host (render.go)
	// housekept is the day whose housekeeping this outbox has enqueued.
	housekept string
}

// NewOutbox returns an outbox on db.
func NewOutbox(db *DB) *Outbox {
	o := &Outbox{db: db, Batch: 100, Concurrency: 4, MaxAttempts: 30, host: db.host()}
	if db.Dialect() == "sqlite" {
		// Rendering holds SQLite's one writer (it records what invitations
		// said): two batches at once already keep the mail server busy,
		// and leave the writer to the web pages in between.
		o.Concurrency = 2
	}
	return o
}

// claimLease is how long a claimed message is hidden from other senders. A
// sender that dies mid-batch leaves its messages to be retried after it.
// Leases are read on each instance's clock, so instances' clocks must agree
// to well within sendWindow (NTP does).
const claimLease = 5 * time.Minute

// sendWindow bounds the time from claim to the end of sending, well inside
// the lease: a stalled mail server must not keep a batch past its lease,
// when another sender could claim and send it too.
const sendWindow = claimLease / 2

// pollInterval is how often Run looks for due messages without a wake-up.
const pollInterval = 2 * time.Second

// enqueue stores a message to send after the transaction commits. kind names
// the message for logs; bodies are never logged.
func enqueue(ctx context.Context, tx *Tx, kind string, m mail.Message) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO outbox (id, kind, recipient, subject, text_body, html_body, next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		newID(), kind, m.To, clean(m.Subject), clean(m.Text), clean(m.HTML), ms(tx.now), ms(tx.now))
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", kind, err)
	}
	tx.enqueued = true
	return nil
}

// outboxMessage is a claimed message and, after a pass, what became of it.
type outboxMessage struct {
	id, kind string
	attempts int
	keyed    bool // rendered when sent; job describes it
	job      job
	msg      mail.Message

	drop     string // not sent on purpose, with this reason
	err      error  // rendering or sending failed
	sent     bool
	released bool // not tried (the pass was stopped): the claim is handed back
}

// Deliver makes passes over the due messages until none is left and returns
// how many it sent. Failed messages are retried later with growing delays;
// Deliver reports them in its error. A pass whose whole batch fails (the
// mail server is likely down) ends its loop: the rest wait for the next call.
func (o *Outbox) Deliver(ctx context.Context, m mail.Mailer) (sent int, err error) {
	var (
		mu       sync.Mutex
		failures int
		first    []error
		stopErr  error
		wg       sync.WaitGroup
	)
	for range max(o.Concurrency, 1) {
		wg.Go(func() {
			for {
				r, err := o.pass(ctx, m)
				mu.Lock()
				sent += r.sent
				failures += len(r.failed)
				for _, f := range r.failed {
					if len(first) < 3 {
						first = append(first, f)
					}
				}
				if err != nil && stopErr == nil {
					stopErr = err
				}
				mu.Unlock()
				if err != nil || r.claimed == 0 || (r.tried > 0 && r.sent == 0) {
					return
				}
			}
		})
	}
	wg.Wait()
	err = stopErr
	if failures > 0 {
		err = errors.Join(append([]error{fmt.Errorf("%d messages not sent, to be retried", failures)}, append(first, err)...)...)
	}
	return sent, err
}

// passResult is what one batch came to.
type passResult struct {
	claimed, tried, sent int
	failed               []error
}

// pass claims, renders, sends and records one batch.
func (o *Outbox) pass(ctx context.Context, m mail.Mailer) (passResult, error) {
	var r passResult
	batch, err := o.claim(ctx)
	if err != nil || len(batch) == 0 {
		return r, err
	}
	r.claimed = len(batch)
	deadline := time.Now().Add(sendWindow)
	o.renderBatch(ctx, batch)
	o.send(ctx, m, batch, deadline)
	// A pass stopped by its context still records what it sent, so a
	// shutdown between two messages resends nothing.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	err = o.record(rctx, batch)
	cancel()
	if err != nil {
		return r, err
	}
	for _, b := range batch {
		switch {
		case b.sent:
			r.sent++
			r.tried++
			o.db.log.Info("mail sent", "kind", b.kind, "to", b.msg.To)
		case b.err != nil && !b.released:
			r.tried++
			r.failed = append(r.failed, fmt.Errorf("send %s to %s: %w", b.kind, b.msg.To, b.err))
		}
	}
	return r, ctx.Err()
}

// claim takes a batch of due messages: it moves their next attempt past the
// lease, so no other sender sees them, and counts the attempt.
func (o *Outbox) claim(ctx context.Context) ([]*outboxMessage, error) {
	var out []*outboxMessage
	err := o.db.update(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1
			WHERE id IN (
				SELECT id FROM outbox
				WHERE sent_at IS NULL AND failed_at IS NULL AND dropped_at IS NULL AND next_attempt_at <= $2
				ORDER BY next_attempt_at, id
				LIMIT `+strconv.Itoa(max(o.Batch, 1))+o.db.dialect.lockSkip()+`)
			RETURNING id, kind, recipient, subject, text_body, html_body, attempts,
				dedupe_key, meeting_id, user_id, sequence, ref_id`,
			ms(tx.now.Add(claimLease)), ms(tx.now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m := &outboxMessage{}
			var key, meeting, user sql.NullString
			if err := rows.Scan(&m.id, &m.kind, &m.msg.To, &m.msg.Subject, &m.msg.Text, &m.msg.HTML, &m.attempts,
				&key, &meeting, &user, &m.job.Sequence, &m.job.RefID); err != nil {
				return err
			}
			if m.keyed = key.Valid; m.keyed {
				m.job.Kind, m.job.MeetingID, m.job.UserID = m.kind, meeting.String, user.String
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claim outbox: %w", err)
	}
	// RETURNING has no order; IDs are UUIDv7, so this is the order of enqueueing.
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out, nil
}

// renderBatch composes the keyed messages of a batch in one transaction, so
// they all show the data as of one moment. (Rendering writes a little: what
// an invitation told its reader, for the next update to say what changed.)
// A change committed after rendering and before sending (a cancellation a
// second later) races with it; the change's own messages follow it.
func (o *Outbox) renderBatch(ctx context.Context, batch []*outboxMessage) {
	for _, b := range batch {
		if !b.keyed {
			// Stored messages get a Message-ID from their row, so a resend
			// after a crash is recognisable too.
			b.msg.ID = b.id + "@" + o.host
		}
	}
	for round := 0; ; round++ {
		err := o.db.update(ctx, func(tx *Tx) error {
			for _, b := range batch {
				if !b.keyed || b.err != nil {
					continue
				}
				b.drop = ""
				r, err := o.db.render(ctx, tx, b.job)
				switch {
				case err != nil:
					// A failed statement ends a PostgreSQL transaction:
					// this message waits for a retry, the others render
					// again in a new transaction.
					b.err = fmt.Errorf("render: %w", err)
					return errRenderAgain
				case r.drop != "":
					b.drop = r.drop
				case strings.TrimSpace(r.msg.To) == "":
					b.err = errors.New("render: the message has no recipient")
				default:
					b.msg = r.msg
					b.msg.ID = b.job.messageID(o.host)
				}
			}
			return nil
		})
		if err == nil {
			return
		}
		if errors.Is(err, errRenderAgain) && round < 3 {
			continue
		}
		// Nothing rendered here was committed: the rest wait for a retry.
		for _, b := range batch {
			if b.keyed && b.err == nil {
				b.drop, b.err = "", fmt.Errorf("render: %w", err)
			}
		}
		return
	}
}

var errRenderAgain = errors.New("render the rest of the batch again")

// send delivers the batch's messages that are ready, over one connection
// when the mailer can, until the deadline.
func (o *Outbox) send(ctx context.Context, m mail.Mailer, batch []*outboxMessage, deadline time.Time) {
	var ready []*outboxMessage
	var msgs []mail.Message
	for _, b := range batch {
		if b.err == nil && b.drop == "" {
			ready = append(ready, b)
			msgs = append(msgs, b.msg)
		}
	}
	if len(msgs) == 0 {
		return
	}
	sctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	var errs []error
	if bm, ok := m.(mail.BatchMailer); ok {
		errs = bm.SendBatch(sctx, msgs)
	} else {
		errs = make([]error, len(msgs))
		for i, msg := range msgs {
			if errs[i] = sctx.Err(); errs[i] == nil {
				errs[i] = m.Send(sctx, msg)
			}
		}
	}
	for i, b := range ready {
		err := errors.New("the mailer gave no result")
		if i < len(errs) {
			err = errs[i]
		}
		switch {
		case err == nil:
			b.sent = true
		case ctx.Err() != nil && errors.Is(err, ctx.Err()):
			// Shutting down: a message not tried keeps its attempts. One
			// in flight when the connection closed may have arrived; it
			// is sent again with the same Message-ID.
			b.err, b.released = err, true
		default:
			b.err = err
		}
	}
}

// record stores the outcome of a batch in one transaction.
func (o *Outbox) record(ctx context.Context, batch []*outboxMessage) error {
	err := o.db.update(ctx, func(tx *Tx) error {
		var sent, released []string
		dropped := map[string][]string{}
		for _, b := range batch {
			switch {
			case b.sent:
				sent = append(sent, b.id)
			case b.drop != "":
				dropped[b.drop] = append(dropped[b.drop], b.id)
			case b.released:
				released = append(released, b.id)
			case b.err != nil:
				if err := o.failed(ctx, tx, b); err != nil {
					return err
				}
			}
		}
		// Bodies are cleared once sent: they may hold a sign-in link.
		if err := updateIDs(ctx, tx, `UPDATE outbox SET sent_at = $1, subject = '', text_body = '', html_body = '', last_error = ''`,
			[]any{ms(tx.now)}, sent); err != nil {
			return err
		}
		for reason, ids := range dropped {
			o.db.log.Info("mail not sent on purpose", "count", len(ids), "reason", reason)
			if err := updateIDs(ctx, tx, `UPDATE outbox SET dropped_at = $1, last_error = $2, subject = '', text_body = '', html_body = ''`,
				[]any{ms(tx.now), clean(reason)}, ids); err != nil {
				return err
			}
		}
		return updateIDs(ctx, tx, `UPDATE outbox SET attempts = attempts - 1, next_attempt_at = $1`, []any{ms(tx.now)}, released)
	})
	if err != nil {
		return fmt.Errorf("record outbox results: %w", err)
	}
	return nil
}

// updateIDs runs an UPDATE (without WHERE) with args for the rows ids, in
// chunks that stay below both engines' limits on parameters.
func updateIDs(ctx context.Context, tx *Tx, update string, args []any, ids []string) error {
	const chunk = 500
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		a := append(args[:len(args):len(args)], make([]any, 0, n)...)
		var q strings.Builder
		q.WriteString(update)
		q.WriteString(" WHERE id IN (")
		for i, id := range ids[:n] {
			a = append(a, id)
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("$" + strconv.Itoa(len(a)))
		}
		q.WriteString(")")
		if _, err := tx.ExecContext(ctx, q.String(), a...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// failed schedules a retry after a delay that doubles with each attempt, or
// gives the message up (clearing its bodies) after MaxAttempts.
func (o *Outbox) failed(ctx context.Context, tx *Tx, m *outboxMessage) error {
	reason := m.err.Error()
	if len(reason) > 500 {
		reason = reason[:500]
	}
	reason = clean(reason)
	var err error
	if m.attempts >= o.MaxAttempts {
		o.db.log.Error("mail given up", "kind", m.kind, "to", m.msg.To, "attempts", m.attempts, "err", reason)
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET failed_at = $1, last_error = $2, subject = '', text_body = '', html_body = '' WHERE id = $3`, ms(tx.now), reason, m.id)
	} else {
		o.db.log.Warn("mail not sent", "kind", m.kind, "to", m.msg.To, "attempt", m.attempts, "err", reason)
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = $1, last_error = $2 WHERE id = $3`, ms(tx.now.Add(retryDelay(m.attempts))), reason, m.id)
	}
	return err
}

// retryDelay is the wait after the given number of failed attempts: 30 s,
// 1 min, 2 min, … up to an hour.
func retryDelay(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// Run delivers until ctx is done: a pass, then a wait for a commit that
// enqueued mail or for the poll interval.
func (o *Outbox) Run(ctx context.Context, m mail.Mailer) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		if err := o.ScheduleHousekeeping(ctx); err != nil && ctx.Err() == nil {
			o.db.log.Warn("housekeeping not scheduled", "err", err)
		}
		if _, err := o.Deliver(ctx, m); err != nil && ctx.Err() == nil {
			o.db.log.Warn("outbox pass incomplete", "err", err)
		}
		t.Reset(pollInterval)
		select {
		case <-ctx.Done():
			return
		case <-o.db.wake:
		case <-t.C:
		}
	}
}

// Pending returns how many messages are waiting to be sent (not given up,
// not dropped).
func (o *Outbox) Pending(ctx context.Context) (int, error) {
	var n int
	err := o.db.view(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND dropped_at IS NULL`).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("count outbox: %w", err)
	}
	return n, nil
}
