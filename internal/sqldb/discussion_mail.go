package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"sort"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

// Discussion e-mails are keyed outbox jobs, rendered when due from the posts
// as they are then (a deleted post sends nothing) and only if the person
// still wants them:
//   - a post's e-mail, to each member who asked for one per post, enqueued
//     with the post;
//   - the weekly digest, to each member who kept the default: one job a
//     person a week, enqueued by the housekeeping pass (every instance
//     enqueues it, the key keeps one), telling what was written in the week
//     before it is due that she has not seen since.

// Kinds of discussion messages.
const (
	kindDiscussionThread = "discussion.thread" // RefID is the thread
	kindDiscussionReply  = "discussion.reply"  // RefID is the reply
	kindDiscussionDigest = "discussion.digest" // RefID is the day (UTC) it is due
)

// Reasons a discussion message is not sent.
const (
	dropPostGone      = "the post was deleted"
	dropNotImmediate  = "the recipient no longer wants an e-mail for each post"
	dropNotWeekly     = "the recipient no longer wants the weekly digest"
	dropNothingNew    = "nothing new in the recipient's circles' discussions"
	digestWeekday     = time.Monday
	digestHour        = 7 // UTC
	digestWindow      = 7 * 24 * time.Hour
	discussionDayForm = roundtable.DateLayout
)

func (db *DB) threadLink(id string) string           { return db.baseURL + "/threads/" + id }
func (db *DB) discussionLink(circleID string) string { return db.circleLink(circleID) + "/discussion" }

// enqueuePostMail tells the circle's people who want every post, but the
// author, of a new thread or reply.
func enqueuePostMail(ctx context.Context, tx *Tx, circleID, authorID, kind, postID string) error {
	people, err := queryStrings(ctx, tx, `
		SELECT m.user_id FROM circle_members m JOIN discussion_prefs p ON p.user_id = m.user_id
		WHERE m.circle_id = $1 AND p.delivery = $2 AND m.user_id <> $3 ORDER BY m.user_id`,
		circleID, string(roundtable.DeliverImmediate), authorID)
	if err != nil {
		return fmt.Errorf("list people to tell: %w", err)
	}
	for _, u := range people {
		if err := enqueueJob(ctx, tx, job{Kind: kind, UserID: u, RefID: postID}); err != nil {
			return err
		}
	}
	return nil
}

// renderDiscussionPost writes the e-mail about one new thread or reply.
func (db *DB) renderDiscussionPost(ctx context.Context, tx *Tx, j job) (rendered, error) {
	if !validID(j.RefID) {
		return drop(dropPostGone), nil
	}
	threadID, replyID := j.RefID, ""
	if j.Kind == kindDiscussionReply {
		replyID = j.RefID
		err := tx.QueryRowContext(ctx, `SELECT thread_id FROM discussion_replies WHERE id = $1`, replyID).Scan(&threadID)
		if errors.Is(err, sql.ErrNoRows) {
			return drop(dropPostGone), nil
		} else if err != nil {
			return rendered{}, fmt.Errorf("find reply: %w", err)
		}
	}
	ts, err := loadThreads(ctx, tx, j.UserID, replyID == "", `t.id = $2`, threadID)
	if err != nil {
		return rendered{}, err
	}
	if len(ts) == 0 || ts[0].deleted {
		return drop(dropPostGone), nil
	}
	t := ts[0]
	to, why, err := memberRecipient(ctx, tx, j, t.CircleID)
	if to == nil {
		return drop(why), err
	}
	if d, err := deliveryOf(ctx, tx, to.id); err != nil {
		return rendered{}, err
	} else if d != roundtable.DeliverImmediate {
		return drop(dropNotImmediate), nil
	}
	author, body, html := t.AuthorName, t.Body, t.BodyHTML
	if replyID != "" {
		rs, err := loadReplies(ctx, tx, t, to.id, true, `x.id = $1`, replyID)
		if err != nil {
			return rendered{}, err
		}
		if len(rs) == 0 {
			return drop(dropPostGone), nil
		}
		author, body, html = rs[0].AuthorName, rs[0].Body, rs[0].BodyHTML
	}
	c, err := findCircleInfo(ctx, tx, t.CircleID)
	if err != nil {
		return rendered{}, err
	}
	return rendered{msg: mail.DiscussionPost(mail.DiscussionMail{
		To: to.email, Name: to.name, ProgramName: c.programName, CircleName: c.name,
		Author: author, Title: t.Title, Reply: replyID != "", Body: mail.Lines(body), BodyHTML: template.HTML(html),
		Link: db.threadLink(t.ID), PrefsLink: db.discussionLink(t.CircleID) + "#messages",
	})}, nil
}

// digestDue returns the latest time a weekly digest was due at or before now.
func digestDue(now time.Time) time.Time {
	now = now.UTC()
	d := time.Date(now.Year(), now.Month(), now.Day(), digestHour, 0, 0, 0, time.UTC)
	for d.Weekday() != digestWeekday || d.After(now) {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// scheduleDigests enqueues this week's digest for everyone in a circle who
// kept the weekly digest, unless it is enqueued already.
func scheduleDigests(ctx context.Context, tx *Tx) error {
	due := digestDue(tx.now)
	people, err := queryStrings(ctx, tx, `
		SELECT DISTINCT m.user_id FROM circle_members m LEFT JOIN discussion_prefs p ON p.user_id = m.user_id
		WHERE m.ground_rules_accepted_at IS NOT NULL AND COALESCE(p.delivery, $1) = $1 ORDER BY m.user_id`,
		string(roundtable.DeliverWeekly))
	if err != nil {
		return fmt.Errorf("list digest readers: %w", err)
	}
	day := due.Format(discussionDayForm)
	for _, u := range people {
		if err := enqueueJob(ctx, tx, job{Kind: kindDiscussionDigest, UserID: u, RefID: day, DueAt: due}); err != nil {
			return err
		}
	}
	return nil
}

// ScheduleDigests enqueues this week's discussion digests now, as the
// housekeeping pass does once a day; tests call it to skip the wait.
func (o *Outbox) ScheduleDigests(ctx context.Context) error {
	return o.db.update(ctx, func(tx *Tx) error { return scheduleDigests(ctx, tx) })
}

// digestRow is a thread with news for a digest's reader.
type digestRow struct {
	threadID, circleID, wrapped, circleName, title, authorID, authorName string
	created, readAt                                                      int64
}

// renderDigest writes a person's weekly digest: in each of her circles,
// the threads started and the replies written by others in the week before
// the digest was due, which she has not seen since.
func (db *DB) renderDigest(ctx context.Context, tx *Tx, j job) (rendered, error) {
	day, err := time.Parse(discussionDayForm, j.RefID)
	if err != nil {
		return drop(dropNothingNew), nil
	}
	end := day.Add(digestHour * time.Hour)
	from := end.Add(-digestWindow)
	var email, name string
	err = tx.QueryRowContext(ctx, `SELECT email, name FROM users WHERE id = $1 AND deleted_at IS NULL`, j.UserID).Scan(&email, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return drop(dropNoAccount), nil
	} else if err != nil {
		return rendered{}, fmt.Errorf("find recipient: %w", err)
	}
	if d, err := deliveryOf(ctx, tx, j.UserID); err != nil {
		return rendered{}, err
	} else if d != roundtable.DeliverWeekly {
		return drop(dropNotWeekly), nil
	}
	rows, err := queryAll(ctx, tx, `
		SELECT t.id, t.circle_id, COALESCE(c.data_key, ''), c.name, t.title, COALESCE(t.author_id, ''), COALESCE(u.name, ''),
			t.created_at, COALESCE(r.read_at, -1)
		FROM discussion_threads t
		JOIN circle_members m ON m.circle_id = t.circle_id AND m.user_id = $1 AND m.ground_rules_accepted_at IS NOT NULL
		JOIN circles c ON c.id = t.circle_id
		LEFT JOIN users u ON u.id = t.author_id
		LEFT JOIN discussion_reads r ON r.thread_id = t.id AND r.user_id = $1
		WHERE t.deleted_at IS NULL AND t.last_post_at >= $2 AND t.last_post_at > COALESCE(r.read_at, -1)
		ORDER BY c.name, c.id, t.last_post_at DESC, t.id`, func(rows *sql.Rows) (d digestRow, err error) {
		return d, rows.Scan(&d.threadID, &d.circleID, &d.wrapped, &d.circleName, &d.title, &d.authorID, &d.authorName, &d.created, &d.readAt)
	}, j.UserID, ms(from))
	if err != nil {
		return rendered{}, fmt.Errorf("find digest threads: %w", err)
	}
	d := mail.DigestMail{To: email, Name: name}
	for _, r := range rows {
		th, err := db.digestThread(ctx, tx, j.UserID, r, ms(from), ms(end))
		if err != nil {
			return rendered{}, err
		}
		if th == nil {
			continue
		}
		if n := len(d.Circles); n == 0 || d.Circles[n-1].Link != db.discussionLink(r.circleID) {
			d.Circles = append(d.Circles, mail.DigestCircle{Name: r.circleName, Link: db.discussionLink(r.circleID)})
		}
		c := &d.Circles[len(d.Circles)-1]
		c.Threads = append(c.Threads, *th)
	}
	if len(d.Circles) == 0 {
		return drop(dropNothingNew), nil
	}
	d.PrefsLink = d.Circles[0].Link + "#messages"
	return rendered{msg: mail.DiscussionDigest(d)}, nil
}

// digestThread returns what is new to the reader in one thread within
// [from, end), or nil when nothing is.
func (db *DB) digestThread(ctx context.Context, tx *Tx, readerID string, r digestRow, from, end int64) (*mail.DigestThread, error) {
	after := max(from-1, r.readAt)
	names, err := queryStrings(ctx, tx, `
		SELECT COALESCE(u.name, '') FROM discussion_replies x LEFT JOIN users u ON u.id = x.author_id
		WHERE x.thread_id = $1 AND x.created_at > $2 AND x.created_at < $3 AND (x.author_id IS NULL OR x.author_id <> $4)
		ORDER BY x.created_at, x.id`, r.threadID, after, end, readerID)
	if err != nil {
		return nil, fmt.Errorf("find digest replies: %w", err)
	}
	th := &mail.DigestThread{Link: db.threadLink(r.threadID), NewReplies: len(names)}
	th.NewThread = r.created > after && r.created < end && r.authorID != readerID
	if !th.NewThread && th.NewReplies == 0 {
		return nil, nil
	}
	th.Author = r.authorName
	th.Title = tx.open(r.circleID, r.wrapped, "discussion_threads", "title", r.threadID, r.title)
	th.From = nameList(names)
	return th, nil
}

// nameList writes distinct names as people do: "Ana", "Ana and Ben",
// "Ana, Ben and Cem".
func nameList(names []string) string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if n == "" {
			n = roundtable.FormerMemberName
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	if len(out) <= 1 {
		return strings.Join(out, "")
	}
	return strings.Join(out[:len(out)-1], ", ") + " and " + out[len(out)-1]
}
