package sqldb

import (
	"context"

	"github.com/roundtable/roundtable/internal/mail"
)

// JobForTest is a keyed outbox message, for tests of the renderers.
type JobForTest = job

// Message kinds, for tests.
const (
	KindInvitation   = kindInvitation
	KindCancellation = kindCancellation
	KindReminderWeek = kindReminderWeek
	KindReminderDay  = kindReminderDay
	KindNotes        = kindNotes
	KindRSVPChange   = kindRSVPChange
	KindPollOpen     = kindPollOpen
	KindPollReminder = kindPollReminder
)

// KeyForTest returns a job's unique key.
func KeyForTest(j JobForTest) string { return j.key() }

// RenderForTest renders a job in its own transaction, as the outbox does,
// and returns the message or the reason it is dropped.
func RenderForTest(ctx context.Context, db *DB, j JobForTest) (msg mail.Message, dropped string, err error) {
	err = db.update(ctx, func(tx *Tx) error {
		r, err := db.render(ctx, tx, j)
		msg, dropped = r.msg, r.drop
		return err
	})
	return msg, dropped, err
}
