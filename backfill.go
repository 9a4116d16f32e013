package roundtable

import "context"

// SeatCircle is a circle as "Fill open seats" shows it: its size against the
// program's bounds and the weekly time it meets at.
type SeatCircle struct {
	ID       string
	Name     string
	TimeZone string
	Slot     string // weekly start in TimeZone, like "Tue 15:00"; "" when none was chosen
	Members  int    // members, facilitators aside
	Min, Max int
}

// Open returns how many people the circle can still take.
func (c *SeatCircle) Open() int { return max(0, c.Max-c.Members) }

// Short reports whether the circle has fewer members than the minimum.
func (c *SeatCircle) Short() bool { return c.Members < c.Min }

// OpenSeats is a program's circles and the people who could fill their seats:
// late joiners (accepted, in no circle) and the waiting list.
type OpenSeats struct {
	Circles     []*SeatCircle
	LateJoiners []*Applicant // oldest first
	Waitlist    []*Applicant // oldest first
}

// OpenCount counts the seats left in circles that have members.
func (o *OpenSeats) OpenCount() int {
	n := 0
	for _, c := range o.Circles {
		if c.Members > 0 {
			n += c.Open()
		}
	}
	return n
}

// ShortCount counts the circles below the minimum size.
func (o *OpenSeats) ShortCount() int {
	n := 0
	for _, c := range o.Circles {
		if c.Short() {
			n++
		}
	}
	return n
}

// BackfillPlacement is a newcomer's seat in a proposal.
type BackfillPlacement struct {
	Applicant *Applicant
	Circle    *SeatCircle
	// LocalTime is the circle's weekly time on the newcomer's clock, like
	// "Tue 10:00, 11:00 from 16 Mar 2027"; "" when the circle has no time yet.
	LocalTime    string
	FromWaitlist bool // accepted from the waiting list when the proposal is applied
	NeedsMove    bool // the seat is free only once the proposal's moves are made
}

// BackfillMove is an existing member a proposal moves to make room.
type BackfillMove struct {
	Applicant *Applicant // the member's application
	UserID    string
	From, To  *SeatCircle
	LocalTime string // To's weekly time on the member's clock, "" when it has none
}

// BackfillProposal places newcomers in a program's existing circles, moving
// as few members as it can.
type BackfillProposal struct {
	OpenSeats
	Waitlisted []string // IDs of the waiting-list applicants it includes
	// Version fingerprints the circles, the people and the proposal; applying
	// a proposal whose version no longer matches is refused.
	Version    string
	Placements []*BackfillPlacement
	Moves      []*BackfillMove
	Unplaced   []*PreviewUnplaced
}

// Direct counts the placements that need no move.
func (p *BackfillProposal) Direct() int {
	n := 0
	for _, pl := range p.Placements {
		if !pl.NeedsMove {
			n++
		}
	}
	return n
}

// BackfillRequest is an organizer's go-ahead for a proposal.
type BackfillRequest struct {
	Waitlisted []string // as proposed
	Version    string   // the proposal's
	Moves      bool     // also move members; without it only placements that need no move are made
}

// BackfillResult reports what applying a proposal did.
type BackfillResult struct {
	Placed      int // newcomers placed
	Accepted    int // of them, accepted from the waiting list
	Moved       int // members moved to another circle
	Invitations int // e-mails on their way, one per person placed or moved
}

// BackfillService fills the open seats of a program's circles with late
// joiners and people from the waiting list, keeping each circle's weekly time.
// Only the program's organizers and administrators may use it; for anyone
// else the program does not exist (ENOTFOUND).
type BackfillService interface {
	// FindOpenSeats returns the program's circles with their sizes, the late
	// joiners and the waiting list. Returns ENOTFOUND as FindProgramByID.
	FindOpenSeats(ctx context.Context, programID string) (*OpenSeats, error)

	// ProposeBackfill proposes seats for the late joiners and the chosen
	// waiting-list applicants: who joins which circle, at what time on their
	// clock, which members move to make room, and who fits nowhere and why.
	// Nothing changes. Returns ENOTFOUND as FindProgramByID, EINVALID when an
	// ID is not on the waiting list (field "waitlisted"), when nobody waits
	// or when no circle has members.
	ProposeBackfill(ctx context.Context, programID string, waitlisted []string) (*BackfillProposal, error)

	// ApplyBackfill makes a proposal in one transaction: waiting-list
	// applicants who get a seat are accepted, newcomers are placed, members
	// move (only with req.Moves), and each of them gets an invitation e-mail.
	// Returns ENOTFOUND as FindProgramByID, ECONFLICT when circles or people
	// changed since the proposal (nothing changes then), EINVALID when nothing
	// would be placed.
	ApplyBackfill(ctx context.Context, programID string, req BackfillRequest) (*BackfillResult, error)
}
