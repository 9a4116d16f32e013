package sqldb

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/roundtable/roundtable/internal/mail"
)

// Messages about meetings and polls are outbox rows of a kind, keyed, with
// no body: they are rendered when they are sent (render.go), from the meeting
// as it is then, in the recipient's time zone and only if the recipient still
// wants that kind. Enqueueing a key twice keeps the first row.

// Kinds of rendered messages.
const (
	kindInvitation   = "meeting.invitation"    // the meeting with a REQUEST calendar file; again on each change
	kindCancellation = "meeting.cancelled"     // a CANCEL calendar file
	kindReminderWeek = "meeting.reminder_week" // 7 days before: agenda, the presenter's challenge, readings
	kindReminderDay  = "meeting.reminder_day"  // the day before: time and link
	kindNotes        = "meeting.notes"         // minutes and commitments, after the meeting
	kindRSVPChange   = "meeting.rsvp"          // to the facilitator; RefID is the member who answered
	kindPollOpen     = "poll.open"             // RefID is the poll
	kindPollReminder = "poll.reminder"         // once, to members who have not answered; RefID is the poll
	kindDecisionOpen = "decision.open"         // RefID is the decision
	kindDecisionDue  = "decision.reminder"     // the day before it closes, to members who have not voted; RefID is the decision
)

// Reminder lead times before a meeting starts.
const (
	reminderWeekBefore = 7 * 24 * time.Hour
	reminderDayBefore  = 24 * time.Hour
)

// job is a rendered-when-sent outbox message.
type job struct {
	Kind      string
	MeetingID string // "" for poll messages
	UserID    string // the recipient
	Sequence  int    // the meeting's sequence the message is about
	RefID     string // see the kinds
	DueAt     time.Time
}

// key is the job's unique key and Message-ID local part: kind, subject
// (meeting or poll), recipient, reference and sequence.
func (j job) key() string {
	subject := j.MeetingID
	if subject == "" {
		subject = j.RefID
	}
	k := j.Kind + "." + subject + "." + j.UserID + "." + strconv.Itoa(j.Sequence)
	if j.MeetingID != "" && j.RefID != "" {
		k += "." + j.RefID
	}
	return k
}

// messageID is the Message-ID of the job's e-mail.
func (j job) messageID(host string) string { return j.key() + "@" + host }

// enqueueJob stores j to be rendered and sent at its due time (now when
// zero), unless a message with its key exists already.
func enqueueJob(ctx context.Context, tx *Tx, j job) error {
	due := j.DueAt
	if due.IsZero() || due.Before(tx.now) {
		due = tx.now
	}
	var meeting any
	if j.MeetingID != "" {
		meeting = j.MeetingID
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO outbox (id, kind, recipient, subject, text_body, html_body, next_attempt_at, created_at,
			dedupe_key, meeting_id, user_id, sequence, ref_id)
		VALUES ($1, $2, '', '', '', '', $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		newID(), j.Kind, ms(due), ms(tx.now), j.key(), meeting, nullable(j.UserID), j.Sequence, j.RefID)
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", j.Kind, err)
	}
	tx.enqueued = true
	return nil
}

// dropMeetingJobs marks the unsent messages of a meeting dropped with reason,
// those of the given kinds (every kind when none are given) and of sequences
// below before (every sequence when before is negative).
func dropMeetingJobs(ctx context.Context, tx *Tx, meetingID string, before int, reason string, kinds ...string) error {
	q := `UPDATE outbox SET dropped_at = $1, last_error = $2
		WHERE meeting_id = $3 AND sent_at IS NULL AND failed_at IS NULL AND dropped_at IS NULL`
	args := []any{ms(tx.now), reason, meetingID}
	if before >= 0 {
		args = append(args, before)
		q += ` AND sequence < $` + strconv.Itoa(len(args))
	}
	if len(kinds) > 0 {
		q += ` AND kind IN (`
		for i, k := range kinds {
			args = append(args, k)
			if i > 0 {
				q += ", "
			}
			q += "$" + strconv.Itoa(len(args))
		}
		q += `)`
	}
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("drop messages of meeting %s: %w", meetingID, err)
	}
	return nil
}

// scheduleMeetingMail enqueues, for each recipient, the invitation (now, at
// the meeting's current sequence) and the two reminders before startsAt.
// Call it when a meeting is created and again after every change of its time
// or place, with the raised sequence: messages of older sequences not yet
// sent are dropped first, so a moved meeting's reminders are re-timed and an
// update replaces an invitation still waiting. Reminders already due are not
// enqueued (a meeting set up three days ahead gets no one-week reminder).
func scheduleMeetingMail(ctx context.Context, tx *Tx, meetingID string, sequence int, startsAt time.Time, recipients []string) error {
	if sequence > 0 {
		if err := dropMeetingJobs(ctx, tx, meetingID, sequence, "the meeting changed since",
			kindInvitation, kindReminderWeek, kindReminderDay); err != nil {
			return err
		}
	}
	for _, u := range recipients {
		jobs := []job{{Kind: kindInvitation, MeetingID: meetingID, UserID: u, Sequence: sequence}}
		for _, r := range []struct {
			kind string
			lead time.Duration
		}{{kindReminderWeek, reminderWeekBefore}, {kindReminderDay, reminderDayBefore}} {
			if due := startsAt.Add(-r.lead); due.After(tx.now) {
				jobs = append(jobs, job{Kind: r.kind, MeetingID: meetingID, UserID: u, Sequence: sequence, DueAt: due})
			}
		}
		for _, j := range jobs {
			if err := enqueueJob(ctx, tx, j); err != nil {
				return err
			}
		}
	}
	return nil
}

// rendered is a job's message, or why it is not sent.
type rendered struct {
	msg  mail.Message
	drop string // "" to send; else the reason, kept in last_error
}
