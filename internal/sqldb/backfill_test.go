package sqldb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// seatsEnv is a program of circles of 3–4 with published-like circles that
// meet at fixed weekly times, and people waiting for a seat.
type seatsEnv struct {
	*env
	bs  *sqldb.BackfillService
	org *roundtable.User
	p   *roundtable.Program
}

func newSeatsEnv(t *testing.T, e *env) *seatsEnv {
	t.Helper()
	org := e.user("Olga", "olga@example.org", false, true)
	p := newProgram("Seats")
	p.SizeMin, p.SizeTarget, p.SizeMax = 3, 3, 4
	must(t, e.programs.CreateProgram(as(org), p))
	return &seatsEnv{env: e, bs: sqldb.NewBackfillService(e.db), org: org, p: p}
}

// circleAt creates a circle that meets weekly at slot, Paris time.
func (s *seatsEnv) circleAt(name, slot string) *roundtable.Circle {
	s.t.Helper()
	c := &roundtable.Circle{ProgramID: s.p.ID, Name: name, TimeZone: "Europe/Paris", Slot: slot}
	must(s.t, s.circles.CreateCircle(as(s.org), c))
	return c
}

// applicant applies with its own organization, availability and zone, and
// gets status st.
func (s *seatsEnv) applicant(name, availability, zone string, st roundtable.ApplicantStatus) *roundtable.Applicant {
	s.t.Helper()
	a := newApplicant(s.p.ID, name, strings.ToLower(strings.ReplaceAll(name, " ", "."))+"@example.org")
	a.Organization, a.Availability, a.TimeZone = name+" Ltd", availability, zone
	must(s.t, s.applicants.Apply(anon, a))
	if st != roundtable.StatusPending {
		must(s.t, s.applicants.SetApplicantStatus(as(s.org), a.ID, st))
	}
	a.Status = st
	return a
}

// seated places a new accepted applicant in c.
func (s *seatsEnv) seated(c *roundtable.Circle, name, availability string) *roundtable.Applicant {
	s.t.Helper()
	a := s.applicant(name, availability, "Europe/Paris", roundtable.StatusAccepted)
	must(s.t, s.circles.PlaceApplicant(as(s.org), c.ID, a.ID))
	a.CircleID = c.ID
	return a
}

// placementOf returns the proposal's placement of an applicant, or nil.
func placementOf(p *roundtable.BackfillProposal, id string) *roundtable.BackfillPlacement {
	for _, pl := range p.Placements {
		if pl.Applicant.ID == id {
			return pl
		}
	}
	return nil
}

// invitations delivers mail and returns the addresses invited to a circle.
func (s *seatsEnv) invitations() []string {
	var out []string
	for _, m := range s.deliver() {
		if inviteRE.MatchString(m.Text) {
			out = append(out, m.To)
		}
	}
	return out
}

func (s *seatsEnv) circleOf(id string) string {
	s.t.Helper()
	a, err := s.applicants.FindApplicantByID(as(s.org), id)
	must(s.t, err)
	return a.CircleID
}

func TestBackfillService_ProposeApply(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := newSeatsEnv(t, e)
		ctx := as(s.org)
		tue := s.circleAt("Tuesday circle", "Tue 09:00")
		thu := s.circleAt("Thursday circle", "Thu 14:00")
		for _, n := range []string{"Ann A", "Ben A", "Cat A"} {
			s.seated(tue, n, "Tue 08:00-18:00")
		}
		for _, n := range []string{"Dan B", "Eve B"} {
			s.seated(thu, n, "Thu 13:00-17:00")
		}
		// Late joiners: one for each circle, one whose time matches no circle, and one
		// who shares the Tuesday circle's afternoon but not its fixed 09:00 slot.
		london := s.applicant("Liz London", "Tue 07:30-12:00", "Europe/London", roundtable.StatusAccepted)
		berlin := s.applicant("Bert Berlin", "Thu 13:00-16:00", "Europe/Berlin", roundtable.StatusAccepted)
		wed := s.applicant("Wes Wednesday", "Wed 09:00-12:00", "Europe/Paris", roundtable.StatusAccepted)
		late := s.applicant("Pia Afternoon", "Tue 14:00-17:00", "Europe/Paris", roundtable.StatusAccepted)
		wait := s.applicant("Walt Waiting", "Thu 13:30-16:00", "Europe/Paris", roundtable.StatusWaitlisted)
		s.applicant("Nina New", "Thu 13:00-17:00", "Europe/Paris", roundtable.StatusPending)
		s.deliver()

		seats, err := s.bs.FindOpenSeats(ctx, s.p.ID)
		must(t, err)
		if len(seats.Circles) != 2 || seats.Circles[0].Name != "Thursday circle" || seats.Circles[0].Members != 2 || !seats.Circles[0].Short() ||
			seats.Circles[1].Members != 3 || seats.Circles[1].Open() != 1 || seats.Circles[1].Slot != "Tue 09:00" {
			t.Fatalf("got circles %+v %+v, want Thursday (2, short) and Tuesday (3, one seat)", seats.Circles[0], seats.Circles[1])
		}
		if len(seats.LateJoiners) != 4 || len(seats.Waitlist) != 1 || seats.Waitlist[0].ID != wait.ID {
			t.Fatalf("got %d late joiners and waitlist %v, want 4 and Walt", len(seats.LateJoiners), seats.Waitlist)
		}

		prop, err := s.bs.ProposeBackfill(ctx, s.p.ID, nil)
		must(t, err)
		if pl := placementOf(prop, london.ID); pl == nil || pl.Circle.ID != tue.ID || pl.LocalTime != "Tue 08:00" || pl.NeedsMove || pl.FromWaitlist {
			t.Fatalf("got Liz's placement %+v, want the Tuesday circle at 08:00 her time", pl)
		}
		if pl := placementOf(prop, berlin.ID); pl == nil || pl.Circle.ID != thu.ID || pl.LocalTime != "Thu 14:00" {
			t.Fatalf("got Bert's placement %+v, want the Thursday circle", pl)
		}
		reasons := map[string]string{}
		for _, u := range prop.Unplaced {
			reasons[u.Applicant.ID] = u.Reason
		}
		if len(prop.Placements) != 2 || len(prop.Moves) != 0 || len(reasons) != 2 ||
			reasons[wed.ID] != "no circle meets at a weekly time they can make" || reasons[late.ID] == "" {
			t.Fatalf("got placements %d, moves %d, unplaced %v; want Wes and Pia (the fixed slot) unplaced", len(prop.Placements), len(prop.Moves), reasons)
		}

		// With Walt from the waiting list.
		prop, err = s.bs.ProposeBackfill(ctx, s.p.ID, []string{wait.ID})
		must(t, err)
		if pl := placementOf(prop, wait.ID); pl == nil || pl.Circle.ID != thu.ID || !pl.FromWaitlist {
			t.Fatalf("got Walt's placement %+v, want the Thursday circle from the waiting list", pl)
		}
		res, err := s.bs.ApplyBackfill(ctx, s.p.ID, roundtable.BackfillRequest{Waitlisted: []string{wait.ID}, Version: prop.Version})
		must(t, err)
		if *res != (roundtable.BackfillResult{Placed: 3, Accepted: 1, Invitations: 3}) {
			t.Fatalf("got %+v, want 3 placed, 1 accepted, 3 invitations", res)
		}
		got := s.invitations()
		if len(got) != 3 || !strings.Contains(strings.Join(got, " "), wait.Email) {
			t.Fatalf("got invitations to %v, want Liz, Bert and Walt", got)
		}
		walt, err := s.applicants.FindApplicantByID(ctx, wait.ID)
		must(t, err)
		if walt.Status != roundtable.StatusAccepted || walt.CircleID != thu.ID {
			t.Fatalf("got Walt %s in %q, want accepted in the Thursday circle", walt.Status, walt.CircleID)
		}
		if s.circleOf(london.ID) != tue.ID || s.circleOf(berlin.ID) != thu.ID || s.circleOf(late.ID) != "" {
			t.Fatal("got the wrong people placed")
		}

		// The same proposal twice: the circles changed, nothing more happens.
		_, err = s.bs.ApplyBackfill(ctx, s.p.ID, roundtable.BackfillRequest{Waitlisted: []string{wait.ID}, Version: prop.Version})
		wantCode(t, err, roundtable.ECONFLICT)
		if got := s.invitations(); len(got) != 0 {
			t.Fatalf("got invitations %v, want none", got)
		}
	})
}

func TestBackfillService_Moves(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := newSeatsEnv(t, e)
		ctx := as(s.org)
		tue := s.circleAt("Tuesday circle", "Tue 09:00")
		thu := s.circleAt("Thursday circle", "Thu 14:00")
		s.seated(tue, "Ann A", "Tue 08:00-12:00")
		mover := s.seated(tue, "Max Mover", "Tue 08:00-12:00;Thu 14:00-15:30")
		s.seated(tue, "Cat A", "Tue 08:00-12:00")
		s.seated(tue, "Dot A", "Tue 08:00-12:00")
		s.seated(thu, "Dan B", "Thu 13:00-17:00")
		s.seated(thu, "Eve B", "Thu 13:00-17:00")
		tuesday := s.applicant("Tia Tuesday", "Tue 09:00-11:00", "Europe/Paris", roundtable.StatusAccepted)
		thursday := s.applicant("Theo Thursday", "Thu 14:00-16:00", "Europe/Paris", roundtable.StatusAccepted)
		s.deliver()

		prop, err := s.bs.ProposeBackfill(ctx, s.p.ID, nil)
		must(t, err)
		if pl := placementOf(prop, tuesday.ID); pl == nil || pl.Circle.ID != tue.ID || !pl.NeedsMove {
			t.Fatalf("got Tia's placement %+v, want the full Tuesday circle once someone moves", pl)
		}
		if pl := placementOf(prop, thursday.ID); pl == nil || pl.Circle.ID != thu.ID || pl.NeedsMove {
			t.Fatalf("got Theo's placement %+v, want the Thursday circle directly", pl)
		}
		if len(prop.Moves) != 1 || prop.Moves[0].Applicant.ID != mover.ID || prop.Moves[0].From.ID != tue.ID || prop.Moves[0].To.ID != thu.ID ||
			prop.Moves[0].LocalTime != "Thu 14:00" || prop.Direct() != 1 {
			t.Fatalf("got moves %+v, want Max from Tuesday to Thursday", prop.Moves)
		}

		// Without the go-ahead for moves, only Theo is placed.
		res, err := s.bs.ApplyBackfill(ctx, s.p.ID, roundtable.BackfillRequest{Version: prop.Version})
		must(t, err)
		if *res != (roundtable.BackfillResult{Placed: 1, Invitations: 1}) {
			t.Fatalf("got %+v, want Theo alone placed", res)
		}
		if got := s.invitations(); len(got) != 1 || got[0] != thursday.Email {
			t.Fatalf("got invitations %v, want Theo's", got)
		}
		if s.circleOf(mover.ID) != tue.ID || s.circleOf(tuesday.ID) != "" {
			t.Fatal("got Max moved or Tia placed without the go-ahead")
		}

		// Only a move makes room now: without the go-ahead, nothing happens.
		prop, err = s.bs.ProposeBackfill(ctx, s.p.ID, nil)
		must(t, err)
		_, err = s.bs.ApplyBackfill(ctx, s.p.ID, roundtable.BackfillRequest{Version: prop.Version})
		wantCode(t, err, roundtable.EINVALID)
		res, err = s.bs.ApplyBackfill(ctx, s.p.ID, roundtable.BackfillRequest{Version: prop.Version, Moves: true})
		must(t, err)
		if *res != (roundtable.BackfillResult{Placed: 1, Moved: 1, Invitations: 2}) {
			t.Fatalf("got %+v, want Tia placed and Max moved", res)
		}
		if got := strings.Join(s.invitations(), " "); !strings.Contains(got, mover.Email) || !strings.Contains(got, tuesday.Email) {
			t.Fatalf("got invitations to %s, want Max (to his new circle) and Tia", got)
		}
		if s.circleOf(mover.ID) != thu.ID || s.circleOf(tuesday.ID) != tue.ID {
			t.Fatal("got Max or Tia in the wrong circle")
		}
		roster, err := s.circles.FindCircleRoster(ctx, tue.ID)
		must(t, err)
		for _, m := range roster.Members {
			if m.Email == mover.Email {
				t.Fatal("Max is still a member of the Tuesday circle")
			}
		}
	})
}

func TestBackfillService_ErrConflict(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := newSeatsEnv(t, e)
		ctx := as(s.org)
		tue := s.circleAt("Tuesday circle", "Tue 09:00")
		s.seated(tue, "Ann A", "Tue 08:00-12:00")
		ben := s.seated(tue, "Ben A", "Tue 08:00-12:00")
		newcomer := s.applicant("Nell New", "Tue 09:00-11:00", "Europe/Paris", roundtable.StatusAccepted)
		wait := s.applicant("Walt Waiting", "Tue 09:00-11:00", "Europe/Paris", roundtable.StatusWaitlisted)
		s.deliver()

		changes := []struct {
			name   string
			change func()
		}{
			{"MemberLeft", func() {
				roster, err := s.circles.FindCircleRoster(ctx, tue.ID)
				must(t, err)
				for _, m := range roster.Members {
					if m.Email == ben.Email {
						must(t, s.circles.RemoveMember(ctx, tue.ID, m.UserID))
					}
				}
			}},
			{"AvailabilityChanged", func() {
				must(t, sqldb.ExecForTest(context.Background(), s.db, `UPDATE applicants SET availability = 'Tue 10:00-12:00' WHERE id = $1`, newcomer.ID))
			}},
			{"CircleTimeChanged", func() {
				must(t, sqldb.ExecForTest(context.Background(), s.db, `UPDATE circles SET slot = 'Tue 09:30' WHERE id = $1`, tue.ID))
			}},
			// Last: the waiting list is empty afterwards.
			{"WaitlistedAccepted", func() {
				must(t, s.applicants.SetApplicantStatus(ctx, wait.ID, roundtable.StatusAccepted))
			}},
		}
		for _, c := range changes {
			t.Run(c.name, func(t *testing.T) {
				prop, err := s.bs.ProposeBackfill(ctx, s.p.ID, []string{wait.ID})
				must(t, err)
				c.change()
				s.deliver()
				_, err = s.bs.ApplyBackfill(ctx, s.p.ID, roundtable.BackfillRequest{Waitlisted: []string{wait.ID}, Version: prop.Version, Moves: true})
				wantCode(t, err, roundtable.ECONFLICT)
				if got := s.invitations(); len(got) != 0 {
					t.Fatalf("got invitations %v, want none", got)
				}
				if s.circleOf(newcomer.ID) != "" {
					t.Fatal("got Nell placed by a stale proposal")
				}
			})
		}
		_, err := s.bs.ApplyBackfill(ctx, s.p.ID, roundtable.BackfillRequest{Version: "made-up"})
		wantCode(t, err, roundtable.ECONFLICT)
	})
}

func TestBackfillService_ErrInvalid(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := newSeatsEnv(t, e)
		ctx := as(s.org)
		// No circle with members yet.
		s.applicant("Nell New", "Tue 09:00-11:00", "Europe/Paris", roundtable.StatusAccepted)
		_, err := s.bs.ProposeBackfill(ctx, s.p.ID, nil)
		wantCode(t, err, roundtable.EINVALID)

		tue := s.circleAt("Tuesday circle", "Tue 09:00")
		s.seated(tue, "Ann A", "Tue 08:00-12:00")
		_, err = s.bs.ProposeBackfill(ctx, s.p.ID, []string{"not-on-the-list"})
		wantCode(t, err, roundtable.EINVALID)
		if roundtable.ErrorFields(err)["waitlisted"] == "" {
			t.Fatalf("got %v, want a message for the waiting list", err)
		}
		res, err := s.bs.ApplyBackfill(ctx, s.p.ID, roundtable.BackfillRequest{Waitlisted: []string{"not-on-the-list"}, Version: "x"})
		if res != nil {
			t.Fatalf("got %+v, want nothing done", res)
		}
		wantCode(t, err, roundtable.ECONFLICT)

		// Nobody waits once Nell is placed.
		prop, err := s.bs.ProposeBackfill(ctx, s.p.ID, nil)
		must(t, err)
		_, err = s.bs.ApplyBackfill(ctx, s.p.ID, roundtable.BackfillRequest{Version: prop.Version})
		must(t, err)
		_, err = s.bs.ProposeBackfill(ctx, s.p.ID, nil)
		wantCode(t, err, roundtable.EINVALID)
	})
}

func TestBackfillService_ErrNotFound(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		s := newSeatsEnv(t, e)
		tue := s.circleAt("Tuesday circle", "Tue 09:00")
		s.seated(tue, "Ann A", "Tue 08:00-12:00")
		member := e.join(tue, "ann.a@example.org")
		fac := e.facilitator(tue, "Fay Facilitator", "fay@example.org")
		wait := s.applicant("Walt Waiting", "Tue 09:00-11:00", "Europe/Paris", roundtable.StatusWaitlisted)
		other := e.user("Oscar", "oscar@example.org", false, true)
		e.program(other, "Another program")

		for name, ctx := range map[string]context.Context{"anonymous": anon, "member": as(member), "facilitator": as(fac), "other organizer": as(other)} {
			_, err := s.bs.FindOpenSeats(ctx, s.p.ID)
			if roundtable.ErrorCode(err) != roundtable.ENOTFOUND {
				t.Errorf("%s: FindOpenSeats got %v, want ENOTFOUND", name, err)
			}
			_, err = s.bs.ProposeBackfill(ctx, s.p.ID, []string{wait.ID})
			if roundtable.ErrorCode(err) != roundtable.ENOTFOUND {
				t.Errorf("%s: ProposeBackfill got %v, want ENOTFOUND", name, err)
			}
			_, err = s.bs.ApplyBackfill(ctx, s.p.ID, roundtable.BackfillRequest{Waitlisted: []string{wait.ID}, Version: "x", Moves: true})
			if roundtable.ErrorCode(err) != roundtable.ENOTFOUND {
				t.Errorf("%s: ApplyBackfill got %v, want ENOTFOUND", name, err)
			}
		}
		_, err := s.bs.FindOpenSeats(as(s.org), "not-an-id")
		wantCode(t, err, roundtable.ENOTFOUND)
		// An administrator organizes every program.
		admin := e.user("Ada", "ada@example.org", true, false)
		_, err = s.bs.ProposeBackfill(as(admin), s.p.ID, []string{wait.ID})
		must(t, err)
	})
}
