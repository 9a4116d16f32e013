package mail

// LapseMail tells a circle's facilitator about a member: that she crossed
// one of the program's lapse rules, or that she stepped away from the
// circle. It names her and counts meetings, nothing of what was said.
type LapseMail struct {
	To          string
	Name        string // the facilitator's
	Member      string // the member's name
	CircleName  string
	ProgramName string
	Reason      string // like "missed the last 2 meetings in a row"
	NextStep    string
	Link        string // the circle's page
}

// lapseData is what the templates read.
type lapseData struct {
	Subject     string
	ButtonLabel string
	LapseMail
}

var lapseHTML = parseHTML([]string{"lapse_alert", "stepped_away"})

// LapseAlert writes the message that a member crossed a lapse rule.
func LapseAlert(d LapseMail) Message {
	d = d.firstLines()
	data := lapseData{Subject: d.Member + " " + d.Reason, ButtonLabel: "Open the circle", LapseMail: d}
	return render("lapse_alert", d.To, data.Subject, d.Link, lapseHTML["lapse_alert"], data)
}

// SteppedAway writes the message that a member stepped away from the circle.
func SteppedAway(d LapseMail) Message {
	d = d.firstLines()
	data := lapseData{Subject: d.Member + " stepped away from " + d.CircleName, ButtonLabel: "Open the circle", LapseMail: d}
	return render("stepped_away", d.To, data.Subject, d.Link, lapseHTML["stepped_away"], data)
}

func (d LapseMail) firstLines() LapseMail {
	d.Name, d.Member = firstLine(d.Name), firstLine(d.Member)
	d.CircleName, d.ProgramName = firstLine(d.CircleName), firstLine(d.ProgramName)
	return d
}
