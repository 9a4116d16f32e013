package roundtable

import (
	"context"
	"strconv"
	"time"
)

// LapseRules are a program's rules for when a member is drifting away from
// her circle. Only meetings already held count: not cancelled, over, and
// with attendance taken in their room. An absence the facilitator excused
// does not count.
type LapseRules struct {
	ProgramID string
	// InARow is how many meetings missed one after another cross the rule;
	// 0 turns the rule off.
	InARow int
	// ShareOf crosses the rule when she missed more than one in ShareOf of
	// the meetings held since she joined (3: more than a third); 0 turns the
	// rule off. It counts from the MinHeldForShare-th meeting on, so one
	// early absence alone is no lapse.
	ShareOf int
}

// Lapse rule defaults and bounds.
const (
	DefaultLapseInARow = 2
	DefaultLapseShare  = 3
	MaxLapseInARow     = 10
	// MinHeldForShare is how many meetings must have been held before the
	// share rule applies.
	MinHeldForShare = 3
)

// DefaultLapseRules returns the rules of a program that set none.
func DefaultLapseRules(programID string) *LapseRules {
	return &LapseRules{ProgramID: programID, InARow: DefaultLapseInARow, ShareOf: DefaultLapseShare}
}

// LapseShares lists the shares a program may choose, 0 (off) last.
var LapseShares = []int{2, 3, 4, 0}

// ShareLabel says a share in words.
func ShareLabel(of int) string {
	switch of {
	case 0:
		return "Do not use this rule"
	case 2:
		return "More than half of the meetings so far"
	case 3:
		return "More than a third of the meetings so far"
	case 4:
		return "More than a quarter of the meetings so far"
	}
	return "More than one in " + strconv.Itoa(of) + " of the meetings so far"
}

// Validate checks the rules; the fields are in_a_row and share_of.
func (r *LapseRules) Validate() error {
	var v Problems
	if r.InARow < 0 || r.InARow == 1 || r.InARow > MaxLapseInARow {
		v.Add("in_a_row", "Enter a number of meetings between 2 and 10, or 0 to not use this rule.")
	}
	ok := false
	for _, s := range LapseShares {
		ok = ok || s == r.ShareOf
	}
	if !ok {
		v.Add("share_of", "Choose one of the shares, or not to use this rule.")
	}
	return v.Err()
}

// LapseRule names the rule a member crossed.
type LapseRule string

// Lapse rules.
const (
	RuleInARow LapseRule = "in_a_row"
	RuleShare  LapseRule = "share"
)

// LapseAlert tells a facilitator that a member crossed a rule, at a held
// meeting. It names the member and counts meetings, nothing more.
type LapseAlert struct {
	CircleID  string
	UserID    string
	Name      string
	MeetingID string // the meeting at which she crossed the rule
	MeetingAt time.Time
	Rule      LapseRule
	Missed    int // meetings missed: in a row, or so far
	Held      int // meetings held since she joined
	CreatedAt time.Time
}

// Reason says in words what happened, like "missed the last 2 meetings in a row".
func (a *LapseAlert) Reason() string {
	if a.Rule == RuleInARow {
		return "missed the last " + strconv.Itoa(a.Missed) + " meetings in a row"
	}
	return "missed " + strconv.Itoa(a.Missed) + " of the " + strconv.Itoa(a.Held) + " meetings held so far"
}

// LapseNextStep is the step the facilitator is offered with each alert.
const LapseNextStep = "Call her before the next meeting; ask whether the time still works."

// TimeTrouble is a coming meeting to which more than half of the members
// answered they cannot come, with enough notice left to move it.
type TimeTrouble struct {
	MeetingID string
	StartsAt  time.Time
	No        int // members who answered no
	Members   int
}

// TimeTroubleNotice is the least notice before a meeting for offering to
// find a new time for it.
const TimeTroubleNotice = 3 * 24 * time.Hour

// CircleLapses is what the circle page tells its facilitator: members who
// crossed a lapse rule, and coming meetings most cannot make.
type CircleLapses struct {
	Alerts []*LapseAlert  // oldest first
	Moves  []*TimeTrouble // soonest first
}

// AttendanceLine is a member's attendance at a meeting.
type AttendanceLine struct {
	UserID, Name string
	Present      bool
	Excused      bool // absent, and the facilitator excused it
}

// MeetingAttendance is who came to a meeting. Held says whether it counts
// yet (see LapseRules): before, absences cannot be excused.
type MeetingAttendance struct {
	MeetingID string
	CircleID  string
	StartsAt  time.Time
	Held      bool
	Lines     []AttendanceLine // the members, by name
}

// LapseService keeps the program's lapse rules and tells facilitators when a
// member drifts away. Rules are the organizers'; alerts and attendance are
// circle matters: only the circle's facilitator sees alerts, and organizers
// see none of it.
type LapseService interface {
	// LapseRules returns a program's rules (the defaults when it set none).
	// ENOTFOUND unless the caller organizes the program.
	LapseRules(ctx context.Context, programID string) (*LapseRules, error)

	// SetLapseRules saves a program's rules. ENOTFOUND as LapseRules;
	// EINVALID for bad values (fields in_a_row, share_of).
	SetLapseRules(ctx context.Context, r *LapseRules) error

	// CircleLapses returns what the circle's facilitator is told now; empty
	// for its members. ENOTFOUND for anyone outside the circle,
	// EGROUNDRULES before the rules are accepted.
	CircleLapses(ctx context.Context, circleID string) (*CircleLapses, error)

	// MeetingTimeTrouble returns the meeting's TimeTrouble for its
	// facilitator, nil when there is none or the caller is a member.
	// ENOTFOUND for anyone outside the circle.
	MeetingTimeTrouble(ctx context.Context, meetingID string) (*TimeTrouble, error)

	// ExcuseAbsence records whether a member's absence from a held meeting
	// is excused (and so not counted), and evaluates the rules again.
	// Facilitator only (EFORBIDDEN for members; ENOTFOUND outside);
	// EINVALID when the meeting is not held yet or she was present.
	ExcuseAbsence(ctx context.Context, meetingID, userID string, excused bool) error

	// MarkLapseDone records that the facilitator followed up an alert: it
	// leaves the circle page. Facilitator only, as ExcuseAbsence; ENOTFOUND
	// when there is no such open alert.
	MarkLapseDone(ctx context.Context, circleID, userID string) error

	// MeetingAttendance returns who came to a meeting, for its facilitator
	// (EFORBIDDEN for members; ENOTFOUND outside the circle).
	MeetingAttendance(ctx context.Context, meetingID string) (*MeetingAttendance, error)

	// StepAway takes the caller out of a circle she is a member of: her seat
	// opens for Fill open seats, her answers to coming meetings go, and the
	// facilitator is told. What she wrote stays with the circle. ENOTFOUND
	// outside the circle; EINVALID for its facilitator.
	StepAway(ctx context.Context, circleID string) error
}

// Crossing is where a member stands against the rules after the meetings
// held since she joined, oldest first (true: missed, excused absences left
// out). When she has crossed a rule and not come back since, it returns the
// index of the meeting at which she crossed it, the rule, and the counts as
// they are now; ok is false otherwise.
func (r *LapseRules) Crossing(missed []bool) (at int, rule LapseRule, count, held int, ok bool) {
	streak, total := 0, 0
	lapsed := false
	for i, m := range missed {
		if m {
			streak++
			total++
		} else {
			streak = 0
		}
		held = i + 1
		var now LapseRule
		switch {
		case r.InARow > 0 && streak >= r.InARow:
			now, count = RuleInARow, streak
		case r.ShareOf > 0 && held >= MinHeldForShare && total*r.ShareOf > held:
			now, count = RuleShare, total
		}
		if now != "" && !lapsed {
			at = i
		}
		if now != "" {
			rule = now
		}
		lapsed = now != ""
	}
	if !lapsed {
		return 0, "", 0, held, false
	}
	return at, rule, count, held, true
}
