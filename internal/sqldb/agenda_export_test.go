package sqldb

import (
	"context"

	"github.com/roundtable/roundtable"
)

// MigrateUpToForTest applies the embedded migrations up to and including
// last, so a test can put data in an older schema and migrate it on.
func MigrateUpToForTest(ctx context.Context, db *DB, last string) error {
	ms, err := migrations(db.Dialect())
	if err != nil {
		return err
	}
	if _, err := db.write.ExecContext(ctx, createMigrationsTable); err != nil {
		return err
	}
	for _, m := range ms {
		if m.name > last {
			break
		}
		err := db.update(ctx, func(tx *Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, 0)`, m.name); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, m.sql)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// InsertActionItemsForTest stores commitments as the room's play-back does.
func InsertActionItemsForTest(ctx context.Context, db *DB, items []*roundtable.ActionItem) error {
	return db.update(ctx, func(tx *Tx) error { return insertActionItems(ctx, tx, items) })
}

// OpenFollowUpsForTest returns the commitments that come back at a meeting.
func OpenFollowUpsForTest(ctx context.Context, db *DB, meetingID string) (out []*roundtable.ActionItem, err error) {
	err = db.view(ctx, func(tx *Tx) error {
		out, err = openFollowUps(ctx, tx, meetingID)
		return err
	})
	return out, err
}

// MeetingActionsForTest returns a meeting's follow-ups and the commitments
// made in it, read together as its pages read them.
func MeetingActionsForTest(ctx context.Context, db *DB, meetingID string) (followUps, made []*roundtable.ActionItem, err error) {
	err = db.view(ctx, func(tx *Tx) error {
		followUps, made, err = loadMeetingActions(ctx, tx, meetingID)
		return err
	})
	return followUps, made, err
}

// CloseActionItemForTest records what became of a commitment.
func CloseActionItemForTest(ctx context.Context, db *DB, id string, status roundtable.ActionStatus, report string) error {
	return db.update(ctx, func(tx *Tx) error { return closeActionItem(ctx, tx, id, status, report) })
}

// FindActionItemForTest reads a commitment.
func FindActionItemForTest(ctx context.Context, db *DB, id string) (it *roundtable.ActionItem, err error) {
	err = db.view(ctx, func(tx *Tx) error {
		it, err = findActionItem(ctx, tx, id)
		return err
	})
	return it, err
}

// RoomVersionForTest returns a meeting's room version, 0 when it has none.
func RoomVersionForTest(ctx context.Context, db *DB, meetingID string) int64 {
	var v int64
	db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM room_state WHERE meeting_id = $1`, meetingID).Scan(&v)
	return v
}
