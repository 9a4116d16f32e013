package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"

	"github.com/roundtable/roundtable"
)

// DecisionService implements roundtable.DecisionService.
type DecisionService struct{ db *DB }

var _ roundtable.DecisionService = (*DecisionService)(nil)

// NewDecisionService returns the service of group decisions.
func NewDecisionService(db *DB) *DecisionService { return &DecisionService{db: db} }

// decisionColumns read a decision with its proposer's name, who recorded
// the outcome, how many voted, how many could (the members, and those who
// voted before they left), whether the reader ($2) did, and the circle's
// wrapped key.
const decisionColumns = `d.id, d.circle_id, d.proposer_id, u.name, d.title, d.details, d.kind, d.results_open,
	d.change_format, d.change_cadence, d.closes_at, d.closed_at, d.outcome, COALESCE(ob.name, ''), d.outcome_at,
	d.applied_at, d.created_at,
	(SELECT COUNT(*) FROM decision_votes v WHERE v.decision_id = d.id),
	(SELECT COUNT(*) FROM circle_members cm WHERE cm.circle_id = d.circle_id) + (SELECT COUNT(*) FROM decision_votes v
		WHERE v.decision_id = d.id AND NOT EXISTS (SELECT 1 FROM circle_members cm WHERE cm.circle_id = d.circle_id AND cm.user_id = v.user_id)),
	(SELECT COUNT(*) FROM decision_votes v WHERE v.decision_id = d.id AND v.user_id = $2),
	COALESCE(c.data_key, '')`

// decisionFrom is the FROM of decisionColumns.
const decisionFrom = ` FROM decisions d JOIN users u ON u.id = d.proposer_id JOIN circles c ON c.id = d.circle_id
	LEFT JOIN users ob ON ob.id = d.outcome_by`

// scanDecision reads decisionColumns and opens the sealed texts. voted
// reports whether the reader voted.
func scanDecision(tx *Tx, row interface{ Scan(...any) error }) (d *roundtable.GroupDecision, voted bool, err error) {
	d = &roundtable.GroupDecision{}
	var resultsOpen, mine int
	var closes, created int64
	var closed, outcomeAt, applied *int64
	var wrapped string
	err = row.Scan(&d.ID, &d.CircleID, &d.ProposerID, &d.ProposerName, &d.Title, &d.Details, &d.Kind, &resultsOpen,
		&d.Change.Format, &d.Change.Cadence, &closes, &closed, &d.Outcome, &d.OutcomeBy, &outcomeAt,
		&applied, &created, &d.Voters, &d.Members, &mine, &wrapped)
	if err != nil {
		return nil, false, err
	}
	d.ResultsOpen, d.ClosesAt, d.CreatedAt = resultsOpen == 1, fromMS(closes), fromMS(created)
	d.ClosedAt, d.OutcomeAt, d.AppliedAt = msOrZero(closed), msOrZero(outcomeAt), msOrZero(applied)
	d.Title = tx.open(d.CircleID, wrapped, "decisions", "title", d.ID, d.Title)
	d.Details = tx.open(d.CircleID, wrapped, "decisions", "details", d.ID, d.Details)
	d.Outcome = tx.open(d.CircleID, wrapped, "decisions", "outcome", d.ID, d.Outcome)
	return d, mine > 0, nil
}

// ListDecisions returns the circle's decisions, open ones first (closing
// soonest first), then closed ones, the latest first. Each has Mine set to
// an empty vote when the reader voted.
func (s *DecisionService) ListDecisions(ctx context.Context, circleID string) ([]*roundtable.GroupDecision, error) {
	a := actorOf(ctx)
	var out []*roundtable.GroupDecision
	err := s.db.view(ctx, func(tx *Tx) error {
		if _, err := memberWithRules(ctx, tx, a, circleID); err != nil {
			return err
		}
		var err error
		out, err = queryAll(ctx, tx, `SELECT `+decisionColumns+decisionFrom+` WHERE d.circle_id = $1 ORDER BY d.closes_at DESC, d.id`,
			func(rows *sql.Rows) (*roundtable.GroupDecision, error) {
				d, voted, err := scanDecision(tx, rows)
				if err == nil && voted {
					d.Mine = &roundtable.DecisionVote{DecisionID: d.ID, UserID: a.id()}
				}
				return d, err
			}, circleID, a.id())
		if err != nil {
			return fmt.Errorf("list decisions: %w", err)
		}
		now := tx.now
		sort.SliceStable(out, func(i, j int) bool {
			oi, oj := !out[i].Closed(now), !out[j].Closed(now)
			if oi != oj {
				return oi
			}
			if oi {
				return out[i].ClosesAt.Before(out[j].ClosesAt)
			}
			return out[i].ClosedOn().After(out[j].ClosedOn())
		})
		return nil
	})
	return out, err
}

// FindDecision returns one decision with the votes the reader may see.
func (s *DecisionService) FindDecision(ctx context.Context, circleID, decisionID string) (*roundtable.GroupDecision, error) {
	a := actorOf(ctx)
	var out *roundtable.GroupDecision
	err := s.db.view(ctx, func(tx *Tx) error {
		mb, err := memberWithRules(ctx, tx, a, circleID)
		if err != nil {
			return err
		}
		if out, err = findDecision(ctx, tx, a, circleID, decisionID); err != nil {
			return err
		}
		if err := loadVotes(ctx, tx, a, out); err != nil {
			return err
		}
		fac := mb.role == roundtable.RoleFacilitator
		out.CanManage = fac || out.ProposerID == a.id()
		out.CanApply = fac && out.Closed(tx.now) && !out.Change.IsZero() && out.AppliedAt.IsZero()
		return nil
	})
	return out, err
}

// findDecision reads a decision of the circle with its options.
func findDecision(ctx context.Context, tx *Tx, a actor, circleID, decisionID string) (*roundtable.GroupDecision, error) {
	if !validID(decisionID) {
		return nil, notFound("decision")
	}
	d, _, err := scanDecision(tx, tx.QueryRowContext(ctx, `SELECT `+decisionColumns+decisionFrom+` WHERE d.id = $1 AND d.circle_id = $3`,
		decisionID, a.id(), circleID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("decision")
	} else if err != nil {
		return nil, fmt.Errorf("find decision: %w", err)
	}
	d.Options, err = queryAll(ctx, tx, `SELECT o.id, o.position, o.label, COALESCE(c.data_key, '')
		FROM decision_options o JOIN circles c ON c.id = $2 WHERE o.decision_id = $1 ORDER BY o.position`,
		func(rows *sql.Rows) (*roundtable.DecisionOption, error) {
			o := &roundtable.DecisionOption{}
			var wrapped string
			err := rows.Scan(&o.ID, &o.Position, &o.Label, &wrapped)
			o.Label = tx.open(circleID, wrapped, "decision_options", "label", o.ID, o.Label)
			return o, err
		}, decisionID, circleID)
	if err != nil {
		return nil, fmt.Errorf("load options: %w", err)
	}
	return d, nil
}

// loadVotes reads the votes of a decision: all of them, tallied, when the
// reader may see results; otherwise her own only.
func loadVotes(ctx context.Context, tx *Tx, a actor, d *roundtable.GroupDecision) error {
	visible := d.ResultsVisible(tx.now)
	votes, err := queryAll(ctx, tx, `SELECT v.user_id, u.name, v.stance, v.option_id, v.reason, v.updated_at, COALESCE(c.data_key, '')
		FROM decision_votes v JOIN users u ON u.id = v.user_id JOIN circles c ON c.id = $3
		WHERE v.decision_id = $1 AND (CAST($2 AS INTEGER) = 1 OR v.user_id = $4) ORDER BY u.name, v.user_id`,
		func(rows *sql.Rows) (*roundtable.DecisionVote, error) {
			v := &roundtable.DecisionVote{DecisionID: d.ID}
			var updated int64
			var wrapped string
			err := rows.Scan(&v.UserID, &v.Name, &v.Stance, &v.OptionID, &v.Reason, &updated, &wrapped)
			v.UpdatedAt = fromMS(updated)
			v.Reason = tx.open(d.CircleID, wrapped, "decision_votes", "reason", rowID(d.ID, v.UserID), v.Reason)
			return v, err
		}, d.ID, flag(visible), d.CircleID, a.id())
	if err != nil {
		return fmt.Errorf("load votes: %w", err)
	}
	byUser := map[string]*roundtable.DecisionVote{}
	for _, v := range votes {
		byUser[v.UserID] = v
		if v.UserID == a.id() {
			d.Mine = v
		}
	}
	if d.Kind == roundtable.KindScore {
		type score struct {
			user, option string
			value        int
		}
		scores, err := queryAll(ctx, tx, `SELECT user_id, option_id, score FROM decision_scores WHERE decision_id = $1`,
			func(rows *sql.Rows) (s score, err error) { return s, rows.Scan(&s.user, &s.option, &s.value) }, d.ID)
		if err != nil {
			return fmt.Errorf("load scores: %w", err)
		}
		for _, s := range scores {
			if v := byUser[s.user]; v != nil {
				if v.Scores == nil {
					v.Scores = map[string]int{}
				}
				v.Scores[s.option] = s.value
			}
		}
	}
	if visible {
		d.Votes = votes
		tally(d)
	}
	return nil
}

// tally counts each option's choices and scores.
func tally(d *roundtable.GroupDecision) {
	for _, v := range d.Votes {
		if o := d.Option(v.OptionID); o != nil {
			o.Chosen++
		}
		for id, s := range v.Scores {
			if o := d.Option(id); o != nil {
				o.Scored++
				o.ScoreSum += s
			}
		}
	}
}

// CreateDecision opens a proposal.
func (s *DecisionService) CreateDecision(ctx context.Context, d *roundtable.GroupDecision) error {
	a := actorOf(ctx)
	d.Title, d.Details = clean(d.Title), clean(d.Details)
	for _, o := range d.Options {
		o.Label = clean(o.Label)
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := memberWithRules(ctx, tx, a, d.CircleID); err != nil {
			return err
		}
		if a.id() == "" {
			return errSignIn()
		}
		if err := d.Validate(tx.now); err != nil {
			return err
		}
		d.ID, d.ProposerID, d.CreatedAt = newID(), a.id(), tx.now
		d.ClosesAt = fromMS(ms(d.ClosesAt))
		k, err := tx.circleKey(ctx, d.CircleID)
		if err != nil {
			return err
		}
		title, err := sealWith(k, "decisions", "title", d.ID, d.Title)
		if err != nil {
			return err
		}
		details, err := sealWith(k, "decisions", "details", d.ID, d.Details)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO decisions (id, circle_id, proposer_id, title, details, kind, results_open,
			change_format, change_cadence, closes_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			d.ID, d.CircleID, d.ProposerID, title, details, string(d.Kind), flag(d.ResultsOpen),
			d.Change.Format, string(d.Change.Cadence), ms(d.ClosesAt), ms(tx.now))
		if err != nil {
			return fmt.Errorf("insert decision: %w", err)
		}
		for _, o := range d.Options {
			o.ID = newID()
			label, err := sealWith(k, "decision_options", "label", o.ID, o.Label)
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO decision_options (id, decision_id, position, label) VALUES ($1, $2, $3, $4)`,
				o.ID, d.ID, o.Position, label)
			if err != nil {
				return fmt.Errorf("insert option: %w", err)
			}
		}
		return enqueueDecisionMail(ctx, tx, d)
	})
}
