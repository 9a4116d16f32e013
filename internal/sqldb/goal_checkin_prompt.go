package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

// Members are asked to check in on their goals once a period of their
// program's cadence. A daily housekeeping job (kindCheckInsDue, keyed by the
// day, see ScheduleHousekeeping) enqueues one prompt per member, circle and
// period (kindCheckInPrompt, keyed by them), so each is asked once however
// many instances run; the prompt is rendered when sent, and dropped if she
// has checked in meanwhile.
const (
	kindCheckInsDue   = "checkins.due"   // RefID is the day (UTC)
	kindCheckInPrompt = "checkin.prompt" // RefID is "CIRCLE.PERIOD"
)

// Reasons a prompt is not sent.
const (
	dropCheckedIn     = "the member has checked in on every goal this period"
	dropPeriodOver    = "the period is over"
	dropProgramClosed = "the program is not running"
)

// checkInsDue enqueues the prompts of the current period for the members
// of running programs who have goals.
func (db *DB) checkInsDue(ctx context.Context, tx *Tx) (rendered, error) {
	type seat struct {
		circleID, userID, tz, start, end string
		cadence                          roundtable.CheckInCadence
	}
	seats, err := queryAll(ctx, tx, `
		SELECT m.circle_id, m.user_id, c.time_zone, p.start_date, p.end_date, p.checkin_every
		FROM circle_members m JOIN circles c ON c.id = m.circle_id JOIN programs p ON p.id = c.program_id
		JOIN users u ON u.id = m.user_id
		WHERE m.ground_rules_accepted_at IS NOT NULL AND u.deleted_at IS NULL
			AND EXISTS (SELECT 1 FROM goals g WHERE g.circle_id = m.circle_id AND g.user_id = m.user_id)
		ORDER BY m.circle_id, m.user_id`,
		func(rows *sql.Rows) (s seat, err error) {
			return s, rows.Scan(&s.circleID, &s.userID, &s.tz, &s.start, &s.end, &s.cadence)
		})
	if err != nil {
		return rendered{}, fmt.Errorf("list members with goals: %w", err)
	}
	n := 0
	for _, s := range seats {
		loc := roundtable.LoadLocation(s.tz)
		if !running(s.start, s.end, tx.now.In(loc)) {
			continue
		}
		period := s.cadence.Period(tx.now, loc)
		if err := enqueueJob(ctx, tx, job{Kind: kindCheckInPrompt, UserID: s.userID, RefID: s.circleID + "." + strconv.Itoa(period)}); err != nil {
			return rendered{}, err
		}
		n++
	}
	return drop(fmt.Sprintf("housekeeping, no message: %d check-in prompts due", n)), nil
}

// running reports whether the day of now lies within a program's dates.
func running(start, end string, now time.Time) bool {
	day := now.Format(roundtable.DateLayout)
	return start <= day && (end == "" || day <= end)
}

// renderCheckInPrompt asks a member to check in on her goals, if she still
// has goals to check in on this period and wants these messages.
func (db *DB) renderCheckInPrompt(ctx context.Context, tx *Tx, j job) (rendered, error) {
	circleID, period, _ := strings.Cut(j.RefID, ".")
	to, why, err := memberRecipient(ctx, tx, j, circleID)
	if to == nil {
		return drop(why), err
	}
	page, err := loadCheckIns(ctx, tx, circleID, j.UserID)
	if err != nil {
		return rendered{}, err
	}
	ci, err := findCheckInCircle(ctx, tx, circleID)
	if err != nil {
		return rendered{}, err
	}
	if strconv.Itoa(ci.cadence.Period(tx.now, ci.loc)) != period {
		return drop(dropPeriodOver), nil
	}
	c, err := findCircleInfo(ctx, tx, circleID)
	if err != nil {
		return rendered{}, err
	}
	d := mail.CheckInMail{To: to.email, Name: to.name, CircleName: c.name, ProgramName: c.programName,
		Period: ci.cadence.Noun(), Link: db.circleLink(circleID) + "/checkins", PrefsLink: db.prefsLink()}
	for _, g := range page.Goals {
		if g.Due {
			d.Goals = append(d.Goals, g.Goal.Text)
		}
	}
	if len(d.Goals) == 0 {
		return drop(dropCheckedIn), nil
	}
	return rendered{msg: mail.CheckInPrompt(d)}, nil
}
