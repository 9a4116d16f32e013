package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/roundtable/roundtable/internal/mail/mailtest"
)

// TestBrowser_AccountSessions signs the demo's member in on a laptop and a
// phone, changes the password on the laptop (wrongly, then rightly) and
// checks that the phone is signed out and the laptop is not; then someone
// guesses at another account's password until told to wait.
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

	// Wrong passwords from here slow down this address, and the page says
	// for how long.
	guesser := newBrowser(t, root, "guesser", base)
	// After three wrong passwords the next try waits 1 s, then 2 s, 4 s …: a
	// slow machine may let a wait pass before the next try, but not many.
	waitRE := regexp.MustCompile(`Too many tries from here; try again in \d+ seconds?\.`)
	for i := 0; ; i++ {
		guesser.open("/signin")
		guesser.typeIn(`input[name=email]`, "facilitator@example.org")
		guesser.typeIn(`input[name=password]`, "not the password")
		guesser.submit(`form[action="/signin"] button[type=submit]`, `^/signin`)
		if waitRE.MatchString(guesser.mainText()) {
			break
		}
		if i == 8 {
			t.Fatalf("no wait after %d wrong passwords; the page says:\n%s", i+1, guesser.mainText())
		}
	}
	guesser.see("There is a problem")
	guesser.checkPage("signin-throttled")
}
