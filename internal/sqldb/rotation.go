package sqldb

import (
	"context"
	"fmt"

	"github.com/roundtable/roundtable"
)

// rotationOf gathers what the fair rotation of roles needs for a meeting:
// the members who joined, in the order they joined; the circle's
// facilitator; every earlier meeting that was not cancelled, with its roles
// and who was absent; and who said she will not come to this one.
//
// Absence at an earlier meeting is read from the room's attendance when it
// was taken there (whoever is not marked present was absent), otherwise
// from the answers: someone who said no was not there.
func rotationOf(ctx context.Context, tx *Tx, m *roundtable.Meeting, presenters int) (roundtable.Rotation, error) {
	r := roundtable.Rotation{Presenters: presenters}
	var err error
	r.Members, err = queryStrings(ctx, tx, `
		SELECT user_id FROM circle_members WHERE circle_id = $1 AND role = 'member' AND joined_at IS NOT NULL
		ORDER BY joined_at, user_id`, m.CircleID)
	if err != nil {
		return r, fmt.Errorf("list members: %w", err)
	}
	facs, err := circleFacilitators(ctx, tx, m.CircleID)
	if err != nil {
		return r, err
	}
	if len(facs) > 0 {
		r.Facilitator = facs[0]
	}
	if r.Away, err = queryStrings(ctx, tx, `SELECT user_id FROM rsvps WHERE meeting_id = $1 AND answer = 'no' ORDER BY user_id`, m.ID); err != nil {
		return r, fmt.Errorf("list who is away: %w", err)
	}

	past, err := queryStrings(ctx, tx, `
		SELECT id FROM meetings WHERE circle_id = $1 AND cancelled_at IS NULL AND starts_at < $2
		ORDER BY starts_at, id`, m.CircleID, ms(m.StartsAt))
	if err != nil {
		return r, fmt.Errorf("list earlier meetings: %w", err)
	}
	index := map[string]int{}
	r.Past = make([]roundtable.RotationMeeting, len(past))
	for i, id := range past {
		index[id] = i
	}
	const earlier = `SELECT id FROM meetings WHERE circle_id = $1 AND cancelled_at IS NULL AND starts_at < $2`
	err = eachRow(ctx, tx, func(meetingID, role, userID string) {
		if i, ok := index[meetingID]; ok {
			r.Past[i].Roles = append(r.Past[i].Roles, roundtable.RoleAssignment{Role: roundtable.MeetingRole(role), UserID: userID})
		}
	}, `SELECT meeting_id, role, user_id FROM meeting_roles WHERE meeting_id IN (`+earlier+`) ORDER BY meeting_id, role, position, user_id`,
		m.CircleID, ms(m.StartsAt))
	if err != nil {
		return r, fmt.Errorf("list earlier roles: %w", err)
	}

	// Who was there where attendance was taken, and who said no elsewhere.
	taken := map[string]map[string]bool{}
	err = eachRow(ctx, tx, func(meetingID, userID, present string) {
		if taken[meetingID] == nil {
			taken[meetingID] = map[string]bool{}
		}
		taken[meetingID][userID] = present == "1"
	}, `SELECT meeting_id, user_id, CAST(present AS TEXT) FROM attendance WHERE meeting_id IN (`+earlier+`)`, m.CircleID, ms(m.StartsAt))
	if err != nil {
		return r, fmt.Errorf("list attendance: %w", err)
	}
	saidNo := map[string][]string{}
	err = eachRow(ctx, tx, func(meetingID, userID, _ string) {
		saidNo[meetingID] = append(saidNo[meetingID], userID)
	}, `SELECT meeting_id, user_id, answer FROM rsvps WHERE answer = 'no' AND meeting_id IN (`+earlier+`) ORDER BY user_id`,
		m.CircleID, ms(m.StartsAt))
	if err != nil {
		return r, fmt.Errorf("list answers: %w", err)
	}
	for id, i := range index {
		if here, ok := taken[id]; ok {
			for _, uid := range r.Members {
				if !here[uid] {
					r.Past[i].Absent = append(r.Past[i].Absent, uid)
				}
			}
			continue
		}
		r.Past[i].Absent = saidNo[id]
	}
	return r, nil
}

// eachRow calls fn with the three text columns of every row of a query.
func eachRow(ctx context.Context, tx *Tx, fn func(a, b, c string), query string, args ...any) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a, b, c string
		if err := rows.Scan(&a, &b, &c); err != nil {
			return err
		}
		fn(a, b, c)
	}
	return rows.Err()
}
