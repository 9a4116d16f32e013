package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// roomRegions are the parts of the meeting room that change while it runs.
// Each is a template "room_NAME" drawn from a roomView; the page draws them
// all, and every change sends them to every screen as one frame.
var roomRegions = []string{"agenda", "timer", "speaking", "challenge", "board", "followups", "playback", "commitments", "minutes", "people"}

// roomView is what the live regions show. It does not depend on who looks:
// every screen of an audience gets the same bytes, and each person's own
// controls are picked out on their screen (room.js, or the classes the page
// is drawn with when JavaScript is off).
type roomView struct {
	R     *roundtable.Room
	Now   time.Time
	Guest bool // drawn for guests, who see only what is shared with them
	// AllPosts draws the whole board rather than its newest posts: on the
	// page asked for it, never in the frames every screen shares.
	AllPosts bool
	// Bar, People and Turns are the rows of the agenda bar, the people and
	// a round's turns, worked out once here: the templates would otherwise
	// call a method or compare by reflection for every row, on every frame.
	Bar    []segmentRow
	People []personRow
	Turns  []turnRow
	Shares []shareRow
	names  map[string]string
	// questions and suggestions are the board's posts of each kind, oldest
	// first, sorted out once: the board and the play-back ask for them
	// several times a draw.
	questions, suggestions []roundtable.BoardPost
	// barTop is the share the widest speaking bar stands for: twice the
	// fair share or the largest share, whichever is more.
	barTop float64
}

// segmentRow is one part on the agenda bar.
type segmentRow struct {
	Title         string
	Minutes       int
	State         string // "done", "current" or "later"
	Done, Current bool
}

// personRow is one person in the room's list of people.
type personRow struct {
	UserID, Name   string
	Guest, Present bool
	Presence       presenceMark
}

// shareRow is one person's speaking time, written out for its bar.
type shareRow struct {
	Name                         string
	Width, FairLeft, Spoken, Pct string
	NotYet, Over                 bool
}

// turnRow is one person in a round's order of turns.
type turnRow struct {
	UserID, Name string
	Speaking     bool // has the floor now
}

func newRoomView(r *roundtable.Room, now time.Time, guest bool) *roomView {
	v := &roomView{R: r, Now: now, Guest: guest, names: map[string]string{}}
	for _, p := range r.People {
		v.names[p.UserID] = p.Name
	}
	for _, s := range r.Speaking {
		v.barTop = math.Max(v.barTop, math.Max(s.Share, 2*s.Fair))
	}
	for _, p := range r.Board {
		switch p.Kind {
		case roundtable.PostQuestion:
			v.questions = append(v.questions, p)
		case roundtable.PostSuggestion:
			v.suggestions = append(v.suggestions, p)
		}
	}
	v.Bar = make([]segmentRow, len(r.Segments))
	for i, s := range r.Segments {
		state := v.SegmentState(i)
		v.Bar[i] = segmentRow{Title: s.Title, Minutes: s.Minutes, State: state, Done: state == "done", Current: state == "current"}
	}
	v.People = make([]personRow, len(r.People))
	for i, p := range r.People {
		v.People[i] = personRow{UserID: p.UserID, Name: p.Name, Guest: p.Guest, Present: p.Present, Presence: v.Presence(p)}
	}
	v.Shares = make([]shareRow, len(r.Speaking))
	for i, sh := range r.Speaking {
		v.Shares[i] = shareRow{Name: sh.Name, Width: v.BarWidth(sh.Share), FairLeft: v.BarWidth(sh.Fair),
			Spoken: v.Spoken(sh.Spoken), Pct: v.Percent(sh.Share), NotYet: sh.NotYet, Over: sh.Over}
	}
	v.Turns = make([]turnRow, len(r.RoundOrder))
	for i, id := range r.RoundOrder {
		v.Turns[i] = turnRow{UserID: id, Name: v.Name(id), Speaking: id == r.Speaker}
	}
	return v
}

// Name returns a person's name ("someone" for a person no longer in the room).
func (v *roomView) Name(userID string) string {
	if n, ok := v.names[userID]; ok {
		return n
	}
	return "someone"
}

// Segment returns the segment in progress, or nil.
func (v *roomView) Segment() *roundtable.Segment { return v.R.Segment() }

// NextSegment returns the segment after the current one, or nil.
func (v *roomView) NextSegment() *roundtable.Segment {
	if i := v.R.Current + 1; i < len(v.R.Segments) {
		return &v.R.Segments[i]
	}
	return nil
}

// SegmentState is "done", "current" or "later" for the agenda bar.
func (v *roomView) SegmentState(i int) string {
	switch {
	case v.R.Ended || i < v.R.Current:
		return "done"
	case i == v.R.Current && v.R.Started:
		return "current"
	}
	return "later"
}

// Millis gives a time or a duration in milliseconds for room.js.
func (v *roomView) Millis(x any) int64 {
	switch t := x.(type) {
	case time.Time:
		if t.IsZero() {
			return 0
		}
		return t.UnixMilli()
	case time.Duration:
		return t.Milliseconds()
	}
	return 0
}

// Clock shows the timer as it stands when the view is drawn: "07:42 left",
// "02:10 over". Screens with JavaScript count on from here.
func (v *roomView) Clock() string {
	left := v.R.Timer.RemainingAt(v.Now)
	if left < 0 {
		return clockText(-left) + " over"
	}
	return clockText(left) + " left"
}

// TimerState is "", "warn" or "late".
func (v *roomView) TimerState() string {
	left := v.R.Timer.RemainingAt(v.Now)
	switch {
	case !v.R.Started || v.R.Ended:
		return ""
	case left < 0:
		return "late"
	case left <= v.R.Timer.WarnBefore():
		return "warn"
	}
	return ""
}

// clockText writes a duration as m:ss (or h:mm:ss past an hour).
func clockText(d time.Duration) string {
	s := int(math.Round(d.Seconds()))
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

// Spoken writes a speaking time briefly: "45 s", "3 min 10 s".
func (v *roomView) Spoken(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s < 60 {
		return fmt.Sprintf("%d s", s)
	}
	if s%60 == 0 {
		return fmt.Sprintf("%d min", s/60)
	}
	return fmt.Sprintf("%d min %d s", s/60, s%60)
}

// Percent writes a share as a whole percentage.
func (v *roomView) Percent(f float64) string { return fmt.Sprintf("%.0f", 100*f) }

// BarWidth is a share's bar width in percent of the widest bar shown.
func (v *roomView) BarWidth(f float64) string {
	if v.barTop == 0 {
		return "0"
	}
	return fmt.Sprintf("%.1f", 100*f/v.barTop)
}

// NotYet lists the names of people present who have not spoken.
func (v *roomView) NotYet() []string {
	var out []string
	for _, s := range v.R.Speaking {
		if s.NotYet {
			out = append(out, s.Name)
		}
	}
	return out
}

// boardShown is how many posts of each kind the room shows: the newest. A
// board hundreds of posts long stays light on every screen and in every
// frame; the whole board is one link away.
const boardShown = 30

// Posts returns the board posts of a kind that the room shows, oldest
// first: the newest boardShown, or all of them on the page asked to show
// the whole board.
func (v *roomView) Posts(kind roundtable.BoardKind) []roundtable.BoardPost {
	out := v.allPosts(kind)
	if !v.AllPosts && len(out) > boardShown {
		out = out[len(out)-boardShown:]
	}
	return out
}

// PostCount returns how many posts of a kind the board holds.
func (v *roomView) PostCount(kind roundtable.BoardKind) int { return len(v.allPosts(kind)) }

// BoardLong reports whether the board holds more posts than the room shows.
func (v *roomView) BoardLong() bool {
	return v.PostCount(roundtable.PostQuestion) > boardShown || v.PostCount(roundtable.PostSuggestion) > boardShown
}

// Pickable returns the suggestions the presenter's play-back offers, oldest
// first: every one she picked (saving the form again keeps them) and the
// newest boardShown others, or all on the page showing the whole board.
func (v *roomView) Pickable() []roundtable.BoardPost {
	all := v.allPosts(roundtable.PostSuggestion)
	if v.AllPosts || len(all) <= boardShown {
		return all
	}
	var out []roundtable.BoardPost
	for i, p := range all {
		if p.Picked || i >= len(all)-boardShown {
			out = append(out, p)
		}
	}
	return out
}

// allPosts returns every post of a kind, oldest first.
func (v *roomView) allPosts(kind roundtable.BoardKind) []roundtable.BoardPost {
	switch kind {
	case roundtable.PostQuestion:
		return v.questions
	case roundtable.PostSuggestion:
		return v.suggestions
	}
	return nil
}

// presenceMark is how the room shows whether a person is here.
type presenceMark struct {
	Here bool   // drawn as present (a filled mark) rather than away
	Text string // in words: nothing is told by the mark alone
}

// Presence says whether a person is here: with a screen following the room
// now, or else by the attendance taken (the facilitator's correction first).
func (v *roomView) Presence(p roundtable.RoomPerson) presenceMark {
	live := p.Here && !v.R.Ended
	switch {
	case live && p.Marked && !p.Present:
		return presenceMark{true, "here, marked absent"}
	case live:
		return presenceMark{true, "here"}
	case p.Present && p.Marked:
		return presenceMark{true, "marked present"}
	case p.Present && v.R.Ended:
		return presenceMark{true, "was here"}
	case p.Present:
		return presenceMark{false, "was here"}
	}
	return presenceMark{false, "not here"}
}

// HandUp reports whether userID waits with a raised hand.
func (v *roomView) HandUp(userID string) bool {
	for _, h := range v.R.Hands {
		if h.UserID == userID {
			return true
		}
	}
	return false
}

// Closing reports whether the reflection is open: the meeting ended or its
// closing segment runs.
func (v *roomView) Closing() bool {
	seg := v.R.Segment()
	return v.R.Ended || (v.R.Started && seg != nil && seg.Kind == roundtable.SegmentClosing)
}

// roomState is what room.js needs besides the regions: who may do what, so
// each screen shows its person's own controls.
type roomState struct {
	Version        int64    `json:"v"`
	Now            int64    `json:"now"`
	Started        bool     `json:"started"`
	Ended          bool     `json:"ended"`
	Closing        bool     `json:"closing"`
	Speaker        string   `json:"speaker"`
	Hands          []string `json:"hands"`
	Facilitate     []string `json:"facilitate"`
	Control        []string `json:"control"`
	Present        []string `json:"present"`
	Notes          []string `json:"notes"`
	MinutesVersion int      `json:"minutesVersion"`
	MinutesText    string   `json:"minutesText"`
}

func (v *roomView) state() roomState {
	st := roomState{
		Version: v.R.Version, Now: v.Now.UnixMilli(), Started: v.R.Started, Ended: v.R.Ended, Closing: v.Closing(),
		Speaker: v.R.Speaker, Hands: []string{}, Facilitate: []string{}, Control: []string{}, Present: []string{}, Notes: []string{},
	}
	for _, h := range v.R.Hands {
		st.Hands = append(st.Hands, h.UserID)
	}
	for _, p := range v.R.People {
		if v.R.CanFacilitate(p.UserID) {
			st.Facilitate = append(st.Facilitate, p.UserID)
		}
		if v.R.CanControl(p.UserID) {
			st.Control = append(st.Control, p.UserID)
		}
		if v.R.IsPresenter(p.UserID) {
			st.Present = append(st.Present, p.UserID)
		}
		if v.R.CanWriteMinutes(p.UserID) {
			st.Notes = append(st.Notes, p.UserID)
		}
	}
	if !v.Guest {
		st.MinutesVersion, st.MinutesText = v.R.Minutes.Version, v.R.Minutes.Text
	}
	return st
}

// roomClasses are the classes of the room's element for one person: which
// controls are theirs. room.js keeps them current as roles change.
func roomClasses(r *roundtable.Room, userID string) string {
	var c []string
	add := func(ok bool, name string) {
		if ok {
			c = append(c, name)
		}
	}
	add(r.CanFacilitate(userID), "can-facilitate")
	add(r.CanControl(userID), "can-control")
	add(r.IsPresenter(userID), "can-present")
	add(r.CanWriteMinutes(userID), "can-notes")
	add(r.Speaker == userID, "me-speaking")
	v := &roomView{R: r}
	add(v.HandUp(userID), "me-hand")
	add(r.Started, "is-started")
	add(r.Ended, "is-ended")
	add(v.Closing(), "is-closing")
	return strings.Join(c, " ")
}

// scaleView is a question answered on a scale of 1 to 5.
type scaleView struct {
	Name, Legend string
	Points       []scalePoint
}

// scalePoint is one answer on a scale; Chosen marks the one answered before.
type scalePoint struct {
	Value, Label string
	Chosen       bool
}

// scaleLabels name the points of a scale, 1 to 5.
var scaleLabels = [5]string{"1 · not at all", "2", "3", "4", "5 · very much"}

// roomFuncs are the template functions of the room.
func roomFuncs() template.FuncMap {
	return template.FuncMap{
		"hasPrefix": strings.HasPrefix,
		// boardShown is how many posts of each kind the live board shows.
		"boardShown": func() int { return boardShown },
		// scale builds a 1–5 question; chosen is the earlier answer (0 or
		// false for none).
		"scale": func(name, legend string, chosen any) scaleView {
			n, _ := chosen.(int)
			v := scaleView{Name: name, Legend: legend, Points: make([]scalePoint, len(scaleLabels))}
			for i, l := range scaleLabels {
				v.Points[i] = scalePoint{Value: strconv.Itoa(i + 1), Label: l, Chosen: n == i+1}
			}
			return v
		},
	}
}

// Presenters lists the user IDs of the meeting's presenters.
func (v *roomView) Presenters() []string {
	var out []string
	for _, a := range v.R.Roles {
		if a.Role == roundtable.RolePresenter {
			out = append(out, a.UserID)
		}
	}
	return out
}

// CommitmentsOf returns what a presenter committed to in this meeting, one a
// line, for her play-back form: saving it again replaces them.
func (v *roomView) CommitmentsOf(userID string) string {
	var lines []string
	for _, c := range v.R.Commitments {
		if c.OwnerID == userID {
			lines = append(lines, c.Text)
		}
	}
	return strings.Join(lines, "\n")
}

// Cards returns the challenge cards presenters have written.
func (v *roomView) Cards() []roundtable.Challenge {
	var out []roundtable.Challenge
	for _, c := range v.R.Challenges {
		if !c.Empty() {
			out = append(out, c)
		}
	}
	return out
}
