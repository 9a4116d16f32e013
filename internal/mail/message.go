package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/roundtable/roundtable"
)

//go:embed templates
var templateFS embed.FS

// messageNames are the messages Roundtable composes; each has a .txt and an
// .html template. Parsing them all at start makes a missing one fail at boot.
var messageNames = []string{"sign_in", "application_received", "application_declined", "invitation", "seat_opened"}

var (
	textTemplates = texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/*.txt"))
	htmlTemplates = parseHTML(messageNames)
)

// parseHTML parses each named message's HTML template into the layout and
// the partials, checking that its text template exists too.
func parseHTML(names []string, partials ...string) map[string]*htmltemplate.Template {
	layout := htmltemplate.Must(htmltemplate.ParseFS(templateFS, append([]string{"templates/layout.html"}, partials...)...))
	out := make(map[string]*htmltemplate.Template, len(names))
	for _, name := range names {
		t := htmltemplate.Must(layout.Clone())
		out[name] = htmltemplate.Must(t.ParseFS(templateFS, "templates/"+name+".html"))
		if textTemplates.Lookup(name+".txt") == nil {
			panic("mail: missing template " + name + ".txt")
		}
	}
	return out
}

// messageData is what the templates read.
type messageData struct {
	Subject      string
	Name         string
	Link         string
	ButtonLabel  string
	Expires      string // "15 minutes", "14 days"
	ProgramName  string
	CircleName   string
	Facilitator  bool
	NeedsAccount bool
	Note         []string // the organizer's own words, by line
}

// compose renders the text and HTML bodies of a message.
func compose(name, to string, d messageData) Message {
	return render(name, to, d.Subject, d.Link, htmlTemplates[name], d)
}

// render executes the text template name.txt and html's layout with d. The
// templates are ours and tested; should one still fail, the reader gets the
// subject and the link rather than nothing.
func render(name, to, subject, link string, html *htmltemplate.Template, d any) Message {
	m := Message{To: to, Subject: subject}
	var b bytes.Buffer
	if err := textTemplates.ExecuteTemplate(&b, name+".txt", d); err != nil {
		m.Text = fmt.Sprintf("%s\n\n%s\n", subject, link)
	} else {
		m.Text = b.String()
	}
	b.Reset()
	if err := html.ExecuteTemplate(&b, "layout.html", d); err == nil {
		m.HTML = b.String()
	}
	return m
}

// SignInLink is the message with a one-time sign-in link.
func SignInLink(to, name, link string) Message {
	return compose("sign_in", to, messageData{
		Subject:     "Your sign-in link for Roundtable",
		Name:        firstLine(name),
		Link:        link,
		ButtonLabel: "Sign in to Roundtable",
		Expires:     humanDuration(roundtable.SignInLinkLifetime),
	})
}

// ApplicationReceived confirms an application to a program.
func ApplicationReceived(to, name, programName string) Message {
	programName = firstLine(programName)
	return compose("application_received", to, messageData{
		Subject:     "We received your application to " + programName,
		Name:        firstLine(name),
		ProgramName: programName,
	})
}

// ApplicationDeclined tells an applicant, kindly, that the program has no
// place for them this time, with the organizer's own words (note) when given.
func ApplicationDeclined(to, name, programName, note string) Message {
	programName = firstLine(programName)
	return compose("application_declined", to, messageData{
		Subject:     "Your application to " + programName,
		Name:        firstLine(name),
		ProgramName: programName,
		Note:        Lines(note),
	})
}

// Invitation invites a person to a circle. needsAccount tells whether the link
// leads to setting up an account.
func Invitation(to, name, circleName, programName string, role roundtable.CircleRole, link string, needsAccount bool) Message {
	circleName, programName = firstLine(circleName), firstLine(programName)
	d := messageData{
		Subject:      "You are invited to " + circleName,
		Name:         firstLine(name),
		Link:         link,
		ButtonLabel:  "Join your circle",
		Expires:      humanDuration(roundtable.InvitationLifetime),
		ProgramName:  programName,
		CircleName:   circleName,
		Facilitator:  role == roundtable.RoleFacilitator,
		NeedsAccount: needsAccount,
	}
	if d.Facilitator {
		d.Subject = "You are invited to facilitate " + circleName
		d.ButtonLabel = "Open the invitation"
	}
	if needsAccount {
		d.ButtonLabel = "Set up your account"
	}
	return compose("invitation", to, d)
}

// firstLine keeps a name on one line, so it cannot break a subject header.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.TrimSpace(strings.TrimSuffix(s, "\r"))
}

// humanDuration writes a lifetime the way people say it: "15 minutes", "14 days".
func humanDuration(d time.Duration) string {
	plural := func(n int, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return plural(int(d/(24*time.Hour)), "day")
	case d >= time.Hour && d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	default:
		return plural(int(d/time.Minute), "minute")
	}
}

// SeatOpened tells a facilitator that a member deleted her account and so
// left the circle, without naming her.
func SeatOpened(to, name, circleName, programName string) Message {
	circleName, programName = firstLine(circleName), firstLine(programName)
	return compose("seat_opened", to, messageData{
		Subject:     "A seat opened in " + circleName,
		Name:        firstLine(name),
		ProgramName: programName,
		CircleName:  circleName,
	})
}
