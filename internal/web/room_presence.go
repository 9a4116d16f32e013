package web

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/roundtable/roundtable"
)

// presenceEvery is how often an instance renews the presences of its room
// screens: a few times within their lease, so one slow round loses nobody.
const presenceEvery = roundtable.PresenceLease / 3

// newInstanceName returns a name for this server among the app's
// instances, new at every start: a restarted instance does not renew the
// presences of the screens it lost.
func newInstanceName() string { return rand.Text() }

// KeepPresence renews the presences of this instance's room screens and ends
// the lapsed ones of every instance, every presenceEvery until ctx ends. Run
// it once per server.
func (s *Server) KeepPresence(ctx context.Context) {
	sys := roundtable.NewSystemContext(ctx)
	t := time.NewTicker(presenceEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.svc.Room.KeepPresence(sys, s.instance); err != nil && ctx.Err() == nil {
			s.log.Warn("keep room presence", "err", err)
		}
	}
}

// enterPresence records that the request's screen follows the room and
// returns the function that records that it left. A failure to record it
// costs the "here" mark only, never the screen.
func (s *Server) enterPresence(ctx context.Context, meetingID string) func() {
	id, err := s.svc.Room.Enter(ctx, meetingID, s.instance)
	if err != nil {
		s.log.Warn("enter room", "meeting", meetingID, "err", err)
		return func() {}
	}
	return func() {
		// The request's context has ended by now; the caller is still who
		// leaves.
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := s.svc.Room.Leave(lctx, id); err != nil {
			s.log.Warn("leave room", "meeting", meetingID, "err", err)
		}
	}
}
