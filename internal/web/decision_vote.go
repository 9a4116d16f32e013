package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/roundtable/roundtable"
)

// stanceView is one stance with who took it, when results are visible.
type stanceView struct {
	Stance roundtable.Stance
	Votes  []*roundtable.DecisionVote
}

// decisionPage shows a decision: the proposal, the vote, the results.
type decisionPage struct {
	layoutData
	circleHead
	D          *roundtable.GroupDecision
	Open       bool
	Visible    bool // every vote is shown
	When       string
	OutcomeAt  string
	Stances    []stanceView
	AllStances []roundtable.Stance
	Scores     []int
	Form       *form // the vote
	Outcome    *form
	Zone       string
}

// voteValues fills the vote form from the reader's vote.
func voteValues(d *roundtable.GroupDecision) url.Values {
	v := url.Values{}
	if m := d.Mine; m != nil {
		v.Set("stance", string(m.Stance))
		v.Set("option_id", m.OptionID)
		v.Set("reason", m.Reason)
		for id, sc := range m.Scores {
			v.Set("score_"+id, strconv.Itoa(sc))
		}
	}
	return v
}

// voteFields are the vote form's fields in page order.
func voteFields(d *roundtable.GroupDecision) []string {
	out := []string{"stance", "option_id"}
	for _, o := range d.Options {
		out = append(out, "score_"+o.ID)
	}
	return append(out, "reason")
}

func (s *Server) renderDecision(w http.ResponseWriter, r *http.Request, status int, vote, outcome *form) error {
	u, home, err := s.circlePage(r)
	if err != nil {
		return err
	}
	d, err := s.svc.Decisions.FindDecision(r.Context(), home.Circle.ID, r.PathValue("decisionID"))
	if err != nil {
		return err
	}
	loc, now := u.Location(), s.now()
	page := &decisionPage{
		layoutData: layoutData{Title: d.Title, Nav: "home"}, circleHead: headOfCircle(home),
		D: d, Open: !d.Closed(now), Visible: d.ResultsVisible(now), When: dayIn(d.ClosedOn(), loc, now, ", 15:04"),
		AllStances: roundtable.Stances, Scores: []int{1, 2, 3, 4, 5}, Form: vote, Outcome: outcome, Zone: zoneName(loc),
	}
	if !d.OutcomeAt.IsZero() {
		page.OutcomeAt = dayIn(d.OutcomeAt, loc, now, ", 15:04")
	}
	if page.Form == nil {
		page.Form = newForm(voteValues(d), voteFields(d)...)
	} else {
		page.Form.order = voteFields(d) // the options' fields are known now
	}
	if page.Outcome == nil {
		page.Outcome = newForm(url.Values{"outcome": {d.Outcome}}, "outcome")
	}
	if d.Kind == roundtable.KindConsent && page.Visible {
		for _, st := range roundtable.Stances {
			sv := stanceView{Stance: st}
			for _, v := range d.Votes {
				if v.Stance == st {
					sv.Votes = append(sv.Votes, v)
				}
			}
			page.Stances = append(page.Stances, sv)
		}
	}
	s.render(w, r, status, "decision_show", page)
	return nil
}

// handleDecisionShow shows a decision.
func (s *Server) handleDecisionShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderDecision(w, r, http.StatusOK, nil, nil)
}

// handleDecisionVote records the member's vote. A vote after the close is
// told so, calmly, and not counted.
func (s *Server) handleDecisionVote(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	circleID, id := r.PathValue("circleID"), r.PathValue("decisionID")
	v := &roundtable.DecisionVote{DecisionID: id, Stance: roundtable.Stance(r.PostFormValue("stance")),
		OptionID: r.PostFormValue("option_id"), Reason: r.PostFormValue("reason"), Scores: map[string]int{}}
	for k, vals := range r.PostForm {
		if opt, ok := strings.CutPrefix(k, "score_"); ok && len(vals) > 0 {
			v.Scores[opt], _ = strconv.Atoi(vals[0])
		}
	}
	err := s.svc.Decisions.Vote(r.Context(), circleID, v)
	switch roundtable.ErrorCode(err) {
	case "":
		return s.notice(w, r, decisionPath(circleID, id), "Your vote is recorded. You can change it until the decision closes.")
	case roundtable.ECONFLICT:
		return s.inform(w, r, decisionPath(circleID, id), roundtable.ErrorMessage(err))
	case roundtable.EINVALID:
		f := newForm(r.PostForm)
		f.fail(err)
		return s.renderDecision(w, r, http.StatusUnprocessableEntity, f, nil)
	}
	return err
}

// handleDecisionClose closes a decision before its time.
func (s *Server) handleDecisionClose(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	circleID, id := r.PathValue("circleID"), r.PathValue("decisionID")
	if err := s.svc.Decisions.CloseDecision(r.Context(), circleID, id); err != nil {
		return s.refuse(w, r, decisionPath(circleID, id), err)
	}
	return s.notice(w, r, decisionPath(circleID, id), "The decision is closed. Everyone now sees the results.")
}

// handleDecisionOutcome records what the circle decided.
func (s *Server) handleDecisionOutcome(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	circleID, id := r.PathValue("circleID"), r.PathValue("decisionID")
	if err := s.svc.Decisions.RecordOutcome(r.Context(), circleID, id, r.PostFormValue("outcome")); err != nil {
		if len(roundtable.ErrorFields(err)) == 0 {
			// Not about what she wrote (the decision is still open): the
			// page has no outcome form to show it on.
			return s.refuse(w, r, decisionPath(circleID, id), err)
		}
		f := newForm(r.PostForm, "outcome")
		if !f.fail(err) {
			return err
		}
		return s.renderDecision(w, r, http.StatusUnprocessableEntity, nil, f)
	}
	return s.notice(w, r, decisionPath(circleID, id), "The outcome is recorded for the circle.")
}

// handleDecisionApply applies a closed decision's change of format or cadence.
func (s *Server) handleDecisionApply(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	circleID, id := r.PathValue("circleID"), r.PathValue("decisionID")
	msg, err := s.svc.Decisions.ApplyDecision(r.Context(), circleID, id)
	if err != nil {
		return s.refuse(w, r, decisionPath(circleID, id), err)
	}
	return s.notice(w, r, decisionPath(circleID, id), msg)
}
