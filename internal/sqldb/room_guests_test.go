package sqldb_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

func TestRoomService_InviteGuest(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.roomWorld()
		id := w.meeting.ID
		fac := as(w.fac)

		t.Run("Mail", func(t *testing.T) {
			must(t, w.rooms.InviteGuest(fac, w.next.ID, "Hal Host", "HAL@example.org"))
			msgs := e.deliver()
			if len(msgs) != 1 || msgs[0].To != "hal@example.org" {
				t.Fatalf("got %d messages, want one to hal@example.org", len(msgs))
			}
			m := msgs[0]
			for _, want := range []string{"Hal Host", "as a guest", "fay@example.org", "/signin/link/", "?next=" + url.QueryEscape("/meetings/"+w.next.ID+"/room")} {
				if !strings.Contains(m.Subject+m.Text, want) || !strings.Contains(m.HTML, want) {
					t.Fatalf("got message %q / %q / %q, want %q in text and HTML", m.Subject, m.Text, m.HTML, want)
				}
			}
			for _, secret := range []string{"Secret", "How do I delegate", "meet.example"} {
				if strings.Contains(m.Subject+m.Text+m.HTML, secret) {
					t.Fatalf("got %q in the guest's invitation, want no circle content", secret)
				}
			}
			// The link works until the meeting ends, but two weeks at most,
			// like an invitation to a circle: this one ends before the meeting.
			if !strings.Contains(m.Text, "for the next 14 days") {
				t.Fatalf("got %q, want the link's life of 14 days told", m.Text)
			}
			token := linkRE.FindStringSubmatch(m.Text)[1]
			e.clock.Add(roundtable.InvitationLifetime + time.Minute)
			_, err := e.auth.RedeemSignInLink(anon, token)
			wantCode(t, err, roundtable.EUNAUTHORIZED)
			e.clock.Add(w.meeting.StartsAt.Sub(e.clock.Now()))
		})

		t.Run("Rules", func(t *testing.T) {
			wantCode(t, w.rooms.InviteGuest(as(w.member), id, "Eve", "eve@example.org"), roundtable.EFORBIDDEN)
			wantCode(t, w.rooms.InviteGuest(as(w.keeper), id, "Eve", "eve@example.org"), roundtable.EFORBIDDEN)
			wantCode(t, w.rooms.InviteGuest(as(w.guest), id, "Eve", "eve@example.org"), roundtable.EFORBIDDEN)
			err := w.rooms.InviteGuest(fac, id, "Mo", "mo@example.org")
			wantCode(t, err, roundtable.EINVALID)
			if roundtable.ErrorFields(err)["email"] == "" {
				t.Fatalf("got %v, want the e-mail field flagged for a member", err)
			}
			err = w.rooms.InviteGuest(fac, id, "", "not an address")
			if f := roundtable.ErrorFields(err); f["name"] == "" || f["email"] == "" {
				t.Fatalf("got %v, want name and e-mail flagged", err)
			}
			// Inviting again sends a new link and no error.
			must(t, w.rooms.InviteGuest(fac, id, "Gia Guest", "gia@example.org"))
			if msgs := e.deliver(); len(msgs) != 1 || msgs[0].To != "gia@example.org" {
				t.Fatalf("got %v, want a new link for Gia", msgs)
			}
		})

		t.Run("ExistingAccount", func(t *testing.T) {
			must(t, w.rooms.InviteGuest(fac, id, "Ignored Name", "sam@example.org"))
			r, err := w.rooms.Room(as(w.stranger), id)
			must(t, err)
			if p := person(r, w.stranger.ID); p == nil || !p.Guest || p.Name != "Sam Stranger" {
				t.Fatalf("got %+v, want Sam as a guest under his own name", p)
			}
		})

		t.Run("Remove", func(t *testing.T) {
			w.goTo(t, segPresent)
			must(t, w.rooms.SetSpeaker(fac, id, w.stranger.ID))
			must(t, w.rooms.RaiseHand(as(w.stranger), id, true))
			wantCode(t, w.rooms.RemoveGuest(as(w.member), id, w.stranger.ID), roundtable.EFORBIDDEN)
			must(t, w.rooms.RemoveGuest(as(w.chair), id, w.stranger.ID))
			_, err := w.rooms.Room(as(w.stranger), id)
			wantCode(t, err, roundtable.ENOTFOUND)
			r := w.room(t, w.fac)
			if r.Speaker != "" || len(r.Hands) != 0 || person(r, w.stranger.ID) != nil {
				t.Fatalf("got speaker %q hands %v, want the removed guest gone from the room", r.Speaker, r.Hands)
			}
			wantCode(t, w.rooms.RemoveGuest(fac, id, w.stranger.ID), roundtable.ENOTFOUND)
			wantCode(t, w.rooms.RemoveGuest(fac, id, w.member.ID), roundtable.ENOTFOUND)
		})

		t.Run("Over", func(t *testing.T) {
			w.timer(t, roundtable.TimerEnd)
			wantCode(t, w.rooms.InviteGuest(fac, id, "Late", "late@example.org"), roundtable.EINVALID)
			must(t, e.meetings.CancelMeeting(fac, w.next.ID))
			wantCode(t, w.rooms.InviteGuest(fac, w.next.ID, "Late", "late@example.org"), roundtable.EINVALID)
			_, err := w.rooms.Room(as(w.guest), w.next.ID)
			wantCode(t, err, roundtable.ENOTFOUND)
			wantCode(t, w.rooms.Join(as(w.member), w.next.ID), roundtable.EINVALID)
		})
	})
}
