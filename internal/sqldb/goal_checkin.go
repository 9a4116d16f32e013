package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// CheckInService keeps members' check-ins on their goals.
type CheckInService struct{ db *DB }

var _ roundtable.CheckInService = (*CheckInService)(nil)

// NewCheckInService returns the check-in service.
func NewCheckInService(db *DB) *CheckInService { return &CheckInService{db: db} }

// FindCheckIns returns a member's goals over time.
func (s *CheckInService) FindCheckIns(ctx context.Context, circleID, userID string) (*roundtable.CheckInPage, error) {
	a := actorOf(ctx)
	if a.user == nil {
		return nil, notFound("circle")
	}
	var page *roundtable.CheckInPage
	err := s.db.view(ctx, func(tx *Tx) error {
		if _, err := memberWithRules(ctx, tx, a, circleID); err != nil {
			return err
		}
		var err error
		page, err = loadCheckIns(ctx, tx, circleID, userID)
		if err != nil {
			return err
		}
		page.Mine = userID == a.user.ID
		if !page.Mine && !page.Shared {
			return notFound("member's check-ins")
		}
		return nil
	})
	return page, err
}

// checkInCircle is what check-ins read of a circle: its program's cadence,
// its zone and its wrapped key.
type checkInCircle struct {
	cadence roundtable.CheckInCadence
	loc     *time.Location
	wrapped string
}

func findCheckInCircle(ctx context.Context, tx *Tx, circleID string) (*checkInCircle, error) {
	var c checkInCircle
	var tz string
	err := tx.QueryRowContext(ctx, `
		SELECT p.checkin_every, c.time_zone, COALESCE(c.data_key, '') FROM circles c JOIN programs p ON p.id = c.program_id
		WHERE c.id = $1`, circleID).Scan(&c.cadence, &tz, &c.wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("circle")
	} else if err != nil {
		return nil, fmt.Errorf("find circle's cadence: %w", err)
	}
	c.loc = roundtable.LoadLocation(tz)
	if !c.cadence.Valid() {
		c.cadence = roundtable.DefaultCheckInCadence
	}
	return &c, nil
}

// loadCheckIns reads a member's goals and check-ins in a circle, without
// checking who asks. ENOTFOUND when she is not in the circle.
func loadCheckIns(ctx context.Context, tx *Tx, circleID, userID string) (*roundtable.CheckInPage, error) {
	c, err := findCircle(ctx, tx, circleID)
	if err != nil {
		return nil, err
	}
	members, err := listMembers(ctx, tx, circleID)
	if err != nil {
		return nil, err
	}
	page := &roundtable.CheckInPage{Circle: c}
	for _, m := range members {
		if m.UserID == userID {
			page.Owner, page.Shared = m, m.SharesCheckIns
		}
	}
	if page.Owner == nil {
		return nil, notFound("member's check-ins")
	}
	ci, err := findCheckInCircle(ctx, tx, circleID)
	if err != nil {
		return nil, err
	}
	page.Cadence = ci.cadence
	goals, err := listGoals(ctx, tx, circleID)
	if err != nil {
		return nil, err
	}
	byGoal := map[string]*roundtable.GoalTimeline{}
	for _, g := range goals[userID] {
		t := &roundtable.GoalTimeline{Goal: g}
		page.Goals = append(page.Goals, t)
		byGoal[g.ID] = t
	}
	checkIns, err := listCheckIns(ctx, tx, ci, circleID, userID)
	if err != nil {
		return nil, err
	}
	for _, x := range checkIns {
		if t := byGoal[x.GoalID]; t != nil {
			t.CheckIns = append(t.CheckIns, x)
		}
	}
	now := ci.cadence.Period(tx.now, ci.loc)
	for _, t := range page.Goals {
		last := t.Latest()
		t.Due = last == nil || ci.cadence.Period(last.CreatedAt, ci.loc) != now
	}
	page.NextPeriod = ci.cadence.PeriodStart(now+1, ci.loc)
	return page, nil
}

// listCheckIns returns a member's check-ins in a circle, oldest first.
func listCheckIns(ctx context.Context, tx *Tx, ci *checkInCircle, circleID, userID string) ([]*roundtable.GoalCheckIn, error) {
	out, err := queryAll(ctx, tx, `
		SELECT id, goal_id, rating, reflection, created_at, updated_at FROM goal_checkins
		WHERE circle_id = $1 AND user_id = $2 ORDER BY created_at, id`,
		func(rows *sql.Rows) (*roundtable.GoalCheckIn, error) {
			x := &roundtable.GoalCheckIn{CircleID: circleID, UserID: userID}
			var created, updated int64
			if err := rows.Scan(&x.ID, &x.GoalID, &x.Rating, &x.Reflection, &created, &updated); err != nil {
				return nil, err
			}
			x.CreatedAt, x.UpdatedAt = fromMS(created), fromMS(updated)
			x.Reflection = tx.open(circleID, ci.wrapped, "goal_checkins", "reflection", x.ID, x.Reflection)
			return x, nil
		}, circleID, userID)
	if err != nil {
		return nil, fmt.Errorf("list check-ins: %w", err)
	}
	return out, nil
}

// CheckIn records the caller's ratings of her goals.
func (s *CheckInService) CheckIn(ctx context.Context, circleID string, entries []roundtable.CheckInEntry) error {
	a := actorOf(ctx)
	if a.user == nil {
		return notFound("circle")
	}
	for i := range entries {
		entries[i].Reflection = strings.TrimSpace(clean(entries[i].Reflection))
	}
	if err := roundtable.ValidateCheckIn(entries); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := memberWithRules(ctx, tx, a, circleID); err != nil {
			return err
		}
		page, err := loadCheckIns(ctx, tx, circleID, a.user.ID)
		if err != nil {
			return err
		}
		ci, err := findCheckInCircle(ctx, tx, circleID)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := checkInOnGoal(ctx, tx, ci, page, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// checkInOnGoal stores one goal's rating: a new check-in, or the goal's
// latest one replaced when it is of the current period.
func checkInOnGoal(ctx context.Context, tx *Tx, ci *checkInCircle, page *roundtable.CheckInPage, e roundtable.CheckInEntry) error {
	var timeline *roundtable.GoalTimeline
	for _, t := range page.Goals {
		if t.Goal.ID == e.GoalID {
			timeline = t
		}
	}
	if timeline == nil {
		return &roundtable.Error{Code: roundtable.EINVALID, Message: "Check in on your own goals in this circle.",
			Fields: map[string]string{"checkin": "That goal is not one of yours in this circle. Reload the page and try again."}}
	}
	circleID, userID := page.Circle.ID, page.Owner.UserID
	if last := timeline.Latest(); last != nil && ci.cadence.Period(last.CreatedAt, ci.loc) == ci.cadence.Period(tx.now, ci.loc) {
		sealed, err := tx.seal(ctx, circleID, "goal_checkins", "reflection", last.ID, e.Reflection)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE goal_checkins SET rating = $1, reflection = $2, updated_at = $3 WHERE id = $4`,
			e.Rating, sealed, ms(tx.now), last.ID); err != nil {
			return fmt.Errorf("update check-in: %w", err)
		}
		return nil
	}
	id := newID()
	sealed, err := tx.seal(ctx, circleID, "goal_checkins", "reflection", id, e.Reflection)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO goal_checkins (id, goal_id, circle_id, user_id, rating, reflection, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		id, e.GoalID, circleID, userID, e.Rating, sealed, ms(tx.now), ms(tx.now)); err != nil {
		return fmt.Errorf("insert check-in: %w", err)
	}
	return nil
}

// ShareCheckIns shows or hides the caller's check-ins to her circle.
func (s *CheckInService) ShareCheckIns(ctx context.Context, circleID string, share bool) error {
	a := actorOf(ctx)
	if a.user == nil {
		return notFound("circle")
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := memberWithRules(ctx, tx, a, circleID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE circle_members SET share_checkins = $1 WHERE circle_id = $2 AND user_id = $3`,
			flag(share), circleID, a.user.ID); err != nil {
			return fmt.Errorf("share check-ins: %w", err)
		}
		return nil
	})
}
