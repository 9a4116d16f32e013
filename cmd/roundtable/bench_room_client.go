package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// roomScreen is one SSE connection of bench room, reading as a browser does.
type roomScreen struct {
	meeting  string
	instance int

	first  int64 // version of the frame received on connecting
	latest atomic.Int64
	bytes  atomic.Int64

	mu         sync.Mutex
	got        []roomReceipt // events after the first
	outOfOrder int
	err        error
}

// roomReceipt is an event as received: its version and when it was read
// whole (Unix nanoseconds).
type roomReceipt struct {
	version int64
	at      int64
}

// newRoomTransport returns a client transport with no per-host limit, for
// thousands of streams to one address.
func newRoomTransport(conns int) *http.Transport {
	return &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
		MaxConnsPerHost:       0, // unlimited
		MaxIdleConns:          conns,
		MaxIdleConnsPerHost:   conns,
		DisableCompression:    true,
		ReadBufferSize:        16 << 10, // a frame or more per read: the clients share the cores with the servers
		ResponseHeaderTimeout: 60 * time.Second,
	}
}

// connectRoomScreens opens a screen per entry of screens, at most parallel at
// a time, and returns once each has its first frame or failed.
func connectRoomScreens(ctx context.Context, client *http.Client, bases []string, screens []*roomScreen, parallel int) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(screens))
	slots := make(chan struct{}, parallel)
	for _, s := range screens {
		slots <- struct{}{}
		ready := make(chan error, 1)
		go s.run(ctx, client, bases[s.instance], ready)
		wg.Go(func() {
			defer func() { <-slots }()
			if err := <-ready; err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs // the first error, or nil
}

// run streams the screen's events until ctx ends, reporting on ready once the
// first frame is in (or the stream failed before).
func (s *roomScreen) run(ctx context.Context, client *http.Client, base string, ready chan<- error) {
	fail := func(err error) {
		s.mu.Lock()
		s.err = err
		s.mu.Unlock()
		if ready != nil {
			ready <- err
		}
	}
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/meetings/"+s.meeting+"/room/events", nil)
	if err != nil {
		fail(err)
		return
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := client.Do(req)
	if err != nil {
		fail(err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fail(fmt.Errorf("%s: status %s", req.URL.Path, resp.Status))
		return
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 8<<10), 1<<20)
	var id int64
	var data bool
	for sc.Scan() {
		line := sc.Bytes()
		s.bytes.Add(int64(len(line) + 1))
		switch {
		case len(line) == 0:
			if !data {
				continue // retry hint or heartbeat
			}
			at := time.Now().UnixNano()
			data = false
			if ready != nil {
				s.first = id
				s.latest.Store(id)
				ready <- nil
				ready = nil
				continue
			}
			s.mu.Lock()
			if id <= s.latest.Load() {
				s.outOfOrder++
			}
			s.got = append(s.got, roomReceipt{version: id, at: at})
			s.mu.Unlock()
			s.latest.Store(max(id, s.latest.Load()))
		case bytes.HasPrefix(line, []byte("id: ")):
			id, _ = strconv.ParseInt(string(line[4:]), 10, 64)
		case bytes.HasPrefix(line, []byte("data:")):
			data = true
		}
	}
	err = sc.Err()
	switch {
	case ctx.Err() != nil:
		if ready != nil {
			fail(ctx.Err())
		}
	case err != nil:
		fail(fmt.Errorf("%s: %w", req.URL.Path, err))
	default:
		fail(fmt.Errorf("%s: the server ended the stream", req.URL.Path))
	}
}
