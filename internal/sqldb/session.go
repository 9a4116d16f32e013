package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/roundtable/roundtable"
)

// StartSession starts a session for a user and returns its token.
func (s *AuthService) StartSession(ctx context.Context, userID string, how roundtable.SessionStart) (string, error) {
	token, hash := newToken()
	browser := strings.TrimSpace(clean(how.Browser))
	if utf8.RuneCountInString(browser) > roundtable.MaxBrowserLength {
		browser = string([]rune(browser)[:roundtable.MaxBrowserLength])
	}
	err := s.db.update(ctx, func(tx *Tx) error {
		if _, err := findUser(ctx, tx, userID); err != nil {
			return err
		}
		if validToken(how.Replaces) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashToken(how.Replaces)); err != nil {
				return fmt.Errorf("end the browser's session before: %w", err)
			}
		}
		method := "password"
		switch {
		case how.ViaLink:
			method = "link"
		case how.Method != "":
			method = how.Method
		}
		if err := audit(ctx, tx, auditNote{kind: roundtable.AuditSignIn, actor: userID, userID: userID, detail: method}); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO sessions (token_hash, id, user_id, browser, via_link, created_at, last_seen_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
			hash, newID(), userID, browser, flag(how.ViaLink), ms(tx.now), ms(tx.now.Add(roundtable.SessionLifetime)))
		if err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		// Expired sessions of this user are of no use to anyone.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2`, userID, ms(tx.now)); err != nil {
			return fmt.Errorf("delete expired sessions: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// touchSession notes that a session was used now. Several instances may
// each write once; the condition keeps it to one write per interval each.
func (s *AuthService) touchSession(ctx context.Context, hash string) {
	err := s.db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at <= $3`,
			ms(tx.now), hash, ms(tx.now.Add(-roundtable.SessionSeenInterval)))
		return err
	})
	if err != nil && ctx.Err() == nil {
		// Only the "last used" line of the account page suffers.
		s.db.log.Warn("note session use", "err", err)
	}
}

// ListSessions returns the caller's live sessions: the current one first,
// then the most recently used.
func (s *AuthService) ListSessions(ctx context.Context, currentToken string) ([]*roundtable.Session, error) {
	a := actorOf(ctx)
	if a.user == nil {
		return nil, errSignIn()
	}
	current := ""
	if validToken(currentToken) {
		current = hashToken(currentToken)
	}
	var out []*roundtable.Session
	err := s.db.view(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT token_hash, id, browser, via_link, created_at, last_seen_at, expires_at FROM sessions
			WHERE user_id = $1 AND expires_at > $2
			ORDER BY last_seen_at DESC, created_at DESC`, a.user.ID, ms(tx.now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var hash string
			var created, seen, expires int64
			ss := &roundtable.Session{UserID: a.user.ID}
			if err := rows.Scan(&hash, &ss.ID, &ss.Browser, &ss.ViaLink, &created, &seen, &expires); err != nil {
				return err
			}
			ss.CreatedAt, ss.LastSeenAt, ss.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
			ss.Current = hash == current
			if ss.Current { // this browser first: it is in use now
				out = append([]*roundtable.Session{ss}, out...)
				continue
			}
			out = append(out, ss)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return out, nil
}

// EndSession ends one of the caller's sessions. The user is part of the
// condition, so another person's session is never touched, only not found.
func (s *AuthService) EndSession(ctx context.Context, id string) error {
	a := actorOf(ctx)
	if a.user == nil {
		return errSignIn()
	}
	if !validID(id) {
		return notFound("session")
	}
	return s.db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1 AND user_id = $2 AND expires_at > $3`, id, a.user.ID, ms(tx.now))
		if err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("session")
		}
		return audit(ctx, tx, auditNote{kind: roundtable.AuditSessionEnded, userID: a.user.ID, ref: id})
	})
}

// EndOtherSessions ends every session of the caller but the current one.
func (s *AuthService) EndOtherSessions(ctx context.Context, currentToken string) (int, error) {
	a := actorOf(ctx)
	if a.user == nil {
		return 0, errSignIn()
	}
	var n int64
	err := s.db.update(ctx, func(tx *Tx) error {
		var err error
		if n, err = endOtherSessions(ctx, tx, a.user.ID, currentToken); err != nil {
			return err
		}
		return audit(ctx, tx, auditNote{kind: roundtable.AuditSessionsEnded, userID: a.user.ID, detail: sessionCount(n)})
	})
	return int(n), err
}

// endOtherSessions deletes a user's sessions but the one of keepToken (all
// of them when keepToken is not a token) and returns how many it deleted.
func endOtherSessions(ctx context.Context, tx *Tx, userID, keepToken string) (int64, error) {
	keep := ""
	if validToken(keepToken) {
		keep = hashToken(keepToken)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keep)
	if err != nil {
		return 0, fmt.Errorf("end other sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// ChangePassword sets the caller's password once they have shown the current
// one (or a fresh sign-in link), and ends their other sessions: whoever may
// have learnt the old password is signed out with it.
func (s *AuthService) ChangePassword(ctx context.Context, currentToken, currentPassword, newPassword string) error {
	a := actorOf(ctx)
	if a.user == nil {
		return errSignIn()
	}
	var v roundtable.Problems
	if msg := roundtable.ValidatePassword(newPassword); msg != "" {
		v.Add("password", msg)
	}
	// The checks read outside the write transaction: hashing is slow, and
	// SQLite has one writer.
	var oldHash string
	freshLink := false
	err := s.db.view(ctx, func(tx *Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, a.user.ID).Scan(&oldHash); errors.Is(err, sql.ErrNoRows) {
			return errSignIn()
		} else if err != nil {
			return err
		}
		if !validToken(currentToken) {
			return nil
		}
		var viaLink bool
		var created int64
		err := tx.QueryRowContext(ctx, `SELECT via_link, created_at FROM sessions WHERE token_hash = $1 AND user_id = $2 AND expires_at > $3`,
			hashToken(currentToken), a.user.ID, ms(tx.now)).Scan(&viaLink, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		freshLink = viaLink && tx.now.Sub(fromMS(created)) < roundtable.PasswordLinkWindow
		return nil
	})
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if !freshLink {
		switch {
		case oldHash == "":
			v.Add("password", "You have no password yet. To set one, sign in with a link from your e-mail: for 10 minutes after that you can set it here.")
		case currentPassword == "":
			v.Add("current_password", "Enter your current password.")
		case len(currentPassword) > roundtable.MaxPasswordLength || !checkPassword(oldHash, currentPassword):
			v.Add("current_password", "That is not your current password. Check it, or sign in with a link from your e-mail to set a new one without it.")
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	newHash := hashPassword(newPassword)
	return s.db.update(ctx, func(tx *Tx) error {
		// The old hash in the condition: a change made meanwhile elsewhere wins.
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3`, newHash, a.user.ID, oldHash)
		if err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return roundtable.Errorf(roundtable.ECONFLICT, "Your password was changed meanwhile from another browser. Please sign in again.")
		}
		n, err := endOtherSessions(ctx, tx, a.user.ID, currentToken)
		if err != nil {
			return err
		}
		return audit(ctx, tx, auditNote{kind: roundtable.AuditPasswordChanged, userID: a.user.ID, detail: sessionCount(n) + " ended"})
	})
}

// sessionCount says a number of sessions, for the audit log.
func sessionCount(n int64) string {
	if n == 1 {
		return "1 other session"
	}
	return strconv.FormatInt(n, 10) + " other sessions"
}
