package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// decisionFields are the fields of the new decision form, in page order.
var decisionFields = func() []string {
	out := []string{"title", "details", "kind", "options"}
	for i := 1; i <= roundtable.MaxDecisionOptions; i++ {
		out = append(out, "option"+strconv.Itoa(i))
	}
	return append(out, "closes_date", "closes_time", "closes_at", "results", "change")
}()

// decisionPath is the address of a circle's decision, or of its list.
func decisionPath(circleID, decisionID string) string {
	p := "/circles/" + url.PathEscape(circleID) + "/decisions"
	if decisionID != "" {
		p += "/" + url.PathEscape(decisionID)
	}
	return p
}

// decisionItem is a decision in the circle's list.
type decisionItem struct {
	*roundtable.GroupDecision
	Open  bool
	When  string // when it closes or closed, in the reader's zone
	Voted bool
}

// decisionsPage lists a circle's decisions.
type decisionsPage struct {
	layoutData
	circleHead
	Open, Closed []decisionItem
	Zone         string
}

// handleDecisionIndex lists the circle's decisions, open ones first.
func (s *Server) handleDecisionIndex(w http.ResponseWriter, r *http.Request) error {
	u, home, err := s.circlePage(r)
	if err != nil {
		return err
	}
	list, err := s.svc.Decisions.ListDecisions(r.Context(), home.Circle.ID)
	if err != nil {
		return err
	}
	loc, now := u.Location(), s.now()
	page := &decisionsPage{layoutData: layoutData{Title: "Decisions", Nav: "home"}, circleHead: headOfCircle(home), Zone: zoneName(loc)}
	for _, d := range list {
		it := decisionItem{GroupDecision: d, Open: !d.Closed(now), When: dayIn(d.ClosedOn(), loc, now, ", 15:04"), Voted: d.Mine != nil}
		if it.Open {
			page.Open = append(page.Open, it)
		} else {
			page.Closed = append(page.Closed, it)
		}
	}
	s.render(w, r, http.StatusOK, "decisions", page)
	return nil
}

// changeChoice is one change a decision may propose.
type changeChoice struct{ Value, Label string }

// decisionFormPage is the form to open a decision.
type decisionFormPage struct {
	layoutData
	circleHead
	Form    *form
	Kinds   []roundtable.DecisionKind
	Numbers []int
	Changes []changeChoice
	Zone    string
}

// changeChoices lists the changes a decision may carry: formats, cadences.
func changeChoices() []changeChoice {
	out := []changeChoice{{"", "Nothing to apply: the circle decides, the facilitator follows up"}}
	for _, f := range roundtable.Formats() {
		out = append(out, changeChoice{"format:" + f.Key, "Make “" + f.Name + "” the circle's format"})
	}
	for _, c := range roundtable.Cadences {
		out = append(out, changeChoice{"cadence:" + string(c), "Meet " + strings.ToLower(c.Label()) + " for the rest of the series"})
	}
	return out
}

func (s *Server) renderDecisionForm(w http.ResponseWriter, r *http.Request, status int, u *roundtable.User, home *roundtable.CircleHome, f *form) {
	page := &decisionFormPage{layoutData: layoutData{Title: "Propose a decision", Nav: "home"}, circleHead: headOfCircle(home),
		Form: f, Kinds: roundtable.DecisionKinds, Changes: changeChoices(), Zone: zoneName(u.Location())}
	for i := 1; i <= roundtable.MaxDecisionOptions; i++ {
		page.Numbers = append(page.Numbers, i)
	}
	s.render(w, r, status, "decision_form", page)
}

// handleDecisionNew shows the form to propose a decision, closing in a week.
func (s *Server) handleDecisionNew(w http.ResponseWriter, r *http.Request) error {
	u, home, err := s.circlePage(r)
	if err != nil {
		return err
	}
	closes := s.now().In(u.Location()).Add(7 * 24 * time.Hour)
	v := url.Values{"kind": {string(roundtable.KindConsent)}, "results": {"close"},
		"closes_date": {closes.Format(roundtable.DateLayout)}, "closes_time": {"18:00"}}
	if c := r.URL.Query().Get("change"); c != "" {
		v.Set("change", c)
	}
	s.renderDecisionForm(w, r, http.StatusOK, u, home, newForm(v, decisionFields...))
	return nil
}

// decisionFromForm reads the new decision form; problems of its own go on f.
func decisionFromForm(f *form, circleID string, loc *time.Location) *roundtable.GroupDecision {
	d := &roundtable.GroupDecision{CircleID: circleID, Title: f.text("title"), Details: f.text("details"),
		Kind: roundtable.DecisionKind(f.text("kind")), ResultsOpen: f.text("results") == "open"}
	for i := 1; i <= roundtable.MaxDecisionOptions; i++ {
		d.Options = append(d.Options, &roundtable.DecisionOption{Label: f.text("option" + strconv.Itoa(i))})
	}
	if kind, value, _ := strings.Cut(f.text("change"), ":"); kind == "format" {
		d.Change.Format = value
	} else if kind == "cadence" {
		d.Change.Cadence = roundtable.Cadence(value)
	} else if kind != "" {
		f.add("change", "Choose one of the changes, or nothing.")
	}
	day, derr := time.Parse(roundtable.DateLayout, f.text("closes_date"))
	clock, terr := time.Parse("15:04", f.text("closes_time"))
	switch {
	case derr != nil:
		f.add("closes_date", "Enter the closing date like 2026-03-14.")
	case terr != nil:
		f.add("closes_time", "Enter the closing time like 18:00.")
	default:
		d.ClosesAt = time.Date(day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute(), 0, 0, loc)
	}
	return d
}

// handleDecisionCreate opens the proposal.
func (s *Server) handleDecisionCreate(w http.ResponseWriter, r *http.Request) error {
	u, home, err := s.circlePage(r)
	if err != nil {
		return err
	}
	f := newForm(r.PostForm, decisionFields...)
	d := decisionFromForm(f, home.Circle.ID, u.Location())
	if err := d.Validate(s.now()); err != nil {
		f.mergeProblems(err) // every problem at once, the closing time's among them
	}
	if !f.Invalid() {
		if err := s.svc.Decisions.CreateDecision(r.Context(), d); err != nil {
			if !f.fail(err) {
				return err
			}
		}
	}
	if f.Invalid() {
		if msg := f.Error("closes_at"); msg != "" && f.Error("closes_date") == "" {
			f.add("closes_date", msg)
			delete(f.Errors, "closes_at")
		}
		f.finish("")
		s.renderDecisionForm(w, r, http.StatusUnprocessableEntity, u, home, f)
		return nil
	}
	return s.notice(w, r, decisionPath(home.Circle.ID, d.ID), "Your proposal is open. Everyone in the circle can vote until it closes.")
}
