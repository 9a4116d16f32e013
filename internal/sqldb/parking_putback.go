package sqldb

import (
	"context"
	"fmt"

	"github.com/roundtable/roundtable"
)

// PutTopicBack returns a picked topic to the parking lot, for a meeting
// that has not started. It undoes what the pick did and nothing its owner
// or the facilitator did since: the presenter's role goes only if the pick
// gave it, her challenge card only while it is the topic's draft untouched.
// The answer says what stayed.
func (s *ParkingLotService) PutTopicBack(ctx context.Context, circleID, topicID string) (string, error) {
	a := actorOf(ctx)
	var msg string
	err := s.db.update(ctx, func(tx *Tx) error {
		t, err := sharedTopic(ctx, tx, a, circleID, topicID)
		if err != nil {
			return err
		}
		if !t.Picked() {
			return roundtable.Errorf(roundtable.EINVALID, "This topic waits in the parking lot already.")
		}
		m, err := editableMeeting(ctx, tx, a, t.PickedMeetingID)
		if err != nil {
			return err
		}
		if !m.StartsAt.After(tx.now) {
			return roundtable.Errorf(roundtable.EINVALID, "That meeting has started: the topic stays picked for it.")
		}
		var gaveRole int
		if err := tx.QueryRowContext(ctx, `SELECT picked_role FROM parking_topics WHERE id = $1`, t.ID).Scan(&gaveRole); err != nil {
			return fmt.Errorf("find topic: %w", err)
		}
		// On the condition it is still picked for that meeting: a second
		// click at the same moment finds it back already.
		res, err := tx.ExecContext(ctx, `UPDATE parking_topics SET picked_meeting_id = NULL, picked_at = NULL, picked_role = 0, updated_at = $1
			WHERE id = $2 AND picked_meeting_id = $3`, ms(tx.now), t.ID, m.ID)
		if err != nil {
			return fmt.Errorf("put topic back: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("put topic back: %w", err)
		} else if n == 0 {
			return roundtable.Errorf(roundtable.EINVALID, "This topic waits in the parking lot already.")
		}
		cardKept, err := dropDraftCard(ctx, tx, m.ID, t)
		if err != nil {
			return err
		}
		if gaveRole == 1 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM meeting_roles WHERE meeting_id = $1 AND role = 'presenter' AND user_id = $2`, m.ID, t.OwnerID); err != nil {
				return fmt.Errorf("remove presenter: %w", err)
			}
		}
		msg = putBackWords(t.OwnerName, gaveRole, cardKept)
		return touchRoom(ctx, tx, m.ID)
	})
	return msg, err
}

// dropDraftCard deletes the owner's challenge card for the meeting while it
// holds only what the pick wrote; it reports whether a card of hers stays.
func dropDraftCard(ctx context.Context, tx *Tx, meetingID string, t *roundtable.ParkingTopic) (bool, error) {
	cards, err := loadChallenges(ctx, tx, meetingID)
	if err != nil {
		return false, err
	}
	for _, c := range cards {
		if c.PresenterID != t.OwnerID {
			continue
		}
		if c.Question != t.Title || c.Context != t.Why || c.Tried != "" {
			return true, nil // she wrote on it: it stays hers
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM challenges WHERE meeting_id = $1 AND presenter_id = $2`, meetingID, t.OwnerID); err != nil {
			return false, fmt.Errorf("delete card draft: %w", err)
		}
	}
	return false, nil
}

// putBackWords says what putting a topic back did, and what stayed;
// gaveRole is the topic's picked_role.
func putBackWords(owner string, gaveRole int, cardKept bool) string {
	msg := "The topic is back in the parking lot."
	switch gaveRole {
	case 1:
		msg += " " + owner + " no longer presents at that meeting."
	case 0:
		msg += " " + owner + " was a presenter there before it was picked, and still is."
	default: // picked before the pick's role was recorded
		msg += " " + owner + " still presents at that meeting: change its roles if she should not."
	}
	if cardKept {
		msg += " Her challenge card there stays as she wrote it."
	}
	return msg
}
