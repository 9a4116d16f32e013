package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/roundtable/roundtable"
)

// listMembers returns a circle's people: the facilitator first, then members by name.
func listMembers(ctx context.Context, tx *Tx, circleID string) ([]*roundtable.CircleMember, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT m.circle_id, m.user_id, COALESCE(m.applicant_id, ''), u.name, u.email, u.time_zone, m.role,
			COALESCE(a.organization, ''), COALESCE(a.title, ''), COALESCE(a.sector, ''),
			m.ground_rules_accepted_at, m.joined_at, m.invited_at, m.share_checkins
		FROM circle_members m
		JOIN users u ON u.id = m.user_id
		LEFT JOIN applicants a ON a.id = m.applicant_id
		WHERE m.circle_id = $1
		ORDER BY CASE WHEN m.role = 'facilitator' THEN 0 ELSE 1 END, u.name, u.id`, circleID)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	defer rows.Close()
	var out []*roundtable.CircleMember
	for rows.Next() {
		var m roundtable.CircleMember
		var accepted, joined *int64
		var invited int64
		var shares int
		if err := rows.Scan(&m.CircleID, &m.UserID, &m.ApplicantID, &m.Name, &m.Email, &m.TimeZone, &m.Role,
			&m.Organization, &m.Title, &m.Sector, &accepted, &joined, &invited, &shares); err != nil {
			return nil, err
		}
		m.SharesCheckIns = shares == 1
		m.GroundRulesAcceptedAt, m.JoinedAt, m.InvitedAt = nullMS(accepted), nullMS(joined), fromMS(invited)
		out = append(out, &m)
	}
	return out, rows.Err()
}

// PlaceApplicant puts an accepted applicant in a circle and invites them.
func (s *CircleService) PlaceApplicant(ctx context.Context, circleID, applicantID string) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		c, err := organizedCircle(ctx, tx, a, circleID)
		if err != nil {
			return err
		}
		ap, err := findApplicant(ctx, tx, a, applicantID)
		if err != nil {
			return err
		}
		p, err := findProgram(ctx, tx, c.ProgramID)
		if err != nil {
			return err
		}
		return placeApplicant(ctx, tx, c, p, ap)
	})
}

// placeApplicant puts an accepted, unplaced applicant of c's program in c and
// enqueues their invitation in tx. PlaceApplicant and publishing a formation
// both place people through it.
func placeApplicant(ctx context.Context, tx *Tx, c *roundtable.Circle, p *roundtable.Program, ap *roundtable.Applicant) error {
	switch {
	case ap.ProgramID != c.ProgramID:
		return roundtable.Errorf(roundtable.EINVALID, "%s applied to another program.", ap.Name)
	case ap.CircleID != "":
		return roundtable.Errorf(roundtable.ECONFLICT, "%s is in a circle already.", ap.Name)
	case ap.Status != roundtable.StatusAccepted:
		return roundtable.Errorf(roundtable.EINVALID, "Accept %s before placing them in a circle.", ap.Name)
	case anonymised(ap):
		return roundtable.Errorf(roundtable.EINVALID, "This applicant was anonymised: there is nobody left to invite.")
	}
	u, err := findOrCreateUser(ctx, tx, ap.Email, ap.Name, ap.TimeZone)
	if err != nil {
		return err
	}
	if err := addMember(ctx, tx, c, u, ap.ID, roundtable.RoleMember); err != nil {
		return err
	}
	// The condition guards against a placement that committed after ap was read.
	res, err := tx.ExecContext(ctx, `UPDATE applicants SET circle_id = $1 WHERE id = $2 AND circle_id IS NULL`, c.ID, ap.ID)
	if err != nil {
		return fmt.Errorf("place applicant: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("place applicant: %w", err)
	} else if n != 1 {
		return roundtable.Errorf(roundtable.ECONFLICT, "%s is in a circle already.", ap.Name)
	}
	return createInvitation(ctx, tx, u, c.ID, c.Name, p.Name, roundtable.RoleMember)
}

// addMember adds a membership, or ECONFLICT when the person is in the circle.
func addMember(ctx context.Context, tx *Tx, c *roundtable.Circle, u *roundtable.User, applicantID string, role roundtable.CircleRole) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO circle_members (circle_id, user_id, applicant_id, role, invited_at) VALUES ($1, $2, $3, $4, $5)`,
		c.ID, u.ID, nullable(applicantID), string(role), ms(tx.now))
	if isUniqueViolation(err) {
		return roundtable.Errorf(roundtable.ECONFLICT, "%s is in this circle already.", u.Name)
	} else if err != nil {
		return fmt.Errorf("add member: %w", err)
	}
	kind := roundtable.AuditMemberPlaced
	if role == roundtable.RoleFacilitator {
		kind = roundtable.AuditFacilitatorSet
	}
	return audit(ctx, tx, auditNote{kind: kind, userID: u.ID, circleID: c.ID, programID: c.ProgramID, ref: applicantID})
}

// removeMember deletes a membership (its goals and invitations go with it)
// and the person's answers to the circle's meetings, and unplaces their
// application.
func removeMember(ctx context.Context, tx *Tx, circleID, userID string) error {
	var applicantID *string
	var role string
	err := tx.QueryRowContext(ctx, `SELECT applicant_id, role FROM circle_members WHERE circle_id = $1 AND user_id = $2`, circleID, userID).Scan(&applicantID, &role)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("member")
	} else if err != nil {
		return fmt.Errorf("find member: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM rsvps WHERE user_id = $1 AND meeting_id IN (SELECT id FROM meetings WHERE circle_id = $2)`, userID, circleID); err != nil {
		return fmt.Errorf("delete answers: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM circle_members WHERE circle_id = $1 AND user_id = $2`, circleID, userID); err != nil {
		return fmt.Errorf("remove member: %w", err)
	}
	// Unplace by the membership's application, and by e-mail for safety.
	if _, err := tx.ExecContext(ctx, `
		UPDATE applicants SET circle_id = NULL
		WHERE circle_id = $1 AND (id = $2 OR email = (SELECT email FROM users WHERE id = $3))`,
		circleID, ptrString(applicantID), userID); err != nil {
		return fmt.Errorf("unplace applicant: %w", err)
	}
	if err := audit(ctx, tx, auditNote{kind: roundtable.AuditMemberRemoved, userID: userID, circleID: circleID, ref: ptrString(applicantID), detail: role}); err != nil {
		return err
	}
	// The circle's rooms change who may watch them: screens left open by the
	// person who left are closed at once, on every instance.
	rooms, err := queryStrings(ctx, tx, `
		SELECT s.meeting_id FROM room_state s JOIN meetings x ON x.id = s.meeting_id WHERE x.circle_id = $1`, circleID)
	if err != nil {
		return fmt.Errorf("list rooms: %w", err)
	}
	return touchRooms(ctx, tx, rooms, partPeople)
}

func ptrString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// RemoveMember takes a person out of a circle.
func (s *CircleService) RemoveMember(ctx context.Context, circleID, userID string) error {
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := organizedCircle(ctx, tx, actorOf(ctx), circleID); err != nil {
			return err
		}
		if !validID(userID) {
			return notFound("member")
		}
		return removeMember(ctx, tx, circleID, userID)
	})
}

// SetFacilitator names the circle's facilitator, replacing any other, and
// invites them.
func (s *CircleService) SetFacilitator(ctx context.Context, circleID, email, name string) error {
	email, name = clean(email), strings.TrimSpace(clean(name))
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		c, err := organizedCircle(ctx, tx, a, circleID)
		if err != nil {
			return err
		}
		var v roundtable.Problems
		if msg := roundtable.ValidateEmail(email); msg != "" {
			v.Add("email", msg)
		}
		if err := v.Err(); err != nil {
			return err
		}
		email = roundtable.NormalizeEmail(email)
		u, _, err := findUserByEmail(ctx, tx, email)
		if errors.Is(err, sql.ErrNoRows) {
			validateName(&v, name)
			if err := v.Err(); err != nil {
				return err
			}
			if u, err = findOrCreateUser(ctx, tx, email, name, c.TimeZone); err != nil {
				return err
			}
		} else if err != nil {
			return fmt.Errorf("find user: %w", err)
		}
		members, err := listMembers(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		for _, m := range members {
			switch {
			case m.UserID == u.ID && m.Role == roundtable.RoleMember:
				msg := u.Name + " is a member of this circle. Remove them as a member first."
				return &roundtable.Error{Code: roundtable.ECONFLICT, Message: msg, Fields: map[string]string{"email": msg}}
			case m.UserID != u.ID && m.Role == roundtable.RoleFacilitator:
				if err := removeMember(ctx, tx, c.ID, m.UserID); err != nil {
					return err
				}
			}
		}
		already := false
		for _, m := range members {
			already = already || (m.UserID == u.ID && m.Role == roundtable.RoleFacilitator)
		}
		if !already {
			if err := addMember(ctx, tx, c, u, "", roundtable.RoleFacilitator); err != nil {
				return err
			}
		}
		p, err := findProgram(ctx, tx, c.ProgramID)
		if err != nil {
			return err
		}
		// Naming the same facilitator again sends a fresh invitation.
		return createInvitation(ctx, tx, u, c.ID, c.Name, p.Name, roundtable.RoleFacilitator)
	})
}

// myMembership returns the caller's own row in a circle's members, or nil
// (the system context has none).
func myMembership(members []*roundtable.CircleMember, userID string) *roundtable.CircleMember {
	for _, m := range members {
		if m.UserID == userID {
			return m
		}
	}
	return nil
}
