package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

// TestAuditPage shows administrators what the web did, with the client's
// address, filtered and a page at a time; bad filters get field messages.
func TestAuditPage(t *testing.T) {
	a := newApp(t)
	admin := &roundtable.User{Email: "ada@example.org", Name: "Ada Admin", TimeZone: "Europe/Paris", IsAdmin: true}
	if err := a.svc.Users.CreateUser(sys(), admin, testPassword); err != nil {
		t.Fatal(err)
	}
	paul := a.user("paul@example.org", "Paul Person", false)

	// A wrong password and a good one, from two addresses.
	wrong := a.browser()
	wrong.ip = "198.51.100.9"
	wrong.post("/signin", url.Values{"email": {"paul@example.org"}, "password": {"not the password"}}).want(t, http.StatusUnauthorized)
	right := a.browser()
	right.ip = "198.51.100.77"
	right.post("/signin", url.Values{"email": {"paul@example.org"}, "password": {testPassword}}).want(t, http.StatusSeeOther)
	// Enough accounts for a second page.
	for i := range roundtable.AuditPageSize {
		u := &roundtable.User{Email: fmt.Sprintf("p%02d@example.org", i), Name: fmt.Sprintf("Person %02d", i), TimeZone: "UTC"}
		if err := a.svc.Users.CreateUser(sys(), u, ""); err != nil {
			t.Fatal(err)
		}
	}

	b := a.browser().signInAs(admin)
	b.get("/admin/users").want(t, http.StatusOK).contains(t, `href="/admin/audit"`)
	first := b.get("/admin/audit").want(t, http.StatusOK).contains(t, "Audit log", "Account created", "Older entries").
		lacks(t, "198.51.100.9", ">Newest entries</a>")

	failed := b.get("/admin/audit?kind=signin.failed").want(t, http.StatusOK).
		contains(t, "Sign-in failed", "198.51.100.9", "paul@example.org").lacks(t, "198.51.100.77", "not the password")
	if strings.Contains(failed.Body, `data-label="What">Account created`) {
		t.Errorf("the kind filter lets other kinds through")
	}
	b.get("/admin/audit?person=Paul%40example.org").want(t, http.StatusOK).
		contains(t, "Signed in", "198.51.100.77", "Sign-in failed").lacks(t, "Person 01")
	b.get("/admin/audit?from=2000-01-01&until=2000-01-02").want(t, http.StatusOK).contains(t, "Nothing in the log matches")

	// The second page: the oldest entries, and a way back.
	i := strings.Index(first.Body, `href="/admin/audit?after=`)
	if i < 0 {
		t.Fatalf("no link to older entries in %s", snippet(first.Body))
	}
	next := html.UnescapeString(first.Body[i+6 : i+6+strings.IndexByte(first.Body[i+6:], '"')])
	b.get(next).want(t, http.StatusOK).contains(t, ">Newest entries</a>", "198.51.100.9", "The system (command line)")

	// Bad filters: a message on each field, never a server error.
	bad := b.get("/admin/audit?person=paul&kind=everything&from=2026-13-45&until=yesterday").want(t, http.StatusUnprocessableEntity)
	bad.contains(t, "There is a problem", "Enter the person&#39;s e-mail address", "Choose a kind from the list.",
		"Enter the first date like", "Enter the last date like", `href="#f-person"`)
	b.get("/admin/audit?from=2026-12-07&until=2026-12-01").want(t, http.StatusUnprocessableEntity).contains(t, "Choose a last date on or after the first.")
	b.get("/admin/audit?after=garbage").want(t, http.StatusUnprocessableEntity).contains(t, "Start again from the newest entries.")

	// Nobody else reads it.
	a.browser().signInAs(paul).get("/admin/audit").want(t, http.StatusForbidden).lacks(t, "198.51.100.9")
}
