package sqldb

import (
	"context"
	"fmt"
	"github.com/roundtable/roundtable"
	"sync"
	"time"
)

// The mail benchmark (roundtable bench mail) and the outbox tests need many
// real reminders: people in circles, meetings, and keyed outbox rows, as the
// services would leave them. This file makes them directly, quickly, on an
// empty database.

// MailSeed describes what SeedMailBench made.
type MailSeed struct {
	Messages, Meetings, Members, Circles int
	Setup, Enqueue                       time.Duration
}

// benchCircleSize and benchMeetings shape the seeded program: circles of
// eight, ten meetings each.
const (
	benchCircleSize = 8
	benchMeetings   = 10
)

// SeedMailBench fills an empty database with a program, circles of eight
// members and their meetings, which start six days from now (two hours
// apart), and enqueues n
// one-week reminders, due now: one per member and meeting. Each circle's
// reminders are enqueued in one transaction, as setting up a circle's series
// does, several circles at a time.
func SeedMailBench(ctx context.Context, db *DB, n int) (MailSeed, error) {
	var s MailSeed
	perCircle := benchCircleSize * benchMeetings
	s.Circles = (n + perCircle - 1) / perCircle
	start := time.Now()
	circles := make([]seededCircle, s.Circles)
	err := db.update(ctx, func(tx *Tx) error {
		programID, err := seedProgram(ctx, tx)
		if err != nil {
			return err
		}
		for i := range circles {
			left := n - i*perCircle
			var starts []time.Time
			for k := range min(benchMeetings, (left+benchCircleSize-1)/benchCircleSize) {
				starts = append(starts, tx.now.Add(6*24*time.Hour+time.Duration(k)*2*time.Hour))
			}
			c, err := seedCircle(ctx, tx, programID, fmt.Sprintf("Circle %d", i+1), benchCircleSize, starts)
			if err != nil {
				return err
			}
			circles[i] = c
		}
		return nil
	})
	if err != nil {
		return s, err
	}
	s.Setup = time.Since(start)

	start = time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	next := make(chan int)
	for range 4 {
		wg.Go(func() {
			for i := range next {
				left := n - i*perCircle
				err := db.update(ctx, func(tx *Tx) error {
					c := circles[i]
					for _, m := range c.meetings {
						for _, u := range c.members {
							if left == 0 {
								return nil
							}
							left--
							if err := enqueueJob(ctx, tx, job{Kind: kindReminderWeek, MeetingID: m, UserID: u}); err != nil {
								return err
							}
						}
					}
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	var failed error
feed:
	for i := range circles {
		select {
		case next <- i:
		case failed = <-errs:
			break feed
		}
	}
	close(next)
	wg.Wait()
	close(errs)
	if failed == nil {
		failed = <-errs
	}
	if failed != nil {
		return s, fmt.Errorf("seed reminders: %w", failed)
	}
	s.Enqueue = time.Since(start)
	s.Messages = n
	for _, c := range circles {
		s.Meetings += len(c.meetings)
		s.Members += len(c.members)
	}
	return s, nil
}

// seedProgram makes a program for seeded circles.
func seedProgram(ctx context.Context, tx *Tx) (string, error) {
	id := newID()
	_, err := tx.ExecContext(ctx, `
		INSERT INTO programs (id, name, purpose, start_date, end_date, cadence, session_minutes,
			size_min, size_target, size_max, time_zone, ground_rules, applications_open, created_at, updated_at)
		VALUES ($1, 'Leaders 2026', 'Grow together.', '2026-01-01', '2027-12-31', 'weekly', 90, 5, 7, 8,
			'Europe/Paris', 'Confidentiality.', 0, $2, $2)`, id, ms(tx.now))
	if err != nil {
		return "", fmt.Errorf("seed program: %w", err)
	}
	return id, nil
}

// seededCircle is a circle made for tests and benchmarks.
type seededCircle struct {
	id       string
	members  []string // user IDs
	emails   []string
	meetings []string
}

// benchZones gives the seeded members a spread of time zones, as a real
// international program has.
var benchZones = []string{"Europe/Paris", "America/New_York", "Asia/Tokyo", "Europe/London", "America/Los_Angeles", "Australia/Sydney"}

// seedCircle makes a circle of members who joined and accepted the ground
// rules (the first facilitates), and meetings at the given starts.
func seedCircle(ctx context.Context, tx *Tx, programID, name string, members int, starts []time.Time) (seededCircle, error) {
	c := seededCircle{id: newID()}
	now := ms(tx.now)
	if err := insertCircle(ctx, tx, &roundtable.Circle{ID: c.id, ProgramID: programID, Name: name, TimeZone: "Europe/Paris", CreatedAt: tx.now}); err != nil {
		return c, fmt.Errorf("seed circle: %w", err)
	}
	for i := range members {
		id := newID()
		email := fmt.Sprintf("member-%s@example.org", id)
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, name, time_zone, created_at) VALUES ($1, $2, $3, $4, $5)`,
			id, email, fmt.Sprintf("Member %d of %s", i+1, name), benchZones[i%len(benchZones)], now); err != nil {
			return c, fmt.Errorf("seed member: %w", err)
		}
		role := "member"
		if i == 0 {
			role = "facilitator"
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO circle_members (circle_id, user_id, role, invited_at, joined_at, ground_rules_accepted_at)
			VALUES ($1, $2, $3, $4, $4, $4)`, c.id, id, role, now); err != nil {
			return c, fmt.Errorf("seed membership: %w", err)
		}
		c.members, c.emails = append(c.members, id), append(c.emails, email)
	}
	for _, start := range starts {
		id := newID()
		agenda, err := tx.seal(ctx, c.id, "meetings", "agenda", id, "Check-in\nOne member's challenge\nCommitments")
		if err != nil {
			return c, err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO meetings (id, circle_id, starts_at, minutes, video_url, place, agenda, created_at, in_series, readings, updated_at)
			VALUES ($1, $2, $3, 90, 'https://video.example.org/circle', '', $4, $5, 1, $6, $5)`,
			id, c.id, ms(start), agenda, now, "https://example.org/reading"); err != nil {
			return c, fmt.Errorf("seed meeting: %w", err)
		}
		c.meetings = append(c.meetings, id)
	}
	return c, nil
}
