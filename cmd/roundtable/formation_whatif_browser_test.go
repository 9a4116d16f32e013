package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/demo"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
)

// whatIfCSV is 15 applicants no circle of 4–6 with organizations kept apart
// can hold: ten free on Monday mornings from three organizations, five of
// five others free for one hour on Tuesdays.
func whatIfCSV() string {
	var b strings.Builder
	b.WriteString(roundtable.ApplicantsCSVHeader + "\n")
	for i := range 15 {
		org, avail := fmt.Sprintf("Org %d", i%3), "Mon 08:00-13:00"
		if i >= 10 {
			org, avail = fmt.Sprintf("Solo %d", i), "Tue 08:00-09:00"
		}
		fmt.Fprintf(&b, "What Person %02d,what%02d@example.net,Director,%s,Private,Industry,Function,%d,Europe/Paris,%s,Grow,,\n",
			i, i, org, 1+i%3, avail)
	}
	return b.String()
}

// TestBrowser_FormationWhatIf: a proposal that places few people shows, in a
// real Chromium, the true reason of each unplaced person and what re-runs
// with one setting changed would place, on the preview and the settings page.
func TestBrowser_FormationWhatIf(t *testing.T) {
	root := startChromium(t)
	m := startDemo(t, mailtest.StartServer(t))
	programID := m.Demo.ProgramID
	imported := importAccepted(t, m, programID, whatIfCSV(), "What Person", 15)

	org := newBrowser(t, root, "organizer", m.URL())
	org.open("/signin")
	org.typeIn(`input[name=email]`, demo.OrganizerEmail)
	org.typeIn(`input[name=password]`, demo.Password)
	org.submit(`form[action="/signin"] button[type=submit]`, `^/$`)

	formation := "/programs/" + programID + "/formation"
	org.open(formation)
	org.typeIn(`input[name=size_min]`, "4")
	org.typeIn(`input[name=size_max]`, "6")
	org.typeIn(`input[name=seconds]`, "1")
	org.do("separate organizations", chromedp.Click(chromedp.CSS(`#f-separate_organizations`)))
	draftPath := org.submit(`form[action="`+formation+`"] button[type=submit]`, `^`+formation+`/[^/]+$`)

	// The preview, then its what-ifs once the re-runs are stored.
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(org.mainText(), "more people would be placed") {
		if time.Now().After(deadline) {
			t.Fatalf("no what-ifs after 60 s; page says:\n%s", org.mainText())
		}
		time.Sleep(300 * time.Millisecond)
		org.open(draftPath)
	}
	org.see("What would place more people?", "With 60-minute sessions,", "If organizations were not kept apart,",
		"Organizations kept apart: ", "Meeting time: ")
	org.checkAccessibility("formation preview with what-ifs")
	screens(t, org, "whatif-preview")

	org.open(formation)
	org.see("What would place more people?", "Your proposal of", "With circles of 3–6,", "See the proposal")
	org.checkAccessibility("formation settings with what-ifs")
	screens(t, org, "whatif-settings")

	// One more person accepted since: the figures are stale, and one button proposes again.
	sys := roundtable.NewSystemContext(context.Background())
	applicants := sqldb.NewApplicantService(m.DB)
	late := imported[0]
	late.ID, late.Name, late.Email = "", "Lena Late", "late@example.net"
	if err := applicants.Apply(sys, late); err != nil {
		t.Fatalf("apply: %v", err)
	}
	if err := applicants.SetApplicantStatus(sys, late.ID, roundtable.StatusAccepted); err != nil {
		t.Fatalf("accept: %v", err)
	}
	org.open(formation)
	org.see("has changed since (16 then, 17 now)")
	org.checkAccessibility("formation settings with stale what-ifs")
	screens(t, org, "whatif-stale")
	org.submit(`.whatif form button[type=submit]`, `^`+formation+`/[^/]+$`)
	org.see("Proposed circles")
}
