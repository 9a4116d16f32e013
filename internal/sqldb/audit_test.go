package sqldb_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// from returns ctx as a request from a client address.
func from(ctx context.Context, addr string) context.Context {
	return roundtable.NewContextWithClientAddr(ctx, addr)
}

// auditAll returns every entry of the log, newest first.
func (e *env) auditAll(admin *roundtable.User, f roundtable.AuditFilter) []*roundtable.AuditEntry {
	e.t.Helper()
	f.Limit = 500
	page, err := sqldb.NewAuditService(e.db).ListAudit(as(admin), f)
	if err != nil {
		e.t.Fatalf("list audit log: %v", err)
	}
	return page.Entries
}

// TestAuditService_Record does every recorded action through the services,
// from a client address, and finds each in the log with its actor and
// address, and no password or token anywhere in it.
func TestAuditService_Record(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		const (
			ip       = "203.0.113.7"
			password = "correct horse battery"
			newPass  = "a brand new passphrase"
		)
		admin := e.user("Ada Admin", "ada@example.org", true, true)
		paul := e.user("Paul", "paul@example.org", false, false)
		web := func(u *roundtable.User) context.Context {
			if u == nil {
				return from(anon, ip)
			}
			return from(as(u), ip)
		}
		var secrets []string

		// Sign-ins: a wrong password, an unknown address, refused tries, a
		// link sent and used, a password sign-in.
		_, err := e.auth.Authenticate(web(nil), "Paul@example.org", "wrong password here")
		wantCode(t, err, roundtable.EUNAUTHORIZED)
		_, err = e.auth.Authenticate(web(nil), "nobody@example.org", password)
		wantCode(t, err, roundtable.EUNAUTHORIZED)
		must(t, e.auth.RecordThrottled(web(nil), "paul@example.org", false))
		// A password typed in the e-mail field is no address: it is not kept.
		must(t, e.auth.RecordThrottled(web(nil), password, true))
		_, err = e.auth.Authenticate(web(nil), password, password)
		wantCode(t, err, roundtable.EUNAUTHORIZED)
		must(t, e.auth.RequestSignInLink(web(nil), "paul@example.org"))
		link := e.lastToken(linkRE, "paul@example.org")
		secrets = append(secrets, link)
		_, err = e.auth.RedeemSignInLink(web(nil), link)
		must(t, err)
		_, err = e.auth.RedeemSignInLink(web(nil), link) // used up
		wantCode(t, err, roundtable.EUNAUTHORIZED)
		viaLink, err := e.auth.StartSession(web(nil), paul.ID, roundtable.SessionStart{ViaLink: true})
		must(t, err)
		_, err = e.auth.Authenticate(web(nil), "paul@example.org", password)
		must(t, err)
		tok1, err := e.auth.StartSession(web(nil), paul.ID, roundtable.SessionStart{Replaces: "not-a-token"})
		must(t, err)
		tok2, err := e.auth.StartSession(web(nil), paul.ID, roundtable.SessionStart{})
		must(t, err)
		secrets = append(secrets, viaLink, tok1, tok2)

		// Sessions and the password.
		list := e.sessions(paul, tok1)
		must(t, e.auth.EndSession(web(paul), list[len(list)-1].ID))
		_, err = e.auth.EndOtherSessions(web(paul), tok1)
		must(t, err)
		tok3 := e.session(paul, roundtable.SessionStart{})
		secrets = append(secrets, tok3)
		must(t, e.auth.ChangePassword(web(paul), tok1, password, newPass))
		must(t, e.auth.DeleteSession(web(paul), tok1))

		// Accounts, decisions and circles' people.
		org := &roundtable.User{Name: "Olga", Email: "olga@example.org", TimeZone: "UTC", CanOrganize: true}
		must(t, e.users.CreateUser(web(admin), org, ""))
		p := e.program(org, "Audit Program")
		c := e.circle(p.ID, "Circle One")
		ap := newApplicant(p.ID, "Anna Applicant", "anna@example.org")
		must(t, e.applicants.Apply(anon, ap))
		must(t, e.applicants.SetApplicantStatus(web(org), ap.ID, roundtable.StatusAccepted))
		must(t, e.circles.PlaceApplicant(web(org), c.ID, ap.ID))
		must(t, e.circles.SetFacilitator(web(org), c.ID, "fay@example.org", "Fay Facilitator"))
		invite := e.lastToken(inviteRE, "anna@example.org")
		secrets = append(secrets, invite)
		anna, err := e.auth.AcceptInvitation(web(nil), invite, roundtable.AccountSetup{Name: "Anna A.", TimeZone: "UTC", Password: "anna's own long password"})
		must(t, err)
		must(t, e.circles.RemoveMember(web(org), c.ID, anna.ID))
		_, err = e.applicants.DecideApplicants(web(org), p.ID, roundtable.Decision{IDs: []string{ap.ID}, Status: roundtable.StatusWaitlisted})
		must(t, err)

		entries := e.auditAll(admin, roundtable.AuditFilter{})
		type want struct {
			kind   roundtable.AuditKind
			actor  string // user ID, "" for none
			user   string
			detail string
		}
		for _, w := range []want{
			{roundtable.AuditSignInFailed, "", paul.ID, "password"},
			{roundtable.AuditSignInFailed, "", "", "password"},
			{roundtable.AuditSignInThrottled, "", "", "password"},
			{roundtable.AuditLinkSent, "", paul.ID, ""},
			{roundtable.AuditLinkUsed, paul.ID, paul.ID, ""},
			{roundtable.AuditSignInFailed, "", "", "link"},
			{roundtable.AuditSignIn, paul.ID, paul.ID, "link"},
			{roundtable.AuditSignIn, paul.ID, paul.ID, "password"},
			{roundtable.AuditSessionEnded, paul.ID, paul.ID, ""},
			{roundtable.AuditSessionsEnded, paul.ID, paul.ID, "1 other session"},
			{roundtable.AuditPasswordChanged, paul.ID, paul.ID, "1 other session ended"},
			{roundtable.AuditSignOut, paul.ID, paul.ID, ""},
			{roundtable.AuditUserCreated, admin.ID, org.ID, "organizer"},
			{roundtable.AuditApplicantStatus, org.ID, "", "accepted"},
			{roundtable.AuditMemberPlaced, org.ID, "", ""},
			{roundtable.AuditFacilitatorSet, org.ID, "", ""},
			{roundtable.AuditAccountSetUp, anna.ID, anna.ID, ""},
			{roundtable.AuditMemberRemoved, org.ID, anna.ID, "member"},
			{roundtable.AuditApplicantStatus, org.ID, "", "waitlisted"},
		} {
			found := false
			for _, en := range entries {
				if en.Kind == w.kind && en.ActorID == w.actor && (w.user == "" || en.UserID == w.user) &&
					(w.detail == "" || en.Detail == w.detail) && en.ClientAddr == ip {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("no %s entry by %q about %q (%q) from %s", w.kind, w.actor, w.user, w.detail, ip)
			}
		}
		for _, en := range entries {
			switch {
			case en.Kind == roundtable.AuditSignInFailed && en.UserID == paul.ID && en.Email != "paul@example.org":
				t.Errorf("got failed sign-in for %q, want the address tried", en.Email)
			case en.Kind == roundtable.AuditMemberPlaced && en.CircleName != "Circle One":
				t.Errorf("got placement in %q, want Circle One", en.CircleName)
			case en.Kind == roundtable.AuditApplicantStatus && en.RefName != "Anna Applicant":
				t.Errorf("got decision on %q, want Anna Applicant", en.RefName)
			case en.Kind == roundtable.AuditUserCreated && en.UserID == paul.ID && !en.System:
				t.Errorf("got %+v, want an account made by the system", en)
			}
		}

		t.Run("NoSecrets", func(t *testing.T) {
			raw, err := sqldb.AuditRowsForTest(context.Background(), e.db)
			must(t, err)
			for _, s := range append(secrets, password, newPass, "wrong password here", "anna's own long password") {
				if strings.Contains(raw, s) {
					t.Errorf("the audit log holds the secret %q", s)
				}
			}
		})
		t.Run("Filters", func(t *testing.T) {
			byKind := e.auditAll(admin, roundtable.AuditFilter{Kind: roundtable.AuditSignIn})
			if len(byKind) != 4 {
				t.Errorf("got %d sign-ins, want 4", len(byKind))
			}
			for _, en := range e.auditAll(admin, roundtable.AuditFilter{Person: "Anna@example.org"}) {
				if en.ActorID != anna.ID && en.UserID != anna.ID && en.Email != "anna@example.org" {
					t.Errorf("got %+v for Anna's filter", en)
				}
			}
			if got := e.auditAll(admin, roundtable.AuditFilter{Person: "nobody@example.org"}); len(got) != 1 || got[0].Kind != roundtable.AuditSignInFailed {
				t.Errorf("got %d entries for an address without account, want its failed sign-in", len(got))
			}
			e.clock.Add(48 * time.Hour)
			must(t, e.auth.DeleteSession(web(paul), e.session(paul, roundtable.SessionStart{})))
			if got := e.auditAll(admin, roundtable.AuditFilter{From: start.Add(24 * time.Hour)}); len(got) != 2 || got[0].Kind != roundtable.AuditSignOut {
				t.Errorf("got %d entries since yesterday, want a sign-in and the sign-out after it", len(got))
			}
			if got := e.auditAll(admin, roundtable.AuditFilter{Until: start.Add(24 * time.Hour)}); len(got) != len(entries) {
				t.Errorf("got %d entries until yesterday, want %d", len(got), len(entries))
			}
			// Pages of two cover the whole log, newest first, each entry once.
			all := e.auditAll(admin, roundtable.AuditFilter{})
			seen := map[string]bool{}
			var cursor string
			for pages := 0; ; pages++ {
				page, err := sqldb.NewAuditService(e.db).ListAudit(as(admin), roundtable.AuditFilter{Limit: 2, After: cursor})
				must(t, err)
				for _, en := range page.Entries {
					if seen[en.ID] || en.ID != all[len(seen)].ID {
						t.Fatalf("page %d: got %s out of order", pages, en.ID)
					}
					seen[en.ID] = true
				}
				if cursor = page.Next; cursor == "" {
					break
				}
			}
			if len(seen) != len(all) {
				t.Errorf("pages gave %d entries, want %d", len(seen), len(all))
			}
		})
		t.Run("BadFilter", func(t *testing.T) {
			svc := sqldb.NewAuditService(e.db)
			_, err := svc.ListAudit(as(paul), roundtable.AuditFilter{})
			wantCode(t, err, roundtable.EFORBIDDEN)
			_, err = svc.ListAudit(as(org), roundtable.AuditFilter{})
			wantCode(t, err, roundtable.EFORBIDDEN)
			_, err = svc.ListAudit(as(admin), roundtable.AuditFilter{Kind: "nonsense"})
			wantField(t, err, "kind")
			_, err = svc.ListAudit(as(admin), roundtable.AuditFilter{After: "123_not-an-id"})
			wantField(t, err, "after")
			_, err = svc.ListAudit(as(admin), roundtable.AuditFilter{From: start, Until: start.Add(-time.Hour)})
			wantField(t, err, "until")
			_, err = svc.ListAudit(as(admin), roundtable.AuditFilter{Person: "not an address"})
			wantField(t, err, "person")
		})
	})
}

// TestAuditService_Retention deletes entries older than the retention and
// keeps the others; the day's job is enqueued once however often (or by
// however many instances) it is asked for.
func TestAuditService_Retention(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.user("Ada Admin", "ada@example.org", true, true)
		e.clock.Add(roundtable.DefaultAuditRetention - time.Hour)
		recent := e.user("Rita Recent", "rita@example.org", false, false)
		e.clock.Add(2 * time.Hour) // Ada's entry is now past the retention, Rita's is not
		other := sqldb.NewOutbox(e.db)
		must(t, e.outbox.ScheduleHousekeeping(ctx))
		must(t, e.outbox.ScheduleHousekeeping(ctx))
		must(t, other.ScheduleHousekeeping(ctx))
		n, err := sqldb.CountForTest(ctx, e.db, `SELECT COUNT(*) FROM outbox WHERE kind = 'audit.prune'`)
		must(t, err)
		if n != 1 {
			t.Fatalf("got %d housekeeping jobs, want 1", n)
		}
		if sent := e.deliver(); len(sent) != 0 {
			t.Fatalf("housekeeping sent %d messages, want none", len(sent))
		}
		got := e.auditAll(admin, roundtable.AuditFilter{})
		if len(got) != 1 || got[0].UserID != recent.ID {
			var kinds []string
			for _, en := range got {
				kinds = append(kinds, fmt.Sprint(en.Kind, " ", en.UserID))
			}
			t.Fatalf("got entries %v, want only Rita's account (%s)", kinds, recent.ID)
		}
	})
}
