package roundtable

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// SegmentKind is what happens in a segment of a meeting's agenda; the live
// room adapts to it (who speaks, what the board accepts, what opens).
type SegmentKind string

// Kinds of segments.
const (
	SegmentRound      SegmentKind = "round"       // each member in turn, equal time (check-in, appreciations)
	SegmentFollowUps  SegmentKind = "followups"   // each open commitment's owner says what happened
	SegmentPresent    SegmentKind = "present"     // the presenter frames her challenge; the others listen
	SegmentQuestions  SegmentKind = "questions"   // clarifying questions only, no advice
	SegmentSilence    SegmentKind = "silence"     // quiet reflection
	SegmentDiscussion SegmentKind = "discussion"  // peers talk, ideas and suggestions welcome
	SegmentTurnedAway SegmentKind = "turned_away" // the presenter listens, camera and microphone off
	SegmentPlayback   SegmentKind = "playback"    // the presenter picks what she will act on
	SegmentClosing    SegmentKind = "closing"     // the end-of-meeting reflection opens
)

// BoardMode is what members may post on the board during a segment.
type BoardMode string

// Board modes.
const (
	BoardClosed      BoardMode = ""            // nothing
	BoardQuestions   BoardMode = "questions"   // clarifying questions only
	BoardSuggestions BoardMode = "suggestions" // suggestions (and questions)
)

// SpeakingOrder is how the floor passes in a segment.
type SpeakingOrder string

// Speaking orders.
const (
	OrderHands SpeakingOrder = "hands" // raise a hand, the facilitator gives the floor
	OrderRound SpeakingOrder = "round" // everyone in turn, the opener first
)

// Segment is one timed part of a meeting's agenda (or of a format).
type Segment struct {
	ID       string // "" in a format or template
	Position int    // 0-based order in the agenda
	Title    string
	Kind     SegmentKind
	Minutes  int
	// PerPerson, in a format or template, is the minutes each person gets
	// in a round (or each open commitment in follow-ups): applying it sets
	// Minutes from the number of people. 0 keeps Minutes as it is.
	PerPerson int
	Roles     string // who leads it, as shown: "Case giver", "Coaches"
	Guidance  string // one line on what to do now, in our own words
	Board     BoardMode
	Order     SpeakingOrder
	Guests    bool // a guest invited to the meeting may follow this segment
}

// Format is a session format Roundtable ships: an agenda template with a
// name and a short description of when it fits.
type Format struct {
	Key         string // stable, e.g. "case_clinic"
	Name        string
	Description string
	MinPeople   int
	MaxPeople   int
	Segments    []Segment

	// Roles names who does what, as shown: "Case giver, coaches, timekeeper".
	Roles string
	// Presenters is how many members bring a challenge (0: nobody in
	// particular, or everyone in turn as in troika consulting), and
	// PresenterLabel what the format calls them ("Case giver", "Host").
	Presenters     int
	PresenterLabel string
	// GroupSize is set when the circle splits into groups of that size
	// (troika consulting: 3).
	GroupSize int
	// MinMinutes is the shortest meeting the format fits in, 0 for any.
	MinMinutes int
}

// MeetingRole is a role someone holds in one meeting.
type MeetingRole string

// Meeting roles. Several people may present; the others are held by one.
const (
	RoleChair      MeetingRole = "facilitator" // runs the meeting (the circle's facilitator unless rotated)
	RoleTimekeeper MeetingRole = "timekeeper"
	RolePresenter  MeetingRole = "presenter"
	RoleNoteTaker  MeetingRole = "notetaker"
	RoleOpener     MeetingRole = "opener" // leads the opening round
)

// RoleAssignment gives a meeting role to a member.
type RoleAssignment struct {
	Role   MeetingRole
	UserID string
	Name   string // filled when read
}

// Challenge is a presenter's challenge card, written before the meeting:
// circle content, for the members only.
type Challenge struct {
	MeetingID   string
	PresenterID string
	Name        string // the presenter's name, filled when read
	Context     string // the situation
	Question    string // the question she brings
	Tried       string // what she has tried so far
	UpdatedAt   time.Time
}

// SegmentKinds lists the kinds in the order the agenda form offers them.
var SegmentKinds = []SegmentKind{SegmentRound, SegmentFollowUps, SegmentPresent, SegmentQuestions, SegmentSilence,
	SegmentDiscussion, SegmentTurnedAway, SegmentPlayback, SegmentClosing}

// Valid reports whether k is a known kind.
func (k SegmentKind) Valid() bool { return slices.Contains(SegmentKinds, k) }

// Label returns the kind in words.
func (k SegmentKind) Label() string {
	switch k {
	case SegmentRound:
		return "Round: everyone in turn"
	case SegmentFollowUps:
		return "Follow-ups on commitments"
	case SegmentPresent:
		return "The presenter speaks"
	case SegmentQuestions:
		return "Questions only"
	case SegmentSilence:
		return "Silence"
	case SegmentDiscussion:
		return "Discussion"
	case SegmentTurnedAway:
		return "Presenter turned away"
	case SegmentPlayback:
		return "Play-back"
	case SegmentClosing:
		return "Closing"
	}
	return string(k)
}

// BoardModes lists the board modes in the order the agenda form offers them.
var BoardModes = []BoardMode{BoardClosed, BoardQuestions, BoardSuggestions}

// Valid reports whether b is a known mode.
func (b BoardMode) Valid() bool { return slices.Contains(BoardModes, b) }

// Label returns the mode in words.
func (b BoardMode) Label() string {
	switch b {
	case BoardQuestions:
		return "Questions only"
	case BoardSuggestions:
		return "Questions and suggestions"
	}
	return "Closed"
}

// SpeakingOrders lists the orders in the order the agenda form offers them.
var SpeakingOrders = []SpeakingOrder{OrderHands, OrderRound}

// Valid reports whether o is a known order.
func (o SpeakingOrder) Valid() bool { return slices.Contains(SpeakingOrders, o) }

// Label returns the order in words.
func (o SpeakingOrder) Label() string {
	if o == OrderRound {
		return "Everyone in turn"
	}
	return "Raised hands"
}

// MeetingRoles lists the roles in the order pages show them.
var MeetingRoles = []MeetingRole{RoleChair, RolePresenter, RoleTimekeeper, RoleNoteTaker, RoleOpener}

// Valid reports whether r is a known role.
func (r MeetingRole) Valid() bool { return slices.Contains(MeetingRoles, r) }

// Single reports whether one person at most holds the role in a meeting.
func (r MeetingRole) Single() bool { return r != RolePresenter }

// Label returns the role in words.
func (r MeetingRole) Label() string {
	switch r {
	case RoleChair:
		return "Facilitator"
	case RoleTimekeeper:
		return "Timekeeper"
	case RolePresenter:
		return "Presenter"
	case RoleNoteTaker:
		return "Note-taker"
	case RoleOpener:
		return "Opens the first round"
	}
	return string(r)
}

// Agenda bounds.
const (
	MaxSegments       = 40
	MaxSegmentMinutes = 240
	MaxSegmentTitle   = 80
	MaxSegmentRoles   = 80
	MaxGuidance       = 300
	MaxChallengeText  = 4000
)

// SegmentField names a field of the segment at index i, in forms and in
// the Problems of ValidateSegments, like "title_2".
func SegmentField(field string, i int) string { return field + "_" + strconv.Itoa(i) }

// ValidateSegments tidies and checks an agenda's segments. Problems are
// keyed by SegmentField (title_0, minutes_0, kind_0, board_0, order_0,
// roles_0, guidance_0) and "segments" for the list as a whole.
func ValidateSegments(segs []Segment) error {
	var v Problems
	if len(segs) > MaxSegments {
		v.Add("segments", "An agenda can have at most "+strconv.Itoa(MaxSegments)+" parts.")
	}
	for i := range segs {
		s := &segs[i]
		s.Title, s.Roles, s.Guidance = strings.TrimSpace(s.Title), strings.TrimSpace(s.Roles), strings.Join(strings.Fields(s.Guidance), " ")
		s.Position = i
		switch n := utf8.RuneCountInString(s.Title); {
		case n == 0:
			v.Add(SegmentField("title", i), "Give part "+strconv.Itoa(i+1)+" a title.")
		case n > MaxSegmentTitle:
			v.Add(SegmentField("title", i), "Use at most 80 characters for the title.")
		}
		if s.Minutes < 1 || s.Minutes > MaxSegmentMinutes {
			v.Add(SegmentField("minutes", i), "Enter between 1 and 240 minutes.")
		}
		if !s.Kind.Valid() {
			v.Add(SegmentField("kind", i), "Choose what happens in this part.")
		}
		if !s.Board.Valid() {
			v.Add(SegmentField("board", i), "Choose what the board takes.")
		}
		if s.Order == "" {
			s.Order = OrderHands
		}
		if !s.Order.Valid() {
			v.Add(SegmentField("order", i), "Choose how people take the floor.")
		}
		if utf8.RuneCountInString(s.Roles) > MaxSegmentRoles {
			v.Add(SegmentField("roles", i), "Use at most 80 characters for who leads.")
		}
		if utf8.RuneCountInString(s.Guidance) > MaxGuidance {
			v.Add(SegmentField("guidance", i), "Keep the guidance to 300 characters: one or two sentences.")
		}
	}
	return v.Err()
}

// TotalMinutes returns the length of the segments together.
func TotalMinutes(segs []Segment) int {
	n := 0
	for _, s := range segs {
		n += s.Minutes
	}
	return n
}

// Validate tidies and checks a challenge card (keys: context, question,
// tried). The question is required: it is what the circle works on.
func (c *Challenge) Validate() error {
	var v Problems
	c.Context, c.Question, c.Tried = strings.TrimSpace(c.Context), strings.TrimSpace(c.Question), strings.TrimSpace(c.Tried)
	if c.Question == "" {
		v.Add("question", "Write the question you would like the circle's help with.")
	}
	for _, f := range []struct{ key, text string }{{"context", c.Context}, {"question", c.Question}, {"tried", c.Tried}} {
		if utf8.RuneCountInString(f.text) > MaxChallengeText {
			v.Add(f.key, "Use at most 4,000 characters.")
		}
	}
	return v.Err()
}

// Empty reports whether nothing is written on the card yet.
func (c *Challenge) Empty() bool { return c.Context == "" && c.Question == "" && c.Tried == "" }

// ValidateRoles tidies and checks a meeting's roles: known roles, no empty
// user, one person at most in each role but presenter, nobody twice in a
// role. Problems are keyed by the role ("timekeeper", "presenter" …).
func ValidateRoles(roles []RoleAssignment) ([]RoleAssignment, error) {
	var v Problems
	var out []RoleAssignment
	seen := map[string]bool{}
	count := map[MeetingRole]int{}
	for _, r := range roles {
		r.UserID = strings.TrimSpace(r.UserID)
		if r.UserID == "" {
			continue
		}
		if !r.Role.Valid() {
			v.Add("roles", "Choose a role from the list.")
			continue
		}
		key := string(r.Role) + "\x00" + r.UserID
		if seen[key] {
			continue
		}
		seen[key] = true
		count[r.Role]++
		if r.Role.Single() && count[r.Role] > 1 {
			v.Add(string(r.Role), "Choose one person as "+strings.ToLower(r.Role.Label())+".")
			continue
		}
		out = append(out, r)
	}
	return out, v.Err()
}

// Agenda is a meeting's plan as its circle sees it: the timed segments, who
// holds which role, the presenters' challenge cards, the commitments that
// come back for follow-up and those made in the meeting. It is circle
// content.
type Agenda struct {
	MeetingID string
	CircleID  string
	ProgramID string
	StartsAt  time.Time
	Minutes   int // the meeting's length
	Cancelled bool

	Segments    []Segment
	Roles       []RoleAssignment
	Challenges  []Challenge   // one per presenter, written or not
	FollowUps   []*ActionItem // open commitments due at this meeting or before
	Commitments []*ActionItem // made in this meeting

	// CanEdit is set when the caller may change the segments and roles:
	// the circle's facilitator or the meeting's facilitator.
	CanEdit bool
}

// TotalMinutes returns how long the segments last together.
func (a *Agenda) TotalMinutes() int { return TotalMinutes(a.Segments) }

// Starts returns when each segment starts if the meeting keeps to time.
func (a *Agenda) Starts() []time.Time {
	out := make([]time.Time, len(a.Segments))
	t := a.StartsAt
	for i, s := range a.Segments {
		out[i] = t
		t = t.Add(time.Duration(s.Minutes) * time.Minute)
	}
	return out
}

// Holders returns who holds a role, in order.
func (a *Agenda) Holders(role MeetingRole) []RoleAssignment {
	var out []RoleAssignment
	for _, r := range a.Roles {
		if r.Role == role {
			out = append(out, r)
		}
	}
	return out
}

// Holds reports whether the user holds the role.
func (a *Agenda) Holds(userID string, role MeetingRole) bool { return holdsRole(a.Roles, userID, role) }

// holdsRole reports whether userID, never "", holds role among roles; the
// agenda and the live room both ask it.
func holdsRole(roles []RoleAssignment, userID string, role MeetingRole) bool {
	return userID != "" && slices.ContainsFunc(roles, func(r RoleAssignment) bool { return r.Role == role && r.UserID == userID })
}

// Challenge returns the presenter's card, or nil.
func (a *Agenda) Challenge(presenterID string) *Challenge {
	for i := range a.Challenges {
		if a.Challenges[i].PresenterID == presenterID {
			return &a.Challenges[i]
		}
	}
	return nil
}

// AgendaService plans meetings: their agenda, roles and challenge cards,
// and the saved agenda templates of a program. Everything is circle
// content: the circle's members read it (after accepting the ground rules);
// organizers, other circles and strangers get ENOTFOUND as if the meeting
// did not exist. Every change wakes the meeting's live room.
type AgendaService interface {
	// FindAgenda returns a meeting's agenda. ENOTFOUND unless the caller is
	// in the meeting's circle; EGROUNDRULES before she accepted the rules.
	FindAgenda(ctx context.Context, meetingID string) (*Agenda, error)

	// SetSegments replaces a meeting's segments (IDs of existing segments
	// are kept, so what refers to them stays attached). The circle's
	// facilitator or the meeting's facilitator only: EFORBIDDEN for other
	// members; EINVALID with field problems (ValidateSegments) or for a
	// cancelled meeting or one that is over.
	SetSegments(ctx context.Context, meetingID string, segs []Segment) error

	// ApplyFormat sets a meeting's segments from a built-in format
	// (FormatByKey), or adds them after the current ones when add is set,
	// with rounds sized to the people expected and follow-ups first when
	// commitments are open. Errors as SetSegments; EINVALID for an unknown
	// format.
	ApplyFormat(ctx context.Context, meetingID, key string, add bool) error

	// ApplyTemplate is ApplyFormat with a template saved for the
	// meeting's program. ENOTFOUND for a template of another program or
	// another author's template that is not shared.
	ApplyTemplate(ctx context.Context, meetingID, templateID string, add bool) error

	// SetRoles replaces who holds which role in a meeting. Everyone named
	// must be in the circle (EINVALID otherwise, keyed by role). Who may:
	// as SetSegments.
	SetRoles(ctx context.Context, meetingID string, roles []RoleAssignment) error

	// SuggestRoles proposes roles by fair rotation (see SuggestRoles in
	// rotation.go) from the circle's earlier meetings, leaving out whoever
	// said she will not come. presenters < 0 asks for as many presenters as
	// the agenda has presenting segments (at least one). It changes
	// nothing. Who may: as SetSegments.
	SuggestRoles(ctx context.Context, meetingID string, presenters int) ([]RoleAssignment, error)

	// SaveChallenge saves the caller's own challenge card for a meeting
	// (c.MeetingID; PresenterID is set to the caller). Only a presenter of
	// the meeting writes her card: EFORBIDDEN for other members, even the
	// facilitator; EINVALID with field problems.
	SaveChallenge(ctx context.Context, c *Challenge) error

	// ListAgendaTemplates returns the templates of a circle's program the
	// caller may use: those shared with the program's facilitators and her
	// own, by name. Members of the circle (ENOTFOUND otherwise).
	ListAgendaTemplates(ctx context.Context, circleID string) ([]*AgendaTemplate, error)

	// CreateAgendaTemplate saves a template for the program of a circle
	// (ProgramID, ID, CreatedBy and CreatedAt are set), seen by its author
	// only unless Shared. Facilitators of the circle only (EFORBIDDEN for
	// members); EINVALID with field problems; ECONFLICT when the caller has
	// a template of that name already.
	CreateAgendaTemplate(ctx context.Context, circleID string, t *AgendaTemplate) error

	// ShareAgendaTemplate shares a template with every facilitator of its
	// program, or makes it its author's alone again. Its author or the
	// program's organizer only: EFORBIDDEN for another facilitator who
	// sees it shared, ENOTFOUND for anyone else.
	ShareAgendaTemplate(ctx context.Context, id string, shared bool) error

	// DeleteAgendaTemplate deletes a template. Who may: as
	// ShareAgendaTemplate.
	DeleteAgendaTemplate(ctx context.Context, id string) error
}
