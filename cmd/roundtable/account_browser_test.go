package main

import (
	"strings"
	"testing"

	"github.com/roundtable/roundtable/internal/mail/mailtest"
)

// TestBrowser_AccountSessions signs the demo's member in on a laptop and a
// phone, changes the password on the laptop (wrongly, then rightly) and
// checks that the phone is signed out and the laptop is not.
func TestBrowser_AccountSessions(t *testing.T) {
	root := startChromium(t)
	smtp := mailtest.StartServer(t)
	m := startDemo(t, smtp)
	base := m.URL()
	const email, password, newPassword = "member@example.org", "roundtable-demo", "a brand new demo passphrase"

	laptop := newBrowser(t, root, "laptop", base)
	signIn(laptop, email, password)
	phone := newBrowser(t, root, "phone", base)
	signIn(phone, email, password)

	laptop.open("/account")
	laptop.see("Where you are signed in", "(this browser)", "Chrome on Linux", "Sign out everywhere else", "Current password")
	laptop.checkPage("account")

	laptop.typeIn(`#f-current_password`, "not the password")
	laptop.typeIn(`#f-password`, newPassword)
	laptop.submit(`form[action="/account/password"] button[type=submit]`, `^/account`)
	laptop.see("There is a problem", "That is not your current password")
	laptop.checkPage("account-wrong-password")

	laptop.typeIn(`#f-current_password`, password)
	laptop.typeIn(`#f-password`, newPassword)
	laptop.submit(`form[action="/account/password"] button[type=submit]`, `^/account$`)
	laptop.see("Your new password is saved")
	if strings.Contains(laptop.mainText(), "Sign out everywhere else") {
		t.Errorf("the laptop still lists other browsers after the change")
	}

	phone.open("/account")
	if got := phone.waitPath(`^/signin`); !strings.HasPrefix(got, "/signin") {
		t.Fatalf("the phone is at %s, want the sign-in page", got)
	}
	signIn(phone, email, newPassword)
}
