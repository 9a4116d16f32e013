package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

// A deleted account keeps its row as a stand-in: the board posts and
// commitments she left in circles point at it and read FormerMemberName.
// Everything that named or reached her is cleared: her e-mail becomes an
// address that cannot receive mail, her password and sessions go. Audit
// entries keep her account's ID, which now names only the stand-in, so the
// log still tells that an account was deleted and when, without keeping her
// address in a form anyone can read later.

// AccountDeletionService implements roundtable.AccountDeletionService.
type AccountDeletionService struct{ db *DB }

var _ roundtable.AccountDeletionService = (*AccountDeletionService)(nil)

// NewAccountDeletionService returns the service that deletes accounts.
func NewAccountDeletionService(db *DB) *AccountDeletionService {
	return &AccountDeletionService{db: db}
}

// kindSeatOpened tells a facilitator that a member deleted her account;
// RefID is the circle's ID, a dot and the former member's ID.
const kindSeatOpened = "seat.opened"

// proof is how the caller can show it is her: her password hash and
// whether the session of the token began with a fresh sign-in link.
type proof struct {
	hash      string
	freshLink bool
}

// readProof reads the caller's proof outside any write transaction:
// checking a password is slow, and SQLite has one writer.
func (db *DB) readProof(ctx context.Context, userID, token string) (proof, error) {
	var p proof
	err := db.view(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1 AND deleted_at IS NULL`, userID).Scan(&p.hash)
		if errors.Is(err, sql.ErrNoRows) {
			return errSignIn()
		} else if err != nil || !validToken(token) {
			return err
		}
		var viaLink bool
		var created int64
		err = tx.QueryRowContext(ctx, `SELECT via_link, created_at FROM sessions WHERE token_hash = $1 AND user_id = $2 AND expires_at > $3`,
			hashToken(token), userID, ms(tx.now)).Scan(&viaLink, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		p.freshLink = viaLink && tx.now.Sub(fromMS(created)) < roundtable.PasswordLinkWindow
		return err
	})
	return p, err
}

// DeletionNeedsPassword reports whether deleting needs the password.
func (s *AccountDeletionService) DeletionNeedsPassword(ctx context.Context, currentToken string) (bool, bool, error) {
	a := actorOf(ctx)
	if a.user == nil {
		return false, false, errSignIn()
	}
	p, err := s.db.readProof(ctx, a.user.ID, currentToken)
	return !p.freshLink, p.hash != "", err
}

// DeleteMyAccount deletes the caller's account (see the interface).
func (s *AccountDeletionService) DeleteMyAccount(ctx context.Context, currentToken, password string) error {
	a := actorOf(ctx)
	if a.user == nil {
		return errSignIn()
	}
	p, err := s.db.readProof(ctx, a.user.ID, currentToken)
	if err != nil {
		return err
	}
	if !p.freshLink {
		var v roundtable.Problems
		switch {
		case p.hash == "":
			v.Add("password", "You have no password. To delete your account, sign in with a link from your e-mail: for 10 minutes after that you can delete it here.")
		case password == "":
			v.Add("password", "Enter your password.")
		case len(password) > roundtable.MaxPasswordLength || !checkPassword(p.hash, password):
			v.Add("password", "That is not your password. Check it, or sign in with a link from your e-mail and delete your account within 10 minutes.")
		}
		if err := v.Err(); err != nil {
			return err
		}
	}
	err = s.db.update(ctx, func(tx *Tx) error { return deleteAccount(ctx, tx, a.user.ID) })
	if err != nil && roundtable.ErrorCode(err) == roundtable.EINTERNAL {
		return fmt.Errorf("delete account: %w", err)
	}
	return err
}

// deleteAccount does the deletion in tx.
func deleteAccount(ctx context.Context, tx *Tx, userID string) error {
	var email string
	var admin bool
	err := tx.QueryRowContext(ctx, `SELECT email, is_admin FROM users WHERE id = $1 AND deleted_at IS NULL`, userID).Scan(&email, &admin)
	if errors.Is(err, sql.ErrNoRows) {
		return errSignIn()
	} else if err != nil {
		return fmt.Errorf("find account: %w", err)
	}
	if admin {
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE is_admin = 1 AND deleted_at IS NULL AND id <> $1`, userID).Scan(&others); err != nil {
			return fmt.Errorf("count administrators: %w", err)
		}
		if others == 0 {
			return roundtable.Errorf(roundtable.ECONFLICT, "You are the only administrator, so your account cannot be deleted: nobody could run Roundtable after you. Make someone else an administrator on the people page first.")
		}
	}
	left, err := leaveCircles(ctx, tx, userID)
	if err != nil {
		return err
	}
	if err := eraseOwnRows(ctx, tx, userID, email); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		UPDATE users SET name = $1, email = $2, password_hash = '', time_zone = 'UTC', is_admin = 0, can_organize = 0, deleted_at = $3
		WHERE id = $4`, roundtable.FormerMemberName, "former-"+userID+"@deleted.invalid", ms(tx.now), userID)
	if err != nil {
		return fmt.Errorf("clear account: %w", err)
	}
	return audit(ctx, tx, auditNote{kind: roundtable.AuditAccountDeleted, actor: userID, userID: userID,
		detail: "left " + strconv.Itoa(left) + " circles"})
}

// leaveCircles takes the person out of each of her circles, telling each
// circle's facilitators when she held a member's seat, and returns how many
// circles she left.
func leaveCircles(ctx context.Context, tx *Tx, userID string) (int, error) {
	type seat struct{ circle, role string }
	seats, err := queryAll(ctx, tx, `SELECT circle_id, role FROM circle_members WHERE user_id = $1 ORDER BY circle_id`,
		func(rows *sql.Rows) (s seat, err error) { return s, rows.Scan(&s.circle, &s.role) }, userID)
	if err != nil {
		return 0, fmt.Errorf("list circles: %w", err)
	}
	for _, st := range seats {
		if st.role == string(roundtable.RoleMember) {
			facs, err := queryStrings(ctx, tx, `SELECT user_id FROM circle_members WHERE circle_id = $1 AND role = $2 AND user_id <> $3`,
				st.circle, string(roundtable.RoleFacilitator), userID)
			if err != nil {
				return 0, fmt.Errorf("list facilitators: %w", err)
			}
			for _, f := range facs {
				if err := enqueueJob(ctx, tx, job{Kind: kindSeatOpened, UserID: f, RefID: st.circle + "." + userID}); err != nil {
					return 0, err
				}
			}
		}
		if err := removeMember(ctx, tx, st.circle, userID); err != nil {
			return 0, err
		}
	}
	return len(seats), nil
}

// eraseOwnRows deletes what is hers alone: applications, reflections,
// check-ins on goals, challenge cards, parking-lot topics and marks, answers,
// sessions, links, feeds, choices, places as a guest or organizer, and the
// messages sent or waiting for her.
func eraseOwnRows(ctx context.Context, tx *Tx, userID, email string) error {
	for _, q := range []string{
		`DELETE FROM reflections WHERE user_id = $1`,
		`DELETE FROM goal_checkins WHERE user_id = $1`,
		`DELETE FROM challenges WHERE presenter_id = $1`,
		`DELETE FROM parking_topics WHERE owner_id = $1`,
		`DELETE FROM parking_wants WHERE user_id = $1`,
		`DELETE FROM rsvps WHERE user_id = $1`,
		`DELETE FROM sessions WHERE user_id = $1`,
		`DELETE FROM sign_in_links WHERE user_id = $1`,
		`DELETE FROM calendar_feeds WHERE user_id = $1`,
		`DELETE FROM notification_prefs WHERE user_id = $1`,
		`DELETE FROM discussion_prefs WHERE user_id = $1`,
		`DELETE FROM discussion_reads WHERE user_id = $1`,
		`DELETE FROM meeting_guests WHERE user_id = $1`,
		`DELETE FROM program_organizers WHERE user_id = $1`,
		`DELETE FROM room_presence WHERE user_id = $1`,
		`DELETE FROM raised_hands WHERE user_id = $1`,
		`DELETE FROM lapse_alerts WHERE user_id = $1`,
		`DELETE FROM circle_departures WHERE user_id = $1`,
		`DELETE FROM outbox WHERE user_id = $1`,
	} {
		if _, err := tx.ExecContext(ctx, q, userID); err != nil {
			return fmt.Errorf("erase own rows: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE recipient = $1`, email); err != nil {
		return fmt.Errorf("erase messages: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM applicants WHERE email = $1`, email); err != nil {
		return fmt.Errorf("delete applications: %w", err)
	}
	return nil
}

// renderSeatOpened writes the message to a facilitator that a member left
// by deleting her account, if the recipient still facilitates the circle.
func (db *DB) renderSeatOpened(ctx context.Context, tx *Tx, j job) (rendered, error) {
	circleID, _, _ := strings.Cut(j.RefID, ".")
	var name, email, circle, program string
	err := tx.QueryRowContext(ctx, `
		SELECT u.name, u.email, c.name, p.name
		FROM circle_members m JOIN users u ON u.id = m.user_id
		JOIN circles c ON c.id = m.circle_id JOIN programs p ON p.id = c.program_id
		WHERE m.circle_id = $1 AND m.user_id = $2 AND m.role = $3 AND u.deleted_at IS NULL`,
		circleID, j.UserID, string(roundtable.RoleFacilitator)).Scan(&name, &email, &circle, &program)
	if errors.Is(err, sql.ErrNoRows) {
		return drop(dropNotInCircle), nil
	} else if err != nil {
		return rendered{}, fmt.Errorf("find facilitator: %w", err)
	}
	return rendered{msg: mail.SeatOpened(email, name, circle, program)}, nil
}
