package sqldb

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/schedule"
)

// PollService implements roundtable.PollService.
type PollService struct{ db *DB }

var _ roundtable.PollService = (*PollService)(nil)

// NewPollService returns the poll service.
func NewPollService(db *DB) *PollService { return &PollService{db: db} }

// pollReminderAfter is when members who have not answered are reminded,
// once; sooner when the first time offered is close.
const pollReminderAfter = 48 * time.Hour

// loadPoll returns a poll with its options and every answer, without
// checking who asks. Renderers of poll messages read it when they send.
func loadPoll(ctx context.Context, tx *Tx, id string) (*roundtable.Poll, error) {
	if !validID(id) {
		return nil, notFound("poll")
	}
	polls, err := loadPolls(ctx, tx, "p.id = $1", id)
	if err != nil {
		return nil, err
	}
	if len(polls) == 0 {
		return nil, notFound("poll")
	}
	return polls[0], nil
}

// loadPolls returns the polls matching where (a condition on polls p with
// one parameter, arg), newest first, with their options and every answer:
// three queries however many polls there are, one when there are none.
func loadPolls(ctx context.Context, tx *Tx, where, arg string) ([]*roundtable.Poll, error) {
	var out []*roundtable.Poll
	byID := map[string]*roundtable.Poll{}
	rows, err := tx.QueryContext(ctx, `
		SELECT p.id, p.circle_id, COALESCE(p.meeting_id, ''), p.scope, p.note, COALESCE(p.chosen_id, ''), COALESCE(p.created_by, ''),
			p.created_at, p.closed_at, COALESCE((SELECT ck.data_key FROM circles ck WHERE ck.id = p.circle_id), '')
		FROM polls p WHERE `+where+` ORDER BY p.created_at DESC, p.id DESC`, arg)
	if err != nil {
		return nil, fmt.Errorf("find polls: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p := &roundtable.Poll{}
		var created int64
		var closed *int64
		var wrapped string
		if err := rows.Scan(&p.ID, &p.CircleID, &p.MeetingID, &p.Scope, &p.Note, &p.ChosenID, &p.CreatedBy, &created, &closed, &wrapped); err != nil {
			return nil, err
		}
		p.Note = tx.open(p.CircleID, wrapped, "polls", "note", p.ID, p.Note)
		p.CreatedAt, p.ClosedAt = fromMS(created), nullMS(closed)
		byID[p.ID] = p
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return nil, nil
	}
	if err := loadPollOptions(ctx, tx, byID, where, arg); err != nil {
		return nil, err
	}
	return out, nil
}

// loadPollOptions fills in the options and answers of the polls in byID,
// which are those matching where.
func loadPollOptions(ctx context.Context, tx *Tx, byID map[string]*roundtable.Poll, where, arg string) error {
	rows, err := tx.QueryContext(ctx, `
		SELECT o.poll_id, o.id, o.starts_at, o.minutes, o.position
		FROM poll_options o JOIN polls p ON p.id = o.poll_id
		WHERE `+where+` ORDER BY o.poll_id, o.position`, arg)
	if err != nil {
		return fmt.Errorf("list poll options: %w", err)
	}
	defer rows.Close()
	options := map[string]*roundtable.PollOption{}
	owner := map[string]*roundtable.Poll{}
	for rows.Next() {
		o := &roundtable.PollOption{Answers: map[string]roundtable.PollAnswer{}}
		var pollID string
		var starts int64
		if err := rows.Scan(&pollID, &o.ID, &starts, &o.Minutes, &o.Position); err != nil {
			return err
		}
		o.StartsAt = fromMS(starts)
		if p := byID[pollID]; p != nil {
			p.Options = append(p.Options, o)
			options[o.ID], owner[o.ID] = o, p
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	answers, err := tx.QueryContext(ctx, `
		SELECT a.option_id, a.user_id, a.answer
		FROM poll_answers a JOIN poll_options o ON o.id = a.option_id JOIN polls p ON p.id = o.poll_id
		WHERE `+where+` ORDER BY a.user_id`, arg)
	if err != nil {
		return fmt.Errorf("list poll answers: %w", err)
	}
	defer answers.Close()
	seen := map[*roundtable.Poll]map[string]bool{}
	for answers.Next() {
		var optionID, uid string
		var ans roundtable.PollAnswer
		if err := answers.Scan(&optionID, &uid, &ans); err != nil {
			return err
		}
		o, p := options[optionID], owner[optionID]
		if o == nil {
			continue
		}
		o.Answers[uid] = ans
		switch ans {
		case roundtable.AnswerYes:
			o.Yes++
		case roundtable.AnswerIfNeedBe:
			o.IfNeedBe++
		case roundtable.AnswerNo:
			o.No++
		}
		if seen[p] == nil {
			seen[p] = map[string]bool{}
		}
		if !seen[p][uid] {
			seen[p][uid] = true
			p.Answered = append(p.Answered, uid)
		}
	}
	return answers.Err()
}

// pollAccess returns a poll for a member of its circle (ENOTFOUND for anyone
// else, EGROUNDRULES before the rules are accepted) and the caller's role.
func pollAccess(ctx context.Context, tx *Tx, a actor, id string) (*roundtable.Poll, *membership, error) {
	p, err := loadPoll(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	mb, err := memberWithRules(ctx, tx, a, p.CircleID)
	if err != nil {
		if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
			return nil, nil, notFound("poll")
		}
		return nil, nil, err
	}
	return p, mb, nil
}

// facilitatedPoll is pollAccess for the circle's facilitator only.
func facilitatedPoll(ctx context.Context, tx *Tx, a actor, id, what string) (*roundtable.Poll, error) {
	p, mb, err := pollAccess(ctx, tx, a, id)
	if err != nil {
		return nil, err
	}
	if mb.role != roundtable.RoleFacilitator {
		return nil, roundtable.Errorf(roundtable.EFORBIDDEN, "Only the circle's facilitator can %s.", what)
	}
	return p, nil
}

// CreatePoll opens a poll for a meeting and tells the members.
func (s *PollService) CreatePoll(ctx context.Context, p *roundtable.Poll) error {
	a := actorOf(ctx)
	p.Note = clean(p.Note)
	return s.db.update(ctx, func(tx *Tx) error {
		circleID, err := meetingAccess(ctx, tx, a, p.MeetingID)
		if err != nil {
			return err
		}
		if _, err := requireFacilitator(ctx, tx, a, circleID, "look for a new time"); err != nil {
			return err
		}
		m, err := findMeeting(ctx, tx, p.MeetingID)
		if err != nil {
			return err
		}
		if err := checkChangeable(m, tx); err != nil {
			return err
		}
		p.CircleID = circleID
		for _, o := range p.Options {
			o.StartsAt = fromMS(ms(o.StartsAt))
		}
		if err := p.Validate(tx.now); err != nil {
			return err
		}
		if p.Scope == roundtable.ScopeSeries {
			if err := checkSeriesOptions(ctx, tx, m, p); err != nil {
				return err
			}
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM polls WHERE meeting_id = $1 AND closed_at IS NULL`, m.ID).Scan(&open); err != nil {
			return fmt.Errorf("count open polls: %w", err)
		}
		if open > 0 {
			return roundtable.Errorf(roundtable.ECONFLICT, "A poll for this meeting is open already: choose a time there or close it first.")
		}
		p.ID, p.CreatedAt, p.CreatedBy, p.ChosenID, p.ClosedAt = newID(), tx.now, a.id(), "", nil
		note, err := tx.seal(ctx, p.CircleID, "polls", "note", p.ID, p.Note)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO polls (id, circle_id, meeting_id, scope, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			p.ID, p.CircleID, p.MeetingID, string(p.Scope), note, nullable(p.CreatedBy), ms(p.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert poll: %w", err)
		}
		earliest := p.Options[0].StartsAt
		for i, o := range p.Options {
			o.ID, o.Position, o.Answers = newID(), i+1, map[string]roundtable.PollAnswer{}
			if o.StartsAt.Before(earliest) {
				earliest = o.StartsAt
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO poll_options (id, poll_id, starts_at, minutes, position) VALUES ($1, $2, $3, $4, $5)`,
				o.ID, p.ID, ms(o.StartsAt), o.Minutes, o.Position); err != nil {
				return fmt.Errorf("insert poll option: %w", err)
			}
		}
		return enqueuePollMail(ctx, tx, p, earliest)
	})
}

// checkSeriesOptions refuses a series poll for a meeting outside the series
// and options outside the program's dates.
func checkSeriesOptions(ctx context.Context, tx *Tx, m *roundtable.Meeting, p *roundtable.Poll) error {
	if _, err := findSeries(ctx, tx, m.CircleID); !m.InSeries || err != nil {
		if err != nil && roundtable.ErrorCode(err) != roundtable.ENOTFOUND {
			return err
		}
		return fieldError("scope", "This meeting is not part of a series: the new time can be for this meeting only.")
	}
	c, err := findCircle(ctx, tx, m.CircleID)
	if err != nil {
		return err
	}
	prog, err := findProgram(ctx, tx, c.ProgramID)
	if err != nil {
		return err
	}
	ref := roundtable.LoadLocation(c.TimeZone)
	start, end := civilDay(prog.StartDate), civilDay(prog.EndDate)
	var v roundtable.Problems
	for i, o := range p.Options {
		if d := civilDay(o.StartsAt.In(ref)); d.Before(start) || d.After(end) {
			v.Add("option"+strconv.Itoa(i+1), fmt.Sprintf("The following meetings move with this one: choose a date within the program, from %s to %s.",
				start.Format("2 January 2006"), end.Format("2 January 2006")))
		}
	}
	return v.Err()
}

// enqueuePollMail tells everyone but the facilitator who opened the poll,
// and reminds them once later; the reminder is not sent to those who answered.
func enqueuePollMail(ctx context.Context, tx *Tx, p *roundtable.Poll, earliest time.Time) error {
	due := tx.now.Add(pollReminderAfter)
	if soon := earliest.Add(-12 * time.Hour); soon.Before(due) {
		due = tx.now.Add(time.Hour)
		if soon.After(due) {
			due = soon
		}
	}
	people, err := circlePeople(ctx, tx, p.CircleID)
	if err != nil {
		return err
	}
	for _, u := range people {
		if u == p.CreatedBy {
			continue
		}
		if err := enqueueJob(ctx, tx, job{Kind: kindPollOpen, UserID: u, RefID: p.ID}); err != nil {
			return err
		}
		if err := enqueueJob(ctx, tx, job{Kind: kindPollReminder, UserID: u, RefID: p.ID, DueAt: due}); err != nil {
			return err
		}
	}
	return nil
}

// FindPoll returns a poll to its circle.
func (s *PollService) FindPoll(ctx context.Context, id string) (*roundtable.Poll, error) {
	var out *roundtable.Poll
	err := s.db.view(ctx, func(tx *Tx) (err error) {
		out, _, err = pollAccess(ctx, tx, actorOf(ctx), id)
		return err
	})
	return out, err
}

// ListPolls returns a circle's polls, open ones first, newest first.
func (s *PollService) ListPolls(ctx context.Context, circleID string) ([]*roundtable.Poll, error) {
	var out []*roundtable.Poll
	err := s.db.view(ctx, func(tx *Tx) error {
		if _, err := memberWithRules(ctx, tx, actorOf(ctx), circleID); err != nil {
			return err
		}
		var err error
		if out, err = loadPolls(ctx, tx, "p.circle_id = $1", circleID); err != nil {
			return fmt.Errorf("list polls: %w", err)
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Open() && !out[j].Open() })
		return nil
	})
	return out, err
}

// AnswerPoll records the caller's answers.
func (s *PollService) AnswerPoll(ctx context.Context, pollID string, answers map[string]roundtable.PollAnswer) error {
	a := actorOf(ctx)
	if a.user == nil {
		return notFound("poll")
	}
	return s.db.update(ctx, func(tx *Tx) error {
		p, _, err := pollAccess(ctx, tx, a, pollID)
		if err != nil {
			return err
		}
		if !p.Open() {
			return roundtable.Errorf(roundtable.EINVALID, "This poll is closed.")
		}
		var v roundtable.Problems
		known := map[string]int{}
		for _, o := range p.Options {
			known[o.ID] = o.Position
		}
		for id, ans := range answers {
			pos, ok := known[id]
			if !ok {
				v.Add("answers", "Answer the times of this poll.")
				continue
			}
			if !ans.Valid() {
				v.Add("option"+strconv.Itoa(pos), "Choose yes, if need be or no.")
			}
		}
		if len(answers) == 0 {
			v.Add("answers", "Answer at least one of the times.")
		}
		if err := v.Err(); err != nil {
			return err
		}
		for id, ans := range answers {
			_, err := tx.ExecContext(ctx, `
				INSERT INTO poll_answers (option_id, user_id, answer, updated_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (option_id, user_id) DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at`,
				id, a.user.ID, string(ans), ms(tx.now))
			if err != nil {
				return fmt.Errorf("save poll answer: %w", err)
			}
		}
		return nil
	})
}

// ChoosePollOption moves the meeting, or the rest of the series, to the
// chosen time and closes the poll.
func (s *PollService) ChoosePollOption(ctx context.Context, pollID, optionID string) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		p, err := facilitatedPoll(ctx, tx, a, pollID, "choose the new time")
		if err != nil {
			return err
		}
		if !p.Open() {
			return roundtable.Errorf(roundtable.EINVALID, "This poll is closed.")
		}
		var o *roundtable.PollOption
		for _, x := range p.Options {
			if x.ID == optionID {
				o = x
			}
		}
		if o == nil {
			return fieldError("option_id", "Choose one of the times of this poll.")
		}
		if !o.StartsAt.After(tx.now) {
			return fieldError("option_id", "This time has passed: choose another or start a new poll.")
		}
		m, err := findMeeting(ctx, tx, p.MeetingID)
		if err != nil {
			return err
		}
		if err := checkChangeable(m, tx); err != nil {
			return err
		}
		c, err := findCircle(ctx, tx, p.CircleID)
		if err != nil {
			return err
		}
		ref := roundtable.LoadLocation(c.TimeZone)
		if p.Scope == roundtable.ScopeSeries {
			if err := moveSeriesTo(ctx, tx, a, c, m, o, ref); err != nil {
				return err
			}
		} else {
			next := *m
			next.StartsAt, next.Minutes, next.TimeNote = o.StartsAt, o.Minutes, timeNoteOf(o.StartsAt, ref)
			if err := reviseMeeting(ctx, tx, m, &next); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE polls SET chosen_id = $1, closed_at = $2 WHERE id = $3`, o.ID, ms(tx.now), p.ID)
		if err != nil {
			return fmt.Errorf("close poll: %w", err)
		}
		return nil
	})
}

// moveSeriesTo changes the series from the polled meeting on to the weekday
// and time of the chosen option, which becomes the first meeting.
func moveSeriesTo(ctx context.Context, tx *Tx, a actor, c *roundtable.Circle, m *roundtable.Meeting, o *roundtable.PollOption, ref *time.Location) error {
	old, err := findSeries(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	prog, err := findProgram(ctx, tx, c.ProgramID)
	if err != nil {
		return err
	}
	local := o.StartsAt.In(ref)
	day := civilDay(local)
	sr := *old
	sr.Slot = schedule.Slot{Day: local.Weekday(), Start: local.Hour()*60 + local.Minute()}.String()
	sr.Minutes = o.Minutes
	if sr.Monthly() {
		sr.Nth = schedule.NthOfMonth(day)
	}
	from := civilDay(m.StartsAt.In(ref))
	if day.Before(from) {
		from = day
	}
	_, err = changeSeries(ctx, tx, a, c, prog, old, &sr, from, day)
	return err
}

// timeNoteOf explains an instant's wall time in ref when daylight saving
// repeats it there ("" otherwise): an instant chosen from a poll exists, but
// may be the first of two 01:30s.
func timeNoteOf(t time.Time, ref *time.Location) string {
	local := t.In(ref)
	at, note := schedule.WallTimeNote(civilDay(local), local.Hour()*60+local.Minute(), ref)
	if !at.Equal(t) {
		return ""
	}
	return note
}

// ClosePoll closes a poll without choosing a time.
func (s *PollService) ClosePoll(ctx context.Context, pollID string) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		p, err := facilitatedPoll(ctx, tx, a, pollID, "close the poll")
		if err != nil {
			return err
		}
		if !p.Open() {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE polls SET closed_at = $1 WHERE id = $2`, ms(tx.now), p.ID)
		if err != nil {
			return fmt.Errorf("close poll: %w", err)
		}
		return nil
	})
}
