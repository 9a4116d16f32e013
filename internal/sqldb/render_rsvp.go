package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

// renderRSVPChange tells the facilitator a member's answer as it is when the
// message goes out, so several changes in a row make one message with the
// last answer, and the count of answers so far. The job's reference is the
// member's ID, followed by ":" and when the change was made.
func (db *DB) renderRSVPChange(ctx context.Context, tx *Tx, j job) (rendered, error) {
	mm, why, err := loadMeetingMessage(ctx, tx, j)
	if err != nil || why != "" {
		return drop(why), err
	}
	memberID, _, _ := strings.Cut(j.RefID, ":")
	switch m := mm.m; {
	case mm.to.role != roundtable.RoleFacilitator:
		return drop(dropNotFacilitor), nil
	case memberID == mm.to.id:
		return drop(dropOwnAnswer), nil
	case m.Cancelled:
		return drop(dropCancelled), nil
	case !m.StartsAt.After(tx.now):
		return drop(dropStarted), nil
	}
	var name, answer string
	err = tx.QueryRowContext(ctx, `
		SELECT u.name, COALESCE(r.answer, '') FROM circle_members m JOIN users u ON u.id = m.user_id
		LEFT JOIN rsvps r ON r.meeting_id = $1 AND r.user_id = m.user_id
		WHERE m.circle_id = $2 AND m.user_id = $3`, mm.m.ID, mm.m.CircleID, memberID).Scan(&name, &answer)
	if errors.Is(err, sql.ErrNoRows) {
		return drop(dropMemberLeft), nil
	} else if err != nil {
		return rendered{}, fmt.Errorf("find answer: %w", err)
	}
	if !roundtable.RSVP(answer).Valid() {
		return drop(dropNoAnswer), nil
	}
	tally, err := rsvpTally(ctx, tx, mm.m.ID, mm.m.CircleID)
	if err != nil {
		return rendered{}, err
	}
	d := db.mailFor(mm, tx.now)
	d.Member, d.Answer, d.Tally = name, roundtable.RSVP(answer), tally
	return rendered{msg: withPrefs(mail.RSVPChanged, d, db)}, nil
}

// rsvpTally counts the members' answers, like "4 coming, 1 not coming, 2
// have not answered"; the facilitator is not counted.
func rsvpTally(ctx context.Context, tx *Tx, meetingID, circleID string) (string, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT COALESCE(r.answer, ''), COUNT(*) FROM circle_members m
		LEFT JOIN rsvps r ON r.meeting_id = $1 AND r.user_id = m.user_id
		WHERE m.circle_id = $2 AND m.role = 'member'
		GROUP BY COALESCE(r.answer, '')`, meetingID, circleID)
	if err != nil {
		return "", fmt.Errorf("count answers: %w", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var a string
		var n int
		if err := rows.Scan(&a, &n); err != nil {
			return "", err
		}
		counts[a] += n
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	var parts []string
	for _, c := range []struct{ answer, phrase string }{
		{"yes", " coming"}, {"maybe", " maybe"}, {"no", " not coming"}, {"", " not answered yet"},
	} {
		if n := counts[c.answer]; n > 0 {
			parts = append(parts, strconv.Itoa(n)+c.phrase)
		}
	}
	return strings.Join(parts, ", "), nil
}
