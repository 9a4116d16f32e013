package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/roundtable/roundtable"
)

// circlesPage lists a program's circles and offers a form for a new one.
type circlesPage struct {
	layoutData
	Program *roundtable.Program
	Circles []*roundtable.CircleSummary
	Form    *form
	Drafts  []*roundtable.FormationDraft // proposals of circle formation, newest first
	Waiting int                          // accepted people in no circle, for "Fill open seats"
}

func (s *Server) renderCircles(w http.ResponseWriter, r *http.Request, status int, p *roundtable.Program, f *form) error {
	circles, err := s.svc.Circles.ListCircles(r.Context(), p.ID)
	if err != nil {
		return fmt.Errorf("list circles: %w", err)
	}
	drafts, err := s.svc.Formations.ListFormationDrafts(r.Context(), p.ID)
	if err != nil {
		return fmt.Errorf("list drafts: %w", err)
	}
	if len(drafts) > 5 {
		drafts = drafts[:5]
	}
	waiting, err := s.svc.Applicants.ListApplicants(r.Context(), p.ID, roundtable.ApplicantFilter{Status: roundtable.StatusAccepted, Placed: ptr(false)})
	if err != nil {
		return fmt.Errorf("list unplaced applicants: %w", err)
	}
	s.render(w, r, status, "circles", &circlesPage{
		layoutData: layoutData{Title: "Circles of " + p.Name, Nav: "programs"},
		Program:    p, Circles: circles, Form: f, Drafts: drafts, Waiting: len(waiting),
	})
	return nil
}

// handleCircleIndex lists a program's circles for its organizers.
func (s *Server) handleCircleIndex(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	p, err := s.svc.Programs.FindProgramByID(r.Context(), r.PathValue("programID"))
	if err != nil {
		return err
	}
	return s.renderCircles(w, r, http.StatusOK, p, newForm(url.Values{"time_zone": {p.TimeZone}}, "name", "time_zone"))
}

// handleCircleCreate creates a circle in a program.
func (s *Server) handleCircleCreate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	p, err := s.svc.Programs.FindProgramByID(r.Context(), r.PathValue("programID"))
	if err != nil {
		return err
	}
	f := newForm(r.PostForm, "name", "time_zone")
	c := &roundtable.Circle{ProgramID: p.ID, Name: f.text("name"), TimeZone: f.text("time_zone")}
	f.mergeProblems(c.Validate())
	if !f.Invalid() {
		err = s.svc.Circles.CreateCircle(r.Context(), c)
	}
	if f.Invalid() || f.fail(err) {
		f.finish("")
		return s.renderCircles(w, r, http.StatusUnprocessableEntity, p, f)
	} else if err != nil {
		return fmt.Errorf("create circle: %w", err)
	}
	return s.notice(w, r, "/programs/"+p.ID+"/circles/"+c.ID, "Circle created. Now place accepted applicants in it and name its facilitator.")
}

// rosterPage is an organizer's view of one circle: who is in it, never what
// they share.
type rosterPage struct {
	layoutData
	Program     *roundtable.Program
	Circle      *roundtable.Circle
	Unplaced    []*roundtable.Applicant
	PlaceForm   *form
	FacilForm   *form
	Facilitator *roundtable.CircleMember
	Base        string // the roster's path, for form actions
}

// findProgramCircle returns the program and one of its circles' rosters.
func (s *Server) findProgramCircle(r *http.Request) (*roundtable.Program, *roundtable.Circle, error) {
	if _, err := requireUser(r); err != nil {
		return nil, nil, err
	}
	p, err := s.svc.Programs.FindProgramByID(r.Context(), r.PathValue("programID"))
	if err != nil {
		return nil, nil, err
	}
	c, err := s.svc.Circles.FindCircleRoster(r.Context(), r.PathValue("circleID"))
	if err != nil {
		return nil, nil, err
	}
	if c.ProgramID != p.ID {
		return nil, nil, roundtable.Errorf(roundtable.ENOTFOUND, "Circle not found.")
	}
	return p, c, nil
}

func (s *Server) renderRoster(w http.ResponseWriter, r *http.Request, status int, p *roundtable.Program, c *roundtable.Circle, pf, ff *form) error {
	unplaced, err := s.svc.Applicants.ListApplicants(r.Context(), p.ID, roundtable.ApplicantFilter{Status: roundtable.StatusAccepted, Placed: ptr(false)})
	if err != nil {
		return fmt.Errorf("list unplaced applicants: %w", err)
	}
	s.render(w, r, status, "circle_roster", &rosterPage{
		layoutData: layoutData{Title: c.Name, Nav: "programs"},
		Program:    p, Circle: c, Unplaced: unplaced, PlaceForm: pf, FacilForm: ff,
		Facilitator: c.Facilitator(), Base: "/programs/" + p.ID + "/circles/" + c.ID,
	})
	return nil
}

// handleCircleRoster shows a circle's roster with forms to place people.
func (s *Server) handleCircleRoster(w http.ResponseWriter, r *http.Request) error {
	p, c, err := s.findProgramCircle(r)
	if err != nil {
		return err
	}
	return s.renderRoster(w, r, http.StatusOK, p, c, newForm(nil, "applicant_id"), newForm(nil, "facilitator_email", "facilitator_name"))
}

// handleCirclePlace places an accepted applicant in the circle.
func (s *Server) handleCirclePlace(w http.ResponseWriter, r *http.Request) error {
	p, c, err := s.findProgramCircle(r)
	if err != nil {
		return err
	}
	pf := newForm(r.PostForm, "applicant_id")
	id := pf.text("applicant_id")
	if id == "" {
		pf.add("applicant_id", "Choose a person to place.")
	} else {
		err = s.svc.Circles.PlaceApplicant(r.Context(), c.ID, id)
		if roundtable.ErrorCode(err) == roundtable.ENOTFOUND {
			// The applicant is unknown here; the circle was found above.
			pf.add("applicant_id", "Choose a person from the list.")
			err = nil
		}
		if code := roundtable.ErrorCode(err); (code == roundtable.EINVALID || code == roundtable.ECONFLICT) && len(roundtable.ErrorFields(err)) == 0 {
			pf.add("applicant_id", roundtable.ErrorMessage(err))
		}
	}
	if pf.Invalid() || pf.fail(err) {
		pf.finish("")
		return s.renderRoster(w, r, http.StatusUnprocessableEntity, p, c, pf, newForm(nil, "facilitator_email", "facilitator_name"))
	} else if err != nil {
		return fmt.Errorf("place applicant: %w", err)
	}
	return s.notice(w, r, "/programs/"+p.ID+"/circles/"+c.ID, "Placed in "+c.Name+". An invitation is on its way by e-mail.")
}

// handleCircleFacilitator names the circle's facilitator.
func (s *Server) handleCircleFacilitator(w http.ResponseWriter, r *http.Request) error {
	p, c, err := s.findProgramCircle(r)
	if err != nil {
		return err
	}
	ff := newForm(r.PostForm, "facilitator_email", "facilitator_name")
	email, name := ff.text("facilitator_email"), ff.text("facilitator_name")
	if msg := roundtable.ValidateEmail(email); msg != "" {
		ff.add("facilitator_email", msg)
	}
	if len([]rune(name)) > roundtable.MaxNameLength {
		ff.add("facilitator_name", "Use at most 120 characters.")
	}
	if !ff.Invalid() {
		err = s.svc.Circles.SetFacilitator(r.Context(), c.ID, email, name)
	}
	if code := roundtable.ErrorCode(err); code == roundtable.EINVALID || code == roundtable.ECONFLICT {
		// The service names fields email and name; the page prefixes them.
		for k, v := range roundtable.ErrorFields(err) {
			ff.add("facilitator_"+k, v)
		}
		if len(roundtable.ErrorFields(err)) == 0 {
			ff.add("facilitator_email", roundtable.ErrorMessage(err))
		}
	} else if err != nil {
		return fmt.Errorf("set facilitator: %w", err)
	}
	if ff.Invalid() {
		ff.finish("")
		return s.renderRoster(w, r, http.StatusUnprocessableEntity, p, c, newForm(nil, "applicant_id"), ff)
	}
	return s.notice(w, r, "/programs/"+p.ID+"/circles/"+c.ID, "Facilitator named. An invitation is on its way to "+roundtable.NormalizeEmail(email)+".")
}

// handleCircleRemove takes a member out of the circle.
func (s *Server) handleCircleRemove(w http.ResponseWriter, r *http.Request) error {
	p, c, err := s.findProgramCircle(r)
	if err != nil {
		return err
	}
	back := "/programs/" + p.ID + "/circles/" + c.ID
	userID := r.PostForm.Get("user_id")
	var name string
	for _, m := range c.Members {
		if m.UserID == userID {
			name = m.Name
		}
	}
	if name == "" {
		s.setFlash(w, "error", "That person is not in this circle any more.")
		redirect(w, r, back)
		return nil
	}
	if err := s.svc.Circles.RemoveMember(r.Context(), c.ID, userID); err != nil {
		if code := roundtable.ErrorCode(err); code == roundtable.EINVALID || code == roundtable.ECONFLICT {
			s.setFlash(w, "error", roundtable.ErrorMessage(err))
			redirect(w, r, back)
			return nil
		}
		return fmt.Errorf("remove member: %w", err)
	}
	return s.notice(w, r, back, name+" is no longer in "+c.Name+".")
}
