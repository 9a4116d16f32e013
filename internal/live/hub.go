package live

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// ErrClosed is returned by Subscribe on a closed hub.
var ErrClosed = errors.New("live: hub closed")

// Hub keeps the screens of the rooms on one app instance current. Set its
// exported fields before the first Subscribe.
//
// The hub runs no goroutine per screen: a screen is a one-slot channel that
// the hub fills without ever waiting, and a load runs in a short-lived
// goroutine per meeting and audience. That keeps an idle screen to a few
// hundred bytes here; the HTTP connection carrying it costs the rest.
type Hub struct {
	// Versions, when set, lets Refresh find the meetings whose frames are
	// behind the database.
	Versions VersionSource
	// Heartbeat is how often ServeSSE writes a comment on an idle stream, so
	// proxies keep it open and a dead client is noticed; 20 s when zero.
	Heartbeat time.Duration
	// Retry is the reconnection delay ServeSSE suggests to browsers; 2 s
	// when zero.
	Retry time.Duration
	// LoadTimeout bounds one load; 10 s when zero.
	LoadTimeout time.Duration

	load   Loader
	log    *slog.Logger
	ctx    context.Context // ends loads in flight when the hub closes
	cancel context.CancelFunc

	mu     sync.Mutex
	closed bool
	rooms  map[string]map[string]*group // meeting ID → audience → group
	stats  Stats
}

// group is the screens of one meeting and audience with their frame.
type group struct {
	meeting, audience string
	subs              map[*Sub]struct{}
	frame             Frame
	has               bool          // frame holds a loaded frame
	loading           bool          // a load goroutine runs
	again             bool          // publish came during the load: load once more
	ready             chan struct{} // closed when the load in flight ends
}

// Stats counts what a hub holds and has done.
type Stats struct {
	Meetings   int    // meetings with at least one screen
	Screens    int    // subscriptions open
	Loads      uint64 // calls to the Loader
	LoadErrors uint64 // of which failed
	Frames     uint64 // frames handed to screens
	Coalesced  uint64 // frames replaced by a newer one before the screen took them
}

// NewHub returns a hub that loads frames with load. A nil log discards.
func NewHub(load Loader, log *slog.Logger) *Hub {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Hub{load: load, log: log, ctx: ctx, cancel: cancel, rooms: map[string]map[string]*group{}}
}

// Subscribe opens a screen on the meeting's room for an audience. When it
// returns, the current frame waits in the screen's channel: taken from the
// frame the hub holds, or loaded now (once, however many screens arrive
// together; while a load is in flight, the screen waits for its frame). It
// returns the Loader's error if that first load fails, ctx's error if ctx
// ends first, and ErrClosed once the hub is closed. The caller must Close
// the screen.
func (h *Hub) Subscribe(ctx context.Context, meetingID, audience string) (*Sub, error) {
	return h.SubscribeAs(ctx, meetingID, audience, "")
}

// SubscribeAs is Subscribe for a screen of one person, who: a frame whose
// Allowed does not name who closes the screen instead (Subscribe then
// returns ErrClosed when it is the first).
func (h *Hub) SubscribeAs(ctx context.Context, meetingID, audience, who string) (*Sub, error) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, ErrClosed
	}
	g := h.rooms[meetingID][audience]
	if g == nil {
		g = &group{meeting: meetingID, audience: audience, subs: map[*Sub]struct{}{}}
		if h.rooms[meetingID] == nil {
			h.rooms[meetingID] = map[string]*group{}
		}
		h.rooms[meetingID][audience] = g
	}
	s := &Sub{hub: h, g: g, ch: make(chan Frame, 1), who: who}
	g.subs[s] = struct{}{}
	h.stats.Screens++
	if !g.has && !g.loading {
		h.kick(g)
	}
	for !s.got {
		if s.err != nil || s.closed {
			err := s.err
			h.mu.Unlock()
			if err == nil {
				err = ErrClosed
			}
			return nil, err
		}
		// A load in flight means the frame held is older than a change
		// already committed: wait for it, so a screen that reconnects just
		// after a change starts with that change.
		if g.has && !g.loading {
			h.offer(s, g.frame)
			continue
		}
		ready := g.ready
		h.mu.Unlock()
		select {
		case <-ready:
		case <-ctx.Done():
			s.Close()
			return nil, ctx.Err()
		}
		h.mu.Lock()
	}
	h.mu.Unlock()
	return s, nil
}

// Publish reloads the meeting's frames and sends them to its screens, if it
// has any; it does not wait. Each audience is loaded once whatever the
// number of screens, and never twice at a time: a publish that comes during a
// load makes one more load after it, however many came.
func (h *Hub) Publish(meetingID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, g := range h.rooms[meetingID] {
		h.kick(g)
	}
}

// PublishAll publishes every meeting that has screens, as after the hub may
// have missed changes.
func (h *Hub) PublishAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, room := range h.rooms {
		for _, g := range room {
			h.kick(g)
		}
	}
}

// Refresh asks Versions for the versions of the meetings with screens and
// publishes those whose frames are older. It is the safety net for wake-ups
// lost on the way; without Versions it does nothing.
func (h *Hub) Refresh(ctx context.Context) error {
	if h.Versions == nil {
		return nil
	}
	h.mu.Lock()
	held := make(map[string]int64, len(h.rooms)) // the oldest frame per meeting
	for id, room := range h.rooms {
		for _, g := range room {
			if !g.has {
				continue // its first load is on the way
			}
			if v, ok := held[id]; !ok || g.frame.Version < v {
				held[id] = g.frame.Version
			}
		}
	}
	h.mu.Unlock()
	if len(held) == 0 {
		return nil
	}
	ids := make([]string, 0, len(held))
	for id := range held {
		ids = append(ids, id)
	}
	versions, err := h.Versions(ctx, ids)
	if err != nil {
		return err
	}
	for id, v := range versions {
		if have, ok := held[id]; ok && v > have {
			h.Publish(id)
		}
	}
	return nil
}

// Stats returns the hub's counts.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.stats
	s.Meetings = len(h.rooms)
	return s
}

// Close ends every screen (their channels close, so ServeSSE returns and a
// server can shut down) and refuses new ones. Loads in flight are cancelled.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	h.cancel()
	for _, room := range h.rooms {
		for _, g := range room {
			for s := range g.subs {
				h.remove(s)
			}
		}
	}
}

// kick starts a load of g, or asks the one in flight for one more. h.mu is held.
func (h *Hub) kick(g *group) {
	if h.closed {
		return
	}
	if g.loading {
		g.again = true
		return
	}
	g.loading = true
	g.ready = make(chan struct{})
	go h.run(g)
}

// run loads g's frame until no publish asked for another load meanwhile.
func (h *Hub) run(g *group) {
	for {
		ctx, cancel := context.WithTimeout(h.ctx, cmpDuration(h.LoadTimeout, 10*time.Second))
		f, err := h.load(ctx, g.meeting, g.audience)
		cancel()
		if err == nil {
			f.event = encodeEvent(f.Version, f.Data) // once for every screen
			if f.Delta != nil {
				f.deltaEvent = encodeEvent(f.Version, f.Delta)
			}
		} else {
			h.log.Warn("live: load room frame", "meeting", g.meeting, "audience", g.audience, "err", err)
		}

		h.mu.Lock()
		h.stats.Loads++
		switch {
		case err != nil:
			h.stats.LoadErrors++
			if !g.has {
				// Screens waiting for their first frame get the error; with a
				// frame, screens keep it until a later load succeeds.
				for s := range g.subs {
					s.err = err
					h.remove(s)
				}
			}
		case !g.has || f.Version > g.frame.Version:
			g.frame, g.has = f, true
			for s := range g.subs {
				h.offer(s, f)
			}
		}
		close(g.ready)
		if g.again && !h.closed && len(g.subs) > 0 {
			g.again = false
			g.ready = make(chan struct{})
			h.mu.Unlock()
			continue
		}
		g.loading, g.again = false, false
		if len(g.subs) == 0 {
			h.drop(g)
		}
		h.mu.Unlock()
		return
	}
}

// offer puts f in s's channel, replacing a frame the screen has not taken
// yet. h.mu is held, and only the hub sends, so this never waits.
func (h *Hub) offer(s *Sub, f Frame) {
	if s.closed {
		return
	}
	if f.Allowed != nil && s.who != "" && !f.Allowed[s.who] {
		h.remove(s) // no longer let in: the stream ends, a reconnect is refused
		return
	}
	select {
	case s.ch <- f:
	default:
		select {
		case <-s.ch:
			h.stats.Coalesced++
		default: // the screen took it meanwhile
		}
		s.ch <- f
	}
	s.got = true
	h.stats.Frames++
}

// remove ends screen s. h.mu is held.
func (h *Hub) remove(s *Sub) {
	if s.closed {
		return
	}
	s.closed = true
	close(s.ch)
	delete(s.g.subs, s)
	h.stats.Screens--
	if len(s.g.subs) == 0 && !s.g.loading {
		h.drop(s.g)
	}
}

// drop forgets group g, which has no screens: its frame would go stale
// unwatched. h.mu is held.
func (h *Hub) drop(g *group) {
	room := h.rooms[g.meeting]
	if room[g.audience] != g {
		return
	}
	delete(room, g.audience)
	if len(room) == 0 {
		delete(h.rooms, g.meeting)
	}
}

// cmpDuration returns d, or def when d is not positive.
func cmpDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
