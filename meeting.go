package roundtable

import (
	"context"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// RSVP is a member's answer to a meeting invitation.
type RSVP string

// RSVP answers.
const (
	RSVPYes   RSVP = "yes"
	RSVPNo    RSVP = "no"
	RSVPMaybe RSVP = "maybe"
)

// Valid reports whether r is a known answer.
func (r RSVP) Valid() bool { return r == RSVPYes || r == RSVPNo || r == RSVPMaybe }

// Label returns the answer in words.
func (r RSVP) Label() string {
	switch r {
	case RSVPYes:
		return "Coming"
	case RSVPNo:
		return "Not coming"
	case RSVPMaybe:
		return "Maybe"
	}
	return "No answer yet"
}

// Meeting is one meeting of a circle. Its agenda, place, readings, the
// presenter's challenge and the notes are circle content.
type Meeting struct {
	ID        string
	CircleID  string
	StartsAt  time.Time // an instant; shown in each reader's zone
	Minutes   int       // duration
	VideoURL  string
	Place     string // set for a meeting in person
	Agenda    string
	CreatedAt time.Time
	UpdatedAt time.Time

	// Sequence goes up with every change calendars must see (time, place,
	// cancellation), as iCalendar's SEQUENCE does.
	Sequence int
	// InSeries marks a meeting the circle's series made; changing the rest of
	// the series may move or cancel it.
	InSeries  bool
	Cancelled bool
	// TimeNote explains how a time that daylight saving skips or repeats in
	// the circle's zone was read, like "Clocks in Europe/London go forward on
	// 28 Mar 2027: 01:30 does not exist that day, so the meeting is at 02:30."
	TimeNote string
	// Readings are links and texts to read before the meeting, one a line.
	Readings string
	// PresenterID is the member who brings a challenge, "" if nobody yet:
	// the first of the meeting's presenters (see Agenda.Roles). Setting it
	// through UpdateMeeting replaces that first presenter.
	PresenterID string
	// Challenge is the context on that presenter's challenge card (see
	// Challenge); UpdateMeeting writes it there when it changed.
	Challenge string
	// Notes are the minutes and commitments written after the meeting.
	Notes       string
	NotesSentAt *time.Time // when the notes were last sent to the members

	MyRSVP RSVP            // the caller's answer, "" if none
	RSVPs  map[string]RSVP // by user ID
}

// InPerson reports whether the meeting has a place to meet.
func (m *Meeting) InPerson() bool { return m.Place != "" }

// ReadingLines returns the readings one per non-empty line.
func (m *Meeting) ReadingLines() []string { return NonEmptyLines(m.Readings) }

// EndsAt returns when the meeting ends.
func (m *Meeting) EndsAt() time.Time { return m.StartsAt.Add(time.Duration(m.Minutes) * time.Minute) }

// Validate checks a meeting's fields (keys: starts_at, minutes, video_url,
// place, agenda, readings, challenge).
func (m *Meeting) Validate() error {
	var v Problems
	if m.StartsAt.IsZero() {
		v.Add("starts_at", "Enter the date and time of the meeting.")
	} else if y := m.StartsAt.Year(); y < 2000 || y > 2200 {
		v.Add("starts_at", "Enter a date between the years 2000 and 2200.")
	}
	validateLengthAndPlace(&v, m.Minutes, &m.VideoURL, &m.Place)
	for _, f := range []struct{ key, text string }{{"agenda", m.Agenda}, {"readings", m.Readings}, {"challenge", m.Challenge}} {
		if utf8.RuneCountInString(f.text) > MaxTextLength {
			v.Add(f.key, "Use at most 10,000 characters.")
		}
	}
	return v.Err()
}

// validateLengthAndPlace tidies and checks a meeting's length, video link and
// place (keys minutes, video_url, place): one meeting and a series of them
// take the same.
func validateLengthAndPlace(v *Problems, minutes int, videoURL, place *string) {
	if minutes < 15 || minutes > 480 {
		v.Add("minutes", "Enter a length between 15 and 480 minutes.")
	}
	*videoURL, *place = strings.TrimSpace(*videoURL), strings.TrimSpace(*place)
	if *videoURL != "" {
		u, err := url.Parse(*videoURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(*videoURL) > 2000 {
			v.Add("video_url", "Enter a full link starting with https://.")
		}
	}
	if utf8.RuneCountInString(*place) > 300 {
		v.Add("place", "Use at most 300 characters.")
	}
	if *videoURL == "" && *place == "" && !v.Has("video_url") {
		v.Add("video_url", "Give a video link or a place to meet.")
	}
}

// ValidateNotes checks a meeting's minutes and commitments (key notes).
func ValidateNotes(notes string, send bool) error {
	var v Problems
	if utf8.RuneCountInString(notes) > MaxTextLength {
		v.Add("notes", "Use at most 10,000 characters.")
	} else if send && strings.TrimSpace(notes) == "" {
		v.Add("notes", "Write the notes before sending them to the circle.")
	}
	return v.Err()
}

// UpcomingMeeting is a meeting on a person's dashboard, with its circle's name.
type UpcomingMeeting struct {
	Meeting
	CircleName string
}

// MeetingMail is what became of one kind of message about a meeting, for the
// facilitator: the reminders carry the agenda, readings and challenge as they
// are when each is sent, so the form says which have gone out.
type MeetingMail struct {
	Kind    string // "invitation", "reminder_week", "reminder_day", "cancellation", "notes"
	Label   string // "Reminder a week before"
	Sent    int    // recipients it was sent to, at the meeting's current sequence for the invitation and reminders
	Waiting int    // recipients it is still to go to
	Dropped int    // recipients it was held back from on purpose
	// DropReason is why, the latest one, like "the recipient turned this
	// message off".
	DropReason string
	SentAt     *time.Time
	DueAt      *time.Time // when the next one goes out
}

// MeetingService manages a circle's meetings. Only the circle's members and
// facilitator see them; only its facilitator creates and changes them.
// Every change that members should hear of enqueues their messages in the
// same transaction.
type MeetingService interface {
	// CreateMeeting creates a meeting and enqueues the invitations and
	// reminders. Facilitators of the circle only (ENOTFOUND for non-members,
	// EFORBIDDEN for members); EINVALID for bad fields.
	CreateMeeting(ctx context.Context, m *Meeting) error

	// FindMeetingByID returns a meeting with everyone's RSVPs. Members and
	// facilitator of its circle only (ENOTFOUND otherwise; EGROUNDRULES first).
	FindMeetingByID(ctx context.Context, id string) (*Meeting, error)

	// UpdateMeeting saves a meeting's time, length, link, place, agenda,
	// readings, presenter and challenge. A change of time, length, link or
	// place raises Sequence and sends everyone an updated invitation with
	// re-timed reminders; other edits send nothing now and reach members
	// through the reminders, which are written when they go out. Facilitator
	// only (ENOTFOUND, EFORBIDDEN as CreateMeeting); EINVALID for bad fields,
	// a cancelled meeting or one that is over.
	UpdateMeeting(ctx context.Context, m *Meeting) error

	// CancelMeeting cancels a meeting: its unsent messages are dropped and
	// every member is sent a cancellation. Facilitator only; EINVALID when it
	// is over, ECONFLICT when it is cancelled already.
	CancelMeeting(ctx context.Context, id string) error

	// SaveNotes saves the minutes and commitments of a meeting and, when send
	// is set, sends them to every member (absent ones too). Facilitator only.
	SaveNotes(ctx context.Context, id, notes string, send bool) error

	// ListMeetingMail returns, for the facilitator, which messages about the
	// meeting went out and which are waiting.
	ListMeetingMail(ctx context.Context, id string) ([]*MeetingMail, error)

	// SetRSVP records the caller's answer to a meeting. A change is told to
	// the facilitator a few minutes later, once, however often it changes in
	// between.
	SetRSVP(ctx context.Context, meetingID string, r RSVP) error

	// ListMyUpcomingMeetings returns the caller's meetings that have not ended,
	// across circles whose ground rules they accepted, soonest first.
	// Cancelled meetings are left out.
	ListMyUpcomingMeetings(ctx context.Context) ([]*UpcomingMeeting, error)
}
