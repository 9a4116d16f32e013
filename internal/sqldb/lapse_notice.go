package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

// facilitating returns the actor's membership of the circle (ground rules
// accepted) and whether she facilitates it.
func facilitating(ctx context.Context, tx *Tx, a actor, circleID string) (bool, error) {
	mb, err := memberWithRules(ctx, tx, a, circleID)
	if err != nil {
		return false, err
	}
	return mb.role == roundtable.RoleFacilitator, nil
}

// CircleLapses returns what the circle page tells its facilitator.
func (s *LapseService) CircleLapses(ctx context.Context, circleID string) (*roundtable.CircleLapses, error) {
	out := &roundtable.CircleLapses{}
	err := s.db.view(ctx, func(tx *Tx) error {
		fac, err := facilitating(ctx, tx, actorOf(ctx), circleID)
		if err != nil || !fac {
			return err
		}
		if out.Alerts, err = openAlerts(ctx, tx, circleID); err != nil {
			return err
		}
		out.Moves, err = timeTroubles(ctx, tx, circleID, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// openAlerts reads the circle's open alerts about people still in it.
func openAlerts(ctx context.Context, tx *Tx, circleID string) ([]*roundtable.LapseAlert, error) {
	rows, err := queryAll(ctx, tx, `
		SELECT l.user_id, u.name, l.meeting_id, x.starts_at, l.rule, l.missed, l.held, l.created_at
		FROM lapse_alerts l JOIN users u ON u.id = l.user_id JOIN meetings x ON x.id = l.meeting_id
		JOIN circle_members m ON m.circle_id = l.circle_id AND m.user_id = l.user_id AND m.role = 'member'
		WHERE l.circle_id = $1 AND l.cleared_at IS NULL AND l.done_at IS NULL
		ORDER BY l.created_at, u.name, l.user_id`,
		func(rows *sql.Rows) (*roundtable.LapseAlert, error) {
			a := &roundtable.LapseAlert{CircleID: circleID}
			var at, created int64
			var rule string
			err := rows.Scan(&a.UserID, &a.Name, &a.MeetingID, &at, &rule, &a.Missed, &a.Held, &created)
			a.MeetingAt, a.CreatedAt, a.Rule = fromMS(at), fromMS(created), roundtable.LapseRule(rule)
			return a, err
		}, circleID)
	if err != nil {
		return nil, fmt.Errorf("list lapse alerts: %w", err)
	}
	return rows, nil
}

// timeTroubles returns the circle's coming meetings (only meetingID, when
// given) at least TimeTroubleNotice ahead to which more than half of the
// members answered no, leaving out those with an open poll for a new time.
func timeTroubles(ctx context.Context, tx *Tx, circleID, meetingID string) ([]*roundtable.TimeTrouble, error) {
	var members int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM circle_members WHERE circle_id = $1 AND role = 'member'`, circleID).Scan(&members); err != nil {
		return nil, fmt.Errorf("count members: %w", err)
	}
	if members == 0 {
		return nil, nil
	}
	rows, err := queryAll(ctx, tx, `
		SELECT x.id, x.starts_at, COUNT(*) FROM meetings x
		JOIN rsvps r ON r.meeting_id = x.id AND r.answer = 'no'
		JOIN circle_members m ON m.circle_id = x.circle_id AND m.user_id = r.user_id AND m.role = 'member'
		WHERE x.circle_id = $1 AND x.cancelled_at IS NULL AND x.starts_at >= $2 AND ($3 = '' OR x.id = $3)
			AND NOT EXISTS (SELECT 1 FROM polls p WHERE p.meeting_id = x.id AND p.closed_at IS NULL)
		GROUP BY x.id, x.starts_at ORDER BY x.starts_at, x.id`,
		func(rows *sql.Rows) (*roundtable.TimeTrouble, error) {
			t := &roundtable.TimeTrouble{Members: members}
			var at int64
			err := rows.Scan(&t.MeetingID, &at, &t.No)
			t.StartsAt = fromMS(at)
			return t, err
		}, circleID, ms(tx.now.Add(roundtable.TimeTroubleNotice)), meetingID)
	if err != nil {
		return nil, fmt.Errorf("count answers: %w", err)
	}
	var out []*roundtable.TimeTrouble
	for _, t := range rows {
		if 2*t.No > t.Members {
			out = append(out, t)
		}
	}
	return out, nil
}

// MeetingTimeTrouble returns the meeting's trouble for its facilitator.
func (s *LapseService) MeetingTimeTrouble(ctx context.Context, meetingID string) (*roundtable.TimeTrouble, error) {
	var out *roundtable.TimeTrouble
	err := s.db.view(ctx, func(tx *Tx) error {
		a := actorOf(ctx)
		circleID, err := meetingAccess(ctx, tx, a, meetingID)
		if err != nil {
			return err
		}
		fac, err := facilitating(ctx, tx, a, circleID)
		if err != nil || !fac {
			return err
		}
		ts, err := timeTroubles(ctx, tx, circleID, meetingID)
		if len(ts) > 0 {
			out = ts[0]
		}
		return err
	})
	return out, err
}

// ExcuseAbsence records whether an absence from a held meeting is excused.
func (s *LapseService) ExcuseAbsence(ctx context.Context, meetingID, userID string, excused bool) error {
	return s.db.update(ctx, func(tx *Tx) error {
		m, err := facilitatedMeeting(ctx, tx, actorOf(ctx), meetingID, "excuse an absence")
		if err != nil {
			return err
		}
		held, err := heldMeetings(ctx, tx, m.CircleID)
		if err != nil {
			return err
		}
		if !containsMeeting(held, meetingID) {
			return roundtable.Errorf(roundtable.EINVALID, "Absences can be excused once the meeting is over and its attendance taken.")
		}
		var role string
		err = tx.QueryRowContext(ctx, `SELECT role FROM circle_members WHERE circle_id = $1 AND user_id = $2`, m.CircleID, userID).Scan(&role)
		if errors.Is(err, sql.ErrNoRows) || role != string(roundtable.RoleMember) {
			return roundtable.Errorf(roundtable.EINVALID, "Choose a member of the circle.")
		} else if err != nil {
			return fmt.Errorf("find member: %w", err)
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO attendance (meeting_id, user_id, present, marked, excused, updated_at) VALUES ($1, $2, 0, 1, $3, $4)
			ON CONFLICT (meeting_id, user_id) DO UPDATE SET excused = excluded.excused, marked = 1, updated_at = excluded.updated_at
			WHERE attendance.present = 0`,
			meetingID, userID, flag(excused), ms(tx.now))
		if err != nil {
			return fmt.Errorf("excuse absence: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return roundtable.Errorf(roundtable.EINVALID, "She was there: only an absence can be excused.")
		}
		return evaluateLapses(ctx, tx, m.CircleID)
	})
}

func containsMeeting(held []heldMeeting, id string) bool {
	for _, h := range held {
		if h.id == id {
			return true
		}
	}
	return false
}

// MarkLapseDone records that the facilitator followed up a member's alert.
func (s *LapseService) MarkLapseDone(ctx context.Context, circleID, userID string) error {
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := requireFacilitator(ctx, tx, actorOf(ctx), circleID, "follow up absences"); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE lapse_alerts SET done_at = $1 WHERE circle_id = $2 AND user_id = $3 AND cleared_at IS NULL AND done_at IS NULL`,
			ms(tx.now), circleID, userID)
		if err != nil {
			return fmt.Errorf("follow up lapse: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return notFound("alert")
		}
		return nil
	})
}

// StepAway takes the caller out of the circle and tells its facilitators.
func (s *LapseService) StepAway(ctx context.Context, circleID string) error {
	a := actorOf(ctx)
	if a.user == nil {
		return notFound("circle")
	}
	return s.db.update(ctx, func(tx *Tx) error {
		mb, err := memberOf(ctx, tx, a, circleID)
		if err != nil {
			return err
		}
		if mb.role != roundtable.RoleMember {
			return roundtable.Errorf(roundtable.EINVALID, "As the circle's facilitator you cannot step away here; ask the program's organizers to name someone else.")
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO circle_departures (circle_id, user_id, applicant_id, left_at)
			SELECT circle_id, user_id, applicant_id, $3 FROM circle_members WHERE circle_id = $1 AND user_id = $2
			ON CONFLICT (circle_id, user_id) DO UPDATE SET applicant_id = excluded.applicant_id, left_at = excluded.left_at`,
			circleID, a.user.ID, ms(tx.now)); err != nil {
			return fmt.Errorf("record departure: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM lapse_alerts WHERE circle_id = $1 AND user_id = $2`, circleID, a.user.ID); err != nil {
			return fmt.Errorf("clear lapse alerts: %w", err)
		}
		facs, err := circleFacilitators(ctx, tx, circleID)
		if err != nil {
			return err
		}
		for _, f := range facs {
			if err := enqueueJob(ctx, tx, job{Kind: kindSteppedAway, UserID: f, RefID: circleID + "." + a.user.ID}); err != nil {
				return err
			}
		}
		return removeMember(ctx, tx, circleID, a.user.ID)
	})
}

// Reasons a lapse message is not sent.
const (
	dropLapseCleared = "the member no longer crosses a lapse rule"
	dropNotAway      = "the member is back in the circle"
)

// renderLapse writes a lapse message to a facilitator who still facilitates
// the circle: an alert only while it is open and she is still a member, a
// departure only while she is still away.
func (db *DB) renderLapse(ctx context.Context, tx *Tx, j job) (rendered, error) {
	parts := strings.Split(j.RefID, ".")
	if len(parts) < 2 || !validID(parts[0]) || !validID(parts[1]) {
		return drop(dropMemberLeft), nil
	}
	circleID, memberID := parts[0], parts[1]
	to, err := findRecipient(ctx, tx, j.UserID, circleID)
	if err != nil || to == nil {
		return drop(dropNoAccount), err
	}
	if to.role != roundtable.RoleFacilitator {
		return drop(dropNotFacilitor), nil
	}
	them, err := findRecipient(ctx, tx, memberID, circleID)
	if err != nil || them == nil {
		return drop(dropMemberLeft), err
	}
	c, err := findCircleInfo(ctx, tx, circleID)
	if err != nil {
		return rendered{}, err
	}
	d := mail.LapseMail{To: to.email, Name: to.name, Member: them.name, CircleName: c.name, ProgramName: c.programName,
		NextStep: roundtable.LapseNextStep, Link: db.circleLink(circleID)}
	if j.Kind == kindSteppedAway {
		if them.role != "" {
			return drop(dropNotAway), nil
		}
		return rendered{msg: mail.SteppedAway(d)}, nil
	}
	if len(parts) != 3 || them.role != roundtable.RoleMember {
		return drop(dropMemberLeft), nil
	}
	a := roundtable.LapseAlert{}
	var rule string
	err = tx.QueryRowContext(ctx, `
		SELECT rule, missed, held FROM lapse_alerts
		WHERE circle_id = $1 AND user_id = $2 AND meeting_id = $3 AND cleared_at IS NULL`, circleID, memberID, parts[2]).
		Scan(&rule, &a.Missed, &a.Held)
	if errors.Is(err, sql.ErrNoRows) {
		return drop(dropLapseCleared), nil
	} else if err != nil {
		return rendered{}, fmt.Errorf("find lapse alert: %w", err)
	}
	a.Rule = roundtable.LapseRule(rule)
	d.Reason = a.Reason()
	return rendered{msg: mail.LapseAlert(d)}, nil
}

// MeetingAttendance returns who came to a meeting, for its facilitator.
func (s *LapseService) MeetingAttendance(ctx context.Context, meetingID string) (*roundtable.MeetingAttendance, error) {
	var out *roundtable.MeetingAttendance
	err := s.db.view(ctx, func(tx *Tx) error {
		m, err := facilitatedMeeting(ctx, tx, actorOf(ctx), meetingID, "see the attendance")
		if err != nil {
			return err
		}
		held, err := heldMeetings(ctx, tx, m.CircleID)
		if err != nil {
			return err
		}
		out = &roundtable.MeetingAttendance{MeetingID: m.ID, CircleID: m.CircleID, StartsAt: m.StartsAt, Held: containsMeeting(held, m.ID)}
		out.Lines, err = queryAll(ctx, tx, `
			SELECT u.id, u.name, COALESCE(a.present, 0), COALESCE(a.excused, 0)
			FROM circle_members c JOIN users u ON u.id = c.user_id
			LEFT JOIN attendance a ON a.meeting_id = $1 AND a.user_id = c.user_id
			WHERE c.circle_id = $2 AND c.role = 'member' AND c.ground_rules_accepted_at IS NOT NULL
			ORDER BY u.name, u.id`,
			func(rows *sql.Rows) (l roundtable.AttendanceLine, err error) {
				var present, excused int
				err = rows.Scan(&l.UserID, &l.Name, &present, &excused)
				l.Present, l.Excused = present == 1, present == 0 && excused == 1
				return l, err
			}, m.ID, m.CircleID)
		if err != nil {
			return fmt.Errorf("list attendance: %w", err)
		}
		return nil
	})
	return out, err
}
