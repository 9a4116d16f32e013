package sqldb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/roundtable/roundtable"
)

// loadMinutes reads a meeting's minutes with their version.
func loadMinutes(ctx context.Context, tx *Tx, meetingID string) (roundtable.Minutes, error) {
	var m roundtable.Minutes
	var at *int64
	err := tx.QueryRowContext(ctx, `
		SELECT x.notes, x.notes_version, COALESCE(u.name, ''), x.notes_updated_at
		FROM meetings x LEFT JOIN users u ON u.id = x.notes_updated_by WHERE x.id = $1`, meetingID).Scan(&m.Text, &m.Version, &m.UpdatedBy, &at)
	if err != nil {
		return m, fmt.Errorf("load minutes: %w", err)
	}
	if m.Text != "" {
		m.Text = tx.meetingOpener(ctx, meetingID).open("meetings", "notes", meetingID, m.Text)
	}
	if at != nil {
		m.UpdatedAt = fromMS(*at)
	}
	return m, nil
}

// saveMinutes writes a meeting's minutes as a new version by userID ("" for
// the system).
func saveMinutes(ctx context.Context, tx *Tx, meetingID, userID, text string) error {
	k, _, err := tx.meetingKey(ctx, meetingID)
	if err != nil {
		return err
	}
	if text, err = sealWith(k, "meetings", "notes", meetingID, text); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		UPDATE meetings SET notes = $1, notes_version = notes_version + 1, notes_updated_by = $2, notes_updated_at = $3, updated_at = $4
		WHERE id = $5`, text, nullable(userID), ms(tx.now), ms(tx.now), meetingID)
	if err != nil {
		return fmt.Errorf("save minutes: %w", err)
	}
	return nil
}

// SaveMinutes saves the minutes written from baseVersion, merging them with
// a save made in between when the two do not overlap.
func (s *RoomService) SaveMinutes(ctx context.Context, meetingID string, baseVersion int, baseText, text string) (*roundtable.MinutesSave, error) {
	// Browsers send text areas with "\r\n"; the minutes keep "\n".
	text = strings.ReplaceAll(clean(text), "\r\n", "\n")
	baseText = strings.ReplaceAll(clean(baseText), "\r\n", "\n")
	var res *roundtable.MinutesSave
	err := s.change(ctx, meetingID, partMinutes, func(tx *Tx, rc *roomCtx) error {
		if rc.guest || !rc.canWriteMinutes() {
			return roundtable.Errorf(roundtable.EFORBIDDEN, "Only the note-taker or the facilitator can write the minutes.")
		}
		if err := rc.requireLive(true); err != nil {
			return err
		}
		cur, err := loadMinutes(ctx, tx, rc.m.ID)
		if err != nil {
			return err
		}
		res = &roundtable.MinutesSave{}
		if baseVersion != cur.Version {
			merged, ok := roundtable.MergeText(baseText, text, cur.Text)
			if !ok {
				res.Minutes, res.Conflict, res.Theirs = cur, true, cur
				return errUnchanged
			}
			text, res.Merged = merged, true
		}
		if utf8.RuneCountInString(text) > roundtable.MaxTextLength {
			return &roundtable.Error{Code: roundtable.EINVALID, Message: "The minutes are too long.",
				Fields: map[string]string{"text": "Use at most 10,000 characters."}}
		}
		if text == cur.Text {
			res.Minutes = cur
			return errUnchanged
		}
		if err := saveMinutes(ctx, tx, rc.m.ID, rc.userID, text); err != nil {
			return err
		}
		res.Minutes, err = loadMinutes(ctx, tx, rc.m.ID)
		return err
	})
	if err != nil && !errors.Is(err, errUnchanged) {
		return nil, err
	}
	return res, nil
}
