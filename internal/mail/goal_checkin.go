package mail

// CheckInMail asks a member to check in on her goals in a circle: how far
// she has come on each, 1 to 5, with a line. Her goals are circle content:
// it goes to her alone.
type CheckInMail struct {
	To          string
	Name        string
	CircleName  string
	ProgramName string
	Period      string   // "month", "week", "quarter" …
	Goals       []string // the goals she has not checked in on this period
	Link        string   // her check-in page
	PrefsLink   string
}

// checkInData is what the templates read.
type checkInData struct {
	Subject     string
	ButtonLabel string
	CheckInMail
}

var checkInHTML = parseHTML([]string{"checkin_prompt"})

// CheckInPrompt writes the prompt.
func CheckInPrompt(d CheckInMail) Message {
	d.Name, d.CircleName, d.ProgramName = firstLine(d.Name), firstLine(d.CircleName), firstLine(d.ProgramName)
	data := checkInData{Subject: "How are your goals going? Time for this " + firstLine(d.Period) + "'s check-in",
		ButtonLabel: "Check in on my goals", CheckInMail: d}
	return render("checkin_prompt", d.To, data.Subject, d.Link, checkInHTML["checkin_prompt"], data)
}
