package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/roundtable/roundtable"
)

// topicFields are the fields of the topic form, in page order.
var topicFields = []string{"title", "why", "priority", "minutes", "share"}

// circleHead is what pages of a circle show on top: its name and program.
type circleHead struct {
	CircleID, CircleName, ProgramName string
}

// circlePage returns the signed-in member's circle of the request's path.
func (s *Server) circlePage(r *http.Request) (*roundtable.User, *roundtable.CircleHome, error) {
	u, err := requireUser(r)
	if err != nil {
		return nil, nil, err
	}
	home, err := s.svc.Circles.FindCircleHome(r.Context(), r.PathValue("circleID"))
	if err != nil {
		return nil, nil, err
	}
	return u, home, nil
}

func headOfCircle(home *roundtable.CircleHome) circleHead {
	return circleHead{CircleID: home.Circle.ID, CircleName: home.Circle.Name, ProgramName: home.Program.Name}
}

// topicView is a topic as the lot shows it.
type topicView struct {
	*roundtable.ParkingTopic
	Mine      bool
	PickedFor string // the meeting it was picked for, in the reader's zone
	// CanPutBack: the reader may pick, and the meeting has not started.
	CanPutBack bool
}

// pickChoice is a meeting a topic can be picked for.
type pickChoice struct{ ID, When string }

// parkingLotPage is a circle's parking lot.
type parkingLotPage struct {
	layoutData
	circleHead
	Mine, Shared, Picked []topicView
	CanPick              bool
	Meetings             []pickChoice
	Priorities           []roundtable.Priority
	Form                 *form
	Zone                 string
}

// handleParkingLot shows the circle's parking lot and the form to add a topic.
func (s *Server) handleParkingLot(w http.ResponseWriter, r *http.Request) error {
	f := newForm(url.Values{"priority": {string(roundtable.PriorityB)}, "minutes": {"20"}}, topicFields...)
	return s.renderParkingLot(w, r, http.StatusOK, f)
}

func (s *Server) renderParkingLot(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	u, home, err := s.circlePage(r)
	if err != nil {
		return err
	}
	lot, err := s.svc.ParkingLot.FindParkingLot(r.Context(), home.Circle.ID)
	if err != nil {
		return err
	}
	loc, now := u.Location(), s.now()
	page := &parkingLotPage{
		layoutData: layoutData{Title: "Parking lot", Nav: "home"}, circleHead: headOfCircle(home),
		CanPick: lot.CanPick, Priorities: roundtable.Priorities, Form: f, Zone: zoneName(loc),
	}
	view := func(ts []*roundtable.ParkingTopic) []topicView {
		var out []topicView
		for _, t := range ts {
			v := topicView{ParkingTopic: t, Mine: t.OwnerID == u.ID}
			if t.Picked() {
				v.PickedFor = t.PickedFor.In(loc).Format("Monday 2 January, 15:04")
				v.CanPutBack = lot.CanPick && t.PickedFor.After(now)
			}
			out = append(out, v)
		}
		return out
	}
	page.Mine, page.Shared, page.Picked = view(lot.Mine), view(lot.Shared), view(lot.Picked)
	for _, m := range lot.Meetings {
		page.Meetings = append(page.Meetings, pickChoice{ID: m.ID, When: meetingWhen(m.StartsAt, m.EndsAt(), loc, now)})
	}
	s.render(w, r, status, "parking_lot", page)
	return nil
}

// topicFromForm reads the topic form.
func topicFromForm(f *form, circleID string) *roundtable.ParkingTopic {
	t := &roundtable.ParkingTopic{CircleID: circleID, Title: f.text("title"), Why: f.text("why"),
		Priority: roundtable.Priority(f.text("priority"))}
	t.Minutes, _ = strconv.Atoi(f.text("minutes"))
	return t
}

// handleParkingTopicCreate adds a topic to the member's lot.
func (s *Server) handleParkingTopicCreate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	circleID := r.PathValue("circleID")
	f := newForm(r.PostForm, topicFields...)
	t := topicFromForm(f, circleID)
	if err := s.svc.ParkingLot.SaveTopic(r.Context(), t); err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderParkingLot(w, r, http.StatusUnprocessableEntity, f)
	}
	if f.checked("share") {
		if err := s.svc.ParkingLot.ShareTopic(r.Context(), circleID, t.ID, true); err != nil {
			return err
		}
		return s.notice(w, r, lotPath(circleID), "Your topic is in the parking lot, shared with the circle.")
	}
	return s.notice(w, r, lotPath(circleID), "Your topic is in the parking lot. Only you can see it until you share it.")
}

// lotPath is the address of a circle's parking lot.
func lotPath(circleID string) string { return "/circles/" + url.PathEscape(circleID) + "/parking-lot" }

// topicPage is the form to change one of her topics.
type topicPage struct {
	layoutData
	circleHead
	TopicID string
	Form    *form
}

// handleParkingTopicEdit shows the form to change one of the member's topics.
func (s *Server) handleParkingTopicEdit(w http.ResponseWriter, r *http.Request) error {
	u, home, err := s.circlePage(r)
	if err != nil {
		return err
	}
	lot, err := s.svc.ParkingLot.FindParkingLot(r.Context(), home.Circle.ID)
	if err != nil {
		return err
	}
	for _, t := range lot.Mine {
		if t.ID == r.PathValue("topicID") && t.OwnerID == u.ID {
			f := newForm(url.Values{"title": {t.Title}, "why": {t.Why}, "priority": {string(t.Priority)}, "minutes": {strconv.Itoa(t.Minutes)}}, topicFields...)
			s.renderTopicForm(w, r, http.StatusOK, home, t.ID, f)
			return nil
		}
	}
	return roundtable.Errorf(roundtable.ENOTFOUND, "We could not find this topic.")
}

func (s *Server) renderTopicForm(w http.ResponseWriter, r *http.Request, status int, home *roundtable.CircleHome, topicID string, f *form) {
	s.render(w, r, status, "parking_topic", &topicPage{layoutData: layoutData{Title: "Change your topic", Nav: "home"},
		circleHead: headOfCircle(home), TopicID: topicID, Form: f})
}

// handleParkingTopicUpdate saves one of the member's topics.
func (s *Server) handleParkingTopicUpdate(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	circleID := r.PathValue("circleID")
	f := newForm(r.PostForm, topicFields...)
	t := topicFromForm(f, circleID)
	t.ID = r.PathValue("topicID")
	if err := s.svc.ParkingLot.SaveTopic(r.Context(), t); err != nil {
		if !f.fail(err) {
			return err
		}
		_, home, herr := s.circlePage(r)
		if herr != nil {
			return herr
		}
		s.renderTopicForm(w, r, http.StatusUnprocessableEntity, home, t.ID, f)
		return nil
	}
	return s.notice(w, r, lotPath(circleID), "Your topic is saved.")
}

// handleParkingTopicDelete removes one of the member's topics.
func (s *Server) handleParkingTopicDelete(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	circleID := r.PathValue("circleID")
	if err := s.svc.ParkingLot.DeleteTopic(r.Context(), circleID, r.PathValue("topicID")); err != nil {
		return err
	}
	return s.notice(w, r, lotPath(circleID), "Your topic is removed from the parking lot.")
}

// handleParkingTopicShare shares one of the member's topics, or takes it back.
func (s *Server) handleParkingTopicShare(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	circleID, shared := r.PathValue("circleID"), r.PostFormValue("shared") == "1"
	if err := s.svc.ParkingLot.ShareTopic(r.Context(), circleID, r.PathValue("topicID"), shared); err != nil {
		return s.refuse(w, r, lotPath(circleID), err)
	}
	if shared {
		return s.notice(w, r, lotPath(circleID), "Your topic is shared with the circle.")
	}
	return s.notice(w, r, lotPath(circleID), "Your topic is private again.")
}

// handleParkingTopicWant marks a shared topic as one the member wants to hear.
func (s *Server) handleParkingTopicWant(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	circleID, want := r.PathValue("circleID"), r.PostFormValue("want") == "1"
	if err := s.svc.ParkingLot.WantTopic(r.Context(), circleID, r.PathValue("topicID"), want); err != nil {
		return err
	}
	if want {
		return s.notice(w, r, lotPath(circleID), "Marked: you want to hear this one.")
	}
	return s.notice(w, r, lotPath(circleID), "Your mark is taken off.")
}

// handleParkingTopicPick picks a shared topic for a meeting.
func (s *Server) handleParkingTopicPick(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	circleID, meetingID := r.PathValue("circleID"), r.PostFormValue("meeting_id")
	if err := s.svc.ParkingLot.PickTopic(r.Context(), circleID, r.PathValue("topicID"), meetingID); err != nil {
		return s.refuse(w, r, lotPath(circleID), err)
	}
	return s.notice(w, r, "/meetings/"+url.PathEscape(meetingID)+"/agenda",
		"The topic is picked: its owner presents it at this meeting, and it is her challenge card's draft.")
}

// handleParkingTopicPutBack returns a picked topic to the lot.
func (s *Server) handleParkingTopicPutBack(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	circleID := r.PathValue("circleID")
	msg, err := s.svc.ParkingLot.PutTopicBack(r.Context(), circleID, r.PathValue("topicID"))
	if err != nil {
		return s.refuse(w, r, lotPath(circleID), err)
	}
	return s.notice(w, r, lotPath(circleID), msg)
}

// refuse answers a small form's refusal that the person can understand
// (EINVALID, ECONFLICT) with its message on the page she came from; other
// errors go to the error page.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, to string, err error) error {
	switch roundtable.ErrorCode(err) {
	case roundtable.EINVALID, roundtable.ECONFLICT:
		msg := roundtable.ErrorMessage(err)
		for _, v := range roundtable.ErrorFields(err) {
			msg = v
		}
		s.setFlash(w, flashError, msg)
		redirect(w, r, to)
		return nil
	}
	return err
}
