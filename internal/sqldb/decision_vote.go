package sqldb

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/roundtable/roundtable"
)

// errDecisionClosed is the answer to a late vote: a clear message, not a
// failure.
func errDecisionClosed() error {
	return roundtable.Errorf(roundtable.ECONFLICT, "This decision has closed, so votes are no longer counted: yours was not recorded.")
}

// checkVote tidies and checks a vote against its decision (keys stance,
// option_id, score_<option>, reason).
func checkVote(d *roundtable.GroupDecision, v *roundtable.DecisionVote) error {
	var p roundtable.Problems
	v.Reason = strings.TrimSpace(clean(v.Reason))
	if utf8.RuneCountInString(v.Reason) > roundtable.MaxDecisionReason {
		p.Add("reason", "Use at most "+strconv.Itoa(roundtable.MaxDecisionReason)+" characters.")
	}
	switch d.Kind {
	case roundtable.KindConsent:
		v.OptionID, v.Scores = "", nil
		if !slices.Contains(roundtable.Stances, v.Stance) {
			p.Add("stance", "Choose agree, abstain, disagree or block.")
		} else if v.Stance == roundtable.StanceBlock && v.Reason == "" {
			p.Add("reason", "Say why you block: the circle needs to hear what would have to change.")
		}
	case roundtable.KindChoice:
		v.Stance, v.Scores = "", nil
		if d.Option(v.OptionID) == nil {
			p.Add("option_id", "Choose one of the options.")
		}
	case roundtable.KindScore:
		v.Stance, v.OptionID = "", ""
		for _, o := range d.Options {
			if s := v.Scores[o.ID]; s < 1 || s > 5 {
				p.Add("score_"+o.ID, "Give “"+o.Label+"” a score from 1 to 5.")
			}
		}
		for id := range v.Scores {
			if d.Option(id) == nil {
				delete(v.Scores, id)
			}
		}
	}
	return p.Err()
}

// Vote records or replaces the caller's vote.
func (s *DecisionService) Vote(ctx context.Context, circleID string, v *roundtable.DecisionVote) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := memberWithRules(ctx, tx, a, circleID); err != nil {
			return err
		}
		if a.id() == "" {
			return errSignIn()
		}
		d, err := findDecision(ctx, tx, a, circleID, v.DecisionID)
		if err != nil {
			return err
		}
		if d.Closed(tx.now) {
			return errDecisionClosed()
		}
		if err := checkVote(d, v); err != nil {
			return err
		}
		v.UserID, v.UpdatedAt = a.id(), tx.now
		reason, err := tx.seal(ctx, circleID, "decision_votes", "reason", rowID(d.ID, v.UserID), v.Reason)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO decision_votes (decision_id, user_id, stance, option_id, reason, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (decision_id, user_id) DO UPDATE SET stance = excluded.stance, option_id = excluded.option_id,
				reason = excluded.reason, updated_at = excluded.updated_at`,
			d.ID, v.UserID, string(v.Stance), v.OptionID, reason, ms(tx.now))
		if err != nil {
			return fmt.Errorf("save vote: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM decision_scores WHERE decision_id = $1 AND user_id = $2`, d.ID, v.UserID); err != nil {
			return fmt.Errorf("clear scores: %w", err)
		}
		for _, o := range d.Options {
			if sc, ok := v.Scores[o.ID]; ok {
				_, err := tx.ExecContext(ctx, `INSERT INTO decision_scores (decision_id, user_id, option_id, score) VALUES ($1, $2, $3, $4)`,
					d.ID, v.UserID, o.ID, sc)
				if err != nil {
					return fmt.Errorf("save score: %w", err)
				}
			}
		}
		return nil
	})
}

// managedDecision returns a decision the caller may manage: its proposer or
// the circle's facilitator. EFORBIDDEN for other members.
func managedDecision(ctx context.Context, tx *Tx, a actor, circleID, decisionID string) (*roundtable.GroupDecision, error) {
	mb, err := memberWithRules(ctx, tx, a, circleID)
	if err != nil {
		return nil, err
	}
	d, err := findDecision(ctx, tx, a, circleID, decisionID)
	if err != nil {
		return nil, err
	}
	if mb.role != roundtable.RoleFacilitator && d.ProposerID != a.id() {
		return nil, roundtable.Errorf(roundtable.EFORBIDDEN, "Only the proposer or the circle's facilitator can do this.")
	}
	return d, nil
}

// CloseDecision closes a decision before its time.
func (s *DecisionService) CloseDecision(ctx context.Context, circleID, decisionID string) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		d, err := managedDecision(ctx, tx, a, circleID, decisionID)
		if err != nil {
			return err
		}
		if d.Closed(tx.now) {
			return roundtable.Errorf(roundtable.EINVALID, "This decision has closed already.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE decisions SET closed_at = $1 WHERE id = $2`, ms(tx.now), d.ID); err != nil {
			return fmt.Errorf("close decision: %w", err)
		}
		return nil
	})
}

// RecordOutcome writes the outcome of a closed decision.
func (s *DecisionService) RecordOutcome(ctx context.Context, circleID, decisionID, outcome string) error {
	a := actorOf(ctx)
	outcome = strings.TrimSpace(clean(outcome))
	return s.db.update(ctx, func(tx *Tx) error {
		d, err := managedDecision(ctx, tx, a, circleID, decisionID)
		if err != nil {
			return err
		}
		if !d.Closed(tx.now) {
			return roundtable.Errorf(roundtable.EINVALID, "The outcome is written once the decision has closed.")
		}
		switch n := utf8.RuneCountInString(outcome); {
		case n == 0:
			return fieldError("outcome", "Write what the circle decided, in a sentence or two.")
		case n > roundtable.MaxDecisionOutcome:
			return fieldError("outcome", "Use at most "+strconv.Itoa(roundtable.MaxDecisionOutcome)+" characters.")
		}
		sealed, err := tx.seal(ctx, circleID, "decisions", "outcome", d.ID, outcome)
		if err != nil {
			return err
		}
		var by any // the system records no one
		if a.id() != "" {
			by = a.id()
		}
		_, err = tx.ExecContext(ctx, `UPDATE decisions SET outcome = $1, outcome_by = $2, outcome_at = $3 WHERE id = $4`,
			sealed, by, ms(tx.now), d.ID)
		if err != nil {
			return fmt.Errorf("record outcome: %w", err)
		}
		return nil
	})
}
