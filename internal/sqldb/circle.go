package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/roundtable/roundtable"
)

// CircleService implements roundtable.CircleService.
type CircleService struct{ db *DB }

var _ roundtable.CircleService = (*CircleService)(nil)

// NewCircleService returns the circle service.
func NewCircleService(db *DB) *CircleService { return &CircleService{db: db} }

const circleColumns = `c.id, c.program_id, c.name, c.time_zone, c.slot, c.created_at`

func scanCircle(row interface{ Scan(...any) error }, extra ...any) (*roundtable.Circle, error) {
	var c roundtable.Circle
	var created int64
	if err := row.Scan(append([]any{&c.ID, &c.ProgramID, &c.Name, &c.TimeZone, &c.Slot, &created}, extra...)...); err != nil {
		return nil, err
	}
	c.CreatedAt = fromMS(created)
	return &c, nil
}

// findCircle returns a circle by ID without checking who asks.
func findCircle(ctx context.Context, tx *Tx, id string) (*roundtable.Circle, error) {
	if !validID(id) {
		return nil, notFound("circle")
	}
	c, err := scanCircle(tx.QueryRowContext(ctx, `SELECT `+circleColumns+` FROM circles c WHERE c.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("circle")
	} else if err != nil {
		return nil, fmt.Errorf("find circle: %w", err)
	}
	return c, nil
}

// organizedCircle returns a circle whose program the actor organizes, or ENOTFOUND.
func organizedCircle(ctx context.Context, tx *Tx, a actor, id string) (*roundtable.Circle, error) {
	c, err := findCircle(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := requireOrganizer(ctx, tx, a, c.ProgramID); err != nil {
		return nil, notFound("circle")
	}
	return c, nil
}

// CreateCircle creates a circle in a program the caller organizes.
func (s *CircleService) CreateCircle(ctx context.Context, c *roundtable.Circle) error {
	c.Name, c.TimeZone = clean(c.Name), clean(c.TimeZone)
	return s.db.update(ctx, func(tx *Tx) error {
		if err := requireOrganizer(ctx, tx, actorOf(ctx), c.ProgramID); err != nil {
			return err
		}
		if c.TimeZone == "" {
			p, err := findProgram(ctx, tx, c.ProgramID)
			if err != nil {
				return err
			}
			c.TimeZone = p.TimeZone
		}
		if err := c.Validate(); err != nil {
			return err
		}
		c.ID, c.CreatedAt = newID(), tx.now
		return insertCircle(ctx, tx, c)
	})
}

// ListCircles returns a program's circles with member counts, by name.
func (s *CircleService) ListCircles(ctx context.Context, programID string) ([]*roundtable.CircleSummary, error) {
	var out []*roundtable.CircleSummary
	err := s.db.view(ctx, func(tx *Tx) error {
		if err := requireOrganizer(ctx, tx, actorOf(ctx), programID); err != nil {
			return err
		}
		sums, err := listCircleSummaries(ctx, tx, programID)
		out = summariesOf(sums)
		return err
	})
	return out, err
}

// summariesOf returns the summaries of a program's circles.
func summariesOf(sums []circleSummary) []*roundtable.CircleSummary {
	var out []*roundtable.CircleSummary
	for _, s := range sums {
		out = append(out, s.CircleSummary)
	}
	return out
}

// circleSummary is a circle of a program's list, and whether it has a
// facilitator (whose name may be empty).
type circleSummary struct {
	*roundtable.CircleSummary
	facilitated bool
}

// listCircleSummaries reads a program's circles with their member counts
// and first facilitator by name, by name, in one pass over the members.
func listCircleSummaries(ctx context.Context, tx *Tx, programID string) ([]circleSummary, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT `+circleColumns+`,
			COUNT(CASE WHEN m.role = 'member' THEN 1 END),
			COALESCE(MIN(u.name), ''),
			MAX(CASE WHEN m.role = 'facilitator' THEN 1 ELSE 0 END)
		FROM circles c
		LEFT JOIN circle_members m ON m.circle_id = c.id
		LEFT JOIN users u ON u.id = m.user_id AND m.role = 'facilitator'
		WHERE c.program_id = $1
		GROUP BY c.id, c.program_id, c.name, c.time_zone, c.slot, c.created_at
		ORDER BY c.name, c.created_at, c.id`, programID)
	if err != nil {
		return nil, fmt.Errorf("list circles: %w", err)
	}
	defer rows.Close()
	var out []circleSummary
	for rows.Next() {
		sum := circleSummary{CircleSummary: &roundtable.CircleSummary{}}
		var facilitated *int64
		c, err := scanCircle(rows, &sum.MemberCount, &sum.FacilitatorName, &facilitated)
		if err != nil {
			return nil, err
		}
		sum.Circle = *c
		sum.facilitated = facilitated != nil && *facilitated == 1
		out = append(out, sum)
	}
	return out, rows.Err()
}

// FindCircleRoster returns a circle and its people for its program's organizers.
func (s *CircleService) FindCircleRoster(ctx context.Context, id string) (*roundtable.Circle, error) {
	var c *roundtable.Circle
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		if c, err = organizedCircle(ctx, tx, actorOf(ctx), id); err != nil {
			return err
		}
		c.Members, err = listMembers(ctx, tx, id)
		return err
	})
	return c, err
}

// ListMyCircles returns the circles the caller belongs to, by name.
func (s *CircleService) ListMyCircles(ctx context.Context) ([]*roundtable.Circle, error) {
	a := actorOf(ctx)
	if a.user == nil {
		return nil, nil
	}
	var out []*roundtable.Circle
	err := s.db.view(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT `+circleColumns+` FROM circles c JOIN circle_members m ON m.circle_id = c.id
			WHERE m.user_id = $1 ORDER BY c.name, c.id`, a.user.ID)
		if err != nil {
			return fmt.Errorf("list my circles: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCircle(rows)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// FindCircleWelcome returns a circle, its program and the caller's
// membership, with none of the circle's content: it is what a member sees
// before accepting the ground rules.
func (s *CircleService) FindCircleWelcome(ctx context.Context, id string) (*roundtable.CircleHome, error) {
	a := actorOf(ctx)
	var h roundtable.CircleHome
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		if _, err := memberOf(ctx, tx, a, id); err != nil {
			return err
		}
		if h.Circle, err = findCircle(ctx, tx, id); err != nil {
			return err
		}
		if h.Program, err = findProgram(ctx, tx, h.Circle.ProgramID); err != nil {
			return err
		}
		members, err := listMembers(ctx, tx, id)
		if err != nil {
			return err
		}
		h.Me = myMembership(members, a.id())
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// AcceptGroundRules records that the caller accepts the ground rules now.
// Accepting also counts as joining, for a member who came by sign-in link.
func (s *CircleService) AcceptGroundRules(ctx context.Context, circleID string) error {
	a := actorOf(ctx)
	if a.user == nil {
		return notFound("circle")
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := memberOf(ctx, tx, a, circleID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			UPDATE circle_members SET
				ground_rules_accepted_at = COALESCE(ground_rules_accepted_at, $1),
				joined_at = COALESCE(joined_at, $2)
			WHERE circle_id = $3 AND user_id = $4`, ms(tx.now), ms(tx.now), circleID, a.user.ID)
		if err != nil {
			return fmt.Errorf("accept ground rules: %w", err)
		}
		return nil
	})
}

// SetGoals replaces the caller's goals in a circle.
func (s *CircleService) SetGoals(ctx context.Context, circleID string, goals []string) error {
	a := actorOf(ctx)
	if a.user == nil {
		return notFound("circle")
	}
	for i := range goals {
		goals[i] = clean(goals[i])
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := memberWithRules(ctx, tx, a, circleID); err != nil {
			return err
		}
		if _, err := roundtable.ValidateGoals(goals); err != nil {
			return err
		}
		return saveGoals(ctx, tx, circleID, a.user.ID, goals)
	})
}

// saveGoals stores a member's goals in the order of the form's fields
// (slots; a blank field is no goal). A goal keeps its row, and so its
// check-ins, when its words are unchanged, wherever it moved; a goal
// reworded in its own field keeps the row of the goal shown there. Goals
// not kept go, with their check-ins: no history ever moves to another
// goal's words.
func saveGoals(ctx context.Context, tx *Tx, circleID, userID string, slots []string) error {
	all, err := listGoals(ctx, tx, circleID)
	if err != nil {
		return err
	}
	ids, keep := matchGoalRows(all[userID], slots)
	for _, g := range all[userID] {
		if keep[g.ID] {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM goals WHERE id = $1`, g.ID); err != nil {
			return fmt.Errorf("delete goal: %w", err)
		}
	}
	pos := 0
	for i, g := range slots {
		if ids[i] == "" {
			continue
		}
		pos++
		body, err := tx.seal(ctx, circleID, "goals", "body", ids[i], g)
		if err != nil {
			return err
		}
		if keep[ids[i]] {
			_, err = tx.ExecContext(ctx, `UPDATE goals SET body = $1, position = $2 WHERE id = $3`, body, pos, ids[i])
		} else {
			_, err = tx.ExecContext(ctx, `
				INSERT INTO goals (id, circle_id, user_id, body, position, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				ids[i], circleID, userID, body, pos, ms(tx.now))
		}
		if err != nil {
			return fmt.Errorf("save goal: %w", err)
		}
	}
	return nil
}

// matchGoalRows picks the row of each slot's goal (trimmed in place; ""
// for a blank slot): the existing goal with the same words, else the goal
// shown in that slot when its words are no longer used, else a new row.
// keep holds the existing rows reused.
func matchGoalRows(existing []*roundtable.Goal, slots []string) (ids []string, keep map[string]bool) {
	ids, keep = make([]string, len(slots)), map[string]bool{}
	for i := range slots {
		slots[i] = strings.TrimSpace(slots[i])
		for _, g := range existing {
			if slots[i] != "" && ids[i] == "" && !keep[g.ID] && g.Text == slots[i] {
				ids[i], keep[g.ID] = g.ID, true
			}
		}
	}
	for i, text := range slots {
		if text == "" || ids[i] != "" {
			continue
		}
		if i < len(existing) && !keep[existing[i].ID] {
			ids[i], keep[existing[i].ID] = existing[i].ID, true
		} else {
			ids[i] = newID()
		}
	}
	return ids, keep
}
