package sqldb

import (
	"context"
	"database/sql"
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
	type held struct {
		meetingID string
		roundtable.RoleAssignment
	}
	roles, err := queryAll(ctx, tx, `SELECT meeting_id, role, user_id FROM meeting_roles WHERE meeting_id IN (`+earlier+`) ORDER BY meeting_id, role, position, user_id`,
		func(rows *sql.Rows) (h held, err error) { return h, rows.Scan(&h.meetingID, &h.Role, &h.UserID) },
		m.CircleID, ms(m.StartsAt))
	if err != nil {
		return r, fmt.Errorf("list earlier roles: %w", err)
	}
	for _, h := range roles {
		if i, ok := index[h.meetingID]; ok {
			r.Past[i].Roles = append(r.Past[i].Roles, h.RoleAssignment)
		}
	}

	// Who was there where attendance was taken, and who said no elsewhere.
	type mark struct {
		meetingID, userID string
		present           bool
	}
	marks, err := queryAll(ctx, tx, `SELECT meeting_id, user_id, present FROM attendance WHERE meeting_id IN (`+earlier+`)`,
		func(rows *sql.Rows) (k mark, err error) {
			var present int
			err = rows.Scan(&k.meetingID, &k.userID, &present)
			k.present = present == 1
			return k, err
		}, m.CircleID, ms(m.StartsAt))
	if err != nil {
		return r, fmt.Errorf("list attendance: %w", err)
	}
	taken := map[string]map[string]bool{}
	for _, k := range marks {
		if taken[k.meetingID] == nil {
			taken[k.meetingID] = map[string]bool{}
		}
		taken[k.meetingID][k.userID] = k.present
	}
	noes, err := queryAll(ctx, tx, `SELECT meeting_id, user_id FROM rsvps WHERE answer = 'no' AND meeting_id IN (`+earlier+`) ORDER BY user_id`,
		func(rows *sql.Rows) (k mark, err error) { return k, rows.Scan(&k.meetingID, &k.userID) },
		m.CircleID, ms(m.StartsAt))
	if err != nil {
		return r, fmt.Errorf("list answers: %w", err)
	}
	saidNo := map[string][]string{}
	for _, k := range noes {
		saidNo[k.meetingID] = append(saidNo[k.meetingID], k.userID)
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
