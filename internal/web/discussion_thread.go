package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/roundtable/roundtable"
)

// postView is a thread's opening post or a reply, rendered for its reader.
type postView struct {
	ID, AuthorName string
	HTML           template.HTML
	When           string
	Edited         bool
	New            bool
	Mine           bool
	EditUntil      string // "" when it can no longer be changed
	Opening        bool   // the thread's own post, whose heading is a level higher
}

// postView shows a post; html is its body as sanitised when it was
// written (see DiscussionService).
func (s *Server) postView(id, authorID, author, html string, created time.Time, edited *time.Time, isNew bool, u *roundtable.User) postView {
	loc, now := u.Location(), s.now()
	if author == "" {
		author = roundtable.FormerMemberName
	}
	v := postView{ID: id, AuthorName: author, HTML: template.HTML(html), When: dayIn(created, loc, now, ", 15:04"),
		Edited: edited != nil, New: isNew, Mine: authorID == u.ID}
	if roundtable.Editable(authorID, u.ID, created, now) {
		v.EditUntil = created.Add(roundtable.EditWindow).In(loc).Format("15:04")
	}
	return v
}

// threadPage is one page of a thread with the reply form.
type threadPage struct {
	layoutData
	Thread       *roundtable.Thread
	Opening      postView
	MeetingWhen  string
	Replies      []postView
	Page, Pages  int
	FirstNewPage int
	NewCount     int
	Form         *form
}

// Prev and Next are the neighbouring pages.
func (p *threadPage) Prev() int { return p.Page - 1 }
func (p *threadPage) Next() int { return p.Page + 1 }

// loadThreadPage reads the page of the thread asked for (?page=N or
// ?page=last; none: where the reader left off).
func (s *Server) loadThreadPage(r *http.Request, f *form) (*threadPage, error) {
	u, err := requireUser(r)
	if err != nil {
		return nil, err
	}
	n := 0
	if p := r.URL.Query().Get("page"); p == "last" {
		n = 1 << 30
	} else if v, err := strconv.Atoi(p); err == nil && v > 0 {
		n = v
	}
	tp, err := s.svc.Discussion.ReadThread(r.Context(), r.PathValue("threadID"), n)
	if err != nil {
		return nil, err
	}
	t := tp.Thread
	page := &threadPage{
		layoutData: layoutData{Title: t.Title, Nav: "home"},
		Thread:     t, Page: tp.Page, Pages: tp.Pages, FirstNewPage: tp.FirstNewPage, NewCount: t.NewReplies, Form: f,
		Opening: s.postView(t.ID, t.AuthorID, t.AuthorName, t.BodyHTML, t.CreatedAt, t.EditedAt, tp.LastRead == nil && t.AuthorID != u.ID, u),
	}
	page.Opening.Opening = true
	if t.MeetingID != "" {
		page.MeetingWhen = dayIn(t.MeetingAt, u.Location(), s.now(), "")
	}
	for _, rp := range tp.Replies {
		page.Replies = append(page.Replies, s.postView(rp.ID, rp.AuthorID, rp.AuthorName, rp.BodyHTML, rp.CreatedAt, rp.EditedAt, rp.New, u))
	}
	if page.Form == nil {
		page.Form = newForm(nil, "body")
	}
	return page, nil
}

// handleThreadShow shows a page of a thread and records the visit.
func (s *Server) handleThreadShow(w http.ResponseWriter, r *http.Request) error {
	page, err := s.loadThreadPage(r, nil)
	if s.threadGone(w, r, err) {
		return nil
	} else if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "discussion_thread", page)
	return nil
}

// handleThreadReply adds the reader's reply.
func (s *Server) handleThreadReply(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("threadID")
	f := newForm(r.PostForm, "body")
	rp := &roundtable.Reply{ThreadID: id, Body: f.Get("body")}
	err := s.svc.Discussion.AddReply(r.Context(), rp)
	if err == nil {
		return s.notice(w, r, "/threads/"+id+"?page=last#r-"+rp.ID, "Your reply is posted.")
	}
	if s.threadGone(w, r, err) {
		return nil
	}
	if !f.fail(err) {
		return err
	}
	r.URL.RawQuery = "page=last"
	page, perr := s.loadThreadPage(r, f)
	if perr != nil {
		return perr
	}
	s.render(w, r, http.StatusUnprocessableEntity, "discussion_thread", page)
	return nil
}

// tooLate sends the reader back to the thread with the reason a post can
// no longer be changed.
func (s *Server) tooLate(w http.ResponseWriter, r *http.Request, threadID string) error {
	s.setFlash(w, flashError, "A post can be changed for 15 minutes after it is written, and that time has passed. Add a reply to say more, or delete it.")
	redirect(w, r, "/threads/"+threadID)
	return nil
}

// handleThreadEdit shows the form to change one's own thread.
func (s *Server) handleThreadEdit(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	tp, err := s.svc.Discussion.ReadThread(r.Context(), r.PathValue("threadID"), 1)
	if s.threadGone(w, r, err) {
		return nil
	} else if err != nil {
		return err
	}
	t := tp.Thread
	if t.AuthorID != u.ID {
		return roundtable.Errorf(roundtable.EFORBIDDEN, "Only its author can change a thread.")
	}
	if !roundtable.Editable(t.AuthorID, u.ID, t.CreatedAt, s.now()) {
		return s.tooLate(w, r, t.ID)
	}
	f := newForm(url.Values{"title": {t.Title}, "body": {t.Body}, "meeting_id": {t.MeetingID}}, threadFields...)
	return s.renderThreadForm(w, r, http.StatusOK, t.CircleID, t.ID, f)
}

// handleThreadUpdate saves the change.
func (s *Server) handleThreadUpdate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("threadID")
	f := newForm(r.PostForm, threadFields...)
	t := &roundtable.Thread{ID: id, Title: f.Get("title"), Body: f.Get("body"), MeetingID: f.text("meeting_id")}
	err := s.svc.Discussion.EditThread(r.Context(), t)
	if err == nil {
		return s.notice(w, r, "/threads/"+id, "Your thread is changed.")
	}
	if s.threadGone(w, r, err) {
		return nil
	}
	if roundtable.ErrorCode(err) == roundtable.EINVALID && len(roundtable.ErrorFields(err)) == 0 {
		return s.tooLate(w, r, id)
	}
	if !f.fail(err) {
		return err
	}
	tp, rerr := s.svc.Discussion.ReadThread(r.Context(), id, 1)
	if rerr != nil {
		return rerr
	}
	return s.renderThreadForm(w, r, http.StatusUnprocessableEntity, tp.Thread.CircleID, id, f)
}
