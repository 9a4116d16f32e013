package roundtable

import (
	"context"
	"time"
)

// Room is the state of a meeting's live room as everyone present sees it:
// the agenda and where it stands, the timer, who speaks and who waits, how
// speaking time is spread, the challenge cards, the board, the follow-ups,
// the commitments made and the minutes. It is circle content.
type Room struct {
	Meeting    *Meeting
	CircleName string
	// Version goes up with every change; screens compare it to know whether
	// what they show is current.
	Version  int64
	Segments []Segment
	Current  int // index into Segments of the segment in progress
	Started  bool
	Ended    bool
	Timer    Timer

	Roles  []RoleAssignment
	People []RoomPerson // the circle's members and the meeting's guests

	Speaker      string // user ID of who speaks now, "" for nobody
	SpeakerSince time.Time
	RoundOrder   []string // user IDs in turn for a round segment, the opener first
	Hands        []Hand   // raised hands, first raised first
	Speaking     []SpeakingShare

	Challenges  []Challenge
	Board       []BoardPost
	FollowUps   []*ActionItem // open commitments due at this meeting or before
	Commitments []*ActionItem // made in this meeting
	Minutes     Minutes

	// MyReflection is the caller's own closing reflection, nil when none.
	// Room fills it; Snapshot, shared by every screen, never does.
	MyReflection *Reflection
	// Readings are the circle's documents and links attached to the
	// meeting, in the order they were attached. Room fills them for the
	// circle's members only; Snapshot and a guest's room never have them.
	Readings []*Document
}

// Audiences of a room: what a screen may be shown (Snapshot).
const (
	AudienceMember = "member" // everything of the room
	AudienceGuest  = "guest"  // the agenda, the timer, people, and what segments shared with guests show
)

// Limits of what people write in the room.
const (
	MaxPostLength = 1000 // a board post
	// MaxPostsPerMeeting is how many posts one person may put on a
	// meeting's board: generous for any real meeting, and a board stays
	// readable for everyone.
	MaxPostsPerMeeting  = 100
	MaxCommitmentLength = 500  // one commitment of a play-back
	MaxCommitments      = 20   // commitments in one play-back
	MaxReportLength     = 1000 // what happened with a commitment
	MaxReflectionLine   = 300  // the one line of a reflection
)

// RoomPerson is someone who may be in the room.
type RoomPerson struct {
	UserID string
	Name   string
	Guest  bool
	// Facilitator is set for the circle's facilitator, who may run any of
	// its meetings whoever holds the meeting's roles.
	Facilitator bool
	Present     bool      // joined the room, or marked present by the facilitator
	Marked      bool      // attendance set by the facilitator rather than by joining
	Joined      time.Time // first joined, zero if never
	// Here is set while the person has the room open on a screen that
	// follows it live (see RoomService.Enter).
	Here bool
}

// PresenceLease is how long a screen counts as in the room without its app
// instance renewing it (RoomService.KeepPresence). Instances renew well
// within it; the screens of an instance that died stop counting after it.
const PresenceLease = time.Minute

// Timer is the server-kept timer of the current segment. Screens compute
// what they show from it and the server's clock, so all agree.
type Timer struct {
	Running   bool
	StartedAt time.Time     // when the current run began, if Running
	Elapsed   time.Duration // run before StartedAt (pauses keep it)
	Planned   time.Duration // the segment's minutes plus extensions
}

// ElapsedAt returns how long the segment has run at now.
func (t Timer) ElapsedAt(now time.Time) time.Duration {
	if t.Running {
		return t.Elapsed + now.Sub(t.StartedAt)
	}
	return t.Elapsed
}

// RemainingAt returns the time left at now, negative when late.
func (t Timer) RemainingAt(now time.Time) time.Duration { return t.Planned - t.ElapsedAt(now) }

// WarnBefore is how long before a segment's end the timer warns: a minute, or
// a fifth of a segment shorter than five minutes.
func (t Timer) WarnBefore() time.Duration {
	if t.Planned < 5*time.Minute {
		return t.Planned / 5
	}
	return time.Minute
}

// Hand is a raised hand waiting for the floor.
type Hand struct {
	UserID   string
	Name     string
	RaisedAt time.Time
}

// SpeakingShare is how much one person has spoken in the meeting so far. It
// records time only, never what was said.
type SpeakingShare struct {
	UserID string
	Name   string
	Spoken time.Duration
	Share  float64 // of all speaking time, 0–1
	Fair   float64 // the fair share: 1 / people present
	Over   bool    // above twice the fair share
	NotYet bool    // present and has not spoken
}

// BoardKind is what a board post is.
type BoardKind string

// Kinds of board posts.
const (
	PostQuestion   BoardKind = "question"
	PostSuggestion BoardKind = "suggestion"
)

// BoardPost is a clarifying question or a suggestion posted during a meeting.
type BoardPost struct {
	ID         string
	MeetingID  string
	SegmentID  string
	AuthorID   string
	AuthorName string
	Kind       BoardKind
	Body       string
	CreatedAt  time.Time
	Picked     bool // the presenter will act on it (play-back)
}

// Minutes are the notes written during a meeting. Version goes up with every
// save, so a save made from an older version is merged, not lost.
type Minutes struct {
	Text      string
	Version   int
	UpdatedBy string // name
	UpdatedAt time.Time
}

// MinutesSave is the outcome of saving minutes.
type MinutesSave struct {
	Minutes Minutes
	// Merged is set when someone else had saved in between and both edits
	// were kept.
	Merged bool
	// Conflict is set when the edits overlap: nothing was saved; Theirs is
	// the other version for the writer to merge by hand.
	Conflict bool
	Theirs   Minutes
}

// Reflection is a member's short reflection at the end of a meeting.
type Reflection struct {
	MeetingID string
	UserID    string
	Relevance int // 1–5: how relevant the meeting was to her
	Insights  int // 1–5: quality of peer insights
	Heard     int // 1–5: did she feel heard
	Line      string
	CreatedAt time.Time
}

// TimerAction is what the facilitator or timekeeper does with the timer.
type TimerAction string

// Timer actions.
const (
	TimerStart    TimerAction = "start" // start or resume the current segment
	TimerPause    TimerAction = "pause"
	TimerExtend   TimerAction = "extend"   // add minutes to the current segment
	TimerNext     TimerAction = "next"     // go to the next segment (running)
	TimerPrevious TimerAction = "previous" // back to the previous segment (paused)
	TimerEnd      TimerAction = "end"      // end the meeting; reflections open
)

// RoomService runs a meeting's live room. Only the circle's members open it,
// and a guest invited to the meeting until it ends: a guest sees the agenda,
// the timer and the people, and the rest only during segments shared with
// guests (Segment.Guests), and takes part only then. Others get ENOTFOUND.
// Every change raises the room's Version and wakes every screen on every
// instance.
type RoomService interface {
	// Room returns the room as the caller may see it.
	Room(ctx context.Context, meetingID string) (*Room, error)

	// Snapshot returns the room as an audience sees it ("member" or
	// "guest"), for the screens of everyone present. It does not check who
	// asks: callers check access with Room first.
	Snapshot(ctx context.Context, meetingID, audience string) (*Room, error)

	// Join records that the caller joined the room (attendance): while the
	// meeting is under way, or from shortly before its planned start to
	// shortly after its planned end for a meeting run without the timer.
	// EINVALID at other times; only the first join counts, and never over
	// the facilitator's correction.
	Join(ctx context.Context, meetingID string) error

	// Enter records that a screen of the caller opened the room and follows
	// it live, on the app instance named instance, and returns the screen's
	// presence for Leave. Whoever has a screen open is Here; while the
	// meeting is under way they also join (see Join), and starting the
	// meeting has everyone Here join. A presence ends with Leave, or
	// PresenceLease after its instance last renewed it. Returns "" for the
	// system, which is never in a room.
	Enter(ctx context.Context, meetingID, instance string) (presenceID string, err error)

	// Leave ends a presence of the caller's (a screen closed). Ending one
	// already ended is no error.
	Leave(ctx context.Context, presenceID string) error

	// KeepPresence renews the presences of the screens open on instance and
	// ends every presence, of any instance, not renewed within
	// PresenceLease. System context only (ENOTFOUND otherwise).
	KeepPresence(ctx context.Context, instance string) error

	// JoinRoom is Join, then Room: it records that the caller joined, when
	// the room takes attendance, and returns the room as they may see it,
	// in one read when there is nothing to record. A room that takes no
	// attendance now (too early, over, cancelled) is shown all the same.
	JoinRoom(ctx context.Context, meetingID string) (*Room, error)

	// ControlTimer starts, pauses, extends (by minutes) or moves the agenda.
	// The meeting's facilitator, timekeeper and the circle's facilitator
	// only (EFORBIDDEN for other members).
	ControlTimer(ctx context.Context, meetingID string, action TimerAction, minutes int) error

	// SetSpeaker marks who speaks now ("" for nobody), closing the previous
	// turn. The facilitator may mark anyone; a member may mark herself as
	// speaking or stop her own turn.
	SetSpeaker(ctx context.Context, meetingID, userID string) error

	// RaiseHand raises or lowers the caller's hand.
	RaiseHand(ctx context.Context, meetingID string, raised bool) error

	// Post puts a question or suggestion on the board. EINVALID when the
	// current segment does not take that kind (questions-only segments
	// refuse suggestions), the text is empty or too long, or the caller
	// has posted MaxPostsPerMeeting times in this meeting.
	Post(ctx context.Context, meetingID string, kind BoardKind, body string) (*BoardPost, error)

	// PlayBack records the presenter's play-back: the suggestions she picks
	// and her commitments in her words, which become action items due at the
	// circle's next meeting (with no commitments worded, each picked
	// suggestion becomes one in its own words). Saving again replaces her
	// picks and her commitments still open. The presenter only, once the
	// meeting started; EINVALID for a pick that is not a suggestion of this
	// meeting's board.
	PlayBack(ctx context.Context, meetingID string, picked []string, commitments []string) ([]*ActionItem, error)

	// ReportFollowUp records what happened with an open commitment, closing
	// it as done or dropped. Its owner or the facilitator.
	ReportFollowUp(ctx context.Context, itemID string, status ActionStatus, report string) error

	// SaveMinutes saves the minutes written from baseVersion (whose text was
	// baseText). When someone saved in between, the edits are merged if they
	// do not overlap; otherwise nothing is saved and the result says
	// Conflict. The note-taker and the facilitator.
	SaveMinutes(ctx context.Context, meetingID string, baseVersion int, baseText, text string) (*MinutesSave, error)

	// SetAttendance corrects whether a person was present. The facilitator.
	SetAttendance(ctx context.Context, meetingID, userID string, present bool) error

	// Reflect saves the caller's closing reflection (once the meeting ended
	// or the closing segment began; saving again replaces it).
	Reflect(ctx context.Context, r *Reflection) error

	// InviteGuest invites a person to the meeting by e-mail (making an
	// account without a password when the address has none) and sends a
	// sign-in link to the room. Inviting again sends a new link. The
	// facilitator; EINVALID for a member of the circle, a bad name or
	// address, or a meeting cancelled or over.
	InviteGuest(ctx context.Context, meetingID, name, email string) error

	// RemoveGuest withdraws a guest's invitation. The facilitator;
	// ENOTFOUND when the person is no guest of the meeting.
	RemoveGuest(ctx context.Context, meetingID, userID string) error
}

// person returns the person with userID, or nil.
func (r *Room) person(userID string) *RoomPerson {
	for i := range r.People {
		if r.People[i].UserID == userID {
			return &r.People[i]
		}
	}
	return nil
}

// CanFacilitate reports whether userID runs the meeting: its facilitator, or
// the circle's facilitator.
func (r *Room) CanFacilitate(userID string) bool {
	if userID == "" {
		return false
	}
	if p := r.person(userID); p != nil && p.Facilitator {
		return true
	}
	return holdsRole(r.Roles, userID, RoleChair)
}

// CanControl reports whether userID may work the timer and the agenda.
func (r *Room) CanControl(userID string) bool {
	return r.CanFacilitate(userID) || holdsRole(r.Roles, userID, RoleTimekeeper)
}

// IsPresenter reports whether userID presents in this meeting.
func (r *Room) IsPresenter(userID string) bool {
	return holdsRole(r.Roles, userID, RolePresenter)
}

// CanWriteMinutes reports whether userID may write the minutes.
func (r *Room) CanWriteMinutes(userID string) bool {
	return r.CanFacilitate(userID) || holdsRole(r.Roles, userID, RoleNoteTaker)
}

// Segment returns the segment in progress, or nil when the agenda is empty.
func (r *Room) Segment() *Segment {
	if r.Current < 0 || r.Current >= len(r.Segments) {
		return nil
	}
	return &r.Segments[r.Current]
}

// RoomParts are the versions of the parts of a room, each the room's Version
// at the change that touched it last. A change names the parts it touched, so
// the screens reload and redraw only those.
type RoomParts struct {
	State    int64 // where the agenda and timer stand, who has the floor
	Agenda   int64 // the meeting, the circle's name, segments, roles, challenge cards
	People   int64 // members, guests and attendance
	Speaking int64 // turns and raised hands
	Board    int64
	Actions  int64 // follow-ups and commitments
	Minutes  int64
}

// RoomPart is a set of the parts of a room, one bit each, in the order of
// RoomParts' fields.
type RoomPart uint8

// Parts of a room.
const (
	PartState RoomPart = 1 << iota
	PartAgenda
	PartPeople
	PartSpeaking
	PartBoard
	PartActions
	PartMinutes

	PartsAll = PartState | PartAgenda | PartPeople | PartSpeaking | PartBoard | PartActions | PartMinutes
)

// Changed returns the parts whose versions differ between p and q.
func (p RoomParts) Changed(q RoomParts) RoomPart {
	var c RoomPart
	for i, d := range []bool{p.State != q.State, p.Agenda != q.Agenda, p.People != q.People, p.Speaking != q.Speaking,
		p.Board != q.Board, p.Actions != q.Actions, p.Minutes != q.Minutes} {
		if d {
			c |= 1 << i
		}
	}
	return c
}

// RoomSnapshot is a room loaded for an audience's screens, with what the
// next load needs to read only the parts that changed since.
type RoomSnapshot struct {
	Room  *Room // as the audience sees it
	Parts RoomParts
	// Cache is the store's own: pass it back untouched with the snapshot.
	Cache any
}
