package sqldb

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/roundtable/roundtable/internal/mail"
)

// Outbox delivers the e-mails services enqueue inside their transactions.
// Several instances may run against one PostgreSQL database: each message is
// claimed by one of them.
type Outbox struct {
	db *DB
	// Batch is how many messages one claim takes.
	Batch int
	// MaxAttempts is how many times a message is tried before it is given up.
	MaxAttempts int
}

// NewOutbox returns an outbox on db.
func NewOutbox(db *DB) *Outbox { return &Outbox{db: db, Batch: 20, MaxAttempts: 8} }

// claimLease is how long a claimed message is hidden from other senders. A
// sender that dies mid-send leaves the message to be retried after it.
const claimLease = 5 * time.Minute

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

// outboxMessage is a claimed message.
type outboxMessage struct {
	id, kind string
	attempts int
	msg      mail.Message
}

// Deliver makes one pass over the due messages and returns how many it sent.
// A failed message is retried later with growing delays; Deliver reports the
// failures joined.
func (o *Outbox) Deliver(ctx context.Context, m mail.Mailer) (sent int, err error) {
	var errs []error
	for {
		batch, cerr := o.claim(ctx)
		if cerr != nil {
			return sent, errors.Join(append(errs, cerr)...)
		}
		if len(batch) == 0 {
			return sent, errors.Join(errs...)
		}
		for _, msg := range batch {
			if serr := m.Send(ctx, msg.msg); serr != nil {
				o.db.log.Warn("mail not sent", "kind", msg.kind, "to", msg.msg.To, "attempt", msg.attempts, "err", serr)
				errs = append(errs, fmt.Errorf("send %s to %s: %w", msg.kind, msg.msg.To, serr))
				if ferr := o.failed(ctx, msg, serr); ferr != nil {
					return sent, errors.Join(append(errs, ferr)...)
				}
				continue
			}
			if merr := o.sent(ctx, msg); merr != nil {
				return sent, errors.Join(append(errs, merr)...)
			}
			o.db.log.Info("mail sent", "kind", msg.kind, "to", msg.msg.To)
			sent++
		}
	}
}

// claim takes a batch of due messages: it moves their next attempt past the
// lease, so no other sender sees them, and counts the attempt.
func (o *Outbox) claim(ctx context.Context) ([]outboxMessage, error) {
	var out []outboxMessage
	err := o.db.update(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1
			WHERE id IN (
				SELECT id FROM outbox
				WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $2
				ORDER BY next_attempt_at, id
				LIMIT `+fmt.Sprint(max(o.Batch, 1))+o.db.dialect.lockSkip()+`)
			RETURNING id, kind, recipient, subject, text_body, html_body, attempts`,
			ms(tx.now.Add(claimLease)), ms(tx.now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m outboxMessage
			if err := rows.Scan(&m.id, &m.kind, &m.msg.To, &m.msg.Subject, &m.msg.Text, &m.msg.HTML, &m.attempts); err != nil {
				return err
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

// sent marks a message sent and clears its bodies, which may hold a sign-in link.
func (o *Outbox) sent(ctx context.Context, m outboxMessage) error {
	return o.db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET sent_at = $1, subject = '', text_body = '', html_body = '', last_error = '' WHERE id = $2`, ms(tx.now), m.id)
		if err != nil {
			return fmt.Errorf("mark sent: %w", err)
		}
		return nil
	})
}

// failed schedules a retry after a delay that doubles with each attempt, or
// gives the message up (clearing its bodies) after MaxAttempts.
func (o *Outbox) failed(ctx context.Context, m outboxMessage, sendErr error) error {
	reason := sendErr.Error()
	if len(reason) > 500 {
		reason = reason[:500]
	}
	reason = clean(reason)
	return o.db.update(ctx, func(tx *Tx) error {
		var err error
		if m.attempts >= o.MaxAttempts {
			o.db.log.Error("mail given up", "kind", m.kind, "to", m.msg.To, "attempts", m.attempts)
			_, err = tx.ExecContext(ctx, `UPDATE outbox SET failed_at = $1, last_error = $2, subject = '', text_body = '', html_body = '' WHERE id = $3`, ms(tx.now), reason, m.id)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = $1, last_error = $2 WHERE id = $3`, ms(tx.now.Add(retryDelay(m.attempts))), reason, m.id)
		}
		if err != nil {
			return fmt.Errorf("mark failed: %w", err)
		}
		return nil
	})
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

// Pending returns how many messages are waiting to be sent (not given up).
func (o *Outbox) Pending(ctx context.Context) (int, error) {
	var n int
	err := o.db.view(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL`).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("count outbox: %w", err)
	}
	return n, nil
}
