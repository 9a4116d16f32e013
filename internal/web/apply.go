package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// applyFields are the application form's fields in page order: the
// program's questions come after the level.
func applyFields(p *roundtable.Program) []string {
	out := []string{"name", "email", "title", "organization", "sector", "industry", "function", "level"}
	for _, q := range p.Questions {
		out = append(out, roundtable.AnswerField(q.Key))
	}
	return append(out, "time_zone", "slot", "availability", "goals", "topics", "avoid")
}

// noTimeMessage is the grid's error when no weekly time is given at all.
const noTimeMessage = "Tick at least one weekly time when you could meet, or write one under Other times."

// gridBlock is one row of the availability grid: a block of hours.
type gridBlock struct {
	Label string // "09:00–12:00"
	From  string // "09:00"
	To    string // "12:00"
}

// gridBlocks are the blocks of the weekly availability grid.
var gridBlocks = []gridBlock{
	{"07:00–09:00", "07:00", "09:00"},
	{"09:00–12:00", "09:00", "12:00"},
	{"12:00–14:00", "12:00", "14:00"},
	{"14:00–17:00", "14:00", "17:00"},
	{"17:00–20:00", "17:00", "20:00"},
}

// gridDays are the grid's columns, Monday first.
var gridDays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// gridCell is one checkbox of the grid; Value is a window like "Mon 09:00-12:00".
type gridCell struct {
	Value string
	Label string // for screen readers: "Monday 09:00–12:00"
}

// gridRow is one block across the week.
type gridRow struct {
	Block gridBlock
	Cells []gridCell
}

// availabilityGrid builds the grid's rows.
func availabilityGrid() []gridRow {
	var rows []gridRow
	for _, b := range gridBlocks {
		row := gridRow{Block: b}
		for _, d := range gridDays {
			row.Cells = append(row.Cells, gridCell{
				Value: d.String()[:3] + " " + b.From + "-" + b.To,
				Label: d.String() + " " + b.Label,
			})
		}
		rows = append(rows, row)
	}
	return rows
}

// validGridValue reports whether v is one of the grid's windows.
func validGridValue(v string) bool {
	for _, row := range availabilityGrid() {
		for _, c := range row.Cells {
			if c.Value == v {
				return true
			}
		}
	}
	return false
}

// applyPage is the public application form.
type applyPage struct {
	layoutData
	Program   *roundtable.Program
	Form      *form
	Questions []*answerView
	Grid      []gridRow
	Days      []string
	Fresh     bool // first view: JavaScript may preset the browser's time zone
}

func (s *Server) renderApply(w http.ResponseWriter, r *http.Request, status int, p *roundtable.Program, f *form, fresh bool) {
	days := make([]string, len(gridDays))
	for i, d := range gridDays {
		days[i] = d.String()
	}
	s.render(w, r, status, "apply", &applyPage{
		layoutData: layoutData{Title: "Apply to " + p.Name, Description: applyDescription(p)},
		Program:    p, Form: f, Questions: answerViews(f, p), Grid: availabilityGrid(), Days: days, Fresh: fresh,
	})
}

// applyDescription summarizes the program for search engines and shared
// links: its purpose when it has one, shortened at a word.
func applyDescription(p *roundtable.Program) string {
	d := strings.Join(strings.Fields(p.Purpose), " ")
	if d == "" {
		return "Apply to " + p.Name + ", a program of peer learning circles for leaders."
	}
	if r := []rune(d); len(r) > 160 {
		cut := string(r[:157])
		if i := strings.LastIndexByte(cut, ' '); i > 80 {
			cut = cut[:i]
		}
		d = cut + "…"
	}
	return d
}

// handleApplyShow shows a program's public application form. No sign-in.
func (s *Server) handleApplyShow(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.Programs.FindOpenProgram(r.Context(), r.PathValue("programID"))
	if err != nil {
		return err
	}
	s.renderApply(w, r, http.StatusOK, p, newForm(url.Values{"time_zone": {p.TimeZone}}, applyFields(p)...), true)
	return nil
}

// handleApplyCreate submits an application.
func (s *Server) handleApplyCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.Programs.FindOpenProgram(r.Context(), r.PathValue("programID"))
	if err != nil {
		return err
	}
	f := newForm(r.PostForm, applyFields(p)...)
	a := &roundtable.Applicant{
		ProgramID: p.ID, Name: f.text("name"), Email: f.text("email"), Title: f.text("title"),
		Organization: f.text("organization"), Sector: f.text("sector"), Industry: f.text("industry"),
		Function: f.text("function"), TimeZone: f.text("time_zone"), Goals: f.text("goals"),
		Topics: f.text("topics"), Avoid: f.text("avoid"), Answers: answersFromForm(f, p),
	}
	if n, err := strconv.Atoi(f.text("level")); err == nil {
		a.Level = roundtable.Level(n)
	}
	// The grid and the free text together make the week.
	var windows []string
	for _, v := range f.Values["slot"] {
		if !validGridValue(v) {
			f.add("slot", "Choose times from the grid.")
			break
		}
		windows = append(windows, v)
	}
	if extra := f.text("availability"); extra != "" {
		windows = append(windows, extra)
	}
	a.Availability = strings.Join(windows, "\n")
	f.mergeProblems(a.ValidateFor(p))
	// With the optional box empty, a missing week is the grid's to fix: the
	// message and the summary's link go to the grid, and the box stays as
	// it was, optional and not in error.
	if _, none := f.Errors["availability"]; none && f.text("availability") == "" {
		delete(f.Errors, "availability")
		f.add("slot", noTimeMessage)
	}
	if !f.Invalid() {
		err = s.svc.Applicants.Apply(r.Context(), a)
	}
	if roundtable.ErrorCode(err) == roundtable.ECONFLICT && len(roundtable.ErrorFields(err)) == 0 {
		f.add("email", "This e-mail address has applied to this program already. If that was not you, or you want to change your application, write to the organizers.")
	}
	if f.Invalid() || f.fail(err) {
		f.finish("")
		s.renderApply(w, r, http.StatusUnprocessableEntity, p, f, false)
		return nil
	} else if err != nil {
		return fmt.Errorf("apply: %w", err)
	}
	redirect(w, r, "/apply/"+p.ID+"/thanks")
	return nil
}

// applyThanksPage thanks an applicant.
type applyThanksPage struct {
	layoutData
	Program *roundtable.Program
}

// handleApplyThanks thanks the applicant and says what happens next.
func (s *Server) handleApplyThanks(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.Programs.FindOpenProgram(r.Context(), r.PathValue("programID"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "apply_thanks", &applyThanksPage{layoutData: layoutData{Title: "Thank you for applying"}, Program: p})
	return nil
}
