package web

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// TestRoom_DeltaFramesAddUp follows a screen through a series of changes:
// each event after the first carries only the regions that changed, and the
// regions put together from them equal the room drawn afresh.
func TestRoom_DeltaFramesAddUp(t *testing.T) {
	w := newRoomWorld(t)
	fixed := time.Now()
	w.a.srv.now = func() time.Time { return fixed } // the clock text stays put
	w.liveServer(t)
	s, code, body := w.openEvents(t, w.fac, "")
	if s == nil {
		t.Fatalf("open events: %d %s", code, body)
	}
	_, f := s.next(5 * time.Second)
	if len(f.Regions) != len(roomRegions) {
		t.Fatalf("got %d regions first, want all %d", len(f.Regions), len(roomRegions))
	}
	shown := f.Regions
	version := f.State.Version

	// fresh draws the room whole, as a server that kept nothing would.
	fresh := func() map[string]string {
		t.Helper()
		other := &Server{svc: w.a.srv.svc, pages: w.a.srv.pages, now: w.a.srv.now}
		fr, err := other.RoomFrame(context.Background(), w.meeting.ID, roundtable.AudienceMember)
		if err != nil {
			t.Fatal(err)
		}
		var d roomFrameData
		if err := json.Unmarshal(fr.Data, &d); err != nil {
			t.Fatal(err)
		}
		return d.Regions
	}
	room := w.a.svc.Room
	id := w.meeting.ID
	steps := []struct {
		name string
		do   func() error
		only []string // when set, the regions the event may carry
	}{
		{"start", func() error { return room.ControlTimer(as(w.fac), id, roundtable.TimerStart, 0) }, nil},
		{"extend", func() error { return room.ControlTimer(as(w.tokyo), id, roundtable.TimerExtend, 2) }, []string{"timer"}},
		{"hand", func() error { return room.RaiseHand(as(w.ny), id, true) }, []string{"speaking"}},
		{"speaker", func() error { return room.SetSpeaker(as(w.fac), id, w.ny.ID) }, nil},
		{"nobody", func() error { return room.SetSpeaker(as(w.fac), id, "") }, nil},
		{"next", func() error { return room.ControlTimer(as(w.fac), id, roundtable.TimerNext, 0) }, nil},
		{"post", func() error {
			_, err := room.Post(as(w.ny), id, roundtable.PostQuestion, "Who owns the merge?")
			return err
		}, []string{"board"}},
		{"minutes", func() error {
			_, err := room.SaveMinutes(as(w.tokyo), id, 0, "", "Nia presented.")
			return err
		}, []string{"minutes"}},
		{"attendance", func() error { return room.SetAttendance(as(w.fac), id, w.tokyo.ID, true) }, nil},
		{"ideas", func() error { return room.ControlTimer(as(w.fac), id, roundtable.TimerNext, 0) }, nil},
		{"suggest", func() error {
			_, err := room.Post(as(w.tokyo), id, roundtable.PostSuggestion, "Pair the leads")
			return err
		}, []string{"board", "playback"}},
		{"play-back", func() error {
			_, err := room.PlayBack(as(w.ny), id, nil, []string{"Hold one joint retro"})
			return err
		}, nil},
		{"agenda", func() error { return w.a.svc.Agendas.SetSegments(as(w.fac), id, roomTestAgenda()) }, nil},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		f := s.until(st.name, version, 5*time.Second, func(f roomFrameData) bool { return f.State.Version > version })
		version = f.State.Version
		if len(f.Regions) == len(roomRegions) {
			t.Errorf("%s: got every region, want only those that changed", st.name)
		}
		for name := range f.Regions {
			if st.only != nil && !slices.Contains(st.only, name) {
				t.Errorf("%s: got region %s, want only %v", st.name, name, st.only)
			}
			shown[name] = f.Regions[name]
		}
		for name, want := range fresh() {
			if name == "speaking" && f.State.Speaker != "" {
				continue // the shares grow with the open turn, on the database's clock
			}
			if shown[name] != want {
				t.Errorf("%s: region %s put together from deltas\n%s\nwant, drawn afresh,\n%s", st.name, name, shown[name], want)
			}
		}
	}
}
