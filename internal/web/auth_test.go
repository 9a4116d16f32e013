package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSetup(t *testing.T) {
	a := newApp(t)
	b := a.browser()
	r := b.get("/").want(t, http.StatusSeeOther)
	if r.Location != "/setup" {
		t.Fatalf("got redirect to %q, want /setup on an empty installation", r.Location)
	}
	b.get("/setup").want(t, http.StatusOK).contains(t, "Create administrator account", `name="time_zone"`)

	t.Run("FieldErrors", func(t *testing.T) {
		r := b.post("/setup", url.Values{"name": {"Ada Admin"}, "email": {"not-an-email"}, "password": {"short"}, "time_zone": {"Europe/Paris"}})
		r.want(t, http.StatusUnprocessableEntity)
		r.contains(t, "There is a problem", `href="#f-email"`, `href="#f-password"`, `value="Ada Admin"`,
			`<option value="Europe/Paris" selected>`, "Use at least 10 characters")
		r.lacks(t, `value="short"`)
	})

	r = b.post("/setup", url.Values{"name": {"Ada Admin"}, "email": {"ada@example.org"}, "password": {testPassword}, "time_zone": {"Europe/Paris"}})
	r.want(t, http.StatusSeeOther)
	checkSessionCookie(t, r, false)
	home := b.follow(r).want(t, http.StatusOK)
	home.contains(t, "Hello, Ada Admin", "Your administrator account is ready", "Create your first program", `href="/admin/users"`)

	// Once someone has an account, set-up does not exist.
	a.browser().get("/setup").want(t, http.StatusNotFound)
	a.browser().post("/setup", url.Values{"name": {"Eve"}, "email": {"eve@example.org"}, "password": {testPassword}, "time_zone": {"UTC"}}).want(t, http.StatusNotFound)
	a.browser().get("/").want(t, http.StatusOK).contains(t, "Peer learning circles for leaders", `href="/signin"`)
}

// checkSessionCookie checks the flags of the session cookie a response sets.
func checkSessionCookie(t *testing.T, r *response, secure bool) {
	t.Helper()
	for _, c := range r.Cookies {
		if c.Name != sessionCookie || c.MaxAge < 0 {
			continue
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != secure || c.Value == "" {
			t.Errorf("got cookie HttpOnly=%v SameSite=%v Path=%q Secure=%v, want HttpOnly, Lax, /, Secure=%v",
				c.HttpOnly, c.SameSite, c.Path, c.Secure, secure)
		}
		return
	}
	t.Errorf("no %s cookie set", sessionCookie)
}

func TestSignIn_Password(t *testing.T) {
	a := newApp(t)
	u := a.user("mia@example.org", "Mia Member", false)

	t.Run("Wrong", func(t *testing.T) {
		r := a.browser().post("/signin", url.Values{"email": {"mia@example.org"}, "password": {"wrong password"}})
		r.want(t, http.StatusUnauthorized).contains(t, "We could not sign you in", `value="mia@example.org"`)
		r.lacks(t, "wrong password")
	})
	t.Run("Empty", func(t *testing.T) {
		r := a.browser().post("/signin", url.Values{"email": {""}, "password": {""}})
		r.want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-email"`, "Enter your password.")
	})
	t.Run("NextKept", func(t *testing.T) {
		b := a.browser()
		r := b.get("/account").want(t, http.StatusSeeOther)
		if r.Location != "/signin?next=%2Faccount" {
			t.Fatalf("got redirect %q, want /signin?next=%%2Faccount", r.Location)
		}
		b.follow(r).want(t, http.StatusOK).contains(t, `name="next" value="/account"`)
		r = b.post("/signin", url.Values{"email": {"MIA@example.org "}, "password": {testPassword}, "next": {"/account"}})
		r.want(t, http.StatusSeeOther)
		if r.Location != "/account" {
			t.Errorf("got redirect %q, want /account", r.Location)
		}
		checkSessionCookie(t, r, false)
		b.get("/account").want(t, http.StatusOK).contains(t, "Mia Member")
	})
	t.Run("NextOnlyLocal", func(t *testing.T) {
		for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
			r := a.browser().post("/signin", url.Values{"email": {"mia@example.org"}, "password": {testPassword}, "next": {next}})
			if r.Code != http.StatusSeeOther || r.Location != "/" {
				t.Errorf("next %q: got %d to %q, want 303 to /", next, r.Code, r.Location)
			}
		}
	})
	t.Run("SessionRotated", func(t *testing.T) {
		b := a.browser().signInAs(u)
		old := b.cookies[sessionCookie].Value
		b.post("/signin", url.Values{"email": {"mia@example.org"}, "password": {testPassword}}).want(t, http.StatusSeeOther)
		if b.cookies[sessionCookie].Value == old {
			t.Fatalf("the session token did not change at sign-in")
		}
		if _, err := a.svc.Auth.FindSession(context.Background(), old); err == nil {
			t.Errorf("the old session still works after sign-in")
		}
	})
	t.Run("SignOut", func(t *testing.T) {
		b := a.browser().signInAs(u)
		token := b.cookies[sessionCookie].Value
		r := b.post("/signout", nil).want(t, http.StatusSeeOther)
		b.follow(r).contains(t, "You are signed out", `href="/signin"`)
		if _, err := a.svc.Auth.FindSession(context.Background(), token); err == nil {
			t.Errorf("the session still works after sign-out")
		}
	})
}

func TestSignIn_SecureCookieBehindHTTPS(t *testing.T) {
	a := newAppWith(t, "https://rt.test", nil)
	a.user("mia@example.org", "Mia Member", false)
	r := a.browser().post("/signin", url.Values{"email": {"mia@example.org"}, "password": {testPassword}})
	r.want(t, http.StatusSeeOther)
	checkSessionCookie(t, r, true)
}

func TestSignIn_Link(t *testing.T) {
	a := newApp(t)
	a.user("mia@example.org", "Mia Member", false)
	b := a.browser()
	r := b.post("/signin/link", url.Values{"link_email": {"mia@example.org"}}).want(t, http.StatusSeeOther)
	b.follow(r).contains(t, "If that address has an account, a link is on its way")
	token := a.tokenFor(linkRE, "mia@example.org")

	// Unknown addresses get the same answer and no mail.
	r = a.browser().post("/signin/link", url.Values{"link_email": {"nobody@example.org"}}).want(t, http.StatusSeeOther)
	if r.Location != "/signin" {
		t.Errorf("got redirect %q, want /signin", r.Location)
	}
	for _, m := range a.deliver() {
		if m.To == "nobody@example.org" {
			t.Errorf("a link was mailed to an address without an account")
		}
	}

	// Opening the link (as mail scanners do) does not use it up.
	b.get("/signin/link/"+token).want(t, http.StatusOK).contains(t, `action="/signin/link/`+token+`"`, ">Sign in</button>")
	b.get("/signin/link/"+token).want(t, http.StatusOK)
	r = b.post("/signin/link/"+token, nil).want(t, http.StatusSeeOther)
	checkSessionCookie(t, r, false)
	b.follow(r).contains(t, "Hello, Mia Member")

	// It works once.
	a.browser().post("/signin/link/"+token, nil).want(t, http.StatusGone).contains(t, "This link no longer works")
	a.browser().post("/signin/link/not-a-token", nil).want(t, http.StatusGone)

	// Tokens never reach the log.
	if strings.Contains(a.logs.String(), token) {
		t.Errorf("the sign-in token appears in the log")
	}
}

func TestSignIn_RateLimit(t *testing.T) {
	t.Run("LinksPerAddress", func(t *testing.T) {
		a := newApp(t)
		a.user("mia@example.org", "Mia Member", false)
		b := a.browser()
		for i := 0; i < limitPerIP.n; i++ {
			form := url.Values{"link_email": {"someone" + string(rune('a'+i)) + "@example.org"}}
			if r := b.post("/signin/link", form); r.Code != http.StatusSeeOther {
				t.Fatalf("request %d: got %d, want 303", i+1, r.Code)
			}
		}
		r := b.post("/signin/link", url.Values{"link_email": {"mia@example.org"}})
		r.want(t, http.StatusTooManyRequests).contains(t, "Please wait a little", "try again in")
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("no Retry-After header")
		}
		// Asking for links is not failing: a right password from here works.
		b.post("/signin", url.Values{"email": {"mia@example.org"}, "password": {testPassword}}).want(t, http.StatusSeeOther)
	})
	t.Run("NoLockout", func(t *testing.T) {
		// Wrong passwords for an address from several places used to block
		// the right one from everywhere for 15 minutes.
		a := newApp(t)
		a.user("mia@example.org", "Mia Member", false)
		for i := 0; i < 5; i++ {
			b := a.browser()
			b.ip = "198.51.100." + string(rune('1'+i))
			if r := b.post("/signin", url.Values{"email": {"mia@example.org"}, "password": {"wrong password"}}); r.Code != http.StatusUnauthorized {
				t.Fatalf("attempt %d: got %d, want 401", i+1, r.Code)
			}
		}
		b := a.browser()
		b.ip = "203.0.113.9"
		b.post("/signin", url.Values{"email": {"mia@example.org"}, "password": {testPassword}}).want(t, http.StatusSeeOther)
	})
}

func TestAccount(t *testing.T) {
	a := newApp(t)
	u := a.user("mia@example.org", "Mia Member", false)
	b := a.browser().signInAs(u)
	b.get("/account").want(t, http.StatusOK).contains(t, `value="Mia Member"`, `<option value="Europe/Paris" selected>`)
	r := b.post("/account", url.Values{"name": {""}, "time_zone": {"Mars/Olympus"}}).want(t, http.StatusUnprocessableEntity)
	r.contains(t, `href="#f-name"`, `href="#f-time_zone"`)
	r = b.post("/account", url.Values{"name": {"Mia Moreau"}, "time_zone": {"Asia/Tokyo"}}).want(t, http.StatusSeeOther)
	b.follow(r).contains(t, "Your details are saved", `value="Mia Moreau"`, `<option value="Asia/Tokyo" selected>`)

	b.post("/account/password", url.Values{"current_password": {testPassword}, "password": {"short"}}).want(t, http.StatusUnprocessableEntity).contains(t, "Use at least 10 characters")
	b.post("/account/password", url.Values{"current_password": {testPassword}, "password": {"a brand new passphrase"}}).want(t, http.StatusSeeOther)
	a.browser().post("/signin", url.Values{"email": {"mia@example.org"}, "password": {"a brand new passphrase"}}).want(t, http.StatusSeeOther)
}

func TestAdminUsers(t *testing.T) {
	a := newApp(t)
	b := a.browser()
	r := b.post("/setup", url.Values{"name": {"Ada Admin"}, "email": {"ada@example.org"}, "password": {testPassword}, "time_zone": {"Europe/Paris"}})
	r.want(t, http.StatusSeeOther)
	b.get("/admin/users").want(t, http.StatusOK).contains(t, "ada@example.org", "Add person")
	r = b.post("/admin/users", url.Values{"name": {"Omar Org"}, "email": {"bad"}, "time_zone": {"UTC"}, "can_organize": {"on"}})
	r.want(t, http.StatusUnprocessableEntity).contains(t, `value="Omar Org"`, `href="#f-email"`)
	r = b.post("/admin/users", url.Values{"name": {"Omar Org"}, "email": {"omar@example.org"}, "time_zone": {"UTC"}, "can_organize": {"on"}})
	b.follow(r.want(t, http.StatusSeeOther)).contains(t, "Account created for Omar Org", "omar@example.org")
	r = b.post("/admin/users", url.Values{"name": {"Omar Again"}, "email": {"omar@example.org"}, "time_zone": {"UTC"}})
	r.want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-email"`)

	// People who do not administer get a 403.
	u := a.user("mia@example.org", "Mia Member", false)
	a.browser().signInAs(u).get("/admin/users").want(t, http.StatusForbidden)
}
