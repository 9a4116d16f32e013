package sqldb

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// ApplyDecision applies a closed decision's change to how the circle meets.
func (s *DecisionService) ApplyDecision(ctx context.Context, circleID, decisionID string) (string, error) {
	a := actorOf(ctx)
	var out string
	err := s.db.update(ctx, func(tx *Tx) error {
		if _, err := requireFacilitator(ctx, tx, a, circleID, "apply a decision"); err != nil {
			return err
		}
		d, err := findDecision(ctx, tx, a, circleID, decisionID)
		if err != nil {
			return err
		}
		switch {
		case !d.Closed(tx.now):
			return roundtable.Errorf(roundtable.EINVALID, "The decision is still open: apply it once it has closed.")
		case d.Change.IsZero():
			return roundtable.Errorf(roundtable.EINVALID, "This decision changes nothing that can be applied here.")
		case !d.AppliedAt.IsZero():
			return roundtable.Errorf(roundtable.EINVALID, "This decision was applied already.")
		}
		// Marked first, on the condition it was not: a second click at the
		// same moment waits for the first on PostgreSQL, then finds it done.
		res, err := tx.ExecContext(ctx, `UPDATE decisions SET applied_at = $1 WHERE id = $2 AND applied_at IS NULL`, ms(tx.now), d.ID)
		if err != nil {
			return fmt.Errorf("mark decision applied: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("mark decision applied: %w", err)
		} else if n == 0 {
			return roundtable.Errorf(roundtable.EINVALID, "This decision was applied already.")
		}
		if d.Change.Format != "" {
			out, err = applyCircleFormat(ctx, tx, circleID, d.Change.Format)
		} else {
			out, err = applyCadence(ctx, tx, a, circleID, d.Change.Cadence)
		}
		return err
	})
	return out, err
}

// applyCircleFormat makes a format the circle's default and gives it to
// every meeting of the circle that has not started, fitted to each. A
// meeting it does not fit, or whose agenda was set for it alone, keeps its
// agenda, and the answer says so.
func applyCircleFormat(ctx context.Context, tx *Tx, circleID, key string) (string, error) {
	f, ok := roundtable.FormatByKey(key)
	if !ok {
		return "", roundtable.Errorf(roundtable.EINVALID, "This format is no longer offered.")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE circles SET default_format = $1 WHERE id = $2`, key, circleID); err != nil {
		return "", fmt.Errorf("set circle format: %w", err)
	}
	upcoming, err := meetingsToCome(ctx, tx, circleID)
	if err != nil {
		return "", err
	}
	own, err := queryStrings(ctx, tx, `SELECT id FROM meetings WHERE circle_id = $1 AND agenda_own = 1`, circleID)
	if err != nil {
		return "", fmt.Errorf("list meetings with their own agenda: %w", err)
	}
	changed, kept, ownKept := 0, 0, 0
	for _, m := range upcoming {
		if !m.StartsAt.After(tx.now) {
			continue // under way: its agenda is being followed
		}
		if slices.Contains(own, m.ID) {
			ownKept++
			continue
		}
		all, err := fitSegments(ctx, tx, m, f.Name, f.Segments, f.MinMinutes, false)
		if roundtable.ErrorCode(err) == roundtable.EINVALID {
			kept++
			continue
		} else if err != nil {
			return "", err
		}
		if err := replaceSegments(ctx, tx, m.ID, all); err != nil {
			return "", err
		}
		if err := touchRoom(ctx, tx, m.ID); err != nil {
			return "", err
		}
		changed++
	}
	msg := fmt.Sprintf("“%s” is now the circle's format: %s now follow%s it.", f.Name, meetingsWord(changed), plural(changed, "s", ""))
	if kept > 0 {
		msg += fmt.Sprintf(" It does not fit %s, which keep%s %s agenda.", meetingsWord(kept), plural(kept, "s", ""), plural(kept, "its", "their"))
	}
	if ownKept > 0 {
		msg += fmt.Sprintf(" %s keep%s the agenda set for %s alone; apply the format from %s agenda page if you want it there too.",
			meetingsWord(ownKept), plural(ownKept, "s", ""), plural(ownKept, "it", "each"), plural(ownKept, "its", "each one's"))
	}
	return msg, nil
}

// meetingsWord counts meetings in words: "1 meeting", "3 meetings", "no meeting".
func meetingsWord(n int) string {
	switch n {
	case 0:
		return "no meeting"
	case 1:
		return "1 meeting"
	}
	return fmt.Sprintf("%d meetings", n)
}

// plural returns one for n = 1 (and 0), other otherwise.
func plural(n int, one, other string) string {
	if n <= 1 {
		return one
	}
	return other
}

// applyCadence changes the rest of the circle's series to a new cadence,
// from today on (or the program's start, if later).
func applyCadence(ctx context.Context, tx *Tx, a actor, circleID string, cadence roundtable.Cadence) (string, error) {
	c, p, old, err := seriesCircle(ctx, tx, a, circleID)
	if err != nil {
		return "", err
	}
	if old == nil {
		return "", roundtable.Errorf(roundtable.EINVALID, "This circle has no meeting series to change yet: set one up first.")
	}
	sr := *old
	sr.Cadence = cadence
	if !old.Monthly() || !sr.Monthly() {
		// A monthly series keeps its week of the month (the last Tuesday
		// stays the last); otherwise the first meeting's date sets it.
		sr.Nth = 0
	}
	if err := sr.Validate(); err != nil {
		return "", err
	}
	from := civilDay(tx.now.In(roundtable.LoadLocation(c.TimeZone)))
	if from.Before(p.StartDate) {
		from = p.StartDate
	}
	pv, err := changeSeries(ctx, tx, a, c, p, old, &sr, from, time.Time{})
	if err != nil {
		if msg := roundtable.ErrorMessage(err); roundtable.ErrorCode(err) == roundtable.EINVALID {
			for _, v := range roundtable.ErrorFields(err) {
				msg = v
			}
			return "", roundtable.Errorf(roundtable.EINVALID, "The series could not change: %s", msg)
		}
		return "", err
	}
	created, moved, _ := pv.Counts()
	phrase := sr.Phrase()
	if phrase == "" {
		phrase = strings.ToLower(cadence.Label())
	}
	return fmt.Sprintf("The circle now meets %s: %d new, %d moved and %d cancelled meetings; everyone gets the update for their calendar.",
		phrase, created, moved, len(pv.Cancelled)), nil
}

// circleFormat returns the format a circle's new meetings start with: the
// circle's own, set by a decision, or else its program's default.
func circleFormat(ctx context.Context, tx *Tx, circleID string, p *roundtable.Program) (roundtable.Format, bool, error) {
	var key string
	if err := tx.QueryRowContext(ctx, `SELECT default_format FROM circles WHERE id = $1`, circleID).Scan(&key); err != nil {
		return roundtable.Format{}, false, fmt.Errorf("read circle format: %w", err)
	}
	if f, ok := roundtable.FormatByKey(key); ok {
		return f, true, nil
	}
	f, ok := roundtable.FormatByKey(p.DefaultFormat)
	return f, ok, nil
}
