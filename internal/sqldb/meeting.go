package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/roundtable/roundtable"
)

// MeetingService implements roundtable.MeetingService.
type MeetingService struct{ db *DB }

var _ roundtable.MeetingService = (*MeetingService)(nil)

// NewMeetingService returns the meeting service.
func NewMeetingService(db *DB) *MeetingService { return &MeetingService{db: db} }

const meetingColumns = `x.id, x.circle_id, x.starts_at, x.minutes, x.video_url, x.place, x.agenda, x.created_at`

func scanMeeting(row interface{ Scan(...any) error }, extra ...any) (*roundtable.Meeting, error) {
	var m roundtable.Meeting
	var starts, created int64
	if err := row.Scan(append([]any{&m.ID, &m.CircleID, &starts, &m.Minutes, &m.VideoURL, &m.Place, &m.Agenda, &created}, extra...)...); err != nil {
		return nil, err
	}
	m.StartsAt, m.CreatedAt = fromMS(starts), fromMS(created)
	return &m, nil
}

// listMeetings returns a circle's meetings by start, with everyone's answers
// and the given user's own.
func listMeetings(ctx context.Context, tx *Tx, circleID, userID string) ([]*roundtable.Meeting, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+meetingColumns+` FROM meetings x WHERE x.circle_id = $1 ORDER BY x.starts_at, x.id`, circleID)
	if err != nil {
		return nil, fmt.Errorf("list meetings: %w", err)
	}
	defer rows.Close()
	var out []*roundtable.Meeting
	byID := map[string]*roundtable.Meeting{}
	for rows.Next() {
		m, err := scanMeeting(rows)
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
	answers, err := tx.QueryContext(ctx, `
		SELECT r.meeting_id, r.user_id, r.answer FROM rsvps r JOIN meetings x ON x.id = r.meeting_id
		WHERE x.circle_id = $1`, circleID)
	if err != nil {
		return nil, fmt.Errorf("list answers: %w", err)
	}
	defer answers.Close()
	for answers.Next() {
		var meetingID, uid string
		var r roundtable.RSVP
		if err := answers.Scan(&meetingID, &uid, &r); err != nil {
			return nil, err
		}
		if m := byID[meetingID]; m != nil {
			m.RSVPs[uid] = r
			if uid == userID {
				m.MyRSVP = r
			}
		}
	}
	return out, answers.Err()
}

// CreateMeeting creates a meeting in the caller's circle; facilitators only.
func (s *MeetingService) CreateMeeting(ctx context.Context, m *roundtable.Meeting) error {
	a := actorOf(ctx)
	m.VideoURL, m.Place, m.Agenda = clean(m.VideoURL), clean(m.Place), clean(m.Agenda)
	return s.db.update(ctx, func(tx *Tx) error {
		mb, err := memberWithRules(ctx, tx, a, m.CircleID)
		if err != nil {
			return err
		}
		if mb.role != roundtable.RoleFacilitator {
			return roundtable.Errorf(roundtable.EFORBIDDEN, "Only the circle's facilitator can schedule meetings.")
		}
		if err := m.Validate(); err != nil {
			return err
		}
		m.ID, m.CreatedAt = newID(), tx.now
		m.StartsAt = fromMS(ms(m.StartsAt))
		_, err = tx.ExecContext(ctx, `
			INSERT INTO meetings (id, circle_id, starts_at, minutes, video_url, place, agenda, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			m.ID, m.CircleID, ms(m.StartsAt), m.Minutes, m.VideoURL, m.Place, m.Agenda, nullable(a.id()), ms(m.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert meeting: %w", err)
		}
		return nil
	})
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

// meetingAccess checks the actor may see a meeting: ENOTFOUND unless a member
// of its circle, then EGROUNDRULES until the rules are accepted.
func meetingAccess(ctx context.Context, tx *Tx, a actor, id string) (circleID string, err error) {
	circleID, err = meetingCircle(ctx, tx, id)
	if err != nil {
		return "", err
	}
	if _, err := memberWithRules(ctx, tx, a, circleID); err != nil {
		if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
			return "", notFound("meeting")
		}
		return "", err
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

// SetRSVP records the caller's answer to a meeting.
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
		_, err := tx.ExecContext(ctx, `
			INSERT INTO rsvps (meeting_id, user_id, answer, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (meeting_id, user_id) DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at`,
			meetingID, a.user.ID, string(r), ms(tx.now))
		if err != nil {
			return fmt.Errorf("set answer: %w", err)
		}
		return nil
	})
}

// ListMyUpcomingMeetings returns the caller's meetings that have not ended, in
// circles whose ground rules they accepted, soonest first.
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
			WHERE m.ground_rules_accepted_at IS NOT NULL AND x.starts_at + x.minutes * 60000 > $3
			ORDER BY x.starts_at, x.id`, a.user.ID, a.user.ID, ms(tx.now))
		if err != nil {
			return fmt.Errorf("list upcoming meetings: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var circleName string
			var answer roundtable.RSVP
			m, err := scanMeeting(rows, &circleName, &answer)
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
