package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

// CommitmentService keeps members' commitments up to date between meetings.
type CommitmentService struct{ db *DB }

var _ roundtable.CommitmentService = (*CommitmentService)(nil)

// NewCommitmentService returns the commitment service.
func NewCommitmentService(db *DB) *CommitmentService { return &CommitmentService{db: db} }

// commitmentDueLead is how long before a commitment is due its owner is
// reminded of it.
const commitmentDueLead = 3 * 24 * time.Hour

// kindCommitmentDue reminds a commitment's owner a few days before it is
// due; RefID is the commitment. Keyed by commitment and owner, so it is
// sent once.
const kindCommitmentDue = "commitment.due"

// ListMyCommitments returns the caller's commitments in the circles whose
// rules she accepted.
func (s *CommitmentService) ListMyCommitments(ctx context.Context) ([]*roundtable.Commitment, error) {
	a := actorOf(ctx)
	if a.user == nil {
		return nil, errSignIn()
	}
	var out []*roundtable.Commitment
	err := s.db.view(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT `+actionItemColumns+`, c.name, made.starts_at
			FROM action_items a
			JOIN users u ON u.id = a.owner_id
			JOIN circles c ON c.id = a.circle_id
			JOIN meetings made ON made.id = a.meeting_id
			JOIN circle_members m ON m.circle_id = a.circle_id AND m.user_id = a.owner_id
			WHERE a.owner_id = $1 AND m.ground_rules_accepted_at IS NOT NULL
			ORDER BY CASE WHEN a.status = 'open' THEN 0 ELSE 1 END,
				CASE WHEN a.status = 'open' THEN a.due_at ELSE -a.closed_at END, a.created_at, a.id`, a.user.ID)
		if err != nil {
			return fmt.Errorf("list my commitments: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var c roundtable.Commitment
			var made int64
			it, err := scanActionItem(tx, scanFunc(func(dest ...any) error {
				return rows.Scan(append(dest, &c.CircleName, &made)...)
			}))
			if err != nil {
				return err
			}
			c.ActionItem, c.MadeAt = *it, fromMS(made)
			out = append(out, &c)
		}
		return rows.Err()
	})
	return out, err
}

// UpdateCommitment records the owner's latest word on her commitment.
func (s *CommitmentService) UpdateCommitment(ctx context.Context, id string, status roundtable.ActionStatus, note string) error {
	a := actorOf(ctx)
	if a.user == nil {
		return errSignIn()
	}
	note = strings.TrimSpace(clean(note))
	if err := roundtable.ValidateCommitmentUpdate(status, note); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		it, err := findActionItem(ctx, tx, id)
		if err != nil {
			return err
		}
		if it.OwnerID != a.user.ID {
			return notFound("commitment")
		}
		if _, err := memberWithRules(ctx, tx, a, it.CircleID); err != nil {
			if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
				return notFound("commitment")
			}
			return err
		}
		return noteCommitment(ctx, tx, it, status, note)
	})
}

// noteCommitment stores the owner's word on a commitment: its status, the
// note (sealed) and when; closed now when it becomes done or dropped, its
// closing time kept when it stays so. The rooms that show it are woken.
func noteCommitment(ctx context.Context, tx *Tx, it *roundtable.ActionItem, status roundtable.ActionStatus, note string) error {
	var closed any
	switch {
	case status == roundtable.ActionOpen:
	case it.Status == status && it.ClosedAt != nil:
		closed = ms(*it.ClosedAt)
	default:
		closed = ms(tx.now)
	}
	sealed, err := tx.seal(ctx, it.CircleID, "action_items", "report", it.ID, note)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE action_items SET status = $1, report = $2, closed_at = $3, noted_at = $4 WHERE id = $5`,
		status, sealed, closed, ms(tx.now), it.ID); err != nil {
		return fmt.Errorf("note commitment: %w", err)
	}
	rooms := []string{it.MeetingID}
	if it.DueMeetingID != "" {
		rooms = append(rooms, it.DueMeetingID)
	}
	return touchRooms(ctx, tx, rooms, partActions)
}

// enqueueCommitmentReminders asks for a reminder to each commitment's owner
// a few days before it is due, when that is still ahead.
func enqueueCommitmentReminders(ctx context.Context, tx *Tx, items []*roundtable.ActionItem) error {
	for _, it := range items {
		at := it.DueAt.Add(-commitmentDueLead)
		if !at.After(tx.now) {
			continue
		}
		if err := enqueueJob(ctx, tx, job{Kind: kindCommitmentDue, UserID: it.OwnerID, RefID: it.ID, DueAt: at}); err != nil {
			return err
		}
	}
	return nil
}

// renderCommitmentDue reminds the owner of an open commitment that it is due
// soon, unless it is closed, she left its circle or turned these off.
func (db *DB) renderCommitmentDue(ctx context.Context, tx *Tx, j job) (rendered, error) {
	it, err := findActionItem(ctx, tx, j.RefID)
	if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
		return drop(dropCommitmentGone), nil
	} else if err != nil {
		return rendered{}, err
	}
	if it.Status != roundtable.ActionOpen {
		return drop(dropCommitmentClosed), nil
	}
	to, why, err := memberRecipient(ctx, tx, j, it.CircleID)
	if to == nil {
		return drop(why), err
	}
	c, err := findCircleInfo(ctx, tx, it.CircleID)
	if err != nil {
		return rendered{}, err
	}
	d := mail.CommitmentMail{To: to.email, Name: to.name, CircleName: c.name, Text: it.Text, Report: it.Report,
		Due:    it.DueAt.In(to.loc).Format("Monday 2 January") + " (" + mail.ZoneName(to.loc) + ")",
		DueDay: it.DueAt.In(to.loc).Format("Monday 2 January"), Link: db.commitmentsLink(it.ID), PrefsLink: db.prefsLink()}
	if it.DueMeetingID != "" {
		d.AtMeeting = true
	}
	return rendered{msg: mail.CommitmentDue(d)}, nil
}

// commitmentsLink is the owner's page of commitments, at one of them when id is set.
func (db *DB) commitmentsLink(id string) string {
	if id == "" {
		return db.baseURL + "/commitments"
	}
	return db.baseURL + "/commitments#c-" + id
}

// Reasons a commitment reminder is not sent.
const (
	dropCommitmentGone   = "the commitment no longer exists"
	dropCommitmentClosed = "the commitment is done or dropped"
)

// openCommitmentsOf counts a person's open commitments in a circle.
func openCommitmentsOf(ctx context.Context, tx *Tx, circleID, userID string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM action_items WHERE circle_id = $1 AND owner_id = $2 AND status = 'open'`,
		circleID, userID).Scan(&n)
	if err != nil && err != sql.ErrNoRows {
		return 0, fmt.Errorf("count open commitments: %w", err)
	}
	return n, nil
}
