package web

import (
	"bufio"
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/live"
)

// Marker strings of the room's confidential content: none may reach anyone
// outside the circle, and those of the circle's own parts no guest.
const (
	markChallenge  = "Quokka-challenge-7731"           // Nia's challenge card
	markShared     = "Quokka-question-shared-4410"     // a question posted in a part shared with guests
	markSuggestion = "Quokka-suggestion-private-9902"  // a suggestion posted in a part for the circle only
	markMinutes    = "Quokka-minutes-5521"             // the minutes
	markCommitment = "Quokka-commitment-3318"          // Nia's commitment
	markCircleOnly = "Quokka-circle-only-question-618" // a question posted while the room is not shared
)

// Positions of the segments of roomTestAgenda.
const (
	rsCheckIn   = iota // a round, board closed
	rsChallenge        // questions only, shared with guests
	rsIdeas            // suggestions, circle only
	rsPlayback         // board closed
	rsClosing          // the reflection opens
)

func roomTestAgenda() []roundtable.Segment {
	return []roundtable.Segment{
		{Title: "Check-in", Kind: roundtable.SegmentRound, Minutes: 5, Order: roundtable.OrderRound},
		{Title: "The challenge", Kind: roundtable.SegmentPresent, Minutes: 10, Board: roundtable.BoardQuestions, Guests: true},
		{Title: "Ideas", Kind: roundtable.SegmentDiscussion, Minutes: 15, Board: roundtable.BoardSuggestions},
		{Title: "Play-back", Kind: roundtable.SegmentPlayback, Minutes: 5},
		{Title: "Closing", Kind: roundtable.SegmentClosing, Minutes: 5},
	}
}

// roomWorld is scheduled() with a meeting about to start: Fay (the circle's
// facilitator) runs it, Taro keeps time and takes notes, Nia presents with
// her challenge card written; the circle meets again in two weeks.
type roomWorld struct {
	a *app
	*scheduled
	meeting, next *roundtable.Meeting
	path          string   // the room
	fb, nb, tb    *browser // Fay, Nia, Taro
	ts            *httptest.Server
	hub           *live.Hub
}

func newRoomWorld(t *testing.T) *roomWorld {
	t.Helper()
	return newRoomWorldAt(t, time.Now().Add(5*time.Minute).Truncate(time.Minute))
}

// newRoomWorldAt is newRoomWorld with the meeting starting at start.
func newRoomWorldAt(t *testing.T, start time.Time) *roomWorld {
	t.Helper()
	a := newApp(t)
	w := &roomWorld{a: a, scheduled: a.scheduled()}
	fac := as(w.fac)
	w.meeting = &roundtable.Meeting{CircleID: w.circle.ID, StartsAt: start, Minutes: 90, VideoURL: "https://v.example/cedar"}
	w.next = &roundtable.Meeting{CircleID: w.circle.ID, StartsAt: start.AddDate(0, 0, 14), Minutes: 90, VideoURL: "https://v.example/cedar"}
	for _, m := range []*roundtable.Meeting{w.meeting, w.next} {
		if err := a.svc.Meetings.CreateMeeting(fac, m); err != nil {
			t.Fatalf("create meeting: %v", err)
		}
	}
	if err := a.svc.Agendas.SetSegments(fac, w.meeting.ID, roomTestAgenda()); err != nil {
		t.Fatalf("set segments: %v", err)
	}
	if err := a.svc.Agendas.SetRoles(fac, w.meeting.ID, []roundtable.RoleAssignment{
		{Role: roundtable.RoleTimekeeper, UserID: w.tokyo.ID},
		{Role: roundtable.RoleNoteTaker, UserID: w.tokyo.ID},
		{Role: roundtable.RolePresenter, UserID: w.ny.ID},
	}); err != nil {
		t.Fatalf("set roles: %v", err)
	}
	if err := a.svc.Agendas.SaveChallenge(as(w.ny), &roundtable.Challenge{MeetingID: w.meeting.ID, PresenterID: w.ny.ID,
		Context: "Two teams merge; " + markChallenge + ".", Question: "How do I build one team?", Tried: "Joint stand-ups."}); err != nil {
		t.Fatalf("save challenge: %v", err)
	}
	a.deliver()
	w.path = roomPath(w.meeting.ID)
	w.fb, w.nb, w.tb = a.browser().signInAs(w.fac), a.browser().signInAs(w.ny), a.browser().signInAs(w.tokyo)
	return w
}

// timer works the timer as Fay, through the service.
func (w *roomWorld) timer(t *testing.T, action roundtable.TimerAction) {
	t.Helper()
	if err := w.a.svc.Room.ControlTimer(as(w.fac), w.meeting.ID, action, 0); err != nil {
		t.Fatalf("timer %s: %v", action, err)
	}
}

// goTo starts the meeting if needed and moves it to segment i.
func (w *roomWorld) goTo(t *testing.T, i int) {
	t.Helper()
	r := w.room(t, w.fac)
	if !r.Started {
		w.timer(t, roundtable.TimerStart)
	}
	for ; r.Current < i; r.Current++ {
		w.timer(t, roundtable.TimerNext)
	}
	for ; r.Current > i; r.Current-- {
		w.timer(t, roundtable.TimerPrevious)
	}
}

// room reads the room as u.
func (w *roomWorld) room(t *testing.T, u *roundtable.User) *roundtable.Room {
	t.Helper()
	r, err := w.a.svc.Room.Room(as(u), w.meeting.ID)
	if err != nil {
		t.Fatalf("read room: %v", err)
	}
	return r
}

// waitGone waits until u, whose screens closed, is no longer here.
func (w *roomWorld) waitGone(t *testing.T, u *roundtable.User) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		here := false
		for _, p := range w.room(t, w.fac).People {
			here = here || (p.UserID == u.ID && p.Here)
		}
		if !here {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is still here 5 s after her screens closed", u.Name)
		}
	}
}

// post puts something on the board as u, through the service.
func (w *roomWorld) post(t *testing.T, u *roundtable.User, kind roundtable.BoardKind, body string) *roundtable.BoardPost {
	t.Helper()
	p, err := w.a.svc.Room.Post(as(u), w.meeting.ID, kind, body)
	if err != nil {
		t.Fatalf("post %s: %v", kind, err)
	}
	return p
}

// postJS sends a form as room.js does: the same body, asking for JSON.
func (b *browser) postJS(path string, form url.Values) *response {
	b.a.t.Helper()
	req := b.request(http.MethodPost, path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	return b.send(req)
}

// jsonOf decodes a JSON answer.
func (r *response) jsonOf(t *testing.T) map[string]any {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("got Content-Type %q, want JSON; status %d; body: %s", ct, r.Code, snippet(r.Body))
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
	return out
}

// wantJSONError checks a refusal as room.js gets it: status, JSON with an
// error that contains msg.
func (r *response) wantJSONError(t *testing.T, code int, msg string) map[string]any {
	t.Helper()
	r.want(t, code)
	body := r.jsonOf(t)
	got, _ := body["error"].(string)
	if got == "" || !strings.Contains(got, msg) {
		t.Fatalf("got error %q, want one containing %q", got, msg)
	}
	return body
}

// wantRoom checks a redirect back to the room at anchor.
func (r *response) wantRoom(t *testing.T, w *roomWorld, anchor string) *response {
	t.Helper()
	r.want(t, http.StatusSeeOther)
	if want := w.path + "#" + anchor; r.Location != want {
		t.Fatalf("got redirect to %q, want %q", r.Location, want)
	}
	return r
}

// followRoom GETs the room a form redirected to; browsers keep the
// #anchor to themselves.
func (b *browser) followRoom(r *response) *response {
	b.a.t.Helper()
	r.want(b.a.t, http.StatusSeeOther)
	path, _, _ := strings.Cut(r.Location, "#")
	return b.get(path)
}

// region returns the part of a room page from region name's element to the
// end of the section holding it.
func region(t *testing.T, body, name string) string {
	t.Helper()
	i := strings.Index(body, `data-region="`+name+`"`)
	if i < 0 {
		t.Fatalf("the page has no region %q: %s", name, snippet(body))
	}
	rest := body[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// TestRoom_WithoutJavaScript: every form of the room works as a plain form:
// it answers 303 back to the room at its part, and the next page shows the
// change.
func TestRoom_WithoutJavaScript(t *testing.T) {
	w := newRoomWorld(t)
	fb, nb, tb := w.fb, w.nb, w.tb

	page := fb.get(w.path).want(t, http.StatusOK)
	page.contains(t, "The meeting has not started yet.", "First: Check-in (5 min).", markChallenge, "can-facilitate", "can-control")
	nb.get(w.path).want(t, http.StatusOK).lacks(t, "can-control")

	// The timer.
	fb.post(w.path+"/timer", url.Values{"action": {"start"}}).wantRoom(t, w, "now")
	timer := region(t, fb.get(w.path).want(t, http.StatusOK).Body, "timer")
	for _, want := range []string{`<span class="caption">Now</span> Check-in`, `data-running="true"`, "Next: The challenge (10 min)"} {
		if !strings.Contains(timer, want) {
			t.Errorf("timer lacks %q after start: %s", want, timer)
		}
	}
	tb.post(w.path+"/timer", url.Values{"action": {"pause"}}).wantRoom(t, w, "now")
	if timer := region(t, nb.get(w.path).Body, "timer"); !strings.Contains(timer, `data-running="false"`) || !strings.Contains(timer, "paused") {
		t.Errorf("the timer is not shown paused: %s", timer)
	}
	tb.post(w.path+"/timer", url.Values{"action": {"extend"}, "minutes": {"2"}}).wantRoom(t, w, "now")
	if timer := region(t, nb.get(w.path).Body, "timer"); !strings.Contains(timer, `data-planned="420000"`) {
		t.Errorf("got timer %s, want 7 minutes planned after two more", timer)
	}
	fb.post(w.path+"/timer", url.Values{"action": {"next"}}).wantRoom(t, w, "now")
	nb.get(w.path).contains(t, `<span class="caption">Now</span> The challenge`, "Now: clarifying questions only.")

	// A member may not work the timer: the room again, with the reason.
	nb.post(w.path+"/timer", url.Values{"action": {"next"}}).want(t, http.StatusForbidden).
		contains(t, "There is a problem", "Only the meeting&#39;s facilitator or timekeeper can run the timer.", `<span class="caption">Now</span> The challenge`)

	// The board.
	tb.post(w.path+"/board", url.Values{"kind": {"question"}, "body": {"What did each team say? " + markShared}}).wantRoom(t, w, "board")
	if board := region(t, nb.get(w.path).Body, "board"); !strings.Contains(board, "What did each team say? "+markShared) || !strings.Contains(board, "Taro Kyo") {
		t.Errorf("the question is not on the board: %s", board)
	}
	// A suggestion now is refused; the page keeps what was written.
	tb.post(w.path+"/board", url.Values{"kind": {"suggestion"}, "body": {"Try pairing leads."}}).want(t, http.StatusUnprocessableEntity).
		contains(t, "takes clarifying questions only", ">Try pairing leads.</textarea>")

	// Hands and the floor.
	tb.post(w.path+"/hand", url.Values{"raised": {"1"}}).wantRoom(t, w, "speaking")
	speaking := region(t, fb.get(w.path).Body, "speaking")
	if !strings.Contains(speaking, "Hands raised") || !strings.Contains(speaking, "<li>Taro Kyo") {
		t.Errorf("Taro's hand is not shown: %s", speaking)
	}
	tb.get(w.path).contains(t, "me-hand")
	fb.post(w.path+"/speaker", url.Values{"user": {w.tokyo.ID}}).wantRoom(t, w, "speaking")
	speaking = region(t, nb.get(w.path).Body, "speaking")
	if !strings.Contains(speaking, "<strong>Taro Kyo</strong> has the floor") || strings.Contains(speaking, "Hands raised") {
		t.Errorf("got %s, want Taro speaking and his hand lowered", speaking)
	}
	tb.get(w.path).contains(t, "me-speaking").lacks(t, "me-hand")
	nb.post(w.path+"/speaker", url.Values{"user": {"me"}}).wantRoom(t, w, "speaking")
	fb.get(w.path).contains(t, "<strong>Nia York</strong> has the floor")
	nb.post(w.path+"/speaker", url.Values{"user": {w.tokyo.ID}}).want(t, http.StatusForbidden).contains(t, "Only the facilitator can give the floor")
	nb.post(w.path+"/speaker", url.Values{"user": {""}}).wantRoom(t, w, "speaking")
	fb.get(w.path).contains(t, "Nobody has the floor")

	// Ideas, and Nia's play-back.
	fb.post(w.path+"/timer", url.Values{"action": {"next"}}).wantRoom(t, w, "now")
	suggestion := "Pair each lead with a counterpart for ninety days."
	tb.post(w.path+"/board", url.Values{"kind": {"suggestion"}, "body": {suggestion}}).wantRoom(t, w, "board")
	var postID string
	for _, p := range w.room(t, w.ny).Board {
		if p.Body == suggestion {
			postID = p.ID
		}
	}
	if postID == "" {
		t.Fatal("the suggestion was not saved")
	}
	nb.get(w.path).contains(t, `name="picked" value="`+postID+`"`)
	commitment := "Name the pairs by Friday. " + markCommitment
	tb.post(w.path+"/playback", url.Values{"picked": {postID}, "commitments": {"Not mine"}}).want(t, http.StatusForbidden).
		contains(t, "Only the presenter can play back")
	nb.post(w.path+"/playback", url.Values{"picked": {postID}, "commitments": {commitment + "\r\n\r\nCall both leads."}}).wantRoom(t, w, "playback")
	page = fb.get(w.path).want(t, http.StatusOK)
	page.contains(t, "Commitments made today")
	commitments := region(t, page.Body, "commitments")
	for _, want := range []string{"<strong>Nia York</strong>: " + commitment, "<strong>Nia York</strong>: Call both leads."} {
		if !strings.Contains(commitments, want) {
			t.Errorf("commitments lack %q: %s", want, commitments)
		}
	}
	if board := region(t, page.Body, "board"); !strings.Contains(board, "picked by the presenter") {
		t.Errorf("the picked suggestion is not marked: %s", board)
	}

	// The minutes.
	tb.post(w.path+"/minutes", url.Values{"base_version": {"0"}, "base_text": {""}, "text": {"Nia brought the merger.\r\n" + markMinutes}}).wantRoom(t, w, "minutes")
	if minutes := region(t, nb.get(w.path).Body, "minutes"); !strings.Contains(minutes, "Nia brought the merger.\n"+markMinutes) || !strings.Contains(minutes, "Saved by Taro Kyo") {
		t.Errorf("the minutes are not shown: %s", minutes)
	}
	nb.post(w.path+"/minutes", url.Values{"base_version": {"1"}, "text": {"Mine"}}).want(t, http.StatusForbidden).
		contains(t, "Only the note-taker or the facilitator")

	// Attendance: Fay joined by opening the room (without a live screen she
	// is not followed, so she "was here"); she marks Taro absent and back.
	fb.post(w.path+"/attendance", url.Values{"user": {w.tokyo.ID}, "present": {"0"}}).wantRoom(t, w, "people")
	people := region(t, nb.get(w.path).Body, "people")
	if !regexp.MustCompile(`Fay Facilitator</span>\s*<span class="away">was here`).MatchString(people) ||
		!regexp.MustCompile(`Taro Kyo</span>\s*<span class="away">not here`).MatchString(people) {
		t.Errorf("got people %s, want Fay present and Taro not", people)
	}
	fb.get(w.path).contains(t, `Mark present<span class="visually-hidden">: Taro Kyo</span>`)
	fb.post(w.path+"/attendance", url.Values{"user": {w.tokyo.ID}, "present": {"1"}}).wantRoom(t, w, "people")
	if p := region(t, nb.get(w.path).Body, "people"); !regexp.MustCompile(`Taro Kyo</span>\s*<span class="here">marked present`).MatchString(p) {
		t.Errorf("Taro is not marked present again: %s", p)
	}
	nb.post(w.path+"/attendance", url.Values{"user": {w.tokyo.ID}, "present": {"0"}}).want(t, http.StatusForbidden)

	// The reflection opens when the meeting closes.
	reflection := url.Values{"relevance": {"5"}, "insights": {"4"}, "heard": {"5"}, "line": {"Pairs, not plans."}}
	nb.post(w.path+"/reflection", reflection).want(t, http.StatusUnprocessableEntity).contains(t, "The reflection opens when the meeting closes.")
	fb.post(w.path+"/timer", url.Values{"action": {"end"}}).wantRoom(t, w, "now")
	nb.get(w.path).contains(t, "The meeting has ended.", "is-ended", "is-closing")
	r := nb.post(w.path+"/reflection", reflection).wantRoom(t, w, "reflection")
	nb.followRoom(r).want(t, http.StatusOK).contains(t, "Thank you. Your reflection is saved.")
	if got := w.room(t, w.ny).MyReflection; got == nil || got.Relevance != 5 || got.Insights != 4 || got.Line != "Pairs, not plans." {
		t.Errorf("got reflection %+v, want Nia's", got)
	}

	// The commitments open the next meeting; Nia reports on one there.
	nextRoom := roomPath(w.next.ID)
	follow := region(t, nb.get(nextRoom).want(t, http.StatusOK).Body, "followups")
	if !strings.Contains(follow, commitment) || !strings.Contains(follow, "Call both leads.") {
		t.Fatalf("the next meeting's follow-ups lack the commitments: %s", follow)
	}
	var itemID string
	for _, it := range w.room(t, w.ny).Commitments {
		if it.Text == "Call both leads." {
			itemID = it.ID
		}
	}
	tb.post(nextRoom+"/followups/"+itemID, url.Values{"status": {"done"}}).want(t, http.StatusForbidden)
	r = nb.post(nextRoom+"/followups/"+itemID, url.Values{"status": {"done"}, "report": {"Both called on Monday."}})
	r.want(t, http.StatusSeeOther)
	if r.Location != nextRoom+"#followups" {
		t.Fatalf("got redirect %q, want the next room's follow-ups", r.Location)
	}
	follow = region(t, nb.get(nextRoom).Body, "followups")
	if strings.Contains(follow, "Call both leads.") || !strings.Contains(follow, commitment) {
		t.Errorf("got follow-ups %s, want only the open commitment", follow)
	}
	if strings.Contains(w.a.logs.String(), "level=ERROR") {
		t.Errorf("errors were logged:\n%s", w.a.logs.String())
	}
}

// TestRoom_Script: the same forms as room.js sends them get 204 when they
// work and a JSON reason with the right status when refused; bad input is
// never a 500.
func TestRoom_Script(t *testing.T) {
	w := newRoomWorld(t)
	fb, nb, tb := w.fb, w.nb, w.tb
	fb.get(w.path).want(t, http.StatusOK) // Fay joins

	r := fb.postJS(w.path+"/timer", url.Values{"action": {"start"}}).want(t, http.StatusNoContent)
	if r.Body != "" || r.Location != "" {
		t.Errorf("got body %q and location %q, want neither", r.Body, r.Location)
	}
	if rm := w.room(t, w.fac); !rm.Started || !rm.Timer.Running {
		t.Fatalf("got started %v running %v, want the timer running", rm.Started, rm.Timer.Running)
	}
	nb.postJS(w.path+"/timer", url.Values{"action": {"pause"}}).wantJSONError(t, http.StatusForbidden, "Only the meeting's facilitator or timekeeper")
	tb.postJS(w.path+"/timer", url.Values{"action": {"explode"}}).wantJSONError(t, http.StatusUnprocessableEntity, "Choose start, pause")
	tb.postJS(w.path+"/timer", url.Values{"action": {"next"}}).want(t, http.StatusNoContent)

	// The challenge: questions only.
	body := tb.postJS(w.path+"/board", url.Values{"kind": {"suggestion"}, "body": {"Try pairing leads."}}).
		wantJSONError(t, http.StatusUnprocessableEntity, "This part of the meeting takes clarifying questions only")
	if f, _ := body["fields"].(map[string]any); f["body"] == nil {
		t.Errorf("got %v, want the body field flagged", body)
	}
	tb.postJS(w.path+"/board", url.Values{"kind": {"question"}, "body": {"  \r\n "}}).wantJSONError(t, http.StatusUnprocessableEntity, "")
	tb.postJS(w.path+"/board", url.Values{"kind": {"question"}, "body": {"Who reports to whom?"}}).want(t, http.StatusNoContent)
	tb.postJS(w.path+"/hand", url.Values{"raised": {"1"}}).want(t, http.StatusNoContent)
	fb.postJS(w.path+"/speaker", url.Values{"user": {w.ny.ID}}).want(t, http.StatusNoContent)
	fb.postJS(w.path+"/attendance", url.Values{"user": {w.ny.ID}, "present": {"1"}}).want(t, http.StatusNoContent)
	tb.postJS(w.path+"/minutes", url.Values{"base_version": {"0"}, "text": {"Notes"}}).want(t, http.StatusOK)
	rm := w.room(t, w.fac)
	if len(rm.Board) != 1 || rm.Speaker != w.ny.ID || len(rm.Hands) != 1 || rm.Minutes.Text != "Notes" {
		t.Fatalf("got board %v, speaker %q, hands %v, minutes %q; want what was sent", rm.Board, rm.Speaker, rm.Hands, rm.Minutes.Text)
	}

	// Garbage: a refusal a person can read, never a 500. want 0 means any
	// answer below 500.
	huge := strings.Repeat("é", 5000)
	tooBig := strings.Repeat("x", maxFormBody+10)
	for _, c := range []struct {
		name string
		b    *browser
		path string
		form url.Values
		want int
	}{
		{"UnknownKind", tb, "/board", url.Values{"kind": {"rant"}, "body": {"Hm"}}, http.StatusUnprocessableEntity},
		{"NoKind", tb, "/board", url.Values{"body": {"Hm"}}, http.StatusUnprocessableEntity},
		{"HugePost", tb, "/board", url.Values{"kind": {"question"}, "body": {huge}}, http.StatusUnprocessableEntity},
		{"BodyTooLarge", tb, "/board", url.Values{"kind": {"question"}, "body": {tooBig}}, http.StatusRequestEntityTooLarge},
		{"ControlChars", tb, "/board", url.Values{"kind": {"question"}, "body": {"\x00\x01\x7f"}}, 0},
		{"MinutesNotANumber", tb, "/timer", url.Values{"action": {"extend"}, "minutes": {"many"}}, 0},
		{"MinutesOverflow", tb, "/timer", url.Values{"action": {"extend"}, "minutes": {"99999999999999999999999"}}, 0},
		{"MinutesNegative", tb, "/timer", url.Values{"action": {"extend"}, "minutes": {"-5"}}, http.StatusUnprocessableEntity},
		{"MinutesTooMany", tb, "/timer", url.Values{"action": {"extend"}, "minutes": {"100000"}}, http.StatusUnprocessableEntity},
		{"SpeakerUnknown", fb, "/speaker", url.Values{"user": {"no-such-user"}}, http.StatusUnprocessableEntity},
		{"SpeakerHuge", fb, "/speaker", url.Values{"user": {huge}}, http.StatusUnprocessableEntity},
		{"SpeakerOtherCircle", fb, "/speaker", url.Values{"user": {w.org.ID}}, http.StatusUnprocessableEntity},
		{"AttendanceUnknown", fb, "/attendance", url.Values{"user": {"../../etc/passwd"}, "present": {"1"}}, http.StatusUnprocessableEntity},
		{"AttendanceNoUser", fb, "/attendance", url.Values{"present": {"maybe"}}, http.StatusUnprocessableEntity},
		{"HandGarbage", tb, "/hand", url.Values{"raised": {"lots"}}, 0},
		{"MinutesBaseNotANumber", tb, "/minutes", url.Values{"base_version": {"v1"}, "base_text": {"?"}, "text": {"Notes\nMore"}}, 0},
		{"MinutesBaseHuge", tb, "/minutes", url.Values{"base_version": {"-99999999999999999999"}, "text": {"Notes\nMore"}}, 0},
		{"MinutesTooLong", tb, "/minutes", url.Values{"base_version": {strconv.Itoa(w.room(t, w.fac).Minutes.Version)}, "text": {strings.Repeat("m", 10001)}}, http.StatusUnprocessableEntity},
		{"PickUnknown", nb, "/playback", url.Values{"picked": {"not-a-post"}}, http.StatusUnprocessableEntity},
		{"PickQuestion", nb, "/playback", url.Values{"picked": {rm.Board[0].ID}}, http.StatusUnprocessableEntity},
		{"TooManyCommitments", nb, "/playback", url.Values{"commitments": {strings.Repeat("Do it\n", 30)}}, http.StatusUnprocessableEntity},
		{"LongCommitment", nb, "/playback", url.Values{"commitments": {strings.Repeat("c", 600)}}, http.StatusUnprocessableEntity},
		{"ReflectionScores", nb, "/reflection", url.Values{"relevance": {"eleven"}, "insights": {"-1"}, "heard": {"9999999999999999999999"}}, http.StatusUnprocessableEntity},
		{"FollowUpUnknown", nb, "/followups/not-an-item", url.Values{"status": {"done"}}, http.StatusNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, js := range []bool{true, false} {
				var res *response
				if js {
					res = c.b.postJS(w.path+c.path, c.form)
				} else {
					res = c.b.post(w.path+c.path, c.form)
				}
				if res.Code >= 500 || (c.want != 0 && res.Code != c.want) {
					t.Fatalf("JSON %v: got status %d, want %d (below 500); body: %s", js, res.Code, c.want, snippet(res.Body))
				}
				if js && res.Code >= 400 && res.Code != http.StatusRequestEntityTooLarge {
					if msg, _ := res.jsonOf(t)["error"].(string); msg == "" {
						t.Errorf("JSON: got %s, want an error to show", res.Body)
					}
				}
				if !js && res.Code >= 400 && !strings.Contains(res.Body, "<h1") {
					t.Errorf("without JavaScript: got %s, want a page", snippet(res.Body))
				}
			}
		})
	}
	if strings.Contains(w.a.logs.String(), "level=ERROR") {
		t.Errorf("errors were logged:\n%s", w.a.logs.String())
	}
}

// TestRoom_Minutes: Fay (facilitator) and Taro (note-taker) save from the
// same version. Edits of different lines are merged; edits of the same
// lines are a conflict that loses nothing, with or without JavaScript.
func TestRoom_Minutes(t *testing.T) {
	w := newRoomWorld(t)
	fb, tb := w.fb, w.tb
	w.goTo(t, rsChallenge)
	save := func(b *browser, base int, baseText, text string) map[string]any {
		t.Helper()
		return b.postJS(w.path+"/minutes", url.Values{"base_version": {strconv.Itoa(base)}, "base_text": {baseText}, "text": {text}}).
			want(t, http.StatusOK).jsonOf(t)
	}
	num := func(v any) int { f, _ := v.(float64); return int(f) }

	first := save(tb, 0, "", "A\nB\nC")
	if num(first["version"]) != 1 || first["merged"] != false || first["conflict"] != false || first["text"] != "A\nB\nC" {
		t.Fatalf("got %v, want version 1 saved as sent", first)
	}

	t.Run("Merged", func(t *testing.T) {
		got := save(tb, 1, "A\nB\nC", "A by Taro\nB\nC")
		if num(got["version"]) != 2 || got["merged"] != false {
			t.Fatalf("got %v, want version 2", got)
		}
		got = save(fb, 1, "A\nB\nC", "A\nB\nC\nD by Fay")
		if got["merged"] != true || got["conflict"] != false || num(got["version"]) != 3 || got["text"] != "A by Taro\nB\nC\nD by Fay" {
			t.Fatalf("got %v, want both edits merged as version 3", got)
		}
		if m := region(t, w.nb.get(w.path).Body, "minutes"); !strings.Contains(m, "A by Taro\nB\nC\nD by Fay") {
			t.Errorf("the page does not show both edits: %s", m)
		}
	})

	t.Run("ConflictJSON", func(t *testing.T) {
		base := "A by Taro\nB\nC\nD by Fay"
		save(tb, 3, base, "A by Taro\nB as Taro heard it\nC\nD by Fay")
		got := save(fb, 3, base, "A by Taro\nB as Fay heard it\nC\nD by Fay")
		theirs, _ := got["theirs"].(map[string]any)
		if got["conflict"] != true || got["merged"] != false || theirs == nil {
			t.Fatalf("got %v, want a conflict with theirs", got)
		}
		if num(theirs["version"]) != 4 || theirs["text"] != "A by Taro\nB as Taro heard it\nC\nD by Fay" || theirs["by"] != "Taro Kyo" {
			t.Fatalf("got theirs %v, want Taro's version 4", theirs)
		}
		if m := w.room(t, w.fac).Minutes; m.Version != 4 || !strings.Contains(m.Text, "B as Taro heard it") {
			t.Fatalf("got minutes %d %q, want Taro's kept as they were", m.Version, m.Text)
		}
	})

	t.Run("ConflictWithoutJavaScript", func(t *testing.T) {
		base := "A by Taro\nB\nC\nD by Fay" // Fay's page is still at version 3
		mine := "A by Taro\nB as Fay heard it\nC\nD by Fay"
		page := fb.post(w.path+"/minutes", url.Values{"base_version": {"3"}, "base_text": {base}, "text": {mine}}).want(t, http.StatusConflict)
		page.contains(t, "Taro Kyo changed the same lines", "Nothing of yours is lost",
			`<pre class="minutes-text">A by Taro`+"\nB as Taro heard it\n",
			`name="base_version" value="4"`)
		textarea := regexp.MustCompile(`(?s)<textarea id="minutes-text"[^>]*>(.*?)</textarea>`).FindStringSubmatch(page.Body)
		if textarea == nil || html.UnescapeString(textarea[1]) != mine {
			t.Fatalf("got textarea %q, want Fay's text %q", textarea, mine)
		}
		baseText := regexp.MustCompile(`name="base_text" value="([^"]*)"`).FindStringSubmatch(page.Body)
		if baseText == nil || html.UnescapeString(baseText[1]) != "A by Taro\nB as Taro heard it\nC\nD by Fay" {
			t.Fatalf("got base text %q, want Taro's version to merge against", baseText)
		}
		if m := w.room(t, w.fac).Minutes; m.Version != 4 {
			t.Fatalf("got version %d, want nothing saved on a conflict", m.Version)
		}
		// Fay merges by hand from what the page gave her.
		resolved := "A by Taro\nB as Taro heard it; B as Fay heard it\nC\nD by Fay"
		fb.post(w.path+"/minutes", url.Values{"base_version": {"4"}, "base_text": {html.UnescapeString(baseText[1])}, "text": {resolved}}).
			wantRoom(t, w, "minutes")
		if m := w.room(t, w.tokyo).Minutes; m.Version != 5 || m.Text != resolved {
			t.Fatalf("got %d %q, want her merge saved", m.Version, m.Text)
		}
	})

	t.Run("MergedWithoutJavaScript", func(t *testing.T) {
		base := w.room(t, w.fac).Minutes.Text
		save(tb, 5, base, "Present: all\n"+base)
		r := fb.post(w.path+"/minutes", url.Values{"base_version": {"5"}, "base_text": {base}, "text": {base + "\nNext: pairs"}}).wantRoom(t, w, "minutes")
		page := fb.followRoom(r).want(t, http.StatusOK).contains(t, "both of your changes are kept")
		want := "Present: all\n" + base + "\nNext: pairs"
		if m := region(t, page.Body, "minutes"); !strings.Contains(m, want) {
			t.Errorf("got minutes %s, want %q", m, want)
		}
	})
}

// liveServer serves the app over HTTP with room changes reaching the hub, as
// cmd/roundtable wires it.
func (w *roomWorld) liveServer(t *testing.T) {
	t.Helper()
	w.hub = w.a.srv.Hub()
	w.a.db.OnRoomChange(w.hub.Publish)
	w.ts = httptest.NewServer(w.a.srv)
	t.Cleanup(func() {
		w.a.db.OnRoomChange(nil)
		w.hub.Close() // ends the streams, so the server can close
		w.ts.CloseClientConnections()
		w.ts.Close()
	})
}

// sseEvent is one event of a stream.
type sseEvent struct {
	ID   string
	Data string
}

// roomFrameData is the data of a room event.
type roomFrameData struct {
	State   roomState         `json:"state"`
	Regions map[string]string `json:"regions"`
}

// sseStream reads one screen's event stream.
type sseStream struct {
	t      *testing.T
	res    *http.Response
	events chan sseEvent
	cancel context.CancelFunc
}

// openEvents opens the room's event stream as u, with lastID as
// Last-Event-ID when set. It returns the stream, or nil with the status and
// body the server answered instead.
func (w *roomWorld) openEvents(t *testing.T, u *roundtable.User, lastID string) (*sseStream, int, string) {
	t.Helper()
	token, err := w.a.svc.Auth.CreateSession(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The deadline ends the stream whatever happens, so no test hangs.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.ts.URL+w.path+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := w.ts.Client().Do(req)
	if err != nil {
		cancel()
		t.Fatalf("open events: %v", err)
	}
	if res.StatusCode != http.StatusOK {
		defer cancel()
		body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
		res.Body.Close()
		return nil, res.StatusCode, string(body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("got Content-Type %q, want text/event-stream", ct)
	}
	s := &sseStream{t: t, res: res, events: make(chan sseEvent, 16), cancel: cancel}
	t.Cleanup(s.close)
	go s.read(ctx)
	return s, res.StatusCode, ""
}

func (s *sseStream) close() {
	s.cancel()
	s.res.Body.Close()
}

// read parses events until the stream ends; comments and the retry field
// are skipped.
func (s *sseStream) read(ctx context.Context) {
	defer close(s.events)
	br := bufio.NewReader(s.res.Body)
	var ev sseEvent
	var data []string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "":
			if data != nil {
				ev.Data = strings.Join(data, "\n")
				select {
				case s.events <- ev:
				case <-ctx.Done():
					return
				}
			}
			ev, data = sseEvent{}, nil
		case strings.HasPrefix(line, ":"):
		case strings.HasPrefix(line, "id:"):
			ev.ID = strings.TrimPrefix(strings.TrimPrefix(line, "id:"), " ")
		case strings.HasPrefix(line, "data:"):
			data = append(data, strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
		}
	}
}

// next waits for the next event, failing after limit.
func (s *sseStream) next(limit time.Duration) (sseEvent, roomFrameData) {
	s.t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			s.t.Fatal("the event stream ended")
		}
		var f roomFrameData
		if err := json.Unmarshal([]byte(ev.Data), &f); err != nil {
			s.t.Fatalf("decode event data %q: %v", ev.Data, err)
		}
		if id, err := strconv.ParseInt(ev.ID, 10, 64); err != nil || id != f.State.Version {
			s.t.Fatalf("got event id %q, want the frame's version %d", ev.ID, f.State.Version)
		}
		return ev, f
	case <-time.After(limit):
		s.t.Fatalf("no event within %s", limit)
	}
	panic("unreachable")
}

// until reads events until one satisfies ok, checking that versions only
// go up, and returns it.
func (s *sseStream) until(what string, after int64, limit time.Duration, ok func(roomFrameData) bool) roomFrameData {
	s.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			s.t.Fatalf("no event with %s within %s", what, limit)
		}
		_, f := s.next(left)
		if f.State.Version <= after {
			s.t.Fatalf("got version %d after %d, want a higher one", f.State.Version, after)
		}
		after = f.State.Version
		if ok(f) {
			return f
		}
	}
}

// TestRoom_Events: a screen's stream starts with the current room, gets
// every change another member makes as a newer frame, and a reconnecting
// screen is brought up to date at once.
func TestRoom_Events(t *testing.T) {
	w := newRoomWorld(t)
	w.liveServer(t)
	w.goTo(t, rsChallenge)

	start := time.Now()
	s, _, _ := w.openEvents(t, w.ny, "")
	ev, f := s.next(2 * time.Second)
	t.Logf("first event after %s", time.Since(start))
	if want := w.room(t, w.ny).Version; f.State.Version != want {
		t.Fatalf("got version %d, want the current %d", f.State.Version, want)
	}
	for _, name := range roomRegions {
		if _, ok := f.Regions[name]; !ok {
			t.Errorf("the frame lacks region %q", name)
		}
	}
	if !f.State.Started || !strings.Contains(f.Regions["timer"], "The challenge") || !strings.Contains(f.Regions["challenge"], markChallenge) {
		t.Errorf("got state %+v and timer %q, want the running challenge segment with its card", f.State, f.Regions["timer"])
	}

	// Taro posts a question (as room.js would); Nia's stream gets it, with
	// markup escaped: room.js puts regions in with innerHTML.
	question := "Who decides on the org chart? " + markShared
	const markup = `<img src=x onerror="alert(1)">`
	w.tb.postJS(w.path+"/board", url.Values{"kind": {"question"}, "body": {question + " " + markup}}).want(t, http.StatusNoContent)
	got := s.until("the question", f.State.Version, 2*time.Second, func(f roomFrameData) bool { return strings.Contains(f.Regions["board"], question) })
	if b := got.Regions["board"]; strings.Contains(b, "<img") || !strings.Contains(b, "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;") {
		t.Errorf("got board %s, want the post's markup escaped", b)
	}
	// Fay moves on; the frame says so.
	w.fb.postJS(w.path+"/timer", url.Values{"action": {"next"}}).want(t, http.StatusNoContent)
	got = s.until("the next segment", got.State.Version, 2*time.Second, func(f roomFrameData) bool {
		return strings.Contains(f.Regions["timer"], `<span class="caption">Now</span> Ideas`) && strings.Contains(f.Regions["board"], "questions and suggestions are welcome")
	})

	// A screen that lost its connection reconnects with the last id it had:
	// the current room comes at once.
	s.close()
	w.waitGone(t, w.ny) // her leaving changes the room too
	w.post(t, w.tokyo, roundtable.PostSuggestion, "Pair the leads.")
	again, _, _ := w.openEvents(t, w.ny, ev.ID)
	_, f = again.next(2 * time.Second)
	if want := w.room(t, w.ny).Version; f.State.Version != want || f.State.Version <= got.State.Version {
		t.Fatalf("got version %d, want the current %d (above %d)", f.State.Version, want, got.State.Version)
	}
	if !strings.Contains(f.Regions["board"], "Pair the leads.") {
		t.Errorf("the reconnected screen lacks the suggestion made while it was away: %s", f.Regions["board"])
	}
}

// TestRoom_Confidentiality: no one outside the circle finds the room or
// anything in it; a guest sees the room but only what is shared with guests.
func TestRoom_Confidentiality(t *testing.T) {
	w := newRoomWorld(t)
	w.liveServer(t)
	a := w.a
	id := w.meeting.ID

	// Another circle of the same program, with its own member; a stranger.
	ap := a.applicant(w.org, w.prog, "omar@example.org", "Omar Oak", "Decide.", true)
	oak := a.circle(w.org, w.prog, "Circle Oak")
	omar := a.member(w.org, oak, ap, "Europe/Paris")
	stranger := a.user("sam@example.org", "Sam Stranger", false)

	// A guest, invited the way the facilitator does it.
	if err := a.svc.Room.InviteGuest(as(w.fac), id, "Gia Guest", "gia@example.org"); err != nil {
		t.Fatalf("invite guest: %v", err)
	}
	gia, err := a.svc.Auth.RedeemSignInLink(context.Background(), a.tokenFor(linkRE, "gia@example.org"))
	if err != nil {
		t.Fatalf("redeem the guest's link: %v", err)
	}

	// The room fills with circle content.
	w.goTo(t, rsChallenge)
	w.post(t, w.tokyo, roundtable.PostQuestion, "Shared: "+markShared)
	w.goTo(t, rsIdeas)
	sug := w.post(t, w.tokyo, roundtable.PostSuggestion, "Private: "+markSuggestion)
	w.post(t, w.tokyo, roundtable.PostQuestion, "Private: "+markCircleOnly)
	if _, err := a.svc.Room.SaveMinutes(as(w.tokyo), id, 0, "", "Notes: "+markMinutes); err != nil {
		t.Fatal(err)
	}
	items, err := a.svc.Room.PlayBack(as(w.ny), id, []string{sug.ID}, []string{"Act: " + markCommitment})
	if err != nil || len(items) != 1 {
		t.Fatalf("play-back: %v %v", items, err)
	}
	secrets := []string{markChallenge, markShared, markSuggestion, markMinutes, markCommitment, markCircleOnly, "Circle Cedar", "How do I build one team?"}
	member := w.nb.get(w.path).want(t, http.StatusOK)
	member.contains(t, secrets...)

	posts := []struct {
		path string
		form url.Values
	}{
		{"/timer", url.Values{"action": {"start"}}},
		{"/timer", url.Values{"action": {"next"}}},
		{"/speaker", url.Values{"user": {"me"}}},
		{"/hand", url.Values{"raised": {"1"}}},
		{"/board", url.Values{"kind": {"question"}, "body": {"Who are you?"}}},
		{"/playback", url.Values{"picked": {sug.ID}, "commitments": {"Mine now"}}},
		{"/followups/" + items[0].ID, url.Values{"status": {"dropped"}, "report": {"No"}}},
		{"/minutes", url.Values{"base_version": {"1"}, "base_text": {"Notes: " + markMinutes}, "text": {"Overwritten"}}},
		{"/attendance", url.Values{"user": {w.ny.ID}, "present": {"0"}}},
		{"/reflection", url.Values{"relevance": {"1"}, "insights": {"1"}, "heard": {"1"}}},
	}
	before := w.room(t, w.fac).Version
	for name, u := range map[string]*roundtable.User{"OtherCircleMember": omar, "Organizer": w.org, "Stranger": stranger} {
		t.Run(name, func(t *testing.T) {
			b := a.browser().signInAs(u)
			b.get(w.path).want(t, http.StatusNotFound).lacks(t, secrets...)
			if s, code, body := w.openEvents(t, u, ""); s != nil || code != http.StatusNotFound {
				t.Errorf("events: got status %d, want 404", code)
			} else {
				for _, secret := range secrets {
					if strings.Contains(body, secret) {
						t.Errorf("events: the 404 holds %q", secret)
					}
				}
			}
			for _, p := range posts {
				b.post(w.path+p.path, p.form).want(t, http.StatusNotFound).lacks(t, secrets...)
				b.postJS(w.path+p.path, p.form).wantJSONError(t, http.StatusNotFound, "")
				if res := b.postJS(w.path+p.path, p.form); strings.Contains(res.Body, "Cedar") || strings.Contains(res.Body, "Quokka") {
					t.Errorf("%s: got %s, want nothing of the room", p.path, res.Body)
				}
			}
		})
	}
	t.Run("Anonymous", func(t *testing.T) {
		b := a.browser()
		r := b.get(w.path).want(t, http.StatusSeeOther).lacks(t, secrets...)
		if !strings.HasPrefix(r.Location, "/signin") {
			t.Errorf("got redirect %q, want the sign-in page", r.Location)
		}
		for _, p := range posts {
			b.post(w.path+p.path, p.form).want(t, http.StatusSeeOther).lacks(t, secrets...)
		}
	})
	rm := w.room(t, w.fac)
	if rm.Version != before || rm.Minutes.Text != "Notes: "+markMinutes || len(rm.Board) != 3 || len(rm.Commitments) != 1 || rm.Commitments[0].Status != roundtable.ActionOpen {
		t.Fatalf("got version %d (was %d), minutes %q, %d posts, commitments %v: want the room unchanged by outsiders",
			rm.Version, before, rm.Minutes.Text, len(rm.Board), rm.Commitments)
	}

	t.Run("Guest", func(t *testing.T) {
		gb := a.browser().signInAs(gia)
		circleOnly := []string{markChallenge, markSuggestion, markMinutes, markCommitment, markCircleOnly, "How do I build one team?"}
		page := gb.get(w.path).want(t, http.StatusOK)
		page.contains(t, "Circle Cedar", "You are a guest", "Gia Guest", "Ideas").lacks(t, circleOnly...)
		s, _, _ := w.openEvents(t, gia, "")
		ev, f := s.next(2 * time.Second)
		for _, secret := range circleOnly {
			if strings.Contains(ev.Data, secret) {
				t.Errorf("the guest's frame holds %q", secret)
			}
		}
		if f.State.MinutesText != "" || f.State.MinutesVersion != 0 {
			t.Errorf("got minutes %q in the guest's state, want none", f.State.MinutesText)
		}
		if !strings.Contains(f.Regions["board"], markShared) {
			t.Errorf("the guest's board lacks the question posted in a shared part: %s", f.Regions["board"])
		}
		// In a part shared with guests, she follows it, still without the
		// circle's own business.
		w.goTo(t, rsChallenge)
		f = s.until("the shared part", f.State.Version, 2*time.Second, func(f roomFrameData) bool {
			return strings.Contains(f.Regions["timer"], `<span class="caption">Now</span> The challenge`)
		})
		for _, secret := range []string{markSuggestion, markMinutes, markCommitment, markCircleOnly} {
			for name, html := range f.Regions {
				if strings.Contains(html, secret) {
					t.Errorf("the guest's %s region holds %q during a shared part", name, secret)
				}
			}
		}
		// The challenge is what a shared part is about: she sees it then.
		gb.get(w.path).want(t, http.StatusOK).contains(t, "The challenge", markChallenge).
			lacks(t, markSuggestion, markMinutes, markCommitment, markCircleOnly)
		gb.postJS(w.path+"/hand", url.Values{"raised": {"1"}}).want(t, http.StatusNoContent)
		w.goTo(t, rsIdeas)
		// She takes part only in the parts shared with her, and never in the
		// circle's own business.
		gb.postJS(w.path+"/board", url.Values{"kind": {"question"}, "body": {"May I ask?"}}).wantJSONError(t, http.StatusUnprocessableEntity, "for the circle only")
		gb.postJS(w.path+"/minutes", url.Values{"base_version": {"1"}, "text": {"Guest notes"}}).wantJSONError(t, http.StatusForbidden, "")
		gb.post(w.path+"/minutes", url.Values{"base_version": {"1"}, "text": {"Guest notes"}}).want(t, http.StatusForbidden).lacks(t, circleOnly...)
		gb.postJS(w.path+"/reflection", url.Values{"relevance": {"5"}, "insights": {"5"}, "heard": {"5"}}).wantJSONError(t, http.StatusForbidden, "")
		gb.postJS(w.path+"/timer", url.Values{"action": {"next"}}).wantJSONError(t, http.StatusForbidden, "")
		gb.postJS(w.path+"/followups/"+items[0].ID, url.Values{"status": {"done"}}).wantJSONError(t, http.StatusNotFound, "")
		gb.get(roomPath(w.next.ID)).want(t, http.StatusNotFound).lacks(t, secrets...)
		// Once the meeting ends, the room closes to her.
		w.timer(t, roundtable.TimerEnd)
		gb.get(w.path).want(t, http.StatusNotFound).lacks(t, secrets...)
		if s, code, _ := w.openEvents(t, gia, ""); s != nil || code != http.StatusNotFound {
			t.Errorf("events after the end: got status %d, want 404", code)
		}
	})
}

// TestRoom_RemovedGuestIsShutOut: once the facilitator withdraws a guest's
// invitation, her open stream ends before anything said after it reaches
// her, and she cannot open it again.
func TestRoom_RemovedGuestIsShutOut(t *testing.T) {
	w := newRoomWorld(t)
	w.liveServer(t)
	a := w.a
	if err := a.svc.Room.InviteGuest(as(w.fac), w.meeting.ID, "Gia Guest", "gia@example.org"); err != nil {
		t.Fatalf("invite guest: %v", err)
	}
	gia, err := a.svc.Auth.RedeemSignInLink(context.Background(), a.tokenFor(linkRE, "gia@example.org"))
	if err != nil {
		t.Fatalf("redeem the guest's link: %v", err)
	}
	w.goTo(t, rsChallenge) // a part shared with guests
	s, _, _ := w.openEvents(t, gia, "")
	s.next(2 * time.Second)

	if err := a.svc.Room.RemoveGuest(as(w.fac), w.meeting.ID, gia.ID); err != nil {
		t.Fatalf("remove guest: %v", err)
	}
	w.post(t, w.tokyo, roundtable.PostQuestion, "After she left: Wombat-4411")
	s.wantEndWithout("Wombat-4411", "the removed guest received what was posted after she was removed", "the removed guest's stream is still open")
	_, status, _ := w.openEvents(t, gia, "")
	if status != http.StatusNotFound {
		t.Errorf("the removed guest reopening the stream: got %d, want 404", status)
	}
}

// wantEndWithout waits up to 3 s for the stream to end, failing with leaked
// when an event carries marker, or with open when the stream stays open.
func (s *sseStream) wantEndWithout(marker, leaked, open string) {
	s.t.Helper()
	deadline := time.After(3 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return
			}
			if strings.Contains(ev.Data, marker) {
				s.t.Fatal(leaked)
			}
		case <-deadline:
			s.t.Fatal(open)
		}
	}
}

// TestRoom_RemovedMemberIsShutOut: a member the organizer takes out of the
// circle has her open stream closed at once, before anything said after
// it reaches her.
func TestRoom_RemovedMemberIsShutOut(t *testing.T) {
	w := newRoomWorld(t)
	w.liveServer(t)
	w.goTo(t, rsChallenge)
	s, _, _ := w.openEvents(t, w.tokyo, "")
	s.next(2 * time.Second)

	if err := w.a.svc.Circles.RemoveMember(as(w.org), w.circle.ID, w.tokyo.ID); err != nil {
		t.Fatalf("remove member: %v", err)
	}
	w.post(t, w.ny, roundtable.PostQuestion, "After she left: Numbat-2290")
	s.wantEndWithout("Numbat-2290", "the removed member received what was posted after she left", "the removed member's stream is still open")
	_, status, _ := w.openEvents(t, w.tokyo, "")
	if status != http.StatusNotFound {
		t.Errorf("the removed member reopening the stream: got %d, want 404", status)
	}
}
