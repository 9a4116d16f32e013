package roundtable

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// CircleRole is a person's role in a circle.
type CircleRole string

// Circle roles.
const (
	RoleMember      CircleRole = "member"
	RoleFacilitator CircleRole = "facilitator"
)

// Label returns the role in words.
func (r CircleRole) Label() string {
	if r == RoleFacilitator {
		return "Facilitator"
	}
	return "Member"
}

// Circle is a small group of peers in a program who meet for its duration.
type Circle struct {
	ID        string
	ProgramID string
	Name      string
	TimeZone  string // the circle's reference zone for meeting times
	// Slot is the weekly meeting start chosen when the circle was formed,
	// like "Tue 15:00" in TimeZone; empty when none was chosen.
	Slot      string
	CreatedAt time.Time

	Members []*CircleMember // filled by the Find methods
}

// Validate checks a circle's fields (keys: name, time_zone).
func (c *Circle) Validate() error {
	var v Problems
	c.Name = strings.TrimSpace(c.Name)
	switch {
	case c.Name == "":
		v.Add("name", "Enter a name for the circle.")
	case utf8.RuneCountInString(c.Name) > MaxNameLength:
		v.Add("name", "Use at most 120 characters.")
	}
	if msg := ValidateTimeZone(c.TimeZone); msg != "" {
		v.Add("time_zone", msg)
	}
	return v.Err()
}

// Facilitator returns the circle's first facilitator, or nil.
func (c *Circle) Facilitator() *CircleMember {
	for _, m := range c.Members {
		if m.Role == RoleFacilitator {
			return m
		}
	}
	return nil
}

// CircleMember is a person's place in a circle.
type CircleMember struct {
	CircleID    string
	UserID      string
	ApplicantID string // empty for a facilitator who did not apply
	Name        string
	Email       string
	TimeZone    string
	Role        CircleRole
	// Organization, Title and Sector come from the application, so members
	// know who is who.
	Organization string
	Title        string
	Sector       string

	GroundRulesAcceptedAt *time.Time // nil until the member accepts
	SharesCheckIns        bool       // her goal check-ins are shown to the circle
	JoinedAt              *time.Time // nil until the invitation is accepted
	InvitedAt             time.Time
}

// CircleSummary is what an organizer sees of a circle: its roster, never its content.
type CircleSummary struct {
	Circle
	MemberCount     int
	FacilitatorName string
}

// Goal is one of a member's 1–3 leadership goals. Goals are circle content:
// only the circle sees them.
type Goal struct {
	ID        string
	CircleID  string
	UserID    string
	Text      string
	Position  int
	CreatedAt time.Time
}

// MaxGoals is how many leadership goals a member sets at most.
const MaxGoals = 3

// ValidateGoals trims goals, drops empty ones and checks there are 1–3 of
// sensible length (field keys goal1…goal3, or "goals").
func ValidateGoals(goals []string) ([]string, error) {
	var v Problems
	var out []string
	for i, g := range goals {
		g = strings.TrimSpace(g)
		if g == "" {
			continue
		}
		if i >= MaxGoals {
			v.Add("goals", "Set at most three goals.")
			break
		}
		if utf8.RuneCountInString(g) > 500 {
			v.Add("goal"+string(rune('1'+i)), "Use at most 500 characters.")
		}
		out = append(out, g)
	}
	if len(out) == 0 {
		v.Add("goal1", "Write at least one leadership goal for this circle.")
	}
	return out, v.Err()
}

// CircleHome is what a member sees on a circle's page. It is confidential.
type CircleHome struct {
	Circle   *Circle
	Program  *Program
	Me       *CircleMember
	Goals    map[string][]*Goal // by user ID
	Upcoming []*Meeting
	Past     []*Meeting
	// Series is the circle's meeting series, nil when it has none.
	Series *Series
	// Polls are the circle's open polls for a new time, newest first.
	Polls []*Poll
	// NewThreads counts the discussion's threads with posts new to the
	// reader since her last visit; ToVote the open proposals she has not
	// voted on.
	NewThreads int
	ToVote     int
}

// MeetingPage is what a meeting's page shows: the meeting, its circle and
// its agenda. It holds less than a CircleHome: of the circle's other
// meetings only when each starts, and no goals.
type MeetingPage struct {
	Meeting *Meeting      // with everyone's answers and the reader's own
	Circle  *Circle       // with its members
	Me      *CircleMember // the reader in the circle
	Agenda  *Agenda       // as AgendaService.FindAgenda returns it
	Polls   []*Poll       // the meeting's open polls for a new time, newest first
	// Readings are the circle's documents and links attached to the
	// meeting, beside its Readings text.
	Readings []*Document
	Threads  []*Thread // the discussion's threads carrying on from it, oldest first
	// Starts holds when each meeting the agenda's follow-ups were made in
	// starts, by meeting ID.
	Starts map[string]time.Time
}

// CircleService manages circles. Organizers of the program create circles and
// place people; only a circle's members and facilitators see its content.
type CircleService interface {
	// CreateCircle creates a circle in a program. Organizers only (ENOTFOUND
	// otherwise); EINVALID for bad fields. An empty TimeZone takes the program's.
	CreateCircle(ctx context.Context, c *Circle) error

	// ListCircles returns a program's circles with member counts. Organizers only.
	ListCircles(ctx context.Context, programID string) ([]*CircleSummary, error)

	// FindCircleRoster returns a circle and its members for its program's
	// organizers: names and roles, no content. ENOTFOUND for anyone else.
	FindCircleRoster(ctx context.Context, id string) (*Circle, error)

	// PlaceApplicant puts an accepted applicant in a circle: a user is created
	// for them if needed, and an invitation e-mail is sent. Organizers only.
	// Returns EINVALID if the applicant is not accepted or belongs to another
	// program, ECONFLICT if they are placed already.
	PlaceApplicant(ctx context.Context, circleID, applicantID string) error

	// RemoveMember takes a member out of a circle (their applicant becomes
	// unplaced). Organizers only.
	RemoveMember(ctx context.Context, circleID, userID string) error

	// SetFacilitator names a circle's facilitator by e-mail (and name for a new
	// person): a user is created if needed and an invitation is sent. A circle
	// has one facilitator; naming another replaces the previous one. Organizers only.
	SetFacilitator(ctx context.Context, circleID, email, name string) error

	// ListMyCircles returns the circles the caller belongs to.
	ListMyCircles(ctx context.Context) ([]*Circle, error)

	// FindCircleWelcome returns the circle with its program (for the ground
	// rules) and the caller's membership, before they have accepted the rules.
	// Members and facilitators only (ENOTFOUND otherwise).
	FindCircleWelcome(ctx context.Context, id string) (*CircleHome, error)

	// FindCircleHome returns the circle's page for one of its members or its
	// facilitator. Returns ENOTFOUND for anybody else and EGROUNDRULES when the
	// caller has not accepted the ground rules yet.
	FindCircleHome(ctx context.Context, id string) (*CircleHome, error)

	// FindMeetingHome returns a meeting with its circle's page, in one read:
	// the meeting is among the page's Upcoming or Past. Returns ENOTFOUND
	// (for the meeting) to anybody outside the circle and EGROUNDRULES when
	// the caller has not accepted the ground rules yet.
	FindMeetingHome(ctx context.Context, meetingID string) (*Meeting, *CircleHome, error)

	// FindMeetingPage returns what the meeting's page shows, in one read
	// under FindMeetingHome's checks and errors.
	FindMeetingPage(ctx context.Context, meetingID string) (*MeetingPage, error)

	// AcceptGroundRules records that the caller accepts the ground rules now.
	AcceptGroundRules(ctx context.Context, circleID string) error

	// SetGoals replaces the caller's goals in a circle with 1–3 new ones.
	// EGROUNDRULES before the rules are accepted; EINVALID for bad goals.
	SetGoals(ctx context.Context, circleID string, goals []string) error
}
