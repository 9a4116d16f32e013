package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/roundtable/roundtable"
)

// A presence is one screen following a room live: a row of room_presence
// held by the app instance whose connection carries it. It lasts
// roundtable.PresenceLease past its instance's last renewal, so the database
// knows who is here even when instances come and go.

// Enter records that a screen of the caller opened the room on instance.
// Touching the room first (which locks it on PostgreSQL) orders the entry
// with a start of the meeting: whichever commits second sees the other, so
// nobody who was here at the start is missed.
func (s *RoomService) Enter(ctx context.Context, meetingID, instance string) (string, error) {
	a := actorOf(ctx)
	if a.user == nil && a.system {
		return "", nil // the system is never in a room
	}
	id := newID()
	err := s.db.update(ctx, func(tx *Tx) error {
		rc, err := enterRoom(ctx, tx, a, meetingID, true, partPeople)
		if err != nil {
			return err
		}
		if rc.m.Cancelled || rc.st.ended() {
			return errUnchanged // nobody gathers in a room that is over
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO room_presence (id, meeting_id, user_id, instance, expires_at) VALUES ($1, $2, $3, $4, $5)`,
			id, meetingID, rc.userID, instance, ms(tx.now.Add(roundtable.PresenceLease))); err != nil {
			return fmt.Errorf("enter room: %w", err)
		}
		if checkJoin(tx, rc) != nil {
			return nil // here, but the meeting does not take attendance now
		}
		_, err = proposeAttendance(ctx, tx, meetingID, rc.userID)
		return err
	})
	if errors.Is(err, errUnchanged) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return id, nil
}

// Leave ends one of the caller's presences and shows the others that the
// screen closed.
func (s *RoomService) Leave(ctx context.Context, presenceID string) error {
	a := actorOf(ctx)
	if a.user == nil || presenceID == "" {
		return nil // only a person's screen has a presence to end
	}
	err := s.db.update(ctx, func(tx *Tx) error {
		var meetingID string
		err := tx.QueryRowContext(ctx, `DELETE FROM room_presence WHERE id = $1 AND user_id = $2 RETURNING meeting_id`,
			presenceID, a.user.ID).Scan(&meetingID)
		if errors.Is(err, sql.ErrNoRows) {
			return errUnchanged // ended already (it lapsed, say)
		} else if err != nil {
			return fmt.Errorf("leave room: %w", err)
		}
		return touchRoom(ctx, tx, meetingID, partPeople)
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	return err
}

// KeepPresence renews instance's presences, then ends the presences that
// lapsed, whichever instance held them (one that died, say), and shows their
// rooms without them. Two statements in two transactions keep the locks
// short; on PostgreSQL instances sweeping at once skip each other's rows.
func (s *RoomService) KeepPresence(ctx context.Context, instance string) error {
	if !roundtable.IsSystemContext(ctx) || roundtable.UserFromContext(ctx) != nil {
		return notFound("meeting")
	}
	err := s.db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE room_presence SET expires_at = $1 WHERE instance = $2 AND expires_at > $3`,
			ms(tx.now.Add(roundtable.PresenceLease)), instance, ms(tx.now))
		if err != nil {
			return fmt.Errorf("renew presence: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		ids, err := queryAll(ctx, tx, `
			DELETE FROM room_presence WHERE id IN (
				SELECT id FROM room_presence WHERE expires_at <= $1`+tx.db.dialect.lockSkip()+`)
			RETURNING meeting_id`,
			func(rows *sql.Rows) (id string, err error) { return id, rows.Scan(&id) }, ms(tx.now))
		if err != nil {
			return fmt.Errorf("end lapsed presence: %w", err)
		}
		// In one order on every instance, so two sweeps never wait on each
		// other's rooms.
		slices.Sort(ids)
		return touchRooms(ctx, tx, slices.Compact(ids), partPeople)
	})
}

// proposeAttendance records that people joined the meeting, unless they
// did before. The facilitator's correction stands: someone she marked
// absent stays absent, with the time she joined kept. It reports whether
// anything changed and touches the room's people if so.
func proposeAttendance(ctx context.Context, tx *Tx, meetingID string, userIDs ...string) (bool, error) {
	changed := false
	for _, u := range userIDs {
		res, err := tx.ExecContext(ctx, `
			INSERT INTO attendance (meeting_id, user_id, present, marked, joined_at, updated_at) VALUES ($1, $2, 1, 0, $3, $3)
			ON CONFLICT (meeting_id, user_id) DO UPDATE SET joined_at = excluded.joined_at, updated_at = excluded.updated_at,
				present = CASE WHEN attendance.marked = 1 THEN attendance.present ELSE 1 END
			WHERE attendance.joined_at IS NULL`,
			meetingID, u, ms(tx.now))
		if err != nil {
			return false, fmt.Errorf("record attendance: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return false, err
		}
		changed = changed || n > 0
	}
	if !changed {
		return false, nil
	}
	// The meeting's absences count once it is over (lapse.go).
	if err := scheduleHeld(ctx, tx, meetingID); err != nil {
		return false, err
	}
	return true, touchRoom(ctx, tx, meetingID, partPeople)
}

// joinPresent records the attendance of everyone with a screen in the room,
// as when the meeting starts.
func joinPresent(ctx context.Context, tx *Tx, meetingID string) error {
	here, err := queryAll(ctx, tx, `SELECT DISTINCT user_id FROM room_presence WHERE meeting_id = $1 AND expires_at > $2 ORDER BY user_id`,
		func(rows *sql.Rows) (id string, err error) { return id, rows.Scan(&id) }, meetingID, ms(tx.now))
	if err != nil {
		return fmt.Errorf("find who is here: %w", err)
	}
	_, err = proposeAttendance(ctx, tx, meetingID, here...)
	return err
}
