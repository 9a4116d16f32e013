package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/roundtable/roundtable"
)

// formationFields are the settings form's fields in page order.
func formationFields() []string {
	out := []string{"size_min", "size_max", "circles", "separate_organizations"}
	for _, g := range roundtable.FormationGoals {
		out = append(out, g.Field)
	}
	return append(out, "seconds", "time_zone")
}

// formationPage is the "Form circles" settings page with the program's drafts.
type formationPage struct {
	layoutData
	Program *roundtable.Program
	Form    *form
	Weights []*fieldView // one select per soft goal
	Waiting int          // accepted people not in a circle
	Drafts  []*roundtable.FormationDraft
	WhatIf  *whatIfView // the newest proposal's re-runs with one setting changed
}

// settingsValues writes settings as the form's values.
func settingsValues(s *roundtable.FormationSettings) url.Values {
	v := url.Values{
		"size_min": {strconv.Itoa(s.SizeMin)}, "size_max": {strconv.Itoa(s.SizeMax)},
		"seconds": {strconv.Itoa(s.Seconds)}, "time_zone": {s.TimeZone},
	}
	if s.Circles > 0 {
		v.Set("circles", strconv.Itoa(s.Circles))
	}
	if s.SeparateOrganizations {
		v.Set("separate_organizations", "on")
	}
	for _, g := range roundtable.FormationGoals {
		w := s.Weights[g.Field]
		if w == "" {
			w = roundtable.WeightNormal
		}
		v.Set(g.Field, string(w))
	}
	return v
}

// readSettings reads the settings form, recording what is not a number.
func readSettings(f *form) *roundtable.FormationSettings {
	s := &roundtable.FormationSettings{Weights: map[string]roundtable.Weight{}}
	s.SizeMin = f.intField("size_min", "Enter the smallest circle size as a whole number, like 6.")
	s.SizeMax = f.intField("size_max", "Enter the largest circle size as a whole number, like 8.")
	if f.text("circles") != "" {
		s.Circles = f.intField("circles", "Enter the number of circles as a whole number, or leave it empty.")
		if s.Circles == 0 && !f.Invalid() {
			f.add("circles", "Enter a number of circles of at least 1, or leave it empty.")
		}
	}
	s.SeparateOrganizations = f.checked("separate_organizations")
	for _, g := range roundtable.FormationGoals {
		s.Weights[g.Field] = roundtable.Weight(f.text(g.Field))
	}
	s.Seconds = f.intField("seconds", "Enter the time in whole seconds, like 10.")
	s.TimeZone = f.text("time_zone")
	return s
}

// weightFields builds the select of each soft goal; the "nobody the only
// one" goal names the program's marked questions.
func weightFields(f *form, p *roundtable.Program) []*fieldView {
	var opts []option
	for _, w := range roundtable.WeightChoices {
		opts = append(opts, option{string(w), w.Label()})
	}
	var out []*fieldView
	for _, g := range roundtable.FormationGoals {
		hint := g.Hint
		if g.Field == "weight_never_alone" {
			hint = roundtable.NeverAloneHint(p)
		}
		out = append(out, &fieldView{Form: f, Name: g.Field, Label: g.Label, Hint: hint, Type: "select", Options: opts})
	}
	return out
}

func (s *Server) renderFormation(w http.ResponseWriter, r *http.Request, status int, p *roundtable.Program, f *form) error {
	_, waiting, err := s.svc.Formations.FormationDefaults(r.Context(), p.ID)
	if err != nil {
		return err
	}
	drafts, err := s.svc.Formations.ListFormationDrafts(r.Context(), p.ID)
	if err != nil {
		return fmt.Errorf("list drafts: %w", err)
	}
	s.render(w, r, status, "formation", &formationPage{
		layoutData: layoutData{Title: "Form circles for " + p.Name, Nav: "programs"},
		Program:    p, Form: f, Weights: weightFields(f, p), Waiting: waiting, Drafts: drafts,
		WhatIf: settingsWhatIf(p.ID, drafts, waiting),
	})
	return nil
}

// findProgram returns the program of the path for its organizers.
func (s *Server) findPathProgram(r *http.Request) (*roundtable.Program, error) {
	if _, err := requireUser(r); err != nil {
		return nil, err
	}
	return s.svc.Programs.FindProgramByID(r.Context(), r.PathValue("programID"))
}

// handleFormationShow shows the settings of a new run of circle formation.
func (s *Server) handleFormationShow(w http.ResponseWriter, r *http.Request) error {
	p, err := s.findPathProgram(r)
	if err != nil {
		return err
	}
	set, _, err := s.svc.Formations.FormationDefaults(r.Context(), p.ID)
	if err != nil {
		return err
	}
	return s.renderFormation(w, r, http.StatusOK, p, newForm(settingsValues(set), formationFields()...))
}

// handleFormationStart starts a run and sends the organizer to its draft.
func (s *Server) handleFormationStart(w http.ResponseWriter, r *http.Request) error {
	p, err := s.findPathProgram(r)
	if err != nil {
		return err
	}
	f := newForm(r.PostForm, formationFields()...)
	set := readSettings(f)
	// Fields that are not numbers keep their first message; the rest are checked too.
	f.mergeProblems(set.Validate())
	var d *roundtable.FormationDraft
	if !f.Invalid() {
		d, err = s.svc.Formations.StartFormation(r.Context(), p.ID, set)
	}
	if f.Invalid() || f.fail(err) {
		f.finish("")
		return s.renderFormation(w, r, http.StatusUnprocessableEntity, p, f)
	} else if err != nil {
		return fmt.Errorf("start formation: %w", err)
	}
	if d.Status == roundtable.FormationFailed {
		// Settings no formation can meet: say why next to the settings.
		f.finish(d.Message)
		return s.renderFormation(w, r, http.StatusUnprocessableEntity, p, f)
	}
	redirect(w, r, draftPath(p.ID, d.ID))
	return nil
}

func draftPath(programID, draftID string) string {
	return "/programs/" + programID + "/formation/" + draftID
}

// draftPage shows a run's progress, or its preview with forms to adjust and publish.
type draftPage struct {
	layoutData
	Program  *roundtable.Program
	Preview  *roundtable.FormationPreview
	Base     string // the draft's path, for form actions
	Percent  int
	Targets  []option // where a person can be moved: circles and Unplaced
	Settings *roundtable.FormationSettings
	WhatIf   *whatIfView // re-runs with one setting changed
}

// findDraft returns the program and draft preview of the path.
func (s *Server) findDraft(r *http.Request) (*roundtable.Program, *roundtable.FormationPreview, error) {
	p, err := s.findPathProgram(r)
	if err != nil {
		return nil, nil, err
	}
	pv, err := s.svc.Formations.FindFormationPreview(r.Context(), r.PathValue("draftID"))
	if err != nil {
		return nil, nil, err
	}
	if pv.Draft.ProgramID != p.ID {
		return nil, nil, roundtable.Errorf(roundtable.ENOTFOUND, "We could not find this draft.")
	}
	return p, pv, nil
}

// handleFormationDraft shows a draft: progress while running, the settings
// with the reason when it failed, the preview when ready.
func (s *Server) handleFormationDraft(w http.ResponseWriter, r *http.Request) error {
	p, pv, err := s.findDraft(r)
	if err != nil {
		return err
	}
	d := pv.Draft
	if d.Status == roundtable.FormationFailed {
		f := newForm(settingsValues(&d.Settings), formationFields()...)
		f.finish(d.Message)
		return s.renderFormation(w, r, http.StatusOK, p, f)
	}
	page := &draftPage{
		layoutData: layoutData{Title: "Proposed circles for " + p.Name, Nav: "programs"},
		Program:    p, Preview: pv, Base: draftPath(p.ID, d.ID), Percent: int(d.Progress*100 + 0.5), Settings: &d.Settings,
		WhatIf: draftWhatIf(pv),
	}
	if d.Status == roundtable.FormationRunning {
		page.Title, page.Refresh = "Forming circles for "+p.Name, 2
	}
	for _, c := range pv.Circles {
		page.Targets = append(page.Targets, option{strconv.Itoa(c.Number), "Circle " + strconv.Itoa(c.Number)})
	}
	page.Targets = append(page.Targets, option{"0", "Unplaced"})
	s.render(w, r, http.StatusOK, "formation_draft", page)
	return nil
}

// handleFormationMove moves one person by hand and shows the rescored preview.
func (s *Server) handleFormationMove(w http.ResponseWriter, r *http.Request) error {
	p, pv, err := s.findDraft(r)
	if err != nil {
		return err
	}
	back := draftPath(p.ID, pv.Draft.ID)
	to, convErr := strconv.Atoi(r.PostForm.Get("to"))
	if convErr != nil {
		s.setFlash(w, "error", "Choose a circle, or Unplaced.")
		redirect(w, r, back)
		return nil
	}
	id := r.PostForm.Get("applicant_id")
	if err := s.svc.Formations.MoveInFormation(r.Context(), pv.Draft.ID, id, to); err != nil {
		if code := roundtable.ErrorCode(err); code == roundtable.EINVALID || code == roundtable.ECONFLICT {
			s.setFlash(w, "error", roundtable.ErrorMessage(err))
			redirect(w, r, back)
			return nil
		}
		return fmt.Errorf("move in formation: %w", err)
	}
	name := "The person"
	for _, c := range pv.Circles {
		for _, m := range c.Members {
			if m.Applicant.ID == id {
				name = m.Applicant.Name
			}
		}
	}
	for _, u := range pv.Unplaced {
		if u.Applicant.ID == id {
			name = u.Applicant.Name
		}
	}
	where := "Unplaced"
	if to > 0 {
		where = "Circle " + strconv.Itoa(to)
	}
	return s.notice(w, r, back+"#circle-"+strconv.Itoa(to), name+" moved to "+where+". Scores are updated.")
}

// handleFormationPublish creates the draft's circles and invites their members.
func (s *Server) handleFormationPublish(w http.ResponseWriter, r *http.Request) error {
	p, pv, err := s.findDraft(r)
	if err != nil {
		return err
	}
	res, err := s.svc.Formations.PublishFormation(r.Context(), pv.Draft.ID)
	if err != nil {
		if code := roundtable.ErrorCode(err); code == roundtable.EINVALID || code == roundtable.ECONFLICT {
			s.setFlash(w, "error", roundtable.ErrorMessage(err))
			redirect(w, r, draftPath(p.ID, pv.Draft.ID))
			return nil
		}
		return fmt.Errorf("publish formation: %w", err)
	}
	return s.notice(w, r, "/programs/"+p.ID+"/circles",
		fmt.Sprintf("Published: %s created and %s on their way by e-mail. Name a facilitator for each circle next.",
			plural(res.Circles, "circle", "circles"), plural(res.Invitations, "invitation", "invitations")))
}

// moveView is the data of one "Move to" form.
type moveView struct {
	Base      string
	Applicant *roundtable.Applicant
	From      string // the current circle's number, "0" for Unplaced
	Targets   []option
	Ready     bool // only a ready draft can change
}

// Move returns the "Move to" form of a person now in circle from (0: unplaced).
func (p *draftPage) Move(a *roundtable.Applicant, from int) *moveView {
	return &moveView{Base: p.Base, Applicant: a, From: strconv.Itoa(from), Targets: p.Targets,
		Ready: p.Preview.Draft.Status == roundtable.FormationReady}
}
