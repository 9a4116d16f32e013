package live

// Sub is one screen subscribed to a meeting's room: an open SSE stream, say.
type Sub struct {
	hub *Hub
	g   *group
	ch  chan Frame // one slot: the latest frame the screen has not taken
	who string     // whose screen it is, checked against Frame.Allowed; "" for anyone

	// Guarded by hub.mu.
	got    bool  // a frame was offered
	err    error // the first load failed
	closed bool
}

// Frames returns the channel of the screen's frames: the current one first,
// then each newer one. A screen that falls behind finds only the latest
// waiting, never a backlog. The channel closes when the screen or the hub is
// closed.
func (s *Sub) Frames() <-chan Frame { return s.ch }

// Close ends the screen. It may be called more than once.
func (s *Sub) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.hub.remove(s)
}
