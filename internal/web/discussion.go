package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/roundtable/roundtable"
)

// postBody bounds a post's form: a title and a body of the longest allowed,
// in characters of up to four bytes, each byte percent-encoded (three), with
// room for the other fields.
const postBody = 3*4*(roundtable.MaxPostBody+roundtable.MaxThreadTitle) + 16<<10

// threadItem is a thread in a list.
type threadItem struct {
	*roundtable.Thread
	LastPost    string
	MeetingWhen string
}

func (s *Server) threadItems(ts []*roundtable.Thread, loc *time.Location) []threadItem {
	now := s.now()
	out := make([]threadItem, len(ts))
	for i, t := range ts {
		out[i] = threadItem{Thread: t, LastPost: dayIn(t.LastPostAt, loc, now, ", 15:04")}
		if t.MeetingID != "" {
			out[i].MeetingWhen = dayIn(t.MeetingAt, loc, now, "")
		}
	}
	return out
}

// discussionPage is a circle's threads and the reader's choice of e-mails.
type discussionPage struct {
	layoutData
	Index      *roundtable.DiscussionIndex
	Threads    []threadItem
	NewCount   int
	Delivery   roundtable.DiscussionDelivery
	Deliveries []roundtable.DiscussionDelivery
	Zone       string
}

// handleDiscussionIndex lists a circle's threads.
func (s *Server) handleDiscussionIndex(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	idx, err := s.svc.Discussion.ListThreads(r.Context(), r.PathValue("circleID"))
	if err != nil {
		return err
	}
	d, err := s.svc.Discussion.DiscussionDelivery(r.Context())
	if err != nil {
		return err
	}
	page := &discussionPage{
		layoutData: layoutData{Title: "Discussion of " + idx.CircleName, Nav: "home"},
		Index:      idx, Threads: s.threadItems(idx.Threads, u.Location()),
		Delivery: d, Deliveries: roundtable.DiscussionDeliveries, Zone: zoneName(u.Location()),
	}
	for _, t := range idx.Threads {
		if t.New {
			page.NewCount++
		}
	}
	s.render(w, r, http.StatusOK, "discussion", page)
	return nil
}

// handleDiscussionMessages saves how the reader hears of new posts.
func (s *Server) handleDiscussionMessages(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	circleID := r.PathValue("circleID")
	// Only a member of the circle comes back to its page.
	if _, err := s.svc.Discussion.ListThreads(r.Context(), circleID); err != nil {
		return err
	}
	back := "/circles/" + circleID + "/discussion#messages"
	if err := s.svc.Discussion.SetDiscussionDelivery(r.Context(), roundtable.DiscussionDelivery(r.PostForm.Get("delivery"))); err != nil {
		if roundtable.ErrorCode(err) == roundtable.EINVALID {
			s.setFlash(w, flashError, "Choose one of the three ways to hear about new posts.")
			redirect(w, r, back)
			return nil
		}
		return err
	}
	return s.notice(w, r, back, "Saved: "+lowerFirst(roundtable.DiscussionDelivery(r.PostForm.Get("delivery")).Label())+", for all your circles.")
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}

// threadFormPage starts or changes a thread.
type threadFormPage struct {
	layoutData
	CircleID   string
	CircleName string
	ThreadID   string // "" for a new thread
	Meetings   []meetingChoice
	Form       *form
}

var threadFields = []string{"title", "body", "meeting_id"}

// renderThreadForm shows the thread form with the circle's meetings to link.
func (s *Server) renderThreadForm(w http.ResponseWriter, r *http.Request, status int, circleID, threadID string, f *form) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	home, err := s.svc.Circles.FindCircleHome(r.Context(), circleID)
	if err != nil {
		return err
	}
	page := &threadFormPage{
		layoutData: layoutData{Title: "Start a thread", Nav: "home"},
		CircleID:   circleID, CircleName: home.Circle.Name, ThreadID: threadID, Form: f,
	}
	if threadID != "" {
		page.Title = "Change your thread"
	}
	loc, now := u.Location(), s.now()
	// Most recent first: a thread usually carries on from the last meeting.
	for i := len(home.Past) - 1; i >= 0; i-- {
		m := home.Past[i]
		page.Meetings = append(page.Meetings, meetingChoice{ID: m.ID, When: meetingWhen(m.StartsAt, m.EndsAt(), loc, now)})
	}
	for _, m := range home.Upcoming {
		page.Meetings = append(page.Meetings, meetingChoice{ID: m.ID, When: meetingWhen(m.StartsAt, m.EndsAt(), loc, now) + " (coming)"})
	}
	s.render(w, r, status, "discussion_form", page)
	return nil
}

// handleThreadNew shows the form to start a thread; ?meeting= links it.
func (s *Server) handleThreadNew(w http.ResponseWriter, r *http.Request) error {
	f := newForm(url.Values{"meeting_id": {r.URL.Query().Get("meeting")}}, threadFields...)
	return s.renderThreadForm(w, r, http.StatusOK, r.PathValue("circleID"), "", f)
}

// handleThreadCreate starts the thread.
func (s *Server) handleThreadCreate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	circleID := r.PathValue("circleID")
	f := newForm(r.PostForm, threadFields...)
	t := &roundtable.Thread{CircleID: circleID, Title: f.Get("title"), Body: f.Get("body"), MeetingID: f.text("meeting_id")}
	if err := s.svc.Discussion.StartThread(r.Context(), t); err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderThreadForm(w, r, http.StatusUnprocessableEntity, circleID, "", f)
	}
	return s.notice(w, r, "/threads/"+t.ID, "Your thread is started. The circle sees it now.")
}

// threadGone shows that a thread was deleted, when err says so.
func (s *Server) threadGone(w http.ResponseWriter, r *http.Request, err error) bool {
	var gone *roundtable.ThreadDeleted
	if !errors.As(err, &gone) {
		return false
	}
	s.render(w, r, http.StatusGone, "message", &messagePage{
		layoutData: layoutData{Title: "This thread was deleted"},
		Message:    "Its author deleted this thread, and its replies with it.",
		LinkHref:   "/circles/" + gone.CircleID + "/discussion", LinkText: "Back to the discussion",
	})
	return true
}
