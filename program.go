package roundtable

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Cadence is how often circles of a program meet.
type Cadence string

// Cadences a program can choose.
const (
	Weekly    Cadence = "weekly"
	Biweekly  Cadence = "biweekly"
	Monthly   Cadence = "monthly"
	Bimonthly Cadence = "bimonthly"
)

// Cadences lists every cadence in the order forms show them.
var Cadences = []Cadence{Weekly, Biweekly, Monthly, Bimonthly}

// Label returns the cadence in words.
func (c Cadence) Label() string {
	switch c {
	case Weekly:
		return "Every week"
	case Biweekly:
		return "Every two weeks"
	case Monthly:
		return "Every month"
	case Bimonthly:
		return "Every two months"
	}
	return string(c)
}

// Valid reports whether c is a known cadence.
func (c Cadence) Valid() bool {
	for _, k := range Cadences {
		if c == k {
			return true
		}
	}
	return false
}

// DefaultGroundRules is the text a new program starts with.
const DefaultGroundRules = `Confidentiality: what is said in the circle stays in the circle. We do not repeat what others share, during the program or after it ends.
Respect: we speak for ourselves, assume good intent and disagree with ideas, not people.
Active listening: we listen to understand before we advise, and ask questions before offering answers.
Attendance: we come to every meeting, on time and prepared, and tell the facilitator ahead when we truly cannot.
Presence: during meetings we close other windows and silence our phones.`

// DateLayout is the layout of dates in forms and storage.
const DateLayout = "2006-01-02"

// Program is a peer learning program: a cohort of circles that run over the
// same period under the same ground rules.
type Program struct {
	ID             string
	Name           string
	Purpose        string    // purpose and objectives
	StartDate      time.Time // a date, at midnight UTC
	EndDate        time.Time // a date, at midnight UTC; inclusive
	Cadence        Cadence
	SessionMinutes int
	SizeMin        int
	SizeTarget     int
	SizeMax        int
	TimeZone       string // the organizer's reference zone
	GroundRules    string
	// DefaultFormat is the key of the format (see Formats) every meeting of
	// a series starts with; "" leaves new meetings without an agenda.
	DefaultFormat    string
	ApplicationsOpen bool
	// Questions are the program's own application questions, in the order
	// the form asks them.
	Questions []Question
	// AnonymiseAfterDays is how many days after the start declined and
	// unplaced applicants are anonymised; 0 means DefaultAnonymiseAfterDays.
	AnonymiseAfterDays int
	// CheckInEvery is how often members check in on their goals; ""
	// means DefaultCheckInCadence.
	CheckInEvery CheckInCadence

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Program field bounds.
const (
	MaxNameLength = 120
	MaxTextLength = 10000
)

// Validate checks a program's fields and returns an EINVALID *Error whose
// Fields are keyed by form field name (name, purpose, start_date, end_date,
// cadence, session_minutes, size_min, size_target, size_max, time_zone,
// ground_rules, default_format, anonymise_after_days, and q1_label, q1_choices … for the questions, numbered from 1,
// or questions). It gives every question a key.
func (p *Program) Validate() error {
	var v Problems
	p.Name = strings.TrimSpace(p.Name)
	switch {
	case p.Name == "":
		v.Add("name", "Enter a name for the program.")
	case utf8.RuneCountInString(p.Name) > MaxNameLength:
		v.Add("name", "Use at most 120 characters.")
	}
	if utf8.RuneCountInString(p.Purpose) > MaxTextLength {
		v.Add("purpose", "Use at most 10,000 characters.")
	}
	if p.StartDate.IsZero() {
		v.Add("start_date", "Enter the date the program starts.")
	}
	if p.EndDate.IsZero() {
		v.Add("end_date", "Enter the date the program ends.")
	}
	if !p.StartDate.IsZero() && !p.EndDate.IsZero() {
		switch {
		case !p.EndDate.After(p.StartDate):
			v.Add("end_date", "The end date must be after the start date.")
		case p.EndDate.Sub(p.StartDate) > 5*366*24*time.Hour:
			v.Add("end_date", "A program can last at most five years.")
		}
	}
	if !p.Cadence.Valid() {
		v.Add("cadence", "Choose how often circles meet.")
	}
	if p.SessionMinutes < 15 || p.SessionMinutes > 480 {
		v.Add("session_minutes", "Enter a session length between 15 and 480 minutes.")
	}
	if p.SizeMin < 2 || p.SizeMin > 50 {
		v.Add("size_min", "Enter a smallest circle size between 2 and 50.")
	}
	if p.SizeMax < 2 || p.SizeMax > 50 {
		v.Add("size_max", "Enter a largest circle size between 2 and 50.")
	} else if !v.Has("size_min") && p.SizeMax < p.SizeMin {
		v.Add("size_max", "The largest size must be at least the smallest size.")
	}
	if p.SizeTarget < p.SizeMin || p.SizeTarget > p.SizeMax {
		v.Add("size_target", "The usual size must lie between the smallest and the largest size.")
	}
	if msg := ValidateTimeZone(p.TimeZone); msg != "" {
		v.Add("time_zone", msg)
	}
	p.GroundRules = strings.TrimSpace(p.GroundRules)
	switch {
	case p.GroundRules == "":
		v.Add("ground_rules", "Write the ground rules members agree to.")
	case utf8.RuneCountInString(p.GroundRules) > MaxTextLength:
		v.Add("ground_rules", "Use at most 10,000 characters.")
	}
	if _, ok := FormatByKey(p.DefaultFormat); p.DefaultFormat != "" && !ok {
		v.Add("default_format", "Choose one of the formats, or none.")
	}
	if p.AnonymiseAfterDays == 0 {
		p.AnonymiseAfterDays = DefaultAnonymiseAfterDays
	} else if p.AnonymiseAfterDays < 1 || p.AnonymiseAfterDays > MaxAnonymiseAfterDays {
		v.Add("anonymise_after_days", "Enter a number of days between 1 and 3650.")
	}
	if p.CheckInEvery == "" {
		p.CheckInEvery = DefaultCheckInCadence
	} else if !p.CheckInEvery.Valid() {
		v.Add("checkin_every", "Choose how often members check in on their goals.")
	}
	validateQuestions(p.Questions, &v)
	return v.Err()
}

// GroundRuleLines returns the ground rules one rule per non-empty line.
func (p *Program) GroundRuleLines() []string { return NonEmptyLines(p.GroundRules) }

// NonEmptyLines splits text into its non-empty, trimmed lines.
func NonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// ProgramStats are the numbers on an organizer's program page. They are
// aggregates only: no circle content.
type ProgramStats struct {
	Applicants       int
	ByStatus         map[ApplicantStatus]int
	Circles          int
	PlacedMembers    int
	UpcomingMeetings int
}

// ProgramPage is a program with its counts, its circles (as ListCircles)
// and what needs doing in it (as ListProgramTodos).
type ProgramPage struct {
	Program *Program
	Stats   *ProgramStats
	Circles []*CircleSummary
	Todo    *ProgramTodo
}

// TodoWindow is how far ahead an organizer is told of meetings without an agenda.
const TodoWindow = 7 * 24 * time.Hour

// ProgramTodo is what needs an organizer now in one program: applicants to
// review, circles to give a facilitator, meetings soon with no agenda and
// accepted people to place. The zero value means nothing needs doing.
type ProgramTodo struct {
	Pending       int         // applicants waiting for review
	NoFacilitator []CircleRef // circles without a facilitator, by name
	NoAgenda      []AgendaGap // meetings within TodoWindow without an agenda, soonest first
	Unplaced      int         // accepted applicants in no circle
	CirclesMeet   bool        // some circle has members: people join through open seats
}

// Empty reports whether nothing needs doing.
func (t *ProgramTodo) Empty() bool {
	return t.Pending == 0 && len(t.NoFacilitator) == 0 && len(t.NoAgenda) == 0 && t.Unplaced == 0
}

// CircleRef names a circle.
type CircleRef struct{ ID, Name string }

// AgendaGap is an upcoming meeting without an agenda.
type AgendaGap struct {
	MeetingID  string
	CircleID   string
	CircleName string
	StartsAt   time.Time
	// Facilitating is set when the caller facilitates the circle and so can
	// prepare the agenda; otherwise its facilitator does.
	Facilitating bool
}

// ProgramService manages programs. Organizers of a program and administrators
// may read and change it; for everybody else a program does not exist
// (ENOTFOUND), except its public application page.
type ProgramService interface {
	// FindProgramByID returns a program the caller organizes.
	// Returns ENOTFOUND if it does not exist or the caller does not organize it.
	FindProgramByID(ctx context.Context, id string) (*Program, error)

	// FindOpenProgram returns a program for its public application form, to
	// anyone. Returns ENOTFOUND if it does not exist or applications are closed.
	FindOpenProgram(ctx context.Context, id string) (*Program, error)

	// ListPrograms returns the programs the caller organizes (every program for
	// an administrator), newest first.
	ListPrograms(ctx context.Context) ([]*Program, error)

	// CreateProgram creates a program; the caller becomes its organizer.
	// Returns EFORBIDDEN unless the caller may organize, EINVALID for bad fields.
	CreateProgram(ctx context.Context, p *Program) error

	// UpdateProgram saves a program's fields.
	// Returns ENOTFOUND as FindProgramByID, EINVALID for bad fields.
	UpdateProgram(ctx context.Context, p *Program) error

	// ProgramStats returns the program's counts. Returns ENOTFOUND as FindProgramByID.
	ProgramStats(ctx context.Context, id string) (*ProgramStats, error)

	// FindProgramPage returns what the program's page shows: the program,
	// its counts, its circles and what needs doing in it, read together.
	// Returns ENOTFOUND as FindProgramByID.
	FindProgramPage(ctx context.Context, id string) (*ProgramPage, error)

	// ListProgramTodos returns what needs doing now in each program the
	// caller organizes (every program for an administrator), by program ID;
	// a program with nothing to do has an empty ProgramTodo. Counts and
	// names only, never circle content.
	ListProgramTodos(ctx context.Context) (map[string]*ProgramTodo, error)

	// IsOrganizer reports whether the caller organizes the program (administrators do).
	IsOrganizer(ctx context.Context, programID string) (bool, error)
}

// How long after a program starts its declined and unplaced applicants are
// anonymised, in days.
const (
	DefaultAnonymiseAfterDays = 90
	MaxAnonymiseAfterDays     = 3650
)
