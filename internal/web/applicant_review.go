package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/roundtable/roundtable"
)

// Deciding on many applicants at once: the list posts the chosen ones and
// the decision to a page that names them and asks to confirm ("Accept 14
// applicants?"); confirming applies it to all of them or none. Both steps
// are plain forms, so they work without JavaScript.

// reviewFields are the confirmation form's fields in page order.
var reviewFields = []string{"ids", "status", "notify", "note"}

// reviewPage asks to confirm a decision on the chosen applicants.
type reviewPage struct {
	layoutData
	Program     *roundtable.Program
	Status      roundtable.ApplicantStatus
	Chosen      []*roundtable.Applicant
	CircleNames map[string]string
	Query       string // the list's filter, to go back to it
	ListURL     string // the list with that filter
	Form        *form
	Blocked     bool // a problem that confirming cannot get past
	Button      string
}

// decisionQuestion asks about a decision, like "Accept 14 applicants?".
func decisionQuestion(st roundtable.ApplicantStatus, n int) string {
	return decisionPhrase(st, n) + "?"
}

// decisionPhrase says a decision, like "Accept 14 applicants".
func decisionPhrase(st roundtable.ApplicantStatus, n int) string {
	who := plural(n, "applicant", "applicants")
	switch st {
	case roundtable.StatusAccepted:
		return "Accept " + who
	case roundtable.StatusWaitlisted:
		return "Put " + who + " on the waiting list"
	}
	return "Decline " + who
}

// decisionDone says what a decision did, like "Accepted 14 applicants.".
func decisionDone(st roundtable.ApplicantStatus, n int, notified bool) string {
	who := plural(n, "applicant", "applicants")
	switch st {
	case roundtable.StatusAccepted:
		return "Accepted " + who + "."
	case roundtable.StatusWaitlisted:
		return "Put " + who + " on the waiting list."
	}
	if notified {
		return "Declined " + who + ". " + plural(n, "kind message is", "kind messages are") + " on the way."
	}
	return "Declined " + who + ". No message was sent."
}

// chosenIDs returns the posted applicant IDs.
func chosenIDs(r *http.Request) []string {
	var ids []string
	for _, id := range r.PostForm["id"] {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// postedFilter reads the list's filter carried by a form.
func postedFilter(r *http.Request) url.Values {
	q, err := url.ParseQuery(r.PostForm.Get("filter"))
	if err != nil {
		return url.Values{}
	}
	return q
}

// validDecision reports whether st is one a decision can give.
func validDecision(st roundtable.ApplicantStatus) bool {
	return slices.Contains(roundtable.Decisions, st)
}

// decisionProblems checks that a choice names someone and a decision; the
// form it returns is invalid, and finished, when it does not.
func decisionProblems(ids []string, st roundtable.ApplicantStatus) *form {
	problems := newForm(nil, "ids", "status")
	if len(ids) == 0 {
		problems.add("ids", "Choose at least one applicant: tick the box beside each name, or choose all shown.")
	}
	if !validDecision(st) {
		problems.add("status", "Choose Accept, Put on the waiting list or Decline.")
	}
	if problems.Invalid() {
		problems.finish("Nothing was changed.")
	}
	return problems
}

// decisionRequest reads a review form: the program, the chosen applicants
// and the decision.
func (s *Server) decisionRequest(r *http.Request) (*roundtable.Program, []string, roundtable.ApplicantStatus, error) {
	if _, err := requireUser(r); err != nil {
		return nil, nil, "", err
	}
	p, err := s.svc.Programs.FindProgramByID(r.Context(), r.PathValue("programID"))
	if err != nil {
		return nil, nil, "", err
	}
	return p, chosenIDs(r), roundtable.ApplicantStatus(r.PostForm.Get("status")), nil
}

// handleApplicantReview shows the chosen applicants and asks to confirm the
// decision. It changes nothing. With nobody chosen or no decision, the list
// comes back with the problem and the choice kept.
func (s *Server) handleApplicantReview(w http.ResponseWriter, r *http.Request) error {
	p, ids, st, err := s.decisionRequest(r)
	if err != nil {
		return err
	}
	if problems := decisionProblems(ids, st); problems.Invalid() {
		return s.renderApplicants(w, r, http.StatusUnprocessableEntity, p, postedFilter(r), ids, false, problems)
	}
	f := newForm(url.Values{"ids": ids, "status": {string(st)}}, reviewFields...)
	return s.renderReview(w, r, http.StatusOK, p, f)
}

// renderReview shows the confirmation page for the decision in f. Problems
// that confirming cannot get past (an applicant of another program, a placed
// one who would lose their place) are shown without the button.
func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, status int, p *roundtable.Program, f *form) error {
	ctx := r.Context()
	st := roundtable.ApplicantStatus(f.Get("status"))
	all, err := s.svc.Applicants.ListApplicants(ctx, p.ID, roundtable.ApplicantFilter{})
	if err != nil {
		return fmt.Errorf("list applicants: %w", err)
	}
	byID := map[string]*roundtable.Applicant{}
	for _, a := range all {
		byID[a.ID] = a
	}
	_, _, query := applicantFilter(postedFilter(r))
	data := &reviewPage{Program: p, Status: st, Form: f, CircleNames: map[string]string{}, Query: query, ListURL: applicantsURL(p.ID, query)}
	seen := map[string]bool{}
	missing := 0
	var placed []string
	for _, id := range f.Values["ids"] {
		if seen[id] {
			continue
		}
		seen[id] = true
		a, ok := byID[id]
		if !ok {
			missing++
			continue
		}
		data.Chosen = append(data.Chosen, a)
		if a.CircleID != "" && st != roundtable.StatusAccepted {
			placed = append(placed, a.Name)
		}
	}
	switch {
	case missing > 0:
		f.add("ids", plural(missing, "of the chosen applicants is", "of the chosen applicants are")+" not in this program. Go back to the list and choose again.")
		data.Blocked = true
	case len(placed) > 0:
		who := strings.Join(placed, ", ") + " is in a circle"
		if len(placed) > 1 {
			who = strings.Join(placed, ", ") + " are in circles"
		}
		f.add("ids", who+" and cannot be "+statusWord(st)+". Go back and leave them out, or remove them from their circle first.")
		data.Blocked = true
	}
	if data.Blocked {
		f.finish("Nothing was changed.")
		status = http.StatusUnprocessableEntity
	}
	circles, err := s.svc.Circles.ListCircles(ctx, p.ID)
	if err != nil {
		return fmt.Errorf("list circles: %w", err)
	}
	for _, c := range circles {
		data.CircleNames[c.ID] = c.Name
	}
	n := len(data.Chosen) + missing
	data.layoutData = layoutData{Title: decisionQuestion(st, n), Nav: "programs"}
	data.Button = decisionPhrase(st, n)
	s.render(w, r, status, "applicant_review", data)
	return nil
}

// handleApplicantDecide applies the confirmed decision to every chosen
// applicant, or to none when one of them cannot take it.
func (s *Server) handleApplicantDecide(w http.ResponseWriter, r *http.Request) error {
	p, ids, st, err := s.decisionRequest(r)
	if err != nil {
		return err
	}
	if problems := decisionProblems(ids, st); problems.Invalid() {
		// Only a forged or broken form gets here: the review page always
		// carries both. Start again from the list.
		return s.renderApplicants(w, r, http.StatusUnprocessableEntity, p, postedFilter(r), ids, false, problems)
	}
	f := newForm(url.Values{"ids": ids, "status": {string(st)}, "notify": {r.PostForm.Get("notify")}, "note": {r.PostForm.Get("note")}}, reviewFields...)
	notify := st == roundtable.StatusDeclined && f.checked("notify")
	n, err := s.svc.Applicants.DecideApplicants(r.Context(), p.ID, roundtable.Decision{
		IDs: ids, Status: st, Notify: notify, Note: f.Get("note"),
	})
	if f.fail(err) {
		if roundtable.ErrorCode(err) == roundtable.ECONFLICT {
			f.Errors["ids"] = roundtable.ErrorMessage(err)
		}
		return s.renderReview(w, r, http.StatusUnprocessableEntity, p, f)
	} else if err != nil {
		return fmt.Errorf("decide on applicants: %w", err)
	}
	_, _, query := applicantFilter(postedFilter(r))
	return s.notice(w, r, applicantsURL(p.ID, query), decisionDone(st, n, notify))
}
