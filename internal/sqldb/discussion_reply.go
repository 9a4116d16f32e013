package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// ReadThread returns a page of a thread and records the caller's visit. The
// visit is recorded at the newest post the page showed (the thread's latest
// on its last page), so replies on later pages stay new until she gets
// there. It is recorded in its own short transaction, only when there was
// something new: reading a thread again writes nothing.
func (s *DiscussionService) ReadThread(ctx context.Context, threadID string, page int) (*roundtable.ThreadPage, error) {
	a := actorOf(ctx)
	var out *roundtable.ThreadPage
	var t *threadRow
	err := s.db.view(ctx, func(tx *Tx) error {
		var err error
		if t, _, err = threadAccess(ctx, tx, a, threadID, true); err != nil {
			return err
		}
		out = &roundtable.ThreadPage{Thread: &t.Thread, Pages: max(1, (t.Replies+roundtable.RepliesPerPage-1)/roundtable.RepliesPerPage)}
		if t.readAt >= 0 {
			last := fromMS(t.readAt)
			out.LastRead = &last
		}
		if t.NewReplies > 0 {
			var before int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM discussion_replies WHERE thread_id = $1 AND created_at <= $2`,
				t.ID, t.readAt).Scan(&before); err != nil {
				return fmt.Errorf("count replies read: %w", err)
			}
			out.FirstNewPage = before/roundtable.RepliesPerPage + 1
		}
		switch {
		case page <= 0 && out.FirstNewPage > 0:
			out.Page = out.FirstNewPage
		case page <= 0:
			out.Page = 1
		default:
			out.Page = min(page, out.Pages)
		}
		// The page's replies are found on the index alone, which holds
		// everything the ordering needs: skipping 950 replies for the last
		// page of a long thread then reads no reply it does not show.
		out.Replies, err = loadReplies(ctx, tx, t, a.id(), false, `x.id IN (
			SELECT y.id FROM discussion_replies y WHERE y.thread_id = $1 ORDER BY y.created_at, y.id
			LIMIT `+fmt.Sprint(roundtable.RepliesPerPage)+` OFFSET `+fmt.Sprint((out.Page-1)*roundtable.RepliesPerPage)+`)
			ORDER BY x.created_at, x.id`, t.ID)
		return err
	})
	if err != nil || a.user == nil {
		return out, err
	}
	seen := t.lastPost
	if out.Page < out.Pages && len(out.Replies) > 0 {
		seen = ms(out.Replies[len(out.Replies)-1].CreatedAt)
	}
	if seen <= t.readAt {
		return out, nil
	}
	err = s.db.update(ctx, func(tx *Tx) error { return markRead(ctx, tx, a.user.ID, t.ID, seen) })
	return out, err
}

// loadReplies returns the replies matching where (on discussion_replies x),
// opened with the key of thread t's circle and marked new for the reader:
// their HTML, and with source their Markdown too.
func loadReplies(ctx context.Context, tx *Tx, t *threadRow, readerID string, source bool, where string, args ...any) ([]*roundtable.Reply, error) {
	out, err := queryAll(ctx, tx, `
		SELECT x.id, COALESCE(x.author_id, ''), COALESCE(u.name, ''), x.body, x.body_html, x.created_at, x.edited_at
		FROM discussion_replies x LEFT JOIN users u ON u.id = x.author_id
		WHERE `+where, func(rows *sql.Rows) (*roundtable.Reply, error) {
		r := &roundtable.Reply{ThreadID: t.ID, CircleID: t.CircleID}
		var created int64
		var edited *int64
		err := rows.Scan(&r.ID, &r.AuthorID, &r.AuthorName, &r.Body, &r.BodyHTML, &created, &edited)
		r.CreatedAt, r.EditedAt = fromMS(created), nullMS(edited)
		r.New = created > t.readAt && r.AuthorID != readerID
		return r, err
	}, args...)
	if err != nil {
		return nil, fmt.Errorf("list replies: %w", err)
	}
	for _, r := range out {
		r.BodyHTML = tx.open(t.CircleID, t.wrapped, "discussion_replies", "body_html", r.ID, r.BodyHTML)
		if source {
			r.Body = tx.open(t.CircleID, t.wrapped, "discussion_replies", "body", r.ID, r.Body)
		} else {
			r.Body = ""
		}
	}
	return out, nil
}

// replyAccess returns a reply (with its Markdown) and its thread for a
// member of its circle.
func replyAccess(ctx context.Context, tx *Tx, a actor, replyID string) (*roundtable.Reply, *threadRow, error) {
	if !validID(replyID) {
		return nil, nil, notFound("reply")
	}
	var threadID string
	err := tx.QueryRowContext(ctx, `SELECT thread_id FROM discussion_replies WHERE id = $1`, replyID).Scan(&threadID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, notFound("reply")
	} else if err != nil {
		return nil, nil, fmt.Errorf("find reply: %w", err)
	}
	t, _, err := threadAccess(ctx, tx, a, threadID, false)
	if err != nil {
		return nil, nil, err
	}
	rs, err := loadReplies(ctx, tx, t, a.id(), true, `x.id = $1`, replyID)
	if err != nil {
		return nil, nil, err
	}
	if len(rs) == 0 {
		return nil, nil, notFound("reply")
	}
	return rs[0], t, nil
}

// FindReply returns a reply to a member of its circle.
func (s *DiscussionService) FindReply(ctx context.Context, replyID string) (*roundtable.Reply, error) {
	var out *roundtable.Reply
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		out, _, err = replyAccess(ctx, tx, actorOf(ctx), replyID)
		return err
	})
	return out, err
}

// AddReply adds a reply to a thread and tells those who want every post.
func (s *DiscussionService) AddReply(ctx context.Context, r *roundtable.Reply) error {
	a := actorOf(ctx)
	if a.user == nil {
		return notFound("thread")
	}
	r.Body = cleanPost(r.Body)
	return s.db.update(ctx, func(tx *Tx) error {
		t, _, err := threadAccess(ctx, tx, a, r.ThreadID, false)
		if err != nil {
			return err
		}
		if err := roundtable.ValidatePost("", r.Body, false); err != nil {
			return err
		}
		// A post's time is after the thread's latest post, by a millisecond
		// when the clock has not moved on: "new since your last visit"
		// compares times, and a visit is recorded at the latest post seen,
		// so two posts never share one. The update takes the thread's row
		// first, so concurrent replies each get their own time.
		var created int64
		if err := tx.QueryRowContext(ctx, `
			UPDATE discussion_threads SET replies = replies + 1,
				last_post_at = CASE WHEN last_post_at < $1 THEN $1 ELSE last_post_at + 1 END
			WHERE id = $2 RETURNING last_post_at`, ms(tx.now), t.ID).Scan(&created); err != nil {
			return fmt.Errorf("count reply: %w", err)
		}
		r.ID, r.CircleID, r.AuthorID, r.AuthorName, r.CreatedAt, r.EditedAt = newID(), t.CircleID, a.user.ID, a.user.Name, fromMS(created), nil
		body, bodyHTML, html, err := s.sealBody(ctx, tx, t.CircleID, "discussion_replies", r.ID, r.Body)
		if err != nil {
			return err
		}
		r.BodyHTML = html
		if _, err := tx.ExecContext(ctx, `INSERT INTO discussion_replies (id, thread_id, author_id, body, body_html, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			r.ID, t.ID, r.AuthorID, body, bodyHTML, created); err != nil {
			return fmt.Errorf("insert reply: %w", err)
		}
		// Her own reply is nothing new to her. (What others wrote before
		// it stays new if she had not seen it: she replied to the page she
		// had, which the visit recorded.)
		if t.lastPost <= t.readAt {
			if err := markRead(ctx, tx, a.user.ID, t.ID, created); err != nil {
				return err
			}
		}
		return enqueuePostMail(ctx, tx, t.CircleID, a.user.ID, kindDiscussionReply, r.ID)
	})
}

// checkOwnPost refuses a change to someone else's post, or to one's own
// after the edit window.
func checkOwnPost(a actor, authorID string, created, now time.Time, edit bool) error {
	if authorID == "" || authorID != a.id() {
		return roundtable.Errorf(roundtable.EFORBIDDEN, "Only its author can change or delete a post.")
	}
	if edit && !roundtable.Editable(authorID, a.id(), created, now) {
		return roundtable.Errorf(roundtable.EINVALID,
			"A post can be changed for %d minutes after it is written, and this one was written %s. Add a reply to say more, or delete it.",
			int(roundtable.EditWindow/time.Minute), ago(now.Sub(created)))
	}
	return nil
}

// ago says how long ago a duration was, roughly.
func ago(d time.Duration) string {
	switch {
	case d < 2*time.Hour:
		return fmt.Sprintf("%d minutes ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
}

// EditThread changes the caller's own thread within the edit window.
func (s *DiscussionService) EditThread(ctx context.Context, in *roundtable.Thread) error {
	a := actorOf(ctx)
	title, body, meetingID := strings.TrimSpace(clean(in.Title)), cleanPost(in.Body), strings.TrimSpace(in.MeetingID)
	return s.db.update(ctx, func(tx *Tx) error {
		t, _, err := threadAccess(ctx, tx, a, in.ID, false)
		if err != nil {
			return err
		}
		if err := checkOwnPost(a, t.AuthorID, t.CreatedAt, tx.now, true); err != nil {
			return err
		}
		if err := roundtable.ValidatePost(title, body, true); err != nil {
			return err
		}
		if err := checkThreadMeeting(ctx, tx, t.CircleID, meetingID); err != nil {
			return err
		}
		sealedTitle, err := tx.seal(ctx, t.CircleID, "discussion_threads", "title", t.ID, title)
		if err != nil {
			return err
		}
		sealedBody, sealedHTML, html, err := s.sealBody(ctx, tx, t.CircleID, "discussion_threads", t.ID, body)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE discussion_threads SET title = $1, body = $2, body_html = $3, meeting_id = $4, edited_at = $5 WHERE id = $6`,
			sealedTitle, sealedBody, sealedHTML, nullable(meetingID), ms(tx.now), t.ID); err != nil {
			return fmt.Errorf("update thread: %w", err)
		}
		in.Title, in.Body, in.BodyHTML, in.MeetingID, in.CircleID = title, body, html, meetingID, t.CircleID
		return nil
	})
}

// EditReply changes the caller's own reply within the edit window.
func (s *DiscussionService) EditReply(ctx context.Context, in *roundtable.Reply) error {
	a := actorOf(ctx)
	body := cleanPost(in.Body)
	return s.db.update(ctx, func(tx *Tx) error {
		r, t, err := replyAccess(ctx, tx, a, in.ID)
		if err != nil {
			return err
		}
		if err := checkOwnPost(a, r.AuthorID, r.CreatedAt, tx.now, true); err != nil {
			return err
		}
		if err := roundtable.ValidatePost("", body, false); err != nil {
			return err
		}
		sealed, sealedHTML, html, err := s.sealBody(ctx, tx, t.CircleID, "discussion_replies", r.ID, body)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE discussion_replies SET body = $1, body_html = $2, edited_at = $3 WHERE id = $4`,
			sealed, sealedHTML, ms(tx.now), r.ID); err != nil {
			return fmt.Errorf("update reply: %w", err)
		}
		in.Body, in.BodyHTML, in.ThreadID, in.CircleID = body, html, t.ID, t.CircleID
		return nil
	})
}

// DeleteThread deletes the caller's own thread and its replies. The row
// stays, emptied, so the thread's address can say it was deleted.
func (s *DiscussionService) DeleteThread(ctx context.Context, threadID string) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		t, _, err := threadAccess(ctx, tx, a, threadID, false)
		if err != nil {
			return err
		}
		if err := checkOwnPost(a, t.AuthorID, t.CreatedAt, tx.now, false); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM discussion_replies WHERE thread_id = $1`, t.ID); err != nil {
			return fmt.Errorf("delete replies: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE discussion_threads SET title = '', body = '', body_html = '', meeting_id = NULL, replies = 0, deleted_at = $1 WHERE id = $2`,
			ms(tx.now), t.ID); err != nil {
			return fmt.Errorf("delete thread: %w", err)
		}
		return nil
	})
}

// DeleteReply deletes the caller's own reply.
func (s *DiscussionService) DeleteReply(ctx context.Context, replyID string) (string, error) {
	a := actorOf(ctx)
	var threadID string
	err := s.db.update(ctx, func(tx *Tx) error {
		r, t, err := replyAccess(ctx, tx, a, replyID)
		if err != nil {
			return err
		}
		if err := checkOwnPost(a, r.AuthorID, r.CreatedAt, tx.now, false); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM discussion_replies WHERE id = $1`, r.ID); err != nil {
			return fmt.Errorf("delete reply: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE discussion_threads SET replies = replies - 1 WHERE id = $1 AND replies > 0`, t.ID); err != nil {
			return fmt.Errorf("count replies: %w", err)
		}
		threadID = t.ID
		return nil
	})
	return threadID, err
}
