package sqldb_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

func TestApplicantService_DecideApplicants(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		other := e.program(org, "Other Program")
		var ids []string
		for i := range 4 {
			a := newApplicant(p.ID, fmt.Sprintf("Person %d", i), fmt.Sprintf("p%d@example.org", i))
			must(t, e.applicants.Apply(anon, a))
			ids = append(ids, a.ID)
		}
		elsewhere := newApplicant(other.ID, "Elsewhere", "elsewhere@example.org")
		must(t, e.applicants.Apply(anon, elsewhere))
		e.deliver() // the confirmations of receipt
		statuses := func() string {
			t.Helper()
			list, err := e.applicants.ListApplicants(as(org), p.ID, roundtable.ApplicantFilter{})
			must(t, err)
			var out []string
			for _, a := range list {
				out = append(out, string(a.Status))
			}
			return strings.Join(out, ",")
		}

		// Accept three at once; a repeated ID counts once.
		n, err := e.applicants.DecideApplicants(as(org), p.ID, roundtable.Decision{
			IDs: []string{ids[0], ids[1], ids[2], ids[0]}, Status: roundtable.StatusAccepted})
		must(t, err)
		if n != 3 {
			t.Fatalf("got %d decided, want 3", n)
		}
		if got, want := statuses(), "accepted,accepted,accepted,pending"; got != want {
			t.Fatalf("got statuses %s, want %s", got, want)
		}
		if msgs := e.deliver(); len(msgs) != 0 {
			t.Fatalf("got %d messages after accepting, want none", len(msgs))
		}

		t.Run("ErrNotFound", func(t *testing.T) {
			// A facilitator, a member or another organizer gets nothing, and
			// learns nothing from bad input either.
			c := e.circle(p.ID, "A")
			fac := e.facilitator(c, "Fay", "fay@example.org")
			mem := e.member(c, "Mo", "mo@example.org")
			stranger := e.user("Sid", "sid@example.org", false, true)
			for _, ctx := range []struct {
				name string
				u    *roundtable.User
			}{{"facilitator", fac}, {"member", mem}, {"other organizer", stranger}} {
				_, err := e.applicants.DecideApplicants(as(ctx.u), p.ID, roundtable.Decision{IDs: []string{ids[3]}, Status: roundtable.StatusDeclined, Notify: true})
				wantCode(t, err, roundtable.ENOTFOUND)
				_, err = e.applicants.DecideApplicants(as(ctx.u), p.ID, roundtable.Decision{Status: "maybe"})
				wantCode(t, err, roundtable.ENOTFOUND)
			}
			_, err := e.applicants.DecideApplicants(anon, p.ID, roundtable.Decision{IDs: []string{ids[3]}, Status: roundtable.StatusDeclined})
			wantCode(t, err, roundtable.ENOTFOUND)
			if got, want := statuses(), "accepted,accepted,accepted,pending,accepted"; got != want {
				t.Fatalf("got statuses %s, want %s (only the member placed in circle A added)", got, want)
			}
			e.deliver()
		})

		t.Run("ErrInvalid", func(t *testing.T) {
			before := statuses()
			for name, tc := range map[string]struct {
				d     roundtable.Decision
				field string
				msg   string
			}{
				"NoneChosen":    {roundtable.Decision{Status: roundtable.StatusAccepted}, "ids", "Choose at least one applicant."},
				"Blank":         {roundtable.Decision{IDs: []string{" ", ""}, Status: roundtable.StatusAccepted}, "ids", "Choose at least one applicant."},
				"UnknownAction": {roundtable.Decision{IDs: ids, Status: "maybe"}, "status", "Choose Accept, Put on the waiting list or Decline."},
				"Pending":       {roundtable.Decision{IDs: ids, Status: roundtable.StatusPending}, "status", "Choose Accept, Put on the waiting list or Decline."},
				"LongNote":      {roundtable.Decision{IDs: ids, Status: roundtable.StatusDeclined, Notify: true, Note: strings.Repeat("x", 2001)}, "note", "Use at most 2,000 characters."},
				"OtherProgram":  {roundtable.Decision{IDs: []string{ids[3], elsewhere.ID}, Status: roundtable.StatusDeclined}, "ids", "One of the chosen applicants is not in this program. Nothing was changed."},
				"MadeUp":        {roundtable.Decision{IDs: []string{ids[3], "nope", "0190c5a8-1c2d-7000-8000-00000000a11e"}, Status: roundtable.StatusWaitlisted}, "ids", "2 of the chosen applicants are not in this program. Nothing was changed."},
			} {
				t.Run(name, func(t *testing.T) {
					_, err := e.applicants.DecideApplicants(as(org), p.ID, tc.d)
					wantCode(t, err, roundtable.EINVALID)
					if got := roundtable.ErrorFields(err)[tc.field]; got != tc.msg {
						t.Fatalf("got %s message %q, want %q", tc.field, got, tc.msg)
					}
				})
			}
			if got := statuses(); got != before {
				t.Fatalf("got statuses %s, want %s unchanged", got, before)
			}
			got, err := e.applicants.FindApplicantByID(as(org), elsewhere.ID)
			must(t, err)
			if got.Status != roundtable.StatusPending {
				t.Fatalf("the other program's applicant became %s, want pending", got.Status)
			}
			if msgs := e.deliver(); len(msgs) != 0 {
				t.Fatalf("got %d messages from refused decisions, want none", len(msgs))
			}
		})

		t.Run("ErrPlaced", func(t *testing.T) {
			// Mo is in circle A: waitlisting him with others changes nobody.
			before := statuses()
			list, err := e.applicants.ListApplicants(as(org), p.ID, roundtable.ApplicantFilter{Query: "mo@example.org"})
			must(t, err)
			_, err = e.applicants.DecideApplicants(as(org), p.ID, roundtable.Decision{IDs: []string{ids[3], list[0].ID}, Status: roundtable.StatusWaitlisted})
			wantCode(t, err, roundtable.ECONFLICT)
			if !strings.Contains(roundtable.ErrorMessage(err), "Mo is in a circle") {
				t.Fatalf("got %q, want the placed person named", roundtable.ErrorMessage(err))
			}
			if got := statuses(); got != before {
				t.Fatalf("got statuses %s, want %s unchanged", got, before)
			}
		})

		t.Run("DeclineWithMessage", func(t *testing.T) {
			_, err := e.applicants.DecideApplicants(as(org), p.ID, roundtable.Decision{
				IDs: []string{ids[2], ids[3]}, Status: roundtable.StatusDeclined, Notify: true, Note: "We had 60 applications\nfor 24 places."})
			must(t, err)
			// Person 2 is taken back before the messages go: only Person 3 hears.
			_, err = e.applicants.DecideApplicants(as(org), p.ID, roundtable.Decision{IDs: []string{ids[2]}, Status: roundtable.StatusWaitlisted})
			must(t, err)
			msgs := e.deliver()
			if len(msgs) != 1 || msgs[0].To != "p3@example.org" {
				t.Fatalf("got %v, want one message to p3@example.org", msgs)
			}
			m := msgs[0]
			for _, want := range []string{"Hello Person 3", "Leaders", "We had 60 applications", "for 24 places."} {
				if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
					t.Errorf("message lacks %q:\n%s", want, m.Text)
				}
			}
			if m.Subject != "Your application to Leaders" {
				t.Errorf("got subject %q, want %q", m.Subject, "Your application to Leaders")
			}
			// Declining again sends nothing twice.
			_, err = e.applicants.DecideApplicants(as(org), p.ID, roundtable.Decision{IDs: []string{ids[3]}, Status: roundtable.StatusDeclined, Notify: true})
			must(t, err)
			if msgs := e.deliver(); len(msgs) != 0 {
				t.Fatalf("got %d more messages, want none", len(msgs))
			}
		})

		t.Run("DeclineQuietly", func(t *testing.T) {
			_, err := e.applicants.DecideApplicants(as(org), p.ID, roundtable.Decision{IDs: []string{ids[1]}, Status: roundtable.StatusDeclined})
			must(t, err)
			if msgs := e.deliver(); len(msgs) != 0 {
				t.Fatalf("got %d messages, want none without Notify", len(msgs))
			}
		})

		t.Run("Many", func(t *testing.T) {
			// More applicants than one statement names, imported in one file.
			var csv strings.Builder
			csv.WriteString(csvHeader)
			for i := range 620 {
				fmt.Fprintf(&csv, "Many %d,many%d@example.org,,Acme,Private,,,2,UTC,Mon 09:00-12:00,,,\n", i, i)
			}
			_, err := e.applicants.ImportApplicants(as(org), p.ID, strings.NewReader(csv.String()))
			must(t, err)
			list, err := e.applicants.ListApplicants(as(org), p.ID, roundtable.ApplicantFilter{Query: "many"})
			must(t, err)
			var many []string
			for _, a := range list {
				many = append(many, a.ID)
			}
			n, err := e.applicants.DecideApplicants(as(org), p.ID, roundtable.Decision{IDs: many, Status: roundtable.StatusWaitlisted})
			must(t, err)
			if n != 620 {
				t.Fatalf("got %d decided, want 620", n)
			}
			list, err = e.applicants.ListApplicants(as(org), p.ID, roundtable.ApplicantFilter{Status: roundtable.StatusWaitlisted})
			must(t, err)
			if len(list) != 621 {
				t.Fatalf("got %d waitlisted, want 621", len(list))
			}
		})
	})
}
