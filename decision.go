package roundtable

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// GroupDecision is a proposal the circle decides on together by a closing time,
// in the manner of Loomio: each member takes a stance (consent), chooses an
// option (choice) or scores every option (score). It is not a time poll
// (see Poll). Title, details, options, reasons and outcome are circle
// content.
type GroupDecision struct {
	ID           string
	CircleID     string
	ProposerID   string
	ProposerName string // filled when read
	Title        string
	Details      string
	Kind         DecisionKind
	Options      []*DecisionOption // choice and score; none for consent
	ClosesAt     time.Time
	// ClosedAt is set when the proposer or the facilitator closed it
	// before its time.
	ClosedAt time.Time
	// ResultsOpen shows the votes as they come in; otherwise only at the
	// close (each member always sees her own).
	ResultsOpen bool
	// Change is what the decision would change in how the circle meets,
	// for the facilitator to apply in one click once it closed.
	Change    DecisionChange
	AppliedAt time.Time

	Outcome   string // recorded by the proposer or the facilitator after the close
	OutcomeBy string // the name of who recorded it
	OutcomeAt time.Time
	CreatedAt time.Time

	// Filled when read: Voters is how many voted (always shown), Members
	// how many could; Votes every vote when the reader may see results
	// (nil otherwise), Mine the reader's own vote (nil when none).
	Voters  int
	Members int
	Votes   []*DecisionVote
	Mine    *DecisionVote
	// CanManage is set for the proposer and the circle's facilitator
	// (close early, record the outcome); CanApply for the facilitator
	// when the change can be applied now.
	CanManage bool
	CanApply  bool
}

// DecisionKind is how members answer a proposal.
type DecisionKind string

// Kinds of decision.
const (
	KindConsent DecisionKind = "consent" // agree, abstain, disagree or block
	KindChoice  DecisionKind = "choice"  // one option among several
	KindScore   DecisionKind = "score"   // 1 to 5 for each option
)

// DecisionKinds lists the kinds in the order forms offer them.
var DecisionKinds = []DecisionKind{KindConsent, KindChoice, KindScore}

// Label returns the kind in words.
func (k DecisionKind) Label() string {
	switch k {
	case KindConsent:
		return "A proposal: agree, abstain, disagree or block"
	case KindChoice:
		return "A choice: each person picks one option"
	case KindScore:
		return "A score: each person rates every option from 1 to 5"
	}
	return string(k)
}

// Stance is a member's answer to a consent proposal.
type Stance string

// Stances.
const (
	StanceAgree    Stance = "agree"
	StanceAbstain  Stance = "abstain"
	StanceDisagree Stance = "disagree"
	StanceBlock    Stance = "block" // needs a reason
)

// Stances lists the stances in the order pages show them.
var Stances = []Stance{StanceAgree, StanceAbstain, StanceDisagree, StanceBlock}

// Label returns the stance in words.
func (s Stance) Label() string {
	switch s {
	case StanceAgree:
		return "Agree"
	case StanceAbstain:
		return "Abstain"
	case StanceDisagree:
		return "Disagree"
	case StanceBlock:
		return "Block"
	}
	return string(s)
}

// DecisionOption is one option of a choice or score decision.
type DecisionOption struct {
	ID       string
	Position int
	Label    string
	// Filled when results are visible: Chosen counts the members who chose
	// it; Scored, ScoreSum the scores it got.
	Chosen   int
	Scored   int
	ScoreSum int
}

// Average returns the option's mean score, 0 when nobody scored it.
func (o *DecisionOption) Average() float64 {
	if o.Scored == 0 {
		return 0
	}
	return float64(o.ScoreSum) / float64(o.Scored)
}

// AverageText is the mean score as shown, like "3.5".
func (o *DecisionOption) AverageText() string {
	return strconv.FormatFloat(o.Average(), 'f', 1, 64)
}

// DecisionVote is one member's vote. Reason is circle content.
type DecisionVote struct {
	DecisionID string
	UserID     string
	Name       string // filled when read
	Stance     Stance
	OptionID   string         // choice
	Scores     map[string]int // score: option ID → 1…5
	Reason     string
	UpdatedAt  time.Time
}

// DecisionChange is a change to how the circle meets that a decision can
// apply: a default format for the circle's meetings still to come, or a
// new cadence for the rest of the series. The zero value changes nothing.
type DecisionChange struct {
	Format  string  // a format key (see Formats)
	Cadence Cadence // the series' new cadence
}

// IsZero reports whether the change changes nothing.
func (c DecisionChange) IsZero() bool { return c.Format == "" && c.Cadence == "" }

// Describe says what applying the change does, as on its button.
func (c DecisionChange) Describe() string {
	if f, ok := FormatByKey(c.Format); ok {
		return "Make “" + f.Name + "” the default format of the rest of this circle's meetings"
	}
	if c.Cadence.Valid() {
		return "Change the rest of the series to " + strings.ToLower(c.Cadence.Label())
	}
	return ""
}

// Decision bounds.
const (
	MaxDecisionTitle    = 140
	MaxDecisionDetails  = 4000
	MaxDecisionOptions  = 6
	MaxDecisionOption   = 100
	MaxDecisionReason   = 1000
	MaxDecisionOutcome  = 2000
	MaxDecisionDuration = 60 * 24 * time.Hour
)

// Closed reports whether the decision takes no more votes at now.
func (d *GroupDecision) Closed(now time.Time) bool {
	return !d.ClosedAt.IsZero() || !now.Before(d.ClosesAt)
}

// ClosedOn is when the decision closed or closes.
func (d *GroupDecision) ClosedOn() time.Time {
	if !d.ClosedAt.IsZero() {
		return d.ClosedAt
	}
	return d.ClosesAt
}

// ResultsVisible reports whether members see every vote at now.
func (d *GroupDecision) ResultsVisible(now time.Time) bool { return d.ResultsOpen || d.Closed(now) }

// Option returns the option with the ID, or nil.
func (d *GroupDecision) Option(id string) *DecisionOption {
	for _, o := range d.Options {
		if o.ID == id {
			return o
		}
	}
	return nil
}

// Count returns how many visible votes took the stance.
func (d *GroupDecision) Count(s Stance) int {
	n := 0
	for _, v := range d.Votes {
		if v.Stance == s {
			n++
		}
	}
	return n
}

// Validate tidies and checks a new decision (keys title, details, kind,
// options, option1…, closes_at, change). now is the time it opens.
func (d *GroupDecision) Validate(now time.Time) error {
	var v Problems
	d.Title, d.Details = strings.Join(strings.Fields(d.Title), " "), strings.TrimSpace(d.Details)
	switch n := utf8.RuneCountInString(d.Title); {
	case n == 0:
		v.Add("title", "Say in a line what the circle decides, like “Meet every two weeks from March”.")
	case n > MaxDecisionTitle:
		v.Add("title", "Use at most "+strconv.Itoa(MaxDecisionTitle)+" characters for the title.")
	}
	if utf8.RuneCountInString(d.Details) > MaxDecisionDetails {
		v.Add("details", "Use at most "+strconv.Itoa(MaxDecisionDetails)+" characters.")
	}
	if !slices.Contains(DecisionKinds, d.Kind) {
		v.Add("kind", "Choose how members answer.")
	}
	var opts []*DecisionOption
	for i, o := range d.Options {
		o.Label = strings.Join(strings.Fields(o.Label), " ")
		if o.Label == "" {
			continue
		}
		if utf8.RuneCountInString(o.Label) > MaxDecisionOption {
			v.Add("option"+strconv.Itoa(i+1), "Use at most "+strconv.Itoa(MaxDecisionOption)+" characters.")
		}
		o.Position = len(opts)
		opts = append(opts, o)
	}
	d.Options = opts
	if d.Kind == KindConsent {
		d.Options = nil
	} else if d.Kind.valid() && (len(opts) < 2 || len(opts) > MaxDecisionOptions) {
		v.Add("options", "Give between 2 and "+strconv.Itoa(MaxDecisionOptions)+" options.")
	}
	switch {
	case d.ClosesAt.IsZero():
		v.Add("closes_at", "Enter when the decision closes.")
	case !d.ClosesAt.After(now):
		v.Add("closes_at", "Choose a closing time still to come.")
	case d.ClosesAt.Sub(now) > MaxDecisionDuration:
		v.Add("closes_at", "Close the decision within 60 days.")
	}
	if _, ok := FormatByKey(d.Change.Format); d.Change.Format != "" && !ok {
		v.Add("change", "Choose one of the formats, or no change.")
	}
	if d.Change.Cadence != "" && !d.Change.Cadence.Valid() {
		v.Add("change", "Choose one of the cadences, or no change.")
	}
	if d.Change.Format != "" && d.Change.Cadence != "" {
		v.Add("change", "Choose one change at most.")
	}
	return v.Err()
}

func (k DecisionKind) valid() bool { return slices.Contains(DecisionKinds, k) }

// DecisionService runs a circle's decisions. Only the members of the circle
// use it (never its program's organizers): every method returns ENOTFOUND
// for a circle or decision the caller is not a member of, and EGROUNDRULES
// before she accepted the ground rules.
type DecisionService interface {
	// ListDecisions returns the circle's decisions, open ones first.
	ListDecisions(ctx context.Context, circleID string) ([]*GroupDecision, error)
	// FindDecision returns one decision of the circle, with the votes the
	// reader may see.
	FindDecision(ctx context.Context, circleID, decisionID string) (*GroupDecision, error)
	// CreateDecision opens a proposal; the caller is its proposer. Returns
	// EINVALID with field problems. Any member may propose a change of
	// format or cadence; only the facilitator applies it.
	CreateDecision(ctx context.Context, d *GroupDecision) error
	// Vote records or replaces the caller's vote. Returns EINVALID with
	// field problems (a block needs a reason), and ECONFLICT with a clear
	// message when the decision has closed: the vote is not counted.
	Vote(ctx context.Context, circleID string, v *DecisionVote) error
	// CloseDecision closes a decision before its time: the proposer or the
	// facilitator. EINVALID when it is closed already.
	CloseDecision(ctx context.Context, circleID, decisionID string) error
	// RecordOutcome writes the outcome of a closed decision: the proposer
	// or the facilitator. EINVALID while it is open.
	RecordOutcome(ctx context.Context, circleID, decisionID, outcome string) error
	// ApplyDecision applies a closed decision's change: the facilitator
	// only. It returns what was done, in words. EINVALID while the
	// decision is open, when it changes nothing, or was applied already.
	ApplyDecision(ctx context.Context, circleID, decisionID string) (string, error)
}

// ExportProposal is a decision she proposed, in her data export.
type ExportProposal struct {
	Circle    string    `json:"circle"`
	Title     string    `json:"title"`
	Details   string    `json:"details"`
	Kind      string    `json:"kind"`
	ClosesAt  time.Time `json:"closes_at"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportDecisionVote is one of her votes, in her data export: the stance or
// the option she chose (scores are numbers on the decision's options), and
// her reason.
type ExportDecisionVote struct {
	Circle    string    `json:"circle"`
	Decision  string    `json:"decision"`
	Stance    string    `json:"stance,omitempty"`
	Option    string    `json:"option,omitempty"`
	Reason    string    `json:"reason"`
	UpdatedAt time.Time `json:"updated_at"`
}
