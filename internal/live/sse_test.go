package live

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// event is what a browser's EventSource makes of one block of the stream.
type event struct {
	id, data string
	retry    int  // the retry field, -1 when absent
	comments int  // comment lines before the block
	dispatch bool // the block had data and would fire an event
}

// sseClient reads an event stream as the HTML standard says a browser does.
type sseClient struct {
	resp *http.Response
	r    *bufio.Reader
}

func dial(t *testing.T, url, lastID string) *sseClient {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got status %d, want 200", resp.StatusCode)
	}
	return &sseClient{resp: resp, r: bufio.NewReader(resp.Body)}
}

// block reads up to the next blank line.
func (c *sseClient) block(t *testing.T) event {
	t.Helper()
	ev := event{retry: -1}
	var data []string
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			t.Fatalf("read the stream: %v", err)
		}
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			ev.data = strings.Join(data, "\n")
			ev.dispatch = data != nil
			return ev
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "":
			ev.comments++
		case "id":
			ev.id = value
		case "data":
			data = append(data, value)
		case "retry":
			ev.retry, _ = strconv.Atoi(value)
		default:
			t.Fatalf("got field %q, want id, data, retry or a comment", field)
		}
	}
}

// nextEvent skips comments and blocks without data.
func (c *sseClient) nextEvent(t *testing.T) event {
	t.Helper()
	for {
		if ev := c.block(t); ev.dispatch {
			return ev
		}
	}
}

// serve runs an HTTP server whose /room/{id} streams the room to members.
func serve(t *testing.T, h *Hub) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /room/{id}", func(w http.ResponseWriter, r *http.Request) {
		sub, err := h.Subscribe(r.Context(), r.PathValue("id"), "member")
		if err != nil {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		defer sub.Close()
		ServeSSE(w, r, sub)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestServeSSE(t *testing.T) {
	const html = "<section>\r\n  <h1>Case clinic</h1>\n\n <p>Mirroring</p>\r</section>"
	var version atomic.Int64
	version.Store(7)
	h := NewHub(func(ctx context.Context, meetingID, audience string) (Frame, error) {
		return Frame{Version: version.Load(), Data: []byte(html)}, nil
	}, nil)
	h.Retry = 1500 * time.Millisecond
	h.Heartbeat = 20 * time.Millisecond
	srv := serve(t, h)

	c := dial(t, srv.URL+"/room/m1", "")
	for name, want := range map[string]string{"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"} {
		if got := c.resp.Header.Get(name); got != want {
			t.Errorf("%s: got %q, want %q", name, got, want)
		}
	}
	if ev := c.block(t); ev.retry != 1500 || ev.dispatch {
		t.Errorf("got first block %+v, want retry 1500 alone", ev)
	}
	wantData := "<section>\n  <h1>Case clinic</h1>\n\n <p>Mirroring</p>\n</section>"
	if ev := c.nextEvent(t); ev.id != "7" || ev.data != wantData {
		t.Errorf("got event %q %q, want 7 %q", ev.id, ev.data, wantData)
	}
	// Heartbeats while idle.
	if ev := c.block(t); ev.comments != 1 || ev.dispatch {
		t.Errorf("got %+v, want a heartbeat comment", ev)
	}
	version.Store(8)
	h.Publish("m1")
	if ev := c.nextEvent(t); ev.id != "8" {
		t.Errorf("got id %q, want 8", ev.id)
	}
}

func TestServeSSE_Reconnect(t *testing.T) {
	room := newFakeRoom()
	room.versions["m1"] = 1
	h := NewHub(room.load, nil)
	srv := serve(t, h)

	c := dial(t, srv.URL+"/room/m1", "")
	if ev := c.nextEvent(t); ev.id != "1" {
		t.Fatalf("got id %q, want 1", ev.id)
	}
	c.resp.Body.Close() // the connection drops
	waitFor(t, "the server to close the screen", func() bool { return h.Stats().Screens == 0 })

	room.bump("m1") // changes made while away
	room.bump("m1")
	h.Publish("m1")
	c = dial(t, srv.URL+"/room/m1", "1")
	if ev := c.nextEvent(t); ev.id != "3" || ev.data != "m1/member v3" {
		t.Errorf("got %q %q after reconnecting, want 3 %q", ev.id, ev.data, "m1/member v3")
	}
}

func TestServeSSE_HubClose(t *testing.T) {
	h := NewHub(newFakeRoom().load, nil)
	srv := serve(t, h)
	c := dial(t, srv.URL+"/room/m1", "")
	c.nextEvent(t)
	h.Close() // as at shutdown: streams end so the server can stop
	done := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, c.r)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("got %v, want the stream to end cleanly", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("stream still open after the hub closed")
	}
}

// TestServeSSE_Delta: a stream that wrote exactly a frame's Base gets its
// delta; a new stream, and one that missed the frame the delta builds on,
// get the whole frame.
func TestServeSSE_Delta(t *testing.T) {
	var mu sync.Mutex
	f := Frame{Version: 1, Data: []byte("full v1")}
	h := NewHub(func(ctx context.Context, meetingID, audience string) (Frame, error) {
		mu.Lock()
		defer mu.Unlock()
		return f, nil
	}, nil)
	set := func(v, base int64) {
		mu.Lock()
		f = Frame{Version: v, Data: fmt.Appendf(nil, "full v%d", v), Base: base, Delta: fmt.Appendf(nil, "delta v%d", v)}
		mu.Unlock()
		h.Publish("m1")
	}
	srv := serve(t, h)

	a := dial(t, srv.URL+"/room/m1", "")
	if ev := a.nextEvent(t); ev.data != "full v1" {
		t.Fatalf("got %q first, want the whole frame", ev.data)
	}
	set(2, 1)
	if ev := a.nextEvent(t); ev.id != "2" || ev.data != "delta v2" {
		t.Fatalf("got %q %q, want the delta of v2", ev.id, ev.data)
	}
	// A new screen starts whole even though the hub's frame has a delta.
	b := dial(t, srv.URL+"/room/m1", "1")
	if ev := b.nextEvent(t); ev.id != "2" || ev.data != "full v2" {
		t.Fatalf("new screen: got %q %q, want the whole v2", ev.id, ev.data)
	}
	set(3, 2)
	for _, c := range []*sseClient{a, b} {
		if ev := c.nextEvent(t); ev.data != "delta v3" {
			t.Fatalf("got %q, want the delta of v3", ev.data)
		}
	}
	// A delta built on a frame these screens never got (v4) goes whole.
	set(5, 4)
	for _, c := range []*sseClient{a, b} {
		if ev := c.nextEvent(t); ev.id != "5" || ev.data != "full v5" {
			t.Fatalf("got %q %q, want the whole v5", ev.id, ev.data)
		}
	}
	set(6, 5)
	if ev := a.nextEvent(t); ev.data != "delta v6" {
		t.Fatalf("got %q, want the delta of v6", ev.data)
	}
}

// gateWriter is a ResponseWriter that holds the write after the first event
// until released, like a slow screen.
type gateWriter struct {
	mu      sync.Mutex
	buf     strings.Builder
	events  int
	held    chan struct{} // closed when a write waits
	release chan struct{}
}

func (w *gateWriter) Header() http.Header { return http.Header{} }
func (w *gateWriter) WriteHeader(int)     {}
func (w *gateWriter) Flush()              {}
func (w *gateWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	if strings.HasPrefix(string(b), "id:") {
		w.events++
		if w.events == 2 {
			w.mu.Unlock()
			close(w.held)
			<-w.release
			w.mu.Lock()
		}
	}
	defer w.mu.Unlock()
	return w.buf.WriteString(string(b))
}

// TestServeSSE_DeltaAfterCoalescing: a screen that fell behind finds only
// the latest frame waiting; having missed the frame its delta builds on, it
// is sent the whole.
func TestServeSSE_DeltaAfterCoalescing(t *testing.T) {
	var version atomic.Int64
	version.Store(1)
	h := NewHub(func(ctx context.Context, meetingID, audience string) (Frame, error) {
		v := version.Load()
		return Frame{Version: v, Data: fmt.Appendf(nil, "full v%d", v), Base: v - 1, Delta: fmt.Appendf(nil, "delta v%d", v)}, nil
	}, nil)
	sub := subscribe(t, h, "m1", "member")
	w := &gateWriter{held: make(chan struct{}), release: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ServeSSE(w, httptest.NewRequest("GET", "/", nil).WithContext(ctx), sub); close(done) }()
	waitFor(t, "v1 written", func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.events == 1
	})

	version.Store(2) // written as a delta, and held there
	h.Publish("m1")
	<-w.held
	for v := int64(3); v <= 4; v++ { // v4 replaces v3 while the screen is stuck
		version.Store(v)
		h.Publish("m1")
		waitFor(t, "the load", func() bool { return h.Stats().Loads == uint64(v) })
	}
	close(w.release)
	waitFor(t, "v4 written", func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.events == 3
	})
	cancel()
	<-done
	body := w.buf.String()
	for _, want := range []string{"data: full v1\n", "data: delta v2\n", "data: full v4\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("got %q, want %q in it", body, want)
		}
	}
	if strings.Contains(body, "v3") {
		t.Errorf("got %q, want v3 coalesced away", body)
	}
}
