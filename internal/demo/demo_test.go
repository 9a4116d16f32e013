package demo_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/internal/sqldb/sqldbtest"
)

// now is a fixed clock: a Wednesday in November, after the end of daylight
// saving time in Europe and North America.
var now = time.Date(2026, time.November, 11, 9, 30, 0, 0, time.UTC)

func TestSeed(t *testing.T) {
	for _, engine := range sqldbtest.Engines(t) {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db := sqldbtest.Open(t, engine, func() time.Time { return now })
			d, err := demo.Seed(ctx, db)
			if err != nil {
				t.Fatalf("Seed: %v", err)
			}
			checkDemo(t, ctx, db, d)

			t.Run("ErrNotEmpty", func(t *testing.T) {
				if _, err := demo.Seed(ctx, db); !errors.Is(err, demo.ErrNotEmpty) {
					t.Errorf("second Seed: got %v, want ErrNotEmpty", err)
				}
			})
		})
	}
}

func signIn(t *testing.T, ctx context.Context, db *sqldb.DB, email string) context.Context {
	t.Helper()
	u, err := sqldb.NewAuthService(db).Authenticate(ctx, email, demo.Password)
	if err != nil {
		t.Fatalf("sign in as %s: %v", email, err)
	}
	return roundtable.NewContextWithUser(ctx, u)
}

func checkDemo(t *testing.T, ctx context.Context, db *sqldb.DB, d *demo.Demo) {
	if len(d.CircleIDs) != 3 || len(d.MeetingIDs) != 3 || len(d.PastMeetingIDs) != 3 {
		t.Fatalf("circles, meetings, past meetings: got %d, %d, %d, want 3 each", len(d.CircleIDs), len(d.MeetingIDs), len(d.PastMeetingIDs))
	}
	if d.MemberCircleID != d.CircleIDs[0] {
		t.Errorf("member circle: got %q, want the first circle %q", d.MemberCircleID, d.CircleIDs[0])
	}
	if d.Password != "roundtable-demo" {
		t.Errorf("password: got %q", d.Password)
	}

	// Every listed sign-in works with the password.
	for _, s := range demo.SignIns {
		signIn(t, ctx, db, s.Email)
	}

	t.Run("Member", func(t *testing.T) {
		mctx := signIn(t, ctx, db, demo.MemberEmail)
		home, err := sqldb.NewCircleService(db).FindCircleHome(mctx, d.MemberCircleID)
		if err != nil {
			t.Fatalf("FindCircleHome: %v", err)
		}
		if got := home.Circle.Name; got != "Harbour Circle" {
			t.Errorf("circle: got %q, want Harbour Circle", got)
		}
		if got := len(home.Circle.Members); got != 8 {
			t.Errorf("people in the circle: got %d, want 8 (7 members and a facilitator)", got)
		}
		if f := home.Circle.Facilitator(); f == nil || f.Email != demo.FacilitatorEmail {
			t.Errorf("facilitator: got %+v, want %s", f, demo.FacilitatorEmail)
		}
		if home.Me == nil || home.Me.GroundRulesAcceptedAt == nil {
			t.Errorf("member has not accepted the ground rules: %+v", home.Me)
		}
		if got := len(home.Goals[d.Users[demo.MemberEmail]]); got != 3 {
			t.Errorf("member's goals: got %d, want 3", got)
		}
		if len(home.Past) != 1 {
			t.Errorf("past meetings: got %d, want 1", len(home.Past))
		}
		// The series: the third Tuesday of every month at 17:00 Paris, from
		// 17 November to the end of the program in early April.
		if len(home.Upcoming) != 5 {
			t.Fatalf("upcoming meetings: got %d, want 5", len(home.Upcoming))
		}
		for i, m := range home.Upcoming {
			local := m.StartsAt.In(roundtable.LoadLocation("Europe/Paris"))
			if !m.InSeries || local.Weekday() != time.Tuesday || (local.Day()-1)/7 != 2 || local.Hour() != 17 {
				t.Errorf("upcoming %d: got %v (in series %v), want the series' third Tuesday at 17:00 Paris", i, local, m.InSeries)
			}
		}
		if home.Past[0].InSeries {
			t.Error("the kick-off, set by hand, is in the series")
		}
		sr, err := sqldb.NewSeriesService(db).FindSeries(mctx, d.MemberCircleID)
		if err != nil || sr.Slot != "Tue 17:00" || sr.Cadence != roundtable.Monthly || sr.Nth != 3 || home.Circle.Slot != "Tue 17:00" {
			t.Errorf("got series %+v (%v) and circle slot %q, want the third Tuesday at 17:00", sr, err, home.Circle.Slot)
		}
		next := home.Upcoming[0]
		if next.ID != d.MeetingIDs[0] {
			t.Errorf("next meeting: got %s, want %s", next.ID, d.MeetingIDs[0])
		}
		if !next.StartsAt.After(now) || next.StartsAt.After(now.Add(8*24*time.Hour)) {
			t.Errorf("next meeting starts %v, want within a week after %v", next.StartsAt, now)
		}
		if local := next.StartsAt.In(roundtable.LoadLocation("Europe/Paris")); local.Weekday() != time.Tuesday || local.Hour() != 17 {
			t.Errorf("next meeting: got %v, want a Tuesday at 17:00 in Paris", local)
		}
		if home.Past[0].StartsAt.After(now) {
			t.Errorf("past meeting starts %v, after now %v", home.Past[0].StartsAt, now)
		}
		if next.MyRSVP != roundtable.RSVPYes {
			t.Errorf("member's answer: got %q, want yes", next.MyRSVP)
		}
		upcoming, err := sqldb.NewMeetingService(db).ListMyUpcomingMeetings(mctx)
		if err != nil || len(upcoming) != len(home.Upcoming) {
			t.Errorf("ListMyUpcomingMeetings: got %d (%v), want %d", len(upcoming), err, len(home.Upcoming))
		}
	})

	t.Run("Facilitator", func(t *testing.T) {
		fctx := signIn(t, ctx, db, demo.FacilitatorEmail)
		m, err := sqldb.NewMeetingService(db).FindMeetingByID(fctx, d.MeetingIDs[0])
		if err != nil {
			t.Fatalf("FindMeetingByID: %v", err)
		}
		if len(m.RSVPs) < 4 {
			t.Errorf("answers to the next meeting: got %d, want at least 4", len(m.RSVPs))
		}
		if m.Agenda == "" || m.Readings == "" || !m.InSeries || m.Sequence != 0 {
			t.Errorf("the next meeting: got %+v, want an agenda and readings in the series, never moved", m)
		}
		// Every circle's next meeting has a timed agenda from the formats,
		// roles and the presenter's challenge card.
		for i, id := range d.MeetingIDs {
			ag, err := sqldb.NewAgendaService(db).FindAgenda(roundtable.NewSystemContext(ctx), id)
			if err != nil {
				t.Fatalf("FindAgenda: %v", err)
			}
			if len(ag.Segments) < 5 || ag.TotalMinutes() > 120 || len(ag.Holders(roundtable.RolePresenter)) != 1 ||
				len(ag.Holders(roundtable.RoleTimekeeper)) != 1 || len(ag.Challenges) != 1 || ag.Challenges[0].Question == "" {
				t.Errorf("circle %d's next meeting: got %d parts (%d min), roles %+v, cards %+v", i, len(ag.Segments), ag.TotalMinutes(), ag.Roles, ag.Challenges)
			}
		}
		ag, err := sqldb.NewAgendaService(db).FindAgenda(fctx, d.MeetingIDs[0])
		if err != nil || !ag.CanEdit || ag.Segments[0].Title != "Best and hardest moments" || ag.Segments[1].Title != "Choose roles" {
			t.Errorf("got %+v (%v), want the facilitator to edit a check-in and a case clinic", ag, err)
		}
	})

	t.Run("Organizer", func(t *testing.T) {
		octx := signIn(t, ctx, db, demo.OrganizerEmail)
		stats, err := sqldb.NewProgramService(db).ProgramStats(octx, d.ProgramID)
		if err != nil {
			t.Fatalf("ProgramStats: %v", err)
		}
		if stats.Applicants != 24 || stats.Circles != 3 || stats.PlacedMembers != 20 {
			t.Errorf("stats: got %d applicants, %d circles, %d placed, want 24, 3, 20", stats.Applicants, stats.Circles, stats.PlacedMembers)
		}
		for st, want := range map[roundtable.ApplicantStatus]int{roundtable.StatusAccepted: 21, roundtable.StatusWaitlisted: 1, roundtable.StatusPending: 1, roundtable.StatusDeclined: 1} {
			if got := stats.ByStatus[st]; got != want {
				t.Errorf("%s applicants: got %d, want %d", st, got, want)
			}
		}
		list, err := sqldb.NewApplicantService(db).ListApplicants(octx, d.ProgramID, roundtable.ApplicantFilter{})
		if err != nil {
			t.Fatal(err)
		}
		levels, sectors, zones := map[roundtable.Level]bool{}, map[string]bool{}, map[string]bool{}
		genders := map[string]int{}
		for _, a := range list {
			levels[a.Level], sectors[a.Sector] = true, true
			region, _, _ := strings.Cut(a.TimeZone, "/")
			zones[region] = true
			genders[a.Answers["gender"]]++
		}
		// The program asks for gender, and nobody should be the only one of
		// an answer in a circle; one person preferred not to say.
		if p, err := sqldb.NewProgramService(db).FindProgramByID(octx, d.ProgramID); err != nil || len(p.NeverAloneKeys()) != 1 {
			t.Errorf("got program %+v (%v), want a gender question marked never-alone", p, err)
		}
		if genders["Woman"] < 10 || genders["Man"] < 10 || genders[""] != 1 {
			t.Errorf("got genders %v, want a mix and one not answered", genders)
		}
		if len(levels) < 4 || len(sectors) < 5 || !zones["Europe"] || !zones["America"] || !zones["Asia"] {
			t.Errorf("applicants are not mixed: levels %v, sectors %v, regions %v", levels, sectors, zones)
		}
		// Organizers see rosters, never circle content.
		if _, err := sqldb.NewCircleService(db).FindCircleHome(octx, d.MemberCircleID); roundtable.ErrorCode(err) != roundtable.ENOTFOUND {
			t.Errorf("organizer FindCircleHome: got %v, want ENOTFOUND", err)
		}
	})

	t.Run("NoMailLeft", func(t *testing.T) {
		n, err := sqldb.NewOutbox(db).Pending(ctx)
		if err != nil || n != 0 {
			t.Errorf("outbox: got %d pending (%v), want 0", n, err)
		}
	})
}

// TestSeed_BetweenMeetings: the member's circle has a life between its
// meetings for a newcomer to look at — a thread with replies, a reading for
// the next meeting, shared topics and a proposal open for a vote — and the
// organizer sees none of it.
func TestSeed_BetweenMeetings(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t, "sqlite", func() time.Time { return now })
	d, err := demo.Seed(ctx, db)
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	member := signIn(t, ctx, db, demo.MemberEmail)
	idx, err := sqldb.NewDiscussionService(db).ListThreads(member, d.MemberCircleID)
	if err != nil || len(idx.Threads) != 1 || idx.Threads[0].Replies != 2 {
		t.Errorf("threads: got %+v %v, want one with two replies", idx, err)
	} else if th := idx.Threads[0]; !th.New || th.NewReplies != 2 {
		t.Errorf("thread: got new %v with %d new replies for the member, want new with 2", th.New, th.NewReplies)
	}
	shelf, err := sqldb.NewDocumentService(db).FindDocumentShelf(member, d.MemberCircleID, 1)
	if err != nil || len(shelf.Documents) != 1 || len(shelf.Documents[0].MeetingIDs) != 1 || shelf.Documents[0].MeetingIDs[0] != d.MeetingIDs[0] {
		t.Errorf("documents: got %+v %v, want one link, a reading for the next meeting", shelf, err)
	}
	lot, err := sqldb.NewParkingLotService(db).FindParkingLot(member, d.MemberCircleID)
	if err != nil || len(lot.Mine) != 2 || len(lot.Shared) != 2 {
		t.Errorf("parking lot: got %+v %v, want two of hers and two shared", lot, err)
	}
	ds, err := sqldb.NewDecisionService(db).ListDecisions(member, d.MemberCircleID)
	if err != nil || len(ds) != 1 || !ds[0].ClosedAt.IsZero() {
		t.Errorf("decisions: got %+v %v, want one open", ds, err)
	}
	org := signIn(t, ctx, db, demo.OrganizerEmail)
	if _, err := sqldb.NewDiscussionService(db).ListThreads(org, d.MemberCircleID); roundtable.ErrorCode(err) != roundtable.ENOTFOUND {
		t.Errorf("the organizer lists the threads: got %v, want ENOTFOUND", err)
	}
}
