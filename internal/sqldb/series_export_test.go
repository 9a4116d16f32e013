package sqldb

import (
	"context"
	"time"
)

// OutboxRow is one keyed outbox message as the tests of meetings, series
// and polls look at it.
type OutboxRow struct {
	Kind, MeetingID, UserID, RefID string
	Sequence                       int
	DueAt                          time.Time
	Sent, Dropped                  bool
	Reason                         string
}

// Waiting reports whether the message is still to be sent.
func (r OutboxRow) Waiting() bool { return !r.Sent && !r.Dropped }

// OutboxRowsForTest returns every keyed outbox message in the order enqueued.
func OutboxRowsForTest(ctx context.Context, db *DB) ([]OutboxRow, error) {
	rows, err := db.write.QueryContext(ctx, `
		SELECT kind, COALESCE(meeting_id, ''), COALESCE(user_id, ''), ref_id, sequence, next_attempt_at,
			sent_at IS NOT NULL, dropped_at IS NOT NULL, last_error
		FROM outbox WHERE dedupe_key IS NOT NULL ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutboxRow
	for rows.Next() {
		var r OutboxRow
		var due int64
		if err := rows.Scan(&r.Kind, &r.MeetingID, &r.UserID, &r.RefID, &r.Sequence, &due, &r.Sent, &r.Dropped, &r.Reason); err != nil {
			return nil, err
		}
		r.DueAt = fromMS(due)
		out = append(out, r)
	}
	return out, rows.Err()
}
