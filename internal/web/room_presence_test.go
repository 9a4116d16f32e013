package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// presenceOf reads what the people region says of a person: "here", "not
// here", "was here" …
func presenceOf(t *testing.T, people, name string) string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(name) + `(?:\s*<span class="muted">\(guest\)</span>)?</span>\s*<span class="(?:here|away)">([^<]*)</span>`).FindStringSubmatch(people)
	if m == nil {
		t.Fatalf("no presence of %s in %s", name, people)
	}
	return m[1]
}

// TestRoom_Presence: whoever has the room's stream open is here, hours
// before the start too; starting the meeting takes their attendance at
// once (the fair share counts them all); a closed stream shows its reader
// gone, and coming back shows her here again.
func TestRoom_Presence(t *testing.T) {
	w := newRoomWorldAt(t, time.Now().Add(3*time.Hour).Truncate(time.Minute))
	w.liveServer(t)

	fay, _, _ := w.openEvents(t, w.fac, "")
	_, f := fay.next(2 * time.Second)
	nia, _, _ := w.openEvents(t, w.ny, "")
	taro, _, _ := w.openEvents(t, w.tokyo, "")
	for _, s := range []*sseStream{nia, taro} {
		s.next(2 * time.Second)
	}
	f = fay.until("all three here", f.State.Version, 2*time.Second, func(f roomFrameData) bool {
		p := f.Regions["people"]
		return p != "" && presenceOf(t, p, "Nia York") == "here" && presenceOf(t, p, "Taro Kyo") == "here" && presenceOf(t, p, "Fay Facilitator") == "here"
	})
	if f.State.Started {
		t.Fatal("the meeting started by itself")
	}

	w.fb.postJS(w.path+"/timer", url.Values{"action": {"start"}}).want(t, http.StatusNoContent)
	f = fay.until("the fair share of three", f.State.Version, time.Second, func(f roomFrameData) bool {
		return strings.Contains(f.Regions["speaking"], "A fair share is 33 %")
	})
	for _, u := range w.room(t, w.fac).People {
		if !u.Present || !u.Here {
			t.Errorf("after the start: got %+v, want everyone here and present", u)
		}
	}

	nia.close()
	f = fay.until("Nia gone", f.State.Version, 2*time.Second, func(f roomFrameData) bool {
		return f.Regions["people"] != "" && presenceOf(t, f.Regions["people"], "Nia York") == "was here"
	})
	if sp := w.room(t, w.fac).Speaking; len(sp) != 3 || sp[0].Fair < 0.33 || sp[0].Fair > 0.34 {
		t.Errorf("got shares %+v, want Nia still counted: she attended", sp)
	}
	w.openEvents(t, w.ny, "")
	fay.until("Nia back", f.State.Version, 2*time.Second, func(f roomFrameData) bool {
		return f.Regions["people"] != "" && presenceOf(t, f.Regions["people"], "Nia York") == "here"
	})

	// The facilitator marks Taro absent; his screen does not undo it.
	w.fb.postJS(w.path+"/attendance", url.Values{"user": {w.tokyo.ID}, "present": {"0"}}).want(t, http.StatusNoContent)
	taro.close()
	w.openEvents(t, w.tokyo, "")
	fay.until("Taro here, marked absent", f.State.Version, 2*time.Second, func(f roomFrameData) bool {
		return f.Regions["people"] != "" && presenceOf(t, f.Regions["people"], "Taro Kyo") == "here, marked absent"
	})
}
