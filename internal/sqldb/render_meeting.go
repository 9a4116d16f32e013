package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/ical"
	"github.com/roundtable/roundtable/internal/mail"
)

// renderInvitation writes the invitation to a meeting with its REQUEST
// calendar file, or, when the reader had an earlier one, the update saying
// what changed. Only the invitation of the meeting's current sequence goes
// out: an older one waiting would put the old time in calendars.
func (db *DB) renderInvitation(ctx context.Context, tx *Tx, j job) (rendered, error) {
	mm, why, err := loadMeetingMessage(ctx, tx, j)
	if err != nil || why != "" {
		return drop(why), err
	}
	m := mm.m
	switch {
	case m.Cancelled:
		return drop(dropCancelled), nil
	case m.Sequence > j.Sequence:
		return drop(dropStale), nil
	case !m.EndsAt().After(tx.now):
		return drop(dropOver), nil
	}
	prev, err := previousCopy(ctx, tx, m.ID, mm.to.id, m.Sequence)
	if err != nil {
		return rendered{}, err
	}
	if err := keepCopy(ctx, tx, m, mm.to.id); err != nil {
		return rendered{}, err
	}
	d := db.mailFor(mm, tx.now)
	if prev != nil {
		d.Update = true
		d.Changes = changes(prev, m, mm.to.loc, tx.now)
	}
	ics, err := db.meetingCalendar(ctx, tx, ical.Request, mm)
	if err != nil {
		return rendered{}, err
	}
	msg := mail.MeetingInvitation(d)
	msg.Calendar, msg.CalendarMethod = ics, string(ical.Request)
	return rendered{msg: msg}, nil
}

// renderCancellation tells the reader a meeting is off, with a CANCEL file
// that takes it out of their calendar.
func (db *DB) renderCancellation(ctx context.Context, tx *Tx, j job) (rendered, error) {
	mm, why, err := loadMeetingMessage(ctx, tx, j)
	if err != nil || why != "" {
		return drop(why), err
	}
	m := mm.m
	switch {
	case !m.Cancelled:
		return drop(dropNotCancelled), nil
	case !m.EndsAt().After(tx.now):
		return drop(dropOver), nil
	}
	d := db.mailFor(mm, tx.now)
	next, err := nextMeeting(ctx, tx, m.CircleID, tx.now)
	if err != nil {
		return rendered{}, err
	}
	if next != nil {
		d.Next = mail.When(next.StartsAt, next.EndsAt(), mm.to.loc, tx.now)
	}
	ics, err := db.meetingCalendar(ctx, tx, ical.Cancel, mm)
	if err != nil {
		return rendered{}, err
	}
	msg := mail.MeetingCancelled(d)
	msg.Calendar, msg.CalendarMethod = ics, string(ical.Cancel)
	return rendered{msg: msg}, nil
}

// nextMeeting returns a circle's next meeting that is not cancelled and
// starts after t, or nil.
func nextMeeting(ctx context.Context, tx *Tx, circleID string, t time.Time) (*roundtable.Meeting, error) {
	var m roundtable.Meeting
	var starts int64
	err := tx.QueryRowContext(ctx, `
		SELECT id, starts_at, minutes FROM meetings
		WHERE circle_id = $1 AND cancelled_at IS NULL AND starts_at > $2
		ORDER BY starts_at, id LIMIT 1`, circleID, ms(t)).Scan(&m.ID, &starts, &m.Minutes)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("find next meeting: %w", err)
	}
	m.StartsAt = fromMS(starts)
	return &m, nil
}

// meetingCalendar writes the calendar file of a meeting for an e-mail: the
// facilitator organizes, everyone in the circle attends.
func (db *DB) meetingCalendar(ctx context.Context, tx *Tx, method ical.Method, mm *meetingMessage) ([]byte, error) {
	attendees, err := queryAll(ctx, tx, `
		SELECT u.name, u.email FROM circle_members m JOIN users u ON u.id = m.user_id
		WHERE m.circle_id = $1 ORDER BY u.name, u.id`, func(rows *sql.Rows) (p ical.Person, err error) {
		return p, rows.Scan(&p.Name, &p.Email)
	}, mm.m.CircleID)
	if err != nil {
		return nil, fmt.Errorf("list attendees: %w", err)
	}
	agenda := ""
	var readings []string
	if mm.to.accepted {
		segs, err := loadSegments(ctx, tx, mm.m.ID)
		if err != nil {
			return nil, err
		}
		agenda = agendaText(strings.Join(segmentLines(segs), "\n"), mm.m.Agenda)
		docs, err := meetingReadings(ctx, tx, mm.m.ID)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			title, link := db.readingLine(d)
			readings = append(readings, title+": "+link)
		}
	}
	ev := db.meetingEvent(mm.m, mm.circle, agenda, readings, db.host())
	ev.Attendees = attendees
	if f := mm.circle.facilitator; f.email != "" {
		ev.Organizer = ical.Person{Name: f.name, Email: f.email}
	}
	b, err := ical.Bytes(method, "", tx.now, []ical.Event{ev})
	if err != nil {
		return nil, fmt.Errorf("calendar of meeting %s: %w", mm.m.ID, err)
	}
	return b, nil
}

// segmentLines writes an agenda's parts for a calendar, one a line, without
// clock times: the calendar shows the meeting in each reader's zone.
func segmentLines(segs []roundtable.Segment) []string {
	out := make([]string, len(segs))
	for i, s := range segs {
		out[i] = segmentLine(s.Title, s.Minutes)
	}
	return out
}

// segmentLine is one part of an agenda in a calendar: "Questions (8 min)"
func segmentLine(title string, minutes int) string { return fmt.Sprintf("%s (%d min)", title, minutes) }

// agendaText is the agenda a calendar entry summarizes: the parts, one a
// line, then the facilitator's notes on the agenda.
func agendaText(parts, notes string) string {
	switch {
	case parts == "":
		return notes
	case strings.TrimSpace(notes) == "":
		return parts
	}
	return parts + "\n" + notes
}

// agendaLines is how much of the agenda a calendar entry shows.
const agendaLines = 12

// meetingEvent is a meeting as calendars see it, anchored in its circle's
// zone, with the agenda's first lines, the video link and the meeting page
// in the description, and the documents and links attached as readings
// (a line each, "title: address"). Its UID is the meeting's ID at host.
func (db *DB) meetingEvent(m *roundtable.Meeting, c *circleInfo, agenda string, readings []string, host string) ical.Event {
	var desc []string
	if lines := mail.Lines(agenda); len(lines) > 0 {
		if len(lines) > agendaLines {
			lines = append(lines[:agendaLines], "…")
		}
		desc = append(desc, "Agenda:")
		desc = append(desc, lines...)
		desc = append(desc, "")
	}
	if len(readings) > 0 {
		desc = append(desc, "Readings:")
		desc = append(desc, readings...)
		desc = append(desc, "")
	}
	if m.VideoURL != "" {
		desc = append(desc, "Video call: "+m.VideoURL)
	}
	if m.Place != "" {
		desc = append(desc, "Place: "+m.Place)
	}
	if c.facilitator.name != "" {
		desc = append(desc, "Facilitator: "+c.facilitator.name)
	}
	page := db.meetingLink(m.ID)
	desc = append(desc, "Meeting page: "+page)
	location := m.Place
	if location == "" {
		location = m.VideoURL
	}
	return ical.Event{
		UID:         m.ID + "@" + host,
		Sequence:    m.Sequence,
		Start:       m.StartsAt.In(c.loc),
		End:         m.EndsAt().In(c.loc),
		Summary:     c.name,
		Description: strings.Join(desc, "\n"),
		Location:    location,
		URL:         page,
		Cancelled:   m.Cancelled,
	}
}

// calendarCopy is what an invitation told its reader.
type calendarCopy struct {
	sequence int
	startsAt time.Time
	minutes  int
	videoURL string
	place    string
}

// previousCopy returns the latest invitation of an earlier sequence written
// for the user, or nil for their first.
func previousCopy(ctx context.Context, tx *Tx, meetingID, userID string, sequence int) (*calendarCopy, error) {
	var c calendarCopy
	var starts int64
	err := tx.QueryRowContext(ctx, `
		SELECT sequence, starts_at, minutes, video_url, place FROM calendar_copies
		WHERE meeting_id = $1 AND user_id = $2 AND sequence < $3
		ORDER BY sequence DESC LIMIT 1`, meetingID, userID, sequence).Scan(&c.sequence, &starts, &c.minutes, &c.videoURL, &c.place)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("find previous invitation: %w", err)
	}
	c.startsAt = fromMS(starts)
	return &c, nil
}

// keepCopy records what the invitation at the meeting's sequence tells the
// user. Writing it again (a retry) keeps the first.
func keepCopy(ctx context.Context, tx *Tx, m *roundtable.Meeting, userID string) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO calendar_copies (meeting_id, user_id, sequence, starts_at, minutes, video_url, place, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (meeting_id, user_id, sequence) DO NOTHING`,
		m.ID, userID, m.Sequence, ms(m.StartsAt), m.Minutes, m.VideoURL, m.Place, ms(tx.now))
	if err != nil {
		return fmt.Errorf("record invitation: %w", err)
	}
	return nil
}

// changes says in words what differs between the invitation a reader has and
// the meeting now, with times in the reader's zone.
func changes(prev *calendarCopy, m *roundtable.Meeting, loc *time.Location, now time.Time) []string {
	var out []string
	oldEnd := prev.startsAt.Add(time.Duration(prev.minutes) * time.Minute)
	switch {
	case !prev.startsAt.Equal(m.StartsAt):
		from := strings.TrimSuffix(mail.When(prev.startsAt, oldEnd, loc, now), " ("+mail.ZoneName(loc)+")")
		out = append(out, "It moved from "+from+" to "+mail.When(m.StartsAt, m.EndsAt(), loc, now)+".")
	case prev.minutes != m.Minutes:
		out = append(out, "It now ends at "+m.EndsAt().In(loc).Format("15:04")+" instead of "+oldEnd.In(loc).Format("15:04")+".")
	}
	switch {
	case prev.place == m.Place:
	case m.Place == "":
		out = append(out, "It is no longer in person.")
	case prev.place == "":
		out = append(out, "It now takes place in person, at "+m.Place+".")
	default:
		out = append(out, "It moved to a new place: "+m.Place+".")
	}
	switch {
	case prev.videoURL == m.VideoURL:
	case m.VideoURL == "":
		out = append(out, "There is no video call any more.")
	case prev.videoURL == "":
		out = append(out, "You can now join by video: "+m.VideoURL)
	default:
		out = append(out, "The video link changed: "+m.VideoURL)
	}
	return out
}
