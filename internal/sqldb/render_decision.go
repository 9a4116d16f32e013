package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

// Why a decision's message is not sent.
const (
	dropDecisionGone   = "the decision no longer exists"
	dropDecisionClosed = "the decision has closed"
	dropDecisionVoted  = "the member has voted"
)

// decisionReminderBefore is how long before a decision closes its reminder
// goes to those who have not voted; a decision closing sooner than twice
// that after it opens gets none.
const decisionReminderBefore = 24 * time.Hour

// enqueueDecisionMail tells each member but the proposer that a decision
// opened, and queues one reminder before it closes.
func enqueueDecisionMail(ctx context.Context, tx *Tx, d *roundtable.GroupDecision) error {
	people, err := circlePeople(ctx, tx, d.CircleID)
	if err != nil {
		return err
	}
	remind := d.ClosesAt.Sub(tx.now) >= 2*decisionReminderBefore
	for _, u := range people {
		if u == d.ProposerID {
			continue
		}
		if err := enqueueJob(ctx, tx, job{Kind: kindDecisionOpen, UserID: u, RefID: d.ID}); err != nil {
			return err
		}
		if remind {
			if err := enqueueJob(ctx, tx, job{Kind: kindDecisionDue, UserID: u, RefID: d.ID, DueAt: d.ClosesAt.Add(-decisionReminderBefore)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// renderDecision writes a decision's message as it is when sent: nothing
// for a decision closed or gone, and no reminder to someone who voted.
func (db *DB) renderDecision(ctx context.Context, tx *Tx, j job) (rendered, error) {
	if !validID(j.RefID) {
		return drop(dropDecisionGone), nil
	}
	var circleID, proposerID, title, wrapped string
	var closes int64
	var closed *int64
	err := tx.QueryRowContext(ctx, `SELECT d.circle_id, d.proposer_id, d.title, d.closes_at, d.closed_at, COALESCE(c.data_key, '')
		FROM decisions d JOIN circles c ON c.id = d.circle_id WHERE d.id = $1`, j.RefID).
		Scan(&circleID, &proposerID, &title, &closes, &closed, &wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		return drop(dropDecisionGone), nil
	} else if err != nil {
		return rendered{}, fmt.Errorf("find decision: %w", err)
	}
	if closed != nil || !tx.now.Before(fromMS(closes)) {
		return drop(dropDecisionClosed), nil
	}
	to, why, err := memberRecipient(ctx, tx, j, circleID)
	if to == nil {
		return drop(why), err
	}
	if j.Kind == kindDecisionDue {
		var voted int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM decision_votes WHERE decision_id = $1 AND user_id = $2`, j.RefID, to.id).Scan(&voted); err != nil {
			return rendered{}, fmt.Errorf("check vote: %w", err)
		}
		if voted > 0 {
			return drop(dropDecisionVoted), nil
		}
	}
	c, err := findCircleInfo(ctx, tx, circleID)
	if err != nil {
		return rendered{}, err
	}
	proposer, err := userName(ctx, tx, proposerID)
	if err != nil {
		return rendered{}, err
	}
	at := fromMS(closes).In(to.loc)
	return rendered{msg: mail.Decision(mail.DecisionMail{
		To: to.email, Name: to.name, ProgramName: c.programName, CircleName: c.name, Proposer: proposer,
		Title:  tx.open(circleID, wrapped, "decisions", "title", j.RefID, title),
		Closes: mail.Day(at, to.loc, tx.now) + ", " + at.Format("15:04") + " (" + mail.ZoneName(to.loc) + ")",
		Link:   db.baseURL + "/circles/" + circleID + "/decisions/" + j.RefID, PrefsLink: db.prefsLink(),
		Reminder: j.Kind == kindDecisionDue,
	})}, nil
}
