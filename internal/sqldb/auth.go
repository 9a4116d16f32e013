package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

// AuthService implements roundtable.AuthService.
type AuthService struct{ db *DB }

var _ roundtable.AuthService = (*AuthService)(nil)

// NewAuthService returns the sign-in service.
func NewAuthService(db *DB) *AuthService { return &AuthService{db: db} }

func errBadCredentials() error {
	return roundtable.Errorf(roundtable.EUNAUTHORIZED, "That e-mail and password do not match an account. Check them, or ask for a sign-in link.")
}

// Authenticate checks an e-mail and password. An unknown e-mail costs the same
// hashing work as a wrong password, so timing does not tell them apart.
func (s *AuthService) Authenticate(ctx context.Context, email, password string) (*roundtable.User, error) {
	email = roundtable.NormalizeEmail(clean(email))
	if len(password) > roundtable.MaxPasswordLength {
		return nil, errBadCredentials()
	}
	var u *roundtable.User
	var hash string
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		u, hash, err = findUserByEmail(ctx, tx, email)
		return err
	})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	if u == nil || hash == "" {
		checkPassword(dummyHash(), password)
		s.signInFailed(ctx, email, u, "password")
		return nil, errBadCredentials()
	}
	if !checkPassword(hash, password) {
		s.signInFailed(ctx, email, u, "password")
		return nil, errBadCredentials()
	}
	return u, nil
}

// signInFailed notes a failed sign-in with the address tried and, when it
// has an account, the account; never what was typed as a password.
func (s *AuthService) signInFailed(ctx context.Context, email string, u *roundtable.User, how string) {
	n := auditNote{kind: roundtable.AuditSignInFailed, email: loggableEmail(email), detail: how}
	if u != nil {
		n.userID = u.ID
	}
	s.db.auditAlone(ctx, n)
}

// loggableEmail returns an address tried at sign-in as the audit log keeps
// it, or "" when it is no address: a password typed in the wrong field must
// not end up in the log.
func loggableEmail(s string) string {
	s = roundtable.NormalizeEmail(clean(s))
	if roundtable.ValidateEmail(s) != "" {
		return ""
	}
	return s
}

// RecordThrottled notes a sign-in or link request refused for too many tries.
func (s *AuthService) RecordThrottled(ctx context.Context, email string, link bool) error {
	email = loggableEmail(email)
	how := "password"
	if link {
		how = "link"
	}
	return s.db.update(ctx, func(tx *Tx) error {
		return audit(ctx, tx, auditNote{kind: roundtable.AuditSignInThrottled, email: email, detail: how})
	})
}

// RequestSignInLink e-mails a one-time sign-in link to a user. For an address
// that belongs to nobody it does nothing, and says nothing.
func (s *AuthService) RequestSignInLink(ctx context.Context, email string) error {
	email = clean(email)
	if msg := roundtable.ValidateEmail(email); msg != "" {
		return &roundtable.Error{Code: roundtable.EINVALID, Message: msg, Fields: map[string]string{"email": msg}}
	}
	email = roundtable.NormalizeEmail(email)
	return s.db.update(ctx, func(tx *Tx) error {
		u, _, err := findUserByEmail(ctx, tx, email)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return fmt.Errorf("find user: %w", err)
		}
		token, hash := newToken()
		if _, err := tx.ExecContext(ctx, `INSERT INTO sign_in_links (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			hash, u.ID, ms(tx.now), ms(tx.now.Add(roundtable.SignInLinkLifetime))); err != nil {
			return fmt.Errorf("insert sign-in link: %w", err)
		}
		if err := audit(ctx, tx, auditNote{kind: roundtable.AuditLinkSent, userID: u.ID}); err != nil {
			return err
		}
		return enqueue(ctx, tx, "sign_in_link", mail.SignInLink(u.Email, u.Name, s.db.baseURL+"/signin/link/"+token))
	})
}

func errBadLink() error {
	return roundtable.Errorf(roundtable.EUNAUTHORIZED, "This sign-in link has expired or has been used already. Ask for a new one.")
}

// RedeemSignInLink uses up a sign-in link and returns its user.
func (s *AuthService) RedeemSignInLink(ctx context.Context, token string) (*roundtable.User, error) {
	if !validToken(token) {
		s.signInFailed(ctx, "", nil, "link")
		return nil, errBadLink()
	}
	var u *roundtable.User
	err := s.db.update(ctx, func(tx *Tx) error {
		// One statement checks and uses the link, so two clicks cannot both win.
		var userID string
		err := tx.QueryRowContext(ctx, `
			UPDATE sign_in_links SET used_at = $1
			WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3
			RETURNING user_id`, ms(tx.now), hashToken(token), ms(tx.now)).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return errBadLink()
		} else if err != nil {
			return fmt.Errorf("redeem sign-in link: %w", err)
		}
		if u, err = findUser(ctx, tx, userID); err != nil {
			return err
		}
		return audit(ctx, tx, auditNote{kind: roundtable.AuditLinkUsed, actor: userID, userID: userID})
	})
	if roundtable.ErrorCode(err) == roundtable.EUNAUTHORIZED {
		s.signInFailed(ctx, "", nil, "link")
	}
	return u, err
}

// CreateSession starts a session for a user and returns its token.
func (s *AuthService) CreateSession(ctx context.Context, userID string) (string, error) {
	return s.StartSession(ctx, userID, roundtable.SessionStart{})
}

func errNoSession() error {
	return roundtable.Errorf(roundtable.EUNAUTHORIZED, "Your session has ended. Please sign in again.")
}

// FindSession returns the user of a live session in one indexed query and,
// at most once every SessionSeenInterval, writes down that it was used.
func (s *AuthService) FindSession(ctx context.Context, token string) (*roundtable.User, error) {
	if !validToken(token) {
		return nil, errNoSession()
	}
	hash := hashToken(token)
	now := s.db.clock()
	row := s.db.readRow(ctx, `
		SELECT `+userColumns+`, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2`, hash, ms(now))
	var seen int64
	u, err := scanUser(scanFunc(func(dest ...any) error { return row.Scan(append(dest, &seen)...) }))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoSession()
	} else if err != nil {
		return nil, fmt.Errorf("find session: %w", err)
	}
	if now.Sub(fromMS(seen)) >= roundtable.SessionSeenInterval {
		// Rarely: at most once per SessionSeenInterval per session.
		s.touchSession(ctx, hash)
	}
	return u, nil
}

// DeleteSession ends a session; unknown tokens are ignored.
func (s *AuthService) DeleteSession(ctx context.Context, token string) error {
	if !validToken(token) {
		return nil
	}
	return s.db.update(ctx, func(tx *Tx) error {
		userIDs, err := queryStrings(ctx, tx, `DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id`, hashToken(token))
		if err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		for _, id := range userIDs {
			if err := audit(ctx, tx, auditNote{kind: roundtable.AuditSignOut, actor: id, userID: id}); err != nil {
				return err
			}
		}
		return nil
	})
}

// createInvitation stores an invitation to a circle and enqueues its e-mail.
func createInvitation(ctx context.Context, tx *Tx, u *roundtable.User, circleID, circleName, programName string, role roundtable.CircleRole) error {
	token, hash := newToken()
	_, err := tx.ExecContext(ctx, `
		INSERT INTO invitations (token_hash, circle_id, user_id, role, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		hash, circleID, u.ID, string(role), ms(tx.now), ms(tx.now.Add(roundtable.InvitationLifetime)))
	if err != nil {
		return fmt.Errorf("insert invitation: %w", err)
	}
	link := tx.db.baseURL + "/invite/" + token
	return enqueue(ctx, tx, "invitation", mail.Invitation(u.Email, u.Name, circleName, programName, role, link, !u.HasPassword))
}

// findInvitation returns a live invitation by token, or ENOTFOUND.
func findInvitation(ctx context.Context, tx *Tx, token string) (*roundtable.Invitation, error) {
	if !validToken(token) {
		return nil, errBadInvitation()
	}
	var inv roundtable.Invitation
	var hasPassword bool
	var expires int64
	err := tx.QueryRowContext(ctx, `
		SELECT u.id, u.email, u.name, u.time_zone, CASE WHEN u.password_hash = '' THEN 0 ELSE 1 END,
			c.id, c.name, p.name, i.role, i.expires_at
		FROM invitations i
		JOIN users u ON u.id = i.user_id
		JOIN circles c ON c.id = i.circle_id
		JOIN programs p ON p.id = c.program_id
		WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2`,
		hashToken(token), ms(tx.now)).Scan(&inv.UserID, &inv.Email, &inv.Name, &inv.TimeZone, &hasPassword,
		&inv.CircleID, &inv.CircleName, &inv.ProgramName, &inv.Role, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errBadInvitation()
	} else if err != nil {
		return nil, fmt.Errorf("find invitation: %w", err)
	}
	inv.NeedsAccount = !hasPassword
	inv.ExpiresAt = fromMS(expires)
	return &inv, nil
}

func errBadInvitation() error {
	return roundtable.Errorf(roundtable.ENOTFOUND, "This invitation has expired or has been used already. Ask the program's organizer for a new one.")
}

// FindInvitation returns what an invitation invites to, without using it up.
func (s *AuthService) FindInvitation(ctx context.Context, token string) (*roundtable.Invitation, error) {
	var inv *roundtable.Invitation
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		inv, err = findInvitation(ctx, tx, token)
		return err
	})
	return inv, err
}

// AcceptInvitation uses up an invitation, sets up the account when it has no
// password yet, and marks the membership joined.
func (s *AuthService) AcceptInvitation(ctx context.Context, token string, setup roundtable.AccountSetup) (*roundtable.User, error) {
	var u *roundtable.User
	err := s.db.update(ctx, func(tx *Tx) error {
		inv, err := findInvitation(ctx, tx, token)
		if err != nil {
			return err
		}
		if inv.NeedsAccount {
			var v roundtable.Problems
			name := strings.TrimSpace(clean(setup.Name))
			validateName(&v, name)
			if msg := roundtable.ValidateTimeZone(setup.TimeZone); msg != "" {
				v.Add("time_zone", msg)
			}
			if msg := roundtable.ValidatePassword(setup.Password); msg != "" {
				v.Add("password", msg)
			}
			if err := v.Err(); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET name = $1, time_zone = $2, password_hash = $3 WHERE id = $4`,
				name, setup.TimeZone, hashPassword(setup.Password), inv.UserID); err != nil {
				return fmt.Errorf("set up account: %w", err)
			}
		}
		if inv.NeedsAccount {
			if err := audit(ctx, tx, auditNote{kind: roundtable.AuditAccountSetUp, actor: inv.UserID, userID: inv.UserID, circleID: inv.CircleID}); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invitations SET used_at = $1 WHERE token_hash = $2`, ms(tx.now), hashToken(token)); err != nil {
			return fmt.Errorf("use invitation: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE circle_members SET joined_at = $1 WHERE circle_id = $2 AND user_id = $3 AND joined_at IS NULL`,
			ms(tx.now), inv.CircleID, inv.UserID); err != nil {
			return fmt.Errorf("join circle: %w", err)
		}
		u, err = findUser(ctx, tx, inv.UserID)
		return err
	})
	return u, err
}
