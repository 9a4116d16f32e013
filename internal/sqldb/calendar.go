package sqldb

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/ical"
)

// CalendarService implements roundtable.CalendarService.
type CalendarService struct{ db *DB }

var _ roundtable.CalendarService = (*CalendarService)(nil)

// NewCalendarService returns the calendar feed service.
func NewCalendarService(db *DB) *CalendarService { return &CalendarService{db: db} }

// FeedSecret returns the caller's feed secret, creating it on first use.
func (s *CalendarService) FeedSecret(ctx context.Context) (string, error) {
	a := actorOf(ctx)
	if a.user == nil {
		return "", errSignIn()
	}
	var secret string
	err := s.db.view(ctx, func(tx *Tx) error {
		return feedSecret(ctx, tx, a.user.ID, &secret)
	})
	if err != nil || secret != "" {
		return secret, err
	}
	err = s.db.update(ctx, func(tx *Tx) error {
		// Two first visits at once: the second keeps the first one's secret.
		token, _ := newToken()
		_, err := tx.ExecContext(ctx, `
			INSERT INTO calendar_feeds (user_id, secret, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (user_id) DO NOTHING`, a.user.ID, token, ms(tx.now))
		if err != nil {
			return fmt.Errorf("create feed: %w", err)
		}
		return feedSecret(ctx, tx, a.user.ID, &secret)
	})
	return secret, err
}

func feedSecret(ctx context.Context, tx *Tx, userID string, secret *string) error {
	err := tx.QueryRowContext(ctx, `SELECT secret FROM calendar_feeds WHERE user_id = $1`, userID).Scan(secret)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return fmt.Errorf("find feed: %w", err)
	}
	return nil
}

// ResetFeed gives the caller a new secret; the old one stops working.
func (s *CalendarService) ResetFeed(ctx context.Context) (string, error) {
	a := actorOf(ctx)
	if a.user == nil {
		return "", errSignIn()
	}
	token, _ := newToken()
	err := s.db.update(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO calendar_feeds (user_id, secret, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at`,
			a.user.ID, token, ms(tx.now))
		if err != nil {
			return fmt.Errorf("reset feed: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Feed returns the calendar of the person whose secret it is.
func (s *CalendarService) Feed(ctx context.Context, secret string) ([]byte, error) {
	if !validToken(secret) {
		return nil, notFound("calendar")
	}
	var out []byte
	err := s.db.view(ctx, func(tx *Tx) error {
		var userID string
		err := tx.QueryRowContext(ctx, `SELECT user_id FROM calendar_feeds WHERE secret = $1`, secret).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("calendar")
		} else if err != nil {
			return fmt.Errorf("find feed: %w", err)
		}
		events, err := s.db.feedEvents(ctx, tx, userID)
		if err != nil {
			return err
		}
		// Sized for the file at once: growing it step by step cost a
		// quarter of the feed's memory.
		var b bytes.Buffer
		b.Grow(4096 + 768*len(events))
		if err := ical.Write(&b, ical.Publish, feedName, tx.now, events); err != nil {
			return err
		}
		out = b.Bytes()
		return nil
	})
	return out, err
}

// feedName names the calendar in calendar programs.
const feedName = "Roundtable: your circle meetings"

// feedEvents returns the person's meetings in every circle whose ground
// rules they accepted. Cancelled meetings stay, marked cancelled, so a
// calendar that showed one says it is off. The feed names no attendees: an
// address that leaked should tell as little as it can.
func (db *DB) feedEvents(ctx context.Context, tx *Tx, userID string) ([]ical.Event, error) {
	circles := map[string]*circleInfo{}
	rows, err := tx.QueryContext(ctx, `
		SELECT c.id, c.name, c.time_zone, COALESCE((
			SELECT u.name FROM circle_members f JOIN users u ON u.id = f.user_id
			WHERE f.circle_id = c.id AND f.role = 'facilitator' ORDER BY u.name, u.id LIMIT 1), '')
		FROM circle_members m JOIN circles c ON c.id = m.circle_id
		WHERE m.user_id = $1 AND m.ground_rules_accepted_at IS NOT NULL`, userID)
	if err != nil {
		return nil, fmt.Errorf("list feed circles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c := &circleInfo{}
		var tz string
		if err := rows.Scan(&c.id, &c.name, &tz, &c.facilitator.name); err != nil {
			return nil, err
		}
		c.loc = roundtable.LoadLocation(tz)
		circles[c.id] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(circles) == 0 {
		return nil, nil
	}
	// Read before the meetings: one result set at a time on a connection.
	parts, err := feedSegments(ctx, tx, userID)
	if err != nil {
		return nil, err
	}
	readings, err := db.feedReadings(ctx, tx, userID)
	if err != nil {
		return nil, err
	}
	// Only the columns a calendar shows: a feed is read often, by programs.
	mrows, err := tx.QueryContext(ctx, `
		SELECT x.id, x.circle_id, x.starts_at, x.minutes, x.video_url, x.place, x.agenda, x.sequence, x.cancelled_at,
			COALESCE(k.data_key, '')
		FROM meetings x JOIN circle_members m ON m.circle_id = x.circle_id AND m.user_id = $1
		JOIN circles k ON k.id = x.circle_id
		WHERE m.ground_rules_accepted_at IS NOT NULL
		ORDER BY x.starts_at, x.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list feed meetings: %w", err)
	}
	defer mrows.Close()
	var events []ical.Event
	var m roundtable.Meeting
	host := db.host()
	for mrows.Next() {
		var starts int64
		var cancelled *int64
		var wrapped string
		if err := mrows.Scan(&m.ID, &m.CircleID, &starts, &m.Minutes, &m.VideoURL, &m.Place, &m.Agenda, &m.Sequence, &cancelled, &wrapped); err != nil {
			return nil, err
		}
		m.Agenda = tx.open(m.CircleID, wrapped, "meetings", "agenda", m.ID, m.Agenda)
		m.StartsAt, m.Cancelled = fromMS(starts), cancelled != nil
		c := circles[m.CircleID]
		if c == nil {
			continue
		}
		ev := db.meetingEvent(&m, c, agendaText(parts[m.ID], m.Agenda), readings[m.ID], host)
		if m.Cancelled {
			ev.Summary = "Cancelled: " + ev.Summary
		}
		events = append(events, ev)
	}
	return events, mrows.Err()
}

// feedSegments returns the agenda parts of every meeting in a person's feed,
// by meeting, one a line as segmentLine writes them: one query for the whole
// feed, each title opened with its circle's key read in the same row.
func feedSegments(ctx context.Context, tx *Tx, userID string) (map[string]string, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT s.meeting_id, s.id, s.title, s.minutes, x.circle_id, COALESCE(c.data_key, '')
		FROM circle_members m JOIN meetings x ON x.circle_id = m.circle_id
		JOIN circles c ON c.id = x.circle_id
		JOIN meeting_segments s ON s.meeting_id = x.id
		WHERE m.user_id = $1 AND m.ground_rules_accepted_at IS NOT NULL
		ORDER BY s.meeting_id, s.position, s.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list feed agendas: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var meetingID, id, title, circleID, wrapped string
		var minutes int
		if err := rows.Scan(&meetingID, &id, &title, &minutes, &circleID, &wrapped); err != nil {
			return nil, err
		}
		line := segmentLine(tx.open(circleID, wrapped, "meeting_segments", "title", id, title), minutes)
		if prev, ok := out[meetingID]; ok {
			line = prev + "\n" + line
		}
		out[meetingID] = line
	}
	return out, rows.Err()
}
