package sqldb

import (
	"context"
	"fmt"
	"time"

	"github.com/roundtable/roundtable"
)

// Old audit entries are deleted by a keyed outbox job, one a day: every
// instance enqueues the day's job, the unique key keeps one, and the claim
// hands it to one instance, so on PostgreSQL the work is done once however
// many instances run. It sends no e-mail: rendering it deletes and drops it.

// kindAuditPrune is the daily job that deletes entries older than the
// retention; RefID is the day (UTC).
const kindAuditPrune = "audit.prune"

// auditRetention is how long entries are kept.
func (db *DB) auditRetention() time.Duration {
	if db.auditKeep > 0 {
		return db.auditKeep
	}
	return roundtable.DefaultAuditRetention
}

// ScheduleHousekeeping enqueues today's deletion of old audit entries and
// of abandoned uploads, anonymisation of applicants past their program's
// period, prompts to check in on goals and this week's discussion digests,
// unless it is enqueued already (by this instance or another). Run calls it
// on each pass; it asks the database only when the day has changed.
func (o *Outbox) ScheduleHousekeeping(ctx context.Context) error {
	day := o.db.clock().Format(roundtable.DateLayout)
	if o.housekept == day {
		return nil
	}
	err := o.db.update(ctx, func(tx *Tx) error {
		if err := enqueueJob(ctx, tx, job{Kind: kindAuditPrune, RefID: day}); err != nil {
			return err
		}
		if err := enqueueJob(ctx, tx, job{Kind: kindUploadsPrune, RefID: day}); err != nil {
			return err
		}
		if err := enqueueJob(ctx, tx, job{Kind: kindCheckInsDue, RefID: day}); err != nil {
			return err
		}
		if err := scheduleDigests(ctx, tx); err != nil {
			return err
		}
		return enqueueJob(ctx, tx, job{Kind: kindAnonymise, RefID: day})
	})
	if err != nil {
		return fmt.Errorf("schedule housekeeping: %w", err)
	}
	o.housekept = day
	return nil
}

// pruneAudit deletes the entries older than the retention.
func (db *DB) pruneAudit(ctx context.Context, tx *Tx) (rendered, error) {
	keep := db.auditRetention()
	res, err := tx.ExecContext(ctx, `DELETE FROM audit_log WHERE at < $1`, ms(tx.now.Add(-keep)))
	if err != nil {
		return rendered{}, fmt.Errorf("delete old audit entries: %w", err)
	}
	n, _ := res.RowsAffected()
	return drop(fmt.Sprintf("housekeeping, no message: deleted %d audit entries older than %d days", n, int(keep/(24*time.Hour)))), nil
}
