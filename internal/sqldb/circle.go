package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

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
		_, err := tx.ExecContext(ctx, `INSERT INTO circles (id, program_id, name, time_zone, slot, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			c.ID, c.ProgramID, c.Name, c.TimeZone, c.Slot, ms(c.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert circle: %w", err)
		}
		return nil
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

// FindCircleHome returns a circle's page for its members and facilitator.
func (s *CircleService) FindCircleHome(ctx context.Context, id string) (*roundtable.CircleHome, error) {
	a := actorOf(ctx)
	var h *roundtable.CircleHome
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		h, err = loadCircleHome(ctx, tx, a, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// FindMeetingHome returns a meeting with its circle's page: the meeting
// page's reads (who may see it, the circle, its meetings) made once.
func (s *CircleService) FindMeetingHome(ctx context.Context, meetingID string) (*roundtable.Meeting, *roundtable.CircleHome, error) {
	a := actorOf(ctx)
	var h *roundtable.CircleHome
	var m *roundtable.Meeting
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		m, h, _, err = meetingHome(ctx, tx, a, meetingID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return m, h, nil
}

// FindMeetingPage is FindMeetingHome with the meeting's agenda, as
// FindAgenda returns it, in the same transaction and under the same check.
func (s *CircleService) FindMeetingPage(ctx context.Context, meetingID string) (*roundtable.Meeting, *roundtable.CircleHome, *roundtable.Agenda, error) {
	a := actorOf(ctx)
	var h *roundtable.CircleHome
	var m *roundtable.Meeting
	var ag *roundtable.Agenda
	err := s.db.view(ctx, func(tx *Tx) error {
		var mb *membership
		var err error
		if m, h, mb, err = meetingHome(ctx, tx, a, meetingID); err != nil {
			return err
		}
		ag, err = readAgenda(ctx, tx, a, m, mb)
		return err
	})
	if err != nil {
		return nil, nil, nil, err
	}
	return m, h, ag, nil
}

// meetingHome reads a meeting with its circle's page and the actor's
// membership.
func meetingHome(ctx context.Context, tx *Tx, a actor, meetingID string) (*roundtable.Meeting, *roundtable.CircleHome, *membership, error) {
	if !validID(meetingID) {
		return nil, nil, nil, notFound("meeting")
	}
	h, mb, err := loadCircleHomeWhere(ctx, tx, a, meetingCircleIs, meetingID)
	if err != nil {
		if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
			return nil, nil, nil, notFound("meeting")
		}
		return nil, nil, nil, err
	}
	for _, x := range slices.Concat(h.Upcoming, h.Past) {
		if x.ID == meetingID {
			return x, h, mb, nil
		}
	}
	return nil, nil, nil, notFound("meeting")
}

// loadCircleHome reads the circle's page for a member who accepted the
// ground rules.
func loadCircleHome(ctx context.Context, tx *Tx, a actor, id string) (*roundtable.CircleHome, error) {
	if !validID(id) {
		return nil, notFound("circle")
	}
	h, _, err := loadCircleHomeWhere(ctx, tx, a, circleIs, id)
	return h, err
}

// circleIs and meetingCircleIs pick the circle of a page: by its ID, or
// by the ID of one of its meetings.
const (
	circleIs        = `c.id = $1`
	meetingCircleIs = `c.id = (SELECT x.circle_id FROM meetings x WHERE x.id = $1)`
)

// circleTop is what the first query of a circle's page reads.
type circleTop struct {
	c  *roundtable.Circle
	p  *roundtable.Program
	mb *membership
	// series is the circle's series (nil for none) when seriesRead.
	series     *roundtable.Series
	seriesRead bool
}

// circleHead reads the circle picked by where (circleIs or
// meetingCircleIs, with arg), its program and its series in one query,
// joined to the actor's membership, which it requires with the ground rules
// accepted: no row when the circle is not there or the actor is not in it
// (ENOTFOUND).
func circleHead(ctx context.Context, tx *Tx, a actor, where, arg string) (*circleTop, error) {
	if a.user == nil && !a.system {
		return nil, notFound("circle")
	}
	if a.user == nil {
		// The system context is no member: the checks and reads one by one.
		var id string
		if err := tx.QueryRowContext(ctx, `SELECT c.id FROM circles c WHERE `+where, arg).Scan(&id); errors.Is(err, sql.ErrNoRows) {
			return nil, notFound("circle")
		} else if err != nil {
			return nil, fmt.Errorf("find circle: %w", err)
		}
		mb, err := memberWithRules(ctx, tx, a, id)
		if err != nil {
			return nil, err
		}
		c, err := findCircle(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		p, err := findProgram(ctx, tx, c.ProgramID)
		return &circleTop{c: c, p: p, mb: mb}, err
	}
	row := tx.QueryRowContext(ctx, `
		SELECT `+circleColumns+`, `+programColumns+`, m.role, m.ground_rules_accepted_at,
			CASE WHEN s.circle_id IS NULL THEN 0 ELSE 1 END, `+seriesColumns+`
		FROM circles c JOIN programs p ON p.id = c.program_id
		JOIN circle_members m ON m.circle_id = c.id AND m.user_id = $2
		LEFT JOIN series s ON s.circle_id = c.id
		WHERE `+where, arg, a.user.ID)
	var p *roundtable.Program
	var role roundtable.CircleRole
	var accepted *int64
	var hasSeries int
	var sr seriesRow
	c, err := scanCircle(scanFunc(func(dc ...any) error {
		var err error
		p, err = scanProgram(scanFunc(func(dp ...any) error {
			dest := append(append(dc, dp...), &role, &accepted, &hasSeries)
			return row.Scan(append(dest, sr.dest()...)...)
		}))
		return err
	}))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("circle")
	} else if err != nil {
		return nil, fmt.Errorf("find circle: %w", err)
	}
	if accepted == nil {
		return nil, errGroundRules()
	}
	top := &circleTop{c: c, p: p, seriesRead: true,
		mb: &membership{circleID: c.ID, programID: c.ProgramID, role: role, accepted: true}}
	if hasSeries == 1 {
		top.series = sr.series(c.ID)
	}
	return top, nil
}

// loadCircleHomeWhere is loadCircleHome of the circle picked by where, with
// the actor's membership.
func loadCircleHomeWhere(ctx context.Context, tx *Tx, a actor, where, arg string) (*roundtable.CircleHome, *membership, error) {
	var h roundtable.CircleHome
	top, err := circleHead(ctx, tx, a, where, arg)
	if err != nil {
		return nil, nil, err
	}
	h.Circle, h.Program, h.Series = top.c, top.p, top.series
	mb := top.mb
	id := h.Circle.ID
	if h.Circle.Members, err = listMembers(ctx, tx, id); err != nil {
		return nil, nil, err
	}
	h.Me = myMembership(h.Circle.Members, a.id())
	if h.Goals, err = listGoals(ctx, tx, id); err != nil {
		return nil, nil, err
	}
	meetings, err := listMeetings(ctx, tx, id, a.id())
	if err != nil {
		return nil, nil, err
	}
	for _, m := range meetings {
		if m.EndsAt().After(tx.now) {
			h.Upcoming = append(h.Upcoming, m)
		} else {
			h.Past = append(h.Past, m)
		}
	}
	// The series (mostly read with the circle) and the open polls are on
	// the page too: read here, under the same check of who asks, rather
	// than by two more calls.
	if !top.seriesRead {
		if h.Series, err = findSeries(ctx, tx, id); roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
			h.Series = nil
		} else if err != nil {
			return nil, nil, err
		}
	}
	polls, err := loadPolls(ctx, tx, "p.circle_id = $1 AND p.closed_at IS NULL", id)
	if err != nil {
		return nil, nil, fmt.Errorf("list polls: %w", err)
	}
	h.Polls = polls
	return &h, mb, nil
}

// listGoals returns a circle's goals by user, in order.
func listGoals(ctx context.Context, tx *Tx, circleID string) (map[string][]*roundtable.Goal, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id, circle_id, user_id, body, position, created_at FROM goals
		WHERE circle_id = $1 ORDER BY user_id, position`, circleID)
	if err != nil {
		return nil, fmt.Errorf("list goals: %w", err)
	}
	defer rows.Close()
	out := map[string][]*roundtable.Goal{}
	for rows.Next() {
		var g roundtable.Goal
		var created int64
		if err := rows.Scan(&g.ID, &g.CircleID, &g.UserID, &g.Text, &g.Position, &created); err != nil {
			return nil, err
		}
		g.CreatedAt = fromMS(created)
		out[g.UserID] = append(out[g.UserID], &g)
	}
	return out, rows.Err()
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
		valid, err := roundtable.ValidateGoals(goals)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM goals WHERE circle_id = $1 AND user_id = $2`, circleID, a.user.ID); err != nil {
			return fmt.Errorf("delete goals: %w", err)
		}
		for i, g := range valid {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO goals (id, circle_id, user_id, body, position, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				newID(), circleID, a.user.ID, g, i+1, ms(tx.now)); err != nil {
				return fmt.Errorf("insert goal: %w", err)
			}
		}
		return nil
	})
}
