package sqldb

import (
	"context"
	"fmt"
	"time"

	"github.com/roundtable/roundtable"
)

// Speaking time is kept as turns: who had the floor from when to when. It is
// time only; nothing of what was said is stored.

// overAfter is the speaking time a meeting needs before anyone is flagged as
// speaking too much: in the first minutes a single answer is a big share.
const overAfter = 3 * time.Minute

// SetSpeaker gives the floor to userID ("" for nobody), closing the turn of
// whoever had it.
func (s *RoomService) SetSpeaker(ctx context.Context, meetingID, userID string) error {
	return s.change(ctx, meetingID, partState|partSpeaking, func(tx *Tx, rc *roomCtx) error {
		if err := rc.requireLive(false); err != nil {
			return err
		}
		if err := rc.requireTakingPart(); err != nil {
			return err
		}
		self := rc.userID != "" && (userID == rc.userID || (userID == "" && rc.st.speakerID == rc.userID))
		if !self && !rc.canFacilitate() {
			return roundtable.Errorf(roundtable.EFORBIDDEN, "Only the facilitator can give the floor to someone else.")
		}
		if !rc.st.started() {
			return roundtable.Errorf(roundtable.EINVALID, "Start the meeting first.")
		}
		if userID == rc.st.speakerID {
			return nil
		}
		if userID != "" {
			people, err := loadPeople(ctx, tx, rc.m.CircleID, rc.m.ID)
			if err != nil {
				return err
			}
			if p := findPerson(people, userID); p == nil || (p.Guest && !guestShared(rc.st, rc.segment())) {
				return roundtable.Errorf(roundtable.EINVALID, "Choose someone in the room.")
			}
		}
		if err := closeTurn(ctx, tx, rc.m.ID); err != nil {
			return err
		}
		if userID == "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO speaking_turns (id, meeting_id, user_id, started_at) VALUES ($1, $2, $3, $4)`,
			newID(), rc.m.ID, userID, ms(tx.now))
		if err != nil {
			return fmt.Errorf("open turn: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE room_state SET speaker_id = $1, speaker_since = $2 WHERE meeting_id = $3`,
			userID, ms(tx.now), rc.m.ID); err != nil {
			return fmt.Errorf("set speaker: %w", err)
		}
		// Having the floor answers a raised hand.
		if _, err := tx.ExecContext(ctx, `DELETE FROM raised_hands WHERE meeting_id = $1 AND user_id = $2`, rc.m.ID, userID); err != nil {
			return fmt.Errorf("lower hand: %w", err)
		}
		return nil
	})
}

// closeTurn ends the open turn of a meeting, if any. A turn that lasted no
// time at all (the floor given by mistake and moved on) is not kept, so the
// person still counts as not having spoken.
func closeTurn(ctx context.Context, tx *Tx, meetingID string) error {
	if err := touchRoom(ctx, tx, meetingID, partState, partSpeaking); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE speaking_turns SET ended_at = $1 WHERE meeting_id = $2 AND ended_at IS NULL`,
		ms(tx.now), meetingID); err != nil {
		return fmt.Errorf("close turn: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM speaking_turns WHERE meeting_id = $1 AND ended_at = started_at`, meetingID); err != nil {
		return fmt.Errorf("drop empty turn: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE room_state SET speaker_id = NULL, speaker_since = NULL WHERE meeting_id = $1`, meetingID); err != nil {
		return fmt.Errorf("clear speaker: %w", err)
	}
	return nil
}

// RaiseHand raises or lowers the caller's hand.
func (s *RoomService) RaiseHand(ctx context.Context, meetingID string, raised bool) error {
	return s.change(ctx, meetingID, partSpeaking, func(tx *Tx, rc *roomCtx) error {
		if rc.userID == "" {
			return errSignIn()
		}
		if err := rc.requireLive(false); err != nil {
			return err
		}
		if err := rc.requireTakingPart(); err != nil {
			return err
		}
		q := `DELETE FROM raised_hands WHERE meeting_id = $1 AND user_id = $2`
		args := []any{rc.m.ID, rc.userID}
		if raised {
			q = `INSERT INTO raised_hands (meeting_id, user_id, raised_at) VALUES ($1, $2, $3) ON CONFLICT (meeting_id, user_id) DO NOTHING`
			args = append(args, ms(tx.now))
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("raise hand: %w", err)
		}
		return nil
	})
}

// lowerHands lowers every raised hand of a meeting.
func lowerHands(ctx context.Context, tx *Tx, meetingID string) error {
	if err := touchRoom(ctx, tx, meetingID, partSpeaking); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM raised_hands WHERE meeting_id = $1`, meetingID); err != nil {
		return fmt.Errorf("lower hands: %w", err)
	}
	return nil
}

// loadSpeaking returns a meeting's raised hands, in the order they went
// up, and its speaking turns, from one query: the first column tells them
// apart.
func loadSpeaking(ctx context.Context, tx *Tx, meetingID string) ([]roundtable.Hand, []turn, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT 0, h.user_id, u.name, h.raised_at, NULL FROM raised_hands h JOIN users u ON u.id = h.user_id
		WHERE h.meeting_id = $1
		UNION ALL
		SELECT 1, t.user_id, '', t.started_at, t.ended_at FROM speaking_turns t WHERE t.meeting_id = $1
		ORDER BY 1, 4, 2`, meetingID)
	if err != nil {
		return nil, nil, fmt.Errorf("load hands and turns: %w", err)
	}
	defer rows.Close()
	var hands []roundtable.Hand
	var turns []turn
	for rows.Next() {
		var kind int
		var userID, name string
		var at int64
		var end *int64
		if err := rows.Scan(&kind, &userID, &name, &at, &end); err != nil {
			return nil, nil, err
		}
		if kind == 0 {
			hands = append(hands, roundtable.Hand{UserID: userID, Name: name, RaisedAt: fromMS(at)})
			continue
		}
		t := turn{userID: userID, start: fromMS(at)}
		if end != nil {
			t.end = fromMS(*end)
		}
		turns = append(turns, t)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("load hands and turns: %w", err)
	}
	return hands, turns, nil
}

// turn is one stretch of speaking; end is zero while it lasts.
type turn struct {
	userID     string
	start, end time.Time
}

// speakingShares spreads the speaking time among the circle's members: each
// present member and each member who spoke, in the order of people. The fair
// share is one over the members present; a member is flagged over it when she
// has more than twice that share once the meeting has had overAfter of
// speaking. Guests are left out: a guest speaker is there to speak.
func speakingShares(people []roundtable.RoomPerson, turns []turn, now time.Time) []roundtable.SpeakingShare {
	spoken := map[string]time.Duration{}
	took := map[string]bool{}
	for _, t := range turns {
		end := t.end
		if end.IsZero() {
			end = now
		}
		if d := end.Sub(t.start); d > 0 {
			spoken[t.userID] += d
		}
		took[t.userID] = true
	}
	var out []roundtable.SpeakingShare
	var total time.Duration
	present := 0
	for _, p := range people {
		if p.Guest || (!p.Present && !took[p.UserID]) {
			continue
		}
		if p.Present {
			present++
		}
		total += spoken[p.UserID]
		out = append(out, roundtable.SpeakingShare{UserID: p.UserID, Name: p.Name, Spoken: spoken[p.UserID], NotYet: p.Present && !took[p.UserID]})
	}
	if len(out) == 0 {
		return nil
	}
	fair := 1 / float64(max(present, 1))
	if present == 0 {
		fair = 1 / float64(len(out))
	}
	for i := range out {
		out[i].Fair = fair
		if total > 0 {
			out[i].Share = float64(out[i].Spoken) / float64(total)
		}
		out[i].Over = total >= overAfter && out[i].Share > 2*fair
	}
	return out
}
