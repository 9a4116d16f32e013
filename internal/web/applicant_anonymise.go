package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/roundtable/roundtable"
)

// anonymisePage counts the applicants anonymising would clear and asks once.
type anonymisePage struct {
	layoutData
	Program *roundtable.Program
	Count   int
}

// handleAnonymiseShow shows how many applicants would be anonymised.
func (s *Server) handleAnonymiseShow(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	p, err := s.svc.Programs.FindProgramByID(r.Context(), r.PathValue("programID"))
	if err != nil {
		return err
	}
	n, err := s.svc.Anonymise.CountAnonymisable(r.Context(), p.ID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "applicant_anonymise", &anonymisePage{
		layoutData: layoutData{Title: "Anonymise declined and unplaced applicants", Nav: "programs"}, Program: p, Count: n})
	return nil
}

// handleAnonymise anonymises the program's declined and unplaced applicants.
func (s *Server) handleAnonymise(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("programID")
	n, err := s.svc.Anonymise.AnonymiseApplicants(r.Context(), id)
	if err != nil {
		if roundtable.ErrorCode(err) != roundtable.EINTERNAL {
			return err
		}
		return fmt.Errorf("anonymise applicants: %w", err)
	}
	msg := "Nobody was left to anonymise."
	switch n {
	case 0:
	case 1:
		msg = "1 applicant is anonymised."
	default:
		msg = strconv.Itoa(n) + " applicants are anonymised."
	}
	return s.notice(w, r, "/programs/"+id+"/applicants", msg)
}
