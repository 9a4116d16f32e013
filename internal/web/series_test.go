package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
)

// scheduled is a circle in Paris with a facilitator and two members, in New
// York and Tokyo, and nothing scheduled yet.
type scheduled struct {
	org, fac, ny, tokyo *roundtable.User
	prog                *roundtable.Program
	circle              *roundtable.Circle
}

func (a *app) scheduled() *scheduled {
	a.t.Helper()
	s := &scheduled{org: a.user("org@example.org", "Olga Organizer", true)}
	s.prog = a.program(s.org, "Series Program")
	s.circle = a.circle(s.org, s.prog, "Circle Cedar")
	s.ny = a.member(s.org, s.circle, a.applicant(s.org, s.prog, "nia@example.org", "Nia York", "Delegate.", true), "America/New_York")
	s.tokyo = a.member(s.org, s.circle, a.applicant(s.org, s.prog, "taro@example.org", "Taro Kyo", "Listen.", true), "Asia/Tokyo")
	s.fac = a.facilitator(s.org, s.circle, "fay@example.org", "Fay Facilitator")
	a.deliver()
	return s
}

// TestSeries_Pages: the facilitator chooses a time from the members'
// availability, checks the dates, makes the series and changes it later;
// members see the rhythm and cannot change it.
func TestSeries_Pages(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	fb, mb := a.browser().signInAs(s.fac), a.browser().signInAs(s.ny)
	base := "/circles/" + s.circle.ID + "/series"

	mb.get(base).want(t, http.StatusForbidden)
	mb.get(base+"/preview?slot=Tue+15:00&cadence=weekly&minutes=60&video_url=https://v.example/").want(t, http.StatusForbidden)
	mb.post(base, url.Values{"slot": {"Tue 15:00"}, "cadence": {"weekly"}, "minutes": {"60"}, "video_url": {"https://v.example/"}}).want(t, http.StatusForbidden)
	fb.get("/circles/"+s.circle.ID).want(t, http.StatusOK).contains(t, "Set up the meeting series")

	// Both members are free Monday 09:00–12:00 New York: Monday afternoons in Paris.
	form := fb.get(base).want(t, http.StatusOK)
	form.contains(t, "Set up the meeting series", "Europe/Paris", "Nia York", "Taro Kyo", `value="monthly" selected`, `value="90"`)
	// Nia sees Monday mornings in New York, Taro Monday nights in Tokyo.
	if !regexp.MustCompile(`Nia York: Mon 0\d:\d\d`).MatchString(form.Body) || !regexp.MustCompile(`Taro Kyo: Mon 2\d:\d\d`).MatchString(form.Body) {
		t.Errorf("the options do not show each person's own time: %s", snippet(form.Body))
	}

	bad := url.Values{"slot": {"other"}, "day": {""}, "time": {"25:00"}, "cadence": {"monthly"}, "minutes": {"90"}}
	fb.get(base+"/preview?"+bad.Encode()).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-day"`, `href="#f-time"`, `href="#f-video_url"`)
	fifth := url.Values{"slot": {"Tue 15:00"}, "cadence": {"monthly"}, "nth": {"5"}, "minutes": {"90"}, "video_url": {"https://v.example/cedar"}}
	fb.get(base+"/preview?"+fifth.Encode()).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-nth"`, "fifth weekday")

	choice := url.Values{"slot": {"other"}, "day": {"Tue"}, "time": {"15:00"}, "cadence": {"biweekly"}, "minutes": {"90"}, "video_url": {"https://v.example/cedar"}}
	sr := &roundtable.Series{CircleID: s.circle.ID, Slot: "Tue 15:00", Cadence: roundtable.Biweekly, Minutes: 90, VideoURL: "https://v.example/cedar"}
	want, err := a.svc.Series.PreviewSeries(as(s.fac), sr, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	n := len(want.Dates)
	first := want.Dates[0].StartsAt
	preview := fb.get(base+"/preview?"+choice.Encode()).want(t, http.StatusOK)
	preview.contains(t, "Check the meetings", "every two weeks on Tuesday at 15:00", plural(n, "meeting", "meetings"),
		meetingWhen(first, first.Add(90*time.Minute), roundtable.LoadLocation("Europe/Paris"), time.Now()), `name="day" value="Tue"`)
	if len(a.meetingsOf(s)) != 0 {
		t.Fatal("a preview made meetings")
	}

	r := fb.post(base, choice).want(t, http.StatusSeeOther)
	if r.Location != "/circles/"+s.circle.ID {
		t.Fatalf("got redirect %q, want the circle page", r.Location)
	}
	fb.follow(r).contains(t, "The series is set", plural(n, "meeting", "meetings"), "Change the series")
	if got := len(a.meetingsOf(s)); got != n {
		t.Fatalf("got %d meetings, want %d", got, n)
	}
	tokyo := roundtable.LoadLocation("Asia/Tokyo")
	mb2 := a.browser().signInAs(s.tokyo)
	mb2.get("/circles/"+s.circle.ID).want(t, http.StatusOK).
		contains(t, "every two weeks", "Asia/Tokyo", meetingWhen(first, first.Add(90*time.Minute), tokyo, time.Now())).
		lacks(t, "Change the series", "Set up the meeting series")

	// Changing: from a date, to Thursdays.
	form = fb.get(base).want(t, http.StatusOK).contains(t, "Change the meeting series", `name="from"`)
	// The series' Tuesday time is in neither member's availability; the
	// form says whose, and not of Fay, who gave none.
	for _, who := range []string{"Nia York", "Taro Kyo"} {
		if !regexp.MustCompile(who + `: Tue \d\d:\d\d[^<]* <span class="slot-outside">— not in their availability</span>`).MatchString(form.Body) {
			t.Errorf("the series' time does not say it is outside %s's availability: %s", who, snippet(form.Body))
		}
	}
	if regexp.MustCompile(`Fay Facilitator[^<]*<span class="slot-outside">`).MatchString(form.Body) {
		t.Error("the form says the time is outside the availability of Fay, who gave none")
	}
	from := first.AddDate(0, 0, 14).In(roundtable.LoadLocation("Europe/Paris")).Format(roundtable.DateLayout)
	change := url.Values{"slot": {"other"}, "day": {"Thu"}, "time": {"16:30"}, "cadence": {"biweekly"}, "minutes": {"90"},
		"video_url": {"https://v.example/cedar"}, "from": {from}}
	fb.get(base+"/preview?"+change.Encode()).want(t, http.StatusOK).contains(t, "Check the changes", "Moves from", "Change the series")
	late := url.Values{}
	for k, v := range change {
		late[k] = v
	}
	late.Set("from", s.prog.EndDate.AddDate(0, 1, 0).Format(roundtable.DateLayout))
	fb.post(base, late).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-from"`, "within the program")
	r = fb.post(base, change).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "The series is changed from", "every two weeks on Thursday at 16:30")
	got, err := a.svc.Series.FindSeries(as(s.ny), s.circle.ID)
	if err != nil || got.Slot != "Thu 16:30" {
		t.Fatalf("got series %+v (%v), want Thursdays at 16:30", got, err)
	}
}

// meetingsOf returns the circle's meetings, past and upcoming.
func (a *app) meetingsOf(s *scheduled) []*roundtable.Meeting {
	a.t.Helper()
	h, err := a.svc.Circles.FindCircleHome(as(s.fac), s.circle.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	return append(append([]*roundtable.Meeting{}, h.Past...), h.Upcoming...)
}

// parisAt is a date and time in Paris some days from now, as the forms take it.
func parisAt(days int, clock string) (string, string, time.Time) {
	paris := roundtable.LoadLocation("Europe/Paris")
	d := time.Now().In(paris).AddDate(0, 0, days)
	c, _ := time.Parse("15:04", clock)
	at := time.Date(d.Year(), d.Month(), d.Day(), c.Hour(), c.Minute(), 0, 0, paris)
	return at.Format(roundtable.DateLayout), clock, at
}

// meetingIn has the facilitator of s schedule a meeting in days at 10:00
// Paris time.
func (a *app) meetingIn(s *scheduled, days, minutes int) *roundtable.Meeting {
	a.t.Helper()
	_, _, at := parisAt(days, "10:00")
	m := &roundtable.Meeting{CircleID: s.circle.ID, StartsAt: at, Minutes: minutes, VideoURL: "https://v.example/m"}
	if err := a.svc.Meetings.CreateMeeting(as(s.fac), m); err != nil {
		a.t.Fatal(err)
	}
	return m
}

// TestMeeting_ChangeCancelNotes: the facilitator changes a meeting, sees
// which messages went out, writes the notes and cancels; members cannot.
func TestMeeting_ChangeCancelNotes(t *testing.T) {
	a := newApp(t)
	s := a.scheduled()
	day, clock, at := parisAt(10, "10:00")
	m := &roundtable.Meeting{CircleID: s.circle.ID, StartsAt: at, Minutes: 90, VideoURL: "https://v.example/m"}
	if err := a.svc.Meetings.CreateMeeting(as(s.fac), m); err != nil {
		t.Fatal(err)
	}
	fb, mb := a.browser().signInAs(s.fac), a.browser().signInAs(s.ny)
	path := "/meetings/" + m.ID
	for _, p := range []string{"/edit", "/cancel", "/notes", "/polls/new"} {
		mb.get(path+p).want(t, http.StatusForbidden)
	}
	mb.post(path+"/edit", url.Values{"date": {day}, "time": {"11:00"}, "minutes": {"60"}, "video_url": {"https://x.example/"}}).want(t, http.StatusForbidden)
	mb.post(path+"/cancel", nil).want(t, http.StatusForbidden)
	mb.post(path+"/notes", url.Values{"notes": {"Mine"}}).want(t, http.StatusForbidden)
	mb.get(path).want(t, http.StatusOK).lacks(t, "Change the meeting", "Cancel the meeting")

	edit := fb.get(path+"/edit").want(t, http.StatusOK)
	edit.contains(t, "Change the meeting", "Messages about this meeting", "Invitation", "Reminder a week before", `value="`+day+`"`, `value="10:00"`, "Nia York")

	// Content: no update for calendars.
	v := url.Values{"date": {day}, "time": {clock}, "minutes": {"90"}, "video_url": {"https://v.example/m"},
		"agenda": {"Round of news, then Nia's case."}, "readings": {"https://read.example/trust"}, "presenter_id": {s.ny.ID},
		"challenge": {"My team waits for me on every decision."}}
	r := fb.post(path+"/edit", v).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "The reminders will carry your changes", "Round of news", "https://read.example/trust", "Nia York", "My team waits for me")
	// A new time and place: an update for everyone.
	v.Set("time", "11:30")
	v.Set("place", "Maison de la Radio, Paris")
	v.Set("minutes", "5")
	fb.post(path+"/edit", v).want(t, http.StatusUnprocessableEntity).contains(t, `href="#f-minutes"`, "Maison de la Radio")
	v.Set("minutes", "90")
	r = fb.post(path+"/edit", v).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "Everyone gets the new details", "In person", "Maison de la Radio")
	got, err := a.svc.Meetings.FindMeetingByID(as(s.ny), m.ID)
	if err != nil || got.Sequence != 1 || got.StartsAt.In(roundtable.LoadLocation("Europe/Paris")).Format("15:04") != "11:30" {
		t.Fatalf("got %+v (%v), want it at 11:30 Paris, sequence 1", got, err)
	}

	// Notes: saved before, sent only after the meeting.
	fb.get(path+"/notes").want(t, http.StatusOK).contains(t, "Minutes and commitments")
	fb.post(path+"/notes", url.Values{"notes": {"Nia will delegate hiring."}, "send": {"on"}}).
		want(t, http.StatusUnprocessableEntity).contains(t, "once the meeting has taken place", `href="#f-send"`)
	r = fb.post(path+"/notes", url.Values{"notes": {"Nia will delegate hiring."}}).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "Notes saved", "Nia will delegate hiring.")

	// Cancel, after one confirmation.
	fb.get(path+"/cancel").want(t, http.StatusOK).contains(t, "Cancel the meeting on", "Keep it")
	r = fb.post(path+"/cancel", nil).want(t, http.StatusSeeOther)
	fb.follow(r).contains(t, "Meeting cancelled", "Cancelled:").lacks(t, "Change the meeting")
	mb.get("/circles/"+s.circle.ID).want(t, http.StatusOK).contains(t, "Cancelled")
	mb.post(path+"/rsvp", url.Values{"answer": {"yes"}}).want(t, http.StatusUnprocessableEntity)
	fb.get(path+"/edit").want(t, http.StatusUnprocessableEntity)
}

// A time the clocks skip is moved later and explained; a repeated one is
// the first; unreadable dates and times are refused on their fields.
func TestParseDateTime(t *testing.T) {
	paris := roundtable.LoadLocation("Europe/Paris")
	for _, c := range []struct {
		date, clock, want, note, problem string
	}{
		{"2027-03-28", "02:30", "2027-03-28T01:30:00Z", "02:30 does not exist", ""},
		{"2027-10-31", "02:30", "2027-10-31T00:30:00Z", "happens twice", ""},
		{"2027-06-01", "10:00", "2027-06-01T08:00:00Z", "", ""},
		{"01/06/2027", "10:00", "", "", "date"},
		{"2027-06-01", "10h", "", "", "time"},
		{"3027-06-01", "10:00", "", "", "date"},
	} {
		f := newForm(url.Values{"date": {c.date}, "time": {c.clock}})
		at, note := parseDateTime(f, "date", "time", paris)
		if c.problem != "" {
			if f.Error(c.problem) == "" {
				t.Errorf("%s %s: got no problem with %s", c.date, c.clock, c.problem)
			}
			continue
		}
		if got := at.UTC().Format(time.RFC3339); got != c.want || !strings.Contains(note, c.note) || (c.note == "") != (note == "") {
			t.Errorf("%s %s: got %s %q, want %s with %q", c.date, c.clock, got, note, c.want, c.note)
		}
	}
}
