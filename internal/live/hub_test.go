package live

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

// fakeRoom is a database of room versions with a loader that counts its
// calls and can be held at a gate.
type fakeRoom struct {
	mu       sync.Mutex
	versions map[string]int64
	loads    map[string]int // by "meeting/audience"
	script   []int64        // versions to return instead, in turn
	fail     error
	gate     chan struct{} // when set, each load waits for a value
	started  chan string   // when set, each load reports its key first
}

func newFakeRoom() *fakeRoom {
	return &fakeRoom{versions: map[string]int64{}, loads: map[string]int{}}
}

func (r *fakeRoom) load(ctx context.Context, meetingID, audience string) (Frame, error) {
	key := meetingID + "/" + audience
	r.mu.Lock()
	gate, started := r.gate, r.started
	r.mu.Unlock()
	if started != nil {
		started <- key
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return Frame{}, ctx.Err()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.loads[key]++
	if r.fail != nil {
		return Frame{}, r.fail
	}
	v := r.versions[meetingID]
	if len(r.script) > 0 {
		v, r.script = r.script[0], r.script[1:]
	}
	return Frame{Version: v, Data: fmt.Appendf(nil, "%s v%d", key, v)}, nil
}

// hold makes every load from now on report its key on started, then wait
// for a value on gate.
func (r *fakeRoom) hold() (gate chan struct{}, started chan string) {
	gate, started = make(chan struct{}), make(chan string, 10)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gate, r.started = gate, started
	return gate, started
}

func (r *fakeRoom) bump(meetingID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.versions[meetingID]++
}

func (r *fakeRoom) count(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.loads[key]
}

// waitFor fails the test unless cond holds within 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// next returns the next frame of s, failing after 5 s.
func next(t *testing.T, s *Sub) Frame {
	t.Helper()
	select {
	case f, ok := <-s.Frames():
		if !ok {
			t.Fatal("frames channel closed")
		}
		return f
	case <-time.After(5 * time.Second):
		t.Fatal("no frame within 5 s")
		return Frame{}
	}
}

// none fails the test if s has a frame waiting.
func none(t *testing.T, s *Sub) {
	t.Helper()
	select {
	case f := <-s.Frames():
		t.Fatalf("got frame version %d, want none", f.Version)
	default:
	}
}

func subscribe(t *testing.T, h *Hub, meetingID, audience string) *Sub {
	t.Helper()
	s, err := h.Subscribe(context.Background(), meetingID, audience)
	if err != nil {
		t.Fatalf("subscribe %s/%s: %v", meetingID, audience, err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestHub_Subscribe(t *testing.T) {
	room := newFakeRoom()
	room.versions["m1"] = 4
	h := NewHub(room.load, nil)
	s := subscribe(t, h, "m1", "member")
	// The frame is there when Subscribe returns.
	select {
	case f := <-s.Frames():
		if f.Version != 4 || string(f.Data) != "m1/member v4" {
			t.Errorf("got version %d %q, want 4 %q", f.Version, f.Data, "m1/member v4")
		}
	default:
		t.Fatal("got no frame at once, want the current one")
	}
	// A second screen takes the frame the hub holds.
	subscribe(t, h, "m1", "member")
	if got := room.count("m1/member"); got != 1 {
		t.Errorf("got %d loads, want 1", got)
	}
}

func TestHub_PublishOneLoadForManyScreens(t *testing.T) {
	room := newFakeRoom()
	room.versions["m1"] = 1
	h := NewHub(room.load, nil)
	var members, guests []*Sub
	for range 100 {
		members = append(members, subscribe(t, h, "m1", "member"))
	}
	for range 10 {
		guests = append(guests, subscribe(t, h, "m1", "guest"))
	}
	other := subscribe(t, h, "m2", "member")
	for _, s := range append(members, guests...) {
		next(t, s)
	}
	next(t, other)

	room.bump("m1")
	h.Publish("m1")
	var first *byte
	for _, s := range members {
		f := next(t, s)
		if f.Version != 2 {
			t.Fatalf("got version %d, want 2", f.Version)
		}
		if first == nil {
			first = &f.Data[0]
		} else if &f.Data[0] != first {
			t.Fatal("screens got copies of the frame, want the same bytes")
		}
	}
	for _, s := range guests {
		if f := next(t, s); string(f.Data) != "m1/guest v2" {
			t.Fatalf("got %q, want %q", f.Data, "m1/guest v2")
		}
	}
	for key, want := range map[string]int{"m1/member": 2, "m1/guest": 2, "m2/member": 1} {
		if got := room.count(key); got != want {
			t.Errorf("%s: got %d loads, want %d", key, got, want)
		}
	}
	none(t, other)
}

func TestHub_PublishDuringLoad(t *testing.T) {
	room := newFakeRoom()
	h := NewHub(room.load, nil)
	s := subscribe(t, h, "m1", "member")
	next(t, s)

	gate, started := room.hold()
	room.bump("m1")
	h.Publish("m1")
	<-started
	for range 5 { // all while the load is held
		room.bump("m1")
		h.Publish("m1")
	}
	gate <- struct{}{}
	if f := next(t, s); f.Version != 1 && f.Version != 6 {
		t.Errorf("got version %d, want 1 or 6", f.Version)
	}
	<-started // exactly one more load
	gate <- struct{}{}
	waitFor(t, "the last load", func() bool { return room.count("m1/member") == 3 })
	time.Sleep(50 * time.Millisecond)
	select {
	case key := <-started:
		t.Fatalf("got a fourth load of %s, want 3 in all", key)
	default:
	}
	if got := room.count("m1/member"); got != 3 {
		t.Errorf("got %d loads, want 3", got)
	}
}

func TestHub_Coalescing(t *testing.T) {
	room := newFakeRoom()
	h := NewHub(room.load, nil)
	s := subscribe(t, h, "m1", "member") // never reads until the end
	for i := 1; i <= 10; i++ {
		room.bump("m1")
		h.Publish("m1")
		waitFor(t, "the load", func() bool { return room.count("m1/member") == i+1 })
	}
	waitFor(t, "the frames", func() bool { return h.Stats().Frames == 11 })
	if f := next(t, s); f.Version != 10 {
		t.Errorf("got version %d, want only the latest, 10", f.Version)
	}
	none(t, s)
	if got := h.Stats().Coalesced; got != 10 {
		t.Errorf("got %d coalesced, want 10", got)
	}
}

func TestHub_NeverOlder(t *testing.T) {
	room := newFakeRoom()
	room.script = []int64{5, 3, 5, 7}
	h := NewHub(room.load, nil)
	s := subscribe(t, h, "m1", "member")
	if f := next(t, s); f.Version != 5 {
		t.Fatalf("got version %d, want 5", f.Version)
	}
	for i := 2; i <= 3; i++ { // a lagging 3, then 5 again
		h.Publish("m1")
		waitFor(t, "the load", func() bool { return room.count("m1/member") == i })
	}
	time.Sleep(10 * time.Millisecond)
	none(t, s)
	h.Publish("m1")
	if f := next(t, s); f.Version != 7 {
		t.Errorf("got version %d, want 7", f.Version)
	}
}

func TestHub_SubscribeWhileLoading(t *testing.T) {
	room := newFakeRoom()
	room.versions["m1"] = 3
	gate, started := room.hold()
	h := NewHub(room.load, nil)

	const n = 20
	subs := make(chan *Sub, n)
	errs := make(chan error, n)
	for range n {
		go func() {
			s, err := h.Subscribe(context.Background(), "m1", "member")
			if err != nil {
				errs <- err
				return
			}
			subs <- s
		}()
	}
	<-started
	waitFor(t, "every screen to join", func() bool { return h.Stats().Screens == n })
	close(gate)
	for range n {
		select {
		case err := <-errs:
			t.Fatal(err)
		case s := <-subs:
			defer s.Close()
			select {
			case f := <-s.Frames():
				if f.Version != 3 {
					t.Errorf("got version %d, want 3", f.Version)
				}
			default:
				t.Error("Subscribe returned without a frame")
			}
		}
	}
	if got := room.count("m1/member"); got != 1 {
		t.Errorf("got %d loads, want 1", got)
	}
}

func TestHub_SubscribeFails(t *testing.T) {
	t.Run("ErrLoad", func(t *testing.T) {
		room := newFakeRoom()
		room.fail = errors.New("no such meeting")
		h := NewHub(room.load, nil)
		if _, err := h.Subscribe(context.Background(), "m1", "member"); !errors.Is(err, room.fail) {
			t.Errorf("got %v, want %v", err, room.fail)
		}
		if st := h.Stats(); st.Screens != 0 || st.Meetings != 0 {
			t.Errorf("got %d screens in %d meetings, want none", st.Screens, st.Meetings)
		}
	})
	t.Run("ErrContext", func(t *testing.T) {
		room := newFakeRoom()
		gate, started := room.hold()
		h := NewHub(room.load, nil)
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error)
		go func() {
			_, err := h.Subscribe(ctx, "m1", "member")
			errc <- err
		}()
		<-started
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want %v", err, context.Canceled)
		}
		close(gate)
		waitFor(t, "the hub to forget the meeting", func() bool { return h.Stats().Meetings == 0 })
	})
	t.Run("ErrClosed", func(t *testing.T) {
		h := NewHub(newFakeRoom().load, nil)
		h.Close()
		if _, err := h.Subscribe(context.Background(), "m1", "member"); !errors.Is(err, ErrClosed) {
			t.Errorf("got %v, want %v", err, ErrClosed)
		}
	})
}

func TestHub_CloseLeaksNothing(t *testing.T) {
	before := runtime.NumGoroutine()
	room := newFakeRoom()
	h := NewHub(room.load, nil)
	var subs []*Sub
	for i := range 200 {
		s, err := h.Subscribe(context.Background(), fmt.Sprintf("m%d", i%20), "member")
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, s)
	}
	for i := range 20 {
		room.bump(fmt.Sprintf("m%d", i))
		h.Publish(fmt.Sprintf("m%d", i))
	}
	for _, s := range subs {
		s.Close()
		s.Close()              // twice is harmless
		for range s.Frames() { // the channel ends
		}
	}
	if st := h.Stats(); st.Screens != 0 {
		t.Errorf("got %d screens, want 0", st.Screens)
	}
	waitFor(t, "loads to end and the meetings to go", func() bool { return h.Stats().Meetings == 0 })
	waitFor(t, fmt.Sprintf("goroutines back to %d", before), func() bool { return runtime.NumGoroutine() <= before })
}

func TestHub_Close(t *testing.T) {
	h := NewHub(newFakeRoom().load, nil)
	s := subscribe(t, h, "m1", "member")
	h.Close()
	next(t, s) // the frame already waiting
	select {
	case _, ok := <-s.Frames():
		if ok {
			t.Fatal("got a frame, want the channel closed")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("channel still open after Close")
	}
	h.Publish("m1") // harmless
}

func TestHub_Refresh(t *testing.T) {
	room := newFakeRoom()
	h := NewHub(room.load, nil)
	var asked []string
	h.Versions = func(ctx context.Context, ids []string) (map[string]int64, error) {
		asked = ids
		room.mu.Lock()
		defer room.mu.Unlock()
		out := map[string]int64{}
		for _, id := range ids {
			out[id] = room.versions[id]
		}
		return out, nil
	}
	a, b := subscribe(t, h, "a", "member"), subscribe(t, h, "b", "member")
	next(t, a)
	next(t, b)
	room.bump("a") // a change whose wake-up got lost
	if err := h.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 2 {
		t.Errorf("got versions asked for %v, want a and b", asked)
	}
	if f := next(t, a); f.Version != 1 {
		t.Errorf("got version %d, want 1", f.Version)
	}
	if got := room.count("b/member"); got != 1 {
		t.Errorf("got %d loads of b, want 1 (it was current)", got)
	}
}

// TestHub_Allowed: a frame that no longer lets someone in closes their
// screens, and only theirs; screens opened for anyone are not affected.
func TestHub_Allowed(t *testing.T) {
	var mu sync.Mutex
	allowed := map[string]bool{"ana": true, "bo": true}
	version := int64(1)
	load := func(ctx context.Context, meetingID, audience string) (Frame, error) {
		mu.Lock()
		defer mu.Unlock()
		a := map[string]bool{}
		for k, v := range allowed {
			a[k] = v
		}
		return Frame{Version: version, Data: []byte("room"), Allowed: a}, nil
	}
	h := NewHub(load, nil)
	defer h.Close()
	ana, err := h.SubscribeAs(context.Background(), "m1", "member", "ana")
	if err != nil {
		t.Fatal(err)
	}
	bo, err := h.SubscribeAs(context.Background(), "m1", "member", "bo")
	if err != nil {
		t.Fatal(err)
	}
	anyone := subscribe(t, h, "m1", "member")
	if _, err := h.SubscribeAs(context.Background(), "m1", "member", "cy"); !errors.Is(err, ErrClosed) {
		t.Errorf("a screen for someone not let in: got %v, want ErrClosed", err)
	}
	for _, s := range []*Sub{ana, bo, anyone} {
		next(t, s)
	}

	mu.Lock()
	delete(allowed, "bo")
	version++
	mu.Unlock()
	h.Publish("m1")
	if f := next(t, ana); f.Version != 2 {
		t.Errorf("ana got version %d, want 2", f.Version)
	}
	next(t, anyone)
	select {
	case f, open := <-bo.Frames():
		if open {
			t.Fatalf("bo, let in no more, got version %d", f.Version)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("bo's screen is still open")
	}
}

// TestHub_SubscribeDuringPublish: a screen that arrives while a publish is
// loading starts with that load's frame, not the older one the hub holds,
// so a reconnect right after a change shows the change.
func TestHub_SubscribeDuringPublish(t *testing.T) {
	room := newFakeRoom()
	room.versions["m1"] = 1
	h := NewHub(room.load, nil)
	first := subscribe(t, h, "m1", "member")
	next(t, first)

	gate, started := room.hold()
	room.bump("m1")
	h.Publish("m1")
	<-started

	got := make(chan *Sub, 1)
	go func() {
		s, err := h.Subscribe(context.Background(), "m1", "member")
		if err != nil {
			t.Error(err)
		}
		got <- s
	}()
	waitFor(t, "the second screen to join", func() bool { return h.Stats().Screens == 2 })
	select {
	case <-got:
		t.Fatal("Subscribe returned while a newer frame was loading")
	case <-time.After(20 * time.Millisecond):
	}
	close(gate)
	s := <-got
	if s == nil {
		return
	}
	defer s.Close()
	if f := next(t, s); f.Version != 2 {
		t.Errorf("got version %d, want the one being loaded, 2", f.Version)
	}
	none(t, s)
}
