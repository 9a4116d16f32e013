package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// TestBrowser_WayIn walks the way in for an unplaced person in a real
// Chromium: the preview shows the times that would place her, the organizer
// asks her in one click, the e-mail reaches her over SMTP, she opens the link
// with no account, picks a time, and the preview shows her placed.
func TestBrowser_WayIn(t *testing.T) {
	root := startChromium(t)
	smtp := mailtest.StartServer(t)
	m := startDemo(t, smtp)
	ctx := context.Background()
	programID := m.Demo.ProgramID

	// Eight people free on Tuesday and Thursday afternoons in Europe, and
	// Wanda in Los Angeles, free at dawn on Tuesdays only.
	var b strings.Builder
	b.WriteString(roundtable.ApplicantsCSVHeader + "\n")
	zones := []string{"Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Lisbon"}
	for i := range 8 {
		fmt.Fprintf(&b, "Way Person %02d,way%02d@example.net,Director,Org %d,%s,Industry,Function,%d,%s,Tue 13:00-17:00;Thu 13:00-17:00,Grow,,\n",
			i, i, i, roundtable.Sectors[i%len(roundtable.Sectors)], 2+i%3, zones[i%len(zones)])
	}
	b.WriteString("Wanda Wayin,wanda@example.net,Director,Sunrise Co,Private,Industry,Function,3,America/Los_Angeles,Tue 06:00-07:00,Grow,,\n")
	sys := roundtable.NewSystemContext(ctx)
	applicants := sqldb.NewApplicantService(m.DB)
	if _, err := applicants.ImportApplicants(sys, programID, strings.NewReader(b.String())); err != nil {
		t.Fatalf("import: %v", err)
	}
	for _, q := range []string{"Way Person", "Wanda"} {
		list, err := applicants.ListApplicants(sys, programID, roundtable.ApplicantFilter{Query: q})
		if err != nil || len(list) == 0 {
			t.Fatalf("list %s: %d, %v", q, len(list), err)
		}
		for _, a := range list {
			if err := applicants.SetApplicantStatus(sys, a.ID, roundtable.StatusAccepted); err != nil {
				t.Fatalf("accept %s: %v", a.Name, err)
			}
		}
	}

	org := newBrowser(t, root, "organizer", m.URL())
	org.open("/signin")
	org.typeIn(`input[name=email]`, demo.OrganizerEmail)
	org.typeIn(`input[name=password]`, demo.Password)
	org.submit(`form[action="/signin"] button[type=submit]`, `^/$`)
	formation := "/programs/" + programID + "/formation"
	org.open(formation)
	org.typeIn(`input[name=size_min]`, "3")
	org.typeIn(`input[name=size_max]`, "6")
	org.typeIn(`input[name=seconds]`, "1")
	draftPath := org.submit(`form[action="`+formation+`"] button[type=submit]`, `^`+formation+`/[^/]+$`)
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(org.mainText(), "Proposed circles") {
		if time.Now().After(deadline) {
			t.Fatalf("no preview after 30 s; page says:\n%s", org.mainText())
		}
		time.Sleep(200 * time.Millisecond)
	}
	org.waitPath(`^` + draftPath + `$`)
	org.see("Nearest times that would place Wanda Wayin", "if also free", "(America/Los_Angeles time)", "in Europe/London", "Ask Wanda Wayin")
	org.checkAccessibility("preview with ways in")
	screensOf(t, org, "wayin-preview", `#circle-0`)

	// One click asks her.
	org.submit(`form.ask-form button[type=submit]`, `^`+draftPath+`$`)
	org.see("Wanda Wayin was asked by e-mail on", "No answer yet")

	msg := smtp.WaitForMatch(t, func(p mailtest.ParsedMessage) bool {
		return p.SentTo("wanda@example.net") && p.Link("/times/") != ""
	}, 15*time.Second)
	if !strings.Contains(msg.Text, "America/Los_Angeles time") {
		t.Errorf("e-mail: got %q, want the times in her zone", msg.Text)
	}

	// She answers with no account.
	wanda := newBrowser(t, root, "wanda", m.URL())
	wanda.do("open her link", navigateAndWait(msg.Link("/times/"))...)
	wanda.see("Could you make one of these times?", "Hello Wanda Wayin", "America/Los_Angeles", "I can make this", "None of these")
	wanda.checkAccessibility("her times")
	screensOf(t, wanda, "wayin-times", `h1`)
	wanda.submit(`ul.time-choices li:first-child button[type=submit]`, `^/times/`)
	wanda.see("Thank you for your answer", "kept you a seat")
	screensOf(t, wanda, "wayin-answered", `h1`)

	// The organizer sees her placed in the proposal.
	org.open(draftPath)
	org.see("Joined after being asked", "Wanda Wayin")
	if strings.Contains(org.mainText(), "Nearest times that would place Wanda Wayin") {
		t.Errorf("Wanda is still listed as unplaced after her answer")
	}
	screensOf(t, org, "wayin-placed", `.tag`)
}

// screensOf saves, when ROUNDTABLE_SCREENSHOTS names a folder, the screen
// that shows sel at laptop and phone widths.
func screensOf(t *testing.T, b *browser, label, sel string) {
	dir := os.Getenv("ROUNDTABLE_SCREENSHOTS")
	if dir == "" {
		return
	}
	for _, w := range []int64{1280, 390} {
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(w, 900), chromedp.Evaluate[chromedp.Void](
			fmt.Sprintf(`document.querySelector(%q).scrollIntoView()`, sel))); err != nil {
			t.Logf("scroll: %v", err)
			continue
		}
		png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Logf("screenshot: %v", err)
			continue
		}
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", label, w)), png, 0o644)
	}
	chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 900))
}
