package roundtable

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Discussion is a circle talking between its meetings: threads with a title
// and a Markdown body, and replies. Everything in it is circle content,
// sealed at rest and seen by the circle's members (the facilitator
// included) only; organizers see none of it.

// Discussion bounds.
const (
	MaxThreadTitle = 200
	MaxPostBody    = 20000
	// EditWindow is how long after writing a post its author may change it.
	EditWindow = 15 * time.Minute
	// RepliesPerPage is how many replies a thread's page shows: a few
	// screens on a phone, and a page of a long thread served within its
	// time on a busy machine.
	RepliesPerPage = 30
)

// Thread is a conversation in a circle.
type Thread struct {
	ID         string
	CircleID   string
	CircleName string
	AuthorID   string // "" when the account is gone
	AuthorName string
	Title      string
	Body       string // Markdown
	// BodyHTML is Body rendered and sanitised when it was written: safe to
	// show as it is.
	BodyHTML string
	// MeetingID links the thread to a meeting of the circle ("carry on
	// from Tuesday"); MeetingAt is that meeting's start.
	MeetingID  string
	MeetingAt  time.Time
	CreatedAt  time.Time
	EditedAt   *time.Time
	LastPostAt time.Time // the thread's or its latest reply's time
	Replies    int
	// New is set when the thread has posts by others the reader has not
	// seen; NewReplies counts those replies.
	New        bool
	NewReplies int
}

// Reply is an answer in a thread.
type Reply struct {
	ID         string
	ThreadID   string
	CircleID   string
	AuthorID   string
	AuthorName string
	Body       string // Markdown; filled in by FindReply only
	BodyHTML   string // Body rendered and sanitised when it was written
	CreatedAt  time.Time
	EditedAt   *time.Time
	New        bool // written by someone else since the reader's last visit
}

// Editable reports whether userID may still change a post written by
// authorID at created.
func Editable(authorID, userID string, created, now time.Time) bool {
	return authorID != "" && authorID == userID && now.Sub(created) <= EditWindow
}

// DiscussionIndex is a circle's discussion: its threads, the latest
// activity first.
type DiscussionIndex struct {
	CircleID   string
	CircleName string
	Threads    []*Thread
}

// ThreadPage is one page of a thread, as its reader sees it.
type ThreadPage struct {
	Thread  *Thread
	Replies []*Reply
	Page    int // 1-based
	Pages   int
	// LastRead is the reader's previous visit (nil on her first), by which
	// posts are marked new; FirstNewPage is the page of the first new
	// reply, 0 when none is new.
	LastRead     *time.Time
	FirstNewPage int
}

// DiscussionDelivery is how a person hears of new posts in her circles'
// discussions.
type DiscussionDelivery string

// Deliveries.
const (
	DeliverImmediate DiscussionDelivery = "immediate" // an e-mail for each new post
	DeliverWeekly    DiscussionDelivery = "weekly"    // one digest a week (the default)
	DeliverNone      DiscussionDelivery = "none"
)

// DiscussionDeliveries lists the choices in the order forms show them.
var DiscussionDeliveries = []DiscussionDelivery{DeliverImmediate, DeliverWeekly, DeliverNone}

// Valid reports whether d is a known choice.
func (d DiscussionDelivery) Valid() bool { return slices.Contains(DiscussionDeliveries, d) }

// Label names the choice for people.
func (d DiscussionDelivery) Label() string {
	switch d {
	case DeliverImmediate:
		return "An e-mail for each new thread or reply"
	case DeliverWeekly:
		return "A weekly digest of what is new"
	case DeliverNone:
		return "No e-mails about the discussion"
	}
	return string(d)
}

// ValidatePost checks a post's title (for a thread; pass withTitle false
// for a reply) and body, under the form's keys title and body.
func ValidatePost(title, body string, withTitle bool) error {
	var v Problems
	if withTitle {
		switch n := utf8.RuneCountInString(title); {
		case strings.TrimSpace(title) == "":
			v.Add("title", "Give the thread a title, like “Carrying on from Tuesday”.")
		case n > MaxThreadTitle:
			v.Add("title", fmt.Sprintf("Keep the title to at most %d characters.", MaxThreadTitle))
		}
	}
	switch n := utf8.RuneCountInString(body); {
	case strings.TrimSpace(body) == "":
		v.Add("body", "Write your message.")
	case n > MaxPostBody:
		v.Add("body", fmt.Sprintf("Use at most %d characters (this has %d).", MaxPostBody, n))
	}
	return v.Err()
}

// ThreadDeleted is returned to a member of the circle for a thread its
// author deleted: a page says so instead of an error.
type ThreadDeleted struct{ CircleID string }

func (e *ThreadDeleted) Error() string { return "This thread was deleted by its author." }

// ExportThreadPost is a thread she started or a reply she wrote, for her
// data export: a reply comes without the thread's title, another's words.
type ExportThreadPost struct {
	Circle    string     `json:"circle"`
	Kind      string     `json:"kind"` // "thread" or "reply"
	Title     string     `json:"title,omitempty"`
	Body      string     `json:"body"`
	CreatedAt time.Time  `json:"created_at"`
	EditedAt  *time.Time `json:"edited_at,omitempty"`
}

// DiscussionService keeps the circles' discussions. Every method answers
// ENOTFOUND to anyone but a member of the thread's circle (organizers
// included) and EGROUNDRULES to a member who has not accepted the rules.
type DiscussionService interface {
	// ListThreads returns a circle's threads, the latest activity first,
	// each marked New for the caller as it stands.
	ListThreads(ctx context.Context, circleID string) (*DiscussionIndex, error)

	// MeetingThreads returns the threads linked to a meeting.
	MeetingThreads(ctx context.Context, meetingID string) ([]*Thread, error)

	// StartThread opens a thread in t.CircleID, optionally linked to
	// t.MeetingID, and tells the people who asked for immediate e-mails.
	// EINVALID for a missing or too long title or body, or a meeting of
	// another circle.
	StartThread(ctx context.Context, t *Thread) error

	// ReadThread returns one page of a thread (page 0: the page of the
	// first reply new to the caller, else the first) and records the
	// caller's visit. *ThreadDeleted for a thread its author deleted.
	ReadThread(ctx context.Context, threadID string, page int) (*ThreadPage, error)

	// FindReply returns a reply, for its edit form.
	FindReply(ctx context.Context, replyID string) (*Reply, error)

	// AddReply adds a reply to r.ThreadID. EINVALID for an empty or too
	// long body; *ThreadDeleted for a deleted thread.
	AddReply(ctx context.Context, r *Reply) error

	// EditThread changes the caller's own thread within EditWindow.
	// EFORBIDDEN for someone else's thread; EINVALID after the window or
	// for bad input.
	EditThread(ctx context.Context, t *Thread) error

	// EditReply changes the caller's own reply within EditWindow, like
	// EditThread.
	EditReply(ctx context.Context, r *Reply) error

	// DeleteThread deletes the caller's own thread and its replies.
	// EFORBIDDEN for someone else's.
	DeleteThread(ctx context.Context, threadID string) error

	// DeleteReply deletes the caller's own reply and returns its thread.
	// EFORBIDDEN for someone else's.
	DeleteReply(ctx context.Context, replyID string) (threadID string, err error)

	// DiscussionDelivery returns the caller's choice of e-mails
	// (DeliverWeekly until she chooses). EUNAUTHORIZED when nobody is
	// signed in.
	DiscussionDelivery(ctx context.Context) (DiscussionDelivery, error)

	// SetDiscussionDelivery saves the caller's choice, for all her circles.
	// EINVALID for an unknown choice.
	SetDiscussionDelivery(ctx context.Context, d DiscussionDelivery) error
}
