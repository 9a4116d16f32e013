package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

// renderPoll asks a member to answer a poll for a new time, with the options
// in their own zone, or reminds them once. Nothing goes out for a closed
// poll, and no reminder to someone who answered.
func (db *DB) renderPoll(ctx context.Context, tx *Tx, j job) (rendered, error) {
	pollID := j.RefID
	if !validID(pollID) {
		return drop(dropPollGone), nil
	}
	var circleID, meetingID, scope, note, createdBy string
	var closed *int64
	err := tx.QueryRowContext(ctx, `
		SELECT circle_id, COALESCE(meeting_id, ''), scope, note, COALESCE(created_by, ''), closed_at
		FROM polls WHERE id = $1`, pollID).Scan(&circleID, &meetingID, &scope, &note, &createdBy, &closed)
	if errors.Is(err, sql.ErrNoRows) {
		return drop(dropPollGone), nil
	} else if err != nil {
		return rendered{}, fmt.Errorf("find poll: %w", err)
	}
	if closed != nil {
		return drop(dropPollClosed), nil
	}
	to, why, err := memberRecipient(ctx, tx, j, circleID)
	if to == nil {
		return drop(why), err
	}
	var answered int
	err = tx.QueryRowContext(ctx, `
		SELECT COUNT(*) FROM poll_answers a JOIN poll_options o ON o.id = a.option_id
		WHERE o.poll_id = $1 AND a.user_id = $2`, pollID, to.id).Scan(&answered)
	if err != nil {
		return rendered{}, fmt.Errorf("check poll answers: %w", err)
	}
	if answered > 0 && j.Kind == kindPollReminder {
		return drop(dropPollAnswered), nil
	}
	options, err := pollTimes(ctx, tx, pollID, to.loc, tx.now)
	if err != nil {
		return rendered{}, err
	}
	if len(options) == 0 {
		return drop(dropPollNoOptions), nil
	}
	c, err := findCircleInfo(ctx, tx, circleID)
	if err != nil {
		return rendered{}, err
	}
	d := mail.PollMail{
		To: to.email, Name: to.name, ProgramName: c.programName, CircleName: c.name,
		Facilitator: c.facilitator.name, Note: mail.Lines(note), Options: options,
		Series: roundtable.PollScope(scope) == roundtable.ScopeSeries,
		Link:   db.pollLink(pollID), Reminder: j.Kind == kindPollReminder, PrefsLink: db.prefsLink(),
	}
	if createdBy != "" {
		if name, err := userName(ctx, tx, createdBy); err != nil {
			return rendered{}, err
		} else if name != "" {
			d.Facilitator = name
		}
	}
	if meetingID != "" {
		m, err := findMeeting(ctx, tx, meetingID)
		if err != nil && roundtable.ErrorCode(err) != roundtable.ENOTFOUND {
			return rendered{}, err
		}
		if m != nil {
			d.Meeting = mail.When(m.StartsAt, m.EndsAt(), to.loc, tx.now)
		}
	}
	return rendered{msg: mail.Poll(d)}, nil
}

// pollTimes returns a poll's options in order, written in loc.
func pollTimes(ctx context.Context, tx *Tx, pollID string, loc *time.Location, now time.Time) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT starts_at, minutes FROM poll_options WHERE poll_id = $1 ORDER BY position, id`, pollID)
	if err != nil {
		return nil, fmt.Errorf("list poll options: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var starts int64
		var minutes int
		if err := rows.Scan(&starts, &minutes); err != nil {
			return nil, err
		}
		s := fromMS(starts)
		out = append(out, mail.When(s, s.Add(time.Duration(minutes)*time.Minute), loc, now))
	}
	return out, rows.Err()
}
