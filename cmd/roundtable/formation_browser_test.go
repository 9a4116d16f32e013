package main

import (
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
)

// formationCSV is 14 applicants across European and African zones who can
// all meet on Tuesday or Thursday afternoons (London time).
func formationCSV() string {
	zones := []string{"Europe/London", "Europe/Paris", "Africa/Lagos", "Europe/Berlin", "Africa/Nairobi", "Europe/Lisbon", "Europe/Madrid"}
	var b strings.Builder
	b.WriteString(roundtable.ApplicantsCSVHeader + "\n")
	for i := range 14 {
		fmt.Fprintf(&b, "Form Person %02d,form%02d@example.net,Director,Org %d,%s,Industry %d,Function %d,%d,%s,Tue 08:00-19:00;Thu 08:00-19:00,Grow,,\n",
			i, i, i, roundtable.Sectors[i%len(roundtable.Sectors)], i%4, i%3, 2+i%3, zones[i%len(zones)])
	}
	return b.String()
}

// TestBrowser_FormCircles walks the organizer's "Form circles" flow in a real
// Chromium: settings, a short run, the preview, a move by hand that changes
// the scores, publishing, and an invitation arriving by e-mail.
func TestBrowser_FormCircles(t *testing.T) {
	root := startChromium(t)
	smtp := mailtest.StartServer(t)

	m := startDemo(t, smtp)
	base := m.URL()
	programID := m.Demo.ProgramID

	// Fourteen more accepted applicants, imported as an organizer would.
	importAccepted(t, m, programID, formationCSV(), "Form Person", 14)

	org := newBrowser(t, root, "organizer", base)
	org.open("/signin")
	org.typeIn(`input[name=email]`, demo.OrganizerEmail)
	org.typeIn(`input[name=password]`, demo.Password)
	org.submit(`form[action="/signin"] button[type=submit]`, `^/$`)

	// Settings.
	org.open("/programs/" + programID)
	formation := "/programs/" + programID + "/formation"
	org.do("open Form circles", chromedp.Click(chromedp.CSS(`main a[href="`+formation+`"]`)))
	org.waitPath(`^` + formation + `$`)
	org.see("Form circles", "15 accepted people", "Keep people from the same organization apart")
	org.checkAccessibility("formation settings")
	screens(t, org, "settings")
	org.typeIn(`input[name=size_min]`, "4")
	org.typeIn(`input[name=size_max]`, "6")
	org.typeIn(`input[name=seconds]`, "2")
	org.do("separate organizations", chromedp.Click(chromedp.CSS(`#f-separate_organizations`)))
	draftPath := org.submit(`form[action="`+formation+`"] button[type=submit]`, `^`+formation+`/[^/]+$`)

	// Progress, then the preview (the page reloads itself while running).
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(org.mainText(), "Proposed circles") {
		if time.Now().After(deadline) {
			t.Fatalf("no preview after 30 s; page says:\n%s", org.mainText())
		}
		time.Sleep(200 * time.Millisecond)
	}
	org.waitPath(`^` + draftPath + `$`)
	org.see("overall score", "weakest circle", "Circle 1", "Levels", "Sectors", "Unplaced", "Form Person")
	org.checkAccessibility("formation preview")
	screens(t, org, "preview")

	// Move the first member of circle 1 to Unplaced: circle 1 is rescored.
	heading := func() string {
		h, err := chromedp.Run(org.ctx, chromedp.Evaluate[string](`document.querySelector("#circle-1-title").innerText`))
		if err != nil {
			t.Fatalf("circle 1 heading: %v", err)
		}
		return h
	}
	before := heading()
	org.set(`#circle-1 .move-form select`, "0")
	org.submit(`#circle-1 .move-form button[type=submit]`, `^`+draftPath+`$`)
	org.see("moved to Unplaced", "Moved out by hand")
	if after := heading(); after == before {
		t.Fatalf("circle 1 reads %q before and after the move, want new numbers", after)
	}

	// Publish.
	org.do("open the confirmation", chromedp.Click(chromedp.CSS(`details.publish summary`)))
	org.see("Publishing creates")
	org.submit(`form[action$="/publish"] button[type=submit]`, `^/programs/`+programID+`/circles$`)
	org.see("Published:", "Circle 1", "Harbour")

	// Someone placed by the proposal gets an invitation.
	msg := smtp.WaitForMatch(t, func(p mailtest.ParsedMessage) bool {
		return strings.Contains(strings.Join(p.To, " "), "form") && p.Link("/invite/") != ""
	}, 15*time.Second)
	if !strings.Contains(msg.Subject, "Circle") {
		t.Errorf("invitation subject: got %q, want a circle named in it", msg.Subject)
	}
}

// screens saves the page at laptop and phone widths when
// ROUNDTABLE_SCREENSHOTS names a folder, for people to look at.
func screens(t *testing.T, b *browser, label string) {
	dir := os.Getenv("ROUNDTABLE_SCREENSHOTS")
	if dir == "" {
		return
	}
	for _, w := range []int64{1280, 390} {
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(w, 1400)); err != nil {
			t.Logf("viewport: %v", err)
			continue
		}
		shot := chromedp.FullScreenshot(100)
		if w < 1000 {
			shot = chromedp.CaptureScreenshot() // the first screen is what a phone shows
		}
		png, err := chromedp.Run(b.ctx, shot)
		if err != nil {
			t.Logf("screenshot: %v", err)
			continue
		}
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", label, w)), png, 0o644)
	}
	chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 900))
}
