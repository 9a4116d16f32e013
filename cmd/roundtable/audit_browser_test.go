package main

import (
	"testing"

	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
)

// TestBrowser_AuditLog: an administrator finds a failed sign-in in the
// audit log from the users page, filters by kind, and the page is
// accessible and fits a phone.
func TestBrowser_AuditLog(t *testing.T) {
	root := startChromium(t)
	m := startDemo(t, mailtest.StartServer(t))

	stranger := newBrowser(t, root, "stranger", m.URL())
	stranger.open("/signin")
	stranger.typeIn(`input[name=email]`, demo.MemberEmail)
	stranger.typeIn(`input[name=password]`, "a wrong guess at it")
	stranger.submit(`form[action="/signin"] button[type=submit]`, `^/signin`)

	admin := newBrowser(t, root, "admin", m.URL())
	signIn(admin, demo.AdminEmail, demo.Password)
	admin.open("/admin/users")
	admin.submit(`a[href="/admin/audit"]`, `^/admin/audit$`)
	admin.see("Audit log", "Signed in", "Account created")
	admin.do("choose a kind", selectOptionContaining("#f-kind", "Sign-in failed"))
	admin.submit(`form.filters button[type=submit]`, `^/admin/audit$`)
	admin.see("Sign-in failed", "Someone not signed in", "as "+demo.MemberEmail, "127.0.0.1")
	admin.checkPage("audit log")
	admin.open("/admin/audit")
	admin.checkPage("audit log all")
}
