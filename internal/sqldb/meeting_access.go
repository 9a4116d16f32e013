package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/roundtable/roundtable"
)

// meetingAccess checks the actor may see a meeting: ENOTFOUND unless a member
// of its circle, then EGROUNDRULES until the rules are accepted.
func meetingAccess(ctx context.Context, tx *Tx, a actor, id string) (circleID string, err error) {
	circleID, err = meetingCircle(ctx, tx, id)
	if err != nil {
		return "", err
	}
	if _, err := memberWithRules(ctx, tx, a, circleID); err != nil {
		if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
			return "", notFound("meeting")
		}
		return "", err
	}
	return circleID, nil
}

// accessibleMeeting is meetingAccess for callers that need the meeting and
// the actor's membership: each is read once.
func accessibleMeeting(ctx context.Context, tx *Tx, a actor, id string) (*roundtable.Meeting, *membership, error) {
	if a.user != nil {
		return memberMeeting(ctx, tx, a, id)
	}
	m, err := findMeeting(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	mb, err := memberWithRules(ctx, tx, a, m.CircleID)
	if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
		return nil, nil, notFound("meeting")
	} else if err != nil {
		return nil, nil, err
	}
	return m, mb, nil
}

// memberMeeting is accessibleMeeting for a signed-in actor: the meeting and
// the actor's membership of its circle in one query.
func memberMeeting(ctx context.Context, tx *Tx, a actor, id string) (*roundtable.Meeting, *membership, error) {
	row, err := meetingFor(ctx, tx, a.user.ID, id)
	if err != nil {
		return nil, nil, err
	}
	m, mb := row.m, row.mb
	if mb == nil {
		return nil, nil, notFound("meeting")
	}
	if !mb.accepted {
		return nil, nil, errGroundRules()
	}
	return m, mb, nil
}

// meetingRow is a meeting as one user may see it: the user's membership
// of its circle (nil when not in it), whether the user is its guest, the
// circle's name and the meeting's minutes.
type meetingRow struct {
	m          *roundtable.Meeting
	mb         *membership
	guest      bool
	circleName string
	minutes    roundtable.Minutes
}

// meetingFor reads a meeting for a user in one query. It decides nothing:
// its callers do.
func meetingFor(ctx context.Context, tx *Tx, userID, id string) (*meetingRow, error) {
	if !validID(id) {
		return nil, notFound("meeting")
	}
	var r meetingRow
	var programID string
	var role *roundtable.CircleRole
	var accepted, notesAt *int64
	m, err := scanMeeting(tx, tx.QueryRowContext(ctx, `
		SELECT `+meetingColumns+`, c.program_id, c.name, mb.role, mb.ground_rules_accepted_at,
			EXISTS (SELECT 1 FROM meeting_guests g WHERE g.meeting_id = x.id AND g.user_id = $2),
			x.notes_version, COALESCE(nu.name, ''), x.notes_updated_at
		FROM meetings x JOIN circles c ON c.id = x.circle_id
		LEFT JOIN circle_members mb ON mb.circle_id = x.circle_id AND mb.user_id = $2
		LEFT JOIN users nu ON nu.id = x.notes_updated_by
		WHERE x.id = $1`, id, userID), &programID, &r.circleName, &role, &accepted, &r.guest,
		&r.minutes.Version, &r.minutes.UpdatedBy, &notesAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("meeting")
	} else if err != nil {
		return nil, fmt.Errorf("find meeting: %w", err)
	}
	r.m = m
	// The minutes as loadMinutes reads them.
	r.minutes.Text = m.Notes
	if notesAt != nil {
		r.minutes.UpdatedAt = fromMS(*notesAt)
	}
	if role != nil {
		r.mb = &membership{circleID: m.CircleID, programID: programID, role: *role, accepted: accepted != nil}
	}
	return &r, nil
}
