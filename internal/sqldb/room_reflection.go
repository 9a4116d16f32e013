package sqldb

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/roundtable/roundtable"
)

// Reflect saves the caller's closing reflection, replacing an earlier one.
func (s *RoomService) Reflect(ctx context.Context, r *roundtable.Reflection) error {
	a := actorOf(ctx)
	r.Line = strings.TrimSpace(clean(r.Line))
	return s.db.update(ctx, func(tx *Tx) error {
		rc, err := openRoom(ctx, tx, a, r.MeetingID, false)
		if err != nil {
			return err
		}
		if rc.userID == "" {
			return errSignIn()
		}
		if rc.guest {
			return roundtable.Errorf(roundtable.EFORBIDDEN, "The closing reflection is for the circle's members.")
		}
		if err := rc.requireLive(true); err != nil {
			return err
		}
		seg := rc.segment()
		if !rc.st.ended() && !(rc.st.started() && seg != nil && seg.Kind == roundtable.SegmentClosing) {
			return roundtable.Errorf(roundtable.EINVALID, "The reflection opens when the meeting closes.")
		}
		var v roundtable.Problems
		for _, f := range []struct {
			key   string
			value int
		}{{"relevance", r.Relevance}, {"insights", r.Insights}, {"heard", r.Heard}} {
			if f.value < 1 || f.value > 5 {
				v.Add(f.key, "Choose from 1 to 5.")
			}
		}
		if utf8.RuneCountInString(r.Line) > roundtable.MaxReflectionLine {
			v.Add("line", fmt.Sprintf("Use at most %d characters.", roundtable.MaxReflectionLine))
		}
		if err := v.Err(); err != nil {
			return err
		}
		r.UserID, r.CreatedAt = rc.userID, tx.now
		line, err := tx.seal(ctx, rc.m.CircleID, "reflections", "line", rowID(r.MeetingID, r.UserID), r.Line)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO reflections (meeting_id, user_id, relevance, insights, heard, line, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (meeting_id, user_id) DO UPDATE SET relevance = excluded.relevance, insights = excluded.insights,
				heard = excluded.heard, line = excluded.line, created_at = excluded.created_at`,
			r.MeetingID, r.UserID, r.Relevance, r.Insights, r.Heard, line, ms(r.CreatedAt))
		if err != nil {
			return fmt.Errorf("save reflection: %w", err)
		}
		return nil
	})
}
