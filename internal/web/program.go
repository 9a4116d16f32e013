package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// programFields are the program form's fields in page order, the
// questions' rows after the ground rules.
var programFields = func() []string {
	out := []string{"name", "purpose", "start_date", "end_date", "cadence", "session_minutes", "default_format",
		"size_min", "size_target", "size_max", "time_zone", "ground_rules", "checkin_every", "anonymise_after_days"}
	for i := 1; i <= roundtable.MaxQuestions; i++ {
		for _, part := range questionParts {
			out = append(out, roundtable.QuestionField(i, part))
		}
	}
	return append(out, "questions", "applications_open")
}()

// programsPage lists the programs I organize.
type programsPage struct {
	layoutData
	Programs []*roundtable.Program
}

// handleProgramIndex lists the programs the signed-in organizer runs.
func (s *Server) handleProgramIndex(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireOrganizer(r); err != nil {
		return err
	}
	programs, err := s.svc.Programs.ListPrograms(r.Context())
	if err != nil {
		return fmt.Errorf("list programs: %w", err)
	}
	s.render(w, r, http.StatusOK, "programs", &programsPage{layoutData: layoutData{Title: "Programs", Nav: "programs"}, Programs: programs})
	return nil
}

// programFormPage is the form to create or edit a program.
type programFormPage struct {
	layoutData
	Form      *form
	Program   *roundtable.Program // nil when creating
	Action    string
	Questions []*questionRow
}

// programValues fills a form from a program.
func programValues(p *roundtable.Program) url.Values {
	v := url.Values{
		"name": {p.Name}, "purpose": {p.Purpose}, "cadence": {string(p.Cadence)},
		"session_minutes": {strconv.Itoa(p.SessionMinutes)}, "size_min": {strconv.Itoa(p.SizeMin)},
		"size_target": {strconv.Itoa(p.SizeTarget)}, "size_max": {strconv.Itoa(p.SizeMax)},
		"time_zone": {p.TimeZone}, "ground_rules": {p.GroundRules}, "default_format": {p.DefaultFormat},
		"anonymise_after_days": {strconv.Itoa(cmp.Or(p.AnonymiseAfterDays, roundtable.DefaultAnonymiseAfterDays))},
		"checkin_every":        {string(cmp.Or(p.CheckInEvery, roundtable.DefaultCheckInCadence))},
	}
	if !p.StartDate.IsZero() {
		v.Set("start_date", p.StartDate.Format(roundtable.DateLayout))
	}
	if !p.EndDate.IsZero() {
		v.Set("end_date", p.EndDate.Format(roundtable.DateLayout))
	}
	if p.ApplicationsOpen {
		v.Set("applications_open", "on")
	}
	for i, q := range p.Questions {
		setQuestionValues(v, i+1, q.Key, q.Label, strings.Join(q.Choices, "\n"), q.Required, q.NeverAlone)
	}
	return v
}

// programFromForm reads a program's fields, recording what cannot be read.
func programFromForm(f *form, p *roundtable.Program) {
	p.Name = f.text("name")
	p.Purpose = f.text("purpose")
	p.StartDate = dateField(f, "start_date", "Enter the start date like 2026-03-01.")
	p.EndDate = dateField(f, "end_date", "Enter the end date like 2026-12-31.")
	p.Cadence = roundtable.Cadence(f.text("cadence"))
	p.SessionMinutes = f.intField("session_minutes", "Enter the session length in minutes, like 90.")
	p.DefaultFormat = f.text("default_format")
	p.SizeMin = f.intField("size_min", "Enter a number, like 6.")
	p.SizeTarget = f.intField("size_target", "Enter a number, like 7.")
	p.SizeMax = f.intField("size_max", "Enter a number, like 8.")
	p.TimeZone = f.text("time_zone")
	p.GroundRules = f.text("ground_rules")
	p.AnonymiseAfterDays = anonymiseDays(f)
	p.CheckInEvery = roundtable.CheckInCadence(f.text("checkin_every"))
	p.ApplicationsOpen = f.checked("applications_open")
	p.Questions = questionsFromForm(f)
}

// anonymiseDays reads the days after the start when declined and unplaced
// applicants are anonymised: left out (a form from an older page), the
// default; not a number, a field error; zero or less, a value Validate
// refuses with its own message.
func anonymiseDays(f *form) int {
	if _, sent := f.Values["anonymise_after_days"]; !sent {
		return 0
	}
	n := f.intField("anonymise_after_days", "Enter a number of days, like 90.")
	if _, bad := f.Errors["anonymise_after_days"]; n < 1 && !bad {
		return -1
	}
	return n
}

// unreadableSizes drops the usual-size message that follows from a smallest
// or largest size that was not a number: only the real mistake is shown.
func unreadableSizes(f *form) {
	notNumber := func(k string) bool { _, err := strconv.Atoi(f.text(k)); return err != nil }
	if (notNumber("size_min") || notNumber("size_max")) && !notNumber("size_target") {
		delete(f.Errors, "size_target")
	}
}

// dateField reads a YYYY-MM-DD date (what date inputs send).
func dateField(f *form, name, msg string) time.Time {
	v := f.text(name)
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(roundtable.DateLayout, v)
	if err != nil {
		f.add(name, msg)
		return time.Time{}
	}
	return t
}

// handleProgramNew shows the form for a new program, filled with sensible defaults.
func (s *Server) handleProgramNew(w http.ResponseWriter, r *http.Request) error {
	u, err := requireOrganizer(r)
	if err != nil {
		return err
	}
	start := s.today(u.Location()).AddDate(0, 0, 28)
	p := &roundtable.Program{
		StartDate: start, EndDate: start.AddDate(0, 6, -1),
		Cadence: roundtable.Monthly, SessionMinutes: 90, SizeMin: 6, SizeTarget: 7, SizeMax: 8,
		TimeZone: u.TimeZone, GroundRules: roundtable.DefaultGroundRules, ApplicationsOpen: true,
		DefaultFormat: roundtable.DefaultFormatKey,
	}
	if p.TimeZone == "" {
		p.TimeZone = "UTC"
	}
	s.renderProgramForm(w, r, http.StatusOK, newForm(programValues(p), programFields...), nil)
	return nil
}

func (s *Server) renderProgramForm(w http.ResponseWriter, r *http.Request, status int, f *form, p *roundtable.Program) {
	data := &programFormPage{layoutData: layoutData{Title: "Create a program", Nav: "programs"}, Form: f, Program: p,
		Action: "/programs/new", Questions: questionRows(f)}
	if p != nil {
		data.Title = "Edit " + p.Name
		data.Action = "/programs/" + p.ID + "/edit"
	}
	s.render(w, r, status, "program_form", data)
}

// handleProgramCreate creates a program.
func (s *Server) handleProgramCreate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireOrganizer(r); err != nil {
		return err
	}
	f := newForm(r.PostForm, programFields...)
	p := &roundtable.Program{}
	programFromForm(f, p)
	f.mergeProblems(p.Validate())
	unreadableSizes(f)
	var err error
	if !f.Invalid() {
		err = s.svc.Programs.CreateProgram(r.Context(), p)
	}
	if f.Invalid() || f.fail(err) {
		f.finish("")
		s.renderProgramForm(w, r, http.StatusUnprocessableEntity, f, nil)
		return nil
	} else if err != nil {
		return fmt.Errorf("create program: %w", err)
	}
	return s.notice(w, r, "/programs/"+p.ID, "Program created. Share the application link below when you are ready.")
}

// programShowPage is an organizer's view of a program: numbers, never content.
type programShowPage struct {
	layoutData
	Program  *roundtable.Program
	Stats    *roundtable.ProgramStats
	Statuses []statusCount
	Circles  []*roundtable.CircleSummary
	// CircleLines are the circles as the page lists them, in plain fields:
	// a CircleSummary embeds its Circle, whose fields the template would
	// find by a reflective search for every circle.
	CircleLines []circleLine
	ApplyLink   string
	Todo        *todoView
}

// circleLine is one circle in the program page's list.
type circleLine struct {
	ID, Name, FacilitatorName string
	MemberCount               int
}

// statusCount is how many applicants of a program have one status.
type statusCount struct {
	Status roundtable.ApplicantStatus
	Label  string
	Count  int
}

// handleProgramShow shows a program's numbers and next steps.
func (s *Server) handleProgramShow(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, err := requireUser(r); err != nil {
		return err
	}
	// One read gives the program, its counts, circles and to-do card.
	pp, err := s.svc.Programs.FindProgramPage(ctx, r.PathValue("programID"))
	if err != nil {
		return err
	}
	p, stats := pp.Program, pp.Stats
	if stats.ByStatus == nil {
		stats.ByStatus = map[roundtable.ApplicantStatus]int{}
	}
	page := &programShowPage{
		layoutData: layoutData{Title: p.Name, Nav: "programs"},
		Program:    p, Stats: stats, Circles: pp.Circles,
		ApplyLink: s.absURL("/apply/" + p.ID),
		Todo:      newTodoView(p, pp.Todo, currentUser(r).Location()),
	}
	for _, c := range pp.Circles {
		page.CircleLines = append(page.CircleLines, circleLine{ID: c.ID, Name: c.Name, FacilitatorName: c.FacilitatorName, MemberCount: c.MemberCount})
	}
	for _, st := range roundtable.ApplicantStatuses {
		page.Statuses = append(page.Statuses, statusCount{Status: st, Label: st.Label(), Count: stats.ByStatus[st]})
	}
	// The card below the circles already points to open seats.
	page.Todo.ShowUnplaced = !page.SeatsToFill()
	s.render(w, r, http.StatusOK, "program_show", page)
	return nil
}

// absURL returns a full link to a path on this site.
func (s *Server) absURL(path string) string {
	if s.cfg.BaseURL == "" {
		return "http://localhost:8080" + path
	}
	return s.cfg.BaseURL + path
}

// handleProgramEdit shows the program's form.
func (s *Server) handleProgramEdit(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	p, err := s.svc.Programs.FindProgramByID(r.Context(), r.PathValue("programID"))
	if err != nil {
		return err
	}
	s.renderProgramForm(w, r, http.StatusOK, newForm(programValues(p), programFields...), p)
	return nil
}

// handleProgramUpdate saves the program's fields.
func (s *Server) handleProgramUpdate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	p, err := s.svc.Programs.FindProgramByID(r.Context(), r.PathValue("programID"))
	if err != nil {
		return err
	}
	orig := *p // the page keeps the saved name while the form is wrong
	f := newForm(r.PostForm, programFields...)
	programFromForm(f, p)
	f.mergeProblems(p.Validate())
	unreadableSizes(f)
	if !f.Invalid() {
		err = s.svc.Programs.UpdateProgram(r.Context(), p)
	}
	if f.Invalid() || f.fail(err) {
		f.finish("")
		s.renderProgramForm(w, r, http.StatusUnprocessableEntity, f, &orig)
		return nil
	} else if err != nil {
		return fmt.Errorf("update program: %w", err)
	}
	return s.notice(w, r, "/programs/"+p.ID, "Program saved.")
}
