package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/keyring"
)

// Circle content is sealed at rest: every confidential column is written
// through tx.seal and read through tx.open, with the data key of the circle
// it belongs to and a binding to its table, column and row, so a sealed value
// copied anywhere else fails to open. Storage code never calls a cipher
// itself; internal/keyring does.
//
// A circle's wrapped key is read with the circle (a join in the query that
// reads the content, see useKey) or, for writes, by circleKey/meetingKey; it
// is unwrapped once per process (the keyring caches it) and kept per
// transaction here.

// unreadableText stands in for a value that fails to open, so one damaged
// value shows as damaged instead of failing the whole page.
const unreadableText = "[This text cannot be read: its stored form is damaged or its key is gone.]"

// errNoKeyring is returned when content is touched by a command that was
// given no master key.
var errNoKeyring = errors.New("circle content is sealed and this command was given no master key")

// useKey unwraps a circle's data key read together with other rows and keeps
// it for the rest of the transaction.
func (tx *Tx) useKey(circleID, wrapped string) (*keyring.DataKey, error) {
	if k := tx.keys[circleID]; k != nil {
		return k, nil
	}
	if tx.db.keys == nil {
		return nil, errNoKeyring
	}
	if wrapped == shreddedKey {
		return nil, errShredded
	}
	k, err := tx.db.keys.DataKey(circleID, wrapped)
	if err != nil {
		return nil, fmt.Errorf("circle %s: %w", circleID, err)
	}
	if tx.keys == nil {
		tx.keys = map[string]*keyring.DataKey{}
	}
	tx.keys[circleID] = k
	return k, nil
}

// circleKey returns a circle's data key, reading the wrapped key unless the
// transaction has it already.
func (tx *Tx) circleKey(ctx context.Context, circleID string) (*keyring.DataKey, error) {
	if k := tx.keys[circleID]; k != nil {
		return k, nil
	}
	var wrapped sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT data_key FROM circles WHERE id = $1`, circleID).Scan(&wrapped); err != nil {
		return nil, fmt.Errorf("read key of circle %s: %w", circleID, err)
	}
	return tx.useKey(circleID, wrapped.String)
}

// meetingKey returns the data key of a meeting's circle, and the circle.
func (tx *Tx) meetingKey(ctx context.Context, meetingID string) (*keyring.DataKey, string, error) {
	if c, ok := tx.meetingCircle[meetingID]; ok {
		k, err := tx.circleKey(ctx, c)
		return k, c, err
	}
	var circleID string
	var wrapped sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT c.id, c.data_key FROM meetings m JOIN circles c ON c.id = m.circle_id WHERE m.id = $1`,
		meetingID).Scan(&circleID, &wrapped)
	if err != nil {
		return nil, "", fmt.Errorf("read key of meeting %s: %w", meetingID, err)
	}
	k, err := tx.useKey(circleID, wrapped.String)
	if err == nil {
		tx.knowMeeting(meetingID, circleID)
	}
	return k, circleID, err
}

// knowMeeting records the circle of a meeting whose key the transaction has.
func (tx *Tx) knowMeeting(meetingID, circleID string) {
	if tx.meetingCircle == nil {
		tx.meetingCircle = map[string]string{}
	}
	tx.meetingCircle[meetingID] = circleID
}

// sealWith seals text for its table, column and row. The empty text stays
// empty: it tells nothing its length would not, and columns default to it.
func sealWith(k *keyring.DataKey, table, column, rowID, text string) (string, error) {
	if text == "" {
		return "", nil
	}
	out, err := k.Seal(text, keyring.Binding{Table: table, Column: column, Row: rowID})
	if err != nil {
		return "", fmt.Errorf("seal %s.%s: %w", table, column, err)
	}
	return out, nil
}

// seal seals text of a circle for its table, column and row.
func (tx *Tx) seal(ctx context.Context, circleID, table, column, rowID, text string) (string, error) {
	k, err := tx.circleKey(ctx, circleID)
	if err != nil {
		return "", err
	}
	return sealWith(k, table, column, rowID, text)
}

// open opens a stored value of a circle, given the circle's wrapped key as
// read with the value (a join: no extra round trip). A value that fails to
// open is logged, without any of it, and shows as unreadableText: one damaged
// value never fails a whole page, and never shows as some other text.
func (tx *Tx) open(circleID, wrapped, table, column, rowID, stored string) string {
	if stored == "" {
		return ""
	}
	k, err := tx.useKey(circleID, wrapped)
	if err == nil {
		var text string
		if text, err = k.Open(stored, keyring.Binding{Table: table, Column: column, Row: rowID}); err == nil {
			return text
		}
	}
	tx.unopened(circleID, table, column, rowID, k == nil, err)
	return unreadableText
}

// unopened logs a value that could not be opened. A damaged value is logged
// each time; a circle whose key is missing once per transaction, not once
// per value, and a circle whose key was shredded on purpose only at debug
// level: its content reads as unreadable by design.
func (tx *Tx) unopened(circleID, table, column, rowID string, noKey bool, err error) {
	if noKey {
		if tx.keyless[circleID] {
			return
		}
		if tx.keyless == nil {
			tx.keyless = map[string]bool{}
		}
		tx.keyless[circleID] = true
		if errors.Is(err, errShredded) {
			tx.db.log.Debug("circle content was shredded", "circle", circleID)
			return
		}
	}
	tx.db.log.Error("circle content cannot be opened", "circle", circleID, "table", table, "column", column, "row", rowID, "err", err)
}

// opener opens values of one circle with a key already found; on a key
// error every value shows as unreadable (and is logged).
type opener struct {
	tx       *Tx
	circleID string
	key      *keyring.DataKey
	err      error
}

// meetingOpener returns the opener of a meeting's circle. The key normally
// came with the meeting, read earlier in the transaction (scanMeeting), so
// this asks the database nothing; otherwise it reads the key once.
func (tx *Tx) meetingOpener(ctx context.Context, meetingID string) *opener {
	k, circleID, err := tx.meetingKey(ctx, meetingID)
	return &opener{tx: tx, circleID: circleID, key: k, err: err}
}

// open opens one stored value, as tx.open does.
func (o *opener) open(table, column, rowID, stored string) string {
	if stored == "" {
		return ""
	}
	err := o.err
	if err == nil {
		var text string
		if text, err = o.key.Open(stored, keyring.Binding{Table: table, Column: column, Row: rowID}); err == nil {
			return text
		}
	}
	o.tx.unopened(o.circleID, table, column, rowID, o.err != nil, err)
	return unreadableText
}

// newCircleKey makes a new circle's data key and returns its wrapped form,
// to store with the circle in the same transaction.
func (tx *Tx) newCircleKey(circleID string) (string, error) {
	if tx.db.keys == nil {
		return "", errNoKeyring
	}
	k, wrapped, err := tx.db.keys.NewDataKey(circleID)
	if err != nil {
		return "", fmt.Errorf("make key of circle %s: %w", circleID, err)
	}
	if tx.keys == nil {
		tx.keys = map[string]*keyring.DataKey{}
	}
	tx.keys[circleID] = k
	return wrapped, nil
}

// insertCircle stores a new circle with its new data key.
func insertCircle(ctx context.Context, tx *Tx, c *roundtable.Circle) error {
	wrapped, err := tx.newCircleKey(c.ID)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO circles (id, program_id, name, time_zone, slot, created_at, data_key) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		c.ID, c.ProgramID, c.Name, c.TimeZone, c.Slot, ms(c.CreatedAt), wrapped)
	if err != nil {
		return fmt.Errorf("insert circle: %w", err)
	}
	return nil
}
