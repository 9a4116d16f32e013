package sqldb

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/keyring"
)

// RotateMasterKey wraps every circle's data key under to instead of from,
// in one transaction, and records it in the audit log. The sealed content
// is not touched: only the keys that open it are wrapped anew. A data key
// that from does not open (a wrong old key, or a damaged key) stops it with
// the reason and nothing changes; keys already under to are checked and
// kept, so an interrupted rotation can be run again. It returns how many
// keys were wrapped anew and how many circles there are.
func (db *DB) RotateMasterKey(ctx context.Context, from, to *keyring.MasterKey) (rewrapped, circles int, err error) {
	ctx = roundtable.NewSystemContext(ctx)
	err = db.update(ctx, func(tx *Tx) error {
		rewrapped, circles = 0, 0
		type row struct{ id, wrapped string }
		rows, err := queryAll(ctx, tx, `SELECT id, data_key FROM circles WHERE data_key IS NOT NULL AND data_key <> '`+shreddedKey+`' ORDER BY id`,
			func(r *sql.Rows) (x row, err error) { return x, r.Scan(&x.id, &x.wrapped) })
		if err != nil {
			return fmt.Errorf("read the circles' keys: %w", err)
		}
		for _, r := range rows {
			out, changed, err := keyring.Rewrap(r.id, r.wrapped, from, to)
			if err != nil {
				return err
			}
			circles++
			if !changed {
				continue
			}
			res, err := tx.ExecContext(ctx, `UPDATE circles SET data_key = $1 WHERE id = $2 AND data_key = $3`, out, r.id, r.wrapped)
			if err != nil {
				return fmt.Errorf("store the key of circle %s: %w", r.id, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("the key of circle %s changed during the rotation; run it again", r.id)
			}
			rewrapped++
		}
		return audit(ctx, tx, auditNote{kind: roundtable.AuditKeysRotated,
			detail: fmt.Sprintf("%d of %d circle keys wrapped anew; master key %s replaced by %s", rewrapped, circles, from.ID(), to.ID())})
	})
	if err != nil {
		return 0, 0, err
	}
	return rewrapped, circles, nil
}
