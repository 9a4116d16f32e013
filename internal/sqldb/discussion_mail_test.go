package sqldb_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

func recipients(sent []mail.Message) []string {
	var out []string
	for _, m := range sent {
		out = append(out, m.To)
	}
	slices.Sort(out)
	return out
}

// TestDiscussionService_MailRecipients: discussion e-mails, immediate or
// the digest, go only to members of the circle who accepted its ground
// rules, as they are when the e-mail is sent, and once.
func TestDiscussionService_MailRecipients(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.discussionWorld()
		// Pat is placed in the circle and has an account, but has not
		// accepted the ground rules yet.
		pa := e.accepted(w.circle.ProgramID, "Pat", "pat@example.org")
		must(t, e.circles.PlaceApplicant(sys, w.circle.ID, pa.ID))
		pat, err := e.auth.AcceptInvitation(anon, e.lastToken(inviteRE, "pat@example.org"), roundtable.AccountSetup{Name: "Pat", TimeZone: "Asia/Tokyo", Password: "a long enough password"})
		must(t, err)
		e.deliver()
		for _, u := range []*roundtable.User{w.ana, pat, w.x} {
			must(t, w.s.SetDiscussionDelivery(as(u), roundtable.DeliverImmediate))
		}

		th := &roundtable.Thread{CircleID: w.circle.ID, Title: "Budget talk", Body: "How do you plan?"}
		must(t, w.s.StartThread(as(w.mo), th))
		if got := recipients(e.deliver()); !slices.Equal(got, []string{"ana@example.org"}) {
			t.Fatalf("thread e-mails: got %v, want Ana only", got)
		}
		// Ana leaves the circle before the reply's e-mail is sent.
		must(t, w.s.AddReply(as(w.fac), &roundtable.Reply{ThreadID: th.ID, Body: "Quarterly."}))
		must(t, e.circles.RemoveMember(as(w.org), w.circle.ID, w.ana.ID))
		if got := recipients(e.deliver()); len(got) != 0 {
			t.Fatalf("reply e-mails: got %v, want none after Ana left", got)
		}

		// The digest: Ana (now weekly, gone) and Pat (weekly, rules not
		// accepted) get none; Mo gets Fay's reply; Fay has nothing new
		// from others but Mo's thread.
		must(t, w.s.SetDiscussionDelivery(as(w.ana), roundtable.DeliverWeekly))
		must(t, w.s.SetDiscussionDelivery(as(pat), roundtable.DeliverWeekly))
		e.clock.Add(8 * 24 * time.Hour)
		must(t, e.outbox.ScheduleDigests(context.Background()))
		if got := recipients(e.deliver()); !slices.Equal(got, []string{"fay@example.org", "mo@example.org"}) {
			t.Fatalf("digests: got %v, want Fay and Mo", got)
		}
		must(t, e.outbox.ScheduleDigests(context.Background()))
		if got := recipients(e.deliver()); len(got) != 0 {
			t.Fatalf("digests asked again: got %v, want none", got)
		}
	})
}
