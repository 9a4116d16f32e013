package sqldb

import (
	"context"
	"fmt"
	"time"

	"github.com/roundtable/roundtable"
)

// FindMeetingPage reads what a meeting's page shows under FindMeetingHome's
// check of who asks. It reads the meeting alone, with its own answers and
// polls, rather than the circle's whole page: the other meetings, everyone's
// answers to them and the goals were half of the page's time and none of
// its content.
func (s *CircleService) FindMeetingPage(ctx context.Context, meetingID string) (*roundtable.MeetingPage, error) {
	a := actorOf(ctx)
	if !validID(meetingID) {
		return nil, notFound("meeting")
	}
	var pg *roundtable.MeetingPage
	err := s.db.view(ctx, func(tx *Tx) error {
		top, err := circleHead(ctx, tx, a, meetingCircleIs, meetingID, false)
		if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
			return notFound("meeting")
		} else if err != nil {
			return err
		}
		pg = &roundtable.MeetingPage{Circle: top.c}
		if top.c.Members, err = listMembers(ctx, tx, top.c.ID); err != nil {
			return err
		}
		pg.Me = myMembership(top.c.Members, a.id())
		if pg.Meeting, err = findMeeting(ctx, tx, meetingID); err != nil {
			return err
		}
		if err := readAnswers(ctx, tx, pg.Meeting, a.id()); err != nil {
			return err
		}
		if pg.Polls, err = loadPolls(ctx, tx, "p.meeting_id = $1 AND p.closed_at IS NULL", meetingID); err != nil {
			return fmt.Errorf("list polls: %w", err)
		}
		if pg.Readings, err = meetingReadings(ctx, tx, meetingID); err != nil {
			return err
		}
		if pg.Threads, err = meetingThreads(ctx, tx, a, meetingID); err != nil {
			return err
		}
		if pg.Agenda, err = readAgenda(ctx, tx, a, pg.Meeting, top.mb); err != nil {
			return err
		}
		pg.Starts, err = followUpStarts(ctx, tx, pg.Meeting, pg.Agenda)
		return err
	})
	if err != nil {
		return nil, err
	}
	return pg, nil
}

// readAnswers fills in a meeting's answers: everyone's and the reader's.
func readAnswers(ctx context.Context, tx *Tx, m *roundtable.Meeting, userID string) error {
	m.RSVPs = map[string]roundtable.RSVP{}
	return fillAnswers(ctx, tx, map[string]*roundtable.Meeting{m.ID: m}, userID,
		`SELECT meeting_id, user_id, answer FROM rsvps WHERE meeting_id = $1`, m.ID)
}

// followUpStarts says when the meeting and those its agenda's follow-ups
// were made in start; the circle's meetings are read only when a follow-up
// comes from another meeting.
func followUpStarts(ctx context.Context, tx *Tx, m *roundtable.Meeting, ag *roundtable.Agenda) (map[string]time.Time, error) {
	starts := map[string]time.Time{m.ID: m.StartsAt}
	need := false
	for _, it := range ag.FollowUps {
		need = need || it.MeetingID != m.ID
	}
	if !need {
		return starts, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, starts_at FROM meetings WHERE circle_id = $1`, m.CircleID)
	if err != nil {
		return nil, fmt.Errorf("list meeting starts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		starts[id] = fromMS(at)
	}
	return starts, rows.Err()
}
