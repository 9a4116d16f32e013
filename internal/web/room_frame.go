package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/live"
)

// roomSnapshotter is a room service that reads only the parts of a room
// that changed since an earlier snapshot (sqldb's does).
type roomSnapshotter interface {
	SnapshotSince(ctx context.Context, meetingID, audience string, prev *roundtable.RoomSnapshot) (*roundtable.RoomSnapshot, error)
}

// regionParts are the parts each region is drawn from. The guests' view
// filters the speaking, challenge and board regions by the current segment,
// hence state and agenda there.
var regionParts = map[string]roundtable.RoomPart{
	"agenda":      roundtable.PartState | roundtable.PartAgenda,
	"timer":       roundtable.PartState | roundtable.PartAgenda,
	"speaking":    roundtable.PartState | roundtable.PartAgenda | roundtable.PartPeople | roundtable.PartSpeaking,
	"challenge":   roundtable.PartState | roundtable.PartAgenda,
	"board":       roundtable.PartState | roundtable.PartAgenda | roundtable.PartBoard,
	"followups":   roundtable.PartAgenda | roundtable.PartActions,
	"playback":    roundtable.PartAgenda | roundtable.PartBoard | roundtable.PartActions,
	"commitments": roundtable.PartAgenda | roundtable.PartActions,
	"minutes":     roundtable.PartMinutes,
	"people":      roundtable.PartAgenda | roundtable.PartPeople,
}

const (
	// frameFullEvery bounds how long a room is drawn from parts: changes
	// that touch no part (a rename, a rescheduled meeting) show by then.
	frameFullEvery = time.Minute
	// frameKeep is how long an unused room's last frame is kept.
	frameKeep = 10 * time.Minute
)

// roomFrames keeps, per meeting and audience, the last snapshot and regions
// drawn, so the next frame reloads and redraws only what changed.
type roomFrames struct {
	mu    sync.Mutex
	last  map[string]*roomFrameMemo // meeting ID + "/" + audience
	swept time.Time
}

type roomFrameMemo struct {
	snap    *roundtable.RoomSnapshot
	regions map[string]string
	version int64
	full    time.Time // when the room was last read whole
	used    time.Time
	// noBase is set when two frames of one version were drawn: screens may
	// hold either, so the next frame goes whole.
	noBase bool
}

func (f *roomFrames) get(key string) *roomFrameMemo {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last[key]
}

func (f *roomFrames) put(key string, m *roomFrameMemo, now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last == nil {
		f.last = map[string]*roomFrameMemo{}
	}
	f.last[key] = m
	if now.Sub(f.swept) > time.Minute {
		f.swept = now
		for k, x := range f.last {
			if now.Sub(x.used) > frameKeep {
				delete(f.last, k)
			}
		}
	}
}

// RoomFrame draws a meeting's room for an audience, the message each screen
// gets when the room changes: every region in Data, and in Delta only the
// regions that differ from the previous frame (Base). Only the parts of the
// room that changed are read again and only the regions drawn from them are
// drawn again. The hub calls it one at a time per meeting and audience.
func (s *Server) RoomFrame(ctx context.Context, meetingID, audience string) (live.Frame, error) {
	sctx := roundtable.NewSystemContext(ctx)
	now := s.now()
	key := meetingID + "/" + audience
	snapper, incremental := s.svc.Room.(roomSnapshotter)
	var memo *roomFrameMemo
	var snap *roundtable.RoomSnapshot
	whole := true // read and draw everything
	if incremental {
		memo = s.frames.get(key)
		var prev *roundtable.RoomSnapshot
		if whole = memo == nil || now.Sub(memo.full) >= frameFullEvery; !whole {
			prev = memo.snap
		}
		var err error
		if snap, err = snapper.SnapshotSince(sctx, meetingID, audience, prev); err != nil {
			return live.Frame{}, err
		}
	} else {
		r, err := s.svc.Room.Snapshot(sctx, meetingID, audience)
		if err != nil {
			return live.Frame{}, err
		}
		snap = &roundtable.RoomSnapshot{Room: r}
	}
	r := snap.Room
	v := newRoomView(r, now, audience == roundtable.AudienceGuest)
	changed := roundtable.PartsAll
	if !whole {
		changed = snap.Parts.Changed(memo.snap.Parts)
		// People are read every time and may change without a touch.
		if !reflect.DeepEqual(memo.snap.Room.People, r.People) {
			changed |= roundtable.PartPeople
		}
		// The shares grow with an open turn.
		if !reflect.DeepEqual(memo.snap.Room.Speaking, r.Speaking) {
			changed |= roundtable.PartSpeaking
		}
	}
	regions := make(map[string]string, len(roomRegions))
	var delta map[string]string
	if memo != nil {
		delta = map[string]string{}
	}
	var buf bytes.Buffer
	t := s.pages["room"].t
	for _, name := range roomRegions {
		if changed&regionParts[name] == 0 {
			regions[name] = memo.regions[name]
			continue
		}
		buf.Reset()
		if err := t.ExecuteTemplate(&buf, "room_"+name, v); err != nil {
			return live.Frame{}, fmt.Errorf("draw room region %s: %w", name, err)
		}
		regions[name] = buf.String()
		if memo != nil && regions[name] != memo.regions[name] {
			delta[name] = regions[name]
		}
	}
	st := v.state()
	data, err := encodeRoomFrame(st, regions)
	if err != nil {
		return live.Frame{}, err
	}
	f := live.Frame{Version: r.Version, Data: data, Allowed: roomAllowed(r, audience)}
	if memo != nil && !memo.noBase && memo.version < r.Version {
		f.Base = memo.version
		if f.Delta, err = encodeRoomFrame(st, delta); err != nil {
			return live.Frame{}, err
		}
	}
	if incremental {
		next := &roomFrameMemo{snap: snap, regions: regions, version: r.Version, full: now, used: now}
		if memo != nil {
			next.noBase = memo.version == r.Version
		}
		if !whole {
			next.full = memo.full
		}
		s.frames.put(key, next, now)
	}
	return f, nil
}

// encodeRoomFrame writes a frame's JSON: the state and the regions given.
func encodeRoomFrame(st roomState, regions map[string]string) ([]byte, error) {
	// The regions are HTML: written as they are, not with < > & escaped to
	// six bytes each, every screen gets a frame a good part smaller.
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(struct {
		State   roomState         `json:"state"`
		Regions map[string]string `json:"regions"`
	}{st, regions}); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}

// Hub returns the hub of this instance's room screens: the database's room
// changes (in-process, or PostgreSQL notifications from every instance) are
// published to it.
func (s *Server) Hub() *live.Hub { return s.hub }

// roomAllowed lists who may go on watching a room's frames for an audience:
// its members for theirs, its guests for theirs until the meeting ends.
// Anyone removed meanwhile has their screens closed at the next change.
func roomAllowed(r *roundtable.Room, audience string) map[string]bool {
	guests := audience == roundtable.AudienceGuest
	allowed := map[string]bool{}
	for _, p := range r.People {
		if p.Guest == guests && !(guests && r.Ended) {
			allowed[p.UserID] = true
		}
	}
	return allowed
}
