package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/markdown"
)

// DiscussionService implements roundtable.DiscussionService. Titles and
// bodies are sealed with the circle's key. A body is stored twice: as
// written (Markdown, for its author's edits and for e-mails) and as the
// sanitised HTML rendered from it when it was written, so a page of a long
// thread opens its posts and renders nothing (rendering and sanitising cost
// some 65 µs a post, most of such a page's time).
type DiscussionService struct {
	db *DB
	md *markdown.Renderer
}

var _ roundtable.DiscussionService = (*DiscussionService)(nil)

// NewDiscussionService returns the discussion service.
func NewDiscussionService(db *DB) *DiscussionService {
	return &DiscussionService{db: db, md: markdown.New()}
}

// sealBody seals a post's body and its rendered HTML for its row.
func (s *DiscussionService) sealBody(ctx context.Context, tx *Tx, circleID, table, rowID, body string) (sealed, sealedHTML, html string, err error) {
	html = string(s.md.HTML(body))
	if sealed, err = tx.seal(ctx, circleID, table, "body", rowID, body); err != nil {
		return "", "", "", err
	}
	if sealedHTML, err = tx.seal(ctx, circleID, table, "body_html", rowID, html); err != nil {
		return "", "", "", err
	}
	return sealed, sealedHTML, html, nil
}

// threadRow is a stored thread with what reading it needs.
type threadRow struct {
	roundtable.Thread
	wrapped  string // the circle's wrapped key
	deleted  bool
	readAt   int64 // the reader's last visit, -1 for none
	lastPost int64
}

// threadSelect reads threads with their author, meeting, circle key and the
// reader's ($1) last visit and count of replies new to her.
const threadSelect = `
	SELECT t.id, t.circle_id, c.name, COALESCE(t.author_id, ''), COALESCE(u.name, ''), COALESCE(t.meeting_id, ''), COALESCE(m.starts_at, 0),
		t.title, t.body, t.body_html, t.created_at, t.edited_at, t.deleted_at, t.last_post_at, t.replies, COALESCE(c.data_key, ''),
		COALESCE(r.read_at, -1),
		(SELECT COUNT(*) FROM discussion_replies x WHERE x.thread_id = t.id AND x.created_at > COALESCE(r.read_at, -1)
			AND (x.author_id IS NULL OR x.author_id <> $1))
	FROM discussion_threads t JOIN circles c ON c.id = t.circle_id
	LEFT JOIN users u ON u.id = t.author_id
	LEFT JOIN meetings m ON m.id = t.meeting_id
	LEFT JOIN discussion_reads r ON r.thread_id = t.id AND r.user_id = $1`

// loadThreads returns the threads matching where (on discussion_threads t;
// its parameters follow the reader's ID), opening titles and, with bodies,
// bodies too.
func loadThreads(ctx context.Context, tx *Tx, readerID string, bodies bool, where string, args ...any) ([]*threadRow, error) {
	rows, err := tx.QueryContext(ctx, threadSelect+` WHERE `+where, append([]any{readerID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("find threads: %w", err)
	}
	defer rows.Close()
	var out []*threadRow
	for rows.Next() {
		t := &threadRow{}
		var meetingAt, created int64
		var edited, deleted *int64
		if err := rows.Scan(&t.ID, &t.CircleID, &t.CircleName, &t.AuthorID, &t.AuthorName, &t.MeetingID, &meetingAt, &t.Title, &t.Body, &t.BodyHTML,
			&created, &edited, &deleted, &t.lastPost, &t.Replies, &t.wrapped, &t.readAt, &t.NewReplies); err != nil {
			return nil, err
		}
		t.CreatedAt, t.EditedAt, t.LastPostAt, t.deleted = fromMS(created), nullMS(edited), fromMS(t.lastPost), deleted != nil
		if t.MeetingID != "" {
			t.MeetingAt = fromMS(meetingAt)
		}
		t.New = t.lastPost > t.readAt && !t.deleted
		if t.readAt < 0 && t.AuthorID == readerID {
			t.New = t.NewReplies > 0
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, t := range out {
		t.Title = tx.open(t.CircleID, t.wrapped, "discussion_threads", "title", t.ID, t.Title)
		if bodies {
			t.Body = tx.open(t.CircleID, t.wrapped, "discussion_threads", "body", t.ID, t.Body)
			t.BodyHTML = tx.open(t.CircleID, t.wrapped, "discussion_threads", "body_html", t.ID, t.BodyHTML)
		} else {
			t.Body, t.BodyHTML = "", ""
		}
	}
	return out, nil
}

// threadAccess returns a thread for a member of its circle: ENOTFOUND for
// anyone else, EGROUNDRULES before the rules are accepted, *ThreadDeleted
// for a deleted thread.
func threadAccess(ctx context.Context, tx *Tx, a actor, id string, bodies bool) (*threadRow, *membership, error) {
	if !validID(id) {
		return nil, nil, notFound("thread")
	}
	ts, err := loadThreads(ctx, tx, a.id(), bodies, `t.id = $2`, id)
	if err != nil {
		return nil, nil, err
	}
	if len(ts) == 0 {
		return nil, nil, notFound("thread")
	}
	mb, err := memberWithRules(ctx, tx, a, ts[0].CircleID)
	if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
		return nil, nil, notFound("thread")
	} else if err != nil {
		return nil, nil, err
	}
	if ts[0].deleted {
		return nil, nil, &roundtable.ThreadDeleted{CircleID: ts[0].CircleID}
	}
	return ts[0], mb, nil
}

func threads(rows []*threadRow) []*roundtable.Thread {
	out := make([]*roundtable.Thread, len(rows))
	for i, r := range rows {
		out[i] = &r.Thread
	}
	return out
}

// ListThreads returns a circle's threads, the latest activity first.
func (s *DiscussionService) ListThreads(ctx context.Context, circleID string) (*roundtable.DiscussionIndex, error) {
	a := actorOf(ctx)
	out := &roundtable.DiscussionIndex{CircleID: circleID}
	err := s.db.view(ctx, func(tx *Tx) error {
		if _, err := memberWithRules(ctx, tx, a, circleID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT name FROM circles WHERE id = $1`, circleID).Scan(&out.CircleName); err != nil {
			return fmt.Errorf("find circle: %w", err)
		}
		rows, err := loadThreads(ctx, tx, a.id(), false, `t.circle_id = $2 AND t.deleted_at IS NULL ORDER BY t.last_post_at DESC, t.id DESC`, circleID)
		out.Threads = threads(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// MeetingThreads returns the threads linked to a meeting, oldest first.
func (s *DiscussionService) MeetingThreads(ctx context.Context, meetingID string) ([]*roundtable.Thread, error) {
	a := actorOf(ctx)
	var out []*roundtable.Thread
	err := s.db.view(ctx, func(tx *Tx) error {
		if _, err := meetingAccess(ctx, tx, a, meetingID); err != nil {
			return err
		}
		var err error
		out, err = meetingThreads(ctx, tx, a, meetingID)
		return err
	})
	return out, err
}

// meetingThreads returns the threads linked to a meeting the actor may see,
// oldest first.
func meetingThreads(ctx context.Context, tx *Tx, a actor, meetingID string) ([]*roundtable.Thread, error) {
	rows, err := loadThreads(ctx, tx, a.id(), false, `t.meeting_id = $2 AND t.deleted_at IS NULL ORDER BY t.created_at, t.id`, meetingID)
	return threads(rows), err
}

// checkThreadMeeting refuses a link to a meeting of another circle.
func checkThreadMeeting(ctx context.Context, tx *Tx, circleID, meetingID string) error {
	if meetingID == "" {
		return nil
	}
	var c string
	err := tx.QueryRowContext(ctx, `SELECT circle_id FROM meetings WHERE id = $1`, meetingID).Scan(&c)
	if !validID(meetingID) || errors.Is(err, sql.ErrNoRows) || (err == nil && c != circleID) {
		return fieldError("meeting_id", "Choose one of this circle's meetings, or none.")
	}
	if err != nil {
		return fmt.Errorf("find meeting: %w", err)
	}
	return nil
}

// cleanPost tidies a post's text as it is stored.
func cleanPost(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(clean(s), "\r\n", "\n"))
}

// StartThread opens a thread and tells those who want every post.
func (s *DiscussionService) StartThread(ctx context.Context, t *roundtable.Thread) error {
	a := actorOf(ctx)
	if a.user == nil {
		return notFound("circle")
	}
	t.Title, t.Body, t.MeetingID = strings.TrimSpace(clean(t.Title)), cleanPost(t.Body), strings.TrimSpace(t.MeetingID)
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := memberWithRules(ctx, tx, a, t.CircleID); err != nil {
			return err
		}
		if err := roundtable.ValidatePost(t.Title, t.Body, true); err != nil {
			return err
		}
		if err := checkThreadMeeting(ctx, tx, t.CircleID, t.MeetingID); err != nil {
			return err
		}
		t.ID, t.AuthorID, t.CreatedAt, t.LastPostAt, t.EditedAt, t.Replies = newID(), a.user.ID, tx.now, tx.now, nil, 0
		title, err := tx.seal(ctx, t.CircleID, "discussion_threads", "title", t.ID, t.Title)
		if err != nil {
			return err
		}
		body, bodyHTML, html, err := s.sealBody(ctx, tx, t.CircleID, "discussion_threads", t.ID, t.Body)
		if err != nil {
			return err
		}
		t.BodyHTML = html
		_, err = tx.ExecContext(ctx, `
			INSERT INTO discussion_threads (id, circle_id, author_id, meeting_id, title, body, body_html, created_at, last_post_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
			t.ID, t.CircleID, t.AuthorID, nullable(t.MeetingID), title, body, bodyHTML, ms(tx.now))
		if err != nil {
			return fmt.Errorf("insert thread: %w", err)
		}
		if err := markRead(ctx, tx, a.user.ID, t.ID, tx.now.UnixMilli()); err != nil {
			return err
		}
		return enqueuePostMail(ctx, tx, t.CircleID, a.user.ID, kindDiscussionThread, t.ID)
	})
}

// markRead records that the user has seen the thread up to at (ms); a
// later visit already recorded stays.
func markRead(ctx context.Context, tx *Tx, userID, threadID string, at int64) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO discussion_reads (user_id, thread_id, read_at) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, thread_id) DO UPDATE SET read_at = excluded.read_at
		WHERE discussion_reads.read_at < excluded.read_at`, userID, threadID, at)
	if err != nil {
		return fmt.Errorf("record visit: %w", err)
	}
	return nil
}

// DiscussionDelivery returns the caller's choice of e-mails.
func (s *DiscussionService) DiscussionDelivery(ctx context.Context) (roundtable.DiscussionDelivery, error) {
	a := actorOf(ctx)
	if a.user == nil {
		return "", errSignIn()
	}
	d := roundtable.DeliverWeekly
	err := s.db.view(ctx, func(tx *Tx) error {
		var err error
		d, err = deliveryOf(ctx, tx, a.user.ID)
		return err
	})
	return d, err
}

// deliveryOf returns a person's choice of discussion e-mails.
func deliveryOf(ctx context.Context, tx *Tx, userID string) (roundtable.DiscussionDelivery, error) {
	var d string
	err := tx.QueryRowContext(ctx, `SELECT delivery FROM discussion_prefs WHERE user_id = $1`, userID).Scan(&d)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !roundtable.DiscussionDelivery(d).Valid()) {
		return roundtable.DeliverWeekly, nil
	} else if err != nil {
		return "", fmt.Errorf("read discussion choice: %w", err)
	}
	return roundtable.DiscussionDelivery(d), nil
}

// SetDiscussionDelivery saves the caller's choice.
func (s *DiscussionService) SetDiscussionDelivery(ctx context.Context, d roundtable.DiscussionDelivery) error {
	a := actorOf(ctx)
	if a.user == nil {
		return errSignIn()
	}
	if !d.Valid() {
		return fieldError("delivery", "Choose how you hear about new posts.")
	}
	return s.db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO discussion_prefs (user_id, delivery) VALUES ($1, $2)
			ON CONFLICT (user_id) DO UPDATE SET delivery = excluded.delivery`, a.user.ID, string(d))
		if err != nil {
			return fmt.Errorf("save discussion choice: %w", err)
		}
		return nil
	})
}
