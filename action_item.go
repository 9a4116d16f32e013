package roundtable

import "time"

// ActionStatus is where a commitment stands.
type ActionStatus string

// Statuses of action items.
const (
	ActionOpen    ActionStatus = "open"
	ActionDone    ActionStatus = "done"
	ActionDropped ActionStatus = "dropped"
)

// ActionItem is a commitment a member made in a meeting, usually in her
// play-back. It comes back in the follow-ups of the meeting it is due at
// until its owner reports on it.
type ActionItem struct {
	ID           string
	CircleID     string
	MeetingID    string // the meeting it was made in
	OwnerID      string
	OwnerName    string // filled when read
	Text         string
	SourcePostID string // the board suggestion it came from, "" if none
	DueMeetingID string // the next meeting, where it comes back; "" when none is planned
	DueAt        time.Time
	Status       ActionStatus
	Report       string     // what happened, said at a follow-up or between meetings
	NotedAt      *time.Time // when the owner last gave her word between meetings, nil if never
	CreatedAt    time.Time
	ClosedAt     *time.Time
}
