package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
)

// TestBrowser_ProgramToCircle walks the life of a program in a real headless
// Chromium, one browser context per person: the organizer creates a program,
// an applicant applies through the public link, the organizer accepts her and
// places her in a new circle with a facilitator, the facilitator schedules a
// meeting, and the new member enters through the e-mailed invitation, accepts
// the ground rules, sets a goal and sees the circle with its upcoming meeting.
func TestBrowser_ProgramToCircle(t *testing.T) {
	root := startChromium(t)
	smtp := mailtest.StartServer(t)

	m := startDemo(t, smtp)
	base := m.URL()
	const password = "roundtable-demo"

	// The organizer signs in and creates a program.
	org := newBrowser(t, root, "organizer", base)
	org.open("/signin")
	org.checkAccessibility("sign-in page")
	org.typeIn(`input[name=email]`, "organizer@example.org")
	org.typeIn(`input[name=password]`, password)
	org.submit(`form[action="/signin"] button[type=submit]`, `^/$`)

	org.open("/programs/new")
	org.checkAccessibility("new program form")
	org.typeIn(`input[name=name]`, "Women in Public Service Circles")
	org.set(`textarea[name=purpose]`, "Peer circles for senior leaders across public service.")
	programPath := org.submit(`main form button[type=submit]`, `^/programs/[^/]+$`)
	programID := strings.TrimPrefix(programPath, "/programs/")
	org.see("Women in Public Service Circles")
	applyLink := org.value(`#apply-link`)
	if !strings.HasSuffix(applyLink, "/apply/"+programID) {
		t.Fatalf("application link: got %q, want one ending in /apply/%s", applyLink, programID)
	}

	// An applicant, in a browser of her own, applies through the shared link.
	ada := newBrowser(t, root, "applicant", base)
	ada.do("open application link", navigateAndWait(applyLink)...)
	ada.checkAccessibility("application form")
	ada.typeIn(`input[name=name]`, "Ada Okafor")
	ada.typeIn(`input[name=email]`, "ada.okafor@example.net")
	ada.typeIn(`input[name=title]`, "Director of Digital Services")
	ada.typeIn(`input[name=organization]`, "City of Lagos")
	ada.set(`select[name=sector]`, "Public")
	ada.typeIn(`input[name=industry]`, "Government")
	ada.set(`select[name=level]`, "4")
	ada.set(`select[name=time_zone]`, "Africa/Lagos")
	ada.typeIn(`textarea[name=availability]`, "Tue 09:00-12:00; Thu 14:00-17:00")
	ada.set(`textarea[name=goals]`, "Lead a large digital transformation without losing my team.")
	ada.submit(`main form button[type=submit]`, `/apply/`+programID+`/thanks$`)
	confirmation := smtp.WaitFor(t, "ada.okafor@example.net", 10*time.Second)
	if !strings.Contains(confirmation.Subject, "Women in Public Service Circles") {
		t.Errorf("confirmation subject: got %q, want the program's name in it", confirmation.Subject)
	}

	// The organizer accepts her and places her in a new circle with the demo facilitator.
	org.open("/programs/" + programID + "/applicants")
	org.checkAccessibility("applicants list")
	org.see("Ada Okafor")
	href := org.attr(`a[href*="/programs/`+programID+`/applicants/"]`, "href")
	org.do("open the application", navigateAndWait(absolute(base, href))...)
	org.submit(`form[action$="/status"]:has(input[value=accepted]) button`, `/applicants`)
	org.see("Accepted")

	org.open("/programs/" + programID + "/circles")
	org.typeIn(`input[name=name]`, "Baobab circle")
	org.set(`select[name=time_zone]`, "Europe/London")
	rosterPath := org.submit(`form[action$="/circles"] button[type=submit]`, `^/programs/`+programID+`/circles/[^/]+$`)
	circleID := rosterPath[strings.LastIndex(rosterPath, "/")+1:]
	org.checkAccessibility("circle roster")

	org.typeIn(`form[action$="/facilitator"] input[name=facilitator_email]`, "facilitator@example.org")
	org.typeIn(`form[action$="/facilitator"] input[name=facilitator_name]`, "Fatima Haddad")
	org.submit(`form[action$="/facilitator"] button[type=submit]`, `^/programs/`+programID+`/circles/`+circleID)
	org.do("choose the applicant", selectOptionContaining(`select[name=applicant_id]`, "Ada Okafor"))
	org.submit(`form[action$="/place"] button[type=submit]`, `^/programs/`+programID+`/circles/`+circleID)
	org.see("Ada Okafor", "Facilitator")

	// The organizer sees the roster but never the circle's own page.
	org.open("/circles/" + circleID)
	org.see("could not find that page")

	// The facilitator signs in, accepts the ground rules and schedules a meeting.
	fac := newBrowser(t, root, "facilitator", base)
	fac.open("/signin")
	fac.typeIn(`input[name=email]`, "facilitator@example.org")
	fac.typeIn(`input[name=password]`, password)
	fac.submit(`form[action="/signin"] button[type=submit]`, `^/$`)
	fac.open("/circles/" + circleID)
	fac.waitPath(`/circles/` + circleID + `/welcome$`)
	fac.submit(`form[action$="/welcome"] button[type=submit]`, `^/circles/`+circleID)
	fac.open("/circles/" + circleID + "/meetings/new")
	fac.checkAccessibility("meeting form")
	day := time.Now().In(londonTZ(t)).AddDate(0, 0, 10).Format("2006-01-02")
	fac.set(`input[name=date]`, day)
	fac.set(`input[name=time]`, "14:00")
	fac.typeIn(`input[name=video_url]`, "https://meet.example.org/baobab")
	fac.set(`textarea[name=agenda]`, "Opening round, then Ada's challenge.")
	fac.submit(`form[action$="/meetings/new"] button[type=submit]`, `^/(circles|meetings)/`)

	// The member enters through her invitation e-mail and sets up her account.
	invitation := smtp.WaitForMatch(t, func(msg mailtest.ParsedMessage) bool {
		return msg.SentTo("ada.okafor@example.net") && msg.Link("/invite/") != ""
	}, 10*time.Second)
	ada.do("open the invitation", navigateAndWait(invitation.Link("/invite/"))...)
	ada.checkAccessibility("invitation page")
	ada.see("Baobab circle")
	ada.typeIn(`input[name=password]`, "a circle of trusted peers")
	ada.submit(`main form button[type=submit]`, `^/circles/`+circleID+`/welcome$`)
	ada.checkAccessibility("ground rules")
	ada.see("Confidentiality")
	ada.submit(`form[action$="/welcome"] button[type=submit]`, `^/circles/`+circleID)
	ada.see("Set your leadership goals")
	ada.open("/circles/" + circleID + "/goals")
	ada.checkAccessibility("goals form")
	ada.typeIn(`[name=goal1]`, "Build a leadership team that can run without me.")
	ada.submit(`form[action$="/goals"] button[type=submit]`, `^/circles/`+circleID+`$`)
	ada.checkAccessibility("circle home")

	// Her circle page shows the people, her goal and the meeting in her own
	// time zone: Lagos, while the meeting was set at 14:00 London time.
	facilitator := m.Demo.Users[m.Demo.FacilitatorEmail]
	if facilitator == "" {
		t.Fatal("the demo has no facilitator account")
	}
	meetingLocal := londonAt(t, day, "14:00").In(lagosTZ(t))
	ada.see("Baobab circle", "Facilitator", "Ada Okafor (you)", "Build a leadership team that can run without me.",
		"Africa/Lagos", meetingLocal.Format("15:04"), meetingLocal.Format("2 January"), "https://meet.example.org/baobab")
	ada.submit(`form[action$="/rsvp"]:has(input[value=yes]) button, form[action$="/rsvp"] button[value=yes]`, `^/circles/`+circleID+`$`)
	ada.see("Your answer: Coming")

	// The meeting's own page carries its agenda.
	ada.do("open the meeting", chromedp.Click(chromedp.CSS(`a[href^="/meetings/"]`)))
	ada.waitPath(`^/meetings/`)
	ada.see("Opening round, then Ada's challenge.")

	// The organizer still cannot open the circle's meeting.
	org.open(strings.TrimPrefix(ada.location(), base))
	org.see("could not find that page")
}

func londonTZ(t *testing.T) *time.Location { return mustZone(t, "Europe/London") }
func lagosTZ(t *testing.T) *time.Location  { return mustZone(t, "Africa/Lagos") }

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func londonAt(t *testing.T, day, clock string) time.Time {
	t.Helper()
	at, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, londonTZ(t))
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func absolute(base, href string) string {
	if strings.HasPrefix(href, "http") {
		return href
	}
	return base + href
}
