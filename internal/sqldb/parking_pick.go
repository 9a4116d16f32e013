package sqldb

import (
	"context"
	"fmt"

	"github.com/roundtable/roundtable"
)

// PickTopic picks a shared topic for a meeting still to come: its owner
// presents there, and the topic becomes her challenge card draft.
func (s *ParkingLotService) PickTopic(ctx context.Context, circleID, topicID, meetingID string) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		t, err := sharedTopic(ctx, tx, a, circleID, topicID)
		if err != nil {
			return err
		}
		if !validID(meetingID) {
			return fieldError("meeting_id", "Choose the meeting she presents it at.")
		}
		m, err := editableMeeting(ctx, tx, a, meetingID)
		if err != nil {
			if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
				return fieldError("meeting_id", "Choose one of the circle's meetings still to come.")
			}
			return err
		}
		if m.CircleID != circleID {
			return fieldError("meeting_id", "Choose one of the circle's meetings still to come.")
		}
		if t.Picked() {
			return errPickedAlready()
		}
		if err := checkRolePeople(ctx, tx, circleID, []roundtable.RoleAssignment{{Role: roundtable.RolePresenter, UserID: t.OwnerID}}); err != nil {
			return roundtable.Errorf(roundtable.EINVALID, "The topic's owner is no longer in the circle.")
		}
		// Marked first, on the condition it still waits: a second click at
		// the same moment waits for the first on PostgreSQL, then finds it
		// picked.
		res, err := tx.ExecContext(ctx, `UPDATE parking_topics SET picked_meeting_id = $1, picked_at = $2, updated_at = $2
			WHERE id = $3 AND (picked_meeting_id IS NULL
				OR picked_meeting_id IN (SELECT id FROM meetings WHERE cancelled_at IS NOT NULL))`,
			m.ID, ms(tx.now), t.ID)
		if err != nil {
			return fmt.Errorf("mark topic picked: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("mark topic picked: %w", err)
		} else if n == 0 {
			return errPickedAlready()
		}
		added, err := addPresenter(ctx, tx, m.ID, t.OwnerID)
		if err != nil {
			return err
		}
		if added {
			if _, err := tx.ExecContext(ctx, `UPDATE parking_topics SET picked_role = 1 WHERE id = $1`, t.ID); err != nil {
				return fmt.Errorf("mark topic picked: %w", err)
			}
		}
		return draftCard(ctx, tx, m.ID, t)
	})
}

// sharedTopic returns a topic shared with the circle to one of its members
// (ground rules accepted); ENOTFOUND for anyone else or a topic not shared.
func sharedTopic(ctx context.Context, tx *Tx, a actor, circleID, topicID string) (*roundtable.ParkingTopic, error) {
	if _, err := memberWithRules(ctx, tx, a, circleID); err != nil {
		return nil, err
	}
	t, err := findTopic(ctx, tx, a, circleID, topicID)
	if err != nil {
		return nil, err
	}
	if !t.Shared {
		return nil, notFound("topic")
	}
	return t, nil
}

// errPickedAlready is the answer to picking a topic picked already.
func errPickedAlready() error {
	return roundtable.Errorf(roundtable.EINVALID, "This topic was picked already.")
}

// addPresenter makes userID a presenter of the meeting, after those there
// already, and reports whether it did; one presenting already stays where
// she is.
func addPresenter(ctx context.Context, tx *Tx, meetingID, userID string) (bool, error) {
	var n, next int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM meeting_roles WHERE meeting_id = $1 AND role = 'presenter' AND user_id = $2`,
		meetingID, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("find presenter: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), -1) + 1 FROM meeting_roles WHERE meeting_id = $1 AND role = 'presenter'`, meetingID).Scan(&next)
	if err != nil {
		return false, fmt.Errorf("find last presenter: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO meeting_roles (meeting_id, role, user_id, position) VALUES ($1, 'presenter', $2, $3)`,
		meetingID, userID, next)
	if err != nil {
		return false, fmt.Errorf("add presenter: %w", err)
	}
	return true, nil
}

// draftCard writes the topic into its owner's challenge card for the
// meeting: the title as her question, why it matters as the situation.
// What she wrote on the card already stays.
func draftCard(ctx context.Context, tx *Tx, meetingID string, t *roundtable.ParkingTopic) error {
	cards, err := loadChallenges(ctx, tx, meetingID)
	if err != nil {
		return err
	}
	c := roundtable.Challenge{MeetingID: meetingID, PresenterID: t.OwnerID}
	for _, k := range cards {
		if k.PresenterID == t.OwnerID {
			c = k
		}
	}
	if c.Question == "" {
		c.Question = t.Title
	}
	if c.Context == "" {
		c.Context = t.Why
	}
	return saveChallenge(ctx, tx, &c)
}
