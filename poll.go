package roundtable

import (
	"context"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// PollScope says what the chosen time of a poll changes.
type PollScope string

// Poll scopes.
const (
	ScopeMeeting PollScope = "meeting" // this meeting only
	ScopeSeries  PollScope = "series"  // this and the following meetings of the series
)

// Valid reports whether s is a known scope.
func (s PollScope) Valid() bool { return s == ScopeMeeting || s == ScopeSeries }

// Label returns the scope in words.
func (s PollScope) Label() string {
	if s == ScopeSeries {
		return "This and the following meetings"
	}
	return "This meeting only"
}

// PollAnswer is a member's answer to one option of a poll.
type PollAnswer string

// Poll answers.
const (
	AnswerYes      PollAnswer = "yes"
	AnswerIfNeedBe PollAnswer = "if_need_be"
	AnswerNo       PollAnswer = "no"
)

// PollAnswers lists the answers in the order forms show them.
var PollAnswers = []PollAnswer{AnswerYes, AnswerIfNeedBe, AnswerNo}

// Valid reports whether a is a known answer.
func (a PollAnswer) Valid() bool { return slices.Contains(PollAnswers, a) }

// Label returns the answer in words.
func (a PollAnswer) Label() string {
	switch a {
	case AnswerYes:
		return "Yes"
	case AnswerIfNeedBe:
		return "If need be"
	case AnswerNo:
		return "No"
	}
	return "No answer"
}

// Poll bounds.
const (
	MinPollOptions = 2
	MaxPollOptions = 5
)

// Poll finds a new time for a meeting: the facilitator offers 2–5 times,
// members answer each, and the facilitator chooses one, which moves the
// meeting or, for ScopeSeries, the rest of the series. Polls are circle
// content.
type Poll struct {
	ID        string
	CircleID  string
	MeetingID string
	Scope     PollScope
	Note      string // why a new time is needed
	Options   []*PollOption
	ChosenID  string // the option chosen, "" while open or when closed without one
	CreatedBy string
	CreatedAt time.Time
	ClosedAt  *time.Time

	// Answered lists the user IDs of the people who answered.
	Answered []string
}

// Open reports whether people may still answer.
func (p *Poll) Open() bool { return p.ClosedAt == nil }

// Chosen returns the chosen option, or nil.
func (p *Poll) Chosen() *PollOption {
	for _, o := range p.Options {
		if o.ID == p.ChosenID {
			return o
		}
	}
	return nil
}

// Best returns the option with the most yes, then the most if-need-be, then
// the fewest no, the earlier on a tie; nil when there are no options.
func (p *Poll) Best() *PollOption {
	var best *PollOption
	for _, o := range p.Options {
		if best == nil || o.better(best) {
			best = o
		}
	}
	return best
}

func (o *PollOption) better(b *PollOption) bool {
	if o.Yes != b.Yes {
		return o.Yes > b.Yes
	}
	if o.IfNeedBe != b.IfNeedBe {
		return o.IfNeedBe > b.IfNeedBe
	}
	return o.No < b.No
}

// HasAnswered reports whether the user answered.
func (p *Poll) HasAnswered(userID string) bool { return slices.Contains(p.Answered, userID) }

// PollOption is one time offered in a poll.
type PollOption struct {
	ID       string
	StartsAt time.Time
	Minutes  int
	Position int
	Answers  map[string]PollAnswer // by user ID

	Yes, IfNeedBe, No int
}

// EndsAt returns when a meeting at this time would end.
func (o *PollOption) EndsAt() time.Time {
	return o.StartsAt.Add(time.Duration(o.Minutes) * time.Minute)
}

// Validate checks a new poll (keys scope, note, options, and option1 … option5
// for the times, numbered from 1) against now.
func (p *Poll) Validate(now time.Time) error {
	var v Problems
	if !p.Scope.Valid() {
		v.Add("scope", "Choose whether the new time is for this meeting only or for the following ones too.")
	}
	if utf8.RuneCountInString(p.Note) > 2000 {
		v.Add("note", "Use at most 2,000 characters.")
	}
	switch n := len(p.Options); {
	case n < MinPollOptions:
		v.Add("options", "Offer at least two times.")
	case n > MaxPollOptions:
		v.Add("options", "Offer at most five times.")
	}
	seen := map[int64]bool{}
	for i, o := range p.Options {
		key := "option" + strconv.Itoa(i+1)
		switch {
		case o.StartsAt.IsZero():
			v.Add(key, "Enter the date and time of this option.")
		case !o.StartsAt.After(now):
			v.Add(key, "Offer a time in the future.")
		case o.StartsAt.Year() > 2200:
			v.Add(key, "Enter a date before the year 2200.")
		case seen[o.StartsAt.Unix()]:
			v.Add(key, "This time is offered already.")
		}
		seen[o.StartsAt.Unix()] = true
		if o.Minutes < 15 || o.Minutes > 480 {
			v.Add(key, "Enter a length between 15 and 480 minutes.")
		}
	}
	return v.Err()
}

// PollService runs the polls that find a new time for a meeting. A poll is
// seen by its circle's members and facilitator only (ENOTFOUND for anyone
// else); only the facilitator creates, chooses and closes.
type PollService interface {
	// CreatePoll opens a poll for a meeting and tells every member, with one
	// reminder later for those who have not answered. Facilitator only
	// (EFORBIDDEN for members); EINVALID for bad options, a meeting that is
	// over or cancelled, or ScopeSeries for a meeting outside the series;
	// ECONFLICT when the meeting has an open poll already.
	CreatePoll(ctx context.Context, p *Poll) error

	// FindPoll returns a poll with every answer.
	FindPoll(ctx context.Context, id string) (*Poll, error)

	// ListPolls returns a circle's polls, open ones first, newest first.
	ListPolls(ctx context.Context, circleID string) ([]*Poll, error)

	// AnswerPoll records the caller's answers, by option ID; options left
	// out keep their answer. EINVALID for an unknown option or answer or a
	// closed poll.
	AnswerPoll(ctx context.Context, pollID string, answers map[string]PollAnswer) error

	// ChoosePollOption closes the poll with the option chosen and moves the
	// meeting (or changes the rest of the series) to it. Facilitator only;
	// EINVALID when the poll is closed or the time has passed.
	ChoosePollOption(ctx context.Context, pollID, optionID string) error

	// ClosePoll closes a poll without choosing a time. Facilitator only.
	ClosePoll(ctx context.Context, pollID string) error
}
