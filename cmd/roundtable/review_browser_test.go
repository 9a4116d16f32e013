package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	keys "github.com/chromedp/chromedp/kb"
	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// TestBrowser_ReviewApplicants walks the organizer's review of many
// applicants at once in a real Chromium: the home page saying who waits,
// filtering, choosing all shown, accepting 14 with one confirmation, and
// declining one kindly with the keyboard alone.
func TestBrowser_ReviewApplicants(t *testing.T) {
	root := startChromium(t)
	smtp := mailtest.StartServer(t)
	m := startDemo(t, smtp)
	base := m.URL()
	programID := m.Demo.ProgramID
	sys := roundtable.NewSystemContext(context.Background())

	// Fourteen new applications on top of the demo's one (Isabella Rossi).
	var csv strings.Builder
	csv.WriteString(roundtable.ApplicantsCSVHeader + "\n")
	for i := range 14 {
		fmt.Fprintf(&csv, "Review Person %02d,review%02d@example.net,Director,Review Org %d,%s,,,%d,Europe/London,Tue 08:00-19:00,Grow,,\n",
			i, i, i, roundtable.Sectors[i%len(roundtable.Sectors)], 2+i%3)
	}
	applicants := sqldb.NewApplicantService(m.DB)
	if _, err := applicants.ImportApplicants(sys, programID, strings.NewReader(csv.String())); err != nil {
		t.Fatalf("import: %v", err)
	}
	list := "/programs/" + programID + "/applicants"

	org := newBrowser(t, root, "organizer", base)
	signIn(org, demo.OrganizerEmail, demo.Password)
	org.open("/")
	org.see("15 applicants are waiting for review")
	if got := org.hrefs(`main a[href$="/applicants?status=pending"]`); len(got) != 1 || got[0] != list+"?status=pending" {
		t.Fatalf("got review links %v, want one to the new applicants", got)
	}
	org.checkPage("home with things to do")
	org.open("/programs/" + programID)
	org.see("To do now", "15 applicants are waiting for review")
	org.checkPage("program page with things to do")

	// Filter: the new ones whose name says "Review Person".
	org.open(list)
	org.do("filter", chromedp.SetValue(chromedp.CSS(`#f-status`), "pending"))
	org.typeIn(`#f-q`, "Review Person")
	org.submit(`form.filters button[type=submit]`, `^`+list+`$`)
	org.see("14 applicants match")
	if n := org.count(`input[name="id"]:checked`); n != 0 {
		t.Fatalf("got %d boxes ticked before choosing, want 0", n)
	}

	// Choose all shown: with JavaScript, one checkbox ticks every row.
	org.click(`#pick-all`)
	if n := org.count(`input[name="id"]:checked`); n != 14 {
		t.Fatalf("got %d boxes ticked after choosing all shown, want 14", n)
	}
	org.checkPage("applicants, all shown chosen")

	org.submit(`button[name="status"][value="accepted"]`, `^`+list+`/review$`)
	org.see("Accept 14 applicants?", "Review Person 00", "Review Person 13")
	org.checkPage("confirm accepting 14")
	org.submit(`form[action$="/applicants/decide"] button[type=submit]`, `^`+list+`$`)
	org.see("Accepted 14 applicants.", "Nobody matches these filters")
	accepted, err := applicants.ListApplicants(sys, programID, roundtable.ApplicantFilter{Query: "Review Person", Status: roundtable.StatusAccepted})
	if err != nil || len(accepted) != 14 {
		t.Fatalf("got %d accepted (%v), want 14", len(accepted), err)
	}

	// With the keyboard alone: tick Isabella, the one still new, and decline
	// her with a kind message.
	org.open(list + "?status=pending")
	org.see("1 applicant match", "Isabella Rossi")
	org.tabTo(`input[name="id"]`)
	org.do("tick with the space bar", chromedp.KeyEvent(" "))
	if !org.checked(`input[name="id"]`) {
		t.Fatalf("the space bar did not tick Isabella's box")
	}
	org.tabTo(`button[name="status"][value="declined"]`)
	org.do("mark page", chromedp.Evaluate[chromedp.Void](`window.__roundtableOldPage = true`))
	org.do("press Enter", chromedp.KeyEvent(keys.Enter))
	org.waitPath(`^` + list + `/review$`)
	org.see("Decline 1 applicant?", "Isabella Rossi", "Send them a kind e-mail")
	org.checkPage("confirm declining one")
	org.tabTo(`#f-notify`)
	org.do("tick with the space bar", chromedp.KeyEvent(" "))
	org.tabTo(`#f-note`)
	org.do("type a note", chromedp.KeyEvent("The next round opens in May."))
	org.tabTo(`form[action$="/applicants/decide"] button[type=submit]`)
	org.do("mark page", chromedp.Evaluate[chromedp.Void](`window.__roundtableOldPage = true`))
	org.do("press Enter", chromedp.KeyEvent(keys.Enter))
	org.waitPath(`^` + list + `$`)
	org.see("Declined 1 applicant. 1 kind message is on the way.")
	msg := smtp.WaitFor(t, "isabella.rossi@example.org", 10*time.Second)
	if !strings.Contains(msg.Text, "The next round opens in May.") || !strings.Contains(msg.Subject, "Emerging Leaders Circle") {
		t.Errorf("got message %q:\n%s\nwant the kind message with the note", msg.Subject, msg.Text)
	}
	org.open("/")
	org.see("Emerging Leaders Circle")
	if strings.Contains(org.mainText(), "waiting for review") {
		t.Errorf("the home page still says someone waits for review:\n%s", org.mainText())
	}
}

// count returns how many elements match sel.
func (b *browser) count(sel string) int {
	b.t.Helper()
	return evaluate[int](b, "count "+sel, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))
}

// tabTo presses Tab until the element sel has the focus, as a keyboard user
// would, and fails when it is not reached within 60 presses.
func (b *browser) tabTo(sel string) {
	b.t.Helper()
	for range 60 {
		if evaluate[bool](b, "where is the focus", fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, sel)) {
			return
		}
		b.do("press Tab", chromedp.KeyEvent(keys.Tab))
	}
	b.t.Fatalf("%s: %s never got the focus with Tab", b.name, sel)
}
