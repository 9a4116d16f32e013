package roundtable

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/roundtable/roundtable/schedule"
)

// A way in for the unplaced: for each person a formation leaves out, the
// nearest weekly times that would place her (grouping.Nearest). The organizer
// sees them on the preview and may ask her, in one e-mail, whether she can
// make one of them; her answer, through a link that needs no account, adds
// the time to her availability and places her.

// WayIn is one weekly time that would place an unplaced person.
type WayIn struct {
	// Circle is the draft's circle number (1-based) she could join, or 0 for
	// a new circle with Others.
	Circle int
	// Others are, for a new circle, the applicants (IDs) who can make the
	// time with her; OtherNames their names, for the preview.
	Others     []string `json:",omitempty"`
	OtherNames []string `json:"-"`
	Slot       string   // the weekly time in the draft's zone, like "Tue 15:00"
	Add        string   // the windows to add to her availability, in her zone (schedule.Week text)
	Her        string   // the time on her clock: "Tuesday 10:00–11:30" and its daylight-saving changes
	Ref        string   // the time in the draft's zone: "Tuesday 15:00–16:30"
	Extra      int      // minutes of Add she is not free yet; 0: she can make it already
}

// Where names the circle of the way in: "Circle 4" or "a new circle".
func (w *WayIn) Where() string {
	if w.Circle == 0 {
		return "a new circle"
	}
	return fmt.Sprintf("Circle %d", w.Circle)
}

// TimeAskOutcome is what became of a person's answer.
type TimeAskOutcome string

// Outcomes of an answer.
const (
	AskWaiting TimeAskOutcome = ""       // not answered yet
	AskNone    TimeAskOutcome = "none"   // she can make none of the times
	AskDraft   TimeAskOutcome = "draft"  // placed in the draft's circle; invited when it is published
	AskPlaced  TimeAskOutcome = "placed" // placed in the published circle and invited
	AskTaken   TimeAskOutcome = "taken"  // the seat was taken meanwhile; the time is in her availability
)

// TimeAsk is the question sent to an unplaced applicant of a draft: can she
// make one of its times?
type TimeAsk struct {
	ID          string
	DraftID     string
	ProgramID   string
	ProgramName string
	ApplicantID string
	Name        string // hers
	TimeZone    string // hers: the times are shown in it
	Options     []*WayIn
	AskedAt     time.Time
	ExpiresAt   time.Time
	AnsweredAt  *time.Time
	Choice      int // the option she chose (0-based); −1 for none of them
	Outcome     TimeAskOutcome
	// Open reports whether the link takes an answer now: not answered and
	// not expired.
	Open bool
	// Message says, in words for her, what her answer did.
	Message string
}

// Chosen returns the option she chose, or nil.
func (a *TimeAsk) Chosen() *WayIn {
	if a.AnsweredAt == nil || a.Choice < 0 || a.Choice >= len(a.Options) {
		return nil
	}
	return a.Options[a.Choice]
}

// TimeAskLifetime is how long a person can answer an ask.
const TimeAskLifetime = 14 * 24 * time.Hour

// TimeAskService asks unplaced applicants about the weekly times that would
// place them, and records their answers.
type TimeAskService interface {
	// AskTimes e-mails an unplaced person of a ready or published draft the
	// ways in the preview shows her, with a link to answer. A person is asked
	// once per draft; asking again while her link works returns the ask
	// unchanged and sends nothing. Returns ENOTFOUND as
	// FindFormationPreview, EINVALID when she is not unplaced in the draft or
	// no time would place her.
	AskTimes(ctx context.Context, draftID, applicantID string) (*TimeAsk, error)

	// FindTimeAsk returns the ask of a link, answered or not, for the page
	// where she answers; no sign-in is needed. Returns ENOTFOUND for a link
	// that does not exist.
	FindTimeAsk(ctx context.Context, token string) (*TimeAsk, error)

	// AnswerTimeAsk records her answer: the index of the option she can
	// make, or −1 for none. An option adds its time to her availability and
	// places her: in the draft's circle when it is not published yet, else
	// in the published circle when its seat is still free (she gets the
	// circle's invitation). Returns ENOTFOUND as FindTimeAsk, EINVALID for an
	// option that does not exist, ECONFLICT when the link has expired or was
	// answered already.
	AnswerTimeAsk(ctx context.Context, token string, choice int) (*TimeAsk, error)
}

// TimesPhrase writes how a person sees a weekly meeting of minutes minutes
// over a program: "Tuesday 10:00–11:30", then each change a clock change
// brings: "; 11:00–12:30 from 16 Mar 2027".
func TimesPhrase(runs schedule.LocalRuns, minutes int) string {
	var b strings.Builder
	for i, r := range runs {
		span := clockSpan(r.Start, minutes)
		switch {
		case i == 0:
			b.WriteString(schedule.DayName(r.Day) + " " + span)
		case r.Day != runs[i-1].Day:
			fmt.Fprintf(&b, "; %s %s from %s", schedule.DayName(r.Day), span, r.From.Format("2 Jan 2006"))
		default:
			fmt.Fprintf(&b, "; %s from %s", span, r.From.Format("2 Jan 2006"))
		}
	}
	return b.String()
}

// SlotPhrase writes a weekly slot of minutes minutes like "Tuesday 15:00–16:30".
func SlotPhrase(s schedule.Slot, minutes int) string {
	return schedule.DayName(s.Day) + " " + clockSpan(s.Start, minutes)
}

// clockSpan writes "10:00–11:30"; an end past midnight wraps ("23:30–01:00").
func clockSpan(start, minutes int) string {
	end := (start + minutes) % (24 * 60)
	return fmt.Sprintf("%02d:%02d–%02d:%02d", start/60, start%60, end/60, end%60)
}

// HerFirst is the time on her clock at the start of the program, like
// "Tuesday 10:00–11:30".
func (w *WayIn) HerFirst() string {
	first, _, _ := strings.Cut(w.Her, "; ")
	return first
}

// HerChanges are the clock changes of the time on her clock, like
// "11:00–12:30 from 16 Mar 2027; 10:00–11:30 from 30 Mar 2027", or "".
func (w *WayIn) HerChanges() string {
	_, rest, _ := strings.Cut(w.Her, "; ")
	return rest
}
