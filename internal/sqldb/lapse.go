package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roundtable/roundtable"
)

// LapseService implements roundtable.LapseService.
type LapseService struct{ db *DB }

var _ roundtable.LapseService = (*LapseService)(nil)

// NewLapseService returns the service of lapse rules and alerts.
func NewLapseService(db *DB) *LapseService { return &LapseService{db: db} }

// Kinds of lapse messages, to the circle's facilitators. RefID is the
// circle's ID, the member's ID and, for an alert, the meeting at which she
// crossed the rule, joined by dots: one message per crossing.
const (
	kindLapseAlert  = "lapse.alert"
	kindSteppedAway = "lapse.stepped_away"
	// kindLapseHeld sends nothing: due when a meeting whose room took
	// attendance stops taking it, it measures the circle then, for meetings
	// nobody ended by hand. RefID is the meeting.
	kindLapseHeld = "lapse.held"
)

// lapseMailDelay is how long an alert waits before its e-mail goes: a
// facilitator taking attendance after a meeting marks people one by one,
// and an absence she corrects within it is never told.
const lapseMailDelay = 10 * time.Minute

// LapseRules returns a program's rules for one of its organizers.
func (s *LapseService) LapseRules(ctx context.Context, programID string) (*roundtable.LapseRules, error) {
	var r *roundtable.LapseRules
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		if err := requireOrganizer(ctx, tx, actorOf(ctx), programID); err != nil {
			return err
		}
		r, err = findLapseRules(ctx, tx, programID)
		return err
	})
	return r, err
}

// SetLapseRules saves a program's rules. Alerts are evaluated again as each
// circle's attendance is next recorded.
func (s *LapseService) SetLapseRules(ctx context.Context, r *roundtable.LapseRules) error {
	if err := r.Validate(); err != nil {
		return err
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if err := requireOrganizer(ctx, tx, actorOf(ctx), r.ProgramID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO lapse_rules (program_id, missed_in_a_row, missed_share_of, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (program_id) DO UPDATE SET missed_in_a_row = excluded.missed_in_a_row,
				missed_share_of = excluded.missed_share_of, updated_at = excluded.updated_at`,
			r.ProgramID, r.InARow, r.ShareOf, ms(tx.now))
		if err != nil {
			return fmt.Errorf("save lapse rules: %w", err)
		}
		return nil
	})
}

// findLapseRules reads a program's rules, the defaults when it set none.
func findLapseRules(ctx context.Context, tx *Tx, programID string) (*roundtable.LapseRules, error) {
	r := roundtable.DefaultLapseRules(programID)
	err := tx.QueryRowContext(ctx, `SELECT missed_in_a_row, missed_share_of FROM lapse_rules WHERE program_id = $1`, programID).
		Scan(&r.InARow, &r.ShareOf)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read lapse rules: %w", err)
	}
	return r, nil
}

// heldMeeting is a meeting of the circle that counts for attendance.
type heldMeeting struct {
	id       string
	startsAt time.Time
}

// heldMeetings returns the circle's held meetings, oldest first: not
// cancelled, attendance taken in the room, and over (ended in the room, or
// past the time the room takes attendance). A meeting without attendance
// tells nothing of who came.
func heldMeetings(ctx context.Context, tx *Tx, circleID string) ([]heldMeeting, error) {
	type row struct {
		heldMeeting
		minutes int
		ended   bool
		taken   int
	}
	rows, err := queryAll(ctx, tx, `
		SELECT x.id, x.starts_at, x.minutes, s.ended_at IS NOT NULL,
			(SELECT COUNT(*) FROM attendance a WHERE a.meeting_id = x.id)
		FROM meetings x LEFT JOIN room_state s ON s.meeting_id = x.id
		WHERE x.circle_id = $1 AND x.cancelled_at IS NULL AND x.starts_at <= $2
		ORDER BY x.starts_at, x.id`,
		func(rows *sql.Rows) (r row, err error) {
			var at int64
			err = rows.Scan(&r.id, &at, &r.minutes, &r.ended, &r.taken)
			r.startsAt = fromMS(at)
			return r, err
		}, circleID, ms(tx.now))
	if err != nil {
		return nil, fmt.Errorf("list held meetings: %w", err)
	}
	var out []heldMeeting
	for _, r := range rows {
		over := r.ended || tx.now.After(r.startsAt.Add(time.Duration(r.minutes)*time.Minute+joinLate))
		if over && r.taken > 0 {
			out = append(out, r.heldMeeting)
		}
	}
	return out, nil
}

// mark is a member's attendance at a meeting.
type mark struct{ present, excused bool }

// evaluateLapses measures every member of the circle who accepted the
// ground rules (the room takes attendance of her from then on) against the
// program's rules after a change of attendance, in the transaction of the change. A
// member who crossed a rule and has not come back since has an open alert,
// keyed by the meeting at which she crossed it, and each facilitator gets one
// e-mail per crossing; alerts a correction undid, or she came back from, are
// cleared. Joining a room never needs it: a room takes attendance only until
// its meeting counts as held; the first join schedules the evaluation for
// when it does (scheduleHeld).
func evaluateLapses(ctx context.Context, tx *Tx, circleID string) error {
	var programID string
	if err := tx.QueryRowContext(ctx, `SELECT program_id FROM circles WHERE id = $1`, circleID).Scan(&programID); err != nil {
		return fmt.Errorf("find circle: %w", err)
	}
	rules, err := findLapseRules(ctx, tx, programID)
	if err != nil {
		return err
	}
	held, err := heldMeetings(ctx, tx, circleID)
	if err != nil {
		return err
	}
	type member struct {
		id     string
		joined int64
	}
	members, err := queryAll(ctx, tx, `
		SELECT user_id, ground_rules_accepted_at FROM circle_members
		WHERE circle_id = $1 AND role = 'member' AND ground_rules_accepted_at IS NOT NULL
		ORDER BY user_id`,
		func(rows *sql.Rows) (m member, err error) { return m, rows.Scan(&m.id, &m.joined) }, circleID)
	if err != nil {
		return fmt.Errorf("list members: %w", err)
	}
	marks, err := circleMarks(ctx, tx, circleID)
	if err != nil {
		return err
	}
	facs, err := circleFacilitators(ctx, tx, circleID)
	if err != nil {
		return err
	}
	for _, m := range members {
		var seq []bool
		var at []heldMeeting
		for _, h := range held {
			if h.startsAt.Before(fromMS(m.joined)) {
				continue // before she took part: the room lists her from then on
			}
			k, ok := marks[h.id][m.id]
			if ok && !k.present && k.excused {
				continue
			}
			seq = append(seq, !ok || !k.present)
			at = append(at, h)
		}
		i, rule, count, n, crossed := rules.Crossing(seq)
		current := ""
		if crossed {
			current = at[i].id
			if err := openAlert(ctx, tx, circleID, m.id, current, rule, count, n, facs); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE lapse_alerts SET cleared_at = $1
			WHERE circle_id = $2 AND user_id = $3 AND meeting_id <> $4 AND cleared_at IS NULL`,
			ms(tx.now), circleID, m.id, current); err != nil {
			return fmt.Errorf("clear lapse alerts: %w", err)
		}
	}
	return nil
}

// scheduleHeld enqueues the evaluation of the circle for when the meeting
// counts as held without being ended by hand, once per meeting.
func scheduleHeld(ctx context.Context, tx *Tx, meetingID string) error {
	var at int64
	var minutes int
	if err := tx.QueryRowContext(ctx, `SELECT starts_at, minutes FROM meetings WHERE id = $1`, meetingID).Scan(&at, &minutes); err != nil {
		return fmt.Errorf("find meeting: %w", err)
	}
	due := fromMS(at).Add(time.Duration(minutes)*time.Minute + joinLate + time.Minute)
	return enqueueJob(ctx, tx, job{Kind: kindLapseHeld, RefID: meetingID, DueAt: due})
}

// evaluateHeld measures the circle of the job's meeting, if it still exists.
func (db *DB) evaluateHeld(ctx context.Context, tx *Tx, j job) (rendered, error) {
	var circleID string
	err := tx.QueryRowContext(ctx, `SELECT circle_id FROM meetings WHERE id = $1`, j.RefID).Scan(&circleID)
	if errors.Is(err, sql.ErrNoRows) {
		return drop(dropMeetingGone), nil
	} else if err != nil {
		return rendered{}, fmt.Errorf("find meeting: %w", err)
	}
	if err := evaluateLapses(ctx, tx, circleID); err != nil {
		return rendered{}, err
	}
	return drop("housekeeping, no message: attendance measured against the lapse rules"), nil
}

// circleMarks reads the attendance taken at the circle's meetings, by
// meeting and member.
func circleMarks(ctx context.Context, tx *Tx, circleID string) (map[string]map[string]mark, error) {
	type row struct {
		meetingID, userID string
		mark
	}
	rows, err := queryAll(ctx, tx, `
		SELECT a.meeting_id, a.user_id, a.present, a.excused FROM attendance a JOIN meetings x ON x.id = a.meeting_id
		WHERE x.circle_id = $1`,
		func(rows *sql.Rows) (r row, err error) {
			var present, excused int
			err = rows.Scan(&r.meetingID, &r.userID, &present, &excused)
			r.present, r.excused = present == 1, excused == 1
			return r, err
		}, circleID)
	if err != nil {
		return nil, fmt.Errorf("list attendance: %w", err)
	}
	out := map[string]map[string]mark{}
	for _, r := range rows {
		if out[r.meetingID] == nil {
			out[r.meetingID] = map[string]mark{}
		}
		out[r.meetingID][r.userID] = r.mark
	}
	return out, nil
}

// openAlert records a member's current crossing, keeping when it was first
// told, and enqueues its e-mail to each facilitator: the message's key makes
// it once per crossing, however often the rules are evaluated. A lapse that
// goes on while a correction moved where it began (an earlier absence
// excused or undone) is the same lapse: it keeps its follow-up, and a
// facilitator already told of it is not told again.
func openAlert(ctx context.Context, tx *Tx, circleID, userID, meetingID string, rule roundtable.LapseRule, count, held int, facs []string) error {
	prev, prevDone, err := openLapseElsewhere(ctx, tx, circleID, userID, meetingID)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO lapse_alerts (circle_id, user_id, meeting_id, rule, missed, held, created_at, done_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (circle_id, user_id, meeting_id) DO UPDATE SET rule = excluded.rule, missed = excluded.missed,
			held = excluded.held, cleared_at = NULL, done_at = COALESCE(lapse_alerts.done_at, excluded.done_at)`,
		circleID, userID, meetingID, string(rule), count, held, ms(tx.now), prevDone)
	if err != nil {
		return fmt.Errorf("record lapse alert: %w", err)
	}
	for _, f := range facs {
		if f == userID {
			continue
		}
		if prev != "" {
			told, err := lapseTold(ctx, tx, f, circleID+"."+userID+"."+prev)
			if err != nil {
				return err
			}
			if told || prevDone != nil {
				continue
			}
		}
		j := job{Kind: kindLapseAlert, UserID: f, RefID: circleID + "." + userID + "." + meetingID, DueAt: tx.now.Add(lapseMailDelay)}
		if err := enqueueJob(ctx, tx, j); err != nil {
			return err
		}
		// A message dropped because a correction undid the crossing before
		// it went is due again: the crossing is back and was never told.
		if _, err := tx.ExecContext(ctx, `
			UPDATE outbox SET dropped_at = NULL, last_error = '', attempts = 0, next_attempt_at = $1
			WHERE dedupe_key = $2 AND sent_at IS NULL AND dropped_at IS NOT NULL`,
			ms(j.DueAt), j.key()); err != nil {
			return fmt.Errorf("re-arm lapse alert: %w", err)
		}
	}
	return nil
}

// openLapseElsewhere returns the member's open alert at another meeting
// than meetingID, with when it was followed up (nil if not): her lapse as
// last measured. prev is "" when there is none.
func openLapseElsewhere(ctx context.Context, tx *Tx, circleID, userID, meetingID string) (prev string, done any, err error) {
	var doneAt *int64
	err = tx.QueryRowContext(ctx, `
		SELECT meeting_id, done_at FROM lapse_alerts
		WHERE circle_id = $1 AND user_id = $2 AND meeting_id <> $3 AND cleared_at IS NULL
		ORDER BY created_at DESC, meeting_id LIMIT 1`, circleID, userID, meetingID).Scan(&prev, &doneAt)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, nil
	} else if err != nil {
		return "", nil, fmt.Errorf("find open lapse alert: %w", err)
	}
	if doneAt != nil {
		done = *doneAt
	}
	return prev, done, nil
}

// lapseTold reports whether the facilitator was sent the alert of refID.
func lapseTold(ctx context.Context, tx *Tx, facilitatorID, refID string) (bool, error) {
	var n int
	key := job{Kind: kindLapseAlert, UserID: facilitatorID, RefID: refID}.key()
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE dedupe_key = $1 AND sent_at IS NOT NULL`, key).Scan(&n); err != nil {
		return false, fmt.Errorf("find lapse e-mail: %w", err)
	}
	return n > 0, nil
}
