package mail

// CommitmentMail reminds a member of one of her commitments a few days
// before it is due. The commitment is circle content: it goes to its owner
// alone.
type CommitmentMail struct {
	To         string
	Name       string
	CircleName string
	Text       string // the commitment, in her words
	Report     string // her latest word on it, "" if none
	// Due is when it is due in her zone, like "Tuesday 16 March
	// (Europe/Paris)"; AtMeeting is set when that is her circle's next
	// meeting.
	Due       string
	DueDay    string // the day alone, like "Tuesday 16 March"
	AtMeeting bool
	Link      string // her commitments page, at this one
	PrefsLink string
}

// commitmentData is what the templates read.
type commitmentData struct {
	Subject     string
	ButtonLabel string
	ProgramName string
	CommitmentMail
}

var commitmentHTML = parseHTML([]string{"commitment_due"})

// CommitmentDue writes the reminder.
func CommitmentDue(d CommitmentMail) Message {
	d.Name, d.CircleName = firstLine(d.Name), firstLine(d.CircleName)
	data := commitmentData{Subject: "Your commitment in " + d.CircleName + " is due on " + firstLine(d.DueDay),
		ButtonLabel: "Say how it is going", CommitmentMail: d}
	return render("commitment_due", d.To, data.Subject, d.Link, commitmentHTML["commitment_due"], data)
}
