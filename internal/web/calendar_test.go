package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/roundtable/roundtable"
)

var feedRE = regexp.MustCompile(`value="` + regexp.QuoteMeta(testBase) + `(/calendar/[A-Za-z0-9_-]+\.ics)"`)

// feedPath reads the calendar address off the account page.
func feedPath(t *testing.T, page *response) string {
	t.Helper()
	m := feedRE.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("the account page shows no calendar address: %s", snippet(page.Body))
	}
	return m[1]
}

// withoutFragment is the part of a redirect a browser requests.
func withoutFragment(loc string) string {
	loc, _, _ = strings.Cut(loc, "#")
	return loc
}

func TestCalendarFeed(t *testing.T) {
	a := newApp(t)
	u := a.user("una@example.org", "Una Member", false)
	b := a.browser().signInAs(u)
	page := b.get("/account").want(t, http.StatusOK).contains(t, "Your calendar address", "Replace my calendar address", "webcal://rt.test/calendar/")
	path := feedPath(t, page)
	if again := feedPath(t, b.get("/account")); again != path {
		t.Fatalf("got address %s the second time, want the same %s", again, path)
	}

	// A calendar program fetches it without signing in.
	r := a.browser().get(path).want(t, http.StatusOK)
	if !strings.HasPrefix(r.Body, "BEGIN:VCALENDAR\r\n") {
		t.Errorf("got body %q, want a calendar", snippet(r.Body))
	}
	for h, want := range map[string]string{"Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "private, max-age=300"} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s: got %q, want %q", h, got, want)
		}
	}

	for _, bad := range []string{"/calendar/" + strings.Repeat("A", 43) + ".ics", strings.TrimSuffix(path, ".ics"), path + "x", "/calendar/.ics"} {
		a.browser().get(bad).want(t, http.StatusNotFound)
	}

	// A new address revokes the old one.
	a.browser().post("/account/calendar", nil).want(t, http.StatusSeeOther) // anonymous: to sign in
	res := b.post("/account/calendar", url.Values{}).want(t, http.StatusSeeOther)
	if !strings.HasPrefix(res.Location, "/account") {
		t.Fatalf("got redirect to %q, want the account page", res.Location)
	}
	page = b.get(withoutFragment(res.Location)).want(t, http.StatusOK).contains(t, "The old one no longer works")
	renewed := feedPath(t, page)
	if renewed == path {
		t.Fatalf("the address did not change")
	}
	a.browser().get(path).want(t, http.StatusNotFound)
	a.browser().get(renewed).want(t, http.StatusOK)
}

func TestAccountMessages(t *testing.T) {
	a := newApp(t)
	org := a.user("org@example.org", "Olga Organizer", true)
	p := a.program(org, "Leaders")
	c := a.circle(org, p, "Harbour Circle")
	fac := a.facilitator(org, c, "fac@example.org", "Fiona Fac")
	member := a.member(org, c, a.applicant(org, p, "ann@example.org", "Ann Member", "Grow.", true), "America/New_York")

	rsvp := roundtable.NotifyRSVP.Label()
	a.browser().signInAs(member).get("/account").want(t, http.StatusOK).
		contains(t, roundtable.NotifyReminderWeek.Label(), roundtable.NotifyNotes.Label(), `id="on-reminder_week" name="on_reminder_week" value="on" checked`).
		lacks(t, rsvp)
	b := a.browser().signInAs(fac)
	b.get("/account").want(t, http.StatusOK).contains(t, rsvp)

	// Everything shown is saved: ticked on, unticked off.
	form := url.Values{"kinds": {"reminder_week", "reminder_day", "notes", "polls", "rsvp"}, "on_reminder_day": {"on"}, "on_rsvp": {"on"}}
	res := b.post("/account/messages", form).want(t, http.StatusSeeOther)
	if !strings.HasPrefix(res.Location, "/account#messages") {
		t.Fatalf("got redirect to %q, want the messages on the account page", res.Location)
	}
	b.get(withoutFragment(res.Location)).want(t, http.StatusOK).contains(t, "Your choice of messages is saved.",
		`id="on-reminder_day" name="on_reminder_day" value="on" checked`, `id="on-rsvp" name="on_rsvp" value="on" checked`).
		lacks(t, `id="on-reminder_week" name="on_reminder_week" value="on" checked`, `id="on-notes" name="on_notes" value="on" checked`)
	prefs, err := a.svc.Notifications.NotificationPrefs(as(fac))
	if err != nil {
		t.Fatal(err)
	}
	if prefs.On(roundtable.NotifyReminderWeek) || !prefs.On(roundtable.NotifyReminderDay) || prefs.On(roundtable.NotifyPolls) || !prefs.On(roundtable.NotifyRSVP) {
		t.Errorf("got %v, want the week reminder, notes and polls off", prefs)
	}
	// A member's form has no RSVP box, and leaves that choice alone.
	mb := a.browser().signInAs(member)
	mb.post("/account/messages", url.Values{"kinds": {"reminder_week", "reminder_day", "notes", "polls"}}).want(t, http.StatusSeeOther)
	mine, err := a.svc.Notifications.NotificationPrefs(as(member))
	if err != nil {
		t.Fatal(err)
	}
	if mine.On(roundtable.NotifyNotes) || !mine.On(roundtable.NotifyRSVP) {
		t.Errorf("got %v, want what the form showed off and the rest as it was", mine)
	}
	// Anonymous: sent to sign in, nothing saved.
	if r := a.browser().post("/account/messages", form); r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/signin") {
		t.Errorf("got %d to %q, want a redirect to sign in", r.Code, r.Location)
	}
}
