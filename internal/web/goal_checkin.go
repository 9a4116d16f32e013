package web

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// checkInsPage is a member's goals over time: her own, with the form to
// check in and the switch to share, or another member's shared timeline.
type checkInsPage struct {
	layoutData
	Page    *roundtable.CheckInPage
	Goals   []*goalTimelineView
	Due     bool   // some goal has no check-in this period
	Next    string // when the next period begins, like "1 January 2027"
	Form    *form
	Ratings []ratingChoice
}

// ratingChoice is one of the five ratings with its words.
type ratingChoice struct {
	Value int
	Label string
}

// goalTimelineView is one goal with its check-ins, in the reader's zone.
type goalTimelineView struct {
	ID, Text string
	Due      bool
	Entries  []checkInEntryView // oldest first
	Chart    *timelineChart     // nil without check-ins
}

// checkInEntryView is one check-in on the timeline.
type checkInEntryView struct {
	Date, Label, Reflection string
	Rating                  int
}

// timelineChart is a small line of ratings over time, drawn as SVG. The
// list beside it says the same in words.
type timelineChart struct {
	Width, Height int
	Points        string // the polyline's points
	Dots          []chartDot
	Summary       string // for screen readers
}

type chartDot struct{ X, Y, Rating int }

// Chart geometry, in SVG units.
const (
	chartWidth   = 320
	chartHeight  = 110
	chartPadding = 14
)

func newTimelineChart(entries []checkInEntryView) *timelineChart {
	if len(entries) == 0 {
		return nil
	}
	c := &timelineChart{Width: chartWidth, Height: chartHeight}
	step := 0
	if len(entries) > 1 {
		step = (chartWidth - 2*chartPadding) / (len(entries) - 1)
	}
	var pts, words []string
	for i, e := range entries {
		x := chartPadding + i*step
		y := chartHeight - chartPadding - (e.Rating-1)*(chartHeight-2*chartPadding)/(roundtable.MaxRating-1)
		c.Dots = append(c.Dots, chartDot{X: x, Y: y, Rating: e.Rating})
		pts = append(pts, fmt.Sprintf("%d,%d", x, y))
		words = append(words, strconv.Itoa(e.Rating))
	}
	c.Points = strings.Join(pts, " ")
	c.Summary = "Progress ratings over time, from 1 to 5: " + strings.Join(words, ", ") + "."
	return c
}

func newCheckInsPage(p *roundtable.CheckInPage, loc *time.Location, f *form) *checkInsPage {
	// Periods begin at midnight on the circle's calendar: its day, for everyone.
	next := p.NextPeriod.In(roundtable.LoadLocation(p.Circle.TimeZone)).Format("2 January 2006")
	v := &checkInsPage{Page: p, Next: next, Form: f}
	for r := roundtable.MinRating; r <= roundtable.MaxRating; r++ {
		v.Ratings = append(v.Ratings, ratingChoice{r, roundtable.RatingLabel(r)})
	}
	for _, g := range p.Goals {
		gv := &goalTimelineView{ID: g.Goal.ID, Text: g.Goal.Text, Due: g.Due}
		for _, x := range g.CheckIns {
			gv.Entries = append(gv.Entries, checkInEntryView{Date: x.CreatedAt.In(loc).Format("2 January 2006"),
				Rating: x.Rating, Label: roundtable.RatingLabel(x.Rating), Reflection: x.Reflection})
		}
		gv.Chart = newTimelineChart(gv.Entries)
		v.Due = v.Due || g.Due
		v.Goals = append(v.Goals, gv)
		// The form starts from this period's check-in, when there is one.
		if last := g.Latest(); f != nil && !g.Due && last != nil && !f.Values.Has("rating-"+g.Goal.ID) {
			f.Values.Set("rating-"+g.Goal.ID, strconv.Itoa(last.Rating))
			f.Values.Set("reflection-"+g.Goal.ID, last.Reflection)
		}
	}
	return v
}

// title names the page for its reader.
func (v *checkInsPage) title() string {
	if v.Page.Mine {
		return "Your goals over time"
	}
	return v.Page.Owner.Name + "'s goals over time"
}

// handleCheckIns shows the member's own goals over time.
func (s *Server) handleCheckIns(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	return s.renderCheckIns(w, r, http.StatusOK, u, r.PathValue("circleID"), u.ID, newForm(nil))
}

// handleMemberCheckIns shows another member's goals over time, when she
// shares them (her own page when it is the reader's).
func (s *Server) handleMemberCheckIns(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	var f *form
	if r.PathValue("userID") == u.ID {
		f = newForm(nil)
	}
	return s.renderCheckIns(w, r, http.StatusOK, u, r.PathValue("circleID"), r.PathValue("userID"), f)
}

func (s *Server) renderCheckIns(w http.ResponseWriter, r *http.Request, status int, u *roundtable.User, circleID, userID string, f *form) error {
	p, err := s.svc.CheckIns.FindCheckIns(r.Context(), circleID, userID)
	if err != nil {
		return err
	}
	if !p.Mine {
		f = nil
	} else if f != nil {
		f.order = []string{"checkin"}
		for _, g := range p.Goals {
			f.order = append(f.order, "rating-"+g.Goal.ID, "reflection-"+g.Goal.ID)
		}
	}
	v := newCheckInsPage(p, roundtable.LoadLocation(u.TimeZone), f)
	v.layoutData = layoutData{Title: v.title(), Nav: "home"}
	s.render(w, r, status, "goal_checkins", v)
	return nil
}

// handleCheckInSave records the member's check-in.
func (s *Server) handleCheckInSave(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	id := r.PathValue("circleID")
	f := newForm(r.PostForm)
	entries := checkInEntries(f)
	err = s.svc.CheckIns.CheckIn(r.Context(), id, entries)
	if err == nil {
		return s.notice(w, r, "/circles/"+id+"/checkins", "Your check-in is saved.")
	}
	if !f.fail(err) {
		return err
	}
	f.finish("")
	return s.renderCheckIns(w, r, http.StatusUnprocessableEntity, u, id, u.ID, f)
}

// checkInEntries reads the ratings given (fields rating-GOALID and
// reflection-GOALID); a goal left unrated is skipped unless it has a
// reflection, which then needs a rating.
func checkInEntries(f *form) []roundtable.CheckInEntry {
	var goals []string
	for k := range f.Values {
		if g, ok := strings.CutPrefix(k, "rating-"); ok {
			goals = append(goals, g)
		} else if g, ok := strings.CutPrefix(k, "reflection-"); ok && f.text(k) != "" && !f.Values.Has("rating-"+g) {
			goals = append(goals, g)
		}
	}
	sort.Strings(goals)
	var out []roundtable.CheckInEntry
	for _, g := range goals {
		rating, reflection := f.text("rating-"+g), f.text("reflection-"+g)
		if rating == "" && reflection == "" {
			continue
		}
		n, err := strconv.Atoi(rating)
		if err != nil {
			n = 0 // refused by the service with the field's message
		}
		out = append(out, roundtable.CheckInEntry{GoalID: g, Rating: n, Reflection: reflection})
	}
	return out
}

// handleCheckInShare shows or hides the member's check-ins to her circle.
func (s *Server) handleCheckInShare(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("circleID")
	share := r.PostFormValue("share") == "1"
	if err := s.svc.CheckIns.ShareCheckIns(r.Context(), id, share); err != nil {
		return err
	}
	msg := "Your circle can now see your check-ins."
	if !share {
		msg = "Your check-ins are yours alone again."
	}
	return s.notice(w, r, "/circles/"+id+"/checkins", msg)
}
