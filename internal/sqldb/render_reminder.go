package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roundtable/roundtable/internal/mail"
)

// reminderDrop returns why a reminder must not go out: the meeting was
// cancelled, moved since it was enqueued (a re-timed one is waiting), or has
// begun.
func reminderDrop(mm *meetingMessage, j job, tx *Tx) string {
	switch m := mm.m; {
	case m.Cancelled:
		return dropCancelled
	case m.Sequence > j.Sequence:
		return dropStale
	case !m.StartsAt.After(tx.now):
		return dropStarted
	}
	return ""
}

// renderReminderWeek writes the reminder a week before: the agenda, the
// presenter's challenge and the readings, as they are now.
func (db *DB) renderReminderWeek(ctx context.Context, tx *Tx, j job) (rendered, error) {
	mm, why, err := loadMeetingMessage(ctx, tx, j)
	if err != nil || why != "" {
		return drop(why), err
	}
	if why := reminderDrop(mm, j, tx); why != "" {
		return drop(why), nil
	}
	d := db.mailFor(mm, tx.now)
	if mm.to.accepted {
		if err := withAgenda(ctx, tx, &d, mm); err != nil {
			return rendered{}, err
		}
		if err := db.withReadings(ctx, tx, &d, mm.m.ID); err != nil {
			return rendered{}, err
		}
		cards, err := loadChallenges(ctx, tx, mm.m.ID)
		if err != nil {
			return rendered{}, err
		}
		for _, c := range cards {
			mine := c.PresenterID == mm.to.id
			d.Cards = append(d.Cards, mail.ChallengeCard{Presenter: c.Name, Mine: mine, Context: c.Context, Question: c.Question, Tried: c.Tried})
			d.Presenting = d.Presenting || mine
		}
	}
	return rendered{msg: withPrefs(mail.MeetingReminderWeek, d, db)}, nil
}

// withReadings adds the documents and links attached to the meeting to a
// message's readings, each with where to open it (a file on this site:
// members only).
func (db *DB) withReadings(ctx context.Context, tx *Tx, d *mail.MeetingMail, meetingID string) error {
	docs, err := meetingReadings(ctx, tx, meetingID)
	if err != nil {
		return err
	}
	for _, doc := range docs {
		title, link := db.readingLine(doc)
		d.Readings = append(d.Readings, mail.Reading{Text: title, URL: link})
	}
	return nil
}

// withAgenda puts the meeting's timed agenda, with each part's start in
// the reader's zone, into a message; the agenda text stays as notes on it.
// Circle content: for members who accepted the ground rules only.
func withAgenda(ctx context.Context, tx *Tx, d *mail.MeetingMail, mm *meetingMessage) error {
	segs, err := loadSegments(ctx, tx, mm.m.ID)
	if err != nil {
		return err
	}
	at := mm.m.StartsAt
	for _, s := range segs {
		d.Parts = append(d.Parts, mail.AgendaPart{Start: at.In(mm.to.loc).Format("15:04"), Title: s.Title, Minutes: s.Minutes, Roles: s.Roles})
		at = at.Add(time.Duration(s.Minutes) * time.Minute)
	}
	return nil
}

// renderReminderDay writes the short reminder the day before: when, the
// link or the place, and the first line of the agenda.
func (db *DB) renderReminderDay(ctx context.Context, tx *Tx, j job) (rendered, error) {
	mm, why, err := loadMeetingMessage(ctx, tx, j)
	if err != nil || why != "" {
		return drop(why), err
	}
	if why := reminderDrop(mm, j, tx); why != "" {
		return drop(why), nil
	}
	d := db.mailFor(mm, tx.now)
	d.Soon = mail.Soon(mm.m.StartsAt, mm.to.loc, tx.now)
	if mm.to.accepted {
		// The message names what comes first: the first timed part, when
		// the agenda has parts.
		segs, err := loadSegments(ctx, tx, mm.m.ID)
		if err != nil {
			return rendered{}, err
		}
		if len(segs) > 0 {
			d.Agenda = append([]string{segs[0].Title}, d.Agenda...)
		}
	}
	return rendered{msg: withPrefs(mail.MeetingReminderDay, d, db)}, nil
}

// renderNotes sends the minutes and commitments of a meeting as they are
// now. Each sending is a message of its own (a correction sent again reaches
// everyone again), but one that a later sending follows is not sent: both
// would carry the same notes. The notes are circle content, so they do
// not go to a member who has not accepted the ground rules.
func (db *DB) renderNotes(ctx context.Context, tx *Tx, j job) (rendered, error) {
	mm, why, err := loadMeetingMessage(ctx, tx, j)
	if err != nil || why != "" {
		return drop(why), err
	}
	switch {
	case mm.m.Cancelled:
		return drop(dropCancelled), nil
	case !mm.to.accepted:
		return drop(dropRulesPending), nil
	case len(mail.Lines(mm.m.Notes)) == 0:
		return drop(dropNoNotes), nil
	}
	var n int
	err = tx.QueryRowContext(ctx, `
		SELECT COUNT(*) FROM outbox o, outbox this
		WHERE this.dedupe_key = $1 AND o.kind = $2 AND o.meeting_id = $3 AND o.user_id = $4
			AND o.dedupe_key <> $5 AND o.failed_at IS NULL AND o.dropped_at IS NULL
			AND (o.created_at > this.created_at OR (o.created_at = this.created_at AND o.dedupe_key > this.dedupe_key))`,
		j.key(), kindNotes, mm.m.ID, mm.to.id, j.key()).Scan(&n)
	if err != nil {
		return rendered{}, fmt.Errorf("check later notes: %w", err)
	}
	if n > 0 {
		return drop(dropNotesLater), nil
	}
	d := db.mailFor(mm, tx.now)
	d.Notes = mail.Lines(mm.m.Notes)
	if d.OpenCommitments, err = openCommitmentsOf(ctx, tx, mm.m.CircleID, mm.to.id); err != nil {
		return rendered{}, err
	}
	d.CommitmentsLink = db.commitmentsLink("")
	return rendered{msg: withPrefs(mail.MeetingNotes, d, db)}, nil
}

// withPrefs composes a message a reader may turn off, with the link to
// their choices.
func withPrefs(compose func(mail.MeetingMail) mail.Message, d mail.MeetingMail, db *DB) mail.Message {
	d.PrefsLink = db.prefsLink()
	return compose(d)
}

// userName returns a user's name, or "" when the account is gone.
func userName(ctx context.Context, tx *Tx, id string) (string, error) {
	var name string
	err := tx.QueryRowContext(ctx, `SELECT name FROM users WHERE id = $1`, id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("find user: %w", err)
	}
	return name, nil
}
