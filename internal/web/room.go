package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/live"
)

// roomPage is a meeting's live room: the page opened beside the video call.
type roomPage struct {
	layoutData
	V       *roomView
	Me      *roundtable.User
	Classes string
	Events  string // the address of the room's event stream
	Zone    string // the reader's zone, for times room.js writes
	// Minutes is the editor's state: the version the text was written from.
	MinutesBase    int
	MinutesText    string
	MinutesBaseTxt string
	Conflict       *roundtable.MinutesSave // a save that overlapped someone else's
	Form           *form                   // the last form posted without JavaScript, with its problems
	FormName       string                  // which form it was
}

// minutesBody bounds a save of the minutes: the text and the version it was
// written from, each up to 10,000 characters of up to four bytes, encoded.
const minutesBody = 256 << 10

// roomPath is the room's address.
func roomPath(meetingID string) string { return "/meetings/" + url.PathEscape(meetingID) + "/room" }

// roomAudience tells whether the reader is a guest of the meeting.
func roomAudience(r *roundtable.Room, userID string) string {
	for _, p := range r.People {
		if p.UserID == userID && p.Guest {
			return roundtable.AudienceGuest
		}
	}
	return roundtable.AudienceMember
}

// handleRoom shows the meeting room and records that the reader joined.
func (s *Server) handleRoom(w http.ResponseWriter, r *http.Request) error {
	return s.renderRoom(w, r, http.StatusOK, nil)
}

// renderRoom draws the room for the reader, with the outcome of a form posted
// without JavaScript when there is one.
func (s *Server) renderRoom(w http.ResponseWriter, r *http.Request, status int, fill func(*roomPage)) error {
	u, id, room, err := s.enterRoom(r, true)
	if err != nil {
		return err
	}
	v := newRoomView(room, s.now(), roomAudience(room, u.ID) == roundtable.AudienceGuest)
	v.AllPosts = r.URL.Query().Get("board") == "all"
	page := &roomPage{
		layoutData: layoutData{Title: "Meeting room · " + room.CircleName, Nav: "home"},
		V:          v, Me: u, Classes: roomClasses(room, u.ID),
		Events: roomPath(id) + "/events", Zone: u.Location().String(),
		MinutesBase: room.Minutes.Version, MinutesText: room.Minutes.Text, MinutesBaseTxt: room.Minutes.Text,
	}
	if fill != nil {
		fill(page)
	}
	s.render(w, r, status, "room", page)
	return nil
}

// enterRoom returns the request's room as the reader may see it, after
// recording that they joined it when join is set.
func (s *Server) enterRoom(r *http.Request, join bool) (*roundtable.User, string, *roundtable.Room, error) {
	u, err := requireUser(r)
	if err != nil {
		return nil, "", nil, err
	}
	id := r.PathValue("meetingID")
	var room *roundtable.Room
	if join {
		room, err = s.svc.Room.JoinRoom(r.Context(), id)
	} else {
		room, err = s.svc.Room.Room(r.Context(), id)
	}
	if err != nil {
		return nil, "", nil, err
	}
	return u, id, room, nil
}

// handleRoomEvents streams the room's frames to one screen. A reconnecting
// screen gets the current frame at once, so it never shows a stale room.
// While the stream is open its reader is here (and joins once the meeting
// is under way); when it closes, they left.
func (s *Server) handleRoomEvents(w http.ResponseWriter, r *http.Request) error {
	u, id, room, err := s.enterRoom(r, false)
	if err != nil {
		return err
	}
	defer s.enterPresence(r.Context(), id)()
	sub, err := s.hub.SubscribeAs(r.Context(), id, roomAudience(room, u.ID), u.ID)
	if errors.Is(err, live.ErrClosed) {
		return roundtable.Errorf(roundtable.ENOTFOUND, "We could not find this meeting.")
	} else if err != nil {
		return err
	}
	defer sub.Close()
	if err := live.ServeSSE(w, r, sub); err != nil && r.Context().Err() == nil {
		s.log.Debug("room events ended", "meeting", id, "err", err)
	}
	return nil
}

// wantsJSON reports whether room.js sent the form: it takes a JSON answer
// instead of a redirect, and the change reaches it as a frame.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// roomDone answers a room form that worked: 204 for room.js, otherwise back
// to the room at the part the form belongs to.
func (s *Server) roomDone(w http.ResponseWriter, r *http.Request, anchor string, body any) error {
	if wantsJSON(r) {
		if body == nil {
			w.WriteHeader(http.StatusNoContent)
			return nil
		}
		return writeJSON(w, http.StatusOK, body)
	}
	redirect(w, r, roomPath(r.PathValue("meetingID"))+"#"+anchor)
	return nil
}

// roomFailed answers a room form the service refused. Problems a person can
// fix go back to them (as JSON for room.js, or on the room page with the
// form as they filled it); everything else is the usual error page.
func (s *Server) roomFailed(w http.ResponseWriter, r *http.Request, err error, name string) error {
	code := roundtable.ErrorCode(err)
	status, known := errorStatus[code]
	if wantsJSON(r) {
		// room.js shows the reason beside the form; internal errors are
		// logged and never shown.
		if !known {
			s.log.Error("request failed", "method", r.Method, "route", routeLabel(r), "err", err)
			return writeJSON(w, http.StatusInternalServerError, map[string]any{"error": "Something went wrong on our side. Please try again in a moment."})
		}
		body := map[string]any{"error": roundtable.ErrorMessage(err)}
		if fields := roundtable.ErrorFields(err); len(fields) > 0 {
			body["fields"] = fields
		}
		return writeJSON(w, status, body)
	}
	if code != roundtable.EINVALID && code != roundtable.EFORBIDDEN && code != roundtable.ECONFLICT {
		return err
	}
	f := newForm(r.PostForm)
	if !f.fail(err) {
		f.finish(roundtable.ErrorMessage(err))
	}
	return s.renderRoom(w, r, status, func(p *roomPage) { p.Form, p.FormName = f, name })
}

// writeJSON answers with a JSON body.
func writeJSON(w http.ResponseWriter, status int, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

// handleRoomTimer starts, pauses, extends or moves the agenda.
func (s *Server) handleRoomTimer(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	action := roundtable.TimerAction(r.PostFormValue("action"))
	minutes := 0
	if action == roundtable.TimerExtend {
		minutes = 2
		if v := r.PostFormValue("minutes"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return s.roomFailed(w, r, roundtable.Errorf(roundtable.EINVALID, "Give the extra time in whole minutes."), "timer")
			}
			minutes = n
		}
	}
	if err := s.svc.Room.ControlTimer(r.Context(), r.PathValue("meetingID"), action, minutes); err != nil {
		return s.roomFailed(w, r, err, "timer")
	}
	return s.roomDone(w, r, "now", nil)
}

// handleRoomSpeaker marks who speaks.
func (s *Server) handleRoomSpeaker(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	who := r.PostFormValue("user")
	if who == "me" { // "I am speaking": the form is the same on every screen
		who = u.ID
	}
	if err := s.svc.Room.SetSpeaker(r.Context(), r.PathValue("meetingID"), who); err != nil {
		return s.roomFailed(w, r, err, "speaker")
	}
	return s.roomDone(w, r, "speaking", nil)
}

// handleRoomHand raises or lowers the reader's hand.
func (s *Server) handleRoomHand(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	if err := s.svc.Room.RaiseHand(r.Context(), r.PathValue("meetingID"), r.PostFormValue("raised") == "1"); err != nil {
		return s.roomFailed(w, r, err, "hand")
	}
	return s.roomDone(w, r, "speaking", nil)
}

// handleRoomPost puts a question or a suggestion on the board.
func (s *Server) handleRoomPost(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	kind := roundtable.BoardKind(r.PostFormValue("kind"))
	if _, err := s.svc.Room.Post(r.Context(), r.PathValue("meetingID"), kind, r.PostFormValue("body")); err != nil {
		return s.roomFailed(w, r, err, "board")
	}
	return s.roomDone(w, r, "board", nil)
}

// handleRoomPlayBack saves the presenter's picks and commitments.
func (s *Server) handleRoomPlayBack(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	commitments := roundtable.NonEmptyLines(r.PostForm.Get("commitments"))
	if _, err := s.svc.Room.PlayBack(r.Context(), r.PathValue("meetingID"), r.PostForm["picked"], commitments); err != nil {
		return s.roomFailed(w, r, err, "playback")
	}
	if !wantsJSON(r) {
		s.setFlash(w, flashSuccess, "Your commitments are saved. They will come back at the next meeting.")
	}
	return s.roomDone(w, r, "playback", nil)
}

// handleRoomFollowUp records what happened with an open commitment.
func (s *Server) handleRoomFollowUp(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	status := roundtable.ActionStatus(r.PostFormValue("status"))
	if err := s.svc.Room.ReportFollowUp(r.Context(), r.PathValue("itemID"), status, r.PostFormValue("report")); err != nil {
		return s.roomFailed(w, r, err, "followup-"+r.PathValue("itemID"))
	}
	return s.roomDone(w, r, "followups", nil)
}

// handleRoomMinutes saves the minutes, merging with anyone who saved in
// between; when both changed the same lines, the writer is shown the other
// version and asked to merge.
func (s *Server) handleRoomMinutes(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	base, _ := strconv.Atoi(r.PostFormValue("base_version"))
	text := r.PostFormValue("text")
	res, err := s.svc.Room.SaveMinutes(r.Context(), r.PathValue("meetingID"), base, r.PostFormValue("base_text"), text)
	if err != nil {
		return s.roomFailed(w, r, err, "minutes")
	}
	if wantsJSON(r) {
		return writeJSON(w, http.StatusOK, minutesAnswer(res))
	}
	if res.Conflict {
		return s.renderRoom(w, r, http.StatusConflict, func(p *roomPage) {
			p.Conflict = res
			p.MinutesText, p.MinutesBase, p.MinutesBaseTxt = text, res.Theirs.Version, res.Theirs.Text
		})
	}
	if res.Merged {
		s.setFlash(w, "success", "Someone saved the minutes while you wrote; both of your changes are kept.")
	}
	redirect(w, r, roomPath(r.PathValue("meetingID"))+"#minutes")
	return nil
}

// minutesAnswer is the JSON room.js gets back from a save of the minutes.
func minutesAnswer(res *roundtable.MinutesSave) map[string]any {
	out := map[string]any{
		"version": res.Minutes.Version, "text": res.Minutes.Text,
		"merged": res.Merged, "conflict": res.Conflict,
	}
	if res.Conflict {
		out["theirs"] = map[string]any{"version": res.Theirs.Version, "text": res.Theirs.Text, "by": res.Theirs.UpdatedBy}
	}
	return out
}

// handleRoomAttendance corrects whether a person was present.
func (s *Server) handleRoomAttendance(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	present := r.PostFormValue("present") == "1"
	if err := s.svc.Room.SetAttendance(r.Context(), r.PathValue("meetingID"), r.PostFormValue("user"), present); err != nil {
		return s.roomFailed(w, r, err, "attendance")
	}
	return s.roomDone(w, r, "people", nil)
}

// handleRoomReflection saves the reader's closing reflection.
func (s *Server) handleRoomReflection(w http.ResponseWriter, r *http.Request) error {
	u, err := requireUser(r)
	if err != nil {
		return err
	}
	score := func(name string) int { n, _ := strconv.Atoi(r.PostFormValue(name)); return n }
	ref := &roundtable.Reflection{
		MeetingID: r.PathValue("meetingID"), UserID: u.ID,
		Relevance: score("relevance"), Insights: score("insights"), Heard: score("heard"),
		Line: strings.TrimSpace(r.PostFormValue("line")),
	}
	if err := s.svc.Room.Reflect(r.Context(), ref); err != nil {
		return s.roomFailed(w, r, err, "reflection")
	}
	if !wantsJSON(r) {
		s.setFlash(w, "success", "Thank you. Your reflection is saved.")
	}
	return s.roomDone(w, r, "reflection", nil)
}

// handleRoomGuestInvite invites a guest to the meeting by e-mail.
func (s *Server) handleRoomGuestInvite(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	name, email := strings.TrimSpace(r.PostFormValue("name")), strings.TrimSpace(r.PostFormValue("email"))
	if err := s.svc.Room.InviteGuest(r.Context(), r.PathValue("meetingID"), name, email); err != nil {
		return s.roomFailed(w, r, err, "guest")
	}
	if !wantsJSON(r) {
		s.setFlash(w, "success", "We sent "+name+" a link to the room.")
	}
	return s.roomDone(w, r, "people", nil)
}

// handleRoomGuestRemove withdraws a guest's invitation.
func (s *Server) handleRoomGuestRemove(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireUser(r); err != nil {
		return err
	}
	if err := s.svc.Room.RemoveGuest(r.Context(), r.PathValue("meetingID"), r.PostFormValue("user")); err != nil {
		return s.roomFailed(w, r, err, "guest")
	}
	return s.roomDone(w, r, "people", nil)
}
