package roundtable

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ParkingTopic is an issue a member may bring to a meeting one day, kept in
// her parking lot: private to her until she shares it with the circle.
// Before a meeting the facilitator picks presenters' topics from the shared
// ones; a picked topic becomes its owner's challenge card draft for that
// meeting. Title and Why are circle content.
type ParkingTopic struct {
	ID        string
	CircleID  string
	OwnerID   string
	OwnerName string // filled when read; "A former member" after her account is deleted
	Title     string
	Why       string // why it matters to her
	Priority  Priority
	Minutes   int // how long she needs

	Shared   bool
	SharedAt time.Time
	// PickedMeetingID is the meeting the topic was picked for, "" while it
	// waits in the lot; PickedFor is that meeting's start.
	PickedMeetingID string
	PickedAt        time.Time
	PickedFor       time.Time

	// Wants is how many members marked the topic as one they want to hear;
	// IWant whether the reader did.
	Wants int
	IWant bool

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Priority is how pressing a topic is to its owner.
type Priority string

// Priorities: A is the most pressing.
const (
	PriorityA Priority = "A"
	PriorityB Priority = "B"
	PriorityC Priority = "C"
)

// Priorities lists the priorities in the order forms offer them.
var Priorities = []Priority{PriorityA, PriorityB, PriorityC}

// Label returns the priority in words.
func (p Priority) Label() string {
	switch p {
	case PriorityA:
		return "A: pressing"
	case PriorityB:
		return "B: soon"
	case PriorityC:
		return "C: some day"
	}
	return string(p)
}

// Parking lot bounds.
const (
	MaxTopicTitle   = 120
	MaxTopicWhy     = 2000
	MinTopicMinutes = 5
	MaxTopicMinutes = 120
)

// Validate tidies and checks a topic's own fields (keys title, why,
// priority, minutes).
func (t *ParkingTopic) Validate() error {
	var v Problems
	t.Title, t.Why = strings.Join(strings.Fields(t.Title), " "), strings.TrimSpace(t.Why)
	switch n := utf8.RuneCountInString(t.Title); {
	case n == 0:
		v.Add("title", "Give the topic a title, like “Hiring my first senior manager”.")
	case n > MaxTopicTitle:
		v.Add("title", "Use at most "+strconv.Itoa(MaxTopicTitle)+" characters for the title.")
	}
	if utf8.RuneCountInString(t.Why) > MaxTopicWhy {
		v.Add("why", "Use at most "+strconv.Itoa(MaxTopicWhy)+" characters.")
	}
	if !slices.Contains(Priorities, t.Priority) {
		v.Add("priority", "Choose a priority: A, B or C.")
	}
	if t.Minutes < MinTopicMinutes || t.Minutes > MaxTopicMinutes {
		v.Add("minutes", "Enter between "+strconv.Itoa(MinTopicMinutes)+" and "+strconv.Itoa(MaxTopicMinutes)+" minutes.")
	}
	return v.Err()
}

// Picked reports whether the topic was picked for a meeting.
func (t *ParkingTopic) Picked() bool { return t.PickedMeetingID != "" }

// ParkingLot is a circle's parking lot as one member sees it.
type ParkingLot struct {
	CircleID string
	// Mine are the reader's own topics still waiting, shared or not;
	// Shared the topics the circle shared that wait to be picked (hers
	// among them), the most wanted first; Picked those picked for a meeting
	// still to come, or held in the last weeks.
	Mine   []*ParkingTopic
	Shared []*ParkingTopic
	Picked []*ParkingTopic
	// CanPick is set for the circle's facilitator, and Meetings are the
	// meetings still to come she can pick topics for.
	CanPick  bool
	Meetings []*Meeting
}

// ParkingLotService keeps the members' parking lots. Only the members of the
// circle use it (never its program's organizers): every method returns
// ENOTFOUND for a circle, topic or meeting the caller is not a member of,
// and EGROUNDRULES before she accepted the ground rules.
type ParkingLotService interface {
	// FindParkingLot returns the circle's parking lot for the caller.
	FindParkingLot(ctx context.Context, circleID string) (*ParkingLot, error)
	// SaveTopic adds a topic to the caller's lot (ID "") or changes one of
	// hers. Returns EINVALID with field problems, ENOTFOUND for someone
	// else's topic, EINVALID for a topic picked already.
	SaveTopic(ctx context.Context, t *ParkingTopic) error
	// DeleteTopic removes one of the caller's topics.
	DeleteTopic(ctx context.Context, circleID, topicID string) error
	// ShareTopic shares one of the caller's topics with the circle, or
	// takes it back (EINVALID once it is picked).
	ShareTopic(ctx context.Context, circleID, topicID string, shared bool) error
	// WantTopic marks a shared topic as one the caller wants to hear, or
	// unmarks it. ENOTFOUND for a topic not shared.
	WantTopic(ctx context.Context, circleID, topicID string, want bool) error
	// PickTopic picks a shared topic for a meeting still to come: its owner
	// becomes a presenter of the meeting and the topic her challenge card
	// draft (what she wrote already stays). EFORBIDDEN for anyone but the
	// circle's facilitator or the meeting's; EINVALID for a meeting over or
	// cancelled, or a topic picked already.
	PickTopic(ctx context.Context, circleID, topicID, meetingID string) error
	// PutTopicBack returns a picked topic to the lot before its meeting
	// starts, undoing what the pick did (the presenter's role it gave, the
	// card draft while untouched) and saying what stayed. EFORBIDDEN as for
	// PickTopic; EINVALID for a topic not picked or a meeting under way.
	PutTopicBack(ctx context.Context, circleID, topicID string) (string, error)
}

// ExportParkingTopic is one of her parking-lot topics, in her data export.
type ExportParkingTopic struct {
	Circle    string    `json:"circle"`
	Title     string    `json:"title"`
	Why       string    `json:"why"`
	Priority  string    `json:"priority"`
	Minutes   int       `json:"minutes"`
	Shared    bool      `json:"shared"`
	CreatedAt time.Time `json:"created_at"`
}
