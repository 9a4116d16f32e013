package sqldb_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// roomWorld is world() with a meeting ready to run: an agenda whose
// segments cover every rule of the room, roles held by different members, a
// guest, and the circle's next meeting.
type roomWorld struct {
	*world
	chair, keeper *roundtable.User // the meeting's facilitator and timekeeper (also note-taker and opener)
	guest         *roundtable.User
	next          *roundtable.Meeting
	rooms         *sqldb.RoomService
	agenda        *sqldb.AgendaService
}

// Positions of the segments of roomWorld's agenda.
const (
	segCheckIn    = iota // a round, board closed
	segPresent           // shared with guests, questions only
	segQuestions         // shared with guests, questions only
	segDiscussion        // suggestions
	segPlayback          // board closed
	segClosing           // the reflection opens
)

func roomAgenda() []roundtable.Segment {
	return []roundtable.Segment{
		{Title: "Check-in", Kind: roundtable.SegmentRound, Minutes: 5, Order: roundtable.OrderRound},
		{Title: "The challenge", Kind: roundtable.SegmentPresent, Minutes: 10, Board: roundtable.BoardQuestions, Guests: true},
		{Title: "Questions", Kind: roundtable.SegmentQuestions, Minutes: 10, Board: roundtable.BoardQuestions, Guests: true},
		{Title: "Ideas", Kind: roundtable.SegmentDiscussion, Minutes: 15, Board: roundtable.BoardSuggestions},
		{Title: "Play-back", Kind: roundtable.SegmentPlayback, Minutes: 5},
		{Title: "Closing", Kind: roundtable.SegmentClosing, Minutes: 5},
	}
}

// roomWorld builds the world at the meeting's start: the clock stands at
// the time the meeting begins. w.member presents.
func (e *env) roomWorld() *roomWorld {
	e.t.Helper()
	w := &roomWorld{world: e.world(), rooms: sqldb.NewRoomService(e.db), agenda: sqldb.NewAgendaService(e.db)}
	w.chair = e.member(w.a, "Cleo Chair", "cleo@example.org")
	w.keeper = e.member(w.a, "Ken Keeper", "ken@example.org")
	fac := as(w.fac)
	must(e.t, w.agenda.SetSegments(fac, w.meeting.ID, roomAgenda()))
	must(e.t, w.agenda.SetRoles(fac, w.meeting.ID, []roundtable.RoleAssignment{
		{Role: roundtable.RoleChair, UserID: w.chair.ID},
		{Role: roundtable.RoleTimekeeper, UserID: w.keeper.ID},
		{Role: roundtable.RolePresenter, UserID: w.member.ID},
		{Role: roundtable.RoleNoteTaker, UserID: w.keeper.ID},
		{Role: roundtable.RoleOpener, UserID: w.keeper.ID},
	}))
	must(e.t, w.agenda.SaveChallenge(as(w.member), &roundtable.Challenge{MeetingID: w.meeting.ID, PresenterID: w.member.ID,
		Context: "Secret context", Question: "How do I delegate?", Tried: "Lists"}))
	w.next = &roundtable.Meeting{CircleID: w.a.ID, StartsAt: w.meeting.StartsAt.Add(14 * 24 * time.Hour), Minutes: 60, VideoURL: "https://meet.example/next"}
	must(e.t, e.meetings.CreateMeeting(fac, w.next))
	must(e.t, w.rooms.InviteGuest(fac, w.meeting.ID, "Gia Guest", "gia@example.org"))
	var err error
	w.guest, err = e.auth.RedeemSignInLink(anon, e.lastToken(linkRE, "gia@example.org"))
	must(e.t, err)
	e.clock.Add(w.meeting.StartsAt.Sub(e.clock.Now()))
	return w
}

// room reads the room as u.
func (w *roomWorld) room(t *testing.T, u *roundtable.User) *roundtable.Room {
	t.Helper()
	r, err := w.rooms.Room(as(u), w.meeting.ID)
	must(t, err)
	return r
}

// timer works the timer as the circle's facilitator.
func (w *roomWorld) timer(t *testing.T, action roundtable.TimerAction) {
	t.Helper()
	must(t, w.rooms.ControlTimer(as(w.fac), w.meeting.ID, action, 0))
}

// goTo starts the meeting if needed and moves to segment i.
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

func TestRoomService_Access(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		for name, ctx := range w.outsiders() {
			t.Run(name, func(t *testing.T) {
				id := w.meeting.ID
				_, err := w.rooms.Room(ctx, id)
				wantCode(t, err, roundtable.ENOTFOUND)
				_, err = w.rooms.Snapshot(ctx, id, roundtable.AudienceMember)
				wantCode(t, err, roundtable.ENOTFOUND)
				wantCode(t, w.rooms.Join(ctx, id), roundtable.ENOTFOUND)
				wantCode(t, w.rooms.ControlTimer(ctx, id, roundtable.TimerStart, 0), roundtable.ENOTFOUND)
				wantCode(t, w.rooms.SetSpeaker(ctx, id, ""), roundtable.ENOTFOUND)
				wantCode(t, w.rooms.RaiseHand(ctx, id, true), roundtable.ENOTFOUND)
				_, err = w.rooms.Post(ctx, id, roundtable.PostQuestion, "Why?")
				wantCode(t, err, roundtable.ENOTFOUND)
				_, err = w.rooms.PlayBack(ctx, id, nil, []string{"x"})
				wantCode(t, err, roundtable.ENOTFOUND)
				_, err = w.rooms.SaveMinutes(ctx, id, 0, "", "x")
				wantCode(t, err, roundtable.ENOTFOUND)
				wantCode(t, w.rooms.SetAttendance(ctx, id, w.member.ID, true), roundtable.ENOTFOUND)
				wantCode(t, w.rooms.Reflect(ctx, &roundtable.Reflection{MeetingID: id, Relevance: 5, Insights: 5, Heard: 5}), roundtable.ENOTFOUND)
				wantCode(t, w.rooms.InviteGuest(ctx, id, "Eve", "eve@example.org"), roundtable.ENOTFOUND)
				wantCode(t, w.rooms.RemoveGuest(ctx, id, w.guest.ID), roundtable.ENOTFOUND)
			})
		}
		t.Run("PendingMember", func(t *testing.T) {
			_, err := w.rooms.Room(as(w.pending), w.meeting.ID)
			wantCode(t, err, roundtable.EGROUNDRULES)
			wantCode(t, w.rooms.Join(as(w.pending), w.meeting.ID), roundtable.EGROUNDRULES)
		})
		t.Run("MalformedIDs", func(t *testing.T) {
			for _, id := range []string{"", "x", w.meeting.ID + " ", "\xff\x00"} {
				_, err := w.rooms.Room(as(w.fac), id)
				wantCode(t, err, roundtable.ENOTFOUND)
			}
		})
		t.Run("Members", func(t *testing.T) {
			for _, u := range []*roundtable.User{w.fac, w.member, w.chair, w.keeper} {
				r := w.room(t, u)
				if r.CircleName != "A" || len(r.Segments) != 6 || len(r.Challenges) != 1 || r.Challenges[0].Context != "Secret context" {
					t.Fatalf("got %+v, want the whole room", r)
				}
			}
		})
	})
}

// TestRoomService_Confidentiality runs the matrix of who sees what: members
// everything, a guest what is shared with guests, everyone else nothing.
func TestRoomService_Confidentiality(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		fac := as(w.fac)
		w.goTo(t, segQuestions)
		_, err := w.rooms.Post(as(w.chair), w.meeting.ID, roundtable.PostQuestion, "Shared question")
		must(t, err)
		must(t, w.rooms.SetSpeaker(fac, w.meeting.ID, w.chair.ID))
		w.goTo(t, segDiscussion)
		_, err = w.rooms.Post(as(w.chair), w.meeting.ID, roundtable.PostSuggestion, "Private suggestion")
		must(t, err)
		_, err = w.rooms.SaveMinutes(fac, w.meeting.ID, 0, "", "Private minutes")
		must(t, err)
		_, err = w.rooms.PlayBack(as(w.member), w.meeting.ID, nil, []string{"Private commitment"})
		must(t, err)

		secrets := []string{"Private suggestion", "Private minutes", "Private commitment", "Secret context", "Secret agenda", "How do I delegate"}
		leaks := func(r *roundtable.Room) string {
			var b strings.Builder
			b.WriteString(r.Meeting.Agenda + r.Meeting.Notes + r.Meeting.Challenge + r.Minutes.Text)
			for _, p := range r.Board {
				b.WriteString(p.Body)
			}
			for _, c := range r.Challenges {
				b.WriteString(c.Context + c.Question + c.Tried)
			}
			for _, it := range append(r.Commitments, r.FollowUps...) {
				b.WriteString(it.Text)
			}
			for _, s := range secrets {
				if strings.Contains(b.String(), s) {
					return s
				}
			}
			return ""
		}
		t.Run("GuestInPrivateSegment", func(t *testing.T) {
			for _, r := range []*roundtable.Room{w.room(t, w.guest), snapshot(t, w, roundtable.AudienceGuest)} {
				if s := leaks(r); s != "" {
					t.Fatalf("got %q in the guest's room, want it hidden", s)
				}
				if len(r.Board) != 1 || r.Board[0].Body != "Shared question" {
					t.Fatalf("got board %+v, want the question of the shared segment only", r.Board)
				}
				if r.Speaking != nil || r.Challenges != nil || r.Minutes.Text != "" || len(r.Segments) != 6 || len(r.People) == 0 || r.Timer.Planned == 0 {
					t.Fatalf("got %+v, want the agenda, timer and people only", r)
				}
			}
			_, err := w.rooms.Post(as(w.guest), w.meeting.ID, roundtable.PostQuestion, "Can I?")
			wantCode(t, err, roundtable.EINVALID)
			wantCode(t, w.rooms.RaiseHand(as(w.guest), w.meeting.ID, true), roundtable.EINVALID)
			_, err = w.rooms.SaveMinutes(as(w.guest), w.meeting.ID, 1, "Private minutes", "x")
			wantCode(t, err, roundtable.EFORBIDDEN)
			wantCode(t, w.rooms.Reflect(as(w.guest), &roundtable.Reflection{MeetingID: w.meeting.ID, Relevance: 1, Insights: 1, Heard: 1}), roundtable.EFORBIDDEN)
			wantCode(t, w.rooms.ControlTimer(as(w.guest), w.meeting.ID, roundtable.TimerPause, 0), roundtable.EFORBIDDEN)
		})
		t.Run("GuestInSharedSegment", func(t *testing.T) {
			w.goTo(t, segQuestions)
			r := w.room(t, w.guest)
			if len(r.Challenges) != 1 || r.Challenges[0].Question != "How do I delegate?" {
				t.Fatalf("got challenges %+v, want the card during a shared segment", r.Challenges)
			}
			if r.Minutes.Text != "" || r.Commitments != nil || r.FollowUps != nil || r.MyReflection != nil {
				t.Fatalf("got %+v, want no minutes or commitments for a guest", r)
			}
			for _, p := range r.Board {
				if p.Body == "Private suggestion" {
					t.Fatal("got a post of a private segment on the guest's board")
				}
			}
			p, err := w.rooms.Post(as(w.guest), w.meeting.ID, roundtable.PostQuestion, "Guest question")
			must(t, err)
			if p.AuthorName != "Gia Guest" {
				t.Fatalf("got author %q, want Gia Guest", p.AuthorName)
			}
			must(t, w.rooms.RaiseHand(as(w.guest), w.meeting.ID, true))
			if !slices.ContainsFunc(r.People, func(p roundtable.RoomPerson) bool { return p.UserID == w.guest.ID && p.Guest }) {
				t.Fatalf("got people %+v, want the guest among them", r.People)
			}
		})
		t.Run("Members", func(t *testing.T) {
			r := w.room(t, w.member)
			if len(r.Board) != 3 || r.Minutes.Text != "Private minutes" || len(r.Commitments) != 1 {
				t.Fatalf("got %+v, want everything", r)
			}
			m := snapshot(t, w, roundtable.AudienceMember)
			if len(m.Board) != 3 || m.MyReflection != nil {
				t.Fatalf("got %+v, want the member snapshot with no one's own reflection", m)
			}
		})
		t.Run("GuestAfterEnd", func(t *testing.T) {
			w.timer(t, roundtable.TimerEnd)
			_, err := w.rooms.Room(as(w.guest), w.meeting.ID)
			wantCode(t, err, roundtable.ENOTFOUND)
		})
	})
}

func snapshot(t *testing.T, w *roomWorld, audience string) *roundtable.Room {
	t.Helper()
	r, err := w.rooms.Snapshot(sys, w.meeting.ID, audience)
	must(t, err)
	return r
}

// hookRecorder counts the room hook's calls per meeting.
type hookRecorder struct {
	mu    sync.Mutex
	calls []string
}

func (h *hookRecorder) record(id string) { h.mu.Lock(); h.calls = append(h.calls, id); h.mu.Unlock() }
func (h *hookRecorder) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.calls
	h.calls = nil
	return out
}

func TestRoomService_VersionAndHook(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		ctx := context.Background()
		h := &hookRecorder{}
		e.db.OnRoomChange(h.record)
		v0 := w.room(t, w.fac).Version
		defer func() {
			got, err := e.db.RoomVersions(ctx, []string{w.meeting.ID, w.next.ID, w.b.ID})
			must(t, err)
			if len(got) != 2 || got[w.meeting.ID] != w.room(t, w.fac).Version || got[w.next.ID] != sqldb.RoomVersionForTest(ctx, e.db, w.next.ID) {
				t.Fatalf("got versions %v, want the two rooms' current versions", got)
			}
		}()

		w.timer(t, roundtable.TimerStart)
		if got := h.take(); !slices.Equal(got, []string{w.meeting.ID}) {
			t.Fatalf("got hook calls %v, want one for the meeting", got)
		}
		if v := w.room(t, w.member).Version; v != v0+1 {
			t.Fatalf("got version %d, want %d", v, v0+1)
		}
		if v := sqldb.RoomVersionForTest(ctx, e.db, w.meeting.ID); v != v0+1 {
			t.Fatalf("got stored version %d, want %d", v, v0+1)
		}

		// A refused change rolls back: no new version, no call.
		wantCode(t, w.rooms.ControlTimer(as(w.member), w.meeting.ID, roundtable.TimerPause, 0), roundtable.EFORBIDDEN)
		_, err := w.rooms.Post(as(w.member), w.meeting.ID, roundtable.PostQuestion, "")
		wantCode(t, err, roundtable.EINVALID)
		if got := h.take(); len(got) != 0 {
			t.Fatalf("got hook calls %v after refused changes, want none", got)
		}
		if v := w.room(t, w.member).Version; v != v0+1 {
			t.Fatalf("got version %d after refused changes, want %d", v, v0+1)
		}

		// Opening the room again changes nothing: no call.
		must(t, w.rooms.Join(as(w.member), w.meeting.ID))
		h.take()
		must(t, w.rooms.Join(as(w.member), w.meeting.ID))
		if got := h.take(); len(got) != 0 {
			t.Fatalf("got hook calls %v for a second join, want none", got)
		}

		// One commit that changes two rooms, one of them twice: each once.
		items, err := w.rooms.PlayBack(as(w.member), w.meeting.ID, nil, []string{"Delegate the budget"})
		must(t, err)
		h.take()
		e.clock.Add(14 * 24 * time.Hour)
		must(t, w.rooms.ControlTimer(as(w.fac), w.next.ID, roundtable.TimerStart, 0))
		h.take()
		must(t, w.rooms.ReportFollowUp(as(w.member), items[0].ID, roundtable.ActionDone, "Done it"))
		got := h.take()
		slices.Sort(got)
		want := []string{w.meeting.ID, w.next.ID}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("got hook calls %v, want each room once: %v", got, want)
		}

		// The agenda's changes wake the room too.
		next := roomAgenda()[:2]
		must(t, w.agenda.SetSegments(as(w.fac), w.next.ID, next))
		if got := h.take(); !slices.Equal(got, []string{w.next.ID}) {
			t.Fatalf("got hook calls %v for an agenda change, want one for the meeting", got)
		}

		// The hook runs after the commit: what it reads is the change.
		var seen int64
		e.db.OnRoomChange(func(id string) { seen = sqldb.RoomVersionForTest(ctx, e.db, id) })
		must(t, w.rooms.ControlTimer(as(w.fac), w.next.ID, roundtable.TimerExtend, 5))
		if v := sqldb.RoomVersionForTest(ctx, e.db, w.next.ID); seen != v || v == 0 {
			t.Fatalf("got version %d seen by the hook, want the committed %d", seen, v)
		}
		e.db.OnRoomChange(nil)
		must(t, w.rooms.ControlTimer(as(w.fac), w.next.ID, roundtable.TimerPause, 0))
		if got := h.take(); len(got) != 0 {
			t.Fatalf("got hook calls %v after the hook was removed, want none", got)
		}
	})
}

// TestRoomService_PostgresNotify checks that a change of a room reaches a
// LISTEN connection on PostgreSQL, at commit, and a refused one does not.
func TestRoomService_PostgresNotify(t *testing.T) {
	t.Parallel()
	if !slices.Contains(sqldbtest.Engines(t), "postgres") {
		t.Skip("PostgreSQL does not answer")
	}
	ctx := context.Background()
	url := sqldbtest.CreatePostgresDatabase(t)
	c := &clock{t: start}
	db, err := sqldb.Open(ctx, sqldb.Config{URL: url, Now: c.Now, BaseURL: "https://rt.example", Keyring: sqldbtest.Keyring(t)})
	must(t, err)
	t.Cleanup(func() { db.Close() })
	_, err = db.Migrate(ctx)
	must(t, err)
	e := &env{t: t, db: db, clock: c, users: sqldb.NewUserService(db), auth: sqldb.NewAuthService(db),
		programs: sqldb.NewProgramService(db), applicants: sqldb.NewApplicantService(db), circles: sqldb.NewCircleService(db),
		meetings: sqldb.NewMeetingService(db), outbox: sqldb.NewOutbox(db), mailer: &recorder{}}
	w := e.roomWorld()

	conn, err := pgx.Connect(ctx, url)
	must(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	_, err = conn.Exec(ctx, "LISTEN roundtable_room")
	must(t, err)

	wantCode(t, w.rooms.ControlTimer(as(w.member), w.meeting.ID, roundtable.TimerStart, 0), roundtable.EFORBIDDEN)
	w.timer(t, roundtable.TimerStart)
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	n, err := conn.WaitForNotification(wctx)
	must(t, err)
	if n.Channel != "roundtable_room" || n.Payload != w.meeting.ID {
		t.Fatalf("got notification %s %q, want roundtable_room %q", n.Channel, n.Payload, w.meeting.ID)
	}
	// The refused change came first and sent nothing: nothing else waits.
	short, cancel2 := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel2()
	if n, err := conn.WaitForNotification(short); err == nil {
		t.Fatalf("got a second notification %q, want only the committed change's", n.Payload)
	}
}
