package sqldb

import (
	"context"
	"fmt"

	"github.com/roundtable/roundtable"
)

// NotificationService implements roundtable.NotificationService.
type NotificationService struct{ db *DB }

var _ roundtable.NotificationService = (*NotificationService)(nil)

// NewNotificationService returns the service of message preferences.
func NewNotificationService(db *DB) *NotificationService { return &NotificationService{db: db} }

// NotificationPrefs returns the caller's choices; kinds without a row are on.
func (s *NotificationService) NotificationPrefs(ctx context.Context) (roundtable.NotificationPrefs, error) {
	a := actorOf(ctx)
	if a.user == nil {
		return nil, errSignIn()
	}
	prefs := roundtable.NotificationPrefs{}
	for _, k := range roundtable.NotificationKinds {
		prefs[k] = true
	}
	err := s.db.view(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT kind, enabled FROM notification_prefs WHERE user_id = $1`, a.user.ID)
		if err != nil {
			return fmt.Errorf("read preferences: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var enabled int
			if err := rows.Scan(&k, &enabled); err != nil {
				return err
			}
			if kind := roundtable.NotificationKind(k); kind.Valid() {
				prefs[kind] = enabled == 1
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return prefs, nil
}

// SetNotificationPrefs saves the caller's choices. Messages already waiting
// are checked against them when they are due (render.go), so nothing more is
// needed for a change to take effect.
func (s *NotificationService) SetNotificationPrefs(ctx context.Context, prefs roundtable.NotificationPrefs) error {
	a := actorOf(ctx)
	if a.user == nil {
		return errSignIn()
	}
	for k := range prefs {
		if !k.Valid() {
			return roundtable.Errorf(roundtable.EINVALID, "We do not know the message %q.", string(k))
		}
	}
	return s.db.update(ctx, func(tx *Tx) error {
		for _, k := range roundtable.NotificationKinds {
			on, ok := prefs[k]
			if !ok {
				continue
			}
			_, err := tx.ExecContext(ctx, `
				INSERT INTO notification_prefs (user_id, kind, enabled, updated_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (user_id, kind) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at`,
				a.user.ID, string(k), flag(on), ms(tx.now))
			if err != nil {
				return fmt.Errorf("save preference: %w", err)
			}
		}
		return nil
	})
}
