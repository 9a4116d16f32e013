package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// TestRoom_TwoInstancesOnPostgres runs two instances of Roundtable on one
// PostgreSQL database, as a deployment behind a load balancer does: a member
// watching a meeting's room on the second instance sees the timer start that
// the first instance committed, woken by the database's notification.
func TestRoom_TwoInstancesOnPostgres(t *testing.T) {
	if !slices.Contains(sqldbtest.Engines(t), "postgres") {
		t.Skip("no PostgreSQL")
	}
	dbURL := sqldbtest.CreatePostgresDatabase(t)
	first, _ := bootMain(t, dbURL, nil, true) // migrates and seeds the demo
	second, _ := bootMain(t, dbURL, nil, false)
	meetingID := first.Demo.MeetingIDs[slices.Index(first.Demo.CircleIDs, first.Demo.MemberCircleID)]

	// The demo member signs in on the second instance and opens the room's
	// event stream there.
	client := newClient(t)
	client.Timeout = 0 // the stream stays open
	post(t, client, second.URL()+"/signin", url.Values{"email": {first.Demo.MemberEmail}, "password": {demo.Password}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", second.URL()+"/meetings/"+meetingID+"/room/events", nil)
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("room events on the second instance: got %d, want 200", res.StatusCode)
	}
	events := make(chan roomEvent, 16)
	go readRoomEvents(res.Body, events)
	firstFrame := waitRoomEvent(t, events, "the current room", 10*time.Second, func(e roomEvent) bool { return true })

	// The facilitator's start reaches the first instance's database handle.
	rooms := sqldb.NewRoomService(first.DB)
	if err := rooms.ControlTimer(roundtable.NewSystemContext(context.Background()), meetingID, roundtable.TimerStart, 0); err != nil {
		t.Fatalf("start the timer: %v", err)
	}
	// Within two seconds: sooner than the listener's safety poll, so it is the
	// notification that woke the second instance.
	got := waitRoomEvent(t, events, "the started timer", 2*time.Second, func(e roomEvent) bool { return e.id > firstFrame.id && e.state.Started })
	if !strings.Contains(got.regions["timer"], `data-running="true"`) {
		t.Errorf("the frame after the start does not show a running timer:\n%s", got.regions["timer"])
	}

	// The member's stream lives on the second instance; the database tells
	// the first that she is here, and the start took her attendance.
	sys := roundtable.NewSystemContext(context.Background())
	here := func() (n int) {
		t.Helper()
		r, err := rooms.Snapshot(sys, meetingID, roundtable.AudienceMember)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range r.People {
			if p.Here {
				n++
				if !p.Present {
					t.Errorf("got %+v, want the member here present since the start", p)
				}
			}
		}
		return n
	}
	if n := here(); n != 1 {
		t.Fatalf("got %d people here, want the member watching on the second instance", n)
	}
	// Her stream closes: the second instance records that she left.
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for here() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the member is still here 5 s after her stream closed")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// roomEvent is one event of a room's stream.
type roomEvent struct {
	id    int64
	state struct {
		Started bool `json:"started"`
	}
	regions map[string]string
}

// readRoomEvents parses a room's Server-Sent Events until the stream ends.
func readRoomEvents(body interface{ Read([]byte) (int, error) }, out chan<- roomEvent) {
	defer close(out)
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	var ev roomEvent
	var data strings.Builder
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "id:"):
			ev.id, _ = strconv.ParseInt(strings.TrimSpace(line[3:]), 10, 64)
		case strings.HasPrefix(line, "data:"):
			data.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
		case line == "" && data.Len() > 0:
			var f struct {
				State   json.RawMessage   `json:"state"`
				Regions map[string]string `json:"regions"`
			}
			if json.Unmarshal([]byte(data.String()), &f) == nil {
				json.Unmarshal(f.State, &ev.state)
				ev.regions = f.Regions
				out <- ev
			}
			ev, data = roomEvent{}, strings.Builder{}
		}
	}
}

// waitRoomEvent waits up to wait for an event that satisfies ok.
func waitRoomEvent(t *testing.T, events <-chan roomEvent, what string, wait time.Duration, ok func(roomEvent) bool) roomEvent {
	t.Helper()
	limit := time.After(wait)
	for {
		select {
		case e, open := <-events:
			if !open {
				t.Fatalf("the stream ended before %s", what)
			}
			if ok(e) {
				return e
			}
		case <-limit:
			t.Fatalf("no event with %s within %s", what, wait)
		}
	}
}
