package web

import (
	"net/http"
	"net/url"

	"github.com/roundtable/roundtable"
)

// meetingCancelPage asks once before a meeting is cancelled.
type meetingCancelPage struct {
	layoutData
	meetingHead
}

// handleMeetingCancelConfirm asks the facilitator to confirm a cancellation.
func (s *Server) handleMeetingCancelConfirm(w http.ResponseWriter, r *http.Request) error {
	u, m, home, err := s.facilitatedMeeting(r)
	if err != nil {
		return err
	}
	if m.Cancelled {
		return s.inform(w, r, "/meetings/"+m.ID, "This meeting is cancelled already.")
	}
	s.render(w, r, http.StatusOK, "meeting_cancel", &meetingCancelPage{
		layoutData:  layoutData{Title: "Cancel the meeting", Nav: "home"},
		meetingHead: s.headOf(u, m, home.Circle),
	})
	return nil
}

// handleMeetingCancel cancels a meeting and tells everyone.
func (s *Server) handleMeetingCancel(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("meetingID")
	if err := s.svc.Meetings.CancelMeeting(r.Context(), id); err != nil {
		return err
	}
	return s.notice(w, r, "/meetings/"+id, "Meeting cancelled. Everyone gets a cancellation that removes it from their calendar.")
}

// meetingNotesPage is the form for a meeting's minutes and commitments.
type meetingNotesPage struct {
	layoutData
	meetingHead
	SentAt string
	Form   *form
}

var notesFields = []string{"notes", "send"}

func (s *Server) renderNotes(w http.ResponseWriter, r *http.Request, status int, u *roundtable.User, m *roundtable.Meeting, home *roundtable.CircleHome, f *form) {
	loc := u.Location()
	page := &meetingNotesPage{
		layoutData:  layoutData{Title: "Notes of the meeting", Nav: "home"},
		meetingHead: s.headOf(u, m, home.Circle), Form: f,
	}
	if m.NotesSentAt != nil {
		page.SentAt = m.NotesSentAt.In(loc).Format("Monday 2 January at 15:04")
	}
	s.render(w, r, status, "meeting_notes", page)
}

// handleMeetingNotesEdit shows the notes form to the facilitator.
func (s *Server) handleMeetingNotesEdit(w http.ResponseWriter, r *http.Request) error {
	u, m, home, err := s.facilitatedMeeting(r)
	if err != nil {
		return err
	}
	s.renderNotes(w, r, http.StatusOK, u, m, home, newForm(url.Values{"notes": {m.Notes}}, notesFields...))
	return nil
}

// handleMeetingNotesSave saves the notes and sends them when asked.
func (s *Server) handleMeetingNotesSave(w http.ResponseWriter, r *http.Request) error {
	u, m, home, err := s.facilitatedMeeting(r)
	if err != nil {
		return err
	}
	f := newForm(r.PostForm, notesFields...)
	send := f.checked("send")
	if err := s.svc.Meetings.SaveNotes(r.Context(), m.ID, f.Get("notes"), send); err != nil {
		if !f.fail(err) {
			return err
		}
		s.renderNotes(w, r, http.StatusUnprocessableEntity, u, m, home, f)
		return nil
	}
	msg := "Notes saved. Only your circle can see them."
	if send {
		msg = "Notes saved and sent to everyone in the circle, absent members too."
	}
	return s.notice(w, r, "/meetings/"+m.ID, msg)
}
