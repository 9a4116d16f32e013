package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/roundtable/roundtable"
)

// applicantsPage lists a program's applicants with filters, and lets the
// organizer choose some and decide on them at once.
type applicantsPage struct {
	layoutData
	Program     *roundtable.Program
	Applicants  []*roundtable.Applicant
	CircleNames map[string]string
	Filter      *form
	Statuses    []roundtable.ApplicantStatus
	Filtered    bool
	Query       string          // the filter as a query string; "" for none
	ListURL     string          // the list with this filter
	Picked      map[string]bool // the applicants chosen
	AllPicked   bool
	Decide      *form // the choice's problems
	Decisions   []roundtable.ApplicantStatus
}

// applicantFilter reads the list's filter from a query, ignoring what it
// cannot read, and returns the form to show and the filter's query string.
func applicantFilter(q url.Values) (*form, roundtable.ApplicantFilter, string) {
	filter := newForm(q, "status", "sector", "level", "q", "placed")
	var af roundtable.ApplicantFilter
	canon := url.Values{}
	if st := roundtable.ApplicantStatus(q.Get("status")); st.Valid() {
		af.Status = st
		canon.Set("status", string(st))
	}
	for _, sec := range roundtable.Sectors {
		if q.Get("sector") == sec {
			af.Sector = sec
			canon.Set("sector", sec)
		}
	}
	if n, err := strconv.Atoi(q.Get("level")); err == nil && roundtable.Level(n).Valid() {
		af.Level = roundtable.Level(n)
		canon.Set("level", strconv.Itoa(n))
	}
	if text := filter.text("q"); text != "" && len(text) <= 200 {
		af.Query = text
		canon.Set("q", text)
	}
	switch q.Get("placed") {
	case "yes":
		af.Placed = ptr(true)
		canon.Set("placed", "yes")
	case "no":
		af.Placed = ptr(false)
		canon.Set("placed", "no")
	}
	return filter, af, canon.Encode()
}

// handleApplicantIndex lists and filters a program's applicants; ?pick=all
// chooses every one shown (the page's way to choose all without JavaScript).
func (s *Server) handleApplicantIndex(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	p, err := s.svc.Programs.FindProgramByID(r.Context(), r.PathValue("programID"))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	return s.renderApplicants(w, r, http.StatusOK, p, q, nil, q.Get("pick") == "all", newForm(nil, "ids", "status"))
}

// renderApplicants shows the list filtered by q, with picked (or every
// applicant shown, when all is set) chosen and the choice's problems.
func (s *Server) renderApplicants(w http.ResponseWriter, r *http.Request, status int, p *roundtable.Program, q url.Values, picked []string, all bool, decide *form) error {
	ctx := r.Context()
	filter, af, query := applicantFilter(q)
	list, err := s.svc.Applicants.ListApplicants(ctx, p.ID, af)
	if err != nil {
		return fmt.Errorf("list applicants: %w", err)
	}
	circles, err := s.svc.Circles.ListCircles(ctx, p.ID)
	if err != nil {
		return fmt.Errorf("list circles: %w", err)
	}
	names := map[string]string{}
	for _, c := range circles {
		names[c.ID] = c.Name
	}
	chosen := map[string]bool{}
	for _, id := range picked {
		chosen[id] = true
	}
	if all {
		for _, a := range list {
			chosen[a.ID] = true
		}
	}
	s.render(w, r, status, "applicants", &applicantsPage{
		layoutData: layoutData{Title: "Applicants to " + p.Name, Nav: "programs"},
		Program:    p, Applicants: list, CircleNames: names, Filter: filter, Statuses: roundtable.ApplicantStatuses,
		Filtered: af != (roundtable.ApplicantFilter{}), Query: query, ListURL: applicantsURL(p.ID, query),
		Picked: chosen, AllPicked: all && len(list) > 0, Decide: decide, Decisions: roundtable.Decisions,
	})
	return nil
}

// applicantsURL is the address of a program's applicants filtered by query.
func applicantsURL(programID, query string) string {
	if query == "" {
		return "/programs/" + programID + "/applicants"
	}
	return "/programs/" + programID + "/applicants?" + query
}

// PickAllURL is the list with every applicant shown chosen.
func (p *applicantsPage) PickAllURL() string {
	if p.Query == "" {
		return p.ListURL + "?pick=all#decide"
	}
	return p.ListURL + "&pick=all#decide"
}

func ptr[T any](v T) *T { return &v }

// applicantPage shows one application in full.
type applicantPage struct {
	layoutData
	Program    *roundtable.Program
	Applicant  *roundtable.Applicant
	CircleName string
	Statuses   []roundtable.ApplicantStatus
}

// findProgramApplicant returns the program and one of its applicants, or
// ENOTFOUND when the applicant belongs elsewhere.
func (s *Server) findProgramApplicant(r *http.Request) (*roundtable.Program, *roundtable.Applicant, error) {
	if _, err := requireUser(r); err != nil {
		return nil, nil, err
	}
	p, err := s.svc.Programs.FindProgramByID(r.Context(), r.PathValue("programID"))
	if err != nil {
		return nil, nil, err
	}
	a, err := s.svc.Applicants.FindApplicantByID(r.Context(), r.PathValue("applicantID"))
	if err != nil {
		return nil, nil, err
	}
	if a.ProgramID != p.ID {
		return nil, nil, roundtable.Errorf(roundtable.ENOTFOUND, "Applicant not found.")
	}
	return p, a, nil
}

// handleApplicantShow shows an application with buttons to decide on it.
func (s *Server) handleApplicantShow(w http.ResponseWriter, r *http.Request) error {
	p, a, err := s.findProgramApplicant(r)
	if err != nil {
		return err
	}
	data := &applicantPage{
		layoutData: layoutData{Title: a.Name, Nav: "programs"},
		Program:    p, Applicant: a, Statuses: roundtable.ApplicantStatuses,
	}
	if a.CircleID != "" {
		if c, err := s.svc.Circles.FindCircleRoster(r.Context(), a.CircleID); err == nil {
			data.CircleName = c.Name
		} else if roundtable.ErrorCode(err) != roundtable.ENOTFOUND {
			return fmt.Errorf("find circle: %w", err)
		}
	}
	s.render(w, r, http.StatusOK, "applicant_show", data)
	return nil
}

// handleApplicantStatus accepts, waitlists or declines an applicant.
func (s *Server) handleApplicantStatus(w http.ResponseWriter, r *http.Request) error {
	p, a, err := s.findProgramApplicant(r)
	if err != nil {
		return err
	}
	back := "/programs/" + p.ID + "/applicants/" + a.ID
	st := roundtable.ApplicantStatus(r.PostForm.Get("status"))
	if !st.Valid() {
		return roundtable.Errorf(roundtable.EINVALID, "Choose Accept, Waitlist or Decline.")
	}
	err = s.svc.Applicants.SetApplicantStatus(r.Context(), a.ID, st)
	switch roundtable.ErrorCode(err) {
	case "":
	case roundtable.EINVALID, roundtable.ECONFLICT:
		s.setFlash(w, "error", roundtable.ErrorMessage(err))
		redirect(w, r, back)
		return nil
	default:
		return fmt.Errorf("set applicant status: %w", err)
	}
	return s.notice(w, r, back, a.Name+" is now "+statusWord(st)+".")
}

// statusWord describes a status in a sentence.
func statusWord(st roundtable.ApplicantStatus) string {
	switch st {
	case roundtable.StatusAccepted:
		return "accepted"
	case roundtable.StatusWaitlisted:
		return "on the waiting list"
	case roundtable.StatusDeclined:
		return "declined"
	}
	return "waiting for a decision"
}

// importPage is the CSV import form and its outcome.
type importPage struct {
	layoutData
	Program *roundtable.Program
	Form    *form
	Lines   []roundtable.LineError
	Header  string
}

// csvHeader is the header an import file starts with.
const csvHeader = roundtable.ApplicantsCSVHeader

func (s *Server) renderImport(w http.ResponseWriter, r *http.Request, status int, p *roundtable.Program, f *form, lines []roundtable.LineError) {
	s.render(w, r, status, "applicant_import", &importPage{
		layoutData: layoutData{Title: "Import applicants", Nav: "programs"},
		Program:    p, Form: f, Lines: lines, Header: csvHeader,
	})
}

// handleApplicantImportShow shows the upload form and the expected header.
func (s *Server) handleApplicantImportShow(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	p, err := s.svc.Programs.FindProgramByID(r.Context(), r.PathValue("programID"))
	if err != nil {
		return err
	}
	s.renderImport(w, r, http.StatusOK, p, newForm(nil, "file"), nil)
	return nil
}

// handleApplicantImport imports every row of a CSV file, or none.
func (s *Server) handleApplicantImport(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	p, err := s.svc.Programs.FindProgramByID(r.Context(), r.PathValue("programID"))
	if err != nil {
		return err
	}
	f := newForm(url.Values{}, "file")
	file, hdr, err := r.FormFile("file")
	if err != nil || hdr.Size == 0 {
		f.add("file", "Choose a CSV file to import.")
		f.finish("")
		s.renderImport(w, r, http.StatusUnprocessableEntity, p, f, nil)
		return nil
	}
	defer file.Close()
	n, err := s.svc.Applicants.ImportApplicants(r.Context(), p.ID, file)
	var ie *roundtable.ImportError
	switch {
	case errors.As(err, &ie):
		f.add("file", "Nothing was imported: "+plural(len(ie.Lines), "line needs", "lines need")+" fixing.")
		f.finish("Nothing was imported. Fix the lines below and upload the file again.")
		s.renderImport(w, r, http.StatusUnprocessableEntity, p, f, ie.Lines)
		return nil
	case roundtable.ErrorCode(err) == roundtable.EINVALID:
		f.add("file", roundtable.ErrorMessage(err))
		f.finish("Nothing was imported.")
		s.renderImport(w, r, http.StatusUnprocessableEntity, p, f, nil)
		return nil
	case err != nil:
		return fmt.Errorf("import applicants: %w", err)
	}
	return s.notice(w, r, "/programs/"+p.ID+"/applicants", "Imported "+plural(n, "applicant", "applicants")+".")
}
