package mail

// DecisionMail tells a member that her circle is deciding something, or
// reminds her, the day before it closes, that she has not voted.
type DecisionMail struct {
	To          string
	Name        string
	ProgramName string
	CircleName  string
	Proposer    string
	Title       string
	// Closes is when voting closes, on the reader's clock, like "Tuesday 8
	// December, 18:00 (Europe/Paris)".
	Closes    string
	Link      string
	PrefsLink string
	Reminder  bool
}

// decisionData is what the templates read.
type decisionData struct {
	Subject     string
	ButtonLabel string
	DecisionMail
}

var decisionHTML = parseHTML([]string{"decision"})

// Decision writes the message about a proposal that opened, or the
// reminder before it closes.
func Decision(d DecisionMail) Message {
	d.Name, d.ProgramName, d.CircleName = firstLine(d.Name), firstLine(d.ProgramName), firstLine(d.CircleName)
	d.Proposer, d.Title = firstLine(d.Proposer), firstLine(d.Title)
	subject := d.CircleName + " decides: " + d.Title
	if d.Reminder {
		subject = "Closing soon, your vote: " + d.Title + " (" + d.CircleName + ")"
	}
	data := decisionData{Subject: subject, ButtonLabel: "Read it and vote", DecisionMail: d}
	return render("decision", d.To, subject, d.Link, decisionHTML["decision"], data)
}
