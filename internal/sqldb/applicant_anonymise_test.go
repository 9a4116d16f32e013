package sqldb_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// anonymiseWorld is a program with a placed member, a declined, a waiting
// and an accepted but unplaced applicant.
func (e *env) anonymiseWorld() (org *roundtable.User, p *roundtable.Program, placed *roundtable.User) {
	org = e.user("Olga Organizer", "olga@example.org", false, true)
	p = e.program(org, "Leaders")
	c := e.circle(p.ID, "A")
	placed = e.member(c, "Mo Member", "mo@example.org")
	for status, email := range map[roundtable.ApplicantStatus]string{
		roundtable.StatusDeclined: "dee@example.org", roundtable.StatusWaitlisted: "wes@example.org", roundtable.StatusAccepted: "ace@example.org",
	} {
		a := newApplicant(p.ID, "Name "+email, email)
		a.Answers = map[string]string{}
		must(e.t, e.applicants.Apply(anon, a))
		must(e.t, e.applicants.SetApplicantStatus(sys, a.ID, status))
	}
	return org, p, placed
}

// TestApplicantAnonymise_Now anonymises a program's unplaced applicants at
// an organizer's request: their names and words go, decisions stay.
func TestApplicantAnonymise_Now(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org, p, _ := e.anonymiseWorld()
		svc := sqldb.NewApplicantAnonymiseService(e.db)
		stranger := e.user("Sam Stranger", "sam@example.org", false, true)
		_, err := svc.CountAnonymisable(as(stranger), p.ID)
		wantCode(t, err, roundtable.ENOTFOUND)
		_, err = svc.AnonymiseApplicants(as(stranger), p.ID)
		wantCode(t, err, roundtable.ENOTFOUND)
		n, err := svc.CountAnonymisable(as(org), p.ID)
		must(t, err)
		if n != 3 {
			t.Fatalf("got %d to anonymise, want 3", n)
		}
		n, err = svc.AnonymiseApplicants(as(org), p.ID)
		must(t, err)
		if n != 3 {
			t.Fatalf("anonymised %d, want 3", n)
		}
		list, err := e.applicants.ListApplicants(as(org), p.ID, roundtable.ApplicantFilter{})
		must(t, err)
		byStatus := map[roundtable.ApplicantStatus]int{}
		for _, a := range list {
			byStatus[a.Status]++
			if a.Email == "mo@example.org" {
				continue
			}
			if a.Name != roundtable.FormerApplicantName || strings.Contains(a.Email, "@example.org") || a.Organization != "" ||
				a.Title != "" || a.Goals != "" || a.Availability != "" || a.Sector != "Private" || a.Level != 3 {
				t.Errorf("got %+v, want an anonymised applicant with sector and level kept", a)
			}
		}
		if byStatus[roundtable.StatusDeclined] != 1 || byStatus[roundtable.StatusWaitlisted] != 1 || byStatus[roundtable.StatusAccepted] != 2 {
			t.Errorf("got decisions %v, want them kept", byStatus)
		}
		if n, err = svc.AnonymiseApplicants(as(org), p.ID); err != nil || n != 0 {
			t.Fatalf("again: got %d, %v; want nothing left", n, err)
		}
		admin := e.user("Ada Admin", "ada@example.org", true, true)
		entries := e.auditAll(admin, roundtable.AuditFilter{Kind: roundtable.AuditApplicantsErased})
		if len(entries) != 1 || entries[0].ProgramID != p.ID || !strings.HasPrefix(entries[0].Detail, "3 ") {
			t.Fatalf("got %+v, want one entry for three applicants", entries)
		}
	})
}

// TestApplicantAnonymise_Daily anonymises once the program's period has
// passed, by a job that runs once a day however many instances ask.
func TestApplicantAnonymise_Daily(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		org, p, _ := e.anonymiseWorld()
		p.AnonymiseAfterDays = 30
		must(t, e.programs.UpdateProgram(as(org), p))
		count := func() int {
			n, err := sqldb.CountForTest(ctx, e.db, `SELECT COUNT(*) FROM applicants WHERE anonymised_at IS NOT NULL`)
			must(t, err)
			return n
		}
		// The day before the period ends: nothing.
		e.clock.Add(p.StartDate.AddDate(0, 0, 29).Sub(e.clock.Now()))
		must(t, e.outbox.ScheduleHousekeeping(ctx))
		e.deliver()
		if n := count(); n != 0 {
			t.Fatalf("got %d anonymised before the period ended, want 0", n)
		}
		e.clock.Add(24 * time.Hour)
		other := sqldb.NewOutbox(e.db)
		must(t, e.outbox.ScheduleHousekeeping(ctx))
		must(t, other.ScheduleHousekeeping(ctx))
		if sent := e.deliver(); len(sent) != 0 {
			t.Fatalf("the job sent %d messages, want none", len(sent))
		}
		if n := count(); n != 3 {
			t.Fatalf("got %d anonymised, want 3", n)
		}
		jobs, err := sqldb.CountForTest(ctx, e.db, `SELECT COUNT(*) FROM outbox WHERE kind = 'applicants.anonymise'`)
		must(t, err)
		if jobs != 2 { // one a day
			t.Fatalf("got %d jobs, want one for each of the two days", jobs)
		}
		admin := e.user("Ada Admin", "ada@example.org", true, true)
		if got := e.auditAll(admin, roundtable.AuditFilter{Kind: roundtable.AuditApplicantsErased}); len(got) != 1 || !got[0].System {
			t.Fatalf("got %d entries, want one by the system", len(got))
		}
	})
}
