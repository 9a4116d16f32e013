package sqldb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

func TestAuthService_Authenticate(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		e.user("Paul", "paul@example.org", false, false)
		u, err := e.auth.Authenticate(anon, " PAUL@example.org", "correct horse battery")
		must(t, err)
		if u.Email != "paul@example.org" {
			t.Fatalf("got %q, want paul@example.org", u.Email)
		}
		_, errWrong := e.auth.Authenticate(anon, "paul@example.org", "wrong horse battery")
		wantCode(t, errWrong, roundtable.EUNAUTHORIZED)
		_, errUnknown := e.auth.Authenticate(anon, "nobody@example.org", "correct horse battery")
		wantCode(t, errUnknown, roundtable.EUNAUTHORIZED)
		if roundtable.ErrorMessage(errWrong) != roundtable.ErrorMessage(errUnknown) {
			t.Fatalf("got messages %q and %q, want one message for every failure", roundtable.ErrorMessage(errWrong), roundtable.ErrorMessage(errUnknown))
		}
		// A user without a password cannot sign in with an empty one.
		must(t, e.users.CreateUser(sys, &roundtable.User{Name: "L", Email: "l@example.org"}, ""))
		_, err = e.auth.Authenticate(anon, "l@example.org", "")
		wantCode(t, err, roundtable.EUNAUTHORIZED)
		_, err = e.auth.Authenticate(anon, "paul@example.org\x00", strings.Repeat("x", 500))
		wantCode(t, err, roundtable.EUNAUTHORIZED)
	})
}

func TestAuthService_SignInLink(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		u := e.user("Paul", "paul@example.org", false, false)
		must(t, e.auth.RequestSignInLink(anon, "Paul@Example.org"))
		must(t, e.auth.RequestSignInLink(anon, "stranger@example.org"))
		wantCode(t, e.auth.RequestSignInLink(anon, "not an address"), roundtable.EINVALID)

		msgs := e.deliver()
		if len(msgs) != 1 || msgs[0].To != "paul@example.org" {
			t.Fatalf("got %d messages (%v), want one to paul@example.org", len(msgs), msgs)
		}
		token := linkRE.FindStringSubmatch(msgs[0].Text)
		if token == nil || !strings.Contains(msgs[0].Text, "https://rt.example/signin/link/") {
			t.Fatalf("got text %q, want a link under https://rt.example/signin/link/", msgs[0].Text)
		}

		t.Run("SingleUse", func(t *testing.T) {
			got, err := e.auth.RedeemSignInLink(anon, token[1])
			must(t, err)
			if got.ID != u.ID {
				t.Fatalf("got user %s, want %s", got.ID, u.ID)
			}
			_, err = e.auth.RedeemSignInLink(anon, token[1])
			wantCode(t, err, roundtable.EUNAUTHORIZED)
		})
		t.Run("Expired", func(t *testing.T) {
			must(t, e.auth.RequestSignInLink(anon, "paul@example.org"))
			tok := e.lastToken(linkRE, "paul@example.org")
			e.clock.Add(roundtable.SignInLinkLifetime)
			_, err := e.auth.RedeemSignInLink(anon, tok)
			wantCode(t, err, roundtable.EUNAUTHORIZED)
		})
		t.Run("StillValidJustBefore", func(t *testing.T) {
			must(t, e.auth.RequestSignInLink(anon, "paul@example.org"))
			tok := e.lastToken(linkRE, "paul@example.org")
			e.clock.Add(roundtable.SignInLinkLifetime - time.Second)
			_, err := e.auth.RedeemSignInLink(anon, tok)
			must(t, err)
		})
		t.Run("Garbage", func(t *testing.T) {
			for _, tok := range []string{"", "x", strings.Repeat("A", 43), "\x00\xff"} {
				_, err := e.auth.RedeemSignInLink(anon, tok)
				wantCode(t, err, roundtable.EUNAUTHORIZED)
			}
		})
	})
}

func TestAuthService_Sessions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		u := e.user("Paul", "paul@example.org", false, false)
		token, err := e.auth.CreateSession(anon, u.ID)
		must(t, err)
		got, err := e.auth.FindSession(anon, token)
		must(t, err)
		if got.ID != u.ID || got.Name != "Paul" {
			t.Fatalf("got %+v, want Paul", got)
		}
		_, err = e.auth.CreateSession(anon, "0190f5b2-8c3e-7000-8000-000000000000")
		wantCode(t, err, roundtable.ENOTFOUND)
		_, err = e.auth.FindSession(anon, "bogus")
		wantCode(t, err, roundtable.EUNAUTHORIZED)

		must(t, e.auth.DeleteSession(anon, token))
		_, err = e.auth.FindSession(anon, token)
		wantCode(t, err, roundtable.EUNAUTHORIZED)
		must(t, e.auth.DeleteSession(anon, "unknown"))

		t.Run("Expires", func(t *testing.T) {
			token, err := e.auth.CreateSession(anon, u.ID)
			must(t, err)
			e.clock.Add(roundtable.SessionLifetime - time.Minute)
			_, err = e.auth.FindSession(anon, token)
			must(t, err)
			e.clock.Add(time.Minute)
			_, err = e.auth.FindSession(anon, token)
			wantCode(t, err, roundtable.EUNAUTHORIZED)
		})
	})
}

func TestAuthService_AcceptInvitation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		org := e.user("Olga", "olga@example.org", false, true)
		p := e.program(org, "Leaders")
		c := e.circle(p.ID, "Circle A")
		a := e.accepted(p.ID, "Nina New", "nina@example.org")
		must(t, e.circles.PlaceApplicant(as(org), c.ID, a.ID))
		msgs := e.deliver()
		var text string
		for _, m := range msgs {
			if m.To == "nina@example.org" && inviteRE.MatchString(m.Text) {
				text = m.Text
			}
		}
		if !strings.Contains(text, "https://rt.example/invite/") {
			t.Fatalf("got invitation text %q, want a link under https://rt.example/invite/", text)
		}
		token := inviteRE.FindStringSubmatch(text)[1]

		inv, err := e.auth.FindInvitation(anon, token)
		must(t, err)
		if !inv.NeedsAccount || inv.CircleID != c.ID || inv.CircleName != "Circle A" || inv.ProgramName != "Leaders" ||
			inv.Role != roundtable.RoleMember || inv.Name != "Nina New" || inv.TimeZone != "Europe/Berlin" {
			t.Fatalf("got %+v, want a member invitation to Circle A needing an account", inv)
		}
		if !inv.ExpiresAt.Equal(start.Add(roundtable.InvitationLifetime)) {
			t.Fatalf("got expiry %v, want %v", inv.ExpiresAt, start.Add(roundtable.InvitationLifetime))
		}

		t.Run("ErrInvalidSetup", func(t *testing.T) {
			_, err := e.auth.AcceptInvitation(anon, token, roundtable.AccountSetup{Name: " ", TimeZone: "Nowhere", Password: "short"})
			wantCode(t, err, roundtable.EINVALID)
			for _, f := range []string{"name", "time_zone", "password"} {
				if roundtable.ErrorFields(err)[f] == "" {
					t.Errorf("got no message for %s, want one", f)
				}
			}
			if _, err := e.auth.FindInvitation(anon, token); err != nil {
				t.Fatalf("got %v, want the invitation still usable after bad input", err)
			}
		})

		u, err := e.auth.AcceptInvitation(anon, token, roundtable.AccountSetup{Name: "Nina N.", TimeZone: "Asia/Tokyo", Password: "nina's long password"})
		must(t, err)
		if u.Name != "Nina N." || u.TimeZone != "Asia/Tokyo" || !u.HasPassword {
			t.Fatalf("got %+v, want the account set up", u)
		}
		if _, err := e.auth.Authenticate(anon, "nina@example.org", "nina's long password"); err != nil {
			t.Fatalf("got %v, want the new password to work", err)
		}
		_, err = e.auth.AcceptInvitation(anon, token, roundtable.AccountSetup{})
		wantCode(t, err, roundtable.ENOTFOUND)
		_, err = e.auth.FindInvitation(anon, token)
		wantCode(t, err, roundtable.ENOTFOUND)

		roster, err := e.circles.FindCircleRoster(as(org), c.ID)
		must(t, err)
		if len(roster.Members) != 1 || roster.Members[0].JoinedAt == nil || !roster.Members[0].JoinedAt.Equal(start) {
			t.Fatalf("got %+v, want Nina joined at %v", roster.Members[0], start)
		}

		t.Run("WithAccount", func(t *testing.T) {
			// A person with a password keeps it: the setup is ignored.
			must(t, e.circles.SetFacilitator(as(org), c.ID, "olga@example.org", ""))
			tok := e.lastToken(inviteRE, "olga@example.org")
			inv, err := e.auth.FindInvitation(anon, tok)
			must(t, err)
			if inv.NeedsAccount || inv.Role != roundtable.RoleFacilitator {
				t.Fatalf("got %+v, want a facilitator invitation without setup", inv)
			}
			u, err := e.auth.AcceptInvitation(anon, tok, roundtable.AccountSetup{Name: "Ignored", Password: "x"})
			must(t, err)
			if u.ID != org.ID || u.Name != "Olga" {
				t.Fatalf("got %+v, want Olga unchanged", u)
			}
		})
		t.Run("Expired", func(t *testing.T) {
			b := e.accepted(p.ID, "Late Larry", "larry@example.org")
			must(t, e.circles.PlaceApplicant(as(org), c.ID, b.ID))
			tok := e.lastToken(inviteRE, "larry@example.org")
			e.clock.Add(roundtable.InvitationLifetime)
			_, err := e.auth.FindInvitation(anon, tok)
			wantCode(t, err, roundtable.ENOTFOUND)
			_, err = e.auth.AcceptInvitation(anon, tok, roundtable.AccountSetup{Name: "L", TimeZone: "UTC", Password: "a long password"})
			wantCode(t, err, roundtable.ENOTFOUND)
		})
	})
}
