package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// RoomService implements roundtable.RoomService.
type RoomService struct{ db *DB }

var _ roundtable.RoomService = (*RoomService)(nil)

// NewRoomService returns the live room service.
func NewRoomService(db *DB) *RoomService { return &RoomService{db: db} }

// roomState is a meeting's row of room_state; a meeting whose room was never
// used has the zero state: first segment, not started.
type roomState struct {
	version        int64
	parts          roundtable.RoomParts
	current        int
	startedAt      *time.Time
	endedAt        *time.Time
	running        bool
	timerStartedAt time.Time
	elapsed        time.Duration
	extra          time.Duration
	speakerID      string
	speakerSince   time.Time
}

func (st *roomState) started() bool { return st.startedAt != nil }
func (st *roomState) ended() bool   { return st.endedAt != nil }

// loadState reads a meeting's room state.
func loadState(ctx context.Context, tx *Tx, meetingID string) (roomState, error) {
	var st roomState
	var running int
	var started, ended, timerStarted, speakerSince *int64
	var elapsed, extra int64
	var speaker *string
	err := tx.QueryRowContext(ctx, `
		SELECT version, current_pos, started_at, ended_at, timer_running, timer_started_at, timer_elapsed_ms,
			timer_extra_ms, speaker_id, speaker_since, `+strings.Join(partColumns, ", ")+`
		FROM room_state WHERE meeting_id = $1`, meetingID).Scan(&st.version, &st.current, &started, &ended,
		&running, &timerStarted, &elapsed, &extra, &speaker, &speakerSince,
		&st.parts.State, &st.parts.Agenda, &st.parts.People, &st.parts.Speaking, &st.parts.Board, &st.parts.Actions, &st.parts.Minutes)
	if errors.Is(err, sql.ErrNoRows) {
		return roomState{}, nil
	} else if err != nil {
		return st, fmt.Errorf("load room state: %w", err)
	}
	st.startedAt, st.endedAt, st.running = nullMS(started), nullMS(ended), running == 1
	if timerStarted != nil {
		st.timerStartedAt = fromMS(*timerStarted)
	}
	st.elapsed, st.extra = time.Duration(elapsed)*time.Millisecond, time.Duration(extra)*time.Millisecond
	if speaker != nil {
		st.speakerID = *speaker
	}
	if speakerSince != nil {
		st.speakerSince = fromMS(*speakerSince)
	}
	return st, nil
}

// saveTimer writes where the agenda and its timer stand. The row exists:
// every change touches the room first.
func saveTimer(ctx context.Context, tx *Tx, meetingID string, st roomState) error {
	var timerStarted any
	if st.running {
		timerStarted = ms(st.timerStartedAt)
	}
	var started, ended any
	if st.startedAt != nil {
		started = ms(*st.startedAt)
	}
	if st.endedAt != nil {
		ended = ms(*st.endedAt)
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE room_state SET current_pos = $1, started_at = $2, ended_at = $3, timer_running = $4, timer_started_at = $5,
			timer_elapsed_ms = $6, timer_extra_ms = $7
		WHERE meeting_id = $8`,
		st.current, started, ended, flag(st.running), timerStarted, st.elapsed.Milliseconds(), st.extra.Milliseconds(), meetingID)
	if err != nil {
		return fmt.Errorf("save timer: %w", err)
	}
	return nil
}

// roomCtx is what every room action needs: the meeting, where its room
// stands, its agenda and roles, and who acts.
type roomCtx struct {
	m        *roundtable.Meeting
	st       roomState
	segments []roundtable.Segment
	roles    []roundtable.RoleAssignment
	// challenges are the presenters' cards, read with the roles when
	// cardsRead; circleName is the circle's, read with the meeting when
	// not "" (a circle's name is never empty).
	challenges []roundtable.Challenge
	cardsRead  bool
	circleName string
	// minutes are the meeting's minutes as read with the meeting at the
	// start of the transaction, nil when not read.
	minutes *roundtable.Minutes
	userID  string // "" for the system
	system  bool
	guest   bool
	// circleFacilitator is set for the circle's facilitator, who runs any
	// of its meetings.
	circleFacilitator bool
}

// index is the position of the segment in progress; an agenda shortened
// while its meeting runs leaves the room at its last segment.
func (rc *roomCtx) index() int { return max(min(rc.st.current, len(rc.segments)-1), 0) }

// segment returns the segment in progress, nil for an empty agenda.
func (rc *roomCtx) segment() *roundtable.Segment {
	if len(rc.segments) == 0 {
		return nil
	}
	return &rc.segments[rc.index()]
}

// perms is a room holding only what the permission rules of roundtable.Room
// read, so the service and the pages decide alike.
func (rc *roomCtx) perms() *roundtable.Room {
	return &roundtable.Room{Roles: rc.roles, People: []roundtable.RoomPerson{{UserID: rc.userID, Facilitator: rc.circleFacilitator}}}
}

func (rc *roomCtx) canFacilitate() bool { return rc.system || rc.perms().CanFacilitate(rc.userID) }
func (rc *roomCtx) canControl() bool    { return rc.system || rc.perms().CanControl(rc.userID) }
func (rc *roomCtx) canWriteMinutes() bool {
	return rc.system || rc.perms().CanWriteMinutes(rc.userID)
}

// guestShared reports whether guests follow the room now: a segment shared
// with them is current and the meeting has not ended.
func guestShared(st roomState, seg *roundtable.Segment) bool {
	return !st.ended() && seg != nil && seg.Guests
}

// requireLive returns EINVALID for a cancelled meeting, and for an ended one
// unless afterEnd.
func (rc *roomCtx) requireLive(afterEnd bool) error {
	if rc.m.Cancelled {
		return roundtable.Errorf(roundtable.EINVALID, "This meeting is cancelled.")
	}
	if rc.st.ended() && !afterEnd {
		return roundtable.Errorf(roundtable.EINVALID, "This meeting has ended.")
	}
	return nil
}

// requireTakingPart returns EINVALID for a guest while the room is not
// shared with guests.
func (rc *roomCtx) requireTakingPart() error {
	if rc.guest && !guestShared(rc.st, rc.segment()) {
		return roundtable.Errorf(roundtable.EINVALID, "This part of the meeting is for the circle only; you can take part again in a part shared with guests.")
	}
	return nil
}

// openRoom checks that the actor may open a meeting's room and reads it.
// Members of the circle (after accepting its ground rules) and the system
// open it; a guest of the meeting until it ends; everyone else gets
// ENOTFOUND, organizers and administrators included. With change set the
// room is touched first, which on PostgreSQL also locks it for the
// transaction, so the state read is the one the change builds on.
func openRoom(ctx context.Context, tx *Tx, a actor, meetingID string, change bool, parts ...roomPart) (*roomCtx, error) {
	rc, err := enterRoom(ctx, tx, a, meetingID, change, parts...)
	if err != nil {
		return nil, err
	}
	if rc.segments, err = loadSegments(ctx, tx, meetingID); err != nil {
		return nil, err
	}
	if rc.roles, rc.challenges, err = loadRolesAndChallenges(ctx, tx, meetingID); err != nil {
		return nil, err
	}
	rc.cardsRead = true
	return rc, nil
}

// enterRoom is openRoom without the agenda and roles, for actions that
// need only the meeting and where its room stands.
func enterRoom(ctx context.Context, tx *Tx, a actor, meetingID string, change bool, parts ...roomPart) (*roomCtx, error) {
	if a.user == nil {
		m, err := findMeeting(ctx, tx, meetingID)
		if err != nil {
			return nil, err
		}
		if !a.system {
			return nil, notFound("meeting")
		}
		return roomStanding(ctx, tx, &roomCtx{m: m, system: true}, change, parts)
	}
	// The meeting, the membership and the guest list in one query.
	row, err := meetingFor(ctx, tx, a.user.ID, meetingID)
	if err != nil {
		return nil, err
	}
	rc := &roomCtx{m: row.m, userID: a.user.ID, circleName: row.circleName, minutes: &row.minutes}
	switch {
	case row.mb != nil:
		if !row.mb.accepted {
			return nil, errGroundRules()
		}
		rc.circleFacilitator = row.mb.role == roundtable.RoleFacilitator
	case row.guest:
		rc.guest = true
	default:
		return nil, notFound("meeting")
	}
	return roomStanding(ctx, tx, rc, change, parts)
}

// roomStanding is enterRoom's end: it marks the parts a change touches and
// reads where the room stands.
func roomStanding(ctx context.Context, tx *Tx, rc *roomCtx, change bool, parts []roomPart) (*roomCtx, error) {
	meetingID, m := rc.m.ID, rc.m
	var err error
	if change {
		if err := touchRoom(ctx, tx, meetingID, parts...); err != nil {
			return nil, err
		}
	}
	if rc.st, err = loadState(ctx, tx, meetingID); err != nil {
		return nil, err
	}
	if rc.guest && (rc.st.ended() || m.Cancelled) {
		return nil, notFound("meeting")
	}
	return rc, nil
}

// errUnchanged ends a room action that changed nothing and has its answer
// already: the transaction rolls back, so no screen is woken for nothing.
var errUnchanged = errors.New("room unchanged")

// change runs fn in a writing transaction on a room the caller may open,
// touching the parts named (fn may touch more).
func (s *RoomService) change(ctx context.Context, meetingID string, parts roomPart, fn func(tx *Tx, rc *roomCtx) error) error {
	a := actorOf(ctx)
	return s.db.update(ctx, func(tx *Tx) error {
		rc, err := openRoom(ctx, tx, a, meetingID, true, parts)
		if err != nil {
			return err
		}
		return fn(tx, rc)
	})
}

// Room returns the room as the caller may see it: everything for the
// circle's members, the guests' view for a guest.
func (s *RoomService) Room(ctx context.Context, meetingID string) (*roundtable.Room, error) {
	a := actorOf(ctx)
	var r *roundtable.Room
	err := s.db.view(ctx, func(tx *Tx) error {
		rc, err := openRoom(ctx, tx, a, meetingID, false)
		if err != nil {
			return err
		}
		r, err = roomAsSeen(ctx, tx, rc)
		return err
	})
	return r, err
}

// roomAsSeen reads the opened room as its reader may see it: a guest the
// guests' view, a person their own reflection too.
func roomAsSeen(ctx context.Context, tx *Tx, rc *roomCtx) (*roundtable.Room, error) {
	r, err := loadRoom(ctx, tx, rc)
	if err != nil {
		return nil, err
	}
	if rc.guest {
		return guestView(r), nil
	}
	if rc.userID != "" {
		if r.MyReflection, r.Readings, err = reflectionAndReadings(ctx, tx, rc.m.ID, rc.userID); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Snapshot returns the room as an audience sees it, for the live screens.
// It checks nobody's access (the screens' subscriptions were checked with
// Room), so it answers the system context only: a person's request that
// reached it by mistake gets ENOTFOUND, not the room.
func (s *RoomService) Snapshot(ctx context.Context, meetingID, audience string) (*roundtable.Room, error) {
	if audience != roundtable.AudienceMember && audience != roundtable.AudienceGuest {
		return nil, fmt.Errorf("snapshot: unknown audience %q", audience)
	}
	if !roundtable.IsSystemContext(ctx) || roundtable.UserFromContext(ctx) != nil {
		return nil, notFound("meeting")
	}
	var r *roundtable.Room
	err := s.db.view(ctx, func(tx *Tx) error {
		rc, err := openRoom(ctx, tx, actor{system: true}, meetingID, false)
		if err != nil {
			return err
		}
		if r, err = loadRoom(ctx, tx, rc); err != nil {
			return err
		}
		if audience == roundtable.AudienceGuest {
			r = guestView(r)
		}
		return nil
	})
	return r, err
}

// SnapshotSince is Snapshot reading only the parts of the room whose version
// changed since prev, a snapshot this service returned for the same meeting
// (nil reads everything). The result is the room Snapshot would return now;
// its Parts tell the caller which parts are new. The meeting row, its agenda
// and roles are read again only with the agenda part, so a change that does
// not touch the room (a rename, a rescheduled meeting) shows at the next
// full read: callers read whole now and then.
func (s *RoomService) SnapshotSince(ctx context.Context, meetingID, audience string, prev *roundtable.RoomSnapshot) (*roundtable.RoomSnapshot, error) {
	if audience != roundtable.AudienceMember && audience != roundtable.AudienceGuest {
		return nil, fmt.Errorf("snapshot: unknown audience %q", audience)
	}
	if !roundtable.IsSystemContext(ctx) || roundtable.UserFromContext(ctx) != nil {
		return nil, notFound("meeting")
	}
	var pc *roomCache
	if prev != nil {
		pc, _ = prev.Cache.(*roomCache)
	}
	if pc != nil && pc.full.Meeting.ID != meetingID {
		pc = nil
	}
	var out *roundtable.RoomSnapshot
	err := s.db.view(ctx, func(tx *Tx) error {
		var rc *roomCtx
		if pc != nil {
			st, err := loadState(ctx, tx, meetingID)
			if err != nil {
				return err
			}
			// No row (a deleted meeting) or a new agenda: read it all.
			if st.version != 0 && st.parts.Agenda == pc.parts.Agenda {
				rc = &roomCtx{m: pc.full.Meeting, st: st, segments: pc.full.Segments, roles: pc.full.Roles, system: true}
				if st.parts.Minutes != pc.parts.Minutes {
					// The minutes live on the meeting's row.
					if rc.m, err = findMeeting(ctx, tx, meetingID); err != nil {
						return err
					}
				}
			}
		}
		if rc == nil {
			pc = nil
			var err error
			if rc, err = openRoom(ctx, tx, actor{system: true}, meetingID, false); err != nil {
				return err
			}
		}
		r, cache, err := loadRoomSince(ctx, tx, rc, pc)
		if err != nil {
			return err
		}
		out = &roundtable.RoomSnapshot{Room: r, Parts: cache.parts, Cache: cache}
		if audience == roundtable.AudienceGuest {
			out.Room = guestView(r)
		}
		return nil
	})
	return out, err
}
