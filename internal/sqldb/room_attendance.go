package sqldb

import (
	"context"
	"fmt"
	"time"

	"github.com/roundtable/roundtable"
)

// joinEarly is how long before its start a meeting's room takes attendance,
// and joinLate how long after its planned end when it was not ended by hand.
const (
	joinEarly = 30 * time.Minute
	joinLate  = 30 * time.Minute
)

// Join records that the caller joined the room. Only the first join counts:
// opening the room again changes nothing, and a facilitator's correction
// stays whenever it was made. Every page load and every reconnecting screen joins,
// so the usual case (joined already) is answered from a reader.
func (s *RoomService) Join(ctx context.Context, meetingID string) error {
	a := actorOf(ctx)
	joined := false
	err := s.db.view(ctx, func(tx *Tx) error {
		rc, err := enterRoom(ctx, tx, a, meetingID, false)
		if err != nil {
			return err
		}
		joined, err = attended(ctx, tx, rc)
		return err
	})
	if err != nil || joined {
		return err
	}
	return s.recordJoin(ctx, a, meetingID)
}

// attended reports whether the reader of the room has joined already (the
// system never attends), or the error of a room that takes no attendance.
func attended(ctx context.Context, tx *Tx, rc *roomCtx) (bool, error) {
	if rc.userID == "" {
		return true, nil
	}
	if err := checkJoin(tx, rc); err != nil {
		return false, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM attendance WHERE meeting_id = $1 AND user_id = $2 AND joined_at IS NOT NULL`,
		rc.m.ID, rc.userID).Scan(&n); err != nil {
		return false, fmt.Errorf("find attendance: %w", err)
	}
	return n > 0, nil
}

// attendanceRefused reports an error that only means the room takes no
// attendance from the caller now: the room is still theirs to see.
func attendanceRefused(err error) bool {
	switch roundtable.ErrorCode(err) {
	case roundtable.EINVALID, roundtable.EFORBIDDEN, roundtable.ECONFLICT:
		return true
	}
	return false
}

// JoinRoom records that the caller joined, when the room takes attendance
// and they have not joined yet, and returns the room as they may see it. In the
// usual cases (joined already, too early, over) that is one read.
func (s *RoomService) JoinRoom(ctx context.Context, meetingID string) (*roundtable.Room, error) {
	a := actorOf(ctx)
	var r *roundtable.Room
	join := false
	err := s.db.view(ctx, func(tx *Tx) error {
		rc, err := openRoom(ctx, tx, a, meetingID, false)
		if err != nil {
			return err
		}
		joined, err := attended(ctx, tx, rc)
		if err != nil && !attendanceRefused(err) {
			return err
		}
		if err == nil && !joined {
			join = true // recorded below, then the room read again
			return nil
		}
		r, err = roomAsSeen(ctx, tx, rc)
		return err
	})
	if err != nil || !join {
		return r, err
	}
	if err := s.recordJoin(ctx, a, meetingID); err != nil && !attendanceRefused(err) {
		return nil, err
	}
	return s.Room(ctx, meetingID)
}

// recordJoin records the caller's attendance, in a transaction of its own.
func (s *RoomService) recordJoin(ctx context.Context, a actor, meetingID string) error {
	return s.db.update(ctx, func(tx *Tx) error {
		rc, err := enterRoom(ctx, tx, a, meetingID, false)
		if err != nil {
			return err
		}
		if err := checkJoin(tx, rc); err != nil {
			return err
		}
		_, err = proposeAttendance(ctx, tx, rc.m.ID, rc.userID)
		return err
	})
}

// checkJoin returns EINVALID when the room takes no attendance: the meeting
// is cancelled or ended, or it is not under way and too early or too late.
// A meeting under way takes attendance whatever the clock says; the window
// around its planned time serves meetings run without the timer.
func checkJoin(tx *Tx, rc *roomCtx) error {
	if err := rc.requireLive(false); err != nil {
		return err
	}
	if rc.st.started() && !rc.st.ended() {
		return nil
	}
	if tx.now.Before(rc.m.StartsAt.Add(-joinEarly)) {
		return roundtable.Errorf(roundtable.EINVALID, "The room takes attendance from %d minutes before the meeting.", int(joinEarly/time.Minute))
	}
	if tx.now.After(rc.m.EndsAt().Add(joinLate)) {
		return roundtable.Errorf(roundtable.EINVALID, "This meeting is over.")
	}
	return nil
}

// SetAttendance corrects whether a person was present.
func (s *RoomService) SetAttendance(ctx context.Context, meetingID, userID string, present bool) error {
	return s.change(ctx, meetingID, partPeople, func(tx *Tx, rc *roomCtx) error {
		if rc.guest || !rc.canFacilitate() {
			return roundtable.Errorf(roundtable.EFORBIDDEN, "Only the facilitator can correct the attendance.")
		}
		if err := rc.requireLive(true); err != nil {
			return err
		}
		people, err := loadPeople(ctx, tx, rc.m.CircleID, rc.m.ID)
		if err != nil {
			return err
		}
		if findPerson(people, userID) == nil {
			return roundtable.Errorf(roundtable.EINVALID, "Choose someone of the circle or a guest of the meeting.")
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO attendance (meeting_id, user_id, present, marked, updated_at) VALUES ($1, $2, $3, 1, $4)
			ON CONFLICT (meeting_id, user_id) DO UPDATE SET present = excluded.present, marked = 1, excused = 0, updated_at = excluded.updated_at`,
			rc.m.ID, userID, flag(present), ms(tx.now))
		if err != nil {
			return fmt.Errorf("set attendance: %w", err)
		}
		return evaluateLapses(ctx, tx, rc.m.CircleID)
	})
}
