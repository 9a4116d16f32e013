package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

func TestAccount_Delete(t *testing.T) {
	a := newApp(t)
	admin := &roundtable.User{Email: "root@example.org", Name: "Root Admin", TimeZone: "UTC", IsAdmin: true}
	if err := a.svc.Users.CreateUser(sys(), admin, testPassword); err != nil {
		t.Fatal(err)
	}
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.program(org, "Delete Program")
	c := a.circle(org, p, "Circle D")
	a.facilitator(org, c, "fac@example.org", "Fiona Fac")
	mia := a.member(org, c, a.applicant(org, p, "mia@example.org", "Mia Member", "Grow", true), "Europe/Paris")
	a.deliver()
	b := a.browser().signInAs(mia)
	other := a.browser().signInAs(mia)
	b.get("/account/delete").want(t, http.StatusOK).contains(t, "Delete your account?", "a former member", "your circle", "Delete my account", `id="f-password"`)
	b.post("/account/delete", url.Values{"password": {"wrong password entirely"}}).want(t, http.StatusUnprocessableEntity).
		contains(t, "That is not your password", `href="#f-password"`).lacks(t, "wrong password entirely")
	b.post("/account/delete", url.Values{}).want(t, http.StatusUnprocessableEntity).contains(t, "Enter your password.")
	if !other.signedIn() {
		t.Fatal("a refused deletion signed a browser out")
	}
	r := b.post("/account/delete", url.Values{"password": {testPassword}}).want(t, http.StatusSeeOther)
	b.follow(r).want(t, http.StatusOK).contains(t, "Your account is deleted.")
	if b.signedIn() || other.signedIn() {
		t.Fatal("a browser is still signed in after the deletion")
	}
	var told int
	for _, m := range a.deliver() {
		if m.To == "fac@example.org" && strings.Contains(m.Subject, "seat opened") {
			told++
		}
	}
	if told != 1 {
		t.Fatalf("got %d messages to the facilitator, want 1", told)
	}

	// The only administrator is told why she cannot.
	rb := a.browser().signInAs(admin)
	rb.post("/account/delete", url.Values{"password": {testPassword}}).want(t, http.StatusUnprocessableEntity).
		contains(t, "only administrator")
	if !rb.signedIn() {
		t.Fatal("the refused administrator was signed out")
	}
}
