package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/roundtable/roundtable"
)

// seatsPage is "Fill open seats": a program's circles with their sizes, the
// people waiting for a seat and, once asked for, a proposal to place them.
type seatsPage struct {
	layoutData
	Program  *roundtable.Program
	Seats    *roundtable.OpenSeats
	Form     *form // the waiting-list choice, with problems from proposing
	Proposal *roundtable.BackfillProposal
	Base     string // the page's path, for form actions
}

func seatsPath(programID string) string { return "/programs/" + programID + "/seats" }

// proposalPath is the page showing a fresh proposal for the chosen waiting-list applicants.
func proposalPath(programID string, waitlisted []string) string {
	return seatsPath(programID) + "?" + url.Values{"propose": {"1"}, "waitlisted": waitlisted}.Encode() + "#proposal"
}

// handleSeatsShow shows the open seats and, when asked (a GET form, as
// proposing changes nothing), a proposal to fill them.
func (s *Server) handleSeatsShow(w http.ResponseWriter, r *http.Request) error {
	p, err := s.findPathProgram(r)
	if err != nil {
		return err
	}
	seats, err := s.svc.Backfill.FindOpenSeats(r.Context(), p.ID)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	page := &seatsPage{
		layoutData: layoutData{Title: "Fill open seats in " + p.Name, Nav: "programs"},
		Program:    p, Seats: seats, Form: newForm(url.Values{"waitlisted": q["waitlisted"]}, "waitlisted"), Base: seatsPath(p.ID),
	}
	status := http.StatusOK
	if q.Get("propose") != "" {
		page.Proposal, err = s.svc.Backfill.ProposeBackfill(r.Context(), p.ID, q["waitlisted"])
		if page.Form.fail(err) {
			status = http.StatusUnprocessableEntity
		} else if err != nil {
			return fmt.Errorf("propose placements: %w", err)
		} else {
			page.Seats = &page.Proposal.OpenSeats
		}
	}
	s.render(w, r, status, "backfill", page)
	return nil
}

// handleSeatsPlace makes a proposal: the placements, and the moves when the
// organizer ticked them. A proposal overtaken by changes sends the organizer
// to the new one.
func (s *Server) handleSeatsPlace(w http.ResponseWriter, r *http.Request) error {
	p, err := s.findPathProgram(r)
	if err != nil {
		return err
	}
	waitlisted := r.PostForm["waitlisted"]
	req := roundtable.BackfillRequest{Waitlisted: waitlisted, Version: r.PostForm.Get("version"), Moves: r.PostForm.Get("moves") != ""}
	res, err := s.svc.Backfill.ApplyBackfill(r.Context(), p.ID, req)
	if code := roundtable.ErrorCode(err); code == roundtable.EINVALID || code == roundtable.ECONFLICT {
		s.setFlash(w, "error", roundtable.ErrorMessage(err))
		redirect(w, r, proposalPath(p.ID, waitlisted))
		return nil
	} else if err != nil {
		return err
	}
	return s.notice(w, r, "/programs/"+p.ID+"/circles", placedMessage(res))
}

// placedMessage sums up what placing did, like "Placed 3 people; 3 invitations sent."
func placedMessage(res *roundtable.BackfillResult) string {
	var b strings.Builder
	b.WriteString("Placed " + plural(res.Placed, "person", "people"))
	if res.Accepted > 0 {
		fmt.Fprintf(&b, " (%d from the waiting list)", res.Accepted)
	}
	if res.Moved > 0 {
		b.WriteString(" and moved " + plural(res.Moved, "member", "members"))
	}
	b.WriteString("; " + plural(res.Invitations, "invitation", "invitations") + " sent.")
	return b.String()
}

// Pointers to "Fill open seats" on the pages an organizer passes through.

// SeatsWaiting counts the accepted people in no circle, from the program's numbers.
func (p *programShowPage) SeatsWaiting() int {
	return max(0, p.Stats.ByStatus[roundtable.StatusAccepted]-p.Stats.PlacedMembers)
}

// ShortCircles counts the circles with members but fewer than the minimum.
func (p *programShowPage) ShortCircles() int { return shortCircles(p.Circles, p.Program.SizeMin) }

// SeatsToFill reports whether the program page points to "Fill open seats":
// circles meet, and someone waits or a circle is short.
func (p *programShowPage) SeatsToFill() bool {
	return meeting(p.Circles) && (p.SeatsWaiting() > 0 || p.ShortCircles() > 0)
}

// ShortCircles counts the circles with members but fewer than the minimum.
func (p *circlesPage) ShortCircles() int { return shortCircles(p.Circles, p.Program.SizeMin) }

// SeatsToFill reports whether the circles page points to "Fill open seats".
func (p *circlesPage) SeatsToFill() bool {
	return meeting(p.Circles) && (p.Waiting > 0 || p.ShortCircles() > 0)
}

// MemberCount counts the circle's members, facilitators aside.
func (p *rosterPage) MemberCount() int {
	n := 0
	for _, m := range p.Circle.Members {
		if m.Role == roundtable.RoleMember {
			n++
		}
	}
	return n
}

// SeatsToFill reports whether the roster points to "Fill open seats": the
// circle has members and a seat, and someone waits or it is short (after a
// member left, say).
func (p *rosterPage) SeatsToFill() bool {
	n := p.MemberCount()
	return n > 0 && n < p.Program.SizeMax && (len(p.Unplaced) > 0 || n < p.Program.SizeMin)
}

func shortCircles(circles []*roundtable.CircleSummary, least int) int {
	n := 0
	for _, c := range circles {
		if c.MemberCount > 0 && c.MemberCount < least {
			n++
		}
	}
	return n
}

// meeting reports whether some circle has members: only then are there seats to fill.
func meeting(circles []*roundtable.CircleSummary) bool {
	for _, c := range circles {
		if c.MemberCount > 0 {
			return true
		}
	}
	return false
}
