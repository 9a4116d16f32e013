package mail

import "github.com/roundtable/roundtable"

// SignInLink is the message with a one-time sign-in link.
func SignInLink(to, name, link string) Message {
	return Message{To: to, Subject: "Your sign-in link for Roundtable", Text: "Hello " + name + ",\n\nSign in: " + link + "\n"}
}

// ApplicationReceived confirms an application to a program.
func ApplicationReceived(to, name, programName string) Message {
	return Message{To: to, Subject: "We received your application to " + programName, Text: "Hello " + name + ",\n\nThank you for applying.\n"}
}

// Invitation invites a person to a circle. needsAccount tells whether the link
// leads to setting up an account.
func Invitation(to, name, circleName, programName string, role roundtable.CircleRole, link string, needsAccount bool) Message {
	return Message{To: to, Subject: "You are invited to " + circleName, Text: "Hello " + name + ",\n\nJoin: " + link + "\n"}
}
