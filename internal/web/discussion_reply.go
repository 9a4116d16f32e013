package web

import (
	"net/http"
	"net/url"

	"github.com/roundtable/roundtable"
)

// replyFormPage changes one's own reply.
type replyFormPage struct {
	layoutData
	Reply *roundtable.Reply
	Form  *form
}

// ownReply returns the reader's own reply, or the reason it is not hers.
func (s *Server) ownReply(r *http.Request) (*roundtable.Reply, error) {
	u, err := requireUser(r)
	if err != nil {
		return nil, err
	}
	rp, err := s.svc.Discussion.FindReply(r.Context(), r.PathValue("replyID"))
	if err != nil {
		return nil, err
	}
	if rp.AuthorID != u.ID {
		return nil, roundtable.Errorf(roundtable.EFORBIDDEN, "Only its author can change or delete a reply.")
	}
	return rp, nil
}

// handleReplyEdit shows the form to change one's own reply.
func (s *Server) handleReplyEdit(w http.ResponseWriter, r *http.Request) error {
	rp, err := s.ownReply(r)
	if s.threadGone(w, r, err) {
		return nil
	} else if err != nil {
		return err
	}
	if !roundtable.Editable(rp.AuthorID, rp.AuthorID, rp.CreatedAt, s.now()) {
		return s.tooLate(w, r, rp.ThreadID)
	}
	s.render(w, r, http.StatusOK, "discussion_reply", &replyFormPage{
		layoutData: layoutData{Title: "Change your reply", Nav: "home"},
		Reply:      rp, Form: newForm(url.Values{"body": {rp.Body}}, "body"),
	})
	return nil
}

// handleReplyUpdate saves the change.
func (s *Server) handleReplyUpdate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	f := newForm(r.PostForm, "body")
	in := &roundtable.Reply{ID: r.PathValue("replyID"), Body: f.Get("body")}
	err := s.svc.Discussion.EditReply(r.Context(), in)
	if err == nil {
		return s.notice(w, r, "/threads/"+in.ThreadID+"#r-"+in.ID, "Your reply is changed.")
	}
	if s.threadGone(w, r, err) {
		return nil
	}
	rp, ferr := s.svc.Discussion.FindReply(r.Context(), in.ID)
	if ferr != nil {
		return ferr
	}
	if roundtable.ErrorCode(err) == roundtable.EINVALID && len(roundtable.ErrorFields(err)) == 0 {
		return s.tooLate(w, r, rp.ThreadID)
	}
	if !f.fail(err) {
		return err
	}
	s.render(w, r, http.StatusUnprocessableEntity, "discussion_reply", &replyFormPage{
		layoutData: layoutData{Title: "Change your reply", Nav: "home"}, Reply: rp, Form: f,
	})
	return nil
}

// deletePage asks once before a post is deleted, saying what goes.
type deletePage struct {
	layoutData
	Action  string // where the form posts
	Back    string
	What    string // what will be lost, in a sentence
	Button  string
	Replies int
}

// handleThreadDeleteShow asks before deleting one's own thread.
func (s *Server) handleThreadDeleteShow(w http.ResponseWriter, r *http.Request) error {
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
		return roundtable.Errorf(roundtable.EFORBIDDEN, "Only its author can delete a thread.")
	}
	what := "The thread “" + t.Title + "” will be deleted for everyone in the circle."
	if t.Replies > 0 {
		what = "The thread “" + t.Title + "” and its " + plural(t.Replies, "reply", "replies") + " will be deleted for everyone in the circle, the replies of others too."
	}
	s.render(w, r, http.StatusOK, "discussion_delete", &deletePage{
		layoutData: layoutData{Title: "Delete your thread?", Nav: "home"},
		Action:     "/threads/" + t.ID + "/delete", Back: "/threads/" + t.ID, What: what, Button: "Delete the thread",
	})
	return nil
}

// handleThreadDelete deletes one's own thread.
func (s *Server) handleThreadDelete(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	id := r.PathValue("threadID")
	tp, err := s.svc.Discussion.ReadThread(r.Context(), id, 1)
	if s.threadGone(w, r, err) {
		return nil
	} else if err != nil {
		return err
	}
	if err := s.svc.Discussion.DeleteThread(r.Context(), id); err != nil {
		return err
	}
	return s.notice(w, r, "/circles/"+tp.Thread.CircleID+"/discussion", "Your thread is deleted.")
}

// handleReplyDeleteShow asks before deleting one's own reply.
func (s *Server) handleReplyDeleteShow(w http.ResponseWriter, r *http.Request) error {
	rp, err := s.ownReply(r)
	if s.threadGone(w, r, err) {
		return nil
	} else if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "discussion_delete", &deletePage{
		layoutData: layoutData{Title: "Delete your reply?", Nav: "home"},
		Action:     "/replies/" + rp.ID + "/delete", Back: "/threads/" + rp.ThreadID + "#r-" + rp.ID,
		What: "Your reply will be deleted for everyone in the circle.", Button: "Delete the reply",
	})
	return nil
}

// handleReplyDelete deletes one's own reply.
func (s *Server) handleReplyDelete(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	threadID, err := s.svc.Discussion.DeleteReply(r.Context(), r.PathValue("replyID"))
	if s.threadGone(w, r, err) {
		return nil
	} else if err != nil {
		return err
	}
	return s.notice(w, r, "/threads/"+threadID, "Your reply is deleted.")
}
