package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/roundtable/roundtable"
)

// MeetingService implements roundtable.MeetingService.
type MeetingService struct{ db *DB }

var _ roundtable.MeetingService = (*MeetingService)(nil)

// NewMeetingService returns the meeting service.
func NewMeetingService(db *DB) *MeetingService { return &MeetingService{db: db} }

// meetingColumns read a meeting. Its presenter is the first of its
// presenters (meeting_roles) and its challenge the context of her card
// (challenges): what the meeting form, which knows one of each, shows.
const meetingColumns = meetingOwnColumns + `, COALESCE((` + leadPresenter + `), ''),
	COALESCE((SELECT ch.context FROM challenges ch WHERE ch.meeting_id = x.id AND ch.presenter_id = (` + leadPresenter + `)), ''),
	` + meetingLastColumns

// meetingOwnColumns and meetingLastColumns are the columns of meetingColumns
// around the presenter and her challenge, which come from other tables.
const (
	meetingOwnColumns = `x.id, x.circle_id, x.starts_at, x.minutes, x.video_url, x.place, x.agenda, x.created_at,
	x.sequence, x.in_series, x.cancelled_at, x.time_note, x.readings`
	meetingLastColumns = `x.notes, x.notes_sent_at, x.updated_at,
	COALESCE((SELECT ck.data_key FROM circles ck WHERE ck.id = x.circle_id), '')`
)

// circleMeetingsQuery reads a circle's meetings ($1) by start with the
// columns of meetingColumns. Each meeting's first presenter (lp: no
// presenter before her) and her card are joined once, rather than the
// first presenter looked up twice for each meeting.
const circleMeetingsQuery = `
	SELECT ` + meetingOwnColumns + `, COALESCE(lp.user_id, ''), COALESCE(ch.context, ''),
		x.notes, x.notes_sent_at, x.updated_at, ''
	FROM meetings x
	LEFT JOIN meeting_roles lp ON lp.meeting_id = x.id AND lp.role = 'presenter' AND NOT EXISTS (
		SELECT 1 FROM meeting_roles o WHERE o.meeting_id = x.id AND o.role = 'presenter'
			AND (o.position < lp.position OR (o.position = lp.position AND o.user_id < lp.user_id)))
	LEFT JOIN challenges ch ON ch.meeting_id = x.id AND ch.presenter_id = lp.user_id
	WHERE x.circle_id = $1
	ORDER BY x.starts_at, x.id`

// leadPresenter is a subquery for the first presenter of meeting x.
const leadPresenter = `SELECT lp.user_id FROM meeting_roles lp WHERE lp.meeting_id = x.id AND lp.role = 'presenter'
	ORDER BY lp.position, lp.user_id LIMIT 1`

// scanMeeting reads a meeting's columns (meetingColumns), its circle's
// wrapped key last, and opens the sealed ones with it.
func scanMeeting(tx *Tx, row interface{ Scan(...any) error }, extra ...any) (*roundtable.Meeting, error) {
	var m roundtable.Meeting
	var wrapped string
	var starts, created, updated int64
	var inSeries int
	var cancelled, notesSent *int64
	dest := []any{&m.ID, &m.CircleID, &starts, &m.Minutes, &m.VideoURL, &m.Place, &m.Agenda, &created,
		&m.Sequence, &inSeries, &cancelled, &m.TimeNote, &m.Readings, &m.PresenterID, &m.Challenge,
		&m.Notes, &notesSent, &updated, &wrapped}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	m.StartsAt, m.CreatedAt, m.UpdatedAt = fromMS(starts), fromMS(created), fromMS(updated)
	m.InSeries, m.Cancelled, m.NotesSentAt = inSeries == 1, cancelled != nil, nullMS(notesSent)
	if wrapped != "" {
		// Kept for the transaction: its content reads and writes need it.
		if _, err := tx.useKey(m.CircleID, wrapped); err == nil {
			tx.knowMeeting(m.ID, m.CircleID)
		}
	}
	m.Challenge = tx.open(m.CircleID, wrapped, "challenges", "context", rowID(m.ID, m.PresenterID), m.Challenge)
	m.Notes = tx.open(m.CircleID, wrapped, "meetings", "notes", m.ID, m.Notes)
	m.Agenda = tx.open(m.CircleID, wrapped, "meetings", "agenda", m.ID, m.Agenda)
	return &m, nil
}

// findMeeting returns a meeting by ID without checking who asks (no RSVPs).
// Renderers of messages read the meeting as it is when they send.
func findMeeting(ctx context.Context, tx *Tx, id string) (*roundtable.Meeting, error) {
	if !validID(id) {
		return nil, notFound("meeting")
	}
	m, err := scanMeeting(tx, tx.QueryRowContext(ctx, `SELECT `+meetingColumns+` FROM meetings x WHERE x.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("meeting")
	} else if err != nil {
		return nil, fmt.Errorf("find meeting: %w", err)
	}
	return m, nil
}

// listMeetings returns a circle's meetings by start, with everyone's answers
// and the given user's own.
func listMeetings(ctx context.Context, tx *Tx, circleID, userID string) ([]*roundtable.Meeting, error) {
	// One circle: its key is read once (usually with the circle, earlier
	// in the transaction), not with every meeting.
	if _, err := tx.circleKey(ctx, circleID); err != nil {
		tx.unopened(circleID, "circles", "data_key", circleID, true, err)
	}
	rows, err := tx.QueryContext(ctx, circleMeetingsQuery, circleID)
	if err != nil {
		return nil, fmt.Errorf("list meetings: %w", err)
	}
	defer rows.Close()
	var out []*roundtable.Meeting
	byID := map[string]*roundtable.Meeting{}
	for rows.Next() {
		m, err := scanMeeting(tx, rows)
		if err != nil {
			return nil, err
		}
		m.RSVPs = map[string]roundtable.RSVP{}
		byID[m.ID] = m
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return nil, nil
	}
	err = fillAnswers(ctx, tx, byID, userID, `
		SELECT r.meeting_id, r.user_id, r.answer FROM rsvps r JOIN meetings x ON x.id = r.meeting_id
		WHERE x.circle_id = $1`, circleID)
	return out, err
}

// fillAnswers puts the answers a query selects (meeting, user, answer) into
// their meetings (byID, RSVPs made): everyone's and the given user's own.
func fillAnswers(ctx context.Context, tx *Tx, byID map[string]*roundtable.Meeting, userID, query string, args ...any) error {
	answers, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("list answers: %w", err)
	}
	defer answers.Close()
	for answers.Next() {
		var meetingID, uid string
		var r roundtable.RSVP
		if err := answers.Scan(&meetingID, &uid, &r); err != nil {
			return err
		}
		if m := byID[meetingID]; m != nil {
			m.RSVPs[uid] = r
			if uid == userID {
				m.MyRSVP = r
			}
		}
	}
	return answers.Err()
}

// circlePeople returns the user IDs of everyone in a circle, facilitator
// included: everyone whose calendar holds its meetings.
func circlePeople(ctx context.Context, tx *Tx, circleID string) ([]string, error) {
	ids, err := queryStrings(ctx, tx, `SELECT user_id FROM circle_members WHERE circle_id = $1 ORDER BY user_id`, circleID)
	if err != nil {
		return nil, fmt.Errorf("list circle people: %w", err)
	}
	return ids, nil
}

// circleFacilitators returns the user IDs of a circle's facilitators.
func circleFacilitators(ctx context.Context, tx *Tx, circleID string) ([]string, error) {
	ids, err := queryStrings(ctx, tx, `SELECT user_id FROM circle_members WHERE circle_id = $1 AND role = 'facilitator' ORDER BY user_id`, circleID)
	if err != nil {
		return nil, fmt.Errorf("list facilitators: %w", err)
	}
	return ids, nil
}

// requireFacilitator returns the actor's membership of a circle when they
// facilitate it: ENOTFOUND outside the circle, EGROUNDRULES before the rules
// are accepted, EFORBIDDEN for members.
func requireFacilitator(ctx context.Context, tx *Tx, a actor, circleID, what string) (*membership, error) {
	mb, err := memberWithRules(ctx, tx, a, circleID)
	if err != nil {
		return nil, err
	}
	if mb.role != roundtable.RoleFacilitator {
		return nil, roundtable.Errorf(roundtable.EFORBIDDEN, "Only the circle's facilitator can %s.", what)
	}
	return mb, nil
}

// facilitatedMeeting returns a meeting for its circle's facilitator, with
// the errors of meetingAccess and EFORBIDDEN for members.
func facilitatedMeeting(ctx context.Context, tx *Tx, a actor, id, what string) (*roundtable.Meeting, error) {
	circleID, err := meetingAccess(ctx, tx, a, id)
	if err != nil {
		return nil, err
	}
	if _, err := requireFacilitator(ctx, tx, a, circleID, what); err != nil {
		return nil, err
	}
	return findMeeting(ctx, tx, id)
}

// checkPresenter returns EINVALID unless the presenter ("" for none) is in
// the circle, and for a challenge without a presenter: a challenge card
// belongs to the member who brings it.
func checkPresenter(ctx context.Context, tx *Tx, circleID, userID, challenge string) error {
	if userID == "" {
		if challenge != "" {
			return &roundtable.Error{Code: roundtable.EINVALID, Message: "Choose the presenter whose challenge this is.",
				Fields: map[string]string{"presenter_id": "Choose the presenter whose challenge this is."}}
		}
		return nil
	}
	var n int
	if validID(userID) {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM circle_members WHERE circle_id = $1 AND user_id = $2`, circleID, userID).Scan(&n); err != nil {
			return fmt.Errorf("check presenter: %w", err)
		}
	}
	if n == 0 {
		return &roundtable.Error{Code: roundtable.EINVALID, Message: "Choose the presenter from the circle.",
			Fields: map[string]string{"presenter_id": "Choose the presenter from the circle."}}
	}
	return nil
}

// insertMeeting stores a new meeting (ID and times set here) and enqueues its
// invitations and reminders to everyone in the circle.
func insertMeeting(ctx context.Context, tx *Tx, m *roundtable.Meeting, createdBy string) error {
	m.ID, m.CreatedAt, m.UpdatedAt, m.Sequence = newID(), tx.now, tx.now, 0
	m.StartsAt = fromMS(ms(m.StartsAt))
	agenda, err := tx.seal(ctx, m.CircleID, "meetings", "agenda", m.ID, m.Agenda)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO meetings (id, circle_id, starts_at, minutes, video_url, place, agenda, created_by, created_at,
			sequence, in_series, time_note, readings, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $12, $13)`,
		m.ID, m.CircleID, ms(m.StartsAt), m.Minutes, m.VideoURL, m.Place, agenda, nullable(createdBy), ms(m.CreatedAt),
		flag(m.InSeries), m.TimeNote, m.Readings, ms(m.UpdatedAt))
	if err != nil {
		return fmt.Errorf("insert meeting: %w", err)
	}
	if err := setLeadPresenter(ctx, tx, m.ID, "", m.PresenterID); err != nil {
		return err
	}
	if m.PresenterID != "" && m.Challenge != "" {
		if err := setLeadChallenge(ctx, tx, m.ID, m.PresenterID, m.Challenge); err != nil {
			return err
		}
	}
	people, err := circlePeople(ctx, tx, m.CircleID)
	if err != nil {
		return err
	}
	return scheduleMeetingMail(ctx, tx, m.ID, 0, m.StartsAt, people)
}

// cleanMeeting trims what people typed.
func cleanMeeting(m *roundtable.Meeting) {
	m.VideoURL, m.Place, m.Agenda, m.TimeNote = clean(m.VideoURL), clean(m.Place), clean(m.Agenda), clean(m.TimeNote)
	m.Readings, m.Challenge, m.PresenterID = clean(m.Readings), clean(m.Challenge), clean(m.PresenterID)
}

// CreateMeeting creates a meeting in the caller's circle; facilitators only.
func (s *MeetingService) CreateMeeting(ctx context.Context, m *roundtable.Meeting) error {
	a := actorOf(ctx)
	cleanMeeting(m)
	return s.db.update(ctx, func(tx *Tx) error {
		if _, err := requireFacilitator(ctx, tx, a, m.CircleID, "schedule meetings"); err != nil {
			return err
		}
		if err := m.Validate(); err != nil {
			return err
		}
		if err := checkPresenter(ctx, tx, m.CircleID, m.PresenterID, m.Challenge); err != nil {
			return err
		}
		m.InSeries = false
		if err := insertMeeting(ctx, tx, m, a.id()); err != nil {
			return err
		}
		return startWithDefaultFormat(ctx, tx, m)
	})
}

// calendarChanged reports whether an edit changes what calendars show.
func calendarChanged(old, m *roundtable.Meeting) bool {
	return !old.StartsAt.Equal(m.StartsAt) || old.Minutes != m.Minutes || old.VideoURL != m.VideoURL || old.Place != m.Place
}

// checkChangeable returns EINVALID for a cancelled meeting or one that is over.
func checkChangeable(m *roundtable.Meeting, tx *Tx) error {
	if m.Cancelled {
		return roundtable.Errorf(roundtable.EINVALID, "This meeting is cancelled.")
	}
	if !m.EndsAt().After(tx.now) {
		return roundtable.Errorf(roundtable.EINVALID, "This meeting is over; write its notes instead.")
	}
	return nil
}

// UpdateMeeting saves a meeting's fields; a change of time or place raises
// its sequence and sends everyone an update.
func (s *MeetingService) UpdateMeeting(ctx context.Context, m *roundtable.Meeting) error {
	a := actorOf(ctx)
	cleanMeeting(m)
	return s.db.update(ctx, func(tx *Tx) error {
		old, err := facilitatedMeeting(ctx, tx, a, m.ID, "change meetings")
		if err != nil {
			return err
		}
		if err := checkChangeable(old, tx); err != nil {
			return err
		}
		m.CircleID = old.CircleID
		m.StartsAt = fromMS(ms(m.StartsAt))
		if err := m.Validate(); err != nil {
			return err
		}
		moved := !old.StartsAt.Equal(m.StartsAt)
		if moved && !m.StartsAt.After(tx.now) {
			return &roundtable.Error{Code: roundtable.EINVALID, Message: "Choose a time that is still to come.",
				Fields: map[string]string{"starts_at": "Choose a time that is still to come."}}
		}
		if !moved {
			m.TimeNote = old.TimeNote // the note belongs to the time, which stays
		}
		if m.PresenterID == "" && m.Challenge == old.Challenge {
			m.Challenge = "" // the presenter goes; her card stays hers
		}
		if err := checkPresenter(ctx, tx, m.CircleID, m.PresenterID, m.Challenge); err != nil {
			return err
		}
		m.Sequence = old.Sequence
		if calendarChanged(old, m) {
			m.Sequence++
		}
		agenda, err := tx.seal(ctx, m.CircleID, "meetings", "agenda", m.ID, m.Agenda)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE meetings SET starts_at = $1, minutes = $2, video_url = $3, place = $4, agenda = $5, time_note = $6,
				readings = $7, sequence = $8, updated_at = $9
			WHERE id = $10`,
			ms(m.StartsAt), m.Minutes, m.VideoURL, m.Place, agenda, m.TimeNote, m.Readings, m.Sequence, ms(tx.now), m.ID)
		if err != nil {
			return fmt.Errorf("update meeting: %w", err)
		}
		// The form's presenter is the first presenter; its challenge the
		// context of her card, written only when the text changed.
		if err := setLeadPresenter(ctx, tx, m.ID, old.PresenterID, m.PresenterID); err != nil {
			return err
		}
		if m.Challenge != old.Challenge && m.PresenterID != "" {
			if err := setLeadChallenge(ctx, tx, m.ID, m.PresenterID, m.Challenge); err != nil {
				return err
			}
		}
		if m.Sequence == old.Sequence {
			return nil
		}
		return rescheduleMail(ctx, tx, m.ID, m.CircleID, m.Sequence, m.StartsAt)
	})
}

// rescheduleMail sends everyone the meeting's update at its new sequence.
func rescheduleMail(ctx context.Context, tx *Tx, meetingID, circleID string, sequence int, startsAt time.Time) error {
	people, err := circlePeople(ctx, tx, circleID)
	if err != nil {
		return err
	}
	return scheduleMeetingMail(ctx, tx, meetingID, sequence, startsAt, people)
}

// reviseMeeting gives a meeting the time, length, time note, link and place
// of next; when calendars see a difference its sequence goes up and its
// messages are re-timed. The series and polls move meetings through it.
func reviseMeeting(ctx context.Context, tx *Tx, m, next *roundtable.Meeting) error {
	next.StartsAt = fromMS(ms(next.StartsAt))
	changed := calendarChanged(m, next)
	if !changed && m.TimeNote == next.TimeNote {
		return nil
	}
	m.StartsAt, m.Minutes, m.TimeNote, m.VideoURL, m.Place = next.StartsAt, next.Minutes, next.TimeNote, next.VideoURL, next.Place
	if changed {
		m.Sequence++
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE meetings SET starts_at = $1, minutes = $2, time_note = $3, video_url = $4, place = $5, sequence = $6, updated_at = $7
		WHERE id = $8`,
		ms(m.StartsAt), m.Minutes, m.TimeNote, m.VideoURL, m.Place, m.Sequence, ms(tx.now), m.ID)
	if err != nil {
		return fmt.Errorf("revise meeting: %w", err)
	}
	if !changed {
		return nil
	}
	return rescheduleMail(ctx, tx, m.ID, m.CircleID, m.Sequence, m.StartsAt)
}

// meetingCircle returns the circle of a meeting, or ENOTFOUND.
func meetingCircle(ctx context.Context, tx *Tx, id string) (string, error) {
	if !validID(id) {
		return "", notFound("meeting")
	}
	var circleID string
	err := tx.QueryRowContext(ctx, `SELECT circle_id FROM meetings WHERE id = $1`, id).Scan(&circleID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("meeting")
	} else if err != nil {
		return "", fmt.Errorf("find meeting: %w", err)
	}
	return circleID, nil
}

// FindMeetingByID returns a meeting with everyone's answers to its circle's people.
func (s *MeetingService) FindMeetingByID(ctx context.Context, id string) (*roundtable.Meeting, error) {
	a := actorOf(ctx)
	var m *roundtable.Meeting
	err := s.db.view(ctx, func(tx *Tx) error {
		circleID, err := meetingAccess(ctx, tx, a, id)
		if err != nil {
			return err
		}
		all, err := listMeetings(ctx, tx, circleID, a.id())
		if err != nil {
			return err
		}
		for _, x := range all {
			if x.ID == id {
				m = x
			}
		}
		if m == nil {
			return notFound("meeting")
		}
		return nil
	})
	return m, err
}

// ListMyUpcomingMeetings returns the caller's meetings that have not ended, in
// circles whose ground rules they accepted, soonest first; not the cancelled.
func (s *MeetingService) ListMyUpcomingMeetings(ctx context.Context) ([]*roundtable.UpcomingMeeting, error) {
	a := actorOf(ctx)
	if a.user == nil {
		return nil, nil
	}
	var out []*roundtable.UpcomingMeeting
	err := s.db.view(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT `+meetingColumns+`, c.name, COALESCE(r.answer, '')
			FROM meetings x
			JOIN circles c ON c.id = x.circle_id
			JOIN circle_members m ON m.circle_id = x.circle_id AND m.user_id = $1
			LEFT JOIN rsvps r ON r.meeting_id = x.id AND r.user_id = $2
			WHERE m.ground_rules_accepted_at IS NOT NULL AND x.cancelled_at IS NULL AND x.starts_at + x.minutes * 60000 > $3
			ORDER BY x.starts_at, x.id`, a.user.ID, a.user.ID, ms(tx.now))
		if err != nil {
			return fmt.Errorf("list upcoming meetings: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var circleName string
			var answer roundtable.RSVP
			m, err := scanMeeting(tx, rows, &circleName, &answer)
			if err != nil {
				return err
			}
			m.MyRSVP = answer
			out = append(out, &roundtable.UpcomingMeeting{Meeting: *m, CircleName: circleName})
		}
		return rows.Err()
	})
	return out, err
}
