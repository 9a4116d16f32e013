package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
)

// TestBrowser_OwnData has the demo's member download her data from the
// account page, then delete her account: the confirmation says what goes
// and what stays, refuses a wrong password, and signs her out; her circle's
// facilitator is told by e-mail. The organizer's page to anonymise
// applicants is looked at too.
func TestBrowser_OwnData(t *testing.T) {
	root := startChromium(t)
	smtp := mailtest.StartServer(t)
	m := startDemo(t, smtp)
	base := m.URL()
	const email, password = "member@example.org", "roundtable-demo"

	b := newBrowser(t, root, "member", base)
	signIn(b, email, password)
	b.open("/account")
	b.see("Your data", "Download my data", "Delete my account")
	b.checkPage("account-data")

	// The button's form, sent as the browser sends it: a zip comes back.
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const f = document.querySelector('form[action="/account/export"]');
		return fetch(f.action, {method: "POST", body: new FormData(f)}).then(async r => {
			const bytes = new Uint8Array(await r.arrayBuffer());
			return [r.status, r.headers.get("Content-Type"), r.headers.get("Content-Disposition"), String.fromCharCode(bytes[0], bytes[1]), bytes.length].join(" ");
		});
	})()`, chromedp.EvalAwaitPromise))
	cancel()
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	if !strings.HasPrefix(got, `200 application/zip attachment; filename="roundtable-data-`) || !strings.Contains(got, " PK ") {
		t.Fatalf("download: got %q, want a zip file", got)
	}

	b.open("/account/delete")
	b.see("Delete your account?", "What goes", "a former member", "facilitator is told by e-mail")
	b.checkPage("account-delete")
	b.typeIn(`#f-password`, "not the password")
	b.submit(`form[action="/account/delete"] button[type=submit]`, `^/account/delete`)
	b.see("There is a problem", "That is not your password")
	b.checkPage("account-delete-wrong")
	b.typeIn(`#f-password`, password)
	b.submit(`form[action="/account/delete"] button[type=submit]`, `^/$`)
	b.see("Your account is deleted.")
	b.open("/account")
	if p := b.waitPath(`^/signin`); !strings.HasPrefix(p, "/signin") {
		t.Fatalf("after deleting, /account led to %s, want the sign-in page", p)
	}
	smtp.WaitForMatch(t, func(m mailtest.ParsedMessage) bool {
		return m.SentTo("facilitator@example.org") && strings.HasPrefix(m.Subject, "A seat opened")
	}, 30*time.Second)

	org := newBrowser(t, root, "organizer", base)
	signIn(org, "organizer@example.org", password)
	org.open("/programs")
	href := org.attr(`main a[href^="/programs/"]`, "href")
	org.open(href + "/applicants/anonymise")
	org.see("Anonymise declined and unplaced applicants now?")
	org.checkPage("applicants-anonymise")
}
