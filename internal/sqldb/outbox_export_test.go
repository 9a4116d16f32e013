package sqldb

import (
	"context"
	"database/sql"
	"time"
)

// Helpers for the outbox tests (package sqldb_test): they reach the keyed
// messages of jobs.go the way the meeting services do.

// SeededMeeting is a meeting of a fresh circle whose members all joined.
type SeededMeeting struct {
	ID, CircleID  string
	Users, Emails []string
}

// SeedMeetingForTest makes a program, a circle of members and one meeting.
func SeedMeetingForTest(ctx context.Context, db *DB, members int, start time.Time) (SeededMeeting, error) {
	var s SeededMeeting
	err := db.update(ctx, func(tx *Tx) error {
		p, err := seedProgram(ctx, tx)
		if err != nil {
			return err
		}
		c, err := seedCircle(ctx, tx, p, "Circle", members, []time.Time{start})
		s = SeededMeeting{ID: c.meetings[0], CircleID: c.id, Users: c.members, Emails: c.emails}
		return err
	})
	return s, err
}

// ScheduleMeetingMailForTest enqueues a meeting's invitation and reminders
// at its current sequence and start, as creating a meeting does.
func ScheduleMeetingMailForTest(ctx context.Context, db *DB, meetingID string, users []string) error {
	return db.update(ctx, func(tx *Tx) error {
		var seq int
		var start int64
		if err := tx.QueryRowContext(ctx, `SELECT sequence, starts_at FROM meetings WHERE id = $1`, meetingID).Scan(&seq, &start); err != nil {
			return err
		}
		return scheduleMeetingMail(ctx, tx, meetingID, seq, fromMS(start), users)
	})
}

// MoveMeetingForTest moves a meeting at a raised sequence and schedules its
// mail again, as moving a meeting does.
func MoveMeetingForTest(ctx context.Context, db *DB, meetingID string, start time.Time, users []string) error {
	return db.update(ctx, func(tx *Tx) error {
		var seq int
		if err := tx.QueryRowContext(ctx, `UPDATE meetings SET starts_at = $1, sequence = sequence + 1 WHERE id = $2 RETURNING sequence`,
			ms(start), meetingID).Scan(&seq); err != nil {
			return err
		}
		return scheduleMeetingMail(ctx, tx, meetingID, seq, start, users)
	})
}

// CancelMeetingForTest marks a meeting cancelled at a raised sequence. With
// dropJobs it drops the meeting's waiting messages as cancelling does;
// without, it leaves them for the renderer to refuse, as when the
// cancellation commits between a claim and its rendering.
func CancelMeetingForTest(ctx context.Context, db *DB, meetingID string, dropJobs bool) error {
	return db.update(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE meetings SET cancelled_at = $1, sequence = sequence + 1 WHERE id = $2`, ms(tx.now), meetingID); err != nil {
			return err
		}
		if !dropJobs {
			return nil
		}
		return dropMeetingJobs(ctx, tx, meetingID, -1, "the meeting was cancelled")
	})
}

// OutboxState is an outbox row as the outbox tests look at it.
type OutboxState struct {
	Kind, Key, LastError string
	Sequence, Attempts   int
	Sent, Dropped        bool
	Failed               bool
	Due                  time.Time
}

// OutboxStatesForTest returns every outbox row, oldest first.
func OutboxStatesForTest(ctx context.Context, db *DB) ([]OutboxState, error) {
	rows, err := db.write.QueryContext(ctx, `
		SELECT kind, COALESCE(dedupe_key, ''), last_error, sequence, attempts, sent_at, dropped_at, failed_at, next_attempt_at
		FROM outbox ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutboxState
	for rows.Next() {
		var r OutboxState
		var sent, dropped, failed sql.NullInt64
		var due int64
		if err := rows.Scan(&r.Kind, &r.Key, &r.LastError, &r.Sequence, &r.Attempts, &sent, &dropped, &failed, &due); err != nil {
			return nil, err
		}
		r.Sent, r.Dropped, r.Failed, r.Due = sent.Valid, dropped.Valid, failed.Valid, fromMS(due)
		out = append(out, r)
	}
	return out, rows.Err()
}

// MessageIDForTest is the Message-ID the outbox gives a keyed row.
func MessageIDForTest(db *DB, key string) string { return key + "@" + db.host() }
