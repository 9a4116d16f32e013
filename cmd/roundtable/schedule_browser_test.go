package main

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail/mailtest"
	"github.com/roundtable/roundtable/internal/sqldb"
	"github.com/roundtable/roundtable/schedule"
)

// cedar is a circle of the demo program in Paris, formed around Thursdays at
// 16:00, with a facilitator in Paris and members in New York and Lagos, and
// nothing scheduled yet.
type cedar struct {
	id                        string
	facEmail, memberEmail     string
	facZone, memberZone       *time.Location
	facPassword, memberPasswd string
}

// cedarCircle creates the Cedar Circle in the demo program as the organizer
// would: two applicants imported and accepted, placed, a facilitator named;
// each joins through the e-mailed invitation and accepts the ground rules.
func cedarCircle(t *testing.T, m *Main, smtp *mailtest.Server) *cedar {
	t.Helper()
	ctx := context.Background()
	sys := roundtable.NewSystemContext(ctx)
	cd := &cedar{
		facEmail: "fay.moreau@example.net", memberEmail: "nia.brooks@example.net",
		facZone: mustZone(t, "Europe/Paris"), memberZone: mustZone(t, "America/New_York"),
		facPassword: "a calm circle of peers", memberPasswd: "my trusted peers meet",
	}
	circles := sqldb.NewCircleService(m.DB)
	c := &roundtable.Circle{ProgramID: m.Demo.ProgramID, Name: "Cedar Circle", TimeZone: "Europe/Paris",
		Slot: schedule.Slot{Day: time.Thursday, Start: 16 * 60}.String()}
	if err := circles.CreateCircle(sys, c); err != nil {
		t.Fatalf("create circle: %v", err)
	}
	cd.id = c.ID

	// Both members are free on Thursday mornings, their time: Thursday
	// afternoons in Paris.
	csv := roundtable.ApplicantsCSVHeader + "\n" +
		"Nia Brooks,nia.brooks@example.net,Chief Operating Officer,Hudson Health,Private,Health,Operations,4,America/New_York,Thu 08:00-12:00,Lead through a merger,,\n" +
		"Kemi Adeyemi,kemi.adeyemi@example.net,Director of Finance,Lagos State,Public,Government,Finance,4,Africa/Lagos,Thu 13:00-19:00,Build a finance team,,\n"
	applicants := sqldb.NewApplicantService(m.DB)
	if _, err := applicants.ImportApplicants(sys, m.Demo.ProgramID, strings.NewReader(csv)); err != nil {
		t.Fatalf("import: %v", err)
	}
	for _, name := range []string{"Nia Brooks", "Kemi Adeyemi"} {
		list, err := applicants.ListApplicants(sys, m.Demo.ProgramID, roundtable.ApplicantFilter{Query: name})
		if err != nil || len(list) != 1 {
			t.Fatalf("got %d applicants named %s (%v), want 1", len(list), name, err)
		}
		if err := applicants.SetApplicantStatus(sys, list[0].ID, roundtable.StatusAccepted); err != nil {
			t.Fatalf("accept %s: %v", name, err)
		}
		if err := circles.PlaceApplicant(sys, c.ID, list[0].ID); err != nil {
			t.Fatalf("place %s: %v", name, err)
		}
	}
	if err := circles.SetFacilitator(sys, c.ID, cd.facEmail, "Fay Moreau"); err != nil {
		t.Fatalf("set facilitator: %v", err)
	}

	auth := sqldb.NewAuthService(m.DB)
	join := func(addr, name, zone, password string) {
		t.Helper()
		msg := smtp.WaitForMatch(t, func(p mailtest.ParsedMessage) bool {
			return p.SentTo(addr) && p.Link("/invite/") != ""
		}, 10*time.Second)
		link := msg.Link("/invite/")
		token := link[strings.LastIndex(link, "/invite/")+len("/invite/"):]
		u, err := auth.AcceptInvitation(ctx, token, roundtable.AccountSetup{Name: name, TimeZone: zone, Password: password})
		if err != nil {
			t.Fatalf("%s accepts the invitation: %v", addr, err)
		}
		if err := circles.AcceptGroundRules(roundtable.NewContextWithUser(ctx, u), c.ID); err != nil {
			t.Fatalf("%s accepts the ground rules: %v", addr, err)
		}
	}
	join(cd.facEmail, "Fay Moreau", "Europe/Paris", cd.facPassword)
	join(cd.memberEmail, "Nia Brooks", "America/New_York", cd.memberPasswd)
	join("kemi.adeyemi@example.net", "Kemi Adeyemi", "Africa/Lagos", "a circle of trusted peers")
	return cd
}

// userIDs returns the user IDs of the circle's people by e-mail.
func (cd *cedar) userIDs(t *testing.T, m *Main) map[string]string {
	t.Helper()
	home, err := sqldb.NewCircleService(m.DB).FindCircleHome(roundtable.NewSystemContext(context.Background()), cd.id)
	if err != nil {
		t.Fatalf("find circle: %v", err)
	}
	ids := map[string]string{}
	for _, mb := range home.Circle.Members {
		ids[mb.Email] = mb.UserID
	}
	return ids
}

// meeting creates a meeting of the circle that starts in about in, lasts
// minutes and has segs as its agenda.
func (cd *cedar) meeting(t *testing.T, m *Main, in time.Duration, minutes int, segs []roundtable.Segment) *roundtable.Meeting {
	t.Helper()
	sys := roundtable.NewSystemContext(context.Background())
	mt := &roundtable.Meeting{CircleID: cd.id, StartsAt: time.Now().Add(in).Truncate(time.Minute), Minutes: minutes, VideoURL: "https://video.example/cedar"}
	if err := sqldb.NewMeetingService(m.DB).CreateMeeting(sys, mt); err != nil {
		t.Fatalf("create meeting: %v", err)
	}
	if err := sqldb.NewAgendaService(m.DB).SetSegments(sys, mt.ID, segs); err != nil {
		t.Fatalf("set agenda: %v", err)
	}
	return mt
}

// TestBrowser_Schedule walks scheduling in a real Chromium: the facilitator
// makes the circle's meeting series from its common time, moves one meeting
// to another day, cancels another and asks the circle for a new time for a
// third; a member in New York answers the poll seeing the times on her own
// clock, the facilitator chooses the best time in one click and the meeting
// moves. The member then turns off one kind of message and replaces her
// private calendar address. Every page is checked with axe-core and for
// sideways scrolling on a phone.
func TestBrowser_Schedule(t *testing.T) {
	root := startChromium(t)
	smtp := mailtest.StartServer(t)
	m := startDemo(t, smtp)
	base := m.URL()
	cd := cedarCircle(t, m, smtp)
	circlePath := "/circles/" + cd.id
	meetings := sqldb.NewMeetingService(m.DB)
	sys := roundtable.NewSystemContext(context.Background())
	startOf := func(id string) time.Time {
		t.Helper()
		mt, err := meetings.FindMeetingByID(sys, id)
		if err != nil {
			t.Fatalf("find meeting %s: %v", id, err)
		}
		return mt.StartsAt
	}

	fac := newBrowser(t, root, "facilitator", base)
	signIn(fac, cd.facEmail, cd.facPassword)

	// The series, from the circle's own time.
	fac.open(circlePath)
	fac.checkPage("circle page, nothing scheduled")
	fac.do("open the series form", chromedp.Click(chromedp.CSS(`main a[href="`+circlePath+`/series"]`)))
	fac.waitPath(`^` + circlePath + `/series$`)
	// Under the circle's time, each member's own clock from the next
	// Thursday on: 10:00 in New York, or 11:00 in the weeks when only one of
	// the two zones is on summer time.
	nextThursday := nextAt(time.Now(), time.Thursday, 16, cd.facZone)
	fac.see("Set up the meeting series", "Thursday at 16:00", "Europe/Paris",
		"Nia Brooks: Thu "+nextThursday.In(cd.memberZone).Format("15:04"),
		"Kemi Adeyemi: Thu "+nextThursday.In(mustZone(t, "Africa/Lagos")).Format("15:04"))
	fac.checkPage("series form")
	if !fac.checked(`#f-slot`) {
		t.Fatalf("the circle's own time is not chosen first; the form says:\n%s", fac.mainText())
	}
	fac.set(`#f-cadence`, string(roundtable.Biweekly))
	fac.typeIn(`input[name=video_url]`, "https://meet.example.org/cedar")
	fac.submit(`form[action$="/series/preview"] button[type=submit]`, `^`+circlePath+`/series/preview$`)
	fac.see("Check the meetings", "every two weeks on Thursday at 16:00", "Europe/Paris")
	fac.checkPage("series preview")
	fac.submit(`form[action="`+circlePath+`/series"] button[type=submit]`, `^`+circlePath+`$`)
	fac.see("The series is set", "Change the series")
	fac.checkPage("circle page with the series")

	var ids []string
	for _, href := range fac.hrefs(`main a[href^="/meetings/"]`) {
		if id := strings.TrimPrefix(href, "/meetings/"); !strings.Contains(id, "/") && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) < 5 {
		t.Fatalf("got %d meetings on the circle page, want a series of at least 5", len(ids))
	}
	first := startOf(ids[0])
	if got := first.In(cd.facZone); got.Weekday() != time.Thursday || got.Hour() != 16 {
		t.Fatalf("the first meeting starts %v, want a Thursday at 16:00 in Paris", got)
	}

	// Move the first meeting to the Friday.
	fac.open("/meetings/" + ids[0])
	fac.checkPage("meeting page")
	fac.do("open the change form", chromedp.Click(chromedp.CSS(`main a[href="/meetings/`+ids[0]+`/edit"]`)))
	fac.waitPath(`/edit$`)
	fac.checkPage("meeting change form")
	friday := first.In(cd.facZone).AddDate(0, 0, 1)
	fac.set(`input[name=date]`, friday.Format("2006-01-02"))
	fac.set(`input[name=time]`, "15:30")
	fac.submit(`form[action$="/edit"] button[type=submit]`, `^/meetings/`+ids[0]+`$`)
	moved := time.Date(friday.Year(), friday.Month(), friday.Day(), 15, 30, 0, 0, cd.facZone)
	fac.see("Meeting changed", "Europe/Paris")
	fac.seeWhen(moved, cd.facZone)
	if got := startOf(ids[0]); !got.Equal(moved) {
		t.Fatalf("the moved meeting starts %v, want %v", got, moved)
	}

	// Cancel the second.
	fac.open("/meetings/" + ids[1])
	fac.do("open the cancellation", chromedp.Click(chromedp.CSS(`main a[href="/meetings/`+ids[1]+`/cancel"]`)))
	fac.waitPath(`/cancel$`)
	fac.see("Everyone in the circle gets a cancellation")
	fac.checkPage("cancel confirmation")
	fac.submit(`form[action$="/cancel"] button[type=submit]`, `^/meetings/`+ids[1]+`$`)
	fac.see("Cancelled")

	// Ask the circle for a new time for the fourth meeting.
	fourth := startOf(ids[3]).In(cd.facZone)
	var options []time.Time
	for _, days := range []int{1, 4, 5} {
		d := fourth.AddDate(0, 0, days)
		options = append(options, time.Date(d.Year(), d.Month(), d.Day(), 17, 0, 0, 0, cd.facZone))
	}
	fac.open("/meetings/" + ids[3])
	fac.do("open the poll form", chromedp.Click(chromedp.CSS(`main a[href="/meetings/`+ids[3]+`/polls/new"]`)))
	fac.waitPath(`/polls/new$`)
	fac.see("Find a new time")
	fac.checkPage("poll form")
	for i, o := range options {
		n := fmt.Sprint(i + 1)
		fac.set(`input[name=option`+n+`_date]`, o.Format("2006-01-02"))
		fac.set(`input[name=option`+n+`_time]`, "17:00")
	}
	fac.set(`textarea[name=note]`, "Half of us are at the conference that week.")
	pollPath := fac.submit(`form[action$="/polls/new"] button[type=submit]`, `^/polls/[^/]+$`)
	fac.see("The poll is open")

	// The member, in New York, answers with the times on her own clock.
	nia := newBrowser(t, root, "member", base)
	signIn(nia, cd.memberEmail, cd.memberPasswd)
	nia.open(circlePath)
	nia.see("every two weeks on Thursday at 16:00, Europe/Paris time", "For you that is Thursday at "+nextThursday.In(cd.memberZone).Format("15:04"),
		"America/New York", "Answer the poll")
	nia.seeWhen(startOf(ids[2]), cd.memberZone)
	nia.checkPage("circle page, member, a poll open")
	nia.do("open the poll", chromedp.Click(chromedp.CSS(`main a[href="`+pollPath+`"]`)))
	nia.waitPath(`^` + pollPath + `$`)
	nia.see("Finding a new time", "America/New York", "Half of us are at the conference")
	for _, o := range options {
		nia.seeWhen(o, cd.memberZone) // 11:00, or 12:00 while only one zone is on summer time
	}
	nia.checkPage("poll, member")
	nia.do("answer yes", chromedp.Click(chromedp.CSS(`#f-option1`)))
	nia.do("answer if need be", chromedp.Click(chromedp.CSS(`#f-option2-1`)))
	nia.do("answer no", chromedp.Click(chromedp.CSS(`#f-option3-2`)))
	nia.submit(`form[action$="/answer"] button[type=submit]`, `^`+pollPath+`$`)
	nia.see("your answers are saved")
	if !nia.checked(`#f-option1`) || !nia.checked(`#f-option2-1`) || !nia.checked(`#f-option3-2`) {
		t.Fatalf("the member's answers are not shown as given:\n%s", nia.mainText())
	}

	// The facilitator chooses the best time in one click; the meeting moves.
	fac.open(pollPath)
	fac.see("Best so far", "Not answered yet: Kemi Adeyemi")
	fac.checkPage("poll, facilitator")
	fac.submit(`form[action$="/choose"] button.button:not(.button-secondary)`, `^`+pollPath+`$`)
	fac.see("The new time is set", "Chosen")
	if got := startOf(ids[3]); !got.Equal(options[0]) {
		t.Fatalf("after the choice the meeting starts %v, want %v", got, options[0])
	}
	fac.open("/meetings/" + ids[3])
	fac.seeWhen(options[0], cd.facZone)
	nia.open("/meetings/" + ids[3])
	nia.seeWhen(options[0], cd.memberZone)

	// The member's account: one kind of message off, a new calendar address.
	nia.open("/account")
	nia.see("Messages", "Calendar")
	if !nia.checked(`#on-reminder_day`) {
		t.Fatal("the day-before reminder is off before anyone turned it off")
	}
	nia.do("untick the day-before reminder", chromedp.Click(chromedp.CSS(`#on-reminder_day`)))
	nia.submit(`form[action="/account/messages"] button[type=submit]`, `^/account$`)
	nia.see("Your choice of messages is saved")
	if nia.checked(`#on-reminder_day`) || !nia.checked(`#on-reminder_week`) {
		t.Fatal("got the wrong messages ticked after saving, want only the day-before reminder off")
	}
	oldFeed := nia.value(`#feed-url`)
	if code, _ := get(t, http.DefaultClient, oldFeed); code != http.StatusOK {
		t.Fatalf("calendar feed %s: got %d, want 200", oldFeed, code)
	}
	nia.do("ask for a new address", chromedp.Click(chromedp.CSS(`details.feed-reset summary`)))
	nia.see("the old one stops working at once")
	nia.checkPage("account") // checked once, with everything open: its long list of zones makes axe slow
	nia.submit(`form[action="/account/calendar"] button[type=submit]`, `^/account$`)
	nia.see("Your calendar has a new address")
	newFeed := nia.value(`#feed-url`)
	if newFeed == oldFeed || !strings.Contains(newFeed, "/calendar/") {
		t.Fatalf("calendar address after replacing it: got %q, want a new one (was %q)", newFeed, oldFeed)
	}
	if code, _ := get(t, http.DefaultClient, oldFeed); code != http.StatusNotFound {
		t.Fatalf("the replaced calendar address: got %d, want 404", code)
	}
	if code, _ := get(t, http.DefaultClient, newFeed); code != http.StatusOK {
		t.Fatalf("the new calendar address: got %d, want 200", code)
	}
}

// nextAt returns the first day on or after now's date in loc that falls on
// day, at hour:00 there.
func nextAt(now time.Time, day time.Weekday, hour int, loc *time.Location) time.Time {
	d := now.In(loc)
	d = time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, loc)
	for d.Weekday() != day {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// signIn signs a person in with the password form.
func signIn(b *browser, email, password string) {
	b.t.Helper()
	b.open("/signin")
	b.typeIn(`input[name=email]`, email)
	b.typeIn(`input[name=password]`, password)
	b.submit(`form[action="/signin"] button[type=submit]`, `^/`)
}

// seeWhen fails unless the page shows the date and start time of at, read
// on a clock in loc, like "Friday 8 January 2027, 11:00–".
func (b *browser) seeWhen(at time.Time, loc *time.Location) {
	b.t.Helper()
	l := at.In(loc)
	re := regexp.MustCompile(regexp.QuoteMeta(l.Format("Monday 2 January")) + `( \d{4})?, ` + regexp.QuoteMeta(l.Format("15:04")) + `–`)
	if got := b.mainText(); !re.MatchString(got) {
		b.t.Fatalf("%s on %s: page does not show %s (%s); it says:\n%s", b.name, b.location(), l.Format("Monday 2 January 2006, 15:04"), loc, got)
	}
}

// checked reports whether the checkbox or radio button sel is checked.
func (b *browser) checked(sel string) bool {
	b.t.Helper()
	return evaluate[bool](b, "is "+sel+" checked", fmt.Sprintf(`document.querySelector(%q).checked`, sel))
}

// hrefs returns the href attributes of the elements matching sel, in page order.
func (b *browser) hrefs(sel string) []string {
	b.t.Helper()
	return evaluate[[]string](b, "links "+sel, fmt.Sprintf(`Array.from(document.querySelectorAll(%q), a => a.getAttribute("href"))`, sel))
}

// checkPage runs axe-core on the page, fails when it scrolls sideways on a
// 390 px phone, and saves screenshots (see screens).
func (b *browser) checkPage(label string) {
	b.t.Helper()
	b.checkAccessibility(label)
	b.checkWidth(390, label)
	screens(b.t, b, sanitize(label+"-"+b.name))
	b.do("viewport", chromedp.EmulateViewport(1280, 900))
}

// checkWidth fails when the page scrolls sideways on a phone px wide. It
// leaves the window at that width.
func (b *browser) checkWidth(px int64, label string) {
	b.t.Helper()
	b.do("viewport", chromedp.EmulateViewport(px, 844))
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	// What a box scrolls or clips within itself is not wider than the page:
	// only the box itself counts.
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const w = document.documentElement.clientWidth + 1;
		const clipped = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) { if (getComputedStyle(p).overflowX !== "visible") return true; } return false; };
		return Array.from(document.querySelectorAll("main *")).filter(e => e.getBoundingClientRect().right > w && !clipped(e)).slice(0, 3).map(e => e.outerHTML.slice(0, 120)).join(" | ") ||
			(document.documentElement.scrollWidth > document.documentElement.clientWidth ? "the page" : "");
	})()`))
	cancel()
	if err != nil {
		b.t.Fatalf("%s: measure %s: %v", b.name, label, err)
	}
	if wide != "" {
		b.t.Errorf("%s: wider than a %d px phone: %s", label, px, wide)
	}
}
