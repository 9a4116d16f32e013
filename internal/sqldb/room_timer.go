package sqldb

import (
	"context"
	"time"

	"github.com/roundtable/roundtable"
)

// maxExtendMinutes bounds one extension of a segment.
const maxExtendMinutes = 120

// ControlTimer starts, pauses, extends or moves the meeting's agenda.
func (s *RoomService) ControlTimer(ctx context.Context, meetingID string, action roundtable.TimerAction, minutes int) error {
	return s.change(ctx, meetingID, partState, func(tx *Tx, rc *roomCtx) error {
		if !rc.canControl() {
			return roundtable.Errorf(roundtable.EFORBIDDEN, "Only the meeting's facilitator or timekeeper can run the timer.")
		}
		if err := rc.requireLive(false); err != nil {
			return err
		}
		st, now := rc.st, tx.now
		switch action {
		case roundtable.TimerStart:
			if st.startedAt == nil {
				st.startedAt = &now
			}
			if !st.running {
				st.running, st.timerStartedAt = true, now
			}
		case roundtable.TimerPause:
			st = pauseTimer(st, now)
		case roundtable.TimerExtend:
			if minutes < 1 || minutes > maxExtendMinutes {
				return roundtable.Errorf(roundtable.EINVALID, "Extend a segment by 1 to %d minutes.", maxExtendMinutes)
			}
			st.extra += time.Duration(minutes) * time.Minute
		case roundtable.TimerNext:
			if rc.index()+1 >= len(rc.segments) {
				return roundtable.Errorf(roundtable.EINVALID, "This is the last segment: end the meeting instead.")
			}
			if st.startedAt == nil {
				st.startedAt = &now
			}
			st.current = rc.index() + 1
			st.running, st.timerStartedAt, st.elapsed, st.extra = true, now, 0, 0
		case roundtable.TimerPrevious:
			if rc.index() == 0 {
				return roundtable.Errorf(roundtable.EINVALID, "This is the first segment.")
			}
			st.current = rc.index() - 1
			st.running, st.elapsed, st.extra = false, 0, 0
		case roundtable.TimerEnd:
			if st.startedAt == nil {
				st.startedAt = &now
			}
			st = pauseTimer(st, now)
			st.endedAt = &now
		default:
			return roundtable.Errorf(roundtable.EINVALID, "Choose start, pause, extend, next, previous or end.")
		}
		if action == roundtable.TimerNext || action == roundtable.TimerPrevious || action == roundtable.TimerEnd {
			// A new part of the meeting starts with the floor open.
			if err := closeTurn(ctx, tx, rc.m.ID); err != nil {
				return err
			}
			if err := lowerHands(ctx, tx, rc.m.ID); err != nil {
				return err
			}
		}
		if !rc.st.started() && st.started() && !st.ended() {
			// Whoever has the room open when the meeting starts is there:
			// they opened it early and have not reloaded since.
			if err := joinPresent(ctx, tx, rc.m.ID); err != nil {
				return err
			}
		}
		if err := saveTimer(ctx, tx, rc.m.ID, st); err != nil {
			return err
		}
		if action == roundtable.TimerEnd && !rc.st.ended() {
			// The meeting is held now: its absences count.
			return evaluateLapses(ctx, tx, rc.m.CircleID)
		}
		return nil
	})
}

// pauseTimer stops a running timer, keeping the time it ran.
func pauseTimer(st roomState, now time.Time) roomState {
	if st.running {
		st.elapsed += now.Sub(st.timerStartedAt)
		st.running = false
	}
	return st
}
