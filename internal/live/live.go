// Package live keeps the screens of a meeting's live room current.
//
// A Hub holds, for each meeting and audience that someone is watching, the
// latest frame (the room rendered for that audience) and the screens that show
// it. Publish reloads the frame once and hands the same bytes to every screen;
// ServeSSE streams one screen's frames to a browser as Server-Sent Events; a
// Listener carries changes made on other app instances through PostgreSQL
// LISTEN/NOTIFY. The database stays the truth: a screen is sent only what
// changed (Frame.Delta) when it holds exactly the frame the change builds on,
// the whole frame otherwise, so a lost wake-up costs a delay, never a wrong
// screen.
package live

import "context"

// Frame is one version of a room as one audience sees it: what a screen
// shows, whole.
type Frame struct {
	// Version is the room's version when Data was loaded. A hub never sends a
	// screen a lower version after a higher one.
	Version int64
	// Data is the rendered room, shared by every screen: read it, never
	// change it.
	Data []byte
	// Allowed, when not nil, lists who may still watch: a screen opened for
	// anyone else (Hub.SubscribeAs) is closed instead of getting the frame,
	// so someone removed from a circle or a meeting stops seeing it at the
	// next change, on every instance.
	Allowed map[string]bool
	// Delta, when not nil, is what changed since the frame of version Base:
	// a screen whose last frame was exactly that one gets Delta instead of
	// Data (ServeSSE); any other screen, a new one included, gets Data.
	Base  int64
	Delta []byte

	event      []byte // Data encoded once as a Server-Sent Event, for ServeSSE
	deltaEvent []byte // Delta likewise
}

// Loader loads the current frame of a meeting for an audience (such as
// "member" or "guest"). It is called by one goroutine at a time per meeting and
// audience. The Version it returns must be the counter a VersionSource
// reports, so the hub can tell which frames are behind.
type Loader func(ctx context.Context, meetingID, audience string) (Frame, error)

// VersionSource returns the current room versions of the meetings it knows
// among meetingIDs; it is the safety net of Hub.Refresh for lost wake-ups.
type VersionSource func(ctx context.Context, meetingIDs []string) (map[string]int64, error)
