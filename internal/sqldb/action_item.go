package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roundtable/roundtable"
)

// dueWithoutNextMeeting is when a commitment is due when its circle has no
// later meeting planned: four weeks after the meeting it was made in.
const dueWithoutNextMeeting = 28 * 24 * time.Hour

// actionItemColumns read a commitment, its circle's wrapped key last (to
// open its text and report).
const actionItemColumns = `a.id, a.circle_id, a.meeting_id, a.owner_id, u.name, a.text, COALESCE(a.source_post_id, ''),
	COALESCE(a.due_meeting_id, ''), a.due_at, a.status, a.report, a.created_at, a.closed_at, a.noted_at,
	COALESCE((SELECT ck.data_key FROM circles ck WHERE ck.id = a.circle_id), '')`

func scanActionItem(tx *Tx, row interface{ Scan(...any) error }) (*roundtable.ActionItem, error) {
	var it roundtable.ActionItem
	var due, created int64
	var closed, noted *int64
	var wrapped string
	err := row.Scan(&it.ID, &it.CircleID, &it.MeetingID, &it.OwnerID, &it.OwnerName, &it.Text, &it.SourcePostID,
		&it.DueMeetingID, &due, &it.Status, &it.Report, &created, &closed, &noted, &wrapped)
	if err != nil {
		return nil, err
	}
	it.DueAt, it.CreatedAt, it.ClosedAt, it.NotedAt = fromMS(due), fromMS(created), nullMS(closed), nullMS(noted)
	it.Text = tx.open(it.CircleID, wrapped, "action_items", "text", it.ID, it.Text)
	it.Report = tx.open(it.CircleID, wrapped, "action_items", "report", it.ID, it.Report)
	return &it, nil
}

// listActionItems returns the commitments a query selects with actionItemColumns.
func listActionItems(ctx context.Context, tx *Tx, query string, args ...any) ([]*roundtable.ActionItem, error) {
	out, err := queryAll(ctx, tx, query, func(rows *sql.Rows) (*roundtable.ActionItem, error) { return scanActionItem(tx, rows) }, args...)
	if err != nil {
		return nil, fmt.Errorf("list action items: %w", err)
	}
	return out, nil
}

// insertActionItems stores commitments made in meetings. Each gets an ID,
// CreatedAt, status open, its meeting's circle, and is due at the circle's
// next meeting that is not cancelled (DueAt its start), or four weeks after
// its meeting when none is planned, and a reminder to its owner a few days
// before. The caller checks who may and the text.
func insertActionItems(ctx context.Context, tx *Tx, items []*roundtable.ActionItem) error {
	type due struct {
		circleID, meetingID string
		at                  time.Time
	}
	dues := map[string]due{}
	for _, it := range items {
		d, ok := dues[it.MeetingID]
		if !ok {
			m, err := findMeeting(ctx, tx, it.MeetingID)
			if err != nil {
				return err
			}
			d = due{circleID: m.CircleID, at: m.StartsAt.Add(dueWithoutNextMeeting)}
			next, err := nextMeeting(ctx, tx, m.CircleID, m.StartsAt)
			if err != nil {
				return err
			}
			if next != nil {
				d.meetingID, d.at = next.ID, next.StartsAt
			}
			dues[it.MeetingID] = d
		}
		it.ID, it.CircleID, it.CreatedAt, it.Status, it.ClosedAt = newID(), d.circleID, tx.now, roundtable.ActionOpen, nil
		it.DueMeetingID, it.DueAt, it.Text = d.meetingID, d.at, clean(it.Text)
		text, err := tx.seal(ctx, it.CircleID, "action_items", "text", it.ID, it.Text)
		if err != nil {
			return err
		}
		report, err := tx.seal(ctx, it.CircleID, "action_items", "report", it.ID, it.Report)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO action_items (id, circle_id, meeting_id, owner_id, text, source_post_id, due_meeting_id, due_at, status, report, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			it.ID, it.CircleID, it.MeetingID, it.OwnerID, text, nullable(it.SourcePostID), nullable(it.DueMeetingID),
			ms(it.DueAt), it.Status, report, ms(it.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert action item: %w", err)
		}
	}
	return enqueueCommitmentReminders(ctx, tx, items)
}

// openFollowUps returns the open commitments that come back at a meeting:
// those of its circle made in earlier meetings and due at it or before it
// (a commitment not reported on comes back at every meeting until it is).
// Its own due meeting counts even if that meeting moved earlier.
func openFollowUps(ctx context.Context, tx *Tx, meetingID string) ([]*roundtable.ActionItem, error) {
	return listActionItems(ctx, tx, `
		SELECT `+actionItemColumns+followUpsFrom+`
		ORDER BY a.due_at, made.starts_at, a.created_at, a.id`, meetingID)
}

// followUpsFrom picks the follow-ups of meeting $1 (see openFollowUps), in
// action_items a with its owner u and the meeting made, where each was made.
const followUpsFrom = followUpsBase + ` AND a.status = 'open'`

// followUpsBase picks the commitments that come back at meeting $1 whatever
// their status.
const followUpsBase = `
	FROM action_items a
	JOIN users u ON u.id = a.owner_id
	JOIN meetings made ON made.id = a.meeting_id
	JOIN meetings this ON this.id = $1
	WHERE a.circle_id = this.circle_id AND a.meeting_id <> this.id
		AND made.starts_at < this.starts_at AND (a.due_meeting_id = this.id OR a.due_at <= this.starts_at)`

// followUpsNews also picks, besides the open ones, those their owners closed
// between meetings (see UpdateCommitment) before this one started: those
// due at it, and others closed since the last meeting before it started.
// Their owner's word shows at the follow-ups like a report given there.
const followUpsNews = followUpsBase + ` AND (a.status = 'open' OR (a.noted_at IS NOT NULL AND a.closed_at <= this.starts_at
		AND (a.due_meeting_id = this.id OR a.closed_at > COALESCE((SELECT MAX(p.starts_at) FROM meetings p
			WHERE p.circle_id = this.circle_id AND p.cancelled_at IS NULL AND p.starts_at < this.starts_at), 0))))`

// loadMeetingActions returns a meeting's follow-ups, as openFollowUps does
// with those closed between meetings (followUpsNews) besides,
// and the commitments made in it, in the order they were made, from one
// query: the first column tells the two apart and the last three order each.
func loadMeetingActions(ctx context.Context, tx *Tx, meetingID string) (followUps, made []*roundtable.ActionItem, err error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT 0, `+actionItemColumns+`, a.due_at, made.starts_at, a.created_at`+followUpsNews+`
		UNION ALL
		SELECT 1, `+actionItemColumns+`, a.created_at, 0, 0
		FROM action_items a JOIN users u ON u.id = a.owner_id
		WHERE a.meeting_id = $1
		ORDER BY 1, 17, 18, 19, 2`, meetingID)
	if err != nil {
		return nil, nil, fmt.Errorf("list action items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind int
		var o1, o2, o3 int64
		it, err := scanActionItem(tx, scanFunc(func(dest ...any) error {
			return rows.Scan(append(append([]any{&kind}, dest...), &o1, &o2, &o3)...)
		}))
		if err != nil {
			return nil, nil, err
		}
		if kind == 0 {
			followUps = append(followUps, it)
		} else {
			made = append(made, it)
		}
	}
	return followUps, made, rows.Err()
}

// findActionItem returns a commitment without checking who asks.
func findActionItem(ctx context.Context, tx *Tx, id string) (*roundtable.ActionItem, error) {
	if !validID(id) {
		return nil, notFound("commitment")
	}
	it, err := scanActionItem(tx, tx.QueryRowContext(ctx, `
		SELECT `+actionItemColumns+` FROM action_items a JOIN users u ON u.id = a.owner_id WHERE a.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("commitment")
	} else if err != nil {
		return nil, fmt.Errorf("find action item: %w", err)
	}
	return it, nil
}

// closeActionItem records what became of a commitment: done or dropped
// with the owner's report (closed now), or open again (the report kept).
// It checks neither who asks nor the report's length; the caller does, and
// wakes the room of the meeting where it was reported.
func closeActionItem(ctx context.Context, tx *Tx, id string, status roundtable.ActionStatus, report string) error {
	var closed any
	switch status {
	case roundtable.ActionDone, roundtable.ActionDropped:
		closed = ms(tx.now)
	case roundtable.ActionOpen:
	default:
		return roundtable.Errorf(roundtable.EINVALID, "Say whether the commitment is done or dropped.")
	}
	sealed, err := sealReport(ctx, tx, id, clean(report))
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE action_items SET status = $1, report = $2, closed_at = $3, noted_at = NULL WHERE id = $4`,
		status, sealed, closed, id)
	if err != nil {
		return fmt.Errorf("close action item: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return notFound("commitment")
	}
	return nil
}

// sealReport seals a commitment's report for its row.
func sealReport(ctx context.Context, tx *Tx, id, report string) (string, error) {
	if report == "" {
		return "", nil
	}
	var circleID string
	err := tx.QueryRowContext(ctx, `SELECT circle_id FROM action_items WHERE id = $1`, id).Scan(&circleID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("commitment")
	} else if err != nil {
		return "", fmt.Errorf("find action item: %w", err)
	}
	return tx.seal(ctx, circleID, "action_items", "report", id, report)
}
