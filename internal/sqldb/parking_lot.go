package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/roundtable/roundtable"
)

// ParkingLotService implements roundtable.ParkingLotService.
type ParkingLotService struct{ db *DB }

var _ roundtable.ParkingLotService = (*ParkingLotService)(nil)

// NewParkingLotService returns the parking lot service.
func NewParkingLotService(db *DB) *ParkingLotService { return &ParkingLotService{db: db} }

// pickedShownFor is how long a topic picked for a meeting held already stays
// in the lot's list of picked topics.
const pickedShownFor = 28 * 24 * time.Hour

// topicColumns read a topic with its owner's name, its picked meeting's
// start and cancellation, its wants and the reader's own ($2), and the
// circle's wrapped key.
const topicColumns = `t.id, t.circle_id, t.owner_id, u.name, t.title, t.why, t.priority, t.minutes, t.shared_at,
	COALESCE(t.picked_meeting_id, ''), t.picked_at, COALESCE(m.starts_at, 0), m.cancelled_at, t.created_at, t.updated_at,
	(SELECT COUNT(*) FROM parking_wants w WHERE w.topic_id = t.id),
	(SELECT COUNT(*) FROM parking_wants w WHERE w.topic_id = t.id AND w.user_id = $2),
	COALESCE(c.data_key, '')`

// topicFrom is the FROM of topicColumns: the topics of those still in the
// circle (one who left can no longer present hers).
const topicFrom = ` FROM parking_topics t JOIN users u ON u.id = t.owner_id JOIN circles c ON c.id = t.circle_id
	JOIN circle_members o ON o.circle_id = t.circle_id AND o.user_id = t.owner_id
	LEFT JOIN meetings m ON m.id = t.picked_meeting_id`

// scanTopic reads topicColumns and opens the sealed texts.
func scanTopic(tx *Tx, row interface{ Scan(...any) error }) (*roundtable.ParkingTopic, error) {
	t := &roundtable.ParkingTopic{}
	var shared, picked, cancelled *int64
	var pickedFor, created, updated int64
	var wants, mine int
	var wrapped string
	err := row.Scan(&t.ID, &t.CircleID, &t.OwnerID, &t.OwnerName, &t.Title, &t.Why, &t.Priority, &t.Minutes, &shared,
		&t.PickedMeetingID, &picked, &pickedFor, &cancelled, &created, &updated, &wants, &mine, &wrapped)
	if err != nil {
		return nil, err
	}
	t.Shared, t.SharedAt, t.PickedAt = shared != nil, msOrZero(shared), msOrZero(picked)
	if cancelled != nil {
		// Picked for a meeting that was cancelled: it waits again.
		t.PickedMeetingID, t.PickedAt = "", time.Time{}
	} else if t.PickedMeetingID != "" {
		t.PickedFor = fromMS(pickedFor)
	}
	t.CreatedAt, t.UpdatedAt, t.Wants, t.IWant = fromMS(created), fromMS(updated), wants, mine > 0
	t.Title = tx.open(t.CircleID, wrapped, "parking_topics", "title", t.ID, t.Title)
	t.Why = tx.open(t.CircleID, wrapped, "parking_topics", "why", t.ID, t.Why)
	return t, nil
}

// FindParkingLot returns the circle's parking lot for the caller.
func (s *ParkingLotService) FindParkingLot(ctx context.Context, circleID string) (*roundtable.ParkingLot, error) {
	a := actorOf(ctx)
	var out *roundtable.ParkingLot
	err := s.db.view(ctx, func(tx *Tx) error {
		mb, err := memberWithRules(ctx, tx, a, circleID)
		if err != nil {
			return err
		}
		topics, err := queryAll(ctx, tx, `SELECT `+topicColumns+topicFrom+`
			WHERE t.circle_id = $1 AND (t.owner_id = $2 OR t.shared_at IS NOT NULL)
			ORDER BY t.priority, t.created_at, t.id`, func(rows *sql.Rows) (*roundtable.ParkingTopic, error) {
			return scanTopic(tx, rows)
		}, circleID, a.id())
		if err != nil {
			return fmt.Errorf("list parking lot: %w", err)
		}
		out = &roundtable.ParkingLot{CircleID: circleID, CanPick: mb.role == roundtable.RoleFacilitator}
		for _, t := range topics {
			switch {
			case t.Picked():
				if tx.now.Sub(t.PickedFor) < pickedShownFor {
					out.Picked = append(out.Picked, t)
				}
			case t.Shared:
				out.Shared = append(out.Shared, t)
				if t.OwnerID == a.id() {
					out.Mine = append(out.Mine, t)
				}
			case t.OwnerID == a.id():
				out.Mine = append(out.Mine, t)
			}
		}
		// The circle's quick vote: the most wanted first, then priority.
		sort.SliceStable(out.Shared, func(i, j int) bool { return out.Shared[i].Wants > out.Shared[j].Wants })
		sort.SliceStable(out.Picked, func(i, j int) bool { return out.Picked[i].PickedFor.Before(out.Picked[j].PickedFor) })
		if out.CanPick {
			out.Meetings, err = meetingsToCome(ctx, tx, circleID)
		}
		return err
	})
	return out, err
}

// meetingsToCome returns the circle's meetings not cancelled that have not
// ended, by start.
func meetingsToCome(ctx context.Context, tx *Tx, circleID string) ([]*roundtable.Meeting, error) {
	all, err := queryAll(ctx, tx, circleMeetingsQuery, func(rows *sql.Rows) (*roundtable.Meeting, error) {
		return scanMeeting(tx, rows)
	}, circleID)
	if err != nil {
		return nil, fmt.Errorf("list meetings: %w", err)
	}
	var out []*roundtable.Meeting
	for _, m := range all {
		if !m.Cancelled && m.EndsAt().After(tx.now) {
			out = append(out, m)
		}
	}
	return out, nil
}

// findTopic returns a topic of the circle the reader may see: her own, or
// one shared. ENOTFOUND otherwise.
func findTopic(ctx context.Context, tx *Tx, a actor, circleID, topicID string) (*roundtable.ParkingTopic, error) {
	if !validID(topicID) {
		return nil, notFound("topic")
	}
	t, err := scanTopic(tx, tx.QueryRowContext(ctx, `SELECT `+topicColumns+topicFrom+`
		WHERE t.id = $1 AND t.circle_id = $3 AND (t.owner_id = $2 OR t.shared_at IS NOT NULL)`, topicID, a.id(), circleID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("topic")
	} else if err != nil {
		return nil, fmt.Errorf("find topic: %w", err)
	}
	return t, nil
}

// ownTopic returns one of the caller's topics: ENOTFOUND for anyone else's.
func ownTopic(ctx context.Context, tx *Tx, a actor, circleID, topicID string) (*roundtable.ParkingTopic, error) {
	if _, err := memberWithRules(ctx, tx, a, circleID); err != nil {
		return nil, err
	}
	t, err := findTopic(ctx, tx, a, circleID, topicID)
	if err != nil {
		return nil, err
	}
	if t.OwnerID != a.id() {
		return nil, notFound("topic")
	}
	return t, nil
}

// errPicked is the answer to changing a topic picked already.
func errPicked() error {
	return roundtable.Errorf(roundtable.EINVALID, "This topic was picked for a meeting; change it on your challenge card there.")
}

// SaveTopic adds a topic to the caller's lot or changes one of hers.
func (s *ParkingLotService) SaveTopic(ctx context.Context, t *roundtable.ParkingTopic) error {
	a := actorOf(ctx)
	t.Title, t.Why = clean(t.Title), clean(t.Why)
	return s.db.update(ctx, func(tx *Tx) error {
		if t.ID == "" {
			if _, err := memberWithRules(ctx, tx, a, t.CircleID); err != nil {
				return err
			}
			if a.id() == "" {
				return errSignIn()
			}
		} else {
			old, err := ownTopic(ctx, tx, a, t.CircleID, t.ID)
			if err != nil {
				return err
			}
			if old.Picked() {
				return errPicked()
			}
		}
		if err := t.Validate(); err != nil {
			return err
		}
		return writeTopic(ctx, tx, a, t)
	})
}

// writeTopic inserts a new topic (no ID) or updates the texts of one.
func writeTopic(ctx context.Context, tx *Tx, a actor, t *roundtable.ParkingTopic) error {
	isNew := t.ID == ""
	if isNew {
		t.ID, t.OwnerID, t.CreatedAt = newID(), a.id(), tx.now
	}
	t.UpdatedAt = tx.now
	title, err := tx.seal(ctx, t.CircleID, "parking_topics", "title", t.ID, t.Title)
	if err != nil {
		return err
	}
	why, err := tx.seal(ctx, t.CircleID, "parking_topics", "why", t.ID, t.Why)
	if err != nil {
		return err
	}
	if isNew {
		_, err = tx.ExecContext(ctx, `INSERT INTO parking_topics (id, circle_id, owner_id, title, why, priority, minutes, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			t.ID, t.CircleID, t.OwnerID, title, why, string(t.Priority), t.Minutes, ms(tx.now), ms(tx.now))
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE parking_topics SET title = $1, why = $2, priority = $3, minutes = $4, updated_at = $5 WHERE id = $6`,
			title, why, string(t.Priority), t.Minutes, ms(tx.now), t.ID)
	}
	if err != nil {
		return fmt.Errorf("save topic: %w", err)
	}
	return nil
}

// DeleteTopic removes one of the caller's topics.
func (s *ParkingLotService) DeleteTopic(ctx context.Context, circleID, topicID string) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := ownTopic(ctx, tx, a, circleID, topicID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM parking_topics WHERE id = $1`, topicID); err != nil {
			return fmt.Errorf("delete topic: %w", err)
		}
		return nil
	})
}

// ShareTopic shares one of the caller's topics with the circle, or takes it
// back.
func (s *ParkingLotService) ShareTopic(ctx context.Context, circleID, topicID string, shared bool) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		t, err := ownTopic(ctx, tx, a, circleID, topicID)
		if err != nil {
			return err
		}
		if t.Picked() {
			return errPicked()
		}
		if t.Shared == shared {
			return nil
		}
		var at any
		if shared {
			at = ms(tx.now)
		} else if _, err := tx.ExecContext(ctx, `DELETE FROM parking_wants WHERE topic_id = $1`, topicID); err != nil {
			return fmt.Errorf("clear wants: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE parking_topics SET shared_at = $1, updated_at = $2 WHERE id = $3`, at, ms(tx.now), topicID); err != nil {
			return fmt.Errorf("share topic: %w", err)
		}
		return nil
	})
}

// WantTopic marks a shared topic as one the caller wants to hear, or not.
func (s *ParkingLotService) WantTopic(ctx context.Context, circleID, topicID string, want bool) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := memberWithRules(ctx, tx, a, circleID); err != nil {
			return err
		}
		t, err := findTopic(ctx, tx, a, circleID, topicID)
		if err != nil {
			return err
		}
		if !t.Shared || a.id() == "" {
			return notFound("topic")
		}
		if want {
			_, err = tx.ExecContext(ctx, `INSERT INTO parking_wants (topic_id, user_id, created_at) VALUES ($1, $2, $3)
				ON CONFLICT (topic_id, user_id) DO NOTHING`, topicID, a.id(), ms(tx.now))
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM parking_wants WHERE topic_id = $1 AND user_id = $2`, topicID, a.id())
		}
		if err != nil {
			return fmt.Errorf("mark topic: %w", err)
		}
		return nil
	})
}

// msOrZero reads a nullable time column; NULL is the zero time.
func msOrZero(v *int64) time.Time {
	if v == nil {
		return time.Time{}
	}
	return fromMS(*v)
}
