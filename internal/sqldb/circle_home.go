package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/roundtable/roundtable"
)

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

// meetingHome reads a meeting with its circle's page and the actor's
// membership.
func meetingHome(ctx context.Context, tx *Tx, a actor, meetingID string) (*roundtable.Meeting, *roundtable.CircleHome, *membership, error) {
	if !validID(meetingID) {
		return nil, nil, nil, notFound("meeting")
	}
	h, mb, err := loadCircleHomeWhere(ctx, tx, a, meetingCircleIs, meetingID, false)
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
	h, _, err := loadCircleHomeWhere(ctx, tx, a, circleIs, id, true)
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
	newThreads int // threads with posts new to the actor (when counted)
	toVote     int // open proposals without the actor's vote (when counted)
}

// decisionsAwaiting counts the open proposals of circle c (closing after
// $3) the reader ($2) has not voted on.
const decisionsAwaiting = `SELECT COUNT(*) FROM decisions d
	WHERE d.circle_id = c.id AND d.closed_at IS NULL AND d.closes_at > $3
		AND NOT EXISTS (SELECT 1 FROM decision_votes v WHERE v.decision_id = d.id AND v.user_id = $2)`

// threadsNewTo counts the threads of circle c with a post the reader ($2)
// has not seen, as the discussion page marks them: posted after her last
// visit, or, in a thread she started and has not visited since, a reply by
// someone else.
const threadsNewTo = `SELECT COUNT(*) FROM discussion_threads t
	LEFT JOIN discussion_reads r ON r.thread_id = t.id AND r.user_id = $2
	WHERE t.circle_id = c.id AND t.deleted_at IS NULL AND t.last_post_at > COALESCE(r.read_at, -1)
		AND (r.read_at IS NOT NULL OR t.author_id IS NULL OR t.author_id <> $2 OR EXISTS (
			SELECT 1 FROM discussion_replies x WHERE x.thread_id = t.id AND (x.author_id IS NULL OR x.author_id <> $2)))`

// circleHead reads the circle picked by where (circleIs or
// meetingCircleIs, with arg), its program and its series in one query,
// joined to the actor's membership, which it requires with the ground rules
// accepted: no row when the circle is not there or the actor is not in it
// (ENOTFOUND). With counts, for the circle's own page, it also counts the
// threads with news for her and the proposals waiting for her vote; the
// meeting page, which reads its circle here too, does not show them.
func circleHead(ctx context.Context, tx *Tx, a actor, where, arg string, counts bool) (*circleTop, error) {
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
	unread, awaiting, args := "0", "0", []any{arg, a.user.ID}
	if counts {
		unread, awaiting, args = threadsNewTo, decisionsAwaiting, append(args, ms(tx.now))
	}
	row := tx.QueryRowContext(ctx, `
		SELECT `+circleColumns+`, `+programColumns+`, m.role, m.ground_rules_accepted_at,
			CASE WHEN s.circle_id IS NULL THEN 0 ELSE 1 END, `+seriesColumns+`, COALESCE(c.data_key, ''), (`+unread+`), (`+awaiting+`)
		FROM circles c JOIN programs p ON p.id = c.program_id
		JOIN circle_members m ON m.circle_id = c.id AND m.user_id = $2
		LEFT JOIN series s ON s.circle_id = c.id
		WHERE `+where, args...)
	var p *roundtable.Program
	var role roundtable.CircleRole
	var accepted *int64
	var hasSeries int
	var sr seriesRow
	var wrapped string
	var newThreads, toVote int
	c, err := scanCircle(scanFunc(func(dc ...any) error {
		var err error
		p, err = scanProgram(scanFunc(func(dp ...any) error {
			dest := append(append(dc, dp...), &role, &accepted, &hasSeries)
			return row.Scan(append(append(dest, sr.dest()...), &wrapped, &newThreads, &toVote)...)
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
	if wrapped != "" {
		tx.useKey(c.ID, wrapped) // for the circle's content read next; an error shows there
	}
	top := &circleTop{c: c, p: p, seriesRead: true, newThreads: newThreads, toVote: toVote,
		mb: &membership{circleID: c.ID, programID: c.ProgramID, role: role, accepted: true}}
	if hasSeries == 1 {
		top.series = sr.series(c.ID)
	}
	return top, nil
}

// loadCircleHomeWhere is loadCircleHome of the circle picked by where, with
// the actor's membership; counts as for circleHead.
func loadCircleHomeWhere(ctx context.Context, tx *Tx, a actor, where, arg string, counts bool) (*roundtable.CircleHome, *membership, error) {
	var h roundtable.CircleHome
	top, err := circleHead(ctx, tx, a, where, arg, counts)
	if err != nil {
		return nil, nil, err
	}
	h.Circle, h.Program, h.Series, h.NewThreads, h.ToVote = top.c, top.p, top.series, top.newThreads, top.toVote
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
		SELECT g.id, g.circle_id, g.user_id, g.body, g.position, g.created_at, COALESCE(k.data_key, '')
		FROM goals g JOIN circles k ON k.id = g.circle_id
		WHERE g.circle_id = $1 ORDER BY g.user_id, g.position`, circleID)
	if err != nil {
		return nil, fmt.Errorf("list goals: %w", err)
	}
	defer rows.Close()
	out := map[string][]*roundtable.Goal{}
	for rows.Next() {
		var g roundtable.Goal
		var created int64
		var wrapped string
		if err := rows.Scan(&g.ID, &g.CircleID, &g.UserID, &g.Text, &g.Position, &created, &wrapped); err != nil {
			return nil, err
		}
		g.CreatedAt = fromMS(created)
		g.Text = tx.open(g.CircleID, wrapped, "goals", "body", g.ID, g.Text)
		out[g.UserID] = append(out[g.UserID], &g)
	}
	return out, rows.Err()
}
