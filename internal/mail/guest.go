package mail

import "time"

// GuestMail is what an invitation to one meeting as a guest tells its reader.
type GuestMail struct {
	To          string
	Name        string // the guest's name
	InvitedBy   string // the facilitator who invited her
	ProgramName string
	CircleName  string
	// When is the meeting's time in the guest's zone (see When).
	When string
	// Link signs the guest in and opens the meeting room; it works once,
	// for Expires.
	Link    string
	Expires time.Duration
}

// guestData is what the guest templates read: the message, and the layout's
// fields it lacks (Link and ProgramName come from GuestMail).
type guestData struct {
	Subject     string
	ButtonLabel string
	ExpiresIn   string
	GuestMail
}

var guestHTML = parseHTML([]string{"guest_invitation"})

// GuestInvitation invites a person to one meeting of a circle as a guest,
// with a sign-in link to the meeting's room. It says nothing of the
// meeting's content: a guest sees what the circle shares with guests, in the
// room.
func GuestInvitation(d GuestMail) Message {
	d.Name, d.InvitedBy, d.ProgramName, d.CircleName = firstLine(d.Name), firstLine(d.InvitedBy), firstLine(d.ProgramName), firstLine(d.CircleName)
	data := guestData{
		Subject:     "You are invited as a guest of " + d.CircleName + ", " + d.When,
		ButtonLabel: "Open the meeting room", ExpiresIn: humanDuration(d.Expires), GuestMail: d,
	}
	return render("guest_invitation", d.To, data.Subject, d.Link, guestHTML["guest_invitation"], data)
}
