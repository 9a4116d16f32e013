package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/roundtable/roundtable"
)

// loadChallenges returns a card for each presenter of a meeting, in the
// presenters' order; a presenter who has not written hers yet has an empty
// card (Challenge.Empty), so readers still see who presents. Cards of
// people who no longer present are kept but not returned.
func loadChallenges(ctx context.Context, tx *Tx, meetingID string) ([]roundtable.Challenge, error) {
	out, err := queryAll(ctx, tx, `
		SELECT r.user_id, u.name, COALESCE(c.context, ''), COALESCE(c.question, ''), COALESCE(c.tried, ''), COALESCE(c.updated_at, 0)
		FROM meeting_roles r
		JOIN users u ON u.id = r.user_id
		LEFT JOIN challenges c ON c.meeting_id = r.meeting_id AND c.presenter_id = r.user_id
		WHERE r.meeting_id = $1 AND r.role = 'presenter'
		ORDER BY r.position, r.user_id`, func(rows *sql.Rows) (roundtable.Challenge, error) {
		c := roundtable.Challenge{MeetingID: meetingID}
		var updated int64
		err := rows.Scan(&c.PresenterID, &c.Name, &c.Context, &c.Question, &c.Tried, &updated)
		if updated > 0 {
			c.UpdatedAt = fromMS(updated)
		}
		return c, err
	}, meetingID)
	if err != nil {
		return nil, fmt.Errorf("load challenges: %w", err)
	}
	if len(out) > 0 {
		o := tx.meetingOpener(ctx, meetingID)
		for i := range out {
			o.openChallenge(&out[i])
		}
	}
	return out, nil
}

// openChallenge opens a card's sealed texts in place.
func (o *opener) openChallenge(c *roundtable.Challenge) {
	row := rowID(c.MeetingID, c.PresenterID)
	c.Context = o.open("challenges", "context", row, c.Context)
	c.Question = o.open("challenges", "question", row, c.Question)
	c.Tried = o.open("challenges", "tried", row, c.Tried)
}

// sealChallenge returns a card's texts sealed for its row.
func sealChallenge(ctx context.Context, tx *Tx, meetingID, presenterID string, texts ...string) ([]any, error) {
	k, _, err := tx.meetingKey(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	cols := []string{"context", "question", "tried"}
	out := make([]any, len(texts))
	for i, t := range texts {
		if out[i], err = sealWith(k, "challenges", cols[i], rowID(meetingID, presenterID), t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// saveChallenge writes a presenter's card.
func saveChallenge(ctx context.Context, tx *Tx, c *roundtable.Challenge) error {
	c.UpdatedAt = tx.now
	sealed, err := sealChallenge(ctx, tx, c.MeetingID, c.PresenterID, c.Context, c.Question, c.Tried)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO challenges (meeting_id, presenter_id, context, question, tried, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (meeting_id, presenter_id) DO UPDATE SET
			context = excluded.context, question = excluded.question, tried = excluded.tried, updated_at = excluded.updated_at`,
		c.MeetingID, c.PresenterID, sealed[0], sealed[1], sealed[2], ms(c.UpdatedAt))
	if err != nil {
		return fmt.Errorf("save challenge: %w", err)
	}
	return touchRoom(ctx, tx, c.MeetingID)
}

// setLeadChallenge writes the context of a presenter's card and leaves the
// rest of it: the meeting form's single challenge field is that context.
func setLeadChallenge(ctx context.Context, tx *Tx, meetingID, presenterID, text string) error {
	sealed, err := sealChallenge(ctx, tx, meetingID, presenterID, text)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO challenges (meeting_id, presenter_id, context, question, tried, updated_at)
		VALUES ($1, $2, $3, '', '', $4)
		ON CONFLICT (meeting_id, presenter_id) DO UPDATE SET context = excluded.context, updated_at = excluded.updated_at`,
		meetingID, presenterID, sealed[0], ms(tx.now))
	if err != nil {
		return fmt.Errorf("save challenge: %w", err)
	}
	return touchRoom(ctx, tx, meetingID)
}

// SaveChallenge saves the caller's own card; presenters only.
func (s *AgendaService) SaveChallenge(ctx context.Context, c *roundtable.Challenge) error {
	a := actorOf(ctx)
	c.Context, c.Question, c.Tried = clean(c.Context), clean(c.Question), clean(c.Tried)
	return s.db.update(ctx, func(tx *Tx) error {
		m, _, err := accessibleMeeting(ctx, tx, a, c.MeetingID)
		if err != nil {
			return err
		}
		var n int
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM meeting_roles WHERE meeting_id = $1 AND role = 'presenter' AND user_id = $2`,
			c.MeetingID, a.id()).Scan(&n)
		if err != nil {
			return fmt.Errorf("check presenter: %w", err)
		}
		if n == 0 {
			return roundtable.Errorf(roundtable.EFORBIDDEN, "Only a presenter of this meeting writes a challenge card, her own.")
		}
		if err := checkChangeable(m, tx); err != nil {
			return err
		}
		if err := c.Validate(); err != nil {
			return err
		}
		c.PresenterID = a.id()
		return saveChallenge(ctx, tx, c)
	})
}
