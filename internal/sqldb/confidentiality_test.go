package sqldb_test

import (
	"context"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// world is a program with two circles; circle A has a meeting.
type world struct {
	org, admin, fac, member, pending, otherMember, otherFac, stranger *roundtable.User
	a, b                                                              *roundtable.Circle
	meeting                                                           *roundtable.Meeting
}

func (e *env) world() *world {
	e.t.Helper()
	w := &world{}
	w.org = e.user("Olga Organizer", "olga@example.org", false, true)
	w.admin = e.user("Ada Admin", "ada@example.org", true, true)
	w.stranger = e.user("Sam Stranger", "sam@example.org", false, false)
	p := e.program(w.org, "Leaders")
	w.a, w.b = e.circle(p.ID, "A"), e.circle(p.ID, "B")
	w.fac = e.facilitator(w.a, "Fay Facilitator", "fay@example.org")
	w.member = e.member(w.a, "Mo Member", "mo@example.org")
	pa := e.accepted(p.ID, "Pat Pending", "pat@example.org")
	must(e.t, e.circles.PlaceApplicant(as(w.org), w.a.ID, pa.ID))
	var err error
	w.pending, err = e.auth.AcceptInvitation(anon, e.lastToken(inviteRE, "pat@example.org"),
		roundtable.AccountSetup{Name: "Pat Pending", TimeZone: "UTC", Password: "pat's long password"})
	must(e.t, err)
	w.otherFac = e.facilitator(w.b, "Gus Other Facilitator", "gus@example.org")
	w.otherMember = e.member(w.b, "Xia Other Member", "xia@example.org")
	w.meeting = &roundtable.Meeting{CircleID: w.a.ID, StartsAt: start.Add(24 * time.Hour), Minutes: 60, VideoURL: "https://meet.example/secret", Agenda: "Secret agenda"}
	must(e.t, e.meetings.CreateMeeting(as(w.fac), w.meeting))
	must(e.t, e.circles.SetGoals(as(w.member), w.a.ID, []string{"Secret goal"}))
	return w
}

// outsiders are everyone who must not see circle a's content, by name.
func (w *world) outsiders() map[string]context.Context {
	return map[string]context.Context{
		"Organizer":              as(w.org),
		"Admin":                  as(w.admin),
		"OtherCircleMember":      as(w.otherMember),
		"OtherCircleFacilitator": as(w.otherFac),
		"SignedInStranger":       as(w.stranger),
		"Anonymous":              anon,
	}
}

func TestConfidentiality_CircleContent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.world()
		callers := w.outsiders()
		for name, ctx := range callers {
			t.Run(name, func(t *testing.T) {
				_, err := e.circles.FindCircleHome(ctx, w.a.ID)
				wantCode(t, err, roundtable.ENOTFOUND)
				_, err = e.circles.FindCircleWelcome(ctx, w.a.ID)
				wantCode(t, err, roundtable.ENOTFOUND)
				_, err = e.meetings.FindMeetingByID(ctx, w.meeting.ID)
				wantCode(t, err, roundtable.ENOTFOUND)
				wantCode(t, e.meetings.SetRSVP(ctx, w.meeting.ID, roundtable.RSVPYes), roundtable.ENOTFOUND)
				wantCode(t, e.circles.SetGoals(ctx, w.a.ID, []string{"Intrude"}), roundtable.ENOTFOUND)
				wantCode(t, e.circles.AcceptGroundRules(ctx, w.a.ID), roundtable.ENOTFOUND)
				wantCode(t, e.meetings.CreateMeeting(ctx, &roundtable.Meeting{CircleID: w.a.ID, StartsAt: start.Add(time.Hour), Minutes: 60, Place: "X"}), roundtable.ENOTFOUND)
				up, err := e.meetings.ListMyUpcomingMeetings(ctx)
				must(t, err)
				for _, m := range up {
					if m.ID == w.meeting.ID {
						t.Fatalf("got circle A's meeting in the upcoming list, want it hidden")
					}
				}
				mine, err := e.circles.ListMyCircles(ctx)
				must(t, err)
				for _, c := range mine {
					if c.ID == w.a.ID {
						t.Fatalf("got circle A in my circles, want it hidden")
					}
				}
			})
		}
		t.Run("FacilitatorIsNoOrganizer", func(t *testing.T) {
			_, err := e.circles.FindCircleRoster(as(w.fac), w.a.ID)
			wantCode(t, err, roundtable.ENOTFOUND)
			_, err = e.circles.ListCircles(as(w.otherMember), w.a.ProgramID)
			wantCode(t, err, roundtable.ENOTFOUND)
		})
		t.Run("RosterHasNoContent", func(t *testing.T) {
			// What organizers do see: names and roles, through types without content.
			r, err := e.circles.FindCircleRoster(as(w.org), w.a.ID)
			must(t, err)
			if len(r.Members) != 3 {
				t.Fatalf("got %d people, want 3", len(r.Members))
			}
		})
		t.Run("MembersSeeContent", func(t *testing.T) {
			for _, u := range []*roundtable.User{w.fac, w.member} {
				h, err := e.circles.FindCircleHome(as(u), w.a.ID)
				must(t, err)
				if len(h.Upcoming) != 1 || h.Upcoming[0].Agenda != "Secret agenda" || h.Goals[w.member.ID][0].Text != "Secret goal" {
					t.Fatalf("got %+v, want the meeting and the goal", h)
				}
				if _, err := e.meetings.FindMeetingByID(as(u), w.meeting.ID); err != nil {
					t.Fatalf("got %v, want the meeting", err)
				}
			}
		})
		t.Run("PendingMember", func(t *testing.T) {
			ctx := as(w.pending)
			_, err := e.circles.FindCircleHome(ctx, w.a.ID)
			wantCode(t, err, roundtable.EGROUNDRULES)
			_, err = e.meetings.FindMeetingByID(ctx, w.meeting.ID)
			wantCode(t, err, roundtable.EGROUNDRULES)
			wantCode(t, e.meetings.SetRSVP(ctx, w.meeting.ID, roundtable.RSVPYes), roundtable.EGROUNDRULES)
			wantCode(t, e.circles.SetGoals(ctx, w.a.ID, []string{"x"}), roundtable.EGROUNDRULES)
			wantCode(t, e.meetings.CreateMeeting(ctx, &roundtable.Meeting{CircleID: w.a.ID, StartsAt: start.Add(time.Hour), Minutes: 60, Place: "X"}), roundtable.EGROUNDRULES)
			up, err := e.meetings.ListMyUpcomingMeetings(ctx)
			must(t, err)
			if len(up) != 0 {
				t.Fatalf("got %d upcoming meetings before accepting the rules, want 0", len(up))
			}
			if _, err := e.circles.FindCircleWelcome(ctx, w.a.ID); err != nil {
				t.Fatalf("got %v, want the welcome page", err)
			}
			must(t, e.circles.AcceptGroundRules(ctx, w.a.ID))
			up, err = e.meetings.ListMyUpcomingMeetings(ctx)
			must(t, err)
			if len(up) != 1 {
				t.Fatalf("got %d upcoming meetings after accepting, want 1", len(up))
			}
		})
		t.Run("MemberCannotSchedule", func(t *testing.T) {
			wantCode(t, e.meetings.CreateMeeting(as(w.member), &roundtable.Meeting{CircleID: w.a.ID, StartsAt: start.Add(time.Hour), Minutes: 60, Place: "X"}), roundtable.EFORBIDDEN)
		})
		t.Run("RemovedMemberLosesAccess", func(t *testing.T) {
			must(t, e.circles.RemoveMember(as(w.org), w.a.ID, w.member.ID))
			_, err := e.circles.FindCircleHome(as(w.member), w.a.ID)
			wantCode(t, err, roundtable.ENOTFOUND)
			h, err := e.circles.FindCircleHome(as(w.fac), w.a.ID)
			must(t, err)
			if len(h.Goals[w.member.ID]) != 0 {
				t.Fatalf("got %v, want the removed member's goals gone", h.Goals[w.member.ID])
			}
		})
		t.Run("MalformedIDs", func(t *testing.T) {
			for _, id := range []string{"", "1", "../" + w.a.ID, w.a.ID + " ", "\xff\x00"} {
				_, err := e.circles.FindCircleHome(as(w.fac), id)
				wantCode(t, err, roundtable.ENOTFOUND)
				_, err = e.meetings.FindMeetingByID(as(w.fac), id)
				wantCode(t, err, roundtable.ENOTFOUND)
				_, err = e.circles.FindCircleRoster(as(w.admin), id)
				wantCode(t, err, roundtable.ENOTFOUND)
				_, err = e.applicants.FindApplicantByID(as(w.admin), id)
				wantCode(t, err, roundtable.ENOTFOUND)
			}
		})
	})
}
