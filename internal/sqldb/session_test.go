package sqldb_test

import (
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// wantField checks that err is EINVALID with a message on field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	wantCode(t, err, roundtable.EINVALID)
	if roundtable.ErrorFields(err)[field] == "" {
		t.Fatalf("got fields %v, want a message on %s", roundtable.ErrorFields(err), field)
	}
}

func (e *env) session(u *roundtable.User, how roundtable.SessionStart) string {
	e.t.Helper()
	token, err := e.auth.StartSession(anon, u.ID, how)
	if err != nil {
		e.t.Fatalf("start session: %v", err)
	}
	return token
}

func (e *env) sessions(u *roundtable.User, current string) []*roundtable.Session {
	e.t.Helper()
	list, err := e.auth.ListSessions(as(u), current)
	if err != nil {
		e.t.Fatalf("list sessions: %v", err)
	}
	return list
}

func TestAuthService_ListSessions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		u := e.user("Paul", "paul@example.org", false, false)
		other := e.user("Olga", "olga@example.org", false, false)
		tokA := e.session(u, roundtable.SessionStart{Browser: "Firefox on Windows"})
		e.clock.Add(time.Minute)
		e.session(u, roundtable.SessionStart{Browser: "Safari on iPhone", ViaLink: true})
		e.session(other, roundtable.SessionStart{Browser: "Chrome on Android"})

		list := e.sessions(u, tokA)
		if len(list) != 2 {
			t.Fatalf("got %d sessions, want Paul's 2", len(list))
		}
		a, b := list[0], list[1] // this browser first
		if a.Browser != "Firefox on Windows" || !a.Current || a.ViaLink || b.Browser != "Safari on iPhone" || b.Current || !b.ViaLink {
			t.Fatalf("got %+v and %+v, want Firefox (current) and Safari (by link)", a, b)
		}
		if !a.LastSeenAt.Equal(start) || !a.ExpiresAt.Equal(start.Add(roundtable.SessionLifetime)) {
			t.Errorf("got last seen %v, expires %v; want %v and 30 days later", a.LastSeenAt, a.ExpiresAt, start)
		}
		_, err := e.auth.ListSessions(anon, tokA)
		wantCode(t, err, roundtable.EUNAUTHORIZED)

		t.Run("LastSeenWrittenRarely", func(t *testing.T) {
			// Firefox was last seen at the start; the clock is a minute on.
			e.clock.Add(roundtable.SessionSeenInterval - time.Minute - time.Second)
			_, err := e.auth.FindSession(anon, tokA)
			must(t, err)
			if got := e.sessions(u, tokA)[0].LastSeenAt; !got.Equal(start) {
				t.Fatalf("got last seen %v, want it unchanged (%v) within the interval", got, start)
			}
			e.clock.Add(time.Second)
			_, err = e.auth.FindSession(anon, tokA)
			must(t, err)
			list := e.sessions(u, tokA)
			if !list[0].Current || !list[0].LastSeenAt.Equal(e.clock.Now()) {
				t.Fatalf("got %+v first, want this session, last seen now (%v)", list[0], e.clock.Now())
			}
			// Listed for the other browser, the latest used comes first.
			if other := e.sessions(u, ""); other[0].Browser != "Firefox on Windows" || other[0].Current {
				t.Fatalf("got %+v first, want Firefox, last used now", other[0])
			}
		})
		t.Run("LongBrowserNameCut", func(t *testing.T) {
			tok := e.session(u, roundtable.SessionStart{Browser: string(make([]rune, 100)) + "x"})
			for _, s := range e.sessions(u, tok) {
				if s.Current && len([]rune(s.Browser)) > roundtable.MaxBrowserLength {
					t.Fatalf("got a browser name of %d characters, want at most %d", len([]rune(s.Browser)), roundtable.MaxBrowserLength)
				}
			}
			must(t, e.auth.DeleteSession(anon, tok))
		})
	})
}

func TestAuthService_EndSession(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		u := e.user("Paul", "paul@example.org", false, false)
		other := e.user("Olga", "olga@example.org", false, false)
		tokA := e.session(u, roundtable.SessionStart{Browser: "Firefox on Windows"})
		tokB := e.session(u, roundtable.SessionStart{Browser: "Safari on iPhone"})
		tokO := e.session(other, roundtable.SessionStart{Browser: "Chrome on Android"})
		olgas := e.sessions(other, tokO)[0]
		var pauls *roundtable.Session
		for _, s := range e.sessions(u, tokA) {
			if !s.Current {
				pauls = s
			}
		}

		// Another person's session cannot be ended, and its ID says nothing.
		err := e.auth.EndSession(as(u), olgas.ID)
		wantCode(t, err, roundtable.ENOTFOUND)
		errUnknown := e.auth.EndSession(as(u), "0190f5b2-8c3e-7000-8000-000000000000")
		wantCode(t, errUnknown, roundtable.ENOTFOUND)
		if roundtable.ErrorMessage(err) != roundtable.ErrorMessage(errUnknown) {
			t.Errorf("got %q and %q, want one message for someone else's session and an unknown one", roundtable.ErrorMessage(err), roundtable.ErrorMessage(errUnknown))
		}
		wantCode(t, e.auth.EndSession(as(other), pauls.ID), roundtable.ENOTFOUND)
		wantCode(t, e.auth.EndSession(as(u), "not an id"), roundtable.ENOTFOUND)
		wantCode(t, e.auth.EndSession(anon, pauls.ID), roundtable.EUNAUTHORIZED)
		_, err = e.auth.FindSession(anon, tokO)
		must(t, err)
		_, err = e.auth.FindSession(anon, tokB)
		must(t, err)

		must(t, e.auth.EndSession(as(u), pauls.ID))
		_, err = e.auth.FindSession(anon, tokB)
		wantCode(t, err, roundtable.EUNAUTHORIZED)
		_, err = e.auth.FindSession(anon, tokA)
		must(t, err)

		t.Run("Others", func(t *testing.T) {
			e.session(u, roundtable.SessionStart{})
			e.session(u, roundtable.SessionStart{})
			n, err := e.auth.EndOtherSessions(as(u), tokA)
			must(t, err)
			if n != 2 {
				t.Fatalf("ended %d sessions, want 2", n)
			}
			if list := e.sessions(u, tokA); len(list) != 1 || !list[0].Current {
				t.Fatalf("got %+v, want this session alone", list)
			}
			if _, err := e.auth.FindSession(anon, tokO); err != nil {
				t.Fatalf("Olga's session ended with Paul's: %v", err)
			}
			_, err = e.auth.EndOtherSessions(anon, tokA)
			wantCode(t, err, roundtable.EUNAUTHORIZED)
		})
	})
}

func TestAuthService_ChangePassword(t *testing.T) {
	const old, newer = "correct horse battery", "a brand new passphrase"
	forEachEngine(t, func(t *testing.T, e *env) {
		u := e.user("Paul", "paul@example.org", false, false)
		other := e.user("Olga", "olga@example.org", false, false)
		here := e.session(u, roundtable.SessionStart{Browser: "Firefox on Windows"})
		elsewhere := e.session(u, roundtable.SessionStart{Browser: "Safari on iPhone"})
		olgas := e.session(other, roundtable.SessionStart{})

		unchanged := func(t *testing.T) {
			t.Helper()
			_, err := e.auth.Authenticate(anon, "paul@example.org", old)
			must(t, err)
			_, err = e.auth.FindSession(anon, elsewhere)
			must(t, err)
		}
		t.Run("WrongCurrent", func(t *testing.T) {
			wantField(t, e.auth.ChangePassword(as(u), here, "wrong horse battery", newer), "current_password")
			unchanged(t)
		})
		t.Run("NoCurrent", func(t *testing.T) {
			wantField(t, e.auth.ChangePassword(as(u), here, "", newer), "current_password")
			unchanged(t)
		})
		t.Run("BadNew", func(t *testing.T) {
			wantField(t, e.auth.ChangePassword(as(u), here, old, "short"), "password")
			unchanged(t)
		})
		t.Run("Anonymous", func(t *testing.T) {
			wantCode(t, e.auth.ChangePassword(anon, here, old, newer), roundtable.EUNAUTHORIZED)
		})
		t.Run("Changed", func(t *testing.T) {
			must(t, e.auth.ChangePassword(as(u), here, old, newer))
			_, err := e.auth.Authenticate(anon, "paul@example.org", newer)
			must(t, err)
			_, err = e.auth.Authenticate(anon, "paul@example.org", old)
			wantCode(t, err, roundtable.EUNAUTHORIZED)
			_, err = e.auth.FindSession(anon, here)
			must(t, err)
			_, err = e.auth.FindSession(anon, elsewhere)
			wantCode(t, err, roundtable.EUNAUTHORIZED)
			_, err = e.auth.FindSession(anon, olgas)
			must(t, err)
		})
		t.Run("FreshLink", func(t *testing.T) {
			byLink := e.session(u, roundtable.SessionStart{ViaLink: true})
			e.clock.Add(roundtable.PasswordLinkWindow - time.Second)
			must(t, e.auth.ChangePassword(as(u), byLink, "", "chosen after a link"))
			_, err := e.auth.Authenticate(anon, "paul@example.org", "chosen after a link")
			must(t, err)
		})
		t.Run("StaleLink", func(t *testing.T) {
			byLink := e.session(u, roundtable.SessionStart{ViaLink: true})
			e.clock.Add(roundtable.PasswordLinkWindow)
			wantField(t, e.auth.ChangePassword(as(u), byLink, "", "too late for this"), "current_password")
		})
		t.Run("SomeoneElsesLinkSession", func(t *testing.T) {
			// A fresh link session of Olga's does not let Paul skip his password.
			olgaLink := e.session(other, roundtable.SessionStart{ViaLink: true})
			wantField(t, e.auth.ChangePassword(as(u), olgaLink, "", "not without it"), "current_password")
		})
		t.Run("NoPasswordYet", func(t *testing.T) {
			l := &roundtable.User{Name: "Lena", Email: "lena@example.org"}
			must(t, e.users.CreateUser(sys, l, ""))
			plain := e.session(l, roundtable.SessionStart{})
			wantField(t, e.auth.ChangePassword(as(l), plain, "", "my first passphrase"), "password")
			byLink := e.session(l, roundtable.SessionStart{ViaLink: true})
			must(t, e.auth.ChangePassword(as(l), byLink, "", "my first passphrase"))
			_, err := e.auth.Authenticate(anon, "lena@example.org", "my first passphrase")
			must(t, err)
			_, err = e.auth.FindSession(anon, plain)
			wantCode(t, err, roundtable.EUNAUTHORIZED)
		})
	})
}
