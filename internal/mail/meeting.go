package mail

import (
	"net/url"
	"strings"
	"time"

	"github.com/roundtable/roundtable"
)

// Messages about meetings and polls. They are written for one reader, with
// every time already in the reader's own zone and the zone named (see When),
// because a leader reading on a phone should not have to convert anything.

// meetingMessageNames are the templates of the messages below; each has a
// .txt and an .html file, the HTML ones drawing on meeting_parts.html.
var meetingMessageNames = []string{
	"meeting_invitation", "meeting_cancelled", "meeting_reminder_week", "meeting_reminder_day",
	"meeting_notes", "meeting_rsvp", "poll",
}

var meetingHTML = parseHTML(meetingMessageNames, "templates/meeting_parts.html")

// MeetingMail is what a message about one meeting tells one reader.
type MeetingMail struct {
	To   string
	Name string // the reader's name

	ProgramName string
	CircleName  string
	// When is the meeting's time in the reader's zone, like "Tuesday 16
	// March, 10:00–11:30 (America/New York)"; Day is its date alone.
	When string
	Day  string
	// Soon says when the meeting is, seen from the moment of sending:
	// "tomorrow", "today" or a weekday (the day-before reminder).
	Soon     string
	TimeNote string // why a time differs from the usual one (a clock change)
	VideoURL string
	Place    string

	Agenda    []string  // the agenda, a line each
	Readings  []Reading // readings and links, a line each
	Presenter string    // who brings a challenge, "" when nobody
	Challenge string
	// Parts are the agenda's timed parts; when set, Agenda holds the
	// facilitator's notes on it. Cards are the presenters' challenge cards
	// and replace Presenter and Challenge when set.
	Parts []AgendaPart
	Cards []ChallengeCard
	// Presenting is set when the reader is the presenter.
	Presenting bool
	// RulesPending is set for a member who has not accepted the ground
	// rules yet: the agenda, readings and challenge are left out.
	RulesPending bool
	// Facilitating is set when the reader is the facilitator, who is not
	// asked whether they come.
	Facilitating bool
	Facilitator  string // the facilitator's name

	Link       string // the meeting's page
	CircleLink string // the circle's page
	// PrefsLink is where the reader chooses which messages they receive;
	// "" for messages that always go out.
	PrefsLink string

	// Changes says, for an update, what changed since the reader's last
	// invitation; empty for a first invitation.
	Changes []string
	Update  bool
	// Next is the circle's next meeting after a cancelled one, "" if none.
	Next string

	Notes []string // the minutes, a line each
	// OpenCommitments counts the reader's open commitments in the circle;
	// CommitmentsLink is her page to update them between meetings.
	OpenCommitments int
	CommitmentsLink string

	// Member, Answer and Tally describe a changed answer (to the facilitator).
	Member string
	Answer roundtable.RSVP
	Tally  string
}

// AgendaPart is one timed part of a meeting's agenda; Start is its time in
// the reader's zone, like "10:25".
type AgendaPart struct {
	Start   string
	Title   string
	Minutes int
	Roles   string
}

// ChallengeCard is a presenter's challenge card; Mine is set when the
// reader is the presenter. An unwritten card has no text.
type ChallengeCard struct {
	Presenter string
	Mine      bool
	Context   string
	Question  string
	Tried     string
}

// Written reports whether the presenter wrote anything on the card.
func (c ChallengeCard) Written() bool { return c.Context != "" || c.Question != "" || c.Tried != "" }

// ContextLines, QuestionLines and TriedLines split the card's texts into
// lines, for templates to indent or break.
func (c ChallengeCard) ContextLines() []string  { return Lines(c.Context) }
func (c ChallengeCard) QuestionLines() []string { return Lines(c.Question) }
func (c ChallengeCard) TriedLines() []string    { return Lines(c.Tried) }

// Reading is one line of a meeting's readings; URL is set when the line is
// a link, so the HTML message makes it one.
type Reading struct{ Text, URL string }

// Readings splits readings into lines and finds the links among them.
func Readings(s string) []Reading {
	var out []Reading
	for _, l := range Lines(s) {
		r := Reading{Text: l}
		if u, err := url.Parse(l); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && !strings.ContainsAny(l, " \t") {
			r.URL = l
		}
		out = append(out, r)
	}
	return out
}

// meetingData is what the meeting templates read: the layout's fields and
// the message.
type meetingData struct {
	Subject     string
	Link        string
	ButtonLabel string
	ProgramName string
	MeetingMail
	Poll *PollMail
}

func composeMeeting(name, to string, d meetingData) Message {
	return render(name, to, d.Subject, d.Link, meetingHTML[name], d)
}

// data fills the fields every meeting message shares.
func (d MeetingMail) data(subject, button string) meetingData {
	d.Name, d.CircleName, d.ProgramName = firstLine(d.Name), firstLine(d.CircleName), firstLine(d.ProgramName)
	d.Presenter, d.Facilitator, d.Member = firstLine(d.Presenter), firstLine(d.Facilitator), firstLine(d.Member)
	d.Cards = append([]ChallengeCard(nil), d.Cards...)
	for i := range d.Cards {
		d.Cards[i].Presenter = firstLine(d.Cards[i].Presenter)
	}
	return meetingData{Subject: subject, Link: d.Link, ButtonLabel: button, ProgramName: d.ProgramName, MeetingMail: d}
}

// MeetingInvitation invites the reader to a meeting, or, with Update set,
// tells them it changed. The caller attaches the calendar file.
func MeetingInvitation(d MeetingMail) Message {
	subject := "Invitation: " + firstLine(d.CircleName) + ", " + d.When
	button := "Say whether you can come"
	if d.Update {
		subject = "Changed: " + firstLine(d.CircleName) + " now meets " + d.When
		button = "Check you can still come"
	}
	if d.Facilitating {
		button = "Open the meeting page"
	}
	return composeMeeting("meeting_invitation", d.To, d.data(subject, button))
}

// MeetingCancelled tells the reader a meeting will not take place.
func MeetingCancelled(d MeetingMail) Message {
	m := d.data("Cancelled: "+firstLine(d.CircleName)+", "+d.When, "See the circle's meetings")
	m.Link = d.CircleLink // the meeting is off: the button leads to the circle's other meetings
	return composeMeeting("meeting_cancelled", d.To, m)
}

// MeetingReminderWeek is the reminder a week before: the agenda, the
// presenter's challenge and the readings.
func MeetingReminderWeek(d MeetingMail) Message {
	return composeMeeting("meeting_reminder_week", d.To, d.data("Next week: "+firstLine(d.CircleName)+", "+d.When, "Say whether you can come"))
}

// MeetingReminderDay is the short reminder the day before.
func MeetingReminderDay(d MeetingMail) Message {
	soon := d.Soon
	if soon == "" {
		soon = "soon"
	}
	subject := capitalize(soon) + ": " + firstLine(d.CircleName) + ", " + d.When
	button := "Open the meeting page"
	if d.VideoURL != "" {
		button = "Join the video call"
	}
	m := d.data(subject, button)
	if d.VideoURL != "" {
		m.Link = d.VideoURL
	}
	return composeMeeting("meeting_reminder_day", d.To, m)
}

// MeetingNotes sends the minutes and commitments of a meeting.
func MeetingNotes(d MeetingMail) Message {
	return composeMeeting("meeting_notes", d.To, d.data("Notes from "+firstLine(d.CircleName)+", "+d.Day, "Open the meeting page"))
}

// RSVPChanged tells the facilitator a member's answer.
func RSVPChanged(d MeetingMail) Message {
	subject := firstLine(d.Member) + " " + answerPhrase(d.Answer) + " on " + d.Day + " (" + firstLine(d.CircleName) + ")"
	return composeMeeting("meeting_rsvp", d.To, d.data(subject, "See everyone's answers"))
}

// answerPhrase says an answer the way a coordinator would.
func answerPhrase(r roundtable.RSVP) string {
	switch r {
	case roundtable.RSVPYes:
		return "is coming"
	case roundtable.RSVPNo:
		return "can't come"
	case roundtable.RSVPMaybe:
		return "might come"
	}
	return "has not answered"
}

// AnswerPhrase is answerPhrase for templates.
func (d MeetingMail) AnswerPhrase() string { return answerPhrase(d.Answer) }

// PollMail is a request to say which of a few proposed times work.
type PollMail struct {
	To   string
	Name string

	ProgramName string
	CircleName  string
	Facilitator string
	// Meeting is the time of the meeting being moved; with Series set, the
	// new time is for it and the series' following meetings.
	Meeting string
	Series  bool
	Note    []string // the facilitator's words, a line each
	Options []string // each option in the reader's zone (see When)
	Link    string   // the poll's page
	// Reminder is set for the one reminder to people who have not answered.
	Reminder  bool
	PrefsLink string
}

// Poll asks the reader to answer a poll, or reminds them to.
func Poll(d PollMail) Message {
	d.Name, d.CircleName, d.ProgramName, d.Facilitator = firstLine(d.Name), firstLine(d.CircleName), firstLine(d.ProgramName), firstLine(d.Facilitator)
	subject := d.CircleName + ": which of these times work for you?"
	if d.Reminder {
		subject = "Reminder: which times work for you? (" + d.CircleName + ")"
	}
	return composeMeeting("poll", d.To, meetingData{
		Subject: subject, Link: d.Link, ButtonLabel: "Give your answers", ProgramName: d.ProgramName,
		MeetingMail: MeetingMail{Name: d.Name, CircleName: d.CircleName, PrefsLink: d.PrefsLink},
		Poll:        &d,
	})
}

// When writes a meeting's time in loc for a reader, like "Tuesday 16 March,
// 10:00–11:30 (America/New York)", or "Tuesday 16 March, 23:00 – Wednesday
// 00:30 (Asia/Tokyo)" when it ends on the next day. The year is added when
// it is not the current one.
func When(start, end time.Time, loc *time.Location, now time.Time) string {
	s, e := start.In(loc), end.In(loc)
	out := Day(start, loc, now) + ", " + s.Format("15:04")
	if e.YearDay() != s.YearDay() || e.Year() != s.Year() {
		out += " – " + e.Format("Monday 15:04")
	} else {
		out += "–" + e.Format("15:04")
	}
	return out + " (" + ZoneName(loc) + ")"
}

// Day writes the date of t in loc, like "Tuesday 16 March", with the year
// when it is not the current one.
func Day(t time.Time, loc *time.Location, now time.Time) string {
	layout := "Monday 2 January"
	if t.In(loc).Year() != now.In(loc).Year() {
		layout = "Monday 2 January 2006"
	}
	return t.In(loc).Format(layout)
}

// Soon says when t is, seen from now in loc: "today", "tomorrow", or "on
// Friday" within the week.
func Soon(t time.Time, loc *time.Location, now time.Time) string {
	a, b := now.In(loc), t.In(loc)
	days := int(time.Date(b.Year(), b.Month(), b.Day(), 12, 0, 0, 0, time.UTC).Sub(time.Date(a.Year(), a.Month(), a.Day(), 12, 0, 0, 0, time.UTC)) / (24 * time.Hour))
	switch {
	case days <= 0:
		return "today"
	case days == 1:
		return "tomorrow"
	case days < 7:
		return "on " + b.Format("Monday")
	}
	return "on " + Day(t, loc, now)
}

// ZoneName names a zone for people, like "America/New York".
func ZoneName(loc *time.Location) string { return strings.ReplaceAll(loc.String(), "_", " ") }

// Lines splits text into its non-empty lines, trimmed.
func Lines(s string) []string { return roundtable.NonEmptyLines(s) }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
