package sqldb_test

import (
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

func TestMeetingService_CreateMeeting(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		c := e.circle(p.ID, "A")
		fac := e.facilitator(c, "Fay", "fay@example.org")
		mem := e.member(c, "Mo", "mo@example.org")

		wantCode(t, e.meetings.CreateMeeting(as(fac), &roundtable.Meeting{CircleID: c.ID, Minutes: 5, VideoURL: "ftp://x"}), roundtable.EINVALID)
		wantCode(t, e.meetings.CreateMeeting(as(mem), &roundtable.Meeting{CircleID: c.ID, StartsAt: start.Add(time.Hour), Minutes: 60, Place: "Cafe"}), roundtable.EFORBIDDEN)

		later := &roundtable.Meeting{CircleID: c.ID, StartsAt: start.Add(48 * time.Hour), Minutes: 90, VideoURL: "https://meet.example/abc", Agenda: "Check-in\nCase clinic"}
		sooner := &roundtable.Meeting{CircleID: c.ID, StartsAt: start.Add(24 * time.Hour).In(time.FixedZone("+9", 9*3600)), Minutes: 60, Place: "Room 1"}
		past := &roundtable.Meeting{CircleID: c.ID, StartsAt: start.Add(-2 * time.Hour), Minutes: 90, Place: "Room 0"}
		for _, m := range []*roundtable.Meeting{later, sooner, past} {
			must(t, e.meetings.CreateMeeting(as(fac), m))
		}

		h, err := e.circles.FindCircleHome(as(mem), c.ID)
		must(t, err)
		if len(h.Upcoming) != 2 || h.Upcoming[0].ID != sooner.ID || h.Upcoming[1].ID != later.ID || len(h.Past) != 1 || h.Past[0].ID != past.ID {
			t.Fatalf("got upcoming %v and past %v, want sooner, later | past", h.Upcoming, h.Past)
		}
		if !h.Upcoming[0].StartsAt.Equal(sooner.StartsAt) || h.Upcoming[1].Agenda != "Check-in\nCase clinic" || h.Upcoming[1].VideoURL != "https://meet.example/abc" {
			t.Fatalf("got %+v, want the stored fields", h.Upcoming[1])
		}

		// A meeting under way (started, not ended) is still upcoming.
		e.clock.Add(24*time.Hour + 30*time.Minute)
		h, err = e.circles.FindCircleHome(as(mem), c.ID)
		must(t, err)
		if len(h.Upcoming) != 2 || len(h.Past) != 1 {
			t.Fatalf("got %d upcoming and %d past, want 2 and 1 while the meeting runs", len(h.Upcoming), len(h.Past))
		}
		e.clock.Add(30 * time.Minute)
		h, err = e.circles.FindCircleHome(as(mem), c.ID)
		must(t, err)
		if len(h.Upcoming) != 1 || len(h.Past) != 2 {
			t.Fatalf("got %d upcoming and %d past, want 1 and 2 once it ended", len(h.Upcoming), len(h.Past))
		}
	})
}

func TestMeetingService_RSVP(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		c := e.circle(p.ID, "A")
		fac := e.facilitator(c, "Fay", "fay@example.org")
		mem := e.member(c, "Mo", "mo@example.org")
		m := &roundtable.Meeting{CircleID: c.ID, StartsAt: start.Add(24 * time.Hour), Minutes: 60, Place: "Cafe"}
		must(t, e.meetings.CreateMeeting(as(fac), m))

		wantCode(t, e.meetings.SetRSVP(as(mem), m.ID, "perhaps"), roundtable.EINVALID)
		must(t, e.meetings.SetRSVP(as(mem), m.ID, roundtable.RSVPMaybe))
		must(t, e.meetings.SetRSVP(as(mem), m.ID, roundtable.RSVPYes))
		must(t, e.meetings.SetRSVP(as(fac), m.ID, roundtable.RSVPNo))

		got, err := e.meetings.FindMeetingByID(as(mem), m.ID)
		must(t, err)
		if got.MyRSVP != roundtable.RSVPYes || len(got.RSVPs) != 2 || got.RSVPs[fac.ID] != roundtable.RSVPNo {
			t.Fatalf("got my %q and all %v, want yes and two answers", got.MyRSVP, got.RSVPs)
		}

		up, err := e.meetings.ListMyUpcomingMeetings(as(mem))
		must(t, err)
		if len(up) != 1 || up[0].ID != m.ID || up[0].CircleName != "A" || up[0].MyRSVP != roundtable.RSVPYes {
			t.Fatalf("got %+v, want the meeting in A with my yes", up)
		}
		e.clock.Add(25 * time.Hour)
		up, err = e.meetings.ListMyUpcomingMeetings(as(mem))
		must(t, err)
		if len(up) != 0 {
			t.Fatalf("got %d upcoming after it ended, want 0", len(up))
		}
	})
}
