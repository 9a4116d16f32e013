package sqldb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// TestAccountDeletionService_Delete deletes a member's account: what she
// alone owned goes, her board posts and commitments stay as a former
// member's, she leaves her circle, its facilitator is told once, and every
// session ends.
func TestAccountDeletionService_Delete(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		w := e.ownWorld()
		e.deliver()
		svc := sqldb.NewAccountDeletionService(e.db)
		mo := as(w.member)
		tok, err := e.auth.StartSession(sys, w.member.ID, roundtable.SessionStart{})
		must(t, err)
		other, err := e.auth.StartSession(sys, w.member.ID, roundtable.SessionStart{})
		must(t, err)

		// Her password is needed, and a wrong one changes nothing.
		for _, pw := range []string{"", "not her password", strings.Repeat("x", 300)} {
			err := svc.DeleteMyAccount(mo, tok, pw)
			wantCode(t, err, roundtable.EINVALID)
			if roundtable.ErrorFields(err)["password"] == "" {
				t.Fatalf("password %q: got %v, want a message on the password", pw, err)
			}
		}
		wantCode(t, svc.DeleteMyAccount(anon, "", "a long enough password"), roundtable.EUNAUTHORIZED)
		if _, err := e.auth.FindSession(sys, tok); err != nil {
			t.Fatalf("a refused deletion ended a session: %v", err)
		}

		must(t, svc.DeleteMyAccount(mo, tok, "a long enough password"))
		for _, tk := range []string{tok, other} {
			_, err := e.auth.FindSession(sys, tk)
			wantCode(t, err, roundtable.EUNAUTHORIZED)
		}
		_, err = e.auth.Authenticate(anon, "mo@example.org", "a long enough password")
		wantCode(t, err, roundtable.EUNAUTHORIZED)

		// The circle keeps her post and commitment, as a former member's.
		room := w.room(t, w.keeper)
		var post *roundtable.BoardPost
		for _, p := range room.Board {
			if p.Body == "MO-POST" {
				post = &p
			}
		}
		if post == nil || post.AuthorName != roundtable.FormerMemberName {
			t.Fatalf("got post %+v, want MO-POST kept as a former member's", post)
		}
		if len(room.Commitments) != 1 || room.Commitments[0].Text != "MO-COMMITMENT" || room.Commitments[0].OwnerName != roundtable.FormerMemberName {
			t.Fatalf("got commitments %+v, want MO-COMMITMENT kept as a former member's", room.Commitments)
		}
		home, err := e.circles.FindCircleHome(as(w.fac), w.a.ID)
		must(t, err)
		for _, m := range home.Circle.Members {
			if m.UserID == w.member.ID {
				t.Fatal("she is still a member of circle A")
			}
		}
		ctx := context.Background()
		// Counted by owner, not by text: content columns may be sealed.
		for q, want := range map[string]int{
			`SELECT COUNT(*) FROM action_items WHERE owner_id = '` + w.member.ID + `'`:        1,
			`SELECT COUNT(*) FROM reflections WHERE user_id = '` + w.member.ID + `'`:          0,
			`SELECT COUNT(*) FROM reflections WHERE user_id = '` + w.keeper.ID + `'`:          1,
			`SELECT COUNT(*) FROM goals WHERE user_id = '` + w.member.ID + `'`:                0,
			`SELECT COUNT(*) FROM goals WHERE user_id = '` + w.keeper.ID + `'`:                1,
			`SELECT COUNT(*) FROM challenges WHERE presenter_id = '` + w.member.ID + `'`:      0,
			`SELECT COUNT(*) FROM applicants WHERE email = 'mo@example.org'`:                  0,
			`SELECT COUNT(*) FROM users WHERE email = 'mo@example.org' OR name = 'Mo Member'`: 0,
			`SELECT COUNT(*) FROM rsvps WHERE user_id = '` + w.member.ID + `'`:                0,
			`SELECT COUNT(*) FROM outbox WHERE recipient = 'mo@example.org'`:                  0,
			`SELECT COUNT(*) FROM outbox WHERE kind = 'seat.opened'`:                          1,
		} {
			n, err := sqldb.CountForTest(ctx, e.db, q)
			must(t, err)
			if n != want {
				t.Errorf("%s: got %d, want %d", q, n, want)
			}
		}
		// The facilitator is told once that a seat opened, without her name.
		var told []string
		for _, m := range e.deliver() {
			if strings.Contains(m.Subject, "seat opened") {
				told = append(told, m.To)
				if strings.Contains(m.Text, "Mo") || !strings.Contains(m.Text, "Fill open") {
					t.Errorf("got message %q, want the seat told without her name", m.Text)
				}
			}
		}
		if len(told) != 1 || told[0] != "fay@example.org" {
			t.Fatalf("got seat messages to %v, want one to the facilitator", told)
		}
		// The seat shows for filling.
		seats, err := sqldb.NewBackfillService(e.db).FindOpenSeats(as(w.org), w.a.ProgramID)
		must(t, err)
		for _, c := range seats.Circles {
			if c.ID == w.a.ID && c.Members != 3 { // Cleo, Ken and Pat remain
				t.Errorf("got %d members in circle A, want 3", c.Members)
			}
		}
		entries := e.auditAll(w.admin, roundtable.AuditFilter{Kind: roundtable.AuditAccountDeleted})
		if len(entries) != 1 || entries[0].UserID != w.member.ID || strings.Contains(entries[0].UserEmail, "mo@") {
			t.Fatalf("got %+v, want one deletion entry naming only the account", entries)
		}
		wantCode(t, svc.DeleteMyAccount(mo, "", "a long enough password"), roundtable.EUNAUTHORIZED)
	})
}

// TestAccountDeletionService_SoleAdmin refuses to delete the only
// administrator, and deletes one of two.
func TestAccountDeletionService_SoleAdmin(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		svc := sqldb.NewAccountDeletionService(e.db)
		ada := e.user("Ada Admin", "ada@example.org", true, true)
		err := svc.DeleteMyAccount(as(ada), "", "correct horse battery")
		wantCode(t, err, roundtable.ECONFLICT)
		if !strings.Contains(roundtable.ErrorMessage(err), "only administrator") {
			t.Fatalf("got %q, want it to say she is the only administrator", roundtable.ErrorMessage(err))
		}
		bob := e.user("Bob Admin", "bob@example.org", true, false)
		must(t, svc.DeleteMyAccount(as(ada), "", "correct horse battery"))
		wantCode(t, svc.DeleteMyAccount(as(bob), "", "correct horse battery"), roundtable.ECONFLICT)
		users, err := e.users.ListUsers(as(bob))
		must(t, err)
		if len(users) != 1 {
			t.Fatalf("got %d people listed, want Bob only", len(users))
		}
	})
}

// TestAccountDeletionService_FreshLink deletes without a password within
// minutes of signing in with a link.
func TestAccountDeletionService_FreshLink(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		svc := sqldb.NewAccountDeletionService(e.db)
		e.user("Ada Admin", "ada@example.org", true, true)
		paul := e.user("Paul", "paul@example.org", false, false)
		tok, err := e.auth.StartSession(sys, paul.ID, roundtable.SessionStart{ViaLink: true})
		must(t, err)
		needs, has, err := svc.DeletionNeedsPassword(as(paul), tok)
		must(t, err)
		if needs || !has {
			t.Fatalf("got needs %v has %v, want no password needed after a fresh link", needs, has)
		}
		must(t, svc.DeleteMyAccount(as(paul), tok, ""))
	})
}
