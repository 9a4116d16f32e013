package sqldb_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

func TestApplicantService_Apply(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")

		a := newApplicant(p.ID, " Jane Doe ", "Jane@Example.org")
		a.Sector, a.Availability = "non-profit", "wed 14:00-15:00; Mon 9:00-12:00"
		must(t, e.applicants.Apply(anon, a))
		got, err := e.applicants.FindApplicantByID(as(org), a.ID)
		must(t, err)
		if got.Name != "Jane Doe" || got.Email != "jane@example.org" || got.Sector != "Non-profit" ||
			got.Availability != "Mon 09:00-12:00;Wed 14:00-15:00" || got.Status != roundtable.StatusPending ||
			got.Level != 3 || got.Function != "Operations" || got.CircleID != "" || !got.CreatedAt.Equal(start) {
			t.Fatalf("got %+v, want the normalized application", got)
		}
		msgs := e.deliver()
		if len(msgs) != 1 || msgs[0].To != "jane@example.org" || !strings.Contains(msgs[0].Subject, "Leaders") {
			t.Fatalf("got %v, want one confirmation to jane@example.org about Leaders", msgs)
		}

		t.Run("ErrConflict", func(t *testing.T) {
			err := e.applicants.Apply(anon, newApplicant(p.ID, "Jane Again", "JANE@example.org"))
			wantCode(t, err, roundtable.ECONFLICT)
			if got := roundtable.ErrorFields(err)["email"]; got != "This e-mail has already applied to this program." {
				t.Fatalf("got email message %q, want the duplicate message", got)
			}
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			bad := newApplicant(p.ID, "", "nope")
			bad.Level, bad.Availability, bad.TimeZone = 9, "Funday 9-5", "Mars/Base"
			err := e.applicants.Apply(anon, bad)
			wantCode(t, err, roundtable.EINVALID)
			for _, f := range []string{"name", "email", "level", "availability", "time_zone"} {
				if roundtable.ErrorFields(err)[f] == "" {
					t.Errorf("got no message for %s, want one", f)
				}
			}
		})
		t.Run("ErrClosed", func(t *testing.T) {
			p.ApplicationsOpen = false
			must(t, e.programs.UpdateProgram(as(org), p))
			wantCode(t, e.applicants.Apply(anon, newApplicant(p.ID, "Late", "late@example.org")), roundtable.ENOTFOUND)
			wantCode(t, e.applicants.Apply(anon, newApplicant("nope", "Late", "late@example.org")), roundtable.ENOTFOUND)
		})
		t.Run("NulAndBadUTF8", func(t *testing.T) {
			p.ApplicationsOpen = true
			must(t, e.programs.UpdateProgram(as(org), p))
			a := newApplicant(p.ID, "Null\x00 Byte", "nul@example.org")
			a.Goals = "bad \xff bytes"
			must(t, e.applicants.Apply(anon, a))
		})
	})
}

func TestApplicantService_ListApplicants(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		q := e.program(org, "Other")
		c := e.circle(p.ID, "A")
		anna := e.accepted(p.ID, "Anna Ant", "anna@example.org")
		b := newApplicant(p.ID, "Bob 100%_Sure", "bob@example.org")
		b.Sector, b.Level, b.Organization = "Public", 5, "City Hall"
		must(t, e.applicants.Apply(anon, b))
		must(t, e.applicants.Apply(anon, newApplicant(q.ID, "Elsewhere", "anna@example.org")))
		e.member(c, "Carl", "carl@example.org")

		placed, unplaced := true, false
		for name, tc := range map[string]struct {
			f    roundtable.ApplicantFilter
			want []string
		}{
			"All":       {roundtable.ApplicantFilter{}, []string{"anna@example.org", "bob@example.org", "carl@example.org"}},
			"Accepted":  {roundtable.ApplicantFilter{Status: roundtable.StatusAccepted}, []string{"anna@example.org", "carl@example.org"}},
			"Sector":    {roundtable.ApplicantFilter{Sector: "Public"}, []string{"bob@example.org"}},
			"Level":     {roundtable.ApplicantFilter{Level: 5}, []string{"bob@example.org"}},
			"QueryName": {roundtable.ApplicantFilter{Query: "ANT"}, []string{"anna@example.org"}},
			"QueryOrg":  {roundtable.ApplicantFilter{Query: "city"}, []string{"bob@example.org"}},
			"QueryLike": {roundtable.ApplicantFilter{Query: "100%_"}, []string{"bob@example.org"}},
			"QueryWild": {roundtable.ApplicantFilter{Query: "%"}, []string{"bob@example.org"}},
			"Placed":    {roundtable.ApplicantFilter{Placed: &placed}, []string{"carl@example.org"}},
			"Unplaced":  {roundtable.ApplicantFilter{Placed: &unplaced, Status: roundtable.StatusAccepted}, []string{"anna@example.org"}},
			"NoneMatch": {roundtable.ApplicantFilter{Query: "zzz"}, nil},
			"OddQuery":  {roundtable.ApplicantFilter{Query: "\x00'\\"}, nil},
			"OddStatus": {roundtable.ApplicantFilter{Status: "\x00\xff", Sector: "\xfe"}, nil},
		} {
			t.Run(name, func(t *testing.T) {
				list, err := e.applicants.ListApplicants(as(org), p.ID, tc.f)
				must(t, err)
				var got []string
				for _, a := range list {
					got = append(got, a.Email)
				}
				if strings.Join(got, ",") != strings.Join(tc.want, ",") {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			})
		}
		t.Run("ErrNotFound", func(t *testing.T) {
			stranger := e.user("S", "s@example.org", false, true)
			_, err := e.applicants.ListApplicants(as(stranger), p.ID, roundtable.ApplicantFilter{})
			wantCode(t, err, roundtable.ENOTFOUND)
			_, err = e.applicants.FindApplicantByID(as(stranger), anna.ID)
			wantCode(t, err, roundtable.ENOTFOUND)
			_, err = e.applicants.FindApplicantByID(anon, anna.ID)
			wantCode(t, err, roundtable.ENOTFOUND)
			wantCode(t, e.applicants.SetApplicantStatus(as(stranger), anna.ID, roundtable.StatusDeclined), roundtable.ENOTFOUND)
		})
	})
}

func TestApplicantService_SetApplicantStatus(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		a := newApplicant(p.ID, "Anna", "anna@example.org")
		must(t, e.applicants.Apply(anon, a))
		for _, s := range []roundtable.ApplicantStatus{roundtable.StatusWaitlisted, roundtable.StatusDeclined, roundtable.StatusAccepted} {
			must(t, e.applicants.SetApplicantStatus(as(org), a.ID, s))
			got, err := e.applicants.FindApplicantByID(as(org), a.ID)
			must(t, err)
			if got.Status != s {
				t.Fatalf("got %s, want %s", got.Status, s)
			}
		}
		wantCode(t, e.applicants.SetApplicantStatus(as(org), a.ID, "maybe"), roundtable.EINVALID)

		t.Run("ErrPlaced", func(t *testing.T) {
			c := e.circle(p.ID, "A")
			must(t, e.circles.PlaceApplicant(as(org), c.ID, a.ID))
			wantCode(t, e.applicants.SetApplicantStatus(as(org), a.ID, roundtable.StatusDeclined), roundtable.ECONFLICT)
			must(t, e.applicants.SetApplicantStatus(as(org), a.ID, roundtable.StatusAccepted))
		})
	})
}

const csvHeader = "name,email,title,organization,sector,industry,function,level,timezone,availability,goals,topics,avoid\n"

func TestApplicantService_ImportApplicants(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		count := func() int {
			list, err := e.applicants.ListApplicants(as(org), p.ID, roundtable.ApplicantFilter{})
			must(t, err)
			return len(list)
		}

		good := csvHeader +
			"Ann One,ann@example.org,CFO,Acme,Private,Retail,Finance,4,Europe/Paris,Mon 09:00-12:00,\"Lead, well\",,\n" +
			"Ben Two,ben@example.org,,Gov,Public,,,2,America/Chicago,Tue 10:00-11:00;Thu 10:00-11:00,,,\n"
		n, err := e.applicants.ImportApplicants(as(org), p.ID, strings.NewReader(good))
		must(t, err)
		if n != 2 || count() != 2 {
			t.Fatalf("got %d imported and %d stored, want 2 and 2", n, count())
		}
		if msgs := e.deliver(); len(msgs) != 0 {
			t.Fatalf("got %d e-mails after an import, want none", len(msgs))
		}

		t.Run("AllOrNothing", func(t *testing.T) {
			bad := csvHeader +
				"Cat Three,cat@example.org,,Acme,Private,,,3,Europe/Paris,Mon 09:00-10:00,,,\n" + // line 2: fine
				"Dan Four,ben@example.org,,Acme,Private,,,3,Europe/Paris,Mon 09:00-10:00,,,\n" + // line 3: applied already
				"Eve Five,not-an-email,,Acme,Private,,,3,Europe/Paris,Mon 09:00-10:00,,,\n" + // line 4: bad e-mail
				"Fay Six,cat@example.org,,Acme,Private,,,3,Europe/Paris,Mon 09:00-10:00,,,\n" // line 5: duplicate of line 2
			_, err := e.applicants.ImportApplicants(as(org), p.ID, strings.NewReader(bad))
			wantCode(t, err, roundtable.EINVALID)
			var ie *roundtable.ImportError
			if !errors.As(err, &ie) {
				t.Fatalf("got %T %v, want an *ImportError inside", err, err)
			}
			got := ie.Error()
			for _, want := range []string{"line 4: email: Enter an e-mail address like name@example.org.", "line 5: email: cat@example.org appears on line 2 and line 5"} {
				if !strings.Contains(got, want) {
					t.Errorf("got %q, want it to contain %q", got, want)
				}
			}
			if count() != 2 {
				t.Fatalf("got %d applicants, want 2: nothing imported", count())
			}
		})
		t.Run("DuplicatesOfExisting", func(t *testing.T) {
			dup := csvHeader +
				"Cat Three,cat@example.org,,Acme,Private,,,3,Europe/Paris,Mon 09:00-10:00,,,\n" +
				"Ann Again,ANN@example.org,,Acme,Private,,,3,Europe/Paris,Mon 09:00-10:00,,,\n"
			_, err := e.applicants.ImportApplicants(as(org), p.ID, strings.NewReader(dup))
			wantCode(t, err, roundtable.EINVALID)
			var ie *roundtable.ImportError
			if !errors.As(err, &ie) || len(ie.Lines) != 1 || ie.Lines[0].Line != 3 || !strings.Contains(ie.Lines[0].Reason, "ann@example.org has already applied") {
				t.Fatalf("got %v, want line 3 named as applied already", err)
			}
			if count() != 2 {
				t.Fatalf("got %d applicants, want 2: nothing imported", count())
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			stranger := e.user("S", "s@example.org", false, true)
			_, err := e.applicants.ImportApplicants(as(stranger), p.ID, strings.NewReader(good))
			wantCode(t, err, roundtable.ENOTFOUND)
			_, err = e.applicants.ImportApplicants(anon, p.ID, strings.NewReader(good))
			wantCode(t, err, roundtable.ENOTFOUND)
		})
		t.Run("Empty", func(t *testing.T) {
			_, err := e.applicants.ImportApplicants(as(org), p.ID, strings.NewReader(""))
			wantCode(t, err, roundtable.EINVALID)
			_, err = e.applicants.ImportApplicants(as(org), p.ID, strings.NewReader(csvHeader))
			wantCode(t, err, roundtable.EINVALID)
		})
	})
}
