package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"

	"github.com/roundtable/roundtable"
)

// loadRolesAndChallenges returns who holds which role in a meeting, with
// names, in the order of roundtable.MeetingRoles and, among presenters, their
// position; and the presenters' challenge cards, as loadChallenges, from the
// same rows: one query.
func loadRolesAndChallenges(ctx context.Context, tx *Tx, meetingID string) ([]roundtable.RoleAssignment, []roundtable.Challenge, error) {
	type held struct {
		roundtable.RoleAssignment
		position int
		card     roundtable.Challenge
	}
	all, err := queryAll(ctx, tx, `
		SELECT r.role, r.user_id, u.name, r.position,
			COALESCE(c.context, ''), COALESCE(c.question, ''), COALESCE(c.tried, ''), COALESCE(c.updated_at, 0)
		FROM meeting_roles r JOIN users u ON u.id = r.user_id
		LEFT JOIN challenges c ON r.role = 'presenter' AND c.meeting_id = r.meeting_id AND c.presenter_id = r.user_id
		WHERE r.meeting_id = $1`, func(rows *sql.Rows) (h held, err error) {
		var updated int64
		err = rows.Scan(&h.Role, &h.UserID, &h.Name, &h.position, &h.card.Context, &h.card.Question, &h.card.Tried, &updated)
		if updated > 0 {
			h.card.UpdatedAt = fromMS(updated)
		}
		return h, err
	}, meetingID)
	if err != nil {
		return nil, nil, fmt.Errorf("load roles: %w", err)
	}
	rank := func(r roundtable.MeetingRole) int {
		if i := slices.Index(roundtable.MeetingRoles, r); i >= 0 {
			return i
		}
		return len(roundtable.MeetingRoles)
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.Role != b.Role {
			return rank(a.Role) < rank(b.Role)
		}
		if a.position != b.position {
			return a.position < b.position
		}
		return a.UserID < b.UserID
	})
	out := make([]roundtable.RoleAssignment, len(all))
	var cards []roundtable.Challenge
	var o *opener
	for i, h := range all {
		out[i] = h.RoleAssignment
		if h.Role == roundtable.RolePresenter {
			c := h.card
			c.MeetingID, c.PresenterID, c.Name = meetingID, h.UserID, h.Name
			if o == nil {
				o = tx.meetingOpener(ctx, meetingID)
			}
			o.openChallenge(&c)
			cards = append(cards, c)
		}
	}
	return out, cards, nil
}

// replaceRoles makes roles the meeting's roles, presenters in their order.
func replaceRoles(ctx context.Context, tx *Tx, meetingID string, roles []roundtable.RoleAssignment) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM meeting_roles WHERE meeting_id = $1`, meetingID); err != nil {
		return fmt.Errorf("clear roles: %w", err)
	}
	pos := map[roundtable.MeetingRole]int{}
	for _, r := range roles {
		_, err := tx.ExecContext(ctx, `INSERT INTO meeting_roles (meeting_id, role, user_id, position) VALUES ($1, $2, $3, $4)`,
			meetingID, r.Role, r.UserID, pos[r.Role])
		if err != nil {
			return fmt.Errorf("save role: %w", err)
		}
		pos[r.Role]++
	}
	return nil
}

// checkRolePeople returns EINVALID, keyed by role, unless everyone named is
// in the circle.
func checkRolePeople(ctx context.Context, tx *Tx, circleID string, roles []roundtable.RoleAssignment) error {
	people, err := circlePeople(ctx, tx, circleID)
	if err != nil {
		return err
	}
	var v roundtable.Problems
	for _, r := range roles {
		if !slices.Contains(people, r.UserID) {
			v.Add(string(r.Role), "Choose someone from the circle.")
		}
	}
	return v.Err()
}

// SetRoles replaces who holds which role in a meeting.
func (s *AgendaService) SetRoles(ctx context.Context, meetingID string, roles []roundtable.RoleAssignment) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		m, err := editableMeeting(ctx, tx, a, meetingID)
		if err != nil {
			return err
		}
		roles, err := roundtable.ValidateRoles(roles)
		if err != nil {
			return err
		}
		if err := checkRolePeople(ctx, tx, m.CircleID, roles); err != nil {
			return err
		}
		if err := replaceRoles(ctx, tx, m.ID, roles); err != nil {
			return err
		}
		return touchRoom(ctx, tx, m.ID)
	})
}

// setLeadPresenter makes userID ("" for nobody) the meeting's first
// presenter in place of old, leaving any other presenter as they are. The
// meeting form, which knows one presenter, changes presenters through it.
func setLeadPresenter(ctx context.Context, tx *Tx, meetingID, old, userID string) error {
	if old == userID {
		return nil
	}
	// The old presenter goes; the new one, if presenting already, moves up.
	if _, err := tx.ExecContext(ctx, `DELETE FROM meeting_roles WHERE meeting_id = $1 AND role = 'presenter' AND user_id IN ($2, $3)`,
		meetingID, old, userID); err != nil {
		return fmt.Errorf("remove presenter: %w", err)
	}
	if userID != "" {
		var first int
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(MIN(position), 0) FROM meeting_roles WHERE meeting_id = $1 AND role = 'presenter'`, meetingID).Scan(&first)
		if err != nil {
			return fmt.Errorf("find first presenter: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO meeting_roles (meeting_id, role, user_id, position) VALUES ($1, 'presenter', $2, $3)`,
			meetingID, userID, first-1)
		if err != nil {
			return fmt.Errorf("add presenter: %w", err)
		}
	}
	return touchRoom(ctx, tx, meetingID)
}

// SuggestRoles proposes the meeting's roles by fair rotation.
func (s *AgendaService) SuggestRoles(ctx context.Context, meetingID string, presenters int) ([]roundtable.RoleAssignment, error) {
	a := actorOf(ctx)
	var out []roundtable.RoleAssignment
	err := s.db.view(ctx, func(tx *Tx) error {
		m, err := editableMeeting(ctx, tx, a, meetingID)
		if err != nil {
			return err
		}
		if presenters < 0 {
			segs, err := loadSegments(ctx, tx, m.ID)
			if err != nil {
				return err
			}
			presenters = presentersWanted(segs)
		}
		r, err := rotationOf(ctx, tx, m, presenters)
		if err != nil {
			return err
		}
		out = roundtable.SuggestRoles(r)
		names, err := peopleNames(ctx, tx, m.CircleID)
		if err != nil {
			return err
		}
		for i := range out {
			out[i].Name = names[out[i].UserID]
		}
		return nil
	})
	return out, err
}

// presentersWanted is how many presenters an agenda asks for: one for each
// play-back (each is one presenter's), one when someone presents without a
// play-back or when there is no agenda yet, else none.
func presentersWanted(segs []roundtable.Segment) int {
	n, present := 0, false
	for _, s := range segs {
		switch s.Kind {
		case roundtable.SegmentPlayback:
			n++
		case roundtable.SegmentPresent:
			present = true
		}
	}
	if n == 0 && (present || len(segs) == 0) {
		return 1
	}
	return n
}

// peopleNames maps the user IDs of a circle's people to their names.
func peopleNames(ctx context.Context, tx *Tx, circleID string) (map[string]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT u.id, u.name FROM circle_members c JOIN users u ON u.id = c.user_id WHERE c.circle_id = $1`, circleID)
	if err != nil {
		return nil, fmt.Errorf("list names: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}
