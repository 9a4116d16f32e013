package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

// User-Agent headers of a few browsers.
const (
	uaFirefoxWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
	uaSafariIPhone   = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
	uaSamsung        = "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36"
)

// signInFrom signs a new browser in through the sign-in form, as a browser
// that sends ua.
func (a *app) signInFrom(ua, email, password string) *browser {
	a.t.Helper()
	b := a.browser()
	form := url.Values{"email": {email}, "password": {password}}
	req := b.request(http.MethodPost, "/signin", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", ua)
	b.send(req).want(a.t, http.StatusSeeOther)
	return b
}

// signedIn reports whether the browser's session still works.
func (b *browser) signedIn() bool { return b.get("/account").Code == http.StatusOK }

// sessionOf returns the ID of the browser's session.
func (b *browser) sessionOf(u *roundtable.User) string {
	b.a.t.Helper()
	list, err := b.a.svc.Auth.ListSessions(as(u), b.cookies[sessionCookie].Value)
	if err != nil {
		b.a.t.Fatalf("list sessions: %v", err)
	}
	for _, s := range list {
		if s.Current {
			return s.ID
		}
	}
	b.a.t.Fatalf("the browser has no session of %s", u.Email)
	return ""
}

func TestAccount_ChangePassword(t *testing.T) {
	a := newApp(t)
	a.user("mia@example.org", "Mia Member", false)
	laptop := a.signInFrom(uaFirefoxWindows, "mia@example.org", testPassword)
	phone := a.signInFrom(uaSafariIPhone, "mia@example.org", testPassword)
	stranger := a.user("sam@example.org", "Sam Stranger", false)
	theirs := a.browser().signInAs(stranger)

	laptop.get("/account").want(t, http.StatusOK).contains(t, `id="f-current_password"`, `autocomplete="current-password"`, "Change password")

	t.Run("WrongCurrent", func(t *testing.T) {
		r := laptop.post("/account/password", url.Values{"current_password": {"not my password"}, "password": {"a brand new passphrase"}})
		r.want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-current_password"`, "That is not your current password")
		r.lacks(t, "not my password", "a brand new passphrase")
		if _, err := a.svc.Auth.Authenticate(context.Background(), "mia@example.org", testPassword); err != nil {
			t.Errorf("the old password stopped working: %v", err)
		}
		if !phone.signedIn() {
			t.Errorf("the phone was signed out by a refused change")
		}
		if !strings.Contains(a.logs.String(), `msg="password change refused: wrong current password" email=mia@example.org`) {
			t.Errorf("the refusal is not logged")
		}
	})
	t.Run("MissingCurrent", func(t *testing.T) {
		laptop.post("/account/password", url.Values{"password": {"a brand new passphrase"}}).
			want(t, http.StatusUnprocessableEntity).contains(t, "Enter your current password.")
		if !phone.signedIn() {
			t.Errorf("the phone was signed out by a refused change")
		}
	})
	t.Run("Changed", func(t *testing.T) {
		r := laptop.post("/account/password", url.Values{"current_password": {testPassword}, "password": {"a brand new passphrase"}})
		r.want(t, http.StatusSeeOther)
		if r.Location != "/account#password" {
			t.Errorf("got redirect %q, want /account#password", r.Location)
		}
		laptop.get("/account").want(t, http.StatusOK).contains(t, "Your new password is saved")
		if phone.signedIn() {
			t.Errorf("the phone is still signed in after the change")
		}
		if !theirs.signedIn() {
			t.Errorf("another person's session ended with Mia's change")
		}
		a.browser().signInWith("mia@example.org", "a brand new passphrase").want(t, http.StatusSeeOther)
		a.browser().signInWith("mia@example.org", testPassword).want(t, http.StatusUnauthorized)
	})
}

func TestAccount_PasswordAfterLink(t *testing.T) {
	a := newApp(t)
	lena := &roundtable.User{Name: "Lena Link", Email: "lena@example.org", TimeZone: "Europe/Paris"}
	if err := a.svc.Users.CreateUser(sys(), lena, ""); err != nil {
		t.Fatal(err)
	}
	// Signed in some other way (an invitation, long ago): no password to give.
	old := a.browser().signInAs(lena)
	r := old.get("/account").want(t, http.StatusOK)
	r.contains(t, "have no password yet", `action="/signin/link"`, `name="link_email" value="lena@example.org"`, "E-mail me a sign-in link")
	r.lacks(t, `id="f-current_password"`, `id="f-password"`)
	old.post("/account/password", url.Values{"password": {"my first passphrase"}}).
		want(t, http.StatusUnprocessableEntity).contains(t, "have no password yet")

	// A fresh link lets her set one, without a current password.
	b := a.browser()
	b.post("/signin/link", url.Values{"link_email": {"lena@example.org"}}).want(t, http.StatusSeeOther)
	b.post("/signin/link/"+a.tokenFor(linkRE, "lena@example.org"), nil).want(t, http.StatusSeeOther)
	b.get("/account").want(t, http.StatusOK).contains(t, `id="f-password"`, "Set password").lacks(t, `id="f-current_password"`)
	b.post("/account/password", url.Values{"password": {"my first passphrase"}}).want(t, http.StatusSeeOther)
	a.browser().signInWith("lena@example.org", "my first passphrase").want(t, http.StatusSeeOther)
	if old.signedIn() {
		t.Errorf("the older session survived the new password")
	}
}

func TestAccount_Sessions(t *testing.T) {
	a := newApp(t)
	mia := a.user("mia@example.org", "Mia Member", false)
	sam := a.user("sam@example.org", "Sam Stranger", false)
	laptop := a.signInFrom(uaFirefoxWindows, "mia@example.org", testPassword)
	phone := a.signInFrom(uaSafariIPhone, "mia@example.org", testPassword)
	samsung := a.signInFrom(uaSamsung, "sam@example.org", testPassword)

	r := laptop.get("/account").want(t, http.StatusOK)
	r.contains(t, "Where you are signed in", "Firefox on Windows", "(this browser)", "Safari on iPhone",
		"last used in the last few minutes", "Sign out everywhere else", `action="/account/sessions/`+phone.sessionOf(mia)+`/end"`)
	r.lacks(t, "Samsung Internet", samsung.sessionOf(sam), `action="/account/sessions/`+laptop.sessionOf(mia)+`/end"`)
	if strings.Count(r.Body, "(this browser)") != 1 {
		t.Errorf("got %d sessions marked as this browser, want 1", strings.Count(r.Body, "(this browser)"))
	}

	t.Run("SomeoneElses", func(t *testing.T) {
		laptop.post("/account/sessions/"+samsung.sessionOf(sam)+"/end", nil).want(t, http.StatusNotFound)
		if !samsung.signedIn() {
			t.Fatalf("Mia ended Sam's session")
		}
		laptop.post("/account/sessions/not-an-id/end", nil).want(t, http.StatusNotFound)
		a.browser().post("/account/sessions/"+phone.sessionOf(mia)+"/end", nil).want(t, http.StatusSeeOther)
		if !phone.signedIn() {
			t.Fatalf("an anonymous visitor ended Mia's session")
		}
	})
	t.Run("One", func(t *testing.T) {
		r := laptop.post("/account/sessions/"+phone.sessionOf(mia)+"/end", nil).want(t, http.StatusSeeOther)
		r.want(t, http.StatusSeeOther)
		laptop.get("/account").contains(t, "That browser is signed out").lacks(t, "Safari on iPhone")
		if phone.signedIn() {
			t.Fatalf("the phone is still signed in")
		}
	})
	t.Run("EverywhereElse", func(t *testing.T) {
		other1 := a.browser().signInAs(mia)
		other2 := a.browser().signInAs(mia)
		r := laptop.post("/account/sessions/end", nil).want(t, http.StatusSeeOther)
		r.want(t, http.StatusSeeOther)
		laptop.get("/account").contains(t, "Signed out of 2 other browsers").lacks(t, "Sign out everywhere else")
		if other1.signedIn() || other2.signedIn() {
			t.Fatalf("another browser of Mia's is still signed in")
		}
		if !laptop.signedIn() || !samsung.signedIn() {
			t.Fatalf("this browser, or Sam's, was signed out")
		}
	})
	t.Run("ThisOne", func(t *testing.T) {
		r := laptop.post("/account/sessions/"+laptop.sessionOf(mia)+"/end", nil).want(t, http.StatusSeeOther)
		laptop.follow(r).contains(t, "You are signed out")
		if laptop.signedIn() {
			t.Fatalf("still signed in after signing this browser out")
		}
	})
}

func TestBrowserName(t *testing.T) {
	for ua, want := range map[string]string{
		uaFirefoxWindows: "Firefox on Windows",
		uaSafariIPhone:   "Safari on iPhone",
		uaSamsung:        "Samsung Internet on Android",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36":             "Chrome on macOS",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0":     "Edge on Windows",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36":                     "Chrome on Linux",
		"Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.0.0 Mobile/15E148 Safari/604.1": "Chrome on iPad",
		"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36":                    "Chrome on ChromeOS",
		"curl/8.5.0": "A browser",
		"":           "A browser",
		"Mozilla/5.0 (Linux; Android 14) Unknown": "A browser on Android",
	} {
		if got := browserName(ua); got != want {
			t.Errorf("browserName(%q): got %q, want %q", ua, got, want)
		}
	}
}
