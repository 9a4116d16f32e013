package roundtable

import (
	"context"
	"slices"
)

// NotificationKind is a kind of message a person may choose not to receive.
// Invitations, updates and cancellations are not among them: they keep
// everyone's calendar right, so they always go out.
type NotificationKind string

// Kinds of messages a person can turn off.
const (
	NotifyReminderWeek  NotificationKind = "reminder_week"  // a week before: agenda, challenge, readings
	NotifyReminderDay   NotificationKind = "reminder_day"   // the day before: time and link
	NotifyNotes         NotificationKind = "notes"          // minutes and commitments after a meeting
	NotifyRSVP          NotificationKind = "rsvp"           // facilitators: a member's answer changed
	NotifyPolls         NotificationKind = "polls"          // a new time is being looked for, and one reminder
	NotifyCommitmentDue NotificationKind = "commitment_due" // a few days before one of her commitments is due
	NotifyCheckIn       NotificationKind = "checkin"        // once a period: time to check in on her goals
	NotifyDecisions     NotificationKind = "decisions"      // a proposal the circle decides on, and one reminder
)

// NotificationKinds lists the kinds in the order the account page shows them.
var NotificationKinds = []NotificationKind{NotifyReminderWeek, NotifyReminderDay, NotifyNotes, NotifyCommitmentDue, NotifyCheckIn, NotifyPolls, NotifyDecisions, NotifyRSVP}

// Valid reports whether k is a known kind.
func (k NotificationKind) Valid() bool { return slices.Contains(NotificationKinds, k) }

// Label names the kind for people.
func (k NotificationKind) Label() string {
	switch k {
	case NotifyReminderWeek:
		return "A reminder one week before each meeting"
	case NotifyReminderDay:
		return "A short reminder the day before each meeting"
	case NotifyNotes:
		return "The notes and commitments after each meeting"
	case NotifyRSVP:
		return "A message when a member says whether they are coming"
	case NotifyCommitmentDue:
		return "A reminder a few days before one of your commitments is due"
	case NotifyCheckIn:
		return "A reminder to check in on your goals"
	case NotifyPolls:
		return "Requests to help find a new meeting time"
	case NotifyDecisions:
		return "Proposals your circle decides on"
	}
	return string(k)
}

// Hint says what a kind's message holds, or who it is for.
func (k NotificationKind) Hint() string {
	switch k {
	case NotifyReminderWeek:
		return "With the agenda, the presenter's challenge and the readings."
	case NotifyReminderDay:
		return "With the time and the video link or the place."
	case NotifyNotes:
		return "Useful when you could not come."
	case NotifyRSVP:
		return "With how many are coming so far."
	case NotifyCommitmentDue:
		return "With a link to say how it is going."
	case NotifyCheckIn:
		return "Once in each period your program sets, unless you have checked in already."
	case NotifyPolls:
		return "With the options in your time, and one reminder if you have not answered."
	case NotifyDecisions:
		return "When one opens, and a reminder the day before it closes if you have not voted."
	}
	return ""
}

// NotificationPrefs tells, for each kind, whether the person receives it.
// A kind that is missing is on.
type NotificationPrefs map[NotificationKind]bool

// On reports whether the person receives messages of kind k.
func (p NotificationPrefs) On(k NotificationKind) bool {
	on, ok := p[k]
	return !ok || on
}

// NotificationService keeps each person's choice of messages.
type NotificationService interface {
	// NotificationPrefs returns the caller's choices, every kind present.
	// EUNAUTHORIZED when nobody is signed in.
	NotificationPrefs(ctx context.Context) (NotificationPrefs, error)

	// SetNotificationPrefs saves the caller's choices; kinds not in prefs are
	// left as they are. EINVALID for an unknown kind; EUNAUTHORIZED when
	// nobody is signed in. Messages already waiting are checked against the
	// choices when they are due, so turning a kind off stops them too.
	SetNotificationPrefs(ctx context.Context, prefs NotificationPrefs) error
}
