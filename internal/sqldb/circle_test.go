package sqldb_test

import (
	"testing"

	"github.com/roundtable/roundtable"
)

func TestCircleService_CreateCircle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		stranger := e.user("Sam", "sam@example.org", false, true)
		p := e.program(org, "Leaders")

		c := &roundtable.Circle{ProgramID: p.ID, Name: " Circle A "}
		must(t, e.circles.CreateCircle(as(org), c))
		if c.Name != "Circle A" || c.TimeZone != "Europe/Paris" || c.ID == "" {
			t.Fatalf("got %+v, want the program's zone and a trimmed name", c)
		}
		wantCode(t, e.circles.CreateCircle(as(org), &roundtable.Circle{ProgramID: p.ID, Name: "", TimeZone: "Nowhere"}), roundtable.EINVALID)
		wantCode(t, e.circles.CreateCircle(as(stranger), &roundtable.Circle{ProgramID: p.ID, Name: "X"}), roundtable.ENOTFOUND)
		wantCode(t, e.circles.CreateCircle(anon, &roundtable.Circle{ProgramID: p.ID, Name: "X"}), roundtable.ENOTFOUND)

		list, err := e.circles.ListCircles(as(org), p.ID)
		must(t, err)
		if len(list) != 1 || list[0].Name != "Circle A" || list[0].MemberCount != 0 {
			t.Fatalf("got %+v, want Circle A with nobody", list)
		}
		_, err = e.circles.ListCircles(as(stranger), p.ID)
		wantCode(t, err, roundtable.ENOTFOUND)
	})
}

func TestCircleService_PlaceApplicant(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		q := e.program(org, "Other")
		c := e.circle(p.ID, "A")
		d := e.circle(p.ID, "B")

		a := e.accepted(p.ID, "Anna Ant", "anna@example.org")
		must(t, e.circles.PlaceApplicant(as(org), c.ID, a.ID))
		got, err := e.applicants.FindApplicantByID(as(org), a.ID)
		must(t, err)
		if got.CircleID != c.ID {
			t.Fatalf("got circle %q, want %q", got.CircleID, c.ID)
		}
		roster, err := e.circles.FindCircleRoster(as(org), c.ID)
		must(t, err)
		if len(roster.Members) != 1 {
			t.Fatalf("got %d members, want 1", len(roster.Members))
		}
		m := roster.Members[0]
		if m.Name != "Anna Ant" || m.Email != "anna@example.org" || m.Role != roundtable.RoleMember || m.ApplicantID != a.ID ||
			m.Organization != "Acme" || m.Title != "Head of Operations" || m.Sector != "Private" || m.TimeZone != "Europe/Berlin" ||
			m.JoinedAt != nil || m.GroundRulesAcceptedAt != nil || !m.InvitedAt.Equal(start) {
			t.Fatalf("got %+v, want Anna invited as a member", m)
		}
		msgs := e.deliver()
		if len(msgs) != 2 || msgs[1].To != "anna@example.org" || !inviteRE.MatchString(msgs[1].Text) {
			t.Fatalf("got %v, want a confirmation and an invitation to anna@example.org", msgs)
		}

		t.Run("ErrPlacedAlready", func(t *testing.T) {
			wantCode(t, e.circles.PlaceApplicant(as(org), d.ID, a.ID), roundtable.ECONFLICT)
		})
		t.Run("ErrNotAccepted", func(t *testing.T) {
			b := newApplicant(p.ID, "Ben", "ben@example.org")
			must(t, e.applicants.Apply(anon, b))
			wantCode(t, e.circles.PlaceApplicant(as(org), c.ID, b.ID), roundtable.EINVALID)
		})
		t.Run("ErrOtherProgram", func(t *testing.T) {
			b := e.accepted(q.ID, "Ben", "ben@example.org")
			wantCode(t, e.circles.PlaceApplicant(as(org), c.ID, b.ID), roundtable.EINVALID)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			stranger := e.user("Sam", "sam@example.org", false, true)
			b := e.accepted(p.ID, "Cleo", "cleo@example.org")
			wantCode(t, e.circles.PlaceApplicant(as(stranger), c.ID, b.ID), roundtable.ENOTFOUND)
			wantCode(t, e.circles.PlaceApplicant(as(org), "nope", b.ID), roundtable.ENOTFOUND)
			wantCode(t, e.circles.PlaceApplicant(as(org), c.ID, "nope"), roundtable.ENOTFOUND)
			_, err := e.circles.FindCircleRoster(as(stranger), c.ID)
			wantCode(t, err, roundtable.ENOTFOUND)
		})
		t.Run("ExistingUser", func(t *testing.T) {
			// An applicant who has an account keeps it.
			u := e.user("Dora Account", "dora@example.org", false, false)
			b := e.accepted(p.ID, "Dora From Form", "dora@example.org")
			must(t, e.circles.PlaceApplicant(as(org), d.ID, b.ID))
			r, err := e.circles.FindCircleRoster(as(org), d.ID)
			must(t, err)
			if len(r.Members) != 1 || r.Members[0].UserID != u.ID || r.Members[0].Name != "Dora Account" {
				t.Fatalf("got %+v, want Dora's existing account", r.Members)
			}
		})
		t.Run("RemoveMember", func(t *testing.T) {
			must(t, e.circles.RemoveMember(as(org), c.ID, m.UserID))
			got, err := e.applicants.FindApplicantByID(as(org), a.ID)
			must(t, err)
			if got.CircleID != "" {
				t.Fatalf("got circle %q, want none", got.CircleID)
			}
			wantCode(t, e.circles.RemoveMember(as(org), c.ID, m.UserID), roundtable.ENOTFOUND)
			// Placing again works.
			must(t, e.circles.PlaceApplicant(as(org), d.ID, a.ID))
		})
	})
}

func TestCircleService_SetFacilitator(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		c := e.circle(p.ID, "A")

		wantCode(t, e.circles.SetFacilitator(as(org), c.ID, "new@example.org", ""), roundtable.EINVALID)
		wantCode(t, e.circles.SetFacilitator(as(org), c.ID, "bad", "Name"), roundtable.EINVALID)
		must(t, e.circles.SetFacilitator(as(org), c.ID, "Fay@example.org", "Fay Fac"))
		e.lastToken(inviteRE, "fay@example.org")
		must(t, e.circles.SetFacilitator(as(org), c.ID, "gus@example.org", "Gus Guide"))
		oldToken := e.lastToken(inviteRE, "gus@example.org")

		// Replacing: one facilitator, the new one.
		must(t, e.circles.SetFacilitator(as(org), c.ID, "hal@example.org", "Hal Host"))
		roster, err := e.circles.FindCircleRoster(as(org), c.ID)
		must(t, err)
		if len(roster.Members) != 1 || roster.Facilitator() == nil || roster.Facilitator().Email != "hal@example.org" {
			t.Fatalf("got %+v, want Hal alone as facilitator", roster.Members)
		}
		_, err = e.auth.FindInvitation(anon, oldToken)
		wantCode(t, err, roundtable.ENOTFOUND)

		list, err := e.circles.ListCircles(as(org), p.ID)
		must(t, err)
		if list[0].FacilitatorName != "Hal Host" || list[0].MemberCount != 0 {
			t.Fatalf("got %+v, want Hal Host and no members", list[0])
		}

		t.Run("ErrMember", func(t *testing.T) {
			e.member(c, "Mia", "mia@example.org")
			wantCode(t, e.circles.SetFacilitator(as(org), c.ID, "mia@example.org", ""), roundtable.ECONFLICT)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			stranger := e.user("Sam", "sam@example.org", false, true)
			wantCode(t, e.circles.SetFacilitator(as(stranger), c.ID, "x@example.org", "X"), roundtable.ENOTFOUND)
		})
	})
}

func TestCircleService_GroundRules(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		c := e.circle(p.ID, "A")
		a := e.accepted(p.ID, "Anna", "anna@example.org")
		must(t, e.circles.PlaceApplicant(as(org), c.ID, a.ID))
		u, err := e.auth.AcceptInvitation(anon, e.lastToken(inviteRE, "anna@example.org"),
			roundtable.AccountSetup{Name: "Anna", TimeZone: "Europe/Berlin", Password: "a long password"})
		must(t, err)

		w, err := e.circles.FindCircleWelcome(as(u), c.ID)
		must(t, err)
		if w.Program.GroundRules != roundtable.DefaultGroundRules || w.Me == nil || w.Me.GroundRulesAcceptedAt != nil ||
			len(w.Circle.Members) != 0 || w.Goals != nil || w.Upcoming != nil {
			t.Fatalf("got %+v, want the rules and my membership, and no content", w)
		}
		_, err = e.circles.FindCircleHome(as(u), c.ID)
		wantCode(t, err, roundtable.EGROUNDRULES)
		wantCode(t, e.circles.SetGoals(as(u), c.ID, []string{"Listen more"}), roundtable.EGROUNDRULES)

		list, err := e.circles.ListMyCircles(as(u))
		must(t, err)
		if len(list) != 1 || list[0].ID != c.ID {
			t.Fatalf("got %v, want circle A", list)
		}

		e.clock.Add(5 * 60e9)
		must(t, e.circles.AcceptGroundRules(as(u), c.ID))
		h, err := e.circles.FindCircleHome(as(u), c.ID)
		must(t, err)
		if h.Me.GroundRulesAcceptedAt == nil || !h.Me.GroundRulesAcceptedAt.Equal(start.Add(5*60e9)) {
			t.Fatalf("got accepted at %v, want %v", h.Me.GroundRulesAcceptedAt, start.Add(5*60e9))
		}
		// Accepting again keeps the first time.
		e.clock.Add(60e9)
		must(t, e.circles.AcceptGroundRules(as(u), c.ID))
		h, err = e.circles.FindCircleHome(as(u), c.ID)
		must(t, err)
		if !h.Me.GroundRulesAcceptedAt.Equal(start.Add(5 * 60e9)) {
			t.Fatalf("got accepted at %v, want the first time", h.Me.GroundRulesAcceptedAt)
		}
	})
}

func TestCircleService_SetGoals(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		c := e.circle(p.ID, "A")
		u := e.member(c, "Anna", "anna@example.org")
		v := e.member(c, "Ben", "ben@example.org")

		wantCode(t, e.circles.SetGoals(as(u), c.ID, []string{" ", ""}), roundtable.EINVALID)
		wantCode(t, e.circles.SetGoals(as(u), c.ID, []string{"a", "b", "c", "d"}), roundtable.EINVALID)
		must(t, e.circles.SetGoals(as(u), c.ID, []string{"Delegate", "", "Coach"}))
		must(t, e.circles.SetGoals(as(v), c.ID, []string{"Listen"}))
		must(t, e.circles.SetGoals(as(u), c.ID, []string{"Delegate better", "Coach"}))

		h, err := e.circles.FindCircleHome(as(v), c.ID)
		must(t, err)
		mine, theirs := h.Goals[v.ID], h.Goals[u.ID]
		if len(mine) != 1 || mine[0].Text != "Listen" || len(theirs) != 2 || theirs[0].Text != "Delegate better" || theirs[1].Position != 2 {
			t.Fatalf("got %v and %v, want Ben's one goal and Anna's two", mine, theirs)
		}
		if len(h.Circle.Members) != 2 || h.Circle.Members[0].Organization != "Acme" {
			t.Fatalf("got members %+v, want Anna and Ben with organizations", h.Circle.Members)
		}
	})
}
