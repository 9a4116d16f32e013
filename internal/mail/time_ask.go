package mail

import "time"

// TimeAskMail asks a person no circle could hold whether she can make one of
// the weekly times that would give her a seat.
type TimeAskMail struct {
	To          string
	Name        string
	ProgramName string
	// Times are the weekly times on her clock, like "Tuesday 10:00–11:30",
	// and Zone the name of her time zone.
	Times []string
	Zone  string
	// Link opens the page where she answers; no account is needed. It works
	// once, for Expires.
	Link    string
	Expires time.Duration
}

// timeAskData is what the templates read.
type timeAskData struct {
	Subject     string
	ButtonLabel string
	ExpiresIn   string
	TimeAskMail
}

var timeAskHTML = parseHTML([]string{"time_ask"})

// TimeAsk writes the message asking her about the times.
func TimeAsk(d TimeAskMail) Message {
	d.Name, d.ProgramName = firstLine(d.Name), firstLine(d.ProgramName)
	data := timeAskData{
		Subject:     "Could you make one of these times? A seat in " + d.ProgramName,
		ButtonLabel: "Choose a time", ExpiresIn: humanDuration(d.Expires), TimeAskMail: d,
	}
	return render("time_ask", d.To, data.Subject, d.Link, timeAskHTML["time_ask"], data)
}
