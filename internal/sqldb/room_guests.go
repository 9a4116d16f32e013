package sqldb

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

// InviteGuest invites a person to a meeting as a guest and e-mails her a
// sign-in link to its room.
func (s *RoomService) InviteGuest(ctx context.Context, meetingID, name, email string) error {
	name, email = strings.TrimSpace(clean(name)), strings.TrimSpace(clean(email))
	return s.change(ctx, meetingID, partPeople, func(tx *Tx, rc *roomCtx) error {
		if rc.guest || !rc.canFacilitate() {
			return roundtable.Errorf(roundtable.EFORBIDDEN, "Only the facilitator can invite guests.")
		}
		if err := rc.requireLive(false); err != nil {
			return err
		}
		if !rc.st.started() && !rc.m.EndsAt().After(tx.now) {
			return roundtable.Errorf(roundtable.EINVALID, "This meeting is over.")
		}
		var v roundtable.Problems
		validateName(&v, name)
		if msg := roundtable.ValidateEmail(email); msg != "" {
			v.Add("email", msg)
		}
		if err := v.Err(); err != nil {
			return err
		}
		c, err := findCircle(ctx, tx, rc.m.CircleID)
		if err != nil {
			return err
		}
		u, err := findOrCreateUser(ctx, tx, roundtable.NormalizeEmail(email), name, c.TimeZone)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM circle_members WHERE circle_id = $1 AND user_id = $2`, c.ID, u.ID).Scan(&n); err != nil {
			return fmt.Errorf("check membership: %w", err)
		}
		if n > 0 {
			return &roundtable.Error{Code: roundtable.EINVALID, Message: u.Name + " is in this circle already.",
				Fields: map[string]string{"email": "This person is in the circle already: no invitation is needed."}}
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO meeting_guests (meeting_id, user_id, invited_by, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (meeting_id, user_id) DO NOTHING`, rc.m.ID, u.ID, nullable(rc.userID), ms(tx.now)); err != nil {
			return fmt.Errorf("add guest: %w", err)
		}
		return s.mailGuest(ctx, tx, rc, c, u)
	})
}

// mailGuest enqueues a guest's invitation with a sign-in link that leads to
// the room. The link works until the meeting's planned end, at least as long
// as an ordinary sign-in link and at most as long as an invitation to a
// circle; a guest whose link ran out asks for a new one on the sign-in page.
func (s *RoomService) mailGuest(ctx context.Context, tx *Tx, rc *roomCtx, c *roundtable.Circle, u *roundtable.User) error {
	life := min(max(rc.m.EndsAt().Sub(tx.now), roundtable.SignInLinkLifetime), roundtable.InvitationLifetime)
	life = life.Truncate(time.Minute)
	token, hash := newToken()
	if _, err := tx.ExecContext(ctx, `INSERT INTO sign_in_links (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		hash, u.ID, ms(tx.now), ms(tx.now.Add(life))); err != nil {
		return fmt.Errorf("insert sign-in link: %w", err)
	}
	var programName, inviter string
	if err := tx.QueryRowContext(ctx, `SELECT name FROM programs WHERE id = $1`, c.ProgramID).Scan(&programName); err != nil {
		return fmt.Errorf("find program: %w", err)
	}
	if rc.userID != "" {
		var err error
		if inviter, err = userName(ctx, tx, rc.userID); err != nil {
			return err
		}
	}
	// The sign-in page sends the guest on to next once the link is used.
	link := s.db.baseURL + "/signin/link/" + token + "?next=" + url.QueryEscape("/meetings/"+rc.m.ID+"/room")
	return enqueue(ctx, tx, "guest_invitation", mail.GuestInvitation(mail.GuestMail{
		To: u.Email, Name: u.Name, InvitedBy: inviter, ProgramName: programName, CircleName: c.Name,
		When: mail.When(rc.m.StartsAt, rc.m.EndsAt(), u.Location(), tx.now), Link: link, Expires: life,
	}))
}

// RemoveGuest withdraws a guest's invitation; she leaves the room at once.
func (s *RoomService) RemoveGuest(ctx context.Context, meetingID, userID string) error {
	return s.change(ctx, meetingID, partPeople|partSpeaking, func(tx *Tx, rc *roomCtx) error {
		if rc.guest || !rc.canFacilitate() {
			return roundtable.Errorf(roundtable.EFORBIDDEN, "Only the facilitator can remove guests.")
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM meeting_guests WHERE meeting_id = $1 AND user_id = $2`, rc.m.ID, userID)
		if err != nil {
			return fmt.Errorf("remove guest: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound("guest")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM raised_hands WHERE meeting_id = $1 AND user_id = $2`, rc.m.ID, userID); err != nil {
			return fmt.Errorf("lower hand: %w", err)
		}
		if rc.st.speakerID == userID {
			return closeTurn(ctx, tx, rc.m.ID)
		}
		return nil
	})
}
