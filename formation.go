package roundtable

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/roundtable/roundtable/grouping"
	"github.com/roundtable/roundtable/schedule"
)

// FormationStatus is where a formation draft stands.
type FormationStatus string

// Formation draft statuses.
const (
	FormationRunning   FormationStatus = "running"   // the search is under way
	FormationReady     FormationStatus = "ready"     // a preview to adjust and publish
	FormationFailed    FormationStatus = "failed"    // see FormationDraft.Message
	FormationPublished FormationStatus = "published" // its circles exist
)

// Weight is how much a soft goal of circle formation counts, as organizers
// choose it.
type Weight string

// Weights organizers choose from.
const (
	WeightOff    Weight = "off"
	WeightLow    Weight = "low"
	WeightNormal Weight = "normal"
	WeightHigh   Weight = "high"
)

// WeightChoices lists the weights in the order forms show them.
var WeightChoices = []Weight{WeightOff, WeightLow, WeightNormal, WeightHigh}

// Label returns the weight in words.
func (w Weight) Label() string {
	switch w {
	case WeightOff:
		return "Ignore"
	case WeightLow:
		return "Low"
	case WeightHigh:
		return "High"
	}
	return "Normal"
}

// factor scales a goal's default weight: half for low, double for high.
func (w Weight) factor() (float64, bool) {
	switch w {
	case WeightOff:
		return 0, true
	case WeightLow:
		return 0.5, true
	case WeightNormal, "":
		return 1, true
	case WeightHigh:
		return 2, true
	}
	return 0, false
}

// FormationGoals names the soft goals an organizer weighs, by form field
// name, in the order the settings page shows them.
var FormationGoals = []struct{ Field, Label, Hint string }{
	{"weight_level", "Similar levels of responsibility", "People of similar levels learn most from each other."},
	{"weight_sector", "Mix of sectors", "Private, public, non-profit and others in one circle."},
	{"weight_industry", "Mix of industries", ""},
	{"weight_organization", "Mix of organizations", "Counts even when organizations are not kept apart."},
	{"weight_function", "Mix of functions", "Finance, operations, people and so on."},
	{"weight_never_alone", "Nobody the only one", "Nobody is the only one of an answer to the application questions marked so, such as gender."},
	{"weight_balance", "Fairness across circles", "Lift the weakest circle, not only the average."},
}

// FormationSettings are an organizer's choices for one run of circle
// formation. Session length and dates come from the program.
type FormationSettings struct {
	SizeMin               int
	SizeMax               int
	Circles               int // 0 lets the engine choose
	SeparateOrganizations bool
	Weights               map[string]Weight // keyed by FormationGoals' Field
	Seconds               int               // time budget
	TimeZone              string            // reference zone circles' slots are named in
	Seed                  uint64

	// Copied from the program when a run starts, so a draft stays readable
	// when the program changes later.
	SessionMinutes int
	StartDate      time.Time
	EndDate        time.Time
	// NeverAlone holds the keys of the program's questions marked "nobody
	// the only one" (see Program.NeverAloneKeys); drafts made before
	// questions existed have none.
	NeverAlone []string `json:",omitempty"`
}

// Formation settings bounds.
const (
	DefaultFormationSeconds = 10
	MaxFormationSeconds     = 120
)

// DefaultFormationSettings returns the settings a program's first run starts from.
func DefaultFormationSettings(p *Program) *FormationSettings {
	w := map[string]Weight{}
	for _, g := range FormationGoals {
		w[g.Field] = WeightNormal
	}
	return &FormationSettings{
		SizeMin: p.SizeMin, SizeMax: p.SizeMax, Weights: w, Seconds: DefaultFormationSeconds,
		TimeZone: p.TimeZone, SessionMinutes: p.SessionMinutes, StartDate: p.StartDate, EndDate: p.EndDate,
		NeverAlone: p.NeverAloneKeys(),
	}
}

// NeverAloneHint describes the "nobody the only one" goal for a program,
// naming its marked questions.
func NeverAloneHint(p *Program) string {
	labels := p.NeverAloneLabels()
	if len(labels) == 0 {
		return "No application question is marked for this yet: mark one, such as gender, when you edit the program."
	}
	return "Nobody is the only one of an answer to: " + strings.Join(labels, ", ") + "."
}

// Validate checks the settings. Field keys: size_min, size_max, circles,
// seconds, time_zone and the FormationGoals fields.
func (s *FormationSettings) Validate() error {
	var v Problems
	if s.SizeMin < 2 || s.SizeMin > 50 {
		v.Add("size_min", "Enter a smallest circle size between 2 and 50.")
	}
	if s.SizeMax < 2 || s.SizeMax > 50 {
		v.Add("size_max", "Enter a largest circle size between 2 and 50.")
	} else if !v.Has("size_min") && s.SizeMax < s.SizeMin {
		v.Add("size_max", "The largest size must be at least the smallest size.")
	}
	if s.Circles < 0 || s.Circles > 10000 {
		v.Add("circles", "Enter a number of circles between 1 and 10,000, or leave it empty.")
	}
	if s.Seconds < 1 || s.Seconds > MaxFormationSeconds {
		v.Add("seconds", fmt.Sprintf("Enter a time between 1 and %d seconds.", MaxFormationSeconds))
	}
	if msg := ValidateTimeZone(s.TimeZone); msg != "" {
		v.Add("time_zone", msg)
	}
	for _, g := range FormationGoals {
		if _, ok := s.Weights[g.Field].factor(); !ok {
			v.Add(g.Field, "Choose how much this counts.")
		}
	}
	return v.Err()
}

// Grouping returns the engine's settings (no progress callback, no seed
// override). Call it on validated settings. A goal without a weight (a
// draft saved before the goal existed) counts as normal.
func (s *FormationSettings) Grouping() grouping.Settings {
	ref, err := Zone(s.TimeZone)
	if err != nil {
		ref = time.UTC
	}
	d := grouping.DefaultWeights()
	f := func(field string) float64 { x, _ := s.Weights[field].factor(); return x }
	return grouping.Settings{
		Min: s.SizeMin, Max: s.SizeMax, Circles: s.Circles,
		Range:     schedule.NewRange(s.StartDate, s.EndDate),
		Minutes:   s.SessionMinutes,
		Reference: ref, SeparateOrganizations: s.SeparateOrganizations,
		Weights: grouping.Weights{
			Level: d.Level * f("weight_level"), Sector: d.Sector * f("weight_sector"),
			Industry: d.Industry * f("weight_industry"), Organization: d.Organization * f("weight_organization"),
			Function: d.Function * f("weight_function"), Balance: d.Balance * f("weight_balance"),
			NeverAlone: d.NeverAlone * f("weight_never_alone"),
		},
		NeverAlone: s.NeverAlone,
		Seed:       s.Seed,
		Time:       time.Duration(s.Seconds) * time.Second,
	}
}

// FormationDraft is one run of circle formation and, once it is ready, the
// organizer's adjustments to it.
type FormationDraft struct {
	ID        string
	ProgramID string
	Settings  FormationSettings
	Status    FormationStatus
	Progress  float64 // 0…1 while running
	Message   string  // why a run failed, in words for organizers
	Result    *FormationResult
	// WhatIf holds re-runs with one setting changed, made in the background
	// after the run; nil when there are none (a failed run, older drafts).
	WhatIf    *FormationWhatIfs
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// FormationResult is a draft's circles as applicant IDs, and who is left out.
type FormationResult struct {
	Circles  [][]string
	Unplaced []FormationUnplaced
	// CircleIDs are, once the draft is published, the circle created for
	// each of Circles ("" for an empty one).
	CircleIDs []string `json:",omitempty"`
	// PlacedOptimal says the run proved that no arrangement under its
	// rules places more people than it did.
	PlacedOptimal bool `json:",omitempty"`
}

// FormationUnplaced is an applicant left out of a draft, with the reason.
type FormationUnplaced struct {
	ApplicantID string
	Reason      string
}

// FormationPreview is a draft as the organizer reviews it: scores, common
// slots and explanations, recomputed from the current applications.
type FormationPreview struct {
	Draft    *FormationDraft
	Score    float64 // the program's total, 0…100
	Worst    float64 // the weakest circle's total, 0…100
	Circles  []*PreviewCircle
	Unplaced []*PreviewUnplaced
	// Avoid lists the pairs found in applicants' "not with" answers, and
	// Unmatched the entries that named nobody in this run.
	Avoid     []AvoidPair
	Unmatched []string
	// Conflicts names people placed elsewhere or no longer accepted since the
	// run: publishing is refused until they are moved to Unplaced.
	Conflicts []string
}

// Placed counts the people in the preview's circles.
func (p *FormationPreview) Placed() int {
	n := 0
	for _, c := range p.Circles {
		n += len(c.Members)
	}
	return n
}

// PreviewCircle is one proposed circle.
type PreviewCircle struct {
	Number   int // 1-based
	Members  []*PreviewMember
	Scores   grouping.CircleScores
	Slots    []string // weekly slots every member can make, best first, like "Tue 15:00"
	Problems []string
}

// PreviewMember is one person in a proposed circle.
type PreviewMember struct {
	Applicant   *Applicant
	Explanation string // "levels 3–4; 6 sectors; meets Tue 15:00 Europe/London — 10:00 your time"
	LocalTime   string // the circle's first slot on the member's own clock, "" without a slot
	// Asked is set when she joined after answering an ask (see TimeAsk).
	Asked *TimeAsk
}

// PreviewUnplaced is a person a draft leaves out.
type PreviewUnplaced struct {
	Applicant *Applicant
	Reason    string
	// Ways are the nearest weekly times that would place her, smallest
	// change first; Ask is the question sent to her about them, if any.
	Ways []*WayIn
	Ask  *TimeAsk
}

// AvoidPair is a match of one applicant's "not with" answer to another applicant.
type AvoidPair struct{ Who, NotWith string }

// SplitAvoid splits a free-text "not with" answer into its entries: names or
// e-mail addresses separated by semicolons, commas or new lines, trimmed and
// lower-cased. An entry matches another applicant whose full name or e-mail
// equals it, ignoring case.
func SplitAvoid(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == '\n' || r == '\r' }) {
		if f = strings.ToLower(strings.Join(strings.Fields(f), " ")); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// PublishedFormation reports what publishing a draft created.
type PublishedFormation struct {
	Circles     int
	Invitations int
}

// FormationService forms circles from a program's accepted applicants who are
// not in a circle yet. Only the program's organizers and administrators may
// use it; for anyone else programs and drafts do not exist (ENOTFOUND).
type FormationService interface {
	// FormationDefaults returns the settings a new run of the program starts
	// from (the last run's, else the program's) and how many people it would
	// form. Returns ENOTFOUND as ProgramService.FindProgramByID.
	FormationDefaults(ctx context.Context, programID string) (*FormationSettings, int, error)

	// StartFormation validates the settings and starts a run in the
	// background, returning its draft. A run that fails at once (settings no
	// formation can meet) comes back failed with the reason in Message.
	// Returns ENOTFOUND as FindProgramByID, EINVALID for bad fields or when
	// nobody is waiting to be placed.
	StartFormation(ctx context.Context, programID string, s *FormationSettings) (*FormationDraft, error)

	// ListFormationDrafts returns a program's drafts, newest first, without
	// their results. Returns ENOTFOUND as FindProgramByID.
	ListFormationDrafts(ctx context.Context, programID string) ([]*FormationDraft, error)

	// FindFormationPreview returns a draft and, when it is ready or
	// published, its preview. A draft still running well past its time
	// budget (its server stopped) is marked failed first. Returns ENOTFOUND
	// when the draft does not exist or the caller does not organize its program.
	FindFormationPreview(ctx context.Context, draftID string) (*FormationPreview, error)

	// MoveInFormation moves an applicant of a ready draft into circle
	// (1-based), or to the unplaced list when circle is 0. Returns ENOTFOUND
	// as FindFormationPreview, EINVALID for an unknown person or circle,
	// ECONFLICT when the draft is not ready (running or published).
	MoveInFormation(ctx context.Context, draftID, applicantID string, circle int) error

	// PublishFormation creates a ready draft's circles, places every member
	// (each gets an invitation e-mail) and marks the draft published, all in
	// one transaction. Returns ENOTFOUND as FindFormationPreview, ECONFLICT
	// naming the people placed elsewhere or no longer accepted meanwhile, or
	// when the draft is not ready; nothing changes then.
	PublishFormation(ctx context.Context, draftID string) (*PublishedFormation, error)
}

// Label returns the status in words.
func (s FormationStatus) Label() string {
	switch s {
	case FormationRunning:
		return "Searching"
	case FormationReady:
		return "Ready to review"
	case FormationFailed:
		return "Stopped"
	case FormationPublished:
		return "Published"
	}
	return string(s)
}
