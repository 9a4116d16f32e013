package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/roundtable/roundtable"
)

// exportDecisions reads her parking lot, the decisions she proposed and her
// votes, opened as the circle's pages open them.
func exportDecisions(ctx context.Context, tx *Tx, userID string, out *roundtable.DataExport) error {
	var err error
	if out.ParkingLot, err = queryAll(ctx, tx, `SELECT c.name, t.title, t.why, t.priority, t.minutes, t.shared_at, t.created_at, c.id, COALESCE(c.data_key, ''), t.id
		FROM parking_topics t JOIN circles c ON c.id = t.circle_id WHERE t.owner_id = $1 ORDER BY t.created_at, t.id`,
		func(rows *sql.Rows) (e roundtable.ExportParkingTopic, err error) {
			var shared *int64
			var cr int64
			var circleID, wrapped, id string
			err = rows.Scan(&e.Circle, &e.Title, &e.Why, &e.Priority, &e.Minutes, &shared, &cr, &circleID, &wrapped, &id)
			e.Shared, e.CreatedAt = shared != nil, fromMS(cr)
			e.Title = tx.open(circleID, wrapped, "parking_topics", "title", id, e.Title)
			e.Why = tx.open(circleID, wrapped, "parking_topics", "why", id, e.Why)
			return e, err
		}, userID); err != nil {
		return fmt.Errorf("read parking lot: %w", err)
	}
	if out.Proposals, err = queryAll(ctx, tx, `SELECT c.name, t.title, t.details, t.kind, t.closes_at, t.created_at, c.id, COALESCE(c.data_key, ''), t.id
		FROM decisions t JOIN circles c ON c.id = t.circle_id WHERE t.proposer_id = $1 ORDER BY t.created_at, t.id`,
		func(rows *sql.Rows) (e roundtable.ExportProposal, err error) {
			var closes, cr int64
			var circleID, wrapped, id string
			err = rows.Scan(&e.Circle, &e.Title, &e.Details, &e.Kind, &closes, &cr, &circleID, &wrapped, &id)
			e.ClosesAt, e.CreatedAt = fromMS(closes), fromMS(cr)
			e.Title = tx.open(circleID, wrapped, "decisions", "title", id, e.Title)
			e.Details = tx.open(circleID, wrapped, "decisions", "details", id, e.Details)
			return e, err
		}, userID); err != nil {
		return fmt.Errorf("read proposals: %w", err)
	}
	if out.Votes, err = queryAll(ctx, tx, `SELECT c.name, d.title, v.stance, COALESCE(o.label, ''), COALESCE(o.id, ''), v.reason, v.updated_at,
			c.id, COALESCE(c.data_key, ''), d.id
		FROM decision_votes v JOIN decisions d ON d.id = v.decision_id JOIN circles c ON c.id = d.circle_id
		LEFT JOIN decision_options o ON o.id = v.option_id
		WHERE v.user_id = $1 ORDER BY v.updated_at, d.id`,
		func(rows *sql.Rows) (e roundtable.ExportDecisionVote, err error) {
			var up int64
			var optionID, circleID, wrapped, decisionID string
			err = rows.Scan(&e.Circle, &e.Decision, &e.Stance, &e.Option, &optionID, &e.Reason, &up, &circleID, &wrapped, &decisionID)
			e.UpdatedAt = fromMS(up)
			e.Decision = tx.open(circleID, wrapped, "decisions", "title", decisionID, e.Decision)
			e.Option = tx.open(circleID, wrapped, "decision_options", "label", optionID, e.Option)
			e.Reason = tx.open(circleID, wrapped, "decision_votes", "reason", rowID(decisionID, userID), e.Reason)
			return e, err
		}, userID); err != nil {
		return fmt.Errorf("read decision votes: %w", err)
	}
	return nil
}
