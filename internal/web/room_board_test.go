package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// roomPageLimit is the most the room page and a room frame may weigh with a
// board of 2,000 posts: the rest of the room plus the newest posts.
const roomPageLimit = 64 << 10

// TestRoom_LongBoard: with 2,000 posts on the board, the room page and the
// frames every screen gets stay small, showing the newest posts of each
// kind and saying how many there are; the whole board is one link away;
// the presenter's play-back keeps an old suggestion she picked.
func TestRoom_LongBoard(t *testing.T) {
	w := newRoomWorld(t)
	w.goTo(t, rsIdeas)
	if err := sqldb.SeedBoard(context.Background(), w.a.db, w.meeting.ID, 2000); err != nil {
		t.Fatal(err)
	}
	oldest := ""
	for _, p := range w.room(t, w.ny).Board {
		if p.Kind == roundtable.PostSuggestion {
			oldest = p.ID
			break
		}
	}
	if _, err := w.a.svc.Room.PlayBack(as(w.ny), w.meeting.ID, []string{oldest}, nil); err != nil {
		t.Fatalf("play back: %v", err)
	}

	page := w.nb.get(w.path).want(t, http.StatusOK)
	t.Logf("room page with 2,000 posts: %d bytes", len(page.Body))
	if len(page.Body) > roomPageLimit {
		t.Errorf("got a room page of %d bytes, want at most %d", len(page.Body), roomPageLimit)
	}
	board := region(t, page.Body, "board")
	if !strings.Contains(board, "Post 2000:") || !strings.Contains(board, "Post 1999:") || strings.Contains(board, "Post 1:") {
		t.Errorf("got board %s, want the newest posts only", snippet(board))
	}
	page.contains(t, "(newest 30 of 1000)", `href="/meetings/`+w.meeting.ID+`/room?board=all#board">Show the whole board</a>`)
	if pb := region(t, page.Body, "playback"); !strings.Contains(pb, `value="`+oldest+`" checked`) || !strings.Contains(pb, "Post 2000:") {
		t.Errorf("got play-back %s, want the old pick kept beside the newest suggestions", snippet(pb))
	}

	f, err := w.a.srv.RoomFrame(context.Background(), w.meeting.ID, roundtable.AudienceMember)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("room frame with 2,000 posts: %d bytes", len(f.Data))
	if len(f.Data) > roomPageLimit {
		t.Errorf("got a frame of %d bytes, want at most %d", len(f.Data), roomPageLimit)
	}

	// Each of the three has posted hundreds of times: the next post is
	// refused beside the form, with the limit and why, and the text kept.
	w.tb.post(w.path+"/board", url.Values{"kind": {"question"}, "body": {"Quokka-one-more-post"}}).
		want(t, http.StatusUnprocessableEntity).contains(t, "You have posted 100 times in this meeting", "readable for everyone", "Quokka-one-more-post")
	w.tb.postJS(w.path+"/board", url.Values{"kind": {"question"}, "body": {"Again"}}).
		wantJSONError(t, http.StatusUnprocessableEntity, "You have posted 100 times in this meeting")

	all := w.nb.get(w.path+"?board=all").want(t, http.StatusOK)
	if n := strings.Count(all.Body, `<p class="by">`); n != 2000 || !strings.Contains(all.Body, "Post 1:") {
		t.Errorf("got %d posts on the whole board, want all 2000", n)
	}
	all.contains(t, "Back to the live board").lacks(t, `data-region="board"`)
}
