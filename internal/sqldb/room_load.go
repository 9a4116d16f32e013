package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// loadRoom reads everything a meeting's room shows, as its members see it.
func loadRoom(ctx context.Context, tx *Tx, rc *roomCtx) (*roundtable.Room, error) {
	r, _, err := loadRoomSince(ctx, tx, rc, nil)
	return r, err
}

// roomCache is what a snapshot keeps for the next one to build on: the room
// as the members see it, and the speaking turns the shares are counted from.
type roomCache struct {
	full  *roundtable.Room
	turns []turn
	parts roundtable.RoomParts // the versions full was read at
}

// loadRoomSince is loadRoom reading only the parts whose version differs
// from prev's; with prev nil it reads everything. rc holds the meeting, its
// agenda and roles (from prev when the agenda did not change). The people
// are always read: who may watch must never be stale, and renames or
// membership changes do not touch the room. Derived fields (timer, round
// order, speaking shares) are computed afresh.
func loadRoomSince(ctx context.Context, tx *Tx, rc *roomCtx, prev *roomCache) (*roundtable.Room, *roomCache, error) {
	m, st := rc.m, rc.st
	r := &roundtable.Room{
		Meeting: m, Version: st.version, Segments: rc.segments, Roles: rc.roles,
		Started: st.started(), Ended: st.ended(), Speaker: st.speakerID, SpeakerSince: st.speakerSince,
	}
	var old *roundtable.Room
	var oldParts roundtable.RoomParts
	if prev != nil {
		old, oldParts = prev.full, prev.parts
	}
	stale := func(now, before int64) bool { return old == nil || now != before }
	seg := rc.segment()
	r.Current = rc.index()
	r.Timer = roundtable.Timer{Running: st.running, Elapsed: st.elapsed, Planned: st.extra}
	if st.running {
		r.Timer.StartedAt = st.timerStartedAt
	}
	if seg != nil {
		r.Timer.Planned += time.Duration(seg.Minutes) * time.Minute
	} else {
		r.Timer.Planned += time.Duration(m.Minutes) * time.Minute
	}
	var err error
	if stale(st.parts.Agenda, oldParts.Agenda) {
		// The circle's name and the cards come with the meeting and the
		// roles when those were read in this transaction.
		r.CircleName = rc.circleName
		if r.CircleName == "" {
			if err := tx.QueryRowContext(ctx, `SELECT name FROM circles WHERE id = $1`, m.CircleID).Scan(&r.CircleName); err != nil {
				return nil, nil, fmt.Errorf("find circle name: %w", err)
			}
		}
		r.Challenges = rc.challenges
		if !rc.cardsRead {
			if r.Challenges, err = loadChallenges(ctx, tx, m.ID); err != nil {
				return nil, nil, err
			}
		}
	} else {
		r.CircleName, r.Challenges = old.CircleName, old.Challenges
	}
	if r.People, err = loadPeople(ctx, tx, m.CircleID, m.ID); err != nil {
		return nil, nil, err
	}
	r.RoundOrder = roundOrder(seg, r.People, r.Roles)
	var turns []turn
	if stale(st.parts.Speaking, oldParts.Speaking) {
		if r.Hands, turns, err = loadSpeaking(ctx, tx, m.ID); err != nil {
			return nil, nil, err
		}
	} else {
		r.Hands, turns = old.Hands, prev.turns
	}
	r.Speaking = speakingShares(r.People, turns, tx.now)
	if stale(st.parts.Board, oldParts.Board) {
		if r.Board, err = loadBoard(ctx, tx, m.ID); err != nil {
			return nil, nil, err
		}
	} else {
		r.Board = old.Board
	}
	if stale(st.parts.Actions, oldParts.Actions) {
		if r.FollowUps, r.Commitments, err = loadMeetingActions(ctx, tx, m.ID); err != nil {
			return nil, nil, err
		}
	} else {
		r.FollowUps, r.Commitments = old.FollowUps, old.Commitments
	}
	if stale(st.parts.Minutes, oldParts.Minutes) {
		if rc.minutes != nil {
			r.Minutes = *rc.minutes
		} else if r.Minutes, err = loadMinutes(ctx, tx, m.ID); err != nil {
			return nil, nil, err
		}
	} else {
		r.Minutes = old.Minutes
	}
	return r, &roomCache{full: r, turns: turns, parts: st.parts}, nil
}

// loadPeople returns who may be in a meeting's room: the circle's members
// who accepted its ground rules, then the meeting's guests, each by name,
// with their attendance and whether a screen of theirs is in the room.
func loadPeople(ctx context.Context, tx *Tx, circleID, meetingID string) ([]roundtable.RoomPerson, error) {
	out, err := queryAll(ctx, tx, `
		SELECT u.id, u.name, 0, CASE WHEN m.role = 'facilitator' THEN 1 ELSE 0 END,
			COALESCE(a.present, 0), COALESCE(a.marked, 0), a.joined_at,
			CASE WHEN EXISTS (SELECT 1 FROM room_presence p WHERE p.meeting_id = $1 AND p.user_id = m.user_id AND p.expires_at > $5) THEN 1 ELSE 0 END
		FROM circle_members m
		JOIN users u ON u.id = m.user_id
		LEFT JOIN attendance a ON a.meeting_id = $1 AND a.user_id = m.user_id
		WHERE m.circle_id = $2 AND m.ground_rules_accepted_at IS NOT NULL
		UNION ALL
		SELECT u.id, u.name, 1, 0, COALESCE(a.present, 0), COALESCE(a.marked, 0), a.joined_at,
			CASE WHEN EXISTS (SELECT 1 FROM room_presence p WHERE p.meeting_id = g.meeting_id AND p.user_id = g.user_id AND p.expires_at > $5) THEN 1 ELSE 0 END
		FROM meeting_guests g
		JOIN users u ON u.id = g.user_id
		LEFT JOIN attendance a ON a.meeting_id = g.meeting_id AND a.user_id = g.user_id
		WHERE g.meeting_id = $3 AND NOT EXISTS (
			SELECT 1 FROM circle_members m WHERE m.circle_id = $4 AND m.user_id = g.user_id)`,
		func(rows *sql.Rows) (p roundtable.RoomPerson, err error) {
			var guest, facilitator, present, marked, here int
			var joined *int64
			err = rows.Scan(&p.UserID, &p.Name, &guest, &facilitator, &present, &marked, &joined, &here)
			p.Guest, p.Facilitator, p.Present, p.Marked, p.Here = guest == 1, facilitator == 1, present == 1, marked == 1, here == 1
			if joined != nil {
				p.Joined = fromMS(*joined)
			}
			return p, err
		},
		meetingID, circleID, meetingID, circleID, ms(tx.now))
	if err != nil {
		return nil, fmt.Errorf("load people: %w", err)
	}
	// Sorted here: the engines collate names differently.
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Guest != b.Guest {
			return !a.Guest
		}
		if x, y := strings.ToLower(a.Name), strings.ToLower(b.Name); x != y {
			return x < y
		}
		return a.UserID < b.UserID
	})
	return out, nil
}

// findPerson returns the person of the room with userID, or nil.
func findPerson(people []roundtable.RoomPerson, userID string) *roundtable.RoomPerson {
	for i := range people {
		if people[i].UserID == userID {
			return &people[i]
		}
	}
	return nil
}

// roundOrder is who speaks in turn in a round segment: the opener first,
// then the others present in the order of the people list (by name), so the
// order stays put while the round runs. Before anyone is marked present it
// is every member. Guests take no turn.
func roundOrder(seg *roundtable.Segment, people []roundtable.RoomPerson, roles []roundtable.RoleAssignment) []string {
	if seg == nil || (seg.Order != roundtable.OrderRound && seg.Kind != roundtable.SegmentRound) {
		return nil
	}
	anyPresent := false
	for _, p := range people {
		anyPresent = anyPresent || (p.Present && !p.Guest)
	}
	opener := ""
	for _, a := range roles {
		if a.Role == roundtable.RoleOpener {
			opener = a.UserID
		}
	}
	var out []string
	for _, p := range people {
		if p.Guest || (anyPresent && !p.Present) {
			continue
		}
		if p.UserID == opener {
			out = append([]string{opener}, out...)
		} else {
			out = append(out, p.UserID)
		}
	}
	return out
}

// guestView keeps of a room what a guest may see: the meeting's time and
// link, the agenda, the timer, the people and the roles always, and the board
// posts made in segments shared with guests; while such a segment runs, also
// who speaks and waits, the speaking shares and the challenge cards. The
// minutes, the follow-ups and the commitments are the circle's only.
func guestView(r *roundtable.Room) *roundtable.Room {
	m := r.Meeting
	g := &roundtable.Room{
		Meeting: &roundtable.Meeting{
			ID: m.ID, CircleID: m.CircleID, StartsAt: m.StartsAt, Minutes: m.Minutes, VideoURL: m.VideoURL,
			Place: m.Place, Sequence: m.Sequence, Cancelled: m.Cancelled, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
		},
		CircleName: r.CircleName, Version: r.Version, Segments: r.Segments, Current: r.Current,
		Started: r.Started, Ended: r.Ended, Timer: r.Timer, Roles: r.Roles, People: r.People,
	}
	shared := map[string]bool{}
	for _, s := range r.Segments {
		if s.Guests && s.ID != "" {
			shared[s.ID] = true
		}
	}
	for _, p := range r.Board {
		if shared[p.SegmentID] {
			g.Board = append(g.Board, p)
		}
	}
	if seg := r.Segment(); !r.Ended && seg != nil && seg.Guests {
		g.Speaker, g.SpeakerSince, g.RoundOrder, g.Hands = r.Speaker, r.SpeakerSince, r.RoundOrder, r.Hands
		g.Speaking, g.Challenges = r.Speaking, r.Challenges
	}
	return g
}
