package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/roundtable/roundtable"
)

// shreddedKey stands in the key column of a circle whose key was deleted.
// It is not NULL, which means "no key yet": the start-up step would give
// the circle a new key, and writing in it would start again.
const shreddedKey = "shredded"

// errShredded answers a write in a circle whose key was deleted.
var errShredded = roundtable.Errorf(roundtable.ECONFLICT, "This circle's content was deleted for good; nothing more can be written in it.")

// ShreddedCircle names a circle whose data key was deleted.
type ShreddedCircle struct {
	Name, Program string
}

// FindCircleToShred names a circle before its key is deleted, so the one who
// asks can check it is the right one. Returns ENOTFOUND if there is no such
// circle and ECONFLICT if its key is gone already.
func (db *DB) FindCircleToShred(ctx context.Context, circleID string) (*ShreddedCircle, error) {
	var c ShreddedCircle
	err := db.view(roundtable.NewSystemContext(ctx), func(tx *Tx) error {
		var err error
		c, err = circleToShred(ctx, tx, circleID)
		return err
	})
	return &c, err
}

// ShredCircle deletes a circle's data key, in one transaction with its line
// in the audit log: everything sealed with it (cards, board, minutes,
// commitments, goals, reflections…) can no longer be read by anyone, on any
// instance, from this database or from a backup made afterwards. Names,
// times and who was in the circle stay. Nothing more can be written in the
// circle. Errors as FindCircleToShred.
func (db *DB) ShredCircle(ctx context.Context, circleID string) (*ShreddedCircle, error) {
	ctx = roundtable.NewSystemContext(ctx)
	var c ShreddedCircle
	err := db.update(ctx, func(tx *Tx) error {
		var err error
		if c, err = circleToShred(ctx, tx, circleID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE circles SET data_key = $1 WHERE id = $2`, shreddedKey, circleID); err != nil {
			return fmt.Errorf("delete the key of circle %s: %w", circleID, err)
		}
		return audit(ctx, tx, auditNote{kind: roundtable.AuditCircleKeysDeleted, circleID: circleID,
			detail: "the circle's content can no longer be read"})
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func circleToShred(ctx context.Context, tx *Tx, circleID string) (ShreddedCircle, error) {
	var c ShreddedCircle
	var key sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT c.name, p.name, c.data_key FROM circles c JOIN programs p ON p.id = c.program_id WHERE c.id = $1`,
		circleID).Scan(&c.Name, &c.Program, &key)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return c, roundtable.Errorf(roundtable.ENOTFOUND, "There is no circle %s.", circleID)
	case err != nil:
		return c, fmt.Errorf("find circle %s: %w", circleID, err)
	case key.String == shreddedKey:
		return c, roundtable.Errorf(roundtable.ECONFLICT, "The key of circle %q was deleted already: its content cannot be read.", c.Name)
	case !key.Valid || key.String == "":
		return c, roundtable.Errorf(roundtable.ECONFLICT, "Circle %q has no key yet: start Roundtable once with this database, so its content is sealed, then delete the key.", c.Name)
	}
	return c, nil
}
