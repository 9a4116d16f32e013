package web

import (
	"net/http"
	"time"

	"github.com/roundtable/roundtable"
)

// commitmentsPage is "My commitments": what she said she would do, across
// her circles, to update between meetings.
type commitmentsPage struct {
	layoutData
	Open, Done, Dropped []*commitmentCard
	// Failed is the commitment whose update was refused, with the values
	// she sent and the problems; nil otherwise.
	Failed *commitmentCard
}

// commitmentCard is one commitment on the page, in the reader's zone.
type commitmentCard struct {
	ID, Text, Circle string
	Made, Due        string // like "3 December 2026"
	AtMeeting        bool   // due at the circle's next meeting
	Status           roundtable.ActionStatus
	Note             string // her latest word
	Noted            string // when she gave it between meetings, "" if at a follow-up or never
	Closed           string // when it was done or dropped
	// Form values and problems after a refused update.
	FormStatus, FormNote string
	Errors               map[string]string
}

// StatusIs reports whether the form shows status as chosen.
func (c *commitmentCard) StatusIs(s string) bool {
	if c.FormStatus != "" {
		return c.FormStatus == s
	}
	return string(c.Status) == s
}

// NoteValue is the note the form shows.
func (c *commitmentCard) NoteValue() string {
	if c.Errors != nil {
		return c.FormNote
	}
	return c.Note
}

func newCommitmentCard(it *roundtable.Commitment, loc *time.Location) *commitmentCard {
	const day = "2 January 2006"
	c := &commitmentCard{ID: it.ID, Text: it.Text, Circle: it.CircleName, Made: it.MadeAt.In(loc).Format(day),
		Due: it.DueAt.In(loc).Format(day), AtMeeting: it.DueMeetingID != "", Status: it.Status, Note: it.Report}
	if it.NotedAt != nil {
		c.Noted = it.NotedAt.In(loc).Format(day)
	}
	if it.ClosedAt != nil {
		c.Closed = it.ClosedAt.In(loc).Format(day)
	}
	return c
}

// handleCommitments shows the signed-in member's commitments.
func (s *Server) handleCommitments(w http.ResponseWriter, r *http.Request) error {
	return s.renderCommitments(w, r, http.StatusOK, nil)
}

// renderCommitments draws the page; failed, when set, is a refused update
// shown with its problems.
func (s *Server) renderCommitments(w http.ResponseWriter, r *http.Request, status int, failed *commitmentCard) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	items, err := s.svc.Commitments.ListMyCommitments(r.Context())
	if err != nil {
		return err
	}
	loc := roundtable.LoadLocation(u.TimeZone)
	page := &commitmentsPage{layoutData: layoutData{Title: "My commitments", Nav: "commitments"}}
	for _, it := range items {
		c := newCommitmentCard(it, loc)
		if failed != nil && failed.ID == c.ID {
			c.FormStatus, c.FormNote, c.Errors = failed.FormStatus, failed.FormNote, failed.Errors
			page.Failed = c
		}
		switch c.Status {
		case roundtable.ActionDone:
			page.Done = append(page.Done, c)
		case roundtable.ActionDropped:
			page.Dropped = append(page.Dropped, c)
		default:
			page.Open = append(page.Open, c)
		}
	}
	s.render(w, r, status, "commitments", page)
	return nil
}

// handleCommitmentUpdate saves her word on one commitment.
func (s *Server) handleCommitmentUpdate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("itemID")
	status, note := roundtable.ActionStatus(r.PostFormValue("status")), r.PostFormValue("note")
	err := s.svc.Commitments.UpdateCommitment(r.Context(), id, status, note)
	if err == nil {
		msg := "Your word is saved. Your circle will see it at the next meeting's follow-ups."
		switch status {
		case roundtable.ActionDone:
			msg = "Marked done. Your circle will see your note at the next meeting's follow-ups."
		case roundtable.ActionDropped:
			msg = "Marked dropped. Your circle will see your note at the next meeting's follow-ups."
		}
		return s.notice(w, r, "/commitments#c-"+id, msg)
	}
	if roundtable.ErrorCode(err) != roundtable.EINVALID {
		return err
	}
	failed := &commitmentCard{ID: id, FormStatus: string(status), FormNote: note, Errors: roundtable.ErrorFields(err)}
	if len(failed.Errors) == 0 {
		failed.Errors = map[string]string{"note": roundtable.ErrorMessage(err)}
	}
	return s.renderCommitments(w, r, http.StatusUnprocessableEntity, failed)
}
