package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

// facilitating returns whether the actor facilitates the circle (ground
// rules accepted): ENOTFOUND outside it, EGROUNDRULES before the rules.
func facilitating(ctx context.Context, tx *Tx, a actor, circleID string) (bool, error) {
	mb, err := memberWithRules(ctx, tx, a, circleID)
	if err != nil {
		return false, err
	}
	return mb.role == roundtable.RoleFacilitator, nil
}

// CircleLapses returns what the circle page tells its facilitator.
func (s *LapseService) CircleLapses(ctx context.Context, circleID string) (*roundtable.CircleLapses, error) {
	if !validID(circleID) {
		return nil, notFound("circle")
	}
	return s.db.readLapses(ctx, actorOf(ctx), circleIs, circleID, true)
}

// MeetingTimeTrouble returns the meeting's trouble for its facilitator.
func (s *LapseService) MeetingTimeTrouble(ctx context.Context, meetingID string) (*roundtable.TimeTrouble, error) {
	if !validID(meetingID) {
		return nil, notFound("meeting")
	}
	l, err := s.db.readLapses(ctx, actorOf(ctx), meetingCircleIs, meetingID, false)
	if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
		return nil, notFound("meeting")
	} else if err != nil {
		return nil, err
	}
	for _, t := range l.Moves {
		if t.MeetingID == meetingID {
			return t, nil
		}
	}
	return nil, nil
}

// lapseRow is a row of readLapses' query: the caller's membership ('f'),
// an open alert ('a') or a coming meeting with the members' noes ('m').
type lapseRow struct {
	kind, s1, s2, s3, s4 string
	n1, n2, n3, n4       int64
}

// readLapses reads, in one statement, the actor's place in the circle
// picked by where (circleIs or meetingCircleIs, with arg) and, for its
// facilitator, the open alerts about its members (when alerts is set) and
// the coming meetings at least TimeTroubleNotice ahead, without an open
// poll, to which more than half of the members answered no. The circle
// pages read it on every visit: one statement, outside any transaction,
// which sees one consistent state on both engines (as readRow).
func (db *DB) readLapses(ctx context.Context, a actor, where, arg string, alerts bool) (*roundtable.CircleLapses, error) {
	if a.user == nil && !a.system {
		return nil, notFound("circle")
	}
	circle := `(SELECT c.id FROM circles c WHERE ` + where + `)`
	fac := `(CAST($3 AS INTEGER) = 1 OR EXISTS (SELECT 1 FROM circle_members f WHERE f.circle_id = ` + circle + `
		AND f.user_id = $2 AND f.role = 'facilitator' AND f.ground_rules_accepted_at IS NOT NULL))`
	q := `
		SELECT 'f', c.id, COALESCE(m.role, ''), '', '', CAST(COALESCE(m.ground_rules_accepted_at, -1) AS BIGINT), 0, 0, 0
		FROM circles c LEFT JOIN circle_members m ON m.circle_id = c.id AND m.user_id = $2
		WHERE ` + where + `
		UNION ALL
		SELECT 'm', x.id, '', '', '', x.starts_at, COUNT(*),
			(SELECT COUNT(*) FROM circle_members k WHERE k.circle_id = x.circle_id AND k.role = 'member'), 0
		FROM meetings x JOIN rsvps r ON r.meeting_id = x.id AND r.answer = 'no'
		JOIN circle_members m ON m.circle_id = x.circle_id AND m.user_id = r.user_id AND m.role = 'member'
		WHERE x.circle_id = ` + circle + ` AND x.cancelled_at IS NULL AND x.starts_at >= $4 AND ` + fac + `
			AND NOT EXISTS (SELECT 1 FROM polls p WHERE p.meeting_id = x.id AND p.closed_at IS NULL)
		GROUP BY x.id, x.starts_at, x.circle_id`
	if alerts {
		q += `
		UNION ALL
		SELECT 'a', l.user_id, u.name, l.meeting_id, l.rule, x.starts_at, l.missed, l.held, l.created_at
		FROM lapse_alerts l JOIN users u ON u.id = l.user_id JOIN meetings x ON x.id = l.meeting_id
		JOIN circle_members m ON m.circle_id = l.circle_id AND m.user_id = l.user_id AND m.role = 'member'
		WHERE l.circle_id = ` + circle + ` AND l.cleared_at IS NULL AND l.done_at IS NULL AND ` + fac
	}
	rs, err := db.readRows(ctx, q, arg, a.id(), flag(a.system && a.user == nil), ms(db.clock().Add(roundtable.TimeTroubleNotice)))
	if err != nil {
		return nil, fmt.Errorf("read lapses: %w", err)
	}
	defer rs.Close()
	var rows []lapseRow
	for rs.Next() {
		var r lapseRow
		if err := rs.Scan(&r.kind, &r.s1, &r.s2, &r.s3, &r.s4, &r.n1, &r.n2, &r.n3, &r.n4); err != nil {
			return nil, fmt.Errorf("read lapses: %w", err)
		}
		rows = append(rows, r)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("read lapses: %w", err)
	}
	return lapsesOf(rows, a)
}

// lapsesOf turns readLapses' rows into the facilitator's notices, or the
// error of an actor outside the circle or before its rules.
func lapsesOf(rows []lapseRow, a actor) (*roundtable.CircleLapses, error) {
	out := &roundtable.CircleLapses{}
	found, circleID := false, ""
	for _, r := range rows {
		switch r.kind {
		case "f":
			found, circleID = true, r.s1
			if a.user != nil && r.s2 == "" {
				return nil, notFound("circle")
			}
			if a.user != nil && r.n1 < 0 {
				return nil, errGroundRules()
			}
		case "m":
			if t := (&roundtable.TimeTrouble{MeetingID: r.s1, StartsAt: fromMS(r.n1), No: int(r.n2), Members: int(r.n3)}); 2*t.No > t.Members {
				out.Moves = append(out.Moves, t)
			}
		case "a":
			out.Alerts = append(out.Alerts, &roundtable.LapseAlert{UserID: r.s1, Name: r.s2, MeetingID: r.s3,
				Rule: roundtable.LapseRule(r.s4), MeetingAt: fromMS(r.n1), Missed: int(r.n2), Held: int(r.n3), CreatedAt: fromMS(r.n4)})
		}
	}
	if !found {
		return nil, notFound("circle")
	}
	slices.SortFunc(out.Moves, func(x, y *roundtable.TimeTrouble) int {
		return cmp.Or(x.StartsAt.Compare(y.StartsAt), cmp.Compare(x.MeetingID, y.MeetingID))
	})
	slices.SortFunc(out.Alerts, func(x, y *roundtable.LapseAlert) int {
		return cmp.Or(x.CreatedAt.Compare(y.CreatedAt), cmp.Compare(x.Name, y.Name), cmp.Compare(x.UserID, y.UserID))
	})
	for _, al := range out.Alerts {
		al.CircleID = circleID
	}
	return out, nil
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
	dropLapseCleared = "the member no longer crosses a lapse rule, or the facilitator followed it up"
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
		WHERE circle_id = $1 AND user_id = $2 AND meeting_id = $3 AND cleared_at IS NULL AND done_at IS NULL`, circleID, memberID, parts[2]).
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
