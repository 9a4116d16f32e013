package roundtable

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roundtable/roundtable/schedule"
)

// ApplicantStatus is where an application stands.
type ApplicantStatus string

// Application statuses.
const (
	StatusPending    ApplicantStatus = "pending"
	StatusAccepted   ApplicantStatus = "accepted"
	StatusWaitlisted ApplicantStatus = "waitlisted"
	StatusDeclined   ApplicantStatus = "declined"
)

// ApplicantStatuses lists statuses in the order lists show them.
var ApplicantStatuses = []ApplicantStatus{StatusPending, StatusAccepted, StatusWaitlisted, StatusDeclined}

// Label returns the status in words.
func (s ApplicantStatus) Label() string {
	switch s {
	case StatusPending:
		return "New"
	case StatusAccepted:
		return "Accepted"
	case StatusWaitlisted:
		return "Waitlisted"
	case StatusDeclined:
		return "Declined"
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s ApplicantStatus) Valid() bool {
	for _, k := range ApplicantStatuses {
		if s == k {
			return true
		}
	}
	return false
}

// Level is a level of responsibility, 1 (first-time manager) to 6 (head of an
// organization). Circles gather people of similar levels.
type Level int

// Levels lists every level.
var Levels = []Level{1, 2, 3, 4, 5, 6}

// Label returns the level in words.
func (l Level) Label() string {
	switch l {
	case 1:
		return "Team lead or first-time manager"
	case 2:
		return "Manager of a team or function"
	case 3:
		return "Manager of managers"
	case 4:
		return "Director or senior leader"
	case 5:
		return "Executive (VP, member of a leadership team)"
	case 6:
		return "Head of an organization (CEO, executive director)"
	}
	return fmt.Sprintf("Level %d", int(l))
}

// Valid reports whether l is a known level.
func (l Level) Valid() bool { return l >= 1 && l <= 6 }

// Sectors are the sectors an applicant can choose.
var Sectors = []string{"Private", "Public", "Non-profit", "Academia", "Social enterprise", "Other"}

// Applicant is one application to a program.
type Applicant struct {
	ID           string
	ProgramID    string
	Name         string
	Email        string // lower-case; unique within a program
	Title        string
	Organization string
	Sector       string // one of Sectors
	Industry     string
	Function     string
	Level        Level
	TimeZone     string // IANA
	Availability string // canonical schedule.Week text, in TimeZone
	Goals        string // leadership goals, free text
	Topics       string
	Avoid        string // people not to be grouped with, free text
	// Answers holds the answers to the program's questions, by question
	// key; a question left out was not answered ("prefer not to say").
	Answers   map[string]string
	Status    ApplicantStatus
	CircleID  string // set once placed in a circle
	CreatedAt time.Time
}

// Week returns the parsed availability (nil when unset or unreadable).
func (a *Applicant) Week() schedule.Week {
	w, _ := schedule.ParseWeek(a.Availability)
	return w
}

// Validate checks and normalizes an application. Field keys are the form's
// field names: name, email, title, organization, sector, industry, function,
// level, time_zone, availability, goals, topics, avoid.
func (a *Applicant) Validate() error {
	var v Problems
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, s := range []*string{&a.Name, &a.Email, &a.Title, &a.Organization, &a.Sector, &a.Industry, &a.Function, &a.TimeZone, &a.Goals, &a.Topics, &a.Avoid} {
		trim(s)
	}
	short := func(field, value, what string, required bool) {
		switch {
		case required && value == "":
			v.Add(field, "Enter your "+what+".")
		case utf8.RuneCountInString(value) > MaxNameLength:
			v.Add(field, "Use at most 120 characters.")
		}
	}
	short("name", a.Name, "full name", true)
	if msg := ValidateEmail(a.Email); msg != "" {
		v.Add("email", msg)
	}
	a.Email = NormalizeEmail(a.Email)
	short("title", a.Title, "job title", false)
	short("organization", a.Organization, "organization", true)
	if s, ok := matchSector(a.Sector); ok {
		a.Sector = s
	} else {
		v.Add("sector", "Choose a sector: "+strings.Join(Sectors, ", ")+".")
	}
	short("industry", a.Industry, "industry", false)
	short("function", a.Function, "function", false)
	if !a.Level.Valid() {
		v.Add("level", "Choose your level of responsibility.")
	}
	if msg := ValidateTimeZone(a.TimeZone); msg != "" {
		v.Add("time_zone", msg)
	}
	if w, err := schedule.ParseWeek(a.Availability); err != nil {
		v.Add("availability", "Availability: "+err.Error()+".")
	} else if len(w) == 0 {
		v.Add("availability", "Give at least one weekly time when you could meet, like Mon 09:00-12:00.")
	} else {
		a.Availability = w.String()
	}
	for field, s := range map[string]string{"goals": a.Goals, "topics": a.Topics, "avoid": a.Avoid} {
		if utf8.RuneCountInString(s) > 4000 {
			v.Add(field, "Use at most 4,000 characters.")
		}
	}
	if a.Status == "" {
		a.Status = StatusPending
	} else if !a.Status.Valid() {
		v.Add("status", "Unknown status.")
	}
	return v.Err()
}

func matchSector(s string) (string, bool) {
	for _, k := range Sectors {
		if strings.EqualFold(strings.TrimSpace(s), k) {
			return k, true
		}
	}
	return "", false
}

// ValidateFor checks an application to program p: its fields as Validate
// does and its answers to the program's questions, which must name one of
// each question's choices (required questions must be answered). Answers are
// normalized to the choice's spelling; answers to questions p does not ask
// are dropped. Answer problems are keyed "answer_" + the question's key.
func (a *Applicant) ValidateFor(p *Program) error {
	v := Problems(ErrorFields(a.Validate()))
	a.Answers = checkAnswers(a.Answers, p.Questions, &v)
	return v.Err()
}

// ApplicantFilter narrows a list of applicants. Empty fields match all.
type ApplicantFilter struct {
	Status ApplicantStatus
	Sector string
	Level  Level
	Query  string // matched against name, e-mail and organization
	Placed *bool  // nil: any; true: in a circle; false: not in a circle
}

// LineError is one bad line of an import.
type LineError struct {
	Line   int // 1-based line number in the file; the header is line 1
	Reason string
}

// ImportError reports every bad line of a rejected import.
type ImportError struct{ Lines []LineError }

// Error implements error.
func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d bad lines:", len(e.Lines))
	for _, l := range e.Lines {
		fmt.Fprintf(&b, " line %d: %s;", l.Line, l.Reason)
	}
	return b.String()
}

// ApplicantService manages applications.
type ApplicantService interface {
	// Apply submits an application through the public form; anyone may call it.
	// An e-mail confirming receipt goes to the applicant.
	// Returns ENOTFOUND if the program is not open, EINVALID for bad fields,
	// ECONFLICT if the e-mail has applied to this program already.
	Apply(ctx context.Context, a *Applicant) error

	// ImportApplicants reads a CSV file (see ParseApplicantsCSV) into a program.
	// It imports every row or none: a bad row, or an e-mail already in the
	// program, rejects the file with an *ImportError (wrapped in an EINVALID
	// *Error) naming every bad line. Organizers only (ENOTFOUND otherwise).
	ImportApplicants(ctx context.Context, programID string, r io.Reader) (int, error)

	// ListApplicants lists a program's applicants, oldest first. Organizers only.
	ListApplicants(ctx context.Context, programID string, f ApplicantFilter) ([]*Applicant, error)

	// FindApplicantByID returns an applicant. Organizers of its program only.
	FindApplicantByID(ctx context.Context, id string) (*Applicant, error)

	// SetApplicantStatus accepts, waitlists or declines an applicant.
	// Returns ECONFLICT when a placed applicant is moved away from accepted.
	SetApplicantStatus(ctx context.Context, id string, s ApplicantStatus) error

	// DecideApplicants gives every applicant of d to the program d.Status, all
	// or none, and returns how many it decided on. Declined applicants get a
	// kind message when d.Notify is set. Organizers of the program only
	// (ENOTFOUND otherwise). Returns EINVALID, with nothing changed, when no
	// applicant is chosen, the status is not accepted, waitlisted or
	// declined, the note is too long or an applicant is not in the program;
	// ECONFLICT when a placed applicant would be moved away from accepted.
	DecideApplicants(ctx context.Context, programID string, d Decision) (int, error)
}

// Decision is what an organizer decides for several applicants at once.
// Problems are keyed "ids", "status" and "note".
type Decision struct {
	IDs    []string
	Status ApplicantStatus // accepted, waitlisted or declined
	// Notify sends each declined applicant a kind message, with Note, the
	// organizer's own words, in it when given. Only declines send one.
	Notify bool
	Note   string
}

// MaxDecisionNote bounds the organizer's own words in a decline message.
const MaxDecisionNote = 2000

// Decisions are the statuses a decision can give, in the order pages offer them.
var Decisions = []ApplicantStatus{StatusAccepted, StatusWaitlisted, StatusDeclined}

// Verb returns the decision's action in words, like "Accept".
func (s ApplicantStatus) Verb() string {
	switch s {
	case StatusAccepted:
		return "Accept"
	case StatusWaitlisted:
		return "Put on the waiting list"
	case StatusDeclined:
		return "Decline"
	}
	return "Decide on"
}
