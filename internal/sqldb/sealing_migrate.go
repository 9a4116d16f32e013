package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/roundtable/roundtable/internal/keyring"
)

// sealedColumn is a confidential column: its table, the columns that name a
// row (joined with "/" into the binding's row), and the SQL that gives the
// row's circle from the table aliased t.
type sealedColumn struct {
	table, column string
	row           []string
	circle        string
}

// rowID is the binding's row of a sealed value: the row's key columns.
func rowID(parts ...string) string { return strings.Join(parts, "/") }

// sealedColumns lists every column written through tx.seal. The start-up step
// seals what an older version wrote there in plaintext.
var sealedColumns = []sealedColumn{
	{"challenges", "context", []string{"meeting_id", "presenter_id"}, "(SELECT m.circle_id FROM meetings m WHERE m.id = t.meeting_id)"},
	{"challenges", "question", []string{"meeting_id", "presenter_id"}, "(SELECT m.circle_id FROM meetings m WHERE m.id = t.meeting_id)"},
	{"challenges", "tried", []string{"meeting_id", "presenter_id"}, "(SELECT m.circle_id FROM meetings m WHERE m.id = t.meeting_id)"},
	{"board_posts", "body", []string{"id"}, "(SELECT m.circle_id FROM meetings m WHERE m.id = t.meeting_id)"},
	{"action_items", "text", []string{"id"}, "t.circle_id"},
	{"action_items", "report", []string{"id"}, "t.circle_id"},
	{"meetings", "notes", []string{"id"}, "t.circle_id"},
	{"meetings", "agenda", []string{"id"}, "t.circle_id"},
	{"meeting_segments", "title", []string{"id"}, "(SELECT m.circle_id FROM meetings m WHERE m.id = t.meeting_id)"},
	{"meeting_segments", "guidance", []string{"id"}, "(SELECT m.circle_id FROM meetings m WHERE m.id = t.meeting_id)"},
	{"polls", "note", []string{"id"}, "t.circle_id"},
	{"goals", "body", []string{"id"}, "t.circle_id"},
	{"goal_checkins", "reflection", []string{"id"}, "t.circle_id"},
	{"reflections", "line", []string{"meeting_id", "user_id"}, "(SELECT m.circle_id FROM meetings m WHERE m.id = t.meeting_id)"},
	{"parking_topics", "title", []string{"id"}, "t.circle_id"},
	{"parking_topics", "why", []string{"id"}, "t.circle_id"},
	{"decisions", "title", []string{"id"}, "t.circle_id"},
	{"decisions", "details", []string{"id"}, "t.circle_id"},
	{"decisions", "outcome", []string{"id"}, "t.circle_id"},
	{"decision_options", "label", []string{"id"}, "(SELECT d.circle_id FROM decisions d WHERE d.id = t.decision_id)"},
	{"decision_votes", "reason", []string{"decision_id", "user_id"}, "(SELECT d.circle_id FROM decisions d WHERE d.id = t.decision_id)"},
	{"documents", "title", []string{"id"}, "t.circle_id"},
	{"documents", "file_name", []string{"id"}, "t.circle_id"},
	{"documents", "url", []string{"id"}, "t.circle_id"},
}

// sealBatch is how many values one transaction of the start-up step seals.
const sealBatch = 500

// SealAtRest prepares sealed content at start, after the schema is migrated:
// it checks the master key opens the circles' data keys (a wrong key stops
// the start with the reason), gives every circle made before sealing existed
// its data key, and seals content written in plaintext by an older version.
// It is safe to run again and on several instances at once: every change is
// conditional on the value it replaces. It returns how many keys it made and
// values it sealed.
func (db *DB) SealAtRest(ctx context.Context) (keys, values int, err error) {
	if db.keys == nil {
		return 0, 0, errNoKeyring
	}
	if err := db.checkMasterKey(ctx); err != nil {
		return 0, 0, err
	}
	if keys, err = db.giveCircleKeys(ctx); err != nil {
		return keys, 0, err
	}
	for _, c := range sealedColumns {
		n, err := db.sealColumn(ctx, c)
		values += n
		if err != nil {
			return keys, values, err
		}
	}
	return keys, values, nil
}

// checkMasterKey opens one circle's data key: all are wrapped by the same
// master key (or rotation is under way, and the keyring holds both).
func (db *DB) checkMasterKey(ctx context.Context) error {
	var id, wrapped string
	err := db.read.QueryRowContext(ctx, `SELECT id, data_key FROM circles WHERE data_key IS NOT NULL AND data_key <> '`+shreddedKey+`' ORDER BY id LIMIT 1`).Scan(&id, &wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read a circle's key: %w", err)
	}
	if _, err := db.keys.DataKey(id, wrapped); err != nil {
		if errors.Is(err, keyring.ErrWrongMasterKey) {
			return fmt.Errorf("the master key given (%s) is not the one this database's circle content was sealed with; give that key (content cannot be read without it): %w", db.keys.MasterID(), err)
		}
		return fmt.Errorf("the master key given cannot open the circles' keys: %w", err)
	}
	return nil
}

// giveCircleKeys makes a data key for each circle that has none.
func (db *DB) giveCircleKeys(ctx context.Context) (int, error) {
	made := 0
	for {
		var ids []string
		err := db.update(ctx, func(tx *Tx) error {
			var err error
			ids, err = queryAll(ctx, tx, `SELECT id FROM circles WHERE data_key IS NULL ORDER BY id LIMIT 500`,
				func(rows *sql.Rows) (id string, err error) { return id, rows.Scan(&id) })
			if err != nil {
				return fmt.Errorf("list circles without a key: %w", err)
			}
			for _, id := range ids {
				_, wrapped, err := db.keys.NewDataKey(id)
				if err != nil {
					return err
				}
				res, err := tx.ExecContext(ctx, `UPDATE circles SET data_key = $1 WHERE id = $2 AND data_key IS NULL`, wrapped, id)
				if err != nil {
					return fmt.Errorf("store key of circle %s: %w", id, err)
				}
				if n, _ := res.RowsAffected(); n > 0 {
					made++
				}
			}
			return nil
		})
		if err != nil || len(ids) == 0 {
			return made, err
		}
	}
}

// plainValue is a value of a sealed column still stored in plaintext.
type plainValue struct {
	circle, wrapped, text string
	row                   []string
}

// sealColumn seals one column's plaintext values, a batch per transaction.
func (db *DB) sealColumn(ctx context.Context, c sealedColumn) (int, error) {
	rowCols := "t." + strings.Join(c.row, ", t.")
	query := `SELECT c.id, c.data_key, ` + rowCols + `, t.` + c.column + ` FROM ` + c.table + ` t JOIN circles c ON c.id = ` + c.circle +
		` WHERE c.data_key <> '` + shreddedKey + `' AND t.` + c.column + ` <> '' AND t.` + c.column + ` NOT LIKE 'rtenc:%' LIMIT ` + fmt.Sprint(sealBatch)
	where := make([]string, len(c.row))
	for i, col := range c.row {
		where[i] = fmt.Sprintf("%s = $%d", col, i+3)
	}
	update := `UPDATE ` + c.table + ` SET ` + c.column + ` = $1 WHERE ` + c.column + ` = $2 AND ` + strings.Join(where, " AND ")
	sealed := 0
	for {
		var vals []plainValue
		err := db.update(ctx, func(tx *Tx) error {
			var err error
			vals, err = queryAll(ctx, tx, query, func(rows *sql.Rows) (v plainValue, err error) {
				v.row = make([]string, len(c.row))
				dest := []any{&v.circle, &v.wrapped}
				for i := range v.row {
					dest = append(dest, &v.row[i])
				}
				return v, rows.Scan(append(dest, &v.text)...)
			})
			if err != nil {
				return fmt.Errorf("read plaintext of %s.%s: %w", c.table, c.column, err)
			}
			for _, v := range vals {
				k, err := tx.useKey(v.circle, v.wrapped)
				if err != nil {
					return err
				}
				s, err := sealWith(k, c.table, c.column, rowID(v.row...), v.text)
				if err != nil {
					return err
				}
				args := []any{s, v.text}
				for _, r := range v.row {
					args = append(args, r)
				}
				if _, err := tx.ExecContext(ctx, update, args...); err != nil {
					return fmt.Errorf("seal %s.%s: %w", c.table, c.column, err)
				}
			}
			return nil
		})
		sealed += len(vals)
		if err != nil || len(vals) < sealBatch {
			return sealed, err
		}
	}
}
