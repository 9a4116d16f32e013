package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/roundtable/roundtable"
)

// rsvpDelay is how long a change of answer waits before the facilitator is
// told, so that a quick change of mind makes one message, with the answer
// as it is when it goes.
const rsvpDelay = 5 * time.Minute

// CancelMeeting cancels a meeting and tells everyone in the circle.
func (s *MeetingService) CancelMeeting(ctx context.Context, id string) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		m, err := facilitatedMeeting(ctx, tx, a, id, "cancel meetings")
		if err != nil {
			return err
		}
		if m.Cancelled {
			return roundtable.Errorf(roundtable.ECONFLICT, "This meeting is cancelled already.")
		}
		if err := checkChangeable(m, tx); err != nil {
			return err
		}
		return cancelMeeting(ctx, tx, m)
	})
}

// cancelMeeting marks a meeting cancelled at a raised sequence, drops its
// unsent messages, sends everyone a cancellation and closes its open polls.
func cancelMeeting(ctx context.Context, tx *Tx, m *roundtable.Meeting) error {
	m.Sequence++
	m.Cancelled = true
	_, err := tx.ExecContext(ctx, `UPDATE meetings SET cancelled_at = $1, sequence = $2, updated_at = $3 WHERE id = $4`,
		ms(tx.now), m.Sequence, ms(tx.now), m.ID)
	if err != nil {
		return fmt.Errorf("cancel meeting: %w", err)
	}
	if err := dropMeetingJobs(ctx, tx, m.ID, -1, "the meeting was cancelled"); err != nil {
		return err
	}
	people, err := circlePeople(ctx, tx, m.CircleID)
	if err != nil {
		return err
	}
	for _, u := range people {
		if err := enqueueJob(ctx, tx, job{Kind: kindCancellation, MeetingID: m.ID, UserID: u, Sequence: m.Sequence}); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE polls SET closed_at = $1 WHERE meeting_id = $2 AND closed_at IS NULL`, ms(tx.now), m.ID); err != nil {
		return fmt.Errorf("close polls of a cancelled meeting: %w", err)
	}
	return nil
}

// SaveNotes saves a meeting's minutes and commitments and, when asked,
// sends them to everyone in the circle.
func (s *MeetingService) SaveNotes(ctx context.Context, id, notes string, send bool) error {
	a := actorOf(ctx)
	notes = clean(notes)
	return s.db.update(ctx, func(tx *Tx) error {
		m, err := facilitatedMeeting(ctx, tx, a, id, "write the notes")
		if err != nil {
			return err
		}
		if m.Cancelled {
			return roundtable.Errorf(roundtable.EINVALID, "This meeting is cancelled.")
		}
		if err := roundtable.ValidateNotes(notes, send); err != nil {
			return err
		}
		if send && m.StartsAt.After(tx.now) {
			return &roundtable.Error{Code: roundtable.EINVALID, Message: "Send the notes once the meeting has taken place.",
				Fields: map[string]string{"send": "Send the notes once the meeting has taken place; you can save them now."}}
		}
		if notes != m.Notes {
			// A new version of the minutes: the live room merges with it.
			if err := saveMinutes(ctx, tx, id, a.id(), notes); err != nil {
				return err
			}
			if err := touchRoom(ctx, tx, id, partMinutes); err != nil {
				return err
			}
		}
		if send {
			if _, err := tx.ExecContext(ctx, `UPDATE meetings SET notes_sent_at = $1 WHERE id = $2`, ms(tx.now), id); err != nil {
				return fmt.Errorf("mark notes sent: %w", err)
			}
		}
		if !send {
			return nil
		}
		people, err := circlePeople(ctx, tx, m.CircleID)
		if err != nil {
			return err
		}
		// Each sending is its own message: notes sent again after a
		// correction reach everyone again.
		ref := strconv.FormatInt(ms(tx.now), 10)
		for _, u := range people {
			if err := enqueueJob(ctx, tx, job{Kind: kindNotes, MeetingID: id, UserID: u, Sequence: m.Sequence, RefID: ref}); err != nil {
				return err
			}
		}
		return nil
	})
}

// SetRSVP records the caller's answer and, when it changed, tells the
// facilitator a few minutes later.
func (s *MeetingService) SetRSVP(ctx context.Context, meetingID string, r roundtable.RSVP) error {
	a := actorOf(ctx)
	if a.user == nil {
		return notFound("meeting")
	}
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := meetingAccess(ctx, tx, a, meetingID); err != nil {
			return err
		}
		if !r.Valid() {
			return &roundtable.Error{Code: roundtable.EINVALID, Message: "Choose yes, no or maybe.", Fields: map[string]string{"rsvp": "Choose yes, no or maybe."}}
		}
		m, err := findMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if m.Cancelled {
			return roundtable.Errorf(roundtable.EINVALID, "This meeting is cancelled.")
		}
		var prev string
		err = tx.QueryRowContext(ctx, `SELECT answer FROM rsvps WHERE meeting_id = $1 AND user_id = $2`, meetingID, a.user.ID).Scan(&prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("find answer: %w", err)
		}
		if prev == string(r) {
			return nil
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO rsvps (meeting_id, user_id, answer, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (meeting_id, user_id) DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at`,
			meetingID, a.user.ID, string(r), ms(tx.now))
		if err != nil {
			return fmt.Errorf("set answer: %w", err)
		}
		if !m.EndsAt().After(tx.now) {
			return nil // an answer after the fact changes nobody's plans
		}
		return tellFacilitators(ctx, tx, m, a.user.ID)
	})
}

// tellFacilitators enqueues, for each facilitator other than the member, a
// message about the member's answer, unless one is still waiting: that one
// will carry the answer as it is when it goes.
func tellFacilitators(ctx context.Context, tx *Tx, m *roundtable.Meeting, memberID string) error {
	facs, err := circleFacilitators(ctx, tx, m.CircleID)
	if err != nil {
		return err
	}
	for _, f := range facs {
		if f == memberID {
			continue
		}
		var waiting int
		err := tx.QueryRowContext(ctx, `
			SELECT COUNT(*) FROM outbox
			WHERE meeting_id = $1 AND kind = $2 AND user_id = $3 AND ref_id LIKE $4
				AND sent_at IS NULL AND failed_at IS NULL AND dropped_at IS NULL`,
			m.ID, kindRSVPChange, f, memberID+":%").Scan(&waiting)
		if err != nil {
			return fmt.Errorf("find waiting answer message: %w", err)
		}
		if waiting > 0 {
			continue
		}
		// The reference holds the member and the moment, so that later
		// changes, once this message is sent, make messages of their own.
		ref := memberID + ":" + strconv.FormatInt(ms(tx.now), 10)
		j := job{Kind: kindRSVPChange, MeetingID: m.ID, UserID: f, Sequence: m.Sequence, RefID: ref, DueAt: tx.now.Add(rsvpDelay)}
		if err := enqueueJob(ctx, tx, j); err != nil {
			return err
		}
	}
	return nil
}

// mailLabels names the kinds of meeting messages the facilitator follows,
// in the order the form lists them.
var mailLabels = []struct{ kind, name, label string }{
	{kindInvitation, "invitation", "Invitation"},
	{kindReminderWeek, "reminder_week", "Reminder a week before"},
	{kindReminderDay, "reminder_day", "Reminder the day before"},
	{kindNotes, "notes", "Notes"},
	{kindCancellation, "cancellation", "Cancellation"},
}

// ListMeetingMail returns what became of the messages about a meeting.
// Invitations and reminders count at the meeting's current sequence: those
// of an earlier time were replaced.
func (s *MeetingService) ListMeetingMail(ctx context.Context, id string) ([]*roundtable.MeetingMail, error) {
	a := actorOf(ctx)
	var out []*roundtable.MeetingMail
	err := s.db.view(ctx, func(tx *Tx) error {
		m, err := facilitatedMeeting(ctx, tx, a, id, "follow the meeting's messages")
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `
			SELECT kind, sequence, sent_at, next_attempt_at, dropped_at, failed_at, last_error FROM outbox
			WHERE meeting_id = $1 AND dedupe_key IS NOT NULL ORDER BY id`, id)
		if err != nil {
			return fmt.Errorf("list meeting mail: %w", err)
		}
		defer rows.Close()
		byKind := map[string]*roundtable.MeetingMail{}
		for _, l := range mailLabels {
			mm := &roundtable.MeetingMail{Kind: l.name, Label: l.label}
			byKind[l.kind] = mm
			out = append(out, mm)
		}
		for rows.Next() {
			var kind string
			var seq int
			var next int64
			var sent, dropped, failed *int64
			var reason string
			if err := rows.Scan(&kind, &seq, &sent, &next, &dropped, &failed, &reason); err != nil {
				return err
			}
			mm := byKind[kind]
			if mm == nil {
				continue
			}
			if seq != m.Sequence && (kind == kindInvitation || kind == kindReminderWeek || kind == kindReminderDay) {
				continue
			}
			switch {
			case sent != nil:
				mm.Sent++
				if t := fromMS(*sent); mm.SentAt == nil || t.After(*mm.SentAt) {
					mm.SentAt = &t
				}
			case dropped != nil:
				// Messages of an earlier time dropped for the new one are
				// left out above; these were held back for this time.
				mm.Dropped++
				mm.DropReason = reason
			case failed == nil:
				mm.Waiting++
				if t := fromMS(next); mm.DueAt == nil || t.Before(*mm.DueAt) {
					mm.DueAt = &t
				}
			}
		}
		return rows.Err()
	})
	return out, err
}

// DropUnsent marks every message not yet sent dropped, with reason. The demo
// uses it: its people are invented, and the reminders of its meetings,
// due later, must never reach anyone.
func (o *Outbox) DropUnsent(ctx context.Context, reason string) (int, error) {
	var n int64
	err := o.db.update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET dropped_at = $1, last_error = $2
			WHERE sent_at IS NULL AND failed_at IS NULL AND dropped_at IS NULL`, ms(tx.now), reason)
		if err != nil {
			return fmt.Errorf("drop unsent messages: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
