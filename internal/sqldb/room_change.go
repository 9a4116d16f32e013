package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/roundtable/roundtable"
)

// roomChannel is the PostgreSQL channel on which every change of a live room
// is announced, with the meeting's ID as payload. Listeners treat it as a
// wake-up only: the database holds the truth.
const roomChannel = "roundtable_room"

// OnRoomChange sets fn to be called after every commit that changed a
// meeting's live room, once per meeting and commit, never for a rolled-back
// change. It runs on the committing goroutine, so it must return quickly
// (hand the work to another goroutine). Other instances on the same
// PostgreSQL database hear of the change through NOTIFY on roundtable_room.
func (db *DB) OnRoomChange(fn func(meetingID string)) {
	if fn == nil {
		db.roomHook.Store(nil)
		return
	}
	db.roomHook.Store(&fn)
}

// roomPart is a set of parts of a room (see roundtable.RoomParts).
type roomPart = roundtable.RoomPart

// Short names for the parts, which every room action names.
const (
	partState    = roundtable.PartState
	partAgenda   = roundtable.PartAgenda
	partPeople   = roundtable.PartPeople
	partSpeaking = roundtable.PartSpeaking
	partBoard    = roundtable.PartBoard
	partActions  = roundtable.PartActions
	partMinutes  = roundtable.PartMinutes
	partsAll     = roundtable.PartsAll
)

// partColumns are the version columns of room_state, in the order of the
// part bits.
var partColumns = []string{"state_v", "agenda_v", "people_v", "speaking_v", "board_v", "actions_v", "minutes_v"}

// touchRoom records that a meeting's room changed in parts (none named: all
// of them): its version goes up (the row is made when missing), the parts
// take the new version and, once the transaction commits, the room hook is
// called and, on PostgreSQL, every instance's listener is notified. It is
// cheap: call it for any change a room shows, naming what the change writes
// (a part left out would stay stale on the screens). On PostgreSQL the
// version update also locks the room's row until commit, so changes of one
// room queue instead of overwriting each other.
func touchRoom(ctx context.Context, tx *Tx, meetingID string, parts ...roomPart) error {
	var p roomPart
	for _, x := range parts {
		p |= x
	}
	if p == 0 {
		p = partsAll
	}
	had, touched := tx.roomParts[meetingID]
	if touched {
		// One new version per transaction is enough; parts named only now
		// take the version this transaction already made.
		if p&^had == 0 {
			return nil
		}
		var set []string
		for i, col := range partColumns {
			if p&^had&(1<<i) != 0 {
				set = append(set, col+" = version")
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE room_state SET `+strings.Join(set, ", ")+` WHERE meeting_id = $1`, meetingID); err != nil {
			return fmt.Errorf("touch room: %w", err)
		}
		tx.roomParts[meetingID] = had | p
		return nil
	}
	// A new row counts every part as new: nothing was loaded from it before.
	set := []string{"version = room_state.version + 1"}
	for i, col := range partColumns {
		if p&(1<<i) != 0 {
			set = append(set, col+" = room_state.version + 1")
		}
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO room_state (meeting_id, version, `+strings.Join(partColumns, ", ")+`) VALUES ($1, 1, 1, 1, 1, 1, 1, 1, 1)
		ON CONFLICT (meeting_id) DO UPDATE SET `+strings.Join(set, ", "), meetingID)
	if err != nil {
		return fmt.Errorf("touch room: %w", err)
	}
	if tx.roomParts == nil {
		tx.roomParts = map[string]roomPart{}
	}
	tx.roomParts[meetingID] = p
	tx.rooms = append(tx.rooms, meetingID)
	if tx.db.dialect.name() == "postgres" {
		// NOTIFY is sent at commit and dropped on rollback, like the hook.
		if _, err := tx.ExecContext(ctx, `SELECT pg_notify('`+roomChannel+`', $1)`, meetingID); err != nil {
			return fmt.Errorf("notify room: %w", err)
		}
	}
	return nil
}

// touchRooms touches the same parts of several rooms (see touchRoom).
func touchRooms(ctx context.Context, tx *Tx, meetingIDs []string, parts ...roomPart) error {
	for _, id := range meetingIDs {
		if err := touchRoom(ctx, tx, id, parts...); err != nil {
			return err
		}
	}
	return nil
}

// RoomVersions returns the room version of each of the meetings whose room
// was ever used (others are left out, as version 0). Live hubs poll it as a
// safety net for wake-ups lost on the way. It reads no content, so it checks
// nobody's access.
func (db *DB) RoomVersions(ctx context.Context, meetingIDs []string) (map[string]int64, error) {
	out := make(map[string]int64, len(meetingIDs))
	err := db.view(ctx, func(tx *Tx) error {
		// In slices: SQLite takes a bounded number of parameters.
		for ids := range slices.Chunk(meetingIDs, 500) {
			marks := make([]string, len(ids))
			args := make([]any, len(ids))
			for i, id := range ids {
				marks[i], args[i] = "$"+strconv.Itoa(i+1), id
			}
			type version struct {
				id string
				v  int64
			}
			vs, err := queryAll(ctx, tx, `SELECT meeting_id, version FROM room_state WHERE meeting_id IN (`+strings.Join(marks, ", ")+`)`,
				func(rows *sql.Rows) (x version, err error) { return x, rows.Scan(&x.id, &x.v) }, args...)
			if err != nil {
				return fmt.Errorf("room versions: %w", err)
			}
			for _, x := range vs {
				out[x.id] = x.v
			}
		}
		return nil
	})
	return out, err
}
