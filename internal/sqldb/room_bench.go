package sqldb

import (
	"context"
	"fmt"
	"time"

	"github.com/roundtable/roundtable"
)

// SeedRoomBench makes n circles of eight, each in the middle of a meeting:
// a peer-assist agenda with roles and the presenter's challenge card, the
// timer running, everyone present, a few turns spoken and questions on the
// board, so that each room draws as a real one does. It returns the meetings
// in the order of RoomBenchMeetings.
func SeedRoomBench(ctx context.Context, db *DB, n int) ([]string, error) {
	var circles []seededCircle
	err := db.update(ctx, func(tx *Tx) error {
		programID, err := seedProgram(ctx, tx)
		if err != nil {
			return err
		}
		for i := range n {
			c, err := seedCircle(ctx, tx, programID, fmt.Sprintf("Circle %04d", i+1), benchCircleSize, []time.Time{tx.now.Add(-10 * time.Minute)})
			if err != nil {
				return err
			}
			circles = append(circles, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sys := roundtable.NewSystemContext(ctx)
	agendas, rooms := NewAgendaService(db), NewRoomService(db)
	as := func(id string) context.Context { return roundtable.NewContextWithUser(ctx, &roundtable.User{ID: id}) }
	ids := make([]string, len(circles))
	for i, c := range circles {
		m, fac, presenter := c.meetings[0], c.members[0], c.members[1]
		ids[i] = m
		if err := agendas.ApplyFormat(sys, m, "peer_assist", false); err != nil {
			return nil, fmt.Errorf("seed agenda: %w", err)
		}
		if err := agendas.SetRoles(sys, m, []roundtable.RoleAssignment{
			{Role: roundtable.RoleChair, UserID: fac}, {Role: roundtable.RoleTimekeeper, UserID: c.members[2]},
			{Role: roundtable.RolePresenter, UserID: presenter}, {Role: roundtable.RoleNoteTaker, UserID: c.members[3]},
		}); err != nil {
			return nil, fmt.Errorf("seed roles: %w", err)
		}
		if err := agendas.SaveChallenge(as(presenter), &roundtable.Challenge{MeetingID: m, PresenterID: presenter,
			Context:  "Our two regional teams merge next quarter and both leads expect to run the new team.",
			Question: "How do I choose a lead without losing the other one?",
			Tried:    "Talked to each of them; asked HR for a neutral assessment.",
		}); err != nil {
			return nil, fmt.Errorf("seed challenge: %w", err)
		}
		for _, u := range c.members {
			if err := rooms.Join(as(u), m); err != nil {
				return nil, fmt.Errorf("seed attendance: %w", err)
			}
		}
		if err := rooms.ControlTimer(sys, m, roundtable.TimerStart, 0); err != nil {
			return nil, fmt.Errorf("seed timer: %w", err)
		}
		for k, u := range c.members[2:5] {
			if err := rooms.SetSpeaker(sys, m, u); err != nil {
				return nil, fmt.Errorf("seed speaker: %w", err)
			}
			if _, err := rooms.Post(as(u), m, roundtable.PostQuestion, fmt.Sprintf("What would each lead lose if the other got the role? (%d)", k+1)); err != nil {
				return nil, fmt.Errorf("seed post: %w", err)
			}
		}
	}
	return ids, nil
}

// RoomBenchMeetings returns the meetings SeedRoomBench made, in its order,
// for the instances of a benchmark that did not seed them.
func RoomBenchMeetings(ctx context.Context, db *DB) ([]string, error) {
	var ids []string
	err := db.view(ctx, func(tx *Tx) error {
		var err error
		ids, err = queryStrings(ctx, tx, `SELECT m.id FROM meetings m JOIN circles c ON c.id = m.circle_id ORDER BY c.name, m.id`)
		return err
	})
	return ids, err
}

// SeedBoard puts n posts on a meeting's board at once, questions and
// suggestions in turn, spread over the members of its circle, bypassing the
// limit of posts per person: a long board for tests and benchmarks to draw.
func SeedBoard(ctx context.Context, db *DB, meetingID string, n int) error {
	return db.update(ctx, func(tx *Tx) error {
		m, err := findMeeting(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		people, err := loadPeople(ctx, tx, m.CircleID, meetingID)
		if err != nil {
			return err
		}
		if len(people) == 0 {
			return fmt.Errorf("seed board: the meeting's circle has nobody")
		}
		at := tx.now.Add(-time.Duration(n) * time.Second)
		for i := range n {
			kind := roundtable.PostQuestion
			if i%2 == 1 {
				kind = roundtable.PostSuggestion
			}
			id := newID()
			body, err := sealPost(ctx, tx, meetingID, id,
				fmt.Sprintf("Post %d: what would change if the two teams shared one backlog for a quarter?", i+1))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO board_posts (id, meeting_id, author_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				id, meetingID, people[i%len(people)].UserID, kind, body,
				ms(at.Add(time.Duration(i)*time.Second))); err != nil {
				return fmt.Errorf("seed board: %w", err)
			}
		}
		return touchRoom(ctx, tx, meetingID, partBoard)
	})
}
