package mail_test

import (
	"strings"
	"testing"
	"time"

	"github.com/roundtable/roundtable"
	"github.com/roundtable/roundtable/internal/mail"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestWhen(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	start := time.Date(2026, 3, 16, 14, 0, 0, 0, time.UTC)
	end := start.Add(90 * time.Minute)
	for _, tc := range []struct {
		zone, want string
		now        time.Time
	}{
		{"America/New_York", "Monday 16 March, 10:00–11:30 (America/New York)", now},
		{"Europe/Paris", "Monday 16 March, 15:00–16:30 (Europe/Paris)", now},
		{"Asia/Tokyo", "Monday 16 March, 23:00 – Tuesday 00:30 (Asia/Tokyo)", now},
		{"UTC", "Monday 16 March 2026, 14:00–15:30 (UTC)", now.AddDate(-1, 0, 0)},
	} {
		if got := mail.When(start, end, zone(t, tc.zone), tc.now); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.zone, got, tc.want)
		}
	}
	ny := zone(t, "America/New_York")
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{start.Add(-2 * time.Hour), "today"},
		{start.Add(-24 * time.Hour), "tomorrow"},
		{start.Add(-3 * 24 * time.Hour), "on Monday"},
		{start.Add(-10 * 24 * time.Hour), "on Monday 16 March"},
	} {
		if got := mail.Soon(start, ny, tc.now); got != tc.want {
			t.Errorf("Soon from %s: got %q, want %q", tc.now, got, tc.want)
		}
	}
}

func sample() mail.MeetingMail {
	return mail.MeetingMail{
		To: "anna@example.org", Name: "Anna", ProgramName: "Leaders 2026", CircleName: "Harbour Circle",
		When: "Monday 16 March, 10:00–11:30 (America/New York)", Day: "Monday 16 March", Soon: "tomorrow",
		VideoURL: "https://video.example/harbour?id=1&pw=2", Agenda: []string{"Check-in round", "Case clinic"},
		Readings: mail.Readings("https://example.org/a\nChapter 3"), Presenter: "Ben", Challenge: "Hand over the budget.",
		Facilitator: "Fiona", Link: "https://rt.example/meetings/1", CircleLink: "https://rt.example/circles/2",
		PrefsLink: "https://rt.example/account#messages", Notes: []string{"Ben calls finance."},
		Member: "Anna", Answer: roundtable.RSVPMaybe, Tally: "1 maybe",
	}
}

func TestMeetingMessages(t *testing.T) {
	d := sample()
	checkMessage(t, mail.MeetingInvitation(d), "anna@example.org", "Invitation: Harbour Circle, "+d.When,
		[]string{"Hello Anna,", "You are invited", "Check-in round", "Fiona can plan", "calendar invitation is attached"})
	u := d
	u.Update, u.Changes = true, []string{"It moved from A to B."}
	checkMessage(t, mail.MeetingInvitation(u), "anna@example.org", "Changed: Harbour Circle now meets "+d.When,
		[]string{"has changed", "It moved from A to B.", "replaces the one you had"})
	checkMessage(t, mail.MeetingCancelled(d), "anna@example.org", "Cancelled: Harbour Circle, "+d.When,
		[]string{"is cancelled", "takes it out of your calendar"})
	checkMessage(t, mail.MeetingReminderWeek(d), "anna@example.org", "Next week: Harbour Circle, "+d.When,
		[]string{"meets in a week", "Ben brings a challenge this time", "Hand over the budget.", "Chapter 3", "Case clinic"})
	checkMessage(t, mail.MeetingReminderDay(d), "anna@example.org", "Tomorrow: Harbour Circle, "+d.When,
		[]string{"meets tomorrow", "First on the agenda: Check-in round"})
	checkMessage(t, mail.MeetingNotes(d), "anna@example.org", "Notes from Harbour Circle, Monday 16 March",
		[]string{"Ben calls finance.", "keep them in the circle"})
	checkMessage(t, mail.RSVPChanged(d), "anna@example.org", "Anna might come on Monday 16 March (Harbour Circle)",
		[]string{"Anna might come to the meeting", "Answers so far: 1 maybe."})
	checkMessage(t, mail.Poll(mail.PollMail{To: "anna@example.org", Name: "Anna", CircleName: "Harbour Circle", Meeting: d.When,
		Options: []string{"Tuesday 17 March, 10:00–11:30 (America/New York)"}, Link: "https://rt.example/polls/3"}),
		"anna@example.org", "Harbour Circle: which of these times work for you?",
		[]string{"for the meeting on " + d.When, "Tuesday 17 March, 10:00–11:30 (America/New York)", "yes, if need be, or no"})

	// The day reminder's button joins the call; the link is escaped in HTML.
	day := mail.MeetingReminderDay(d)
	if !strings.Contains(day.HTML, `href="https://video.example/harbour?id=1&amp;pw=2"`) || !strings.Contains(day.Text, "https://rt.example/meetings/1") {
		t.Errorf("day reminder: want a button to the call and the meeting page")
	}
	if !strings.Contains(day.HTML, `href="https://rt.example/meetings/1/room"`) || !strings.Contains(day.Text, "https://rt.example/meetings/1/room") {
		t.Errorf("day reminder: want a link to the meeting room")
	}
	for _, m := range []mail.Message{mail.MeetingReminderWeek(d), mail.MeetingNotes(d), mail.MeetingReminderDay(d)} {
		if !strings.Contains(m.Text, d.PrefsLink) || !strings.Contains(m.HTML, d.PrefsLink) {
			t.Errorf("%s: no link to the choice of messages", m.Subject)
		}
	}
	// Invitations always go out: no link to turn them off.
	d.PrefsLink = ""
	if m := mail.MeetingInvitation(d); strings.Contains(m.Text, "choose which messages") {
		t.Errorf("invitation offers to turn off what cannot be turned off")
	}
}

func TestMeetingMessages_Roles(t *testing.T) {
	d := sample()
	d.Facilitating = true
	if m := mail.MeetingInvitation(d); strings.Contains(m.Text, "say whether you can come") {
		t.Errorf("the facilitator is asked whether she comes:\n%s", m.Text)
	}
	p := sample()
	p.Presenting = true
	checkMessage(t, mail.MeetingReminderWeek(p), "anna@example.org", "Next week: Harbour Circle, "+p.When,
		[]string{"You are presenting this time", "Your challenge, as the circle reads it"})
	r := sample()
	r.RulesPending, r.Agenda, r.Readings, r.Presenter, r.Challenge = true, nil, nil, "", ""
	m := mail.MeetingReminderWeek(r)
	checkMessage(t, m, "anna@example.org", "Next week: Harbour Circle, "+r.When, []string{"accept the circle", "https://rt.example/circles/2"})
	if strings.Contains(m.Text, "On the agenda") {
		t.Errorf("a member who has not accepted the rules sees the agenda")
	}
}

func TestReadings(t *testing.T) {
	got := mail.Readings(" https://example.org/x \n\nA book\nhttps://two words.example\njavascript:alert(1)")
	want := []mail.Reading{{"https://example.org/x", "https://example.org/x"}, {"A book", ""}, {"https://two words.example", ""}, {"javascript:alert(1)", ""}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}
